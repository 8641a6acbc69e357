#!/usr/bin/env bash
# Task definitions whose values all come from the shell or from Secrets Manager.
cat > td.json <<-EOF
	{
	  "family": "web",
	  "containerDefinitions": [{
	    "name": "web",
	    "image": "${IMAGE}",
	    "environment": [
	      {"name": "DB_PASSWORD", "value": "${DB_PASSWORD}"},
	      {"name": "API_TOKEN", "value": "$API_TOKEN"}
	    ],
	    "secrets": [{"name": "STRIPE_KEY", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/stripe"}]
	  }]
	}
	EOF
aws ecs register-task-definition --cli-input-json "$(cat td.json)"
cat <<EOF
Usage: register.sh --password PASSWORD
EOF
x=$((1 << 4))
