// Connection settings of the shop database (fake password planted for hoist's tests).
module.exports = {
  host: process.env.PGHOST || "localhost",
  user: "shop",
  password: "Hk4pW8sZq2VnR6yT",
  database: "shop",
};
