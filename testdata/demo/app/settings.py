"""Settings for the orders API."""
import os

DEBUG = os.environ.get("DEBUG", "0") == "1"
ALLOWED_HOSTS = ["orders.example.com"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "orders-db.cluster-c9xk2lq7.us-east-1.rds.amazonaws.com",
        "PORT": 5432,
        "NAME": "orders",
        "USER": "orders_app",
        "PASSWORD": "Vq7#pL2mRt9zXw4k",
    }
}

STRIPE_API_KEY = "sk_live_ECcNQf2suOoOOsgAwpIYiIP9"
STRIPE_WEBHOOK_TOLERANCE = 300

# Uploads of invoices to S3.
AWS_ACCESS_KEY_ID = "AKIAZZXXN7EPGWZQXQC2"
AWS_SECRET_ACCESS_KEY = "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"
AWS_STORAGE_BUCKET_NAME = "orders-invoices"

JWT_SIGNING_KEY = os.environ.get("JWT_SIGNING_KEY")
PASSWORD_MIN_LENGTH = 12
LOGIN_ERROR = "Invalid username or password"
