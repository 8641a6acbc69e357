resource "aws_db_instance" "main" {
  username = var.db_user
  password = var.db_password
  engine   = "postgres"
}

resource "aws_rds_cluster" "c" {
  master_password = random_password.db.result
  master_username = "root"
}

locals {
  token  = data.aws_secretsmanager_secret_version.api.secret_string
  secret = "${var.prefix}-secret"
}

resource "aws_ecs_task_definition" "t" {
  container_definitions = jsonencode([{
    name  = "app"
    image = "acme/app@sha256:4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b"
    secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
    environment = [{ name = "API_TOKEN", value = var.api_token }]
  }])
}
