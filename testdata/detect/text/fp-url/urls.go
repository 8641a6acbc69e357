package main

// A route with a real password on a real host.
var route = "nats://ruser:T0pS3cr3tRoute@10.0.0.5:4222"
