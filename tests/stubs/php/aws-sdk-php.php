<?php

// Test stub of aws/aws-sdk-php (no registry reachable here carries it): exactly what hoist's
// generated hoist_secrets.php uses, new \Aws\SecretsManager\SecretsManagerClient(['region' => ...,
// 'version' => ...]) and ->getSecretValue(['SecretId' => ...])['SecretString']. It speaks the
// Secrets Manager JSON protocol to AWS_ENDPOINT_URL (a local moto server in the tests) and refuses
// any other endpoint, so it can never reach AWS. Not the SDK; see tests/stubs/README.md. Loaded
// with `php -d auto_prepend_file=tests/stubs/php/aws-sdk-php.php`, standing in for Composer.

namespace Aws\SecretsManager;

final class SecretsManagerClient
{
    private string $region;
    private string $endpoint;

    /** @param array{region: string, version: string} $args */
    public function __construct(array $args)
    {
        $this->region = $args['region'];
        $this->endpoint = (string) getenv('AWS_ENDPOINT_URL');
        if (!str_starts_with($this->endpoint, 'http://127.0.0.1:')) {
            throw new \InvalidArgumentException('SDK stub: AWS_ENDPOINT_URL must point at a local emulator');
        }
    }

    /** @param array{SecretId: string} $args @return array<string, mixed> */
    public function getSecretValue(array $args): array
    {
        $auth = "AWS4-HMAC-SHA256 Credential=test/20260101/{$this->region}/secretsmanager/aws4_request, SignedHeaders=host, Signature=0";
        $context = stream_context_create(['http' => [
            'method' => 'POST',
            'header' => "Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: secretsmanager.GetSecretValue\r\nAuthorization: $auth\r\n",
            'content' => json_encode(['SecretId' => $args['SecretId']]),
            'ignore_errors' => true,
        ]]);
        $body = file_get_contents(rtrim($this->endpoint, '/') . '/', false, $context);
        $status = $http_response_header[0] ?? '';
        if ($body === false || !str_contains($status, ' 200')) {
            throw new \RuntimeException("GetSecretValue answered $status: $body");
        }
        return json_decode($body, true, 512, JSON_THROW_ON_ERROR);
    }
}
