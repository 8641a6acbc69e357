#!/bin/sh
# Nightly backup: dumps the shop database and posts a note.
# Runnable in tests: the client programs are shell functions that print a digest of what
# they were given, so the script prints the same lines before and after the rewrite.
set -eu

mysqldump() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
mysql() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
notify() { printf '%s' "$1" | sha256sum | cut -c1-16; }

export MYSQL_PWD="${MYSQL_PWD:?set MYSQL_PWD: hoist run or the deployment}"
API_TOKEN="${API_TOKEN:?set API_TOKEN: hoist run or the deployment}"
REPLICA_PASSWORD="${REPLICA_PASSWORD:?set REPLICA_PASSWORD: hoist run or the deployment}"

mysqldump --user=backup --password="${BACKUP_PASSWORD:?set BACKUP_PASSWORD: hoist run or the deployment}" shop
mysql -u backup -p"${MYSQL_PASSWORD:?set MYSQL_PASSWORD: hoist run or the deployment}" -h db.internal shop
notify "token ${API_TOKEN} replica $REPLICA_PASSWORD"
printf '%s' "$MYSQL_PWD" | sha256sum | cut -c1-16
cat <<EOF | sha256sum | cut -c1-16
[client]
password=${MYSQL_PASSWORD:?set MYSQL_PASSWORD: hoist run or the deployment}
EOF
