provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIAXI4VICB6WTCBE6ET"
  aws_secret_key = "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"
}
