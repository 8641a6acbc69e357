//! The judgement shared by every detector: does a name say credential, is a literal a real value
//! (not a reference, template or placeholder), and which config key a name stands for.

mod credential;
mod placeholder;
mod seed;
pub mod url;
mod value;
pub use credential::{Site, UrlLogin, is_fake, is_made_up_token, is_no_credential, names_machine_secret};
pub use placeholder::{is_placeholder, is_stand_in, is_token_placeholder};
pub use seed::{in_seed_code, is_seed_path};
pub use value::{is_config_value, is_password_hash, is_secret_value, is_uuid};

/// Splits an identifier in any naming style (`dbPassword`, `DB_PASSWORD`, `db-password`,
/// `db.password`, `DbPassword`) into lowercase words.
pub fn words(name: &str) -> Vec<String> {
    if name.is_ascii() {
        // The common case, without a `Vec<char>` and per-char Unicode case mapping.
        let mut out = Vec::new();
        ascii_words(name.as_bytes(), |s, e| out.push(name[s..e].to_ascii_lowercase()));
        return out;
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = c.is_uppercase()
            && !cur.is_empty()
            && (chars[i - 1].is_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// [`words`] of an ASCII name as the byte ranges `(start, end)` of `b` they are (lowercased, each
/// word is the range's text): the same boundaries, since for ASCII the Unicode classes are the
/// ASCII ones and a word is a run of the name's own characters.
fn ascii_words(b: &[u8], mut word: impl FnMut(usize, usize)) {
    let mut start = None;
    for (i, &c) in b.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                word(s, i);
            }
            continue;
        }
        match start {
            None => start = Some(i),
            Some(s) => {
                let boundary = c.is_ascii_uppercase()
                    && (b[i - 1].is_ascii_lowercase() || b.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
                if boundary {
                    word(s, i);
                    start = Some(i);
                }
            }
        }
    }
    if let Some(s) = start {
        word(s, b.len());
    }
}

/// Words (after splitting) that make a name a credential name.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
    "creds",
    "authorization",
    "passe",
    "privatekey",
    "signingkey",
    "accesskey",
    "clientsecret",
    "webhook",
    // A few common non-English words: German, French, Spanish/Portuguese, Dutch, Italian.
    "passwort",
    "kennwort",
    "motdepasse",
    "mdp",
    "contrasena",
    "contraseña",
    "senha",
    "wachtwoord",
    "parola",
];

/// Two-word combinations that are credential names (`api key`, `private key`, `access key`…).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("secret", "key"),
    ("access", "key"),
    ("signing", "key"),
    ("encryption", "key"),
    ("master", "key"),
    ("client", "secret"),
    ("auth", "key"),
    ("app", "key"),
    ("license", "key"),
    ("session", "key"),
    // ASP.NET `machineKey` / Yii `cookieValidationKey`, HMAC keys. (Duo's
    // `integration_key` is an identifier: its secret is `secret_key`.)
    ("validation", "key"),
    ("decryption", "key"),
    ("hmac", "key"),
    ("jwt", "key"),
    ("mot", "de"),
];

/// Words that, in a name, mean the value is not itself the secret (`password_file`,
/// `token_url`, `secret_name`, `password_length`…).
const NOT_A_VALUE: &[&str] = &[
    "file",
    "path",
    "url",
    "uri",
    "endpoint",
    "name",
    "id",
    "arn",
    "length",
    "len",
    "min",
    "max",
    "count",
    "type",
    "field",
    "header",
    "prefix",
    "suffix",
    "regex",
    "pattern",
    "policy",
    "expiry",
    "expires",
    "ttl",
    "timeout",
    "env",
    "var",
    "hint",
    "label",
    "placeholder",
    "format",
    "hash",
    "hashed",
    "digest",
    // `GRAYLOG_ROOT_PASSWORD_SHA2`, `md5_password`: a digest of one (digits are trimmed before the
    // words are compared). Not `bcrypt`: `BCRYPT_AUTH_PASS` is the plaintext a test hashes.
    "sha",
    "md",
    "salt",
    "algorithm",
    "algo",
    "version",
    "mode",
    "enabled",
    "required",
    "reset",
    "confirm",
    "confirmation",
    "validation",
    "strength",
    "rotation",
    "dir",
    "location",
    "ref",
    "provider",
    "manager",
    "store",
    "param",
    "parameter",
    "property",
    "prop",
    "uuid",
    "guid",
    "attr",
    "attribute",
    "column",
    "option",
    "storage",
    "method",
    "scheme",
    "strategy",
];

