export interface DbConfig {
  host: string;
  port: number;
  password: string;
}

export const db: DbConfig = {
  host: "db.internal",
  port: 5432,
  password: "Sup3r-S3cret-pw!",
};

export enum Keys {
  Stripe = "sk_live_51Habcdefghijklmnop",
}
