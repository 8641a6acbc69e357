#!/usr/bin/env python3
"""Settings for the shop service."""
from __future__ import annotations

import sys

DATABASES = {
    "default": {
        "HOST": "db.internal",
        "PORT": 5432,
        "PASSWORD": "Sup3r-S3cret-pw!",
    }
}

STRIPE_KEY = 'sk_live_51Habcdefghijklmnop'
DATABASE_URL = "postgres://shop:Sup3r-S3cret-pw!@db.internal:5432/shop"


def main() -> int:
    print(DATABASES["default"]["HOST"], file=sys.stderr)
    return 0
