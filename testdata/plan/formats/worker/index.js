const creds = {
  aws_access_key_id: "AKIASBEGZGSYEBANND6Y",
  aws_secret_access_key: "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",
};
module.exports = creds;
