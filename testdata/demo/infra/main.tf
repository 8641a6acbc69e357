terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

variable "environment" {
  type    = string
  default = "prod"
}

resource "aws_db_instance" "orders" {
  identifier          = "orders-${var.environment}"
  engine              = "postgres"
  engine_version      = "16.3"
  instance_class      = "db.t4g.medium"
  allocated_storage   = 50
  db_name             = "orders"
  username            = "orders_app"
  password            = "Vq7#pL2mRt9zXw4k"
  skip_final_snapshot = false
}

resource "aws_ecs_task_definition" "worker" {
  family                   = "orders-worker"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = "arn:aws:iam::123456789012:role/orders-worker-execution"

  container_definitions = jsonencode([
    {
      name      = "worker"
      image     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders-worker:1.4.2"
      essential = true
      environment = [
        { name = "QUEUE_NAME", value = "receipts" },
        { name = "SENDGRID_API_KEY", value = "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" },
        { name = "REDIS_PASSWORD", value = "Hn3kT8wq2ZpL5vRx" }
      ]
    }
  ])
}
