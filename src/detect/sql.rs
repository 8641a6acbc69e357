//! Passwords in SQL statements, wherever they are written (`.sql`, docs, shell heredocs, code
//! strings, comments): `CREATE USER u IDENTIFIED BY 'pw'` (quoted or Oracle's bare word),
//! `IDENTIFIED WITH plugin BY 'pw'`, PostgreSQL/SQL Server `CREATE|ALTER USER|ROLE|LOGIN u [WITH]
//! PASSWORD [=] 'pw'`, MySQL `SET PASSWORD … = 'pw'`, `PASSWORD('pw')` and replication's
//! `MASTER_PASSWORD = 'pw'`. Hashes (`IDENTIFIED BY PASSWORD '*…'`, `IDENTIFIED … AS '…'`,
//! `ENCRYPTED PASSWORD 'md5…'`/`SCRAM-SHA-256$…`) and bind parameters are not values. One regex pass
//! (linear), behind a keyword check.

use super::group::{Candidate, Role};
use crate::model::Span;
use regex::Regex;
use std::sync::LazyLock;

/// The words every statement holds (`identified` first: [`worth_matching`] tells them apart by index).
pub(crate) const KEYWORDS: [&str; 2] = ["identified", "password"];

/// Each alternative captures the value in `q` (quoted with `'`), `d` (quoted with `"`) or `w`
/// (a bare word, only after `IDENTIFIED BY`).
static STATEMENT: LazyLock<Regex> = LazyLock::new(|| {
    let val = r#"(?:'(?P<q>[^'\n]{1,128})'|"(?P<d>[^"\n]{1,128})")"#;
    // Oracle's unquoted password, only in a `… USER name IDENTIFIED BY word` statement.
    let word = r"\buser\s+[^\s;]{1,128}\s+identified\s+by\s+(?P<w>[A-Za-z0-9_!#%^&*+.~-]{1,64})";
    let qval = r#"(?:'(?P<q2>[^'\n]{1,128})'|"(?P<d2>[^"\n]{1,128})")"#;
    let qval3 = r#"(?:'(?P<q3>[^'\n]{1,128})'|"(?P<d3>[^"\n]{1,128})")"#;
    let qval4 = r#"(?:'(?P<q4>[^'\n]{1,128})'|"(?P<d4>[^"\n]{1,128})")"#;
    let identified = format!(r"\bidentified\s+(?:with\s+\w+\s+)?by\s+{val}");
    let with_password = format!(
        r"\b(?:user|role|login)\s+[^\s;]{{1,128}}\s+(?:with\s+)?(?:(?:encrypted|unencrypted)\s+)?password\s*=?\s*{qval}"
    );
    let set_password = format!(r"\bset\s+password\s+(?:for\s+[^=\n]{{1,128}})?=\s*(?:password\s*\(\s*)?{qval3}");
    let function = format!(r"(?:\bmaster_password\s*=\s*|[=,(]\s*password\s*\(\s*){qval4}");
    Regex::new(&format!("(?i)(?:{word})|(?:{identified})|(?:{with_password})|(?:{set_password})|(?:{function})"))
        .expect("static SQL pattern compiles")
});

/// Scope ids above every line offset, so a statement never shares a command line's scope.
const SCOPES: usize = usize::MAX / 2;

/// Candidates for the SQL statements in `text` (each statement its own scope).
pub fn candidates(text: &str) -> Vec<Candidate> {
    candidates_at(text, super::words::Hits::of(text).sql_keywords())
}

/// [`candidates`], given where [`KEYWORDS`] occur in `text` (`(is identified, start, end)`, in
/// order), found by a caller's own pass.
pub(crate) fn candidates_at(text: &str, keywords: impl IntoIterator<Item = (bool, usize, usize)>) -> Vec<Candidate> {
    if !worth_matching(text, keywords) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for caps in STATEMENT.captures_iter(text) {
        let Some(m) = ["q", "d", "w", "q2", "d2", "q3", "d3", "q4", "d4"].iter().find_map(|g| caps.name(g)) else {
            continue;
        };
        let v = m.as_str();
        if is_hash(v) || is_parameter(v) || caps.name("w").is_some() && bare_keyword(v) {
            continue;
        }
        out.push(
            Candidate::new("password", v, Span::new(m.start(), m.end()))
                .with_role(Role::ByName)
                .in_scope(SCOPES + m.start(), None),
        );
    }
    out
}

