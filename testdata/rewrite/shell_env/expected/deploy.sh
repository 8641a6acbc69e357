#!/usr/bin/env bash
set -euo pipefail

export PGPASSWORD="${DB_PASSWORD:?set DB_PASSWORD: hoist run or the deployment}"
STRIPE_KEY="${STRIPE_KEY:?set STRIPE_KEY: hoist run or the deployment}"
SLACK_TOKEN="${SLACK_TOKEN:?set SLACK_TOKEN: hoist run or the deployment}"
curl -H "Authorization: Bearer ${SLACK_TOKEN:?set SLACK_TOKEN: hoist run or the deployment}" https://slack.example/api
psql 'postgres://shop:'"${DB_PASSWORD:?set DB_PASSWORD: hoist run or the deployment}"'@db.internal/shop' -c 'select 1'