/// Words that may follow the credential word at the end of a name (`SECRET_KEY_BASE`,
/// `password_prod`, `tokenValue`).
const TRAILING: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "b64",
    "base64",
    "hex",
    "plain",
    "plaintext",
    "raw",
    "base",
    "prod",
    "production",
    "dev",
    "development",
    "staging",
    "stage",
    "test",
    "live",
    "local",
    "default",
    "encoded",
    "bytes",
    // Which of several versions of the credential (`testPasswordOld`, `password_new`,
    // `ses_smtp_password_v4`: digits are trimmed first, so `v4` reads `v`).
    "old",
    "new",
    "current",
    "prev",
    "previous",
    "backup",
    "primary",
    "secondary",
    "v",
];

/// True when `name` says it holds a credential: the credential word ends the name (give or take a
/// qualifier like `_prod`), so `TOKEN_COMMENT_BEGIN`, `password_last_used` or `Token.Prompt` don't.
pub fn is_secret_name(name: &str) -> bool {
    if name.contains("::") || name.contains('#') {
        return false;
    }
    // The words borrow from one lowercased copy of an ASCII name (most names), else from [`words`].
    let (lower, owned);
    let mut w: Vec<&str> = Vec::new();
    if name.is_ascii() {
        lower = name.to_ascii_lowercase();
        ascii_words(name.as_bytes(), |s, e| {
            let x = lower[s..e].trim_end_matches(|c: char| c.is_ascii_digit());
            if !x.is_empty() {
                w.push(x);
            }
        });
    } else {
        owned = words(name);
        w.extend(owned.iter().map(|x| x.trim_end_matches(|c: char| c.is_ascii_digit())).filter(|x| !x.is_empty()));
    }
    // `EnvPassword`, `var_token`, `test_secret`: a qualifier before the credential word names
    // which credential, it doesn't make the value something else.
    let cred_at = w.iter().rposition(|x| SECRET_WORDS.contains(x) || *x == "key");
    // (`validation` says "not a value" in `password_validation`, but half of `validation_key`.)
    let pair_half =
        |i: usize, x: &str| SECRET_PAIRS.iter().any(|(a, b)| *a == x && w.get(i + 1).is_some_and(|n| n == b));
    // Before the credential word these name whose credential it is, not where it is kept:
    // `key_store_password` is the keystore's password, `ldap_manager_password` the manager's;
    // `password_store` is a place, and so is a lone `store`/`manager` beside it.
    let owner = |i: usize, x: &str| matches!(x, "env" | "var" | "manager") || i > 0 && matches!(x, "store" | "file");
    let disqualifies = |(i, x): (usize, &&str)| {
        NOT_A_VALUE.contains(x) && !(owner(i, x) && cred_at.is_some_and(|c| i < c)) && !pair_half(i, x)
    };
    if w.is_empty() || w.iter().enumerate().any(disqualifies) {
        return false;
    }
    while w.len() > 1 && w.last().is_some_and(|l| TRAILING.contains(l)) {
        w.pop();
    }
    let n = w.len();
    let last = w[n - 1];
    if SECRET_WORDS.contains(&last) {
        return true;
    }
    if n >= 2 && SECRET_PAIRS.iter().any(|(a, b)| w[n - 2] == *a && w[n - 1] == *b) {
        return true;
    }
    // The same pairs written as one word (`AUTHKEY`, `hmackey`, `cookievalidationkey`).
    if SECRET_PAIRS.iter().any(|(a, b)| *b == "key" && last.strip_suffix(b).is_some_and(|r| r.ends_with(a))) {
        return true;
    }
    ["password", "passwd", "pwd", "secret", "token", "apikey", "secretkey", "privatekey", "passphrase", "credentials"]
        .iter()
        .any(|s| last.ends_with(s))
}

/// Words that, as the whole of a key, describe a connection or a resource rather than hold a
/// credential (`type`, `provider`, `scheme`), beside [`NOT_A_VALUE`] words.
const DESCRIPTIVE: &[&str] = &[
    "kind",
    "provider",
    "protocol",
    "sslmode",
    "ssl",
    "tls",
    "namespace",
    "bucket",
    "url",
    "uri",
    "endpoint",
    "scheme",
    "driver",
    "engine",
    "region",
    "cluster",
    "service",
    "label",
    "app",
    "env",
    "environment",
    "tier",
    "version",
];

