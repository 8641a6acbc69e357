// Everything comes from the environment or from user input.
const dbPassword = process.env.DB_PASSWORD;
const apiKey = process.env.API_KEY || "";
const token = `Bearer ${process.env.TOKEN}`;
const secret = getSecret("app");
const passwordLabel = "Password";
const messages = { passwordError: "Password must be at least 8 characters", passwordPrompt: "Enter password" };
const placeholder = { password: "<password>", apiKey: "your-api-key-here" };
const hashedPassword = "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy";
const requestId = "1b4e28ba-2fa1-11d2-883f-0016a5b8d2f1";
const integrity = "sha512-9mtK0v0bU2KX0p5t2D5A5Q==";
const password = document.getElementById("password").value;
const TOKEN_HEADER = "Authorization";
const auth = { password: userInput, token: null };
if (password === "letmein-compare") {
  console.log("Invalid password");
}
const i18n = { "login.password": "Mot de passe" };
const apiToken = "API_TOKEN";
const secretName = "prod/db/password";
