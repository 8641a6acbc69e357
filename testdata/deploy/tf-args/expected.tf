variable "region" {
  type    = string
  default = "us-east-1"
}

variable "db_password" {
  description = "Master password"
  type        = string
  # hoist: the default moved to AWS Secrets Manager (arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/prod/admin-Ad1Mn2, key password); set TF_VAR_db_password
  sensitive = true
}

resource "aws_db_instance" "main" {
  identifier        = "billing"
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  username          = "billing"
  password          = jsondecode(data.aws_secretsmanager_secret_version.billing_prod_db_input.secret_string)["password"] # rotate me
  allocated_storage = 20
}

resource "aws_lambda_function" "hook" {
  function_name = "hook"
  role          = aws_iam_role.lambda.arn
  handler       = "index.handler"
  runtime       = "nodejs20.x"
  environment {
    variables = {
      DATABASE_URL = "postgres://billing:${jsondecode(data.aws_secretsmanager_secret_version.billing_prod_db_input.secret_string)["password"]}@db:5432/billing"
    }
  }
}

provider "github" {
  token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
}

# Added by hoist: read from AWS Secrets Manager by full ARN.
data "aws_secretsmanager_secret_version" "billing_prod_db_input" {
  secret_id = "arn:aws:secretsmanager:us-east-1:123456789012:secret:billing/prod/db-AbC123"
}
