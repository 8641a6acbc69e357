#!/usr/bin/env bash
set -euo pipefail

export DB_HOST=pg.sh.internal
export DB_PASSWORD='sh-s3cret-pw'
API_TOKEN="sh-t0ken-123"

PGPASSWORD=pg-inline-pw psql -h pg.sh.internal -U deployer -d releases -c "select 1"
mysql -h mysql.sh.internal -u backup -pMyB4ckup-pw shop < dump.sql
curl -u ci-bot:cUrl-pw-77 https://ci.internal/api/trigger
mytool --api-token=cli-t0ken-xyz --verbose
