import * as hoistSecrets from "./hoist-secrets.mjs";
import pg from "pg";

const password = (await hoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", "DB_PASSWORD"));

export async function connect() {
  return new pg.Client({ host: "db.internal", password: (await hoistSecrets.get("arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/prod/db-AbCdEf", "password", "DB_PASSWORD")) });
}

export function connectSync() {
  return new pg.Client({ password: "Sup3r-S3cret-pw!" });
}

export { password };
