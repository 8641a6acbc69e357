class User < ApplicationRecord
  has_secure_password
  validates :password, length: { minimum: 12 }, presence: true

  PASSWORD_FORMAT = /\A(?=.*\d)(?=.*[a-z])/x
  DB_PASSWORD = ENV["DB_PASSWORD"]
  API_TOKEN = ENV.fetch("API_TOKEN")
  password_label = "Password"
  secret = Rails.application.credentials.secret_key_base
  token = "#{prefix}-#{SecureRandom.hex(8)}"
  encrypted_password = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"

  def authenticate(password)
    return false if password == "letmein-compare"
    flash[:error] = "Invalid password"
    I18n.t("devise.password.reset")
  end
end
DIGEST = "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"
CSRF_TOKEN_PARAM = "authenticity_token"
