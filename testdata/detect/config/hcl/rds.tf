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

module "cache" {
  source         = "./modules/redis"
  auth_token     = "tfModuleTok-4Lq8Zx"
  redis_password = var.redis_password
}

provider "postgresql" {
  host     = "pg.internal"
  port     = 5432
  username = "tf"
  password = "tfProvider-Pw33"
}
