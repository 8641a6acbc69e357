package main

const (
	awsAccessKeyID     = "AKIAYHZ2NARTBNLZGCJN"
	awsSecretAccessKey = "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"
)

func main() {}
