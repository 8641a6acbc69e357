variable "db_password" {
  type      = string
  sensitive = true
  default   = "tfDefault-83Qw"
}

variable "region" {
  default = "eu-west-1"
}

resource "aws_db_instance" "main" {
  engine   = "mysql"
  username = "admin"
  password = "tfRds-Pw29x"
  port     = 3306
  db_name  = "shop"
}

resource "azurerm_mssql_server" "sql" {
  administrator_login          = "sqladmin"
  administrator_login_password = "azSql-Pw71"
}
