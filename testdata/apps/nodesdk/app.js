// Prints a digest of the credentials the uploader uses, so a test can prove the app sees the same
// values before and after hoist moves them to Secrets Manager (sdk style: read at run time).
const crypto = require("crypto");

async function main() {
  const uploader = {
    region: "eu-west-1",
    aws_access_key_id: "AKIAZYMLOPIFQYF7M2NX",
    aws_secret_access_key: "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",
  };
  const joined = uploader.aws_access_key_id + "\n" + uploader.aws_secret_access_key;
  console.log(crypto.createHash("sha256").update(joined).digest("hex"));
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
