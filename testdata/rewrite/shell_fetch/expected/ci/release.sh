#!/usr/bin/env bash
# Added by hoist: read from AWS Secrets Manager by full ARN unless the environment gives it (needs the aws CLI and jq).
RELEASE_DB_PASSWORD="${RELEASE_DB_PASSWORD:-$(aws secretsmanager get-secret-value --region us-east-1 --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf --query SecretString --output text | jq -r .password)}"
GH_TOKEN="${GH_TOKEN:-$(aws secretsmanager get-secret-value --region us-east-1 --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/github-AbCdEf --query SecretString --output text)}"
RELEASE_API_KEY="${RELEASE_API_KEY:-$(aws secretsmanager get-secret-value --region us-east-1 --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf --query SecretString --output text | jq -r '.["api-key"]')}"
# CI release step: tags the build and records it. Run by the pipeline, never by a deployment.
set -euo pipefail

publish() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }

export RELEASE_DB_PASSWORD="${RELEASE_DB_PASSWORD:?set RELEASE_DB_PASSWORD: not in the environment and the aws CLI could not read it}"
GH_TOKEN="${GH_TOKEN:?set GH_TOKEN: not in the environment and the aws CLI could not read it}"
publish --db-password="$RELEASE_DB_PASSWORD" --token "$GH_TOKEN" --api-key="${RELEASE_API_KEY:?set RELEASE_API_KEY: not in the environment and the aws CLI could not read it}"
curl_like() { printf '%s' "$1" | sha256sum | cut -c1-16; }
curl_like "Authorization: token ${GH_TOKEN:?set GH_TOKEN: not in the environment and the aws CLI could not read it}"
