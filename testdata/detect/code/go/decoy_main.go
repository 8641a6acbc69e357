package main

import (
	"fmt"
	"os"
)

// Credentials come from the environment; constants below are names, not values.
const (
	passwordEnv      = "DB_PASSWORD"
	tokenHeader      = "Authorization"
	minPasswordLen   = 12
	passwordPrompt   = "Enter password: "
	errBadPassword   = "invalid password"
	imageDigest      = "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31"
	defaultAuthToken = ""
)

type Config struct {
	Password string `json:"password" env:"DB_PASSWORD"`
	Token    string `yaml:"token"`
}

func load() Config {
	password := os.Getenv("DB_PASSWORD")
	token, _ := os.LookupEnv("API_TOKEN")
	secret := fmt.Sprintf("%s-%s", password, token)
	return Config{Password: password, Token: secret}
}
