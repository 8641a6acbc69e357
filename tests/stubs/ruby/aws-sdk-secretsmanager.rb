# frozen_string_literal: true

# Test stub of the aws-sdk-secretsmanager gem (Debian ships aws-sdk-core but not this service, and
# no other registry here carries it): exactly what hoist's generated hoist_secrets.rb uses,
# Aws::SecretsManager::Client.new(region:) and #get_secret_value(secret_id:).secret_string. It
# speaks the Secrets Manager JSON protocol to AWS_ENDPOINT_URL (a local moto server in the tests)
# and refuses any other endpoint, so it can never reach AWS. Not the SDK; see tests/stubs/README.md.

require "json"
require "net/http"
require "uri"

module Aws
  module SecretsManager
    GetSecretValueResponse = Struct.new(:arn, :name, :secret_string, keyword_init: true)

    class Client
      def initialize(region:)
        @region = region
        @endpoint = ENV.fetch("AWS_ENDPOINT_URL", "")
        raise ArgumentError, "SDK stub: AWS_ENDPOINT_URL must point at a local emulator" unless @endpoint.start_with?("http://127.0.0.1:")
      end

      def get_secret_value(secret_id:)
        uri = URI.join(@endpoint, "/")
        req = Net::HTTP::Post.new(uri)
        req["Content-Type"] = "application/x-amz-json-1.1"
        req["X-Amz-Target"] = "secretsmanager.GetSecretValue"
        req["Authorization"] = "AWS4-HMAC-SHA256 Credential=test/20260101/#{@region}/secretsmanager/aws4_request, " \
                               "SignedHeaders=host, Signature=0"
        req.body = JSON.generate({ "SecretId" => secret_id })
        res = Net::HTTP.start(uri.host, uri.port) { |http| http.request(req) }
        raise "GetSecretValue answered #{res.code}: #{res.body}" unless res.code == "200"

        out = JSON.parse(res.body)
        GetSecretValueResponse.new(arn: out["ARN"], name: out["Name"], secret_string: out["SecretString"])
      end
    end
  end
end
