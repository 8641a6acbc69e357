const express = require("express");
const session = require("express-session");

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET || "f3Kq9LzW2xV7tR1mN8bC5yH0jD4sA6gE" }));

const mailer = { user: "shop@example.com", pass: "Gm4il-App-Pw-9x2Q" };

module.exports = { app, mailer };
