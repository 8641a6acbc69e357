import * as cdk from "aws-cdk-lib";

// SecretValues that reference a secret store, and buffers of data that aren't credentials.
const masterUserPassword = cdk.SecretValue.secretsManager("prod/db", { jsonField: "password" });
const token = cdk.SecretValue.ssmSecure("/prod/api-token");
const body = Buffer.from("hello world");
const secretName = Buffer.from("prod/db-password");
