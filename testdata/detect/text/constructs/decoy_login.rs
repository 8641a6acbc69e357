/// What the login form sends: field names and types, no values.
pub struct Login {
    user: String,
    password: String,
    token: Token,
    secret: Secret,
    expires: u64,
}

const PASSWORD_LABEL: &str = "Password";
let token: Option<&str> = None;

fn pick(token: Token) -> Token {
    let token = self[0];
    match token {
        token => token,
    }
}
