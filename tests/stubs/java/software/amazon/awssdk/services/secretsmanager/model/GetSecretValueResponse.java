// Test stub of the AWS SDK for Java v2 (see tests/stubs/README.md).
package software.amazon.awssdk.services.secretsmanager.model;

public final class GetSecretValueResponse {
    private final String secretString;

    public GetSecretValueResponse(String secretString) {
        this.secretString = secretString;
    }

    public String secretString() {
        return secretString;
    }
}
