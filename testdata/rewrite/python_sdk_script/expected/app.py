"""A script."""
try:
    from . import hoist_secrets
except ImportError:
    import hoist_secrets
import os
import json

TOKEN = hoist_secrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/github-AbCdEf", None, env="GITHUB_TOKEN")
print(json.dumps({"t": len(TOKEN), "home": os.environ.get("HOME")}))
