resource "aws_ecs_task_definition" "api" {
  family                = "api"
  container_definitions = <<EOF
[
  {
    "name": "api",
    "image": "acme/api:3",
    "environment": [
      {"name": "MONGO_URL", "value": "mongodb+srv://api:heredocMongo-5t@cluster0.mongodb.net/app"},
      {"name": "API_SECRET", "value": "heredocSecret-19Zk"}
    ]
  }
]
EOF
}
