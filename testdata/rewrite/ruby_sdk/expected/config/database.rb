# frozen_string_literal: true

require_relative "hoist_secrets"

DB = {
  host: "db.internal",
  port: Integer(HoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "port", env: "DB_PORT")),
  password: HoistSecrets.get('arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf', 'password', env: 'DB_PASSWORD'),
}.freeze

STRIPE = Stripe::Client.new(HoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/stripe-AbCdEf", nil, env: "STRIPE_KEY"))
URL = "postgres://shop:" + HoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", env: "DB_PASSWORD") + "@db.internal/shop"
