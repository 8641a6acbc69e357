//! The one placeholder vocabulary every detector and format applies: values that stand for a
//! credential rather than being one. It is deliberately narrow — a weak real password (`admin`,
//! `password`, `example`, `qwerty123`) is still a hardcoded secret; the credential name decides.

/// Whole values (ASCII case-insensitive) that are placeholders. Not `changeit`: that is the JDK's
/// real default keystore password (`cacerts` opens with it), a weak value a program runs with.
const WHOLE: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "change_this",
    "change-this",
    "replaceme",
    "replace_me",
    "replace-me",
    "todo",
    "tbd",
    "fixme",
    "none",
    "null",
    "nil",
    "undefined",
    "false",
    "true",
    "n/a",
    "na",
    "unset",
    "notset",
    "not_set",
    "redacted",
    "[redacted]",
    "placeholder",
    "secret_here",
    "your_secret_here",
    "your_password_here",
    "your_token_here",
    "your_api_key_here",
];

/// Stand-ins people write in tests, fixtures and docs: metasyntactic words and the credential word
/// itself. In a deployed config they are weak real values (`default = "foobar"` is what the task
/// gets); under a test or docs path they are fakes, see [`is_stand_in`].
const STAND_INS: &[&str] = &[
    "foo",
    "bar",
    "baz",
    "qux",
    "quux",
    "foobar",
    "foobaz",
    "foo-bar",
    "foo_bar",
    "bazbat",
    "asdf",
    "asdfgh",
    "dummy",
    "fake",
    "test",
    "testing",
    "sample",
    "abc",
    "abc123",
    "123",
    "1234",
    "12345",
    "123456",
    "password",
    "passwd",
    "pwd",
    "pass",
    "secret",
    "token",
    "key",
    "apikey",
    "api_key",
    "credential",
    "credentials",
    "passphrase",
    "mytoken",
    "mysecret",
    "my_secret",
    "mypassword",
    "my_password",
    "hello",
    "world",
    "hunter2",
];

/// True for a stand-in value (see [`STAND_INS`]), including `secret1`/`token2` numbered variants.
pub fn is_stand_in(value: &str) -> bool {
    let lower = value.trim().to_ascii_lowercase();
    // `secret1`, `1234token`, `my-secret-2`: a stand-in with digits or separators around it;
    // `secret1-value`, `token_value`: a stand-in saying it stands for the value.
    let base = lower.trim_matches(|c: char| c.is_ascii_digit() || "-_. ".contains(c));
    let unsuffixed = ["value", "val"]
        .iter()
        .find_map(|s| base.strip_suffix(s))
        .map(|b| b.trim_matches(|c: char| c.is_ascii_digit() || "-_. ".contains(c)))
        .filter(|b| !b.is_empty() && b.len() < base.len());
    STAND_INS.contains(&lower.as_str())
        || !base.is_empty() && STAND_INS.contains(&base)
        || unsuffixed.is_some_and(|b| STAND_INS.contains(&b))
}

/// True for a placeholder: empty, a word of the vocabulary above, `<…>`, a `${…}`/`{{…}}`/`%(…)s`
/// template, runs of `x`/`*`/`.`/`-` (`xxxx-xxxx`, `***`), `your_…`/`your-…`/`<your…` prompts,
/// AWS-style `…EXAMPLE` documentation keys, `…_here` fill-ins and `REPLACE_WITH_…`.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if WHOLE.contains(&lower.as_str()) {
        return true;
    }
    if v.starts_with('<') && v.ends_with('>') || lower.starts_with("<your") {
        return true;
    }
    if ["${", "{{", "%(", "$(", "(("].iter().any(|t| v.contains(t)) {
        return true;
    }
    // `xxxx`, `XXXX-XXXX`, `****`, `....`, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
    let filler = |c: char| matches!(c, 'x' | 'X' | '*' | '.' | '-' | '_' | '#');
    if v.chars().all(filler) && v.chars().filter(|c| matches!(c, 'x' | 'X' | '*' | '.' | '#')).count() >= 3 {
        return true;
    }
    // One character repeated (`yyyy`, `---`, `0000`) or a run of x's inside (`akab-xxxxxxxx`).
    let first = v.chars().next().unwrap_or(' ');
    if v.chars().count() >= 3 && v.chars().all(|c| c == first) || lower.contains("xxxx") {
        return true;
    }
    let starts_your = ["your_", "your-", "your.", "yourpassword", "yoursecret", "yourtoken", "yourapikey"];
    if starts_your.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    if lower.ends_with("_here") || lower.ends_with("-here") || lower.ends_with("goeshere") {
        return true;
    }
    let fill_in = [
        "replace_with",
        "replace-with",
        "replace_me",
        "replaceme",
        "change_me",
        "changeme",
        "insert_",
        "insert-",
        "enter_your",
        "enter-your",
        "put_your",
        "put-your",
    ];
    if fill_in.iter().any(|p| lower.starts_with(p)) || v.len() > 3 && v.ends_with("...") {
        return true;
    }
    // Build-time markers: `###ORACLE_PWD###`, `__DB_PASS__`, `@db.password@`, `%DB_PASS%`.
    for m in ["##", "__", "@", "%"] {
        let inner = v.strip_prefix(m).and_then(|r| r.strip_suffix(m)).map(|r| r.trim_matches(m.as_bytes()[0] as char));
        if inner.is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))) {
            return true;
        }
    }
    // Redaction markers written where a value was removed: `*SENSITIVE*DATA*DELETED*`, `*REDACTED*`.
    let marker = v.trim_matches('*');
    if v.len() > marker.len() + 1
        && v.starts_with('*')
        && v.ends_with('*')
        && marker.bytes().any(|b| b.is_ascii_uppercase())
        && marker.bytes().all(|b| b.is_ascii_uppercase() || b"*_- ".contains(&b))
    {
        return true;
    }
    // AWS documentation keys: `AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`.
    v.contains("EXAMPLE") && v.len() >= 16
}

