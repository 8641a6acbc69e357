#!/usr/bin/env bash
set -euo pipefail

DB_PASSWORD="${DB_PASSWORD:?set DB_PASSWORD}"
API_TOKEN=$(aws secretsmanager get-secret-value --secret-id prod/api --query SecretString --output text)
export PGPASSWORD="$DB_PASSWORD"
SECRET_KEY=$SECRET_KEY_FROM_VAULT
read -rsp "Enter password: " password
psql -h "$DB_HOST" -U "$DB_USER" -d app
mysql -u root -p app
curl -u "$CI_USER:$CI_TOKEN" https://ci.internal/api
echo "token is set"
PASSWORD_FILE=/run/secrets/db_password
