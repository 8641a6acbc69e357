// Prints a digest of the credentials the app is configured with, so a test can prove that the
// app sees the same values before and after hoist moves them to Secrets Manager.
const crypto = require("crypto");
const config = require("./config");

const joined = config.aws_access_key_id + "\n" + config.aws_secret_access_key;
console.log(crypto.createHash("sha256").update(joined).digest("hex"));
