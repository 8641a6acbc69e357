// Command worker drains the queue.
package main

import "log"

func main() {
	token := `xoxb-1234567890-abcdefghijklmnop`
	log.Println(len(token))
}
