# frozen_string_literal: true

# Prints a digest of the credentials the mailer is configured with (fake values planted for
# hoist's end-to-end tests), so a test can prove the program sees the same values before and
# after hoist moves them to Secrets Manager.
require "digest"

DB_PASSWORD = "OMapcj1eJy-KUux19AZ"
STRIPE_API_KEY = "sk_live_51yaE7R5FjMfnC92lCazi5LyRJ"

puts Digest::SHA256.hexdigest("#{DB_PASSWORD}\n#{STRIPE_API_KEY}")
