variable "region" {
  type    = string
  default = "us-east-1"
}

variable "db_password" {
  description = "Master password"
  type        = string
  default     = "Vr8#pLq2!mZx"
}

resource "aws_db_instance" "main" {
  identifier        = "billing"
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  username          = "billing"
  password          = "Pg5ecretVal9x" # rotate me
  allocated_storage = 20
}

resource "aws_lambda_function" "hook" {
  function_name = "hook"
  role          = aws_iam_role.lambda.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  environment {
    variables = {
      DATABASE_URL = "postgres://billing:Pg5ecretVal9x@db:5432/billing"
    }
  }
}

provider "github" {
  token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
}
