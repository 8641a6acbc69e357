package main

import (
	"os"
	"strconv"
	"database/sql"
	"fmt"
)

const apiKey = "sk_live_51Habcdefghijklmnop"

var dbPassword = func() string {
	v, ok := os.LookupEnv("DB_PASSWORD")
	if !ok {
		panic("missing environment variable DB_PASSWORD")
	}
	return v
}()

func main() {
	port := func() int {
		v, err := strconv.Atoi(os.Getenv("DB_PORT"))
		if err != nil {
			panic("environment variable DB_PORT: " + err.Error())
		}
		return v
	}()
	dsn := fmt.Sprintf("host=db.internal port=%d user=shop password=%s", port, dbPassword)
	db, err := sql.Open("postgres", "postgres://shop:" + func() string {
		v, ok := os.LookupEnv("DB_PASSWORD")
		if !ok {
			panic("missing environment variable DB_PASSWORD")
		}
		return v
	}() + "@db.internal/shop")
	fmt.Println(dsn, db, err, apiKey)
}
