# jsonencode container definitions with a connection string whose host is an interpolation, a
# commented-out entry after the last item, and a trailing comment on a moved entry.
resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "ledger"
  password = "Lx9-ledger-pw-4Kq"
}

resource "aws_ecs_task_definition" "ledger" {
  family = "ledger"
  container_definitions = jsonencode([
    {
      name  = "ledger-api"
      image = "example/ledger:1.4"
      environment = [
        { name = "LEDGER_DB_USER", value = "ledger" },
        { name = "LEDGER_DB_PASSWORD", value = "Lx9-ledger-pw-4Kq" },
        { name = "LEDGER_DB_URL", value = "postgres://ledger:Lx9-ledger-pw-4Kq@${aws_db_instance.main.endpoint}/ledger" },
        { name = "SIGNING_SECRET", value = "sg_Qm3Vt8Wz1Rb6Yn0Hc5" } # rotated yearly
        # { name = "OLD_URL", value = "postgres://ledger:old@db/ledger" }
      ]
      essential = true
    }
  ])
}
