terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

resource "aws_ecs_task_definition" "api" {
  family                   = "api"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.ecs_execution.arn

  container_definitions = jsonencode([
    {
      name      = "api"
      image     = "${var.repo}:${var.tag}"
      essential = true
      environment = [
        { name = "LOG_LEVEL", value = "info" },
      ]
      secrets = [
        { name = "JWT_SECRET", valueFrom = "arn:aws:secretsmanager:us-east-1:123456789012:secret:api/prod/jwt-Jw7Tk1" },
      ]
      portMappings = [{ containerPort = 8080 }]
    }
  ])
}

resource "aws_ecs_task_definition" "worker" {
  family                = "worker"
  execution_role_arn    = "arn:aws:iam::123456789012:role/worker-exec"
  container_definitions = <<DEFS
[
  {
    "name": "worker",
    "image": "${var.repo}:worker",
    "environment": [
      {"name": "QUEUE", "value": "jobs"}
    ],
    "secrets": [
      {"name": "JWT_SECRET", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:api/prod/jwt-Jw7Tk1"}
    ]
  }
]
DEFS
}

module "sidecar" {
  source          = "cloudposse/ecs-container-definition/aws"
  container_name  = "sidecar"
  container_image = "envoyproxy/envoy:v1.30"
  environment = []
  secrets = [
    {
      name  = "ADMIN_TOKEN"
      valueFrom = "arn:aws:secretsmanager:us-east-1:123456789012:secret:api/prod/envoy-En5Vy0:admin_token::"
    }
  ]
}
