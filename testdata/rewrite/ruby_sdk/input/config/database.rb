# frozen_string_literal: true

DB = {
  host: "db.internal",
  port: 5432,
  password: 'Sup3r-S3cret-pw!',
}.freeze

STRIPE = Stripe::Client.new("sk_live_51Habcdefghijklmnop")
URL = "postgres://shop:Sup3r-S3cret-pw!@db.internal/shop"
