# frozen_string_literal: true

DB = {
  host: "db.internal",
  port: Integer(ENV.fetch("DB_PORT")),
  password: ENV.fetch('DB_PASSWORD'),
}.freeze

STRIPE = Stripe::Client.new(ENV.fetch("STRIPE_KEY"))
URL = "postgres://shop:" + ENV.fetch("DB_PASSWORD") + "@db.internal/shop"
