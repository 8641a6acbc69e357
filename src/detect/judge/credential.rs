//! The last word on a credential a detector found, whatever the format: values no real
//! credential has, logins in a URL that aren't, and (in tests, fixtures and docs) stand-ins and
//! tokens a test made up. Applied once to every language-aware detection (`detect::analyze`) and
//! to the URL rules, with the site the value was found at, so a value is judged the same in
//! Python, YAML, `.env`, Go raw strings, docs and provider rules.

use super::{is_stand_in, url, words};

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

/// Where a detector found a value: what the judge weighs beside the value itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct Site<'a> {
    /// The name or key the value is assigned to (`db_password`, `access_token`), if any.
    pub name: Option<&'a str>,
    /// A test, fixture or docs file, where made-up values live beside real ones.
    pub test_or_doc: bool,
    /// The URL login the value is the password of (`scheme://user:<value>@host`), if it is one.
    pub url: Option<UrlLogin<'a>>,
}

/// `scheme://user:password@host`, each part as written (not percent-decoded).
#[derive(Clone, Copy, Debug)]
pub struct UrlLogin<'a> {
    /// The user part.
    pub user: &'a str,
    /// The password part as written.
    pub password: &'a str,
    /// The host (and port) after the `@`.
    pub host: &'a str,
}

impl<'a> Site<'a> {
    /// The site of `text[start..end]`: a URL login when `://user:` precedes it and `@host`
    /// follows (the scratch `buf` holds the user and host found around it).
    pub fn at(text: &'a [u8], start: usize, end: usize, buf: &'a mut (String, String)) -> Site<'a> {
        let password = text.get(start..end).and_then(|p| std::str::from_utf8(p).ok());
        let url = match (url::userinfo_around(text, start, end), password) {
            (Some(found), Some(password)) => {
                *buf = found;
                Some(UrlLogin { user: &buf.0, password, host: &buf.1 })
            }
            _ => None,
        };
        Site { url, ..Site::default() }
    }
}

/// The one judgement of a secret a detector found: true when `value` at `site` is no credential.
/// Anywhere: [`is_fake`] values, and URL logins that aren't one ([`url::is_fake_userinfo`]:
/// format strings, example hosts). In tests, fixtures and docs also stand-ins (`foo`, `password:
/// "password"`, `secret1`) and made-up tokens (`token: "testac"`) — elsewhere such a value is a
/// weak one the program really runs with — except in a URL's userinfo: there even a stand-in word
/// (`nats://ivan:pass@host`) is the login the test really connects with.
pub fn is_no_credential(value: &str, site: &Site) -> bool {
    if is_fake(value) {
        return true;
    }
    if let Some(u) = &site.url {
        return url::is_fake_userinfo(u.user, u.password, u.host);
    }
    site.test_or_doc && (is_stand_in(value) || is_made_up_token(site.name, value) || is_said_fake(site.name, value))
}

/// Words a test puts before a credential's name to make up its value.
const MAKE_UP: &[&str] =
    &["test", "fake", "dummy", "sample", "example", "my", "some", "other", "wrong", "bad", "invalid"];

/// Credential words a made-up value spells out after [`MAKE_UP`] (`test-password`).
const SPELLED: &[&str] = &["password", "passwd", "pass", "pwd", "secret", "token", "key", "credential", "passphrase"];

/// A value a test made up by saying so: `fake-…`/`dummy-…` anything, or a [`MAKE_UP`] word followed
/// by the name's own words or credential words (`test-trust-store-password` under
/// `trustStorePassword`, `test-password`). In a deployed config such a value is still a weak one.
fn is_said_fake(name: Option<&str>, value: &str) -> bool {
    let v = value.trim();
    if v.contains(char::is_whitespace) {
        return false;
    }
    let vw = words(v);
    let Some((first, rest)) = vw.split_first() else { return false };
    if rest.is_empty() || !MAKE_UP.contains(&first.as_str()) {
        return false;
    }
    if matches!(first.as_str(), "fake" | "dummy") {
        return true;
    }
    let nw = name.map(words).unwrap_or_default();
    rest.iter().all(|w| {
        let w = w.trim_end_matches(|c: char| c.is_ascii_digit());
        SPELLED.contains(&w) || nw.iter().any(|n| n == w)
    })
}

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
    fn the_site_decides_stand_ins() {
        let test = Site { test_or_doc: true, ..Site::default() };
        let deployed = Site::default();
        assert!(is_no_credential("password", &test));
        assert!(!is_no_credential("password", &deployed));
        let mut buf = Default::default();
        let t = "a = 'nats://ivan:pass@10.0.0.5:4222'";
        let s = t.find("pass@").unwrap();
        let login = Site { test_or_doc: true, ..Site::at(t.as_bytes(), s, s + 4, &mut buf) };
        assert!(login.url.is_some_and(|u| u.user == "ivan" && u.host == "10.0.0.5:4222"));
        assert!(!is_no_credential("pass", &login), "a stand-in in a URL login is the login a test uses");
        let mut buf = Default::default();
        let t = "'http://john.doe:letmein123@proxy.example.com'";
        let s = t.find("letmein123").unwrap();
        assert!(
            is_no_credential("letmein123", &Site::at(t.as_bytes(), s, s + 10, &mut buf)),
            "an example host anywhere"
        );
        for (n, v) in [
            ("trustStorePassword", "test-trust-store-password"),
            ("credential", "test-password"),
            ("generatedPassword", "fake-generated-password"),
            ("api_key", "my-api-key2"),
        ] {
            assert!(is_no_credential(v, &Site { name: Some(n), ..test }), "{n}={v}");
            assert!(!is_no_credential(v, &Site { name: Some(n), ..deployed }), "{n}={v}");
        }
        for (n, v) in [("password", "test-pass-9Qx"), ("password", "letmein123-old"), ("password", "my db pass")] {
            assert!(!is_no_credential(v, &Site { name: Some(n), ..test }), "{n}={v}");
        }
        for (n, v) in [("token", "testac"), ("api_key", "myKeyA")] {
            assert!(is_no_credential(v, &Site { name: Some(n), ..test }), "{n}");
            assert!(!is_no_credential(v, &Site { name: Some(n), ..deployed }), "{n}");
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
