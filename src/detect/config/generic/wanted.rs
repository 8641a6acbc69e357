//! Which names the tolerant tokenizer keeps: a credential name ([`judge::is_secret_name`]) or a
//! config companion's ([`judge::config_key`]). Both split the name into words, allocating, and
//! the tokenizer asks about every name before a `=` or `:` of every line it reads (`let x =`,
//! `x: u32`, `width: 3`), so two byte checks that every kept name passes come first: a credential
//! name holds a line-gate word (the invariant [`super::gate_lines`] rests on), a companion's name
//! ends in the last word `config_key` reads. Debug builds check both against the judge on every
//! call, so a word the judge learns without the gate is caught by any test that reaches it.

use crate::detect::{judge, words};
use std::sync::LazyLock;

/// True when the tokenizer keeps a pair named `name`: exactly
/// `judge::is_secret_name(name) || judge::config_key(name).is_some()`.
pub(super) fn wanted(name: &str) -> bool {
    let (secret_word, config_word) = (may_name_secret(name), may_name_config(name));
    debug_assert!(
        secret_word || !judge::is_secret_name(name),
        "{name:?} is a credential name without a line-gate word: add its word to config::PREFILTER"
    );
    debug_assert!(
        config_word || judge::config_key(name).is_none(),
        "{name:?} is a config name whose last word CONFIG_ENDS lacks"
    );
    secret_word && judge::is_secret_name(name) || config_word && judge::config_key(name).is_some()
}

/// The line-gate words ([`words::LINE`]) a name can hold (names are ASCII key bytes: no
/// `://`, `basic `, `data source`), and `mot` (`mot`/`de` is a credential pair in the judge;
/// `motDe` holds no gate word), indexed by their first byte.
static SECRET_WORDS: LazyLock<Vec<Vec<&'static [u8]>>> = LazyLock::new(|| {
    let mut by_first = vec![Vec::new(); 256];
    let key_word = |w: &str| w.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
    let gate = words::WORDS.iter().filter(|(w, class)| class & words::LINE != 0 && key_word(w)).map(|(w, _)| *w);
    for w in gate.chain(["mot"]) {
        by_first[usize::from(w.as_bytes()[0])].push(w.as_bytes());
    }
    by_first
});

/// The last words [`judge::config_key`] maps (`dbname`, `hostname`, `username` end in `name`;
/// `accountid` in `id`).
const CONFIG_ENDS: &[&str] = &[
    "host", "name", "server", "addr", "address", "port", "user", "login", "uid", "db", "database", "schema", "engine",
    "dialect", "driver", "region", "account", "id",
];

/// False when `name` holds no word a credential name holds (ASCII case-insensitive).
fn may_name_secret(name: &str) -> bool {
    let b = name.as_bytes();
    (0..b.len()).any(|i| {
        SECRET_WORDS[usize::from(b[i].to_ascii_lowercase())]
            .iter()
            .any(|w| b[i..].get(..w.len()).is_some_and(|s| s.eq_ignore_ascii_case(w)))
    })
}

/// False when the last word of `name` (the words end at its last alphanumeric byte) can't be one
/// [`judge::config_key`] maps.
fn may_name_config(name: &str) -> bool {
    let b = name.trim_end_matches(|c: char| !c.is_alphanumeric()).as_bytes();
    CONFIG_ENDS.iter().any(|e| b.len() >= e.len() && b[b.len() - e.len()..].eq_ignore_ascii_case(e.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names from the judge's vocabulary and beside it, in every case and separator style.
    fn names() -> Vec<String> {
        let parts = [
            "password",
            "passwd",
            "pwd",
            "pass",
            "passphrase",
            "secret",
            "token",
            "apikey",
            "api",
            "key",
            "credential",
            "credentials",
            "creds",
            "authorization",
            "auth",
            "passe",
            "privatekey",
            "private",
            "signingkey",
            "signing",
            "accesskey",
            "access",
            "clientsecret",
            "client",
            "webhook",
            "passwort",
            "kennwort",
            "motdepasse",
            "mot",
            "de",
            "mdp",
            "contrasena",
            "senha",
            "wachtwoord",
            "parola",
            "encryption",
            "master",
            "app",
            "license",
            "session",
            "validation",
            "decryption",
            "hmac",
            "jwt",
            "host",
            "hostname",
            "server",
            "addr",
            "address",
            "port",
            "user",
            "username",
            "login",
            "uid",
            "db",
            "database",
            "dbname",
            "schema",
            "engine",
            "dialect",
            "driver",
            "region",
            "account",
            "accountid",
            "id",
            "name",
            "file",
            "url",
            "env",
            "var",
            "store",
            "manager",
            "value",
            "prod",
            "old",
            "v4",
            "x",
            "width",
            "self",
            "len",
            "my",
            "2",
            "data",
            "source",
        ];
        let mut out = Vec::new();
        for a in parts {
            out.push(a.to_string());
            for b in parts {
                for sep in ["_", "-", ".", ""] {
                    out.push(format!("{a}{sep}{b}"));
                    out.push(format!("{a}{sep}{b}").to_ascii_uppercase());
                    if sep.len() == 1 {
                        continue;
                    }
                    for c in ["key", "secret", "de", "name", "id", "value", "_", "1"] {
                        out.push(format!("{a}_{b}_{c}"));
                    }
                }
                let mut camel = b.to_string();
                camel[..1].make_ascii_uppercase();
                out.push(format!("{a}{camel}"));
                out.push(format!("{a}{camel}Key"));
                out.push(format!("_{a}{camel}_"));
            }
        }
        out
    }

    #[test]
    fn the_byte_checks_keep_every_name_the_judge_keeps() {
        let all = names();
        let mut kept = 0;
        for n in &all {
            let slow = judge::is_secret_name(n) || judge::config_key(n).is_some();
            assert_eq!(wanted(n), slow, "{n}");
            kept += usize::from(slow);
        }
        // Both kinds occur, and most names are passed by the byte checks alone.
        assert!(kept > 10_000 && all.len() - kept > 10_000, "{kept} of {}", all.len());
        let quick = ["x", "width", "self_len", "fooBar", "u32", "a.b.c"];
        assert!(quick.iter().all(|n| !may_name_secret(n) && !may_name_config(n)));
        assert!(may_name_secret("motDe") && judge::is_secret_name("motDe"));
    }
}
