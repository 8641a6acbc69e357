// Database and API clients for the web app.
const { Pool } = require("pg");
const mysql = require("mysql2");
const axios = require("axios");

const pool = new Pool({
  host: "pg.internal",
  port: 5432,
  user: "web",
  password: "w3b-pg-pass",
  database: "webapp",
});

const conn = mysql.createConnection({
  host: "mysql.internal",
  user: "reports",
  password: 'rep-0rts-pw',
  database: "analytics",
});

const config = {
  stripe: {
    secretKey: "stripe-s3cret-9f8e7d",
  },
  jwtSecret: `jwt-s1gning-key`,
};

const apiToken = process.env.API_TOKEN || "local-dev-t0ken";
const mongoUrl = "mongodb+srv://svc:m0ngo-pw@cluster0.mongodb.net/app";
let adminPassword;
adminPassword = "Adm1n!2024";

module.exports = {
  pool,
  conn,
  config,
  apiToken,
  client: axios.create({ auth: { username: "bot", password: "b0t-pass" } }),
};
