region          = "us-east-1"
db_username     = "app"
db_password     = "tfvarsPw-62Lx"
datadog_api_key = "0123456789abcdef0123456789abcdef"
