// Credentials of the report mailer (fake values planted for hoist's end-to-end tests).
module.exports = {
  region: "eu-west-1",
  aws_access_key_id: "AKIAH2KVJ72CEUVW75EF",
  aws_secret_access_key: "I8ihN5KXSc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtD",
};
