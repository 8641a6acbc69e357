# Values chosen when the plan is applied: each literal branch is hardcoded.
variable "prod" {
  type = bool
}

resource "aws_db_instance" "main" {
  username = "app"
  password = var.prod ? var.db_password : "tfCondDev-Pw41"
}

resource "aws_elasticache_replication_group" "cache" {
  auth_token = var.prod ? "tfCondProdTok-7Hq2Lm" : "tfCondDevTok-3Zk9Xa"
}

locals {
  admin_password = coalesce(var.admin_password, "tfCoalesce-Pw58")
  api_secret     = try(var.settings.api_secret, "tfTrySecret-Q2w8Er")
  smtp_password  = lookup(var.smtp, "password", "tfLookup-Pw73")
}

module "app" {
  source = "./modules/app"
  environment = var.enabled ? {
    DB_PASSWORD = "tfCondEnv-Pw66"
  } : null
}

resource "aws_instance" "web" {
  user_data = templatefile("${path.module}/user-data.sh", {
    db_password = "tfTemplate-Pw35"
    db_host     = aws_db_instance.main.address
  })
}

locals {
  settings = merge(var.defaults, {
    api_token = "tfMergeTok-6Wq3Zk8Lm"
  })
}
