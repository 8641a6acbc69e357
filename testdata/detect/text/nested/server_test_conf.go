package server

const conf = `
listen: 127.0.0.1:-1
authorization {
  user: derek
  password: "go-Raw-s3cr3t"
}
`

var connect = "CONNECT {\"user\":\"derek\",\"pass\":\"go-Json-pw7\"}\r\n"

func check(auth string) bool {
	return auth == "Basic ZGVyZWs6Z28tQmFzaWMtcHc="
}
