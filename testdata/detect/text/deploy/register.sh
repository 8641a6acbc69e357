#!/usr/bin/env bash
# Registers the web task: the task definition is written by a heredoc, with the shell's own
# expansions for the image and the role.
set -euo pipefail
IMAGE="$ECR_REPO:$GIT_SHA"

cat > td.json <<EOF
{
  "family": "web",
  "executionRoleArn": "$EXEC_ROLE_ARN",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "$IMAGE",
      "memory": $MEMORY,
      "environment": [
        {"name": "DB_HOST", "value": "orders.cluster-c9.eu-west-1.rds.amazonaws.com"},
        {"name": "DB_PASSWORD", "value": "Hd0c-Orders-71x"},
        {"name": "LOG_LEVEL", "value": "info"}
      ],
      "secrets": [{"name": "STRIPE_KEY", "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe"}]
    }
  ]
}
EOF
aws ecs register-task-definition --cli-input-json file://td.json

# The worker's definition inline.
aws ecs register-task-definition --cli-input-json '{
  "family": "worker",
  "containerDefinitions": [{"name": "worker", "image": "acme/worker:1",
    "environment": [{"name": "QUEUE_TOKEN", "value": "qtok-Inline-42Za"}]}]
}'

aws ecs register-task-definition --family cron \
  --container-definitions '[{"name": "cron", "image": "acme/cron:1", "environment": [{"name": "SMTP_PASSWORD", "value": "Cdefs-Smtp-88q"}]}]'
