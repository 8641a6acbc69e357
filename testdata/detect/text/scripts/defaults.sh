#!/bin/sh
# Settings with the defaults the script runs with when the environment gives nothing.
set -eu
DB_HOST=${DB_HOST:-orders-db.internal}
DB_USER=${DB_USER:-orders}
DB_PASSWORD=${DB_PASSWORD:-Sh3ll-Default-41}
export API_SECRET="${API_SECRET:-apiSecret-Q8r2Lw}"
: "${SMTP_PASSWORD:=smtpPw-7Ytr}"
REDIS_PASSWORD=${APP_REDIS_PASSWORD:-${REDIS_PASSWORD:-redisNest-33k}}
PASSWORD=${PASSWORD:-'let me in'}
exec ./server --db-host "$DB_HOST" --db-user "$DB_USER"
