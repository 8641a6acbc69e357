"""A script."""
import os
import json

TOKEN = "ghp_0123456789abcdefghijklmnopqrstuvwxyz"
print(json.dumps({"t": len(TOKEN), "home": os.environ.get("HOME")}))
