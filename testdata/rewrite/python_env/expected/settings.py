#!/usr/bin/env python3
"""Settings for the shop service."""
from __future__ import annotations

import os
import sys

DATABASES = {
    "default": {
        "HOST": "db.internal",
        "PORT": int(os.environ["DB_PORT"]),
        "PASSWORD": os.environ["DB_PASSWORD"],
    }
}

STRIPE_KEY = os.environ['STRIPE_KEY']
DATABASE_URL = "postgres://shop:" + os.environ["DB_PASSWORD"] + "@db.internal:5432/shop"


def main() -> int:
    print(DATABASES["default"]["HOST"], file=sys.stderr)
    return 0
