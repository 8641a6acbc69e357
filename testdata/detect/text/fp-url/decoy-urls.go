package main

import "fmt"

// Userinfo that is a format string, a stand-in, an example host, or no userinfo at all.
func urls(host string, port int) []string {
	return []string{
		fmt.Sprintf("nats://%s:%s@%s:%d", "u", "p", host, port),
		"http://john.doe:letmein123@proxy.example.com",
		"postgres://app:Kq9vLm2x@db.staging.test:5432/app",
		"nats://foo:bar@127.0.0.1:4222",
		"http://google.com:80#@www.whitelisted.tld/",
	}
}
