# Seed data for a development database.
User.create!(email: "dev@acme.io", password: "seedpw-Ruby-9")
