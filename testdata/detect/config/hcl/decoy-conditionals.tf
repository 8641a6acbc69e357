# Conditionals and fallbacks that evaluate to nothing written here.
resource "aws_db_instance" "main" {
  password = var.prod ? var.db_password : random_password.db.result
  username = var.user != "" ? var.user : null
}

locals {
  admin_password = coalesce(var.admin_password, random_password.admin.result)
  api_secret     = try(var.settings.api_secret, null)
  smtp_password  = lookup(var.smtp, "password", "")
  db_password    = var.prod ? data.aws_secretsmanager_secret_version.db.secret_string : ""
  token          = var.create ? "${var.prefix}-token" : "changeme"
  replicas       = var.prod ? 3 : 1
}

resource "aws_instance" "web" {
  user_data = templatefile("${path.module}/user-data.sh", {
    db_password = var.db_password
    api_token   = data.aws_ssm_parameter.token.value
  })
  tags = merge(var.tags, { Name = "web" })
}
