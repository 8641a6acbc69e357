import logging

log = logging.getLogger(__name__)

DB_PASSWORD = "Sup3r-S3cret-pw!"
DB_PORT = 5432


def connect(driver):
    return driver.connect(host="db.internal", port=DB_PORT, password="Sup3r-S3cret-pw!")
