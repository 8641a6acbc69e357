"""Prints a digest of the database URL the worker connects to."""
import hashlib
import os

DATABASE_URL = "postgresql://shop:Hk4pW8sZq2VnR6yT@db:5432/shop"
QUEUE = os.environ.get("QUEUE", "default")

print(hashlib.sha256((DATABASE_URL + "\n" + QUEUE).encode()).hexdigest())