/// True when a name's words say it is not a credential (`type`, `provider`, `password_file`,
/// `token_url`), the check Kubernetes `Secret` keys get before being taken as credentials.
pub fn names_non_credential(name: &str) -> bool {
    if is_secret_name(name) {
        return false;
    }
    let w = words(name);
    w.iter().any(|x| NOT_A_VALUE.contains(&x.as_str())) || w.len() == 1 && DESCRIPTIVE.contains(&w[0].as_str())
}

/// `${NAME:default}` (Spring), `${NAME:-default}` / `${NAME-default}` (shell, compose): the byte
/// offset and text of the literal default, when the whole value is one such reference with a
/// non-empty default free of further templating.
pub fn env_default(value: &str) -> Option<(usize, &str)> {
    let inner = value.strip_prefix("${")?.strip_suffix('}')?;
    let name_end = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))?;
    if name_end == 0 {
        return None;
    }
    let rest = &inner[name_end..];
    let sep = [":-", ":=", ":", "-", "="].iter().find(|s| rest.starts_with(**s))?;
    let default = &rest[sep.len()..];
    // `${X:?message}` fails with a message, `${X:+alt}` expands when X is set: no default.
    if *sep == ":" && default.starts_with(['?', '+']) {
        return None;
    }
    let clean = !default.is_empty() && !["${", "}", "{", "$("].iter().any(|t| default.contains(t));
    clean.then_some((2 + name_end + sep.len(), default))
}

/// The JSON key a config name stands for (`DB_HOST` → `host`), when it is one hoist groups.
pub fn config_key(name: &str) -> Option<&'static str> {
    if name.contains("::") || name.contains('#') {
        return None;
    }
    let w = words(name);
    let last = w.last()?.as_str();
    Some(match last {
        "host" | "hostname" | "server" | "addr" | "address" => "host",
        "port" => "port",
        "user" | "username" | "login" | "uid" => "username",
        "db" | "database" | "dbname" | "schema" if w.len() > 1 || last != "schema" => "dbname",
        "engine" | "dialect" | "driver" => "engine",
        "region" => "region",
        "account" | "accountid" => "account_id",
        "id" if w.len() >= 2 && w[w.len() - 2] == "account" => "account_id",
        "name" if w.len() >= 2 && matches!(w[w.len() - 2].as_str(), "db" | "database" | "user") => {
            if w[w.len() - 2] == "user" { "username" } else { "dbname" }
        }
        _ => return None,
    })
}

/// The JSON key a credential name stands for (`DB_PASSWORD` → `password`, `STRIPE_API_KEY` →
/// `api_key`): the name in snake case, with well-known shapes normalised.
pub fn secret_key(name: &str) -> String {
    let w = words(name);
    let last = w.last().map(String::as_str).unwrap_or("");
    let password_word = ["password", "passwd", "pwd", "passwort", "kennwort"].iter().any(|p| last.ends_with(p));
    match last {
        _ if password_word => "password".into(),
        "pass" | "senha" | "contrasena" | "wachtwoord" | "motdepasse" | "mdp" => "password".into(),
        _ => {
            if w.is_empty() {
                "value".into()
            } else {
                w.join("_")
            }
        }
    }
}

/// The prefix a name shares with its neighbours (`DB_PASSWORD` → `db`, `spring.datasource.password`
/// → `spring.datasource`), used to tie `DB_HOST` and `DB_USER` to `DB_PASSWORD`.
pub fn name_prefix(name: &str) -> Option<String> {
    let w = words(name);
    (w.len() >= 2).then(|| w[..w.len() - 1].join("_"))
}

/// True when a literal is a real value and not a reference to one: templates (`${X}`, `{{ x }}`,
/// `%(x)s`, `$(…)`, `#{…}`), CloudFormation `{{resolve:…}}`, env lookups, ARNs of a secret store,
/// placeholders (`changeme`, `<password>`, `***`, `xxx`) and empty strings.
pub fn is_literal_value(value: &str) -> bool {
    let v = value.trim();
    // Up to Secrets Manager's own limit for a secret value (65,536 bytes).
    if v.is_empty() || v.len() > 65_536 {
        return false;
    }
    let templated = ["${", "{{", "}}", "%(", "$(", "#{", "<%", "%>", "{%", "(("].iter().any(|t| v.contains(t));
    if templated || (v.starts_with('$') && v[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_')) {
        return false;
    }
    if v.starts_with("arn:aws:secretsmanager:") || v.starts_with("arn:aws:ssm:") || v.starts_with("vault:") {
        return false;
    }
    if v.starts_with('<') && v.ends_with('>') || v.starts_with('[') && v.ends_with(']') && !v.contains(',') {
        return false;
    }
    !is_placeholder(v)
}

#[cfg(test)]
mod tests;
