package main

// Not credentials under credential names: a password hash, an account's e-mail, a message.
var users = map[string]string{
	"password": "{CRYPT}$6$rounds=500000$jgiCMRyGXzoqpxS3$w2pJeZnnH8bwW3zzvoMWtTRfQYsHbWbD",
}

var env = struct{ EnvPassword string }{EnvPassword: "me@example.com"}

var msgs = map[string]string{
	"ERROR_AUTH_TOKEN": "Token生成失败",
}
