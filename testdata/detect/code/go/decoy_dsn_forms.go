package store

import (
	"fmt"
	"os"
)

// Connection strings and configs whose secrets come from the environment.
func dsns(host, pw string) []string {
	return []string{
		fmt.Sprintf("host=%s user=app password=%s dbname=app", host, pw),
		"host=" + host + " user=app password=" + os.Getenv("DB_PASSWORD") + " dbname=app",
		"host=localhost user=app password='' dbname=app",
		"host=db user=app password=${DB_PASSWORD} dbname=app",
	}
}

func cfg() DBConfig {
	return DBConfig{Host: "db", Password: os.Getenv("DB_PASSWORD"), PasswordFile: "/run/secrets/db"}
}
