//! What a config entry's name and value say before it is judged: client-library names with a fixed
//! meaning, collections of credentials, mechanism and protocol-field names, values that name
//! something or are build tokens, numbers and connection strings.

use super::Entry;
use crate::detect::judge;

/// Environment names with a meaning fixed by a client library, as (key, prefix): libpq's `PGHOST`
/// family, Laravel's `DB_CONNECTION`.
pub(super) fn well_known(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name.to_ascii_uppercase().as_str() {
        "PGHOST" | "PGHOSTADDR" => ("host", "pg"),
        "PGPORT" => ("port", "pg"),
        "PGUSER" => ("username", "pg"),
        "PGDATABASE" => ("dbname", "pg"),
        "PGPASSWORD" => ("password", "pg"),
        "DB_CONNECTION" => ("engine", "db"),
        _ => return None,
    })
}

/// Prefixes that name the same thing (`POSTGRES_PASSWORD` beside `PGHOST`).
pub(super) fn canonical_prefix(p: &str) -> String {
    match p {
        "postgres" | "postgresql" => "pg".to_string(),
        other => other.to_string(),
    }
}

/// `secrets: {stripe: "sk_…"}`: a literal under a key that names a collection of credentials,
/// unless its own name says it's something else (`type`, `name`, `region`…).
pub(super) fn inherits_secret(e: &Entry) -> bool {
    let Some(parent) = &e.parent else { return false };
    // Appending `password` keeps a name a credential name unless one of its words says it is
    // something else (`provider`, `type`, `name`…), which the shared judgement knows.
    names_a_collection(parent)
        && judge::config_key(&e.name).is_none()
        && judge::is_secret_name(&format!("{} password", e.name))
        && !looks_like_number_or_time(&e.value)
}

/// The key names a collection of credentials and nothing else (`secrets`, `apiKeys`): only then
/// does a value under it inherit a credential name ([`inherits_secret`]). `ListAccessTokens` or
/// `MaxTokens` name API operations and limits, not a store of tokens.
pub(crate) fn names_a_collection(key: &str) -> bool {
    let pw = judge::words(key);
    let collection = ["passwords", "credentials", "creds", "secrets", "tokens", "apikeys"];
    match pw.as_slice() {
        [one] => collection.contains(&one.as_str()),
        [a, b] => a == "api" && b == "keys",
        _ => false,
    }
}

/// `12`, `3600`, `2016-09-08T21:47:36Z`: counts, limits and timestamps.
pub(super) fn looks_like_number_or_time(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty()
        && v.chars().all(|c| c.is_ascii_digit() || ".:-TZ+ ".contains(c))
        && v.chars().any(|c| c.is_ascii_digit())
}

/// Names whose last word says they configure how credentials are handled, not hold one
/// (`password.encoder`, `token_generator`).
pub(super) fn names_a_mechanism(name: &str) -> bool {
    let last = judge::words(name).pop().unwrap_or_default();
    [
        "encoder",
        "encoding",
        "hasher",
        "generator",
        "validator",
        "strategy",
        "handler",
        "scheme",
        "source",
        "audience",
        "issuer",
        "scope",
        "scopes",
        "lifetime",
        "duration",
        "interval",
        "method",
        "methods",
    ]
    .contains(&last.as_str())
}

/// `needless_pass_by_value`, `pass_through`: the ambiguous word `pass` is a credential word only
/// at the end of a name (`DB_PASS`), when no other word makes it one.
pub(super) fn only_pass_inside(name: &str) -> bool {
    let w = judge::words(name);
    let Some(pos) = w.iter().position(|x| x == "pass") else { return false };
    let rest: Vec<&str> = w.iter().filter(|x| *x != "pass").map(String::as_str).collect();
    pos + 1 != w.len() && !judge::is_secret_name(&rest.join("_"))
}

/// A path or reference that names where a credential lives (`/run/secrets/db_password`,
/// `team/home#assets/deploy-credentials`) rather than being one.
pub(super) fn names_a_credential(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    !l.contains(char::is_whitespace)
        && l.contains('/')
        && ["password", "passwd", "secret", "credential", "token"].iter().any(|w| l.contains(w))
}

/// Words that make a credential-sounding name a protocol or API detail: pagination cursors
/// (`input_token`, `next_token`), request/response field names.
pub(super) fn names_a_field(name: &str) -> bool {
    judge::words(name).iter().any(|w| {
        [
            "input",
            "output",
            "next",
            "prev",
            "previous",
            "page",
            "pagination",
            "cursor",
            "marker",
            "request",
            "response",
            "limit",
            "expiration",
            "expiry",
            "created",
            "updated",
            "timestamp",
            "date",
            "time",
            "result",
            "results",
            "status",
            "state",
            "last",
            "used",
            "reuse",
            "prevention",
            "age",
        ]
        .contains(&w.as_str())
    })
}

