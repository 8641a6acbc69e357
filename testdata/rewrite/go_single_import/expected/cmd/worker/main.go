// Command worker drains the queue.
package main

import "log"
import "os"

func main() {
	token := func() string {
		v, ok := os.LookupEnv("SLACK_TOKEN")
		if !ok {
			panic("missing environment variable SLACK_TOKEN")
		}
		return v
	}()
	log.Println(len(token))
}
