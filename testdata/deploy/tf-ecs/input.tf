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
        { name = "JWT_SECRET", value = "c2VjcmV0LWp3dC1zaWduaW5nLWtleS0xMjM0NTY3OA" },
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
      {"name": "QUEUE", "value": "jobs"},
      {"name": "JWT_SECRET", "value": "c2VjcmV0LWp3dC1zaWduaW5nLWtleS0xMjM0NTY3OA"}
    ]
  }
]
DEFS
}

module "sidecar" {
  source          = "cloudposse/ecs-container-definition/aws"
  container_name  = "sidecar"
  container_image = "envoyproxy/envoy:v1.30"
  environment = [
    {
      name  = "ADMIN_TOKEN"
      value = "adm_7Hq2LmN9pQrS4tUvW8xYz"
    }
  ]
}
