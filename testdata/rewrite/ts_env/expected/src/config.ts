export interface DbConfig {
  host: string;
  port: number;
  password: string;
}

export const db: DbConfig = {
  host: "db.internal",
  port: Number(hoistEnv("DB_PORT")),
  password: hoistEnv("DB_PASSWORD"),
};

export enum Keys {
  Stripe = "sk_live_51Habcdefghijklmnop",
}

// Added by hoist: read a required environment variable, failing loudly when it is missing.
function hoistEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined) {
    throw new Error(`missing environment variable ${name}`);
  }
  return value;
}
