#!/bin/sh
# Nightly backup: dumps the shop database and posts a note.
# Runnable in tests: the client programs are shell functions that print a digest of what
# they were given, so the script prints the same lines before and after the rewrite.
set -eu

mysqldump() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
mysql() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
notify() { printf '%s' "$1" | sha256sum | cut -c1-16; }

export MYSQL_PWD='Wq7!rT2#pLm9xZ'
API_TOKEN=${API_TOKEN:-ghp_R8kq2Lm4Np6Tx8Vz0Bc2De4Fg6Hj8Kl0Mn2Pq}
REPLICA_PASSWORD="Zr4-Replica-Pw-88x"

mysqldump --user=backup --password=Tr0ub4dor-3xyz shop
mysql -u backup -pHunter2Secretz9 -h db.internal shop
notify "token ${API_TOKEN} replica $REPLICA_PASSWORD"
printf '%s' "$MYSQL_PWD" | sha256sum | cut -c1-16
cat <<EOF | sha256sum | cut -c1-16
[client]
password=Hunter2Secretz9
EOF
