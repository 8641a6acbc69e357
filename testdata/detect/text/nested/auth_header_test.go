package client

import "testing"

// "Basic YWxpY2U6d29uZGVybGFuZA==" is what the server expects for alice.
func TestBasic(t *testing.T) {
	if got := header(); got != "Basic b3BzOlRyMHViYWRvcg==" {
		t.Fatal(got)
	}
	want := "ApiKey aWQxOmtleS1aOHE3dw=="
	_ = want
	_ = "Basic authentication is disabled"
	_ = "Basic dGhpc2lzbm90YXBhaXI="
}
