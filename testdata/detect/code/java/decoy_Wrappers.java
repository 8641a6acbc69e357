package acme.federation;

// Wrappers around names, lookups and prompts: no literal here is a credential.
class Wrappers {
    final CredentialName password = new CredentialName("/federation/db-password");
    final StringCredentialValue token = new StringCredentialValue(System.getenv("API_TOKEN"));
    final Label passwordLabel = new Label("Password");
    final Secret secret = vault.getSecret("payments-api-key");
    final Credential dbPassword = new Credential("/prod/federation/db-password");
    final String auth = "Basic " + encode(new StringCredentialValue("inner-Pw-3k"));
}
