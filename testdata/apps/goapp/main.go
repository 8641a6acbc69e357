// Prints a digest of the credentials the billing worker is configured with (fake values planted
// for hoist's end-to-end tests), so a test can prove the program sees the same values before and
// after hoist moves them to Secrets Manager.
package main

import (
	"crypto/sha256"
	"fmt"
)

var dbPassword = "CDhO6Cx4r0-3cELKyql"
var stripeAPIKey = "sk_live_51amMLhmMRyaQ2Ef5Tv1E54WU2"

func main() {
	sum := sha256.Sum256([]byte(dbPassword + "\n" + stripeAPIKey))
	fmt.Printf("%x\n", sum)
}
