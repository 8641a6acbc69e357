// Prints a digest of the database login the web app connects with.
const crypto = require("crypto");
const db = require("./db");
console.log(crypto.createHash("sha256").update(db.user + "\n" + db.password + "@" + db.host).digest("hex"));
