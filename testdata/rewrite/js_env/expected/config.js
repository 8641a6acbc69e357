"use strict";

const config = {
  db: {
    host: "db.internal",
    port: Number(hoistEnv("DB_PORT")),
    password: hoistEnv('DB_PASSWORD'),
  },
  url: "postgres://" + hoistEnv("DB_USER") + ":" + hoistEnv("DB_PASSWORD") + "@db.internal/shop",
};

module.exports = config;

// Added by hoist: read a required environment variable, failing loudly when it is missing.
function hoistEnv(name) {
  const value = process.env[name];
  if (value === undefined) {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}
