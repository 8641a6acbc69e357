from pydantic import SecretStr

# pydantic settings with their defaults written in: each literal is the value.
DB_PASSWORD = SecretStr("pyWrap-Pw41q")
