// Setters given settings, references, names and empty values.
package main

func settings() {
	client.SetTimeout("30s")
	client.SetPassword(os.Getenv("DB_PASSWORD"))
	client.SetAuthToken(token)
	req.SetHeader("Accept", "application/json")
	opts.SetTokenURL("https://auth.example.com/token")
	cfg.SetPasswordFile("/run/secrets/db")
	w.SetSecret("")
}
