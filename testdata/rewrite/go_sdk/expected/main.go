package main

import (
	"database/sql"
	"fmt"
)

const apiKey = "sk_live_51Habcdefghijklmnop"

var dbPassword = hoistSecret("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", "DB_PASSWORD")

func main() {
	port := hoistSecretInt("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "port", "DB_PORT")
	dsn := fmt.Sprintf("host=db.internal port=%d user=shop password=%s", port, dbPassword)
	db, err := sql.Open("postgres", "postgres://shop:" + hoistSecret("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", "DB_PASSWORD") + "@db.internal/shop")
	fmt.Println(dsn, db, err, apiKey)
}
