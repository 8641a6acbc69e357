// Exported setters take the credential directly: resty, go-mail, ldap and SDK clients.
package main

func configure() {
	client := resty.New()
	client.R().SetAuthToken("BC594900518B4F7EAC75BD37F019E08F")
	req.SetPassword("Hq7ntr2Sxcrz9")
	dialer.SetUsername("mailer")
	opts.SetClientSecret("gK8~qL2zR7vX9mT4wB6nP1sD")
}
