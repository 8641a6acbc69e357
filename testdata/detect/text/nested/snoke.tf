resource "aws_ecs_task_definition" "api" {
  container_definitions = jsonencode([{
    name  = "api"
    image = "postgrest/postgrest"
    environment = [
      { name = "PGRST_DB_URI", value = "postgres://authenticator:tf-Url-pw9@${aws_db_instance.db.endpoint}/postgres" },
      { name = "PGRST_DB_SCHEMA", value = "api" },
    ]
  }])
}
