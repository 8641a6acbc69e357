package main

import (
	"database/sql"
	"fmt"
)

const apiKey = "sk_live_51Habcdefghijklmnop"

var dbPassword = "Sup3r-S3cret-pw!"

func main() {
	port := 5432
	dsn := fmt.Sprintf("host=db.internal port=%d user=shop password=%s", port, dbPassword)
	db, err := sql.Open("postgres", "postgres://shop:Sup3r-S3cret-pw!@db.internal/shop")
	fmt.Println(dsn, db, err, apiKey)
}
