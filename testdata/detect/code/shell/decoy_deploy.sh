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
IMAGE=registry.internal/orders@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
GIT_SHA=3e1f4b9a7c2d8e6f5a4b3c2d1e0f9a8b7c6d5e4f
TOKEN_FILE="$HOME/.config/tool/token"
docker login -u ci --password-stdin < /run/secrets/registry
mysql --user=root --password="$MYSQL_ROOT_PASSWORD" -e "show databases"
