package acme.federation;

// Credentials wrapped in a value type when they are created: the literal is the value.
class CredentialValues {
    final StringCredentialValue password = new StringCredentialValue("wrapJava-Pw52q");
    final SecretString apiToken = new SecretString("wrapJavaTok-8Lq2Wz");
}
