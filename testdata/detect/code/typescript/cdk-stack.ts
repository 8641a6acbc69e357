import * as cdk from "aws-cdk-lib";
import * as rds from "aws-cdk-lib/aws-rds";

// CDK: a SecretValue built from a literal is a hardcoded secret.
new rds.DatabaseInstance(this, "Db", {
  masterUserPassword: cdk.SecretValue.unsafePlainText("cdkMaster-Pw19z"),
});
const apiKey = Buffer.from("cdkBufKey-5Vq8Lm2Wx9");