/// Words whose presence marks a provider-shaped token as a documentation or sample value
/// (`sk_test_EXAMPLE…`, `ghp_dummy…`, `your-api-key`), beside the narrow vocabulary above.
const DOC_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "placeholder",
    "your_",
    "your-",
    "yourpassword",
    "redacted",
    "dummy",
    "sample",
    "insert",
    "replace",
    "<",
    "{{",
    "${",
    "%(",
    "$(",
    "todo",
    "fixme",
    "notreal",
    "not-a-real",
    "fake_",
    "xxxx",
    "****",
    "....",
];

/// Whole values that, matched by a provider or URL rule, are words and not tokens.
const TOKEN_WORDS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "test",
    "none",
    "null",
    "nil",
    "undefined",
    "true",
    "false",
    "admin",
    "root",
    "default",
    "string",
    "value",
    "pass",
    "key",
    "apikey",
    "api_key",
];

/// True when a value matched by a shaped rule (a provider token, a URL's password) is a
/// documentation or stand-in value: a [placeholder](is_placeholder), one of [`TOKEN_WORDS`], a
/// value holding one of [`DOC_WORDS`], a `{name}`/`%NAME%`/`$NAME`/`@NAME@` template, or a plain
/// ascending run (`123456789`, `abcdef`). A provider token is machine-made, so this vocabulary is
/// wider than the one for credential slots, where a weak word is a real (weak) password.
pub fn is_token_placeholder(value: &str) -> bool {
    let v = value.trim();
    if is_placeholder(v) {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if TOKEN_WORDS.contains(&lower.as_str()) {
        return true;
    }
    if DOC_WORDS.iter().any(|w| lower.contains(w)) || is_template(v) {
        return true;
    }
    let first = lower.chars().next().unwrap_or(' ');
    lower.chars().all(|c| c == first) || is_ascending(&lower)
}

/// Interpolation syntaxes that stand for a value rather than being one: `{password}` (format strings),
/// `%DB_PASS%` (Windows/batch), `$DB_PASS` (shell), `@DB_PASS@` (autoconf), `__DB_PASS__`.
fn is_template(v: &str) -> bool {
    let wrapped = |open: char, close: char| v.len() > 2 && v.starts_with(open) && v.ends_with(close);
    let ident = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
    (wrapped('{', '}') && ident(&v[1..v.len() - 1]))
        || (wrapped('%', '%') && ident(&v[1..v.len() - 1]))
        || (wrapped('@', '@') && ident(&v[1..v.len() - 1]))
        || (v.len() > 4 && v.starts_with("__") && v.ends_with("__") && ident(&v[2..v.len() - 2]))
        || (v.starts_with('$') && ident(&v[1..]) && v[1..].bytes().next().is_some_and(|b| !b.is_ascii_digit()))
}

/// `123456`, `abcdefg`, `3456789012`: six or more characters each one above the last.
fn is_ascending(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 6 && b.windows(2).all(|w| w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_vocabulary() {
        for p in [
            "",
            "changeme",
            "<password>",
            "${DB_PASS}",
            "{{ pw }}",
            "xxxx",
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
            "***",
            "your_api_key_here",
            "YOUR-TOKEN",
            "AKIAIOSFODNN7EXAMPLE",
            "TODO",
            "null",
            "false",
            "YOURSECRETKEYGOESHERE",
            "*SENSITIVE*DATA*DELETED*",
            "*REDACTED*",
            "** MASKED **",
        ] {
            assert!(is_placeholder(p), "{p}");
        }
        for real in [
            "admin",
            "root",
            "password",
            "example",
            "qwerty123",
            "topsecret",
            "my-db-pass",
            "let me in",
            "changeit",
            "foobar",
            "test",
            "*Hunter2*",
            "*ABC123*",
            "*PASSWORD",
        ] {
            assert!(!is_placeholder(real), "{real}");
        }
    }

    #[test]
    fn stand_ins_and_their_value_suffixes() {
        for v in ["secret1", "secret-2", "secret1-value", "secret3-1-value", "token_value", "passwordval"] {
            assert!(is_stand_in(v), "{v}");
        }
        for v in ["value", "interval", "hunter2-value", "Kq8-value-Wz3"] {
            assert!(!is_stand_in(v), "{v}");
        }
    }

    #[test]
    fn token_placeholders() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "xxxxxxxx",
            "changeme",
            "<token>",
            "${DB_PASS}",
            "123456789",
            "********",
            "your-api-key",
            "{password}",
            "%DB_PASSWORD%",
            "$DB_PASSWORD",
            "@DB_PASSWORD@",
            "__DB_PASSWORD__",
            "password",
            "root",
            "sk_live_dummy0000",
        ] {
            assert!(is_token_placeholder(p), "{p}");
        }
        for real in ["hunter2", "q8Zr2LmX0pVt7sKw", "Tr0ub4dor&3", "$3cr3t!pass", "{x9Q2", "%9aK%zz"] {
            assert!(!is_token_placeholder(real), "{real}");
        }
    }
}
