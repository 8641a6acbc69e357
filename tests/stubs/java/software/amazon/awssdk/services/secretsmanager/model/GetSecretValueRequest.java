// Test stub of the AWS SDK for Java v2 (see tests/stubs/README.md).
package software.amazon.awssdk.services.secretsmanager.model;

public final class GetSecretValueRequest {
    private final String secretId;

    private GetSecretValueRequest(String secretId) {
        this.secretId = secretId;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String secretId() {
        return secretId;
    }

    public static final class Builder {
        private String secretId;

        public Builder secretId(String secretId) {
            this.secretId = secretId;
            return this;
        }

        public GetSecretValueRequest build() {
            return new GetSecretValueRequest(secretId);
        }
    }
}
