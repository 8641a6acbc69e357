//! Value judgement: is a literal under a credential name a real credential (not a hash, a message,
//! a key path, a format string, a regex, a colour or a stand-in), and is a config literal a value.

use super::{SECRET_PAIRS, SECRET_WORDS, is_literal_value, is_secret_name, words};

/// Words in a name that mark user-facing text (`password_label`, `tokenErrorMessage`): prose under
/// such a name is a message, not a value.
const TEXT_WORDS: &[&str] = &[
    "label",
    "message",
    "msg",
    "error",
    "err",
    "prompt",
    "text",
    "title",
    "description",
    "desc",
    "help",
    "caption",
    "tooltip",
    "warning",
    "notice",
    "hint",
    "placeholder",
    "question",
    "heading",
    "info",
    "tip",
    "string",
    "str",
];

/// Words whose presence in a name makes a UUID plausible as the secret itself.
const STRONG_WORDS: &[&str] = &["password", "passwd", "pwd", "secret", "token", "key", "apikey", "credential"];

/// True when `value`, held by the credential-named `name`, is a real credential: a literal (see
/// [`is_literal_value`]) that is not a password hash, a message, the name itself, an env-var name,
/// a URL without credentials, a format string, or (under a weak name) a UUID.
pub fn is_secret_value(name: &str, value: &str) -> bool {
    if !is_literal_value(value) {
        return false;
    }
    let v = value.trim();
    let name_words = words(name);
    // Padding and a trailing colon mark a prompt or a label (`'  Again:  '`), not a credential.
    if v.len() != value.len() || v.ends_with(':') {
        return false;
    }
    if is_password_hash(v) || is_format_string(v) || is_code_statement(v) {
        return false;
    }
    let says_secret = |ws: &[String]| {
        ws.iter().any(|w| SECRET_WORDS.contains(&w.as_str())) || SECRET_WORDS.contains(&ws.concat().as_str())
    };
    if v.chars().any(char::is_whitespace) {
        let vw = words(v);
        let prose = name_words.iter().any(|w| TEXT_WORDS.contains(&w.as_str()))
            || says_secret(&vw)
            || vw.iter().any(|w| w == "key" || w == "enter")
            || v.ends_with(':')
            || v.ends_with('?')
            || v.ends_with('.') && vw.len() >= 3;
        if prose {
            return false;
        }
    }
    // The value is the name (`password = "password"`, `PASSWORD: "Password"`, `token: "API_TOKEN"`),
    // or an upper-snake env name that says credential (`DB_PASSWORD`).
    // A capitalised or upper-case echo of the name is a label (`PASSWORD: "Password"`); the
    // lower-case word itself is a weak real value (`password: "password"` in a test fixture).
    let vw = words(v);
    let echo = !vw.is_empty() && (vw == name_words || name_words.ends_with(&vw));
    let lower_word = v.bytes().all(|b| b.is_ascii_lowercase());
    if echo && !lower_word {
        return false;
    }
    // A single credential word (`Passwort`), or an identifier-like value that names one
    // (`spring.datasource.password`, `Access-Control-Allow-Credentials`, `next_token`,
    // `AWSSecretKey`): a label or a reference, not a value.
    // Digits mark a made-up value (`legacySecret-6Lm`), not a name.
    let ident_like = v.bytes().all(|b| b.is_ascii_alphabetic() || b"._:-".contains(&b));
    let naming = ["password", "passwd", "secret", "token", "credential", "credentials", "apikey", "passphrase"];
    let names_one = vw.iter().any(|w| naming.contains(&w.as_str()))
        || SECRET_PAIRS.iter().any(|(a, b)| vw.windows(2).any(|p| p[0] == *a && p[1] == *b));
    // An all-letter dotted value is a key path or a host name (`spec.preferredAuthentication`,
    // `sqladmin.googleapis.com`).
    let dotted = ident_like && v.contains('.') && !v.starts_with('.') && !v.ends_with('.');
    // Lower-case phrases joined by hyphens (`my-db-pass`, `test-secret`) are weak values, not names.
    let name_style = v.contains(['.', '_', ':']) || v.bytes().any(|b| b.is_ascii_uppercase());
    if vw.len() == 1 && says_secret(&vw) && !lower_word
        || ident_like && vw.len() >= 2 && names_one && name_style
        || dotted
    {
        return false;
    }
    let env_name = v.len() > 3
        && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && v.bytes().next().is_some_and(|b| b.is_ascii_uppercase());
    if env_name && (v.contains('_') || is_secret_name(v)) {
        return false;
    }
    if v.chars().count() < 3
        || is_sentinel(v)
        || is_regex(v)
        || is_color(v)
        || is_path(v)
        || is_dotted_number(v)
        || is_code_path(v)
    {
        return false;
    }
    // A PIN-length number (`456`, `1234`) is a count, a port or a code, not a credential.
    let pin = name_words.iter().any(|w| w == "pin" || w == "passcode");
    if v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit()) && !pin {
        return false;
    }
    // A capitalised phrase is a label or a description (`Client ID`, `Basic authentication
    // username`); a weak password phrase is written in lower case (`let me in`).
    if v.contains(' ')
        && v.starts_with(|c: char| c.is_ascii_uppercase())
        && v.split(' ').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'))
    {
        return false;
    }
    // `api_username`, `db.host_name`: an identifier naming another field.
    if ident_like
        && v.contains(['_', '.'])
        && vw.iter().any(|w| ["username", "user", "host", "name", "email", "login"].contains(&w.as_str()))
    {
        return false;
    }
    if let Some((scheme, rest)) = v.split_once("://")
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+.-:".contains(&b))
        && !rest.split('/').next().unwrap_or("").contains('@')
    {
        return false;
    }
    // `@/run/secrets/jwt`: read from a file (PostgREST, curl's `@file`).
    // A program's path (sudoers' `NOPASSWD: /usr/bin/vim`) is a command, not a credential.
    if [
        "/run/secrets/",
        "/var/run/secrets/",
        "/etc/",
        "/usr/bin/",
        "/usr/sbin/",
        "/usr/local/bin/",
        "/bin/",
        "/sbin/",
        "file:",
        "env:",
        "secret:",
        "ssm:",
        "op://",
        "@/",
        "@./",
        "@~/",
    ]
    .iter()
    .any(|p| v.starts_with(p))
    {
        return false;
    }
    if is_uuid(v) && !name_words.iter().any(|w| STRONG_WORDS.contains(&w.as_str())) {
        return false;
    }
    true
}

