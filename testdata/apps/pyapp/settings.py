"""Settings of the invoice uploader (fake credentials planted for hoist's end-to-end tests)."""
import os

BUCKET = os.environ.get("BUCKET", "invoices")
AWS_ACCESS_KEY_ID = "AKIAUJZDEGXDNCF32EPF"
AWS_SECRET_ACCESS_KEY = "2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kj"
