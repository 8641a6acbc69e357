package store

import (
	"database/sql"
	"fmt"

	"github.com/go-sql-driver/mysql"
)

// libpq key=value connection strings in every way Go writes them.
const pgDSN = "host=pg.orders.internal port=5432 user=orders password=GoKv-Const-4471 dbname=orders sslmode=require"

var rawDSN = `host=pg.raw.internal user=raw password=GoKv-Raw-5582 dbname=raw`

func open(host string) (*sql.DB, error) {
	dsn := fmt.Sprintf("host=%s user=report password=GoKv-Sprintf-6693 dbname=reports", host)
	return sql.Open("pgx", dsn)
}

func quoted() string {
	return "host=pg.q.internal user=q password='GoKv Quoted 7704' dbname=q"
}

// Composite literals: a driver's config struct, nested configs, and a map.
func configs() {
	cfg := mysql.Config{User: "shop", Passwd: "GoStruct-Passwd-8815", Addr: "mysql.shop.internal:3306", DBName: "shop"}
	_ = cfg
	app := AppConfig{
		DB: DBConfig{Host: "pg.app.internal", Password: "GoStruct-Nested-9926"},
		Cache: &CacheConfig{
			Addr:     "redis.app.internal:6379",
			AuthPass: "GoStruct-Ptr-1037",
		},
	}
	_ = app
	creds := map[string]string{"username": "svc", "password": "GoMap-Pw-2148"}
	_ = creds
}