/// True when a config value (host, port, user…) is a literal: not empty, not a template or a
/// reference. Unlike credentials, plain words like `root` or `admin` are real config values.
pub fn is_config_value(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.len() > 1024 || is_format_string(v) {
        return false;
    }
    let templated = ["${", "{{", "}}", "%(", "$(", "#{", "<%", "%>", "{%"].iter().any(|t| v.contains(t));
    let env_ref = v.starts_with('$') && v[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    !(templated || env_ref || v.starts_with('<') && v.ends_with('>') || v.chars().all(|c| c == '*' || c == 'x'))
}

/// Sentinel values a program stores where a credential would go (`disabled`, `missing`).
fn is_sentinel(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    [
        "unknown",
        "nothing",
        "disabled",
        "empty",
        "hidden",
        "missing",
        "not_supported",
        "no_information",
        "string",
        "str",
        "int",
        "number",
        "boolean",
        "bool",
        "object",
        "any",
        "bytes",
        "required",
        "optional",
        "include",
        "omit",
        "same-origin",
        "bearer",
        "basic",
        "digest",
        "negotiate",
        "ntlm",
    ]
    .contains(&l.as_str())
}

/// A file path (`./my.creds`, `fixtures/certs/key.pem`, `~/.ssh/id_rsa`): where a credential is
/// kept, not the credential.
fn is_path(v: &str) -> bool {
    if v.contains(char::is_whitespace) {
        return false;
    }
    if ["./", "../", "~/"].iter().any(|p| v.starts_with(p)) {
        return true;
    }
    let file = v.rsplit('/').next().unwrap_or(v);
    let ext = file.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let known = [
        "pem", "key", "crt", "cer", "json", "creds", "p12", "pfx", "jks", "txt", "pub", "yaml", "yml", "der",
        "keystore",
    ];
    v.contains('/') && known.contains(&ext.to_ascii_lowercase().as_str())
}

/// Numbers joined by dots, three parts or more: an OID (`1.2.840.113549.1.9.7`, PKCS#9's
/// challengePassword attribute), an IP address or a version, which name a thing, not a secret.
fn is_dotted_number(v: &str) -> bool {
    v.split('.').count() >= 3 && v.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A path of code items joined by `::` (`$serde_json::private::Number`, `Foo::Bar`): Rust, C++,
/// PHP and Ruby name a type or a marker so, no secret is spelled that way.
fn is_code_path(v: &str) -> bool {
    let v = v.strip_prefix('$').unwrap_or(v);
    let v = v.strip_prefix("::").unwrap_or(v);
    let ident = |p: &str| {
        p.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    v.contains("::") && v.split("::").all(ident)
}

/// Regular expressions (`[^\W\d]\w*`, `(?=\s|#)`), which name a token shape, not a token.
fn is_regex(v: &str) -> bool {
    ["\\w", "\\d", "\\s", "\\b", "(?=", "(?:", "(?!", "[^", "[a-z", "[A-Z", "[0-9"].iter().any(|p| v.contains(p))
        || v.starts_with('^') && v.ends_with('$')
}

/// `#fff`, `#ddd0c0`, `#ansired`: colours in style tables keyed by `Token`.
fn is_color(v: &str) -> bool {
    v.strip_prefix('#').is_some_and(|h| {
        h.starts_with("ansi") || (3..=8).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// bcrypt (`$2a$`/`$2b$`/`$2y$`), argon2, crypt(3) SHA (`$5$`, `$6$`), PBKDF2 and scrypt strings,
/// also behind an RFC 2307 scheme tag (`{CRYPT}$6$…`, `{SSHA512}…`, `{ARGON2}$argon2id$…`).
pub fn is_password_hash(v: &str) -> bool {
    if let Some((scheme, rest)) = v.strip_prefix('{').and_then(|r| r.split_once('}'))
        && (2..=12).contains(&scheme.len())
        && scheme.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !matches!(scheme, "PLAIN" | "CLEAR" | "CLEARTEXT" | "PLAINTEXT")
        && rest.len() >= 16
    {
        return true;
    }
    let crypt = ["$2a$", "$2b$", "$2y$", "$2x$", "$5$", "$6$", "$1$", "$apr1$", "$y$", "$7$"];
    crypt.iter().any(|p| v.starts_with(p) && v.len() >= 20)
        || v.starts_with("$argon2")
        || v.starts_with("pbkdf2_sha")
        || v.starts_with("pbkdf2:")
        || v.starts_with("scrypt:")
        || v.starts_with("{SSHA}")
        || v.starts_with("{SHA}")
}

/// The rest of a code statement read as an unquoted value (`password_ = input.readBytes();`,
/// `secret = com.google.protobuf.ByteString.EMPTY;` when a generated file gets the line
/// detectors): a call or a member path ending in `;`, never a literal.
fn is_code_statement(v: &str) -> bool {
    let Some(expr) = v.strip_suffix(';') else { return false };
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    expr.starts_with(|c: char| ident(c) && !c.is_ascii_digit())
        && expr.contains(['(', '.'])
        && expr.chars().all(|c| ident(c) || "().".contains(c))
}

/// `%s`, `%d`, `{}`, `{0}`, `{name}`, `:name` format strings.
fn is_format_string(v: &str) -> bool {
    if v == "%s" || v == "%d" || v == "%v" || v == "?" {
        return true;
    }
    if let Some(inner) = v.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        return inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == ':');
    }
    v.len() > 1 && v.starts_with(':') && v[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A canonical 8-4-4-4-12 hex UUID.
pub fn is_uuid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_reject_non_values() {
        for (n, v) in [
            ("password", "hunter2"),
            ("db_pass", "correct horse battery staple"),
            ("api_key", "0f0e-x"),
            ("password", "hunter2;"),
            ("password", "p.ss(w0rd);x"),
            ("password", "12.34.ab"),
            ("password", "/usr/bin-not-a-dir"),
            ("password", "Tr0ub4dor::3!"),
        ] {
            assert!(is_secret_value(n, v), "{n}={v}");
        }
        for (n, v) in [
            ("password", "$2b$12$KIXQJ2dQwOQ8Hh7b8o9pUe2v1Yx8c5Qz0yK1m4nG6r9sT3uV7wXyZ"),
            ("password", "{CRYPT}$6$rounds=5000$Qx9aZ1bq$Wm1uSjH8vR2yT5pL0cN7kE4dG6fA3sB9"),
            ("password", "{SSHA512}b64hashvaluewithsaltQx9aZ1bqWm1uSjH8=="),
            ("jwt_secret", "Nothing"),
            ("password", "Enter your password"),
            ("password_error", "Wrong credentials supplied"),
            ("passwordPrompt", "Type it now"),
            ("password", "Password"),
            ("token", "GITHUB_TOKEN"),
            ("api_key", "S3_UPLOAD_KEY_2"),
            ("auth", "6f1c3a52-8d1e-4c2b-9a57-0e5b1f2d3c4a"),
            ("token", "https://auth.example.com/token"),
            ("password", "%s"),
            ("password", "{password}"),
            ("secret", "/run/secrets/db"),
            ("jwt-secret", "@/dev/stdin"),
            ("password_", "input.readBytes();"),
            ("password_", "com.google.protobuf.ByteString.EMPTY;"),
            ("password_", "getDefaultInstance().getPassword();"),
            ("challengePassword", "1.2.840.113549.1.9.7"),
            ("password", "10.0.0.12"),
            ("NOPASSWD", "/usr/bin/vim"),
            ("TOKEN", "$serde_json::private::RawValue"),
            ("secret_type", "Aws::SecretsManager::Secret"),
        ] {
            assert!(!is_secret_value(n, v), "{n}={v}");
        }
        assert!(is_config_value("root"));
        assert!(!is_config_value("${HOST}"));
        assert!(is_uuid("6f1c3a52-8d1e-4c2b-9a57-0e5b1f2d3c4a"));
    }
}
