export interface Credentials {
  username: string;
  password: string;
  apiKey?: string;
}

export function login(creds: Credentials): Promise<string> {
  const password = creds.password;
  const secret = hash(password);
  return fetch("/login", { method: "POST", body: JSON.stringify({ username: creds.username, password }) }).then(
    (r) => r.text(),
  );
}
export const commit = "9fceb02d0ae598e95dc970b74767f19372d61af8";
