#!/bin/bash
# Heredocs whose credentials come from the environment, and help text.
cat > /etc/orders/app.ini <<EOF
[database]
host = ${DB_HOST}
password = ${DB_PASSWORD}
token = $API_TOKEN
EOF
cat <<USAGE
Usage: deploy [--password PASSWORD]
  password=<your password>   the database password
USAGE
