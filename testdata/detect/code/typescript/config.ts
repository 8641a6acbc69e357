import { DataSource } from "typeorm";

interface DbConfig {
  host: string;
  password: string;
}

export const dataSource = new DataSource({
  type: "postgres",
  host: "ts-db.internal",
  port: 5432,
  username: "typeorm",
  password: "typ30rm-pw" as string,
  database: "inventory",
});

export class ApiClient {
  private readonly apiKey: string = "ak-7f3e9d2c1b0a";
  static clientSecret = "cl1ent-s3cret";

  constructor(private token: string = "ctor-default-tok3n") {}
}

const redisPassword: string = process.env.REDIS_PASSWORD ?? "r3dis-ts";
