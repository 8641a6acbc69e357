from . import hoist_secrets
import logging

log = logging.getLogger(__name__)

DB_PASSWORD = hoist_secrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", env="DB_PASSWORD")
DB_PORT = int(hoist_secrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "port", env="DB_PORT"))


def connect(driver):
    return driver.connect(host="db.internal", port=DB_PORT, password=hoist_secrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", env="DB_PASSWORD"))
