#!/usr/bin/env bash
set -euo pipefail

export PGPASSWORD="${DB_PASSWORD:?missing environment variable DB_PASSWORD}"
STRIPE_KEY="${STRIPE_KEY:?missing environment variable STRIPE_KEY}"
SLACK_TOKEN="${SLACK_TOKEN:?missing environment variable SLACK_TOKEN}"
curl -H "Authorization: Bearer ${SLACK_TOKEN:?missing environment variable SLACK_TOKEN}" https://slack.example/api
psql 'postgres://shop:'"${DB_PASSWORD:?missing environment variable DB_PASSWORD}"'@db.internal/shop' -c 'select 1'
