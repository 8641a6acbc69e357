"use strict";

const config = {
  db: {
    host: "db.internal",
    port: 5432,
    password: 'Sup3r-S3cret-pw!',
  },
  url: "postgres://shop:Sup3r-S3cret-pw!@db.internal/shop",
};

module.exports = config;
