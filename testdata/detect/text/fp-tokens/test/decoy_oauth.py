# Tokens a test makes up: all-letter words under token and key names.
RESPONSE = '{"access_token": "testac", "refresh_token": "testrf"}'
client.token = "invalid"
api_key = "myKeyA"
session = {"auth_token": "lah lah lemons"}
