"""Production settings for the orders service."""
import os

import psycopg2
import redis
from sqlalchemy import create_engine

DEBUG = False
DB_HOST = "db.prod.internal"
DB_PORT = 5432
DB_USER = "orders_app"
DB_PASSWORD = "Tr0ub4dor&3"
DB_NAME = "orders"
CACHE_TTL = 300

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "pg-replica.internal",
        "PORT": "5433",
        "USER": "django",
        "PASSWORD": "dj4ngo-r3plica",
        "NAME": "shop",
    }
}

SECRET_KEY = "k9#vq!2mz@x7&w1p0c$e8r5t"
STRIPE_API_KEY: str = "stripe-k3y-9a2bQ7rT"
os.environ.setdefault("SMTP_PASSWORD", "mailpw-2024")
REDIS_PASSWORD = os.getenv("REDIS_PASSWORD", "r3dis-local")


def connect():
    return psycopg2.connect(host="10.0.0.5", port=5432, user="reporting", password="rep0rts!", dbname="warehouse")


engine = create_engine("postgresql+psycopg2://etl:etl-pw-77@warehouse.internal:5432/dw")
cache = redis.Redis(host="cache.internal", password="c4che-pw")


class Mailer:
    smtp_user = "noreply"
    smtp_password = "n0reply-pw"

    def __init__(self):
        self.api_token = "tok_3f9a8c7e6d5b"
