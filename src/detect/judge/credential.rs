//! The last word on a credential a detector found, whatever the format: values no real
//! credential has, and (in tests, fixtures and docs) tokens a test made up. Applied once to every
//! language-aware detection (`detect::analyze`), so a value is judged the same in Python, YAML,
//! `.env`, Go raw strings and docs.

use super::words;

/// Fewer characters than this is no credential (`a`, `p`, `foo`, `pwd`): a stand-in or a code.
pub const MIN_CHARS: usize = 4;

/// A token or key is issued by a system, so it is at least this long or holds something beside
/// letters; a shorter all-letter value in such a slot is a name a test made up (`testac`,
/// `goodtoken`, `myKeyA`).
const MACHINE_MIN_CHARS: usize = 16;

/// Password words: a password is chosen by a person, so a weak word is a real (weak) password.
const HUMAN_WORDS: &[&str] = &["password", "passwd", "pwd", "pass", "passphrase", "passwort", "kennwort", "pin"];

/// Words that, before `key`, make a name a machine-issued key (`api_key`, `AWS_SECRET_ACCESS_KEY`).
/// Not `secret`, `session`, `signing` or `encryption` keys: people choose those (Flask's
/// `SECRET_KEY = "my_precious"` is the key the app signs with).
const KEY_QUALIFIERS: &[&str] = &["api", "access", "private", "auth", "app", "client"];

/// Qualifiers that may follow the credential word (`tokenValue`, `API_KEY_PROD`, `token2`).
const TRAILING: &[&str] = &["value", "val", "str", "string", "prod", "dev", "test", "live", "default"];

/// True when `value`, found under `name` (if any), is not a credential anywhere: too short to be
/// one, an e-mail address (an account, not its secret), a password hash (what a server stores to
/// check one), or a message in a non-Latin script (`"Token生成失败"`, an i18n string).
pub fn is_fake(value: &str) -> bool {
    let v = value.trim();
    v.chars().count() < MIN_CHARS || is_email(v) || super::is_password_hash(v) || is_non_latin_text(v)
}

/// True for a token a test or a doc made up: an all-letter word under a token or key name
/// (`access_token: "testac"`, `o.MQTT.Token = "goodtoken"`, `apiKey = "myKeyA"`). A deployed
/// config keeps such a value: it is the (weak) token the service really gets.
pub fn is_made_up_token(name: Option<&str>, value: &str) -> bool {
    name.is_some_and(|n| names_machine_secret(n) && is_word_like(value.trim()))
}

/// True when a name holds a machine-issued secret — a token, an API/access/secret key, an
/// `Authorization` value — and not a password (`o.MQTT.Token`, `MOCK_ACCESS_TOKEN`, `config.APIKey`;
/// not `db_password`, `token_password`, `client_secret`, `SECRET_KEY`).
pub fn names_machine_secret(name: &str) -> bool {
    let mut w: Vec<String> = words(name)
        .into_iter()
        .map(|x| x.trim_end_matches(|c: char| c.is_ascii_digit()).to_string())
        .filter(|x| !x.is_empty())
        .collect();
    if w.iter().any(|x| HUMAN_WORDS.contains(&x.as_str()) || x.ends_with("password")) {
        return false;
    }
    while w.len() > 1 && w.last().is_some_and(|l| TRAILING.contains(&l.as_str())) {
        w.pop();
    }
    let Some(last) = w.last().map(String::as_str) else { return false };
    let qualified_key = last == "key" && w.len() >= 2 && KEY_QUALIFIERS.contains(&w[w.len() - 2].as_str());
    qualified_key || last.ends_with("token") || matches!(last, "apikey" | "accesskey" | "authorization")
}

/// Letters only (any script), with `-`, `_`, `.` or spaces between them, shorter than a
/// machine-issued value: a word or a phrase (`invalid`, `admin-token`, `lah lah lemons`).
fn is_word_like(v: &str) -> bool {
    v.chars().count() < MACHINE_MIN_CHARS
        && v.chars().any(char::is_alphabetic)
        && v.chars().all(|c| c.is_alphabetic() || "-_. ".contains(c))
}

/// Letters of a non-Latin script (CJK, Kana, Hangul, Cyrillic, Arabic…): words of a message.
fn is_non_latin_text(v: &str) -> bool {
    v.chars().any(|c| c.is_alphabetic() && c as u32 > 0x24F)
}

/// `me@example.com`: an account name, not its secret.
fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else { return false };
    let label = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    !local.is_empty()
        && local.bytes().all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
        && domain.split('.').count() >= 2
        && domain.split('.').all(label)
        && domain.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_names() {
        for n in [
            "token",
            "o.MQTT.Token",
            "MOCK_ACCESS_TOKEN",
            "config.APIKey",
            "AWS_SECRET_ACCESS_KEY",
            "fs.s3a.access.key",
            "authToken2",
        ] {
            assert!(names_machine_secret(n), "{n}");
        }
        for n in [
            "password",
            "db_password",
            "client_secret",
            "secret",
            "tokenPassword",
            "pin",
            "sessionSecret",
            "SECRET_KEY",
        ] {
            assert!(!names_machine_secret(n), "{n}");
        }
    }

    #[test]
    fn fakes_and_real_weak_values() {
        for v in ["foo", "pwd", "Token生成失败", "me@example.com", "{CRYPT}$6$rounds=5000$Qx9aZ1bq$Wm1uSjH8vR2yT5pL"]
        {
            assert!(is_fake(v), "{v}");
        }
        for v in ["root", "letmein", "s3cr3t", "p@ss@word.example", "entrap_o–peter_long"] {
            assert!(!is_fake(v), "{v}");
        }
        for (n, v) in [("token", "goodtoken"), ("apiKey", "myKeyA"), ("access_token", "lah lah lemons")] {
            assert!(is_made_up_token(Some(n), v), "{n}={v}");
        }
        for (n, v) in [
            ("password", "letmein"),
            ("secret", "supersecret"),
            ("SECRET_KEY", "my_precious"),
            ("token", "ghi789"),
            ("api_key", "Zm9vOmJhcg=="),
            ("token", "averylongtokenwordthatisnotshort"),
        ] {
            assert!(!is_made_up_token(Some(n), v), "{n}={v}");
        }
    }
}
