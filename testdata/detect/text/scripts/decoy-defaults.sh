#!/bin/sh
# Expansions that hold no credential: required variables, empty or templated defaults,
# substrings, lengths, alternatives and placeholders.
DB_PASSWORD=${DB_PASSWORD:?DB_PASSWORD must be set}
API_SECRET=${API_SECRET:-}
API_TOKEN=${API_TOKEN:-$DEFAULT_TOKEN}
SECRET_HEAD=${SECRET:0:4}
PASSWORD_FLAG=${DB_PASSWORD:+--password=$DB_PASSWORD}
PASSWORD_LEN=${#PASSWORD}
SESSION_SECRET=${SESSION_SECRET:-changeme}
DB_HOST=${DB_HOST:-localhost}
TOKEN_FILE=${TOKEN_FILE:-/run/secrets/token}
echo "password is ${PASSWORD:+set}"
