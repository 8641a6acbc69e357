require "redis"
require "pg"

module Orders
  DB_HOST = "pg.ruby.internal"
  DB_USER = "rails"
  DB_PASSWORD = "r4ils-pw"

  REDIS = Redis.new(host: "redis.ruby.internal", port: 6379, password: "r3dis-rb")

  def self.connection
    PG.connect(host: "pg2.internal", user: "batch", password: "b4tch-pw", dbname: "jobs")
  end

  class Client
    def initialize
      @api_token = "rb-t0ken-abc"
      @options = { :secret_key => "rb-s3cret-key", "auth_token" => "hash-rocket-t0k" }
    end
  end

  SMTP_PASSWORD = ENV.fetch("SMTP_PASSWORD", "smtp-rb-pw")
  ENV["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMIK7MDENGbPxRfiCYz"
end
