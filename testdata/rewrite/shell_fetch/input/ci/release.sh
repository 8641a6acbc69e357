#!/usr/bin/env bash
# CI release step: tags the build and records it. Run by the pipeline, never by a deployment.
set -euo pipefail

publish() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }

export RELEASE_DB_PASSWORD='Vt9#kLq2-Release-77'
GH_TOKEN="ghp_Q7wE9rT1yU3iO5pA7sD9fG1hJ3kL5zX7cV9b"
publish --db-password="$RELEASE_DB_PASSWORD" --token "$GH_TOKEN" --api-key=Pq-Api-Key-55x
curl_like() { printf '%s' "$1" | sha256sum | cut -c1-16; }
curl_like "Authorization: token ghp_Q7wE9rT1yU3iO5pA7sD9fG1hJ3kL5zX7cV9b"
