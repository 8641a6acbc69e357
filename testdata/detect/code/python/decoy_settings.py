"""Settings that read every credential from the environment: nothing hardcoded."""
import os
import uuid
from getpass import getpass

DB_HOST = os.environ["DB_HOST"]
DB_PASSWORD = os.environ["DB_PASSWORD"]
SECRET_KEY = os.environ.get("SECRET_KEY")
API_TOKEN = os.getenv("API_TOKEN", "")
password = getpass("Enter password: ")
PASSWORD_LABEL = "Password"
PASSWORD_ERROR = "Invalid password, try again"
password_hint = "At least 12 characters"
db_password = "changeme"
admin_password = "<your-password-here>"
token = None
auth_token = f"Bearer {os.environ['TOKEN']}"
secret = "%(db_secret)s"
db_pass = "{{ db_pass }}"
password_hash = "$2b$12$KIXQJ2dQwOQ8Hh7b8o9pUeOe2v1Yx8c5Qz0yK1m4nG6r9sT3uV7wX"
hashed_password = "pbkdf2_sha256$600000$abc$def"
session_id = str(uuid.uuid4())
request_id = "6f1c3a52-8d1e-4c2b-9a57-0e5b1f2d3c4a"
commit_sha = "3e1f4b9a7c2d8e6f5a4b3c2d1e0f9a8b7c6d5e4f"
image = "nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"
password_field = "password"
TOKEN_URL = "https://auth.example.com/oauth/token"
password = settings.DB_PASSWORD
secret = load_secret("db")
api_key = config["api_key"]
password = "password"
token = "GITHUB_TOKEN"
auth_password = "***"
if password == "hunter2-compare":
    pass
print("Your token is", token)
DB_HOST_FALLBACK = "localhost"
