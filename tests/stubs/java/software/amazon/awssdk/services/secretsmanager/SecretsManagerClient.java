// Test stub of the AWS SDK for Java v2 (see tests/stubs/README.md). getSecretValue speaks the
// Secrets Manager JSON protocol to AWS_ENDPOINT_URL (a local moto server in the tests) with
// dummy credentials, so a test can run a rewritten program end to end; it refuses to run
// without an endpoint, so it can never reach AWS.
package software.amazon.awssdk.services.secretsmanager;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

public interface SecretsManagerClient extends AutoCloseable {
    static SecretsManagerClientBuilder builder() {
        return new SecretsManagerClientBuilder();
    }

    GetSecretValueResponse getSecretValue(GetSecretValueRequest request);

    @Override
    default void close() {}

    final class SecretsManagerClientBuilder {
        private Region region;

        SecretsManagerClientBuilder() {}

        public SecretsManagerClientBuilder region(Region region) {
            this.region = region;
            return this;
        }

        public SecretsManagerClient build() {
            String endpoint = System.getenv("AWS_ENDPOINT_URL");
            if (endpoint == null || !endpoint.startsWith("http://127.0.0.1:")) {
                throw new IllegalStateException("SDK stub: AWS_ENDPOINT_URL must point at a local emulator");
            }
            String regionId = region == null ? "us-east-1" : region.id();
            return request -> {
                String body = "{\"SecretId\":" + JsonNode.quote(request.secretId()) + "}";
                HttpRequest http = HttpRequest.newBuilder(URI.create(endpoint + "/"))
                        .header("Content-Type", "application/x-amz-json-1.1")
                        .header("X-Amz-Target", "secretsmanager.GetSecretValue")
                        .header("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/" + regionId
                                + "/secretsmanager/aws4_request, SignedHeaders=host, Signature=0")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                try {
                    HttpResponse<String> out = HttpClient.newHttpClient().send(http, HttpResponse.BodyHandlers.ofString());
                    if (out.statusCode() != 200) {
                        throw new IllegalStateException("GetSecretValue answered " + out.statusCode() + ": " + out.body());
                    }
                    JsonNode value = JsonNode.parser().parse(out.body()).asObject().get("SecretString");
                    return new GetSecretValueResponse(value == null ? null : value.asString());
                } catch (java.io.IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
        }
    }
}
