package store

import (
	"database/sql"

	"github.com/go-redis/redis/v8"
)

func Open() (*sql.DB, *redis.Client) {
	db, _ := sql.Open("postgres", "host=pg.store.internal port=5432 user=store password=st0re-kv-pw dbname=store sslmode=disable")
	rdb := redis.NewClient(&redis.Options{
		Addr:     "redis.store.internal:6379",
		Password: "st0re-redis-pw",
		DB:       0,
	})
	return db, rdb
}
