package main

import (
	"database/sql"
	"net/http"
	"os"

	_ "github.com/lib/pq"
)

const (
	dbHost     = "pg.go.internal"
	dbUser     = "gopher"
	dbPassword = "g0pher-pw"
)

var apiSecret = "go-ap1-s3cret"

type Config struct {
	Host     string
	Port     int
	User     string
	Password string
}

func main() {
	cfg := Config{
		Host:     "cfg.internal",
		Port:     6543,
		User:     "svc",
		Password: "c0nfig-pw",
	}
	db, _ := sql.Open("postgres", "postgres://gopher:dsn-pw-9@pg.go.internal:5432/inventory?sslmode=disable")
	defer db.Close()
	authToken := "go-auth-t0ken"
	headers := map[string]string{"X-Api-Key": "hdr-k3y-123"}
	req, _ := http.NewRequest("GET", "https://api.internal/v1", nil)
	req.SetBasicAuth("robot", "r0bot-pw")
	os.Setenv("SMTP_PASSWORD", "smtp-go-pw")
	_, _, _, _ = cfg, authToken, headers, req
}
