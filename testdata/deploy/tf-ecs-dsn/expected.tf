# jsonencode container definitions with a connection string whose host is an interpolation, a
# commented-out entry after the last item, and a trailing comment on a moved entry.
resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "ledger"
  password = jsondecode(data.aws_secretsmanager_secret_version.ledger_prod_postgres_input.secret_string)["password"]
}

resource "aws_ecs_task_definition" "ledger" {
  family = "ledger"
  container_definitions = jsonencode([
    {
      name  = "ledger-api"
      image = "example/ledger:1.4"
      environment = [
        { name = "LEDGER_DB_USER", value = "ledger" },
        { name = "LEDGER_DB_URL", value = "postgres://ledger:${jsondecode(data.aws_secretsmanager_secret_version.ledger_prod_postgres_input.secret_string)["password"]}@${aws_db_instance.main.endpoint}/ledger" },
        # { name = "OLD_URL", value = "postgres://ledger:old@db/ledger" }
      ]
      secrets = [
        { name = "LEDGER_DB_PASSWORD", valueFrom = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/prod/postgres-Pg4Lx2:password::" },
        { name = "SIGNING_SECRET", valueFrom = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/prod/signing-Sg7Rb1:signing_secret::" }
      ]
      essential = true
    }
  ])
}

# Added by hoist: read from AWS Secrets Manager by full ARN.
data "aws_secretsmanager_secret_version" "ledger_prod_postgres_input" {
  secret_id = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/prod/postgres-Pg4Lx2"
}
