variable "secret_key" {
  description = "Flask Secret Key"
  default     = "foobar"
}

variable "db_password_length" {
  default = 24
}
