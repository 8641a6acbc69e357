SECRET_ID = "arn:aws:secretsmanager:us-east-1:000000000000:secret:app/db"
password = "never-flagged-helper"