/// Values that name something rather than being a secret: ARNs and identifiers.
pub(super) fn names_something(v: &str) -> bool {
    let v = v.trim();
    if v.starts_with("arn:") {
        return true;
    }
    // `maxResults`, `NextToken`, `SecretKeyRef`: letters only, in a naming style with two or more
    // words. (A password made of two plain words is as guessable as a placeholder.)
    // Lower-case snake phrases (`top_secret`) are weak values, not identifiers.
    let ident = v.len() > 3
        && v.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
        && v.chars().any(|c| c.is_ascii_lowercase())
        && v.chars().any(|c| c.is_ascii_uppercase());
    // Case changes every two or three letters (`kQwIOrYvnXmSDkwEiFngr`) are a random key, not
    // words of a name.
    let words = judge::words(v).len();
    let random = words >= 4 && v.len() * 2 < words * 7;
    ident && words >= 2 && !random
}

/// Build-time substitution tokens: Maven/Gradle resource filtering `@name@`, Windows `%NAME%`.
pub(super) fn is_build_token(v: &str) -> bool {
    let v = v.trim();
    let inner = |s: &str, c: char| {
        s.len() > 2
            && s.starts_with(c)
            && s.ends_with(c)
            && s[1..s.len() - 1].chars().all(|x| x.is_alphanumeric() || "._-".contains(x))
    };
    inner(v, '@') || inner(v, '%')
}

pub(super) fn looks_like_dsn(v: &str) -> bool {
    v.contains("://")
        || v.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("jdbc:"))
        || (v.contains(';') && v.contains('='))
}

/// A config value worth grouping: present and not a template or reference (unlike secrets,
/// `root` or `admin` are real user names).
pub(super) fn is_config_value(v: &str) -> bool {
    judge::is_config_value(v) && !matches!(v.trim(), "null" | "~" | "none" | "None")
}

/// What a name alone says, judged once per distinct name of a file: a service model repeats
/// `shape`, `documentation` and `location` thousands of times. What only a credential or a config
/// key needs (`refused`, `prefix`) is judged when first asked: most names of a schema or a service
/// model are neither, and each judgement splits the name into words again.
pub(super) struct NameFacts {
    /// [`judge::is_secret_name`].
    pub secret: bool,
    /// The name says it is a mechanism, holds `pass` inside another word or is a protocol field.
    refused: std::cell::OnceCell<bool>,
    /// [`well_known`].
    pub alias: Option<(&'static str, &'static str)>,
    /// [`judge::name_prefix`].
    prefix: std::cell::OnceCell<Option<String>>,
    /// [`judge::config_key`].
    pub config_key: Option<&'static str>,
}

impl NameFacts {
    /// The name (`name`: the one these facts are of) says it is a mechanism, holds `pass` inside
    /// another word or is a protocol field.
    pub fn refused(&self, name: &str) -> bool {
        *self.refused.get_or_init(|| names_a_mechanism(name) || only_pass_inside(name) || names_a_field(name))
    }

    /// [`judge::name_prefix`] of `name` (the one these facts are of).
    pub fn prefix(&self, name: &str) -> Option<&str> {
        self.prefix.get_or_init(|| judge::name_prefix(name)).as_deref()
    }
}

/// [`NameFacts`] by name.
#[derive(Default)]
pub(super) struct Names(std::collections::HashMap<String, NameFacts>);

/// Names a thread keeps judged between files (service models and schemas share most member
/// names); past this many it starts afresh, so memory stays flat in tree size.
const KEPT_NAMES: usize = 20_000;

thread_local! {
    static KEPT: std::cell::RefCell<Names> = std::cell::RefCell::default();
}

impl Names {
    /// The names this thread judged in earlier files (taken: [`Names::keep`] gives them back).
    pub fn taken() -> Names {
        KEPT.with(|k| std::mem::take(&mut *k.borrow_mut()))
    }

    /// Keeps the judged names for the thread's next file.
    pub fn keep(self) {
        if self.0.len() <= KEPT_NAMES {
            KEPT.with(|k| *k.borrow_mut() = self);
        }
    }

    /// The facts of `name`, judged on first sight.
    pub fn get(&mut self, name: &str) -> &NameFacts {
        if !self.0.contains_key(name) {
            let facts = NameFacts {
                secret: judge::is_secret_name(name),
                refused: std::cell::OnceCell::new(),
                alias: well_known(name),
                prefix: std::cell::OnceCell::new(),
                config_key: judge::config_key(name),
            };
            self.0.insert(name.to_string(), facts);
        }
        &self.0[name]
    }
}
