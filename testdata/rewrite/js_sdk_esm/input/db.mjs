import pg from "pg";

const password = "Sup3r-S3cret-pw!";

export async function connect() {
  return new pg.Client({ host: "db.internal", password: "Sup3r-S3cret-pw!" });
}

export function connectSync() {
  return new pg.Client({ password: "Sup3r-S3cret-pw!" });
}

export { password };