/// The gate before the statement regex (a Unicode pattern that falls back to a slow engine on
/// non-ASCII text): an `identified`, or a `password` standing where one of the statements puts it —
/// after whitespace or `_ = , (` and before `= ( ' "` or, after `SET `, whitespace. Service models
/// and code name passwords everywhere (`"Password":{`, `self.password`) without a statement; those
/// files no longer run the regex. A necessary condition of every alternative: non-ASCII bytes
/// (Unicode whitespace) count as whitespace.
fn worth_matching(text: &str, keywords: impl IntoIterator<Item = (bool, usize, usize)>) -> bool {
    let b = text.as_bytes();
    let ws = |c: u8| c.is_ascii_whitespace() || c == 0x0b || c >= 0x80;
    let skip_ws = |mut i: usize| {
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        i
    };
    keywords.into_iter().any(|(identified, start, end)| {
        if identified {
            return true;
        }
        let Some(&prev) = start.checked_sub(1).and_then(|i| b.get(i)) else { return false };
        let after = skip_ws(end);
        let next = b.get(after).copied();
        let value_follows = || {
            // `password\s*=?\s*['"]` (CREATE/ALTER USER … PASSWORD 'x')
            let i = if next == Some(b'=') { skip_ws(after + 1) } else { after };
            matches!(b.get(i), Some(b'\'' | b'"'))
        };
        let after_set = || {
            // `SET\s+PASSWORD\s+…=`
            let mut i = start;
            while i > 0 && ws(b[i - 1]) {
                i -= 1;
            }
            i >= 3 && (b[i - 3..i].eq_ignore_ascii_case(b"set") || b[i - 3..i].iter().any(|&c| c >= 0x80))
        };
        (ws(prev) && (value_follows() || (after > end && after_set())))
            || (prev == b'_' && next == Some(b'='))
            || ((ws(prev) || matches!(prev, b'=' | b',' | b'(')) && next == Some(b'('))
    })
}

/// A stored hash, not the password: MySQL `*` + 40 hex, PostgreSQL `md5` + 32 hex, SCRAM.
fn is_hash(v: &str) -> bool {
    let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
    v.strip_prefix('*').is_some_and(|h| hex(h, 40))
        || v.strip_prefix("md5").is_some_and(|h| hex(h, 32))
        || v.starts_with("SCRAM-SHA-256$")
}

/// A bind parameter or a string being built (`?`, `%s`, `:pw`, `@pw`, `' + pw + '`), not a value.
fn is_parameter(v: &str) -> bool {
    v == "?"
        || v.starts_with('%')
        || v.starts_with(':')
        || v.starts_with('@')
        || v.starts_with('$')
        || v.contains(" + ")
        || v.contains(" . ")
        || v.contains("||")
        || v.starts_with('+')
        || v.ends_with('+')
}

/// A bare word after `IDENTIFIED BY` that is SQL, not a password (`BY PASSWORD '*…'`, `BY VALUES`).
fn bare_keyword(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "password" | "values" | "random" | "externally" | "globally")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(t: &str) -> Vec<String> {
        candidates(t).into_iter().map(|c| c.value.expose().to_string()).collect()
    }

    #[test]
    fn statements() {
        assert_eq!(values("SQL> alter user sys identified by Welc0me1 container=all;"), ["Welc0me1"]);
        assert_eq!(
            values("ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY 'n3w-pw';"),
            ["n3w-pw"]
        );
        assert_eq!(values("CREATE USER app WITH PASSWORD 'Zq9-app';"), ["Zq9-app"]);
        assert_eq!(values("CREATE LOGIN web WITH PASSWORD = 'W3b!pw'"), ["W3b!pw"]);
        assert_eq!(values("update user set password=password('r00tpw') where user='root'"), ["r00tpw"]);
        assert_eq!(values("SET PASSWORD FOR 'bob'@'%' = 'b0bpw';"), ["b0bpw"]);
        assert_eq!(values("change master to master_user='repl',master_password='r3pl';"), ["r3pl"]);
    }

    fn gate(t: &str) -> bool {
        worth_matching(t, crate::detect::words::Hits::scan(t).sql_keywords())
    }

    #[test]
    fn the_gate_passes_every_statement_and_skips_names_without_one() {
        for t in [
            "SQL> alter user sys identified by Welc0me1 container=all;",
            "CREATE USER app WITH PASSWORD 'Zq9-app';",
            "CREATE LOGIN web WITH PASSWORD = 'W3b!pw'",
            "create user app with\u{a0}password 'x';",
            "update user set password=password('r00tpw') where user='root'",
            "SET PASSWORD FOR 'bob'@'%' = 'b0bpw';",
            "set  password = 'b0bpw';",
            "change master to master_user='repl',master_password='r3pl';",
        ] {
            assert!(gate(t), "{t}");
        }
        for t in [
            r#"{"Password":{"shape":"SensitiveString","documentation":"<p>The password for the user.</p>"}}"#,
            "self.password = password\nif not password_ok(user):",
            "def login(user, password):",
        ] {
            assert!(!gate(t), "{t}");
            assert!(STATEMENT.captures_iter(t).next().is_none(), "{t}");
        }
    }

    #[test]
    fn hashes_and_parameters_are_not_values() {
        for t in [
            "CREATE USER a IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9';",
            "CREATE USER a IDENTIFIED WITH caching_sha2_password AS '$A$005$x';",
            "ALTER ROLE a WITH ENCRYPTED PASSWORD 'md53175bce1d3201d16594cebf9d7eb3f9d';",
            "cur.execute(\"CREATE USER a WITH PASSWORD '\" + pw + \"'\")",
            "ALTER USER a IDENTIFIED BY ?",
            "CREATE USER a WITH PASSWORD %s",
        ] {
            assert!(values(t).is_empty(), "{t}: {:?}", values(t));
        }
    }
}
