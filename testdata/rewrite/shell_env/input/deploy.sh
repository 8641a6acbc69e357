#!/usr/bin/env bash
set -euo pipefail

export PGPASSWORD="Sup3r-S3cret-pw!"
STRIPE_KEY='sk_live_51Habcdefghijklmnop'
SLACK_TOKEN=xoxb-1234567890-abcdefghijklmnop
curl -H "Authorization: Bearer xoxb-1234567890-abcdefghijklmnop" https://slack.example/api
psql 'postgres://shop:Sup3r-S3cret-pw!@db.internal/shop' -c 'select 1'
