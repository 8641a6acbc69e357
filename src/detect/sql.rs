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

/// The words every statement holds (`identified` first: [`anchors`] tells them apart by index).
pub(crate) const KEYWORDS: [&str; 2] = ["identified", "password"];

/// Each alternative captures the value in `q` (quoted with `'`), `d` (quoted with `"`) or `w`
/// (a bare word, only after `IDENTIFIED BY`). Every match holds its anchor keyword (`identified`,
/// `password`), which [`window`] reads around.
fn pattern() -> String {
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
    format!("(?i)(?:{word})|(?:{identified})|(?:{with_password})|(?:{set_password})|(?:{function})")
}

/// The statement pattern, Unicode-aware (`\s`, `\w`, `\b`, case folding), for text that isn't ASCII.
static STATEMENT: LazyLock<Regex> = LazyLock::new(|| Regex::new(&pattern()).expect("static SQL pattern compiles"));

/// The same pattern with ASCII classes: on ASCII text (and ASCII context) it matches exactly what
/// [`STATEMENT`] does, compiles in a fraction of its time (a pre-commit hook pays it on the first
/// staged `password`) and never leaves the lazy DFA for the slow engine.
static STATEMENT_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::RegexBuilder::new(&pattern()).unicode(false).build().expect("static SQL pattern compiles")
});

/// The capture groups that hold the value.
const VALUE_GROUPS: [&str; 9] = ["q", "d", "w", "q2", "d2", "q3", "d3", "q4", "d4"];

/// Scope ids above every line offset, so a statement never shares a command line's scope.
const SCOPES: usize = usize::MAX / 2;

/// Candidates for the SQL statements in `text` (each statement its own scope).
pub fn candidates(text: &str) -> Vec<Candidate> {
    candidates_at(text, super::words::Hits::of(text).sql_keywords())
}

/// [`candidates`], given where [`KEYWORDS`] occur in `text` (`(is identified, start, end)`, in
/// order), found by a caller's own pass. The regex runs only over the windows around the keywords
/// that can anchor a statement ([`anchors`]), which hold every match the whole text has
/// ([`window`]); a file folding `ſ` into an `s` (Unicode case folding) is read whole, as before.
pub(crate) fn candidates_at(text: &str, keywords: impl IntoIterator<Item = (bool, usize, usize)>) -> Vec<Candidate> {
    let anchors: Vec<(usize, usize)> = anchors(text, keywords).collect();
    if anchors.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let whole = [(0, text.len())];
    let windows = if memchr::memmem::find(text.as_bytes(), "ſ".as_bytes()).is_some() {
        whole.to_vec()
    } else {
        windows(text, &anchors).unwrap_or_else(|| whole.to_vec())
    };
    for (start, end) in windows {
        // A match never ends past its window, so the haystack stops there; the bytes before
        // `start` stay its context (`\b`).
        let ascii = text.as_bytes()[start.saturating_sub(1)..end].is_ascii();
        let mut at = start;
        while at < end {
            let found = if ascii {
                STATEMENT_ASCII.captures_at(&text.as_bytes()[..end], at).map(|c| {
                    let whole = c.get(0).expect("match").end();
                    let w = c.name("w").is_some();
                    (whole, VALUE_GROUPS.iter().find_map(|g| c.name(g)).map(|m| (m.start(), m.end())), w)
                })
            } else {
                STATEMENT.captures_at(&text[..end], at).map(|c| {
                    let whole = c.get(0).expect("match").end();
                    let w = c.name("w").is_some();
                    (whole, VALUE_GROUPS.iter().find_map(|g| c.name(g)).map(|m| (m.start(), m.end())), w)
                })
            };
            let Some((next, value, bare)) = found else { break };
            at = next;
            let Some((vs, ve)) = value else { continue };
            let v = &text[vs..ve];
            if is_hash(v) || is_parameter(v) || bare && bare_keyword(v) {
                continue;
            }
            out.push(
                Candidate::new("password", v, Span::new(vs, ve)).with_role(Role::ByName).in_scope(SCOPES + vs, None),
            );
        }
    }
    out
}

/// The merged windows around `anchors`, in order; `None` when reading them would cost more than
/// reading the whole text (long runs of keywords or blanks).
fn windows(text: &str, anchors: &[(usize, usize)]) -> Option<Vec<(usize, usize)>> {
    let mut budget = 8 * text.len() + 65_536;
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &(s, e) in anchors {
        let (ws, we) = window(text, s, e, &mut budget)?;
        match out.last_mut() {
            Some(last) if ws <= last.1 => last.1 = last.1.max(we),
            _ => out.push((ws, we)),
        }
    }
    // Windows of later anchors may start before earlier ones end: merge again in start order.
    out.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(out.len());
    for (ws, we) in out {
        match merged.last_mut() {
            Some(last) if ws <= last.1 => last.1 = last.1.max(we),
            _ => merged.push((ws, we)),
        }
    }
    Some(merged)
}

/// Bytes of a run of non-blank characters a window crosses: more than any whole word a statement
/// holds between blanks (a name of up to 128 characters is at most 512 bytes).
const RUN: usize = 600;

/// A span of `text` holding every match of the statement pattern that holds the keyword at
/// `[s, e)`, by the pattern's shape: before a keyword at most four blank-separated words
/// (`login <name> with unencrypted password`), the first maybe the tail of a longer run
/// (`master_`, `x.user`); after it at most four words up to a value's or a `FOR` account's opening,
/// 128 characters of it, four words more (`= password(`) and a quoted value of up to 128
/// characters. Blank runs are crossed whole (`\s+`); a longer non-blank run after the keyword
/// (an unbounded `\w+`) makes the window run to the end of the text.
fn window(text: &str, s: usize, e: usize, budget: &mut usize) -> Option<(usize, usize)> {
    let mut start = s;
    for _ in 0..4 {
        let before = back_blanks(text, start);
        let (at, capped) = back_run(text, before);
        *budget = budget.checked_sub(start - at)?;
        start = at;
        if capped || at == 0 {
            break;
        }
    }
    let mut end = e;
    for round in 0..2 {
        for _ in 0..4 {
            let after = fwd_blanks(text, end);
            let Some(at) = fwd_run(text, after) else { return Some((start, text.len())) };
            *budget = budget.checked_sub(at - end)?;
            end = at;
        }
        let at = text[end..].char_indices().nth(130).map_or(text.len(), |(i, _)| end + i);
        *budget = budget.checked_sub(at - end)?;
        end = at;
        if round == 0 && end == text.len() {
            break;
        }
    }
    Some((start, end))
}

/// The start of the run of (Unicode) blanks ending at `i`.
fn back_blanks(text: &str, i: usize) -> usize {
    text[..i].char_indices().rev().find(|(_, c)| !c.is_whitespace()).map_or(0, |(p, c)| p + c.len_utf8())
}

/// The start of the run of non-blanks ending at `i`, at most [`RUN`] bytes back (true: it goes on).
fn back_run(text: &str, i: usize) -> (usize, bool) {
    let mut at = i;
    for (p, c) in text[..i].char_indices().rev() {
        if c.is_whitespace() {
            return (at, false);
        }
        at = p;
        if i - at > RUN {
            return (at, true);
        }
    }
    (at, false)
}

/// The end of the run of blanks starting at `i`.
fn fwd_blanks(text: &str, i: usize) -> usize {
    text[i..].char_indices().find(|(_, c)| !c.is_whitespace()).map_or(text.len(), |(p, _)| i + p)
}

/// The end of the run of non-blanks starting at `i`; `None` when it is longer than [`RUN`] bytes.
fn fwd_run(text: &str, i: usize) -> Option<usize> {
    for (p, c) in text[i..].char_indices() {
        if c.is_whitespace() {
            return Some(i + p);
        }
        if p > RUN {
            return None;
        }
    }
    Some(text.len())
}

/// The keywords that can anchor a statement, as `(start, end)`: an `identified`, or a `password`
/// standing where one of the statements puts it — after whitespace or `_ = , (` and before
/// `= ( ' "` or, after `SET `, whitespace. Service models and code name passwords everywhere
/// (`"Password":{`, `self.password`) without a statement; the regex doesn't read around those. A
/// necessary condition of every alternative's own keyword: non-ASCII bytes (Unicode whitespace)
/// count as whitespace.
fn anchors<'a>(
    text: &'a str,
    keywords: impl IntoIterator<Item = (bool, usize, usize)> + 'a,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let b = text.as_bytes();
    let ws = |c: u8| c.is_ascii_whitespace() || c == 0x0b || c >= 0x80;
    let skip_ws = move |mut i: usize| {
        while i < b.len() && ws(b[i]) {
            i += 1;
        }
        i
    };
    keywords
        .into_iter()
        .filter(move |&(identified, start, end)| {
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
        .map(|(_, s, e)| (s, e))
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
        anchors(t, crate::detect::words::Hits::scan(t).sql_keywords()).next().is_some()
    }

    /// The statement regex over the whole text, as before windows: what the windows must match.
    fn whole(t: &str) -> Vec<(usize, usize)> {
        if !gate(t) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for caps in STATEMENT.captures_iter(t) {
            let Some(m) = VALUE_GROUPS.iter().find_map(|g| caps.name(g)) else { continue };
            let v = m.as_str();
            if is_hash(v) || is_parameter(v) || caps.name("w").is_some() && bare_keyword(v) {
                continue;
            }
            out.push((m.start(), m.end()));
        }
        out
    }

    fn spans(t: &str) -> Vec<(usize, usize)> {
        candidates(t).iter().map(|c| (c.span.start, c.span.end)).collect()
    }

    #[test]
    fn windows_find_what_the_whole_text_does() {
        let statements = [
            "SQL> alter user sys identified by Welc0me1 container=all;",
            "ALTER USER 'root'@'localhost' IDENTIFIED WITH mysql_native_password BY 'n3w-pw';",
            "CREATE USER app WITH PASSWORD 'Zq9-app';",
            "CREATE LOGIN web WITH PASSWORD = 'W3b!pw'",
            "create role r with unencrypted password 'let me in';",
            "update user set password=password('r00tpw') where user='root'",
            "SET PASSWORD FOR 'bob'@'%' = 'b0bpw';",
            "set password for 'a b c d e f g h'@'host' = password ( 'x y' );",
            "change master to master_user='repl',master_password='r3pl';",
            "create user app with\u{a0}password 'x';",
            "CREATE USER\n  app\n  WITH\n\n  PASSWORD\n  'multi line';",
            "create user é identified by 'ü-pw';",
            "CREATE USER a IDENTIFIED BY PASSWORD '*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9';",
            "x = password('abc') + password ('def')",
            "user password identified by password identified by 'pw'",
            "create user paſſword identified by 'long-s'",
        ];
        let fillers = ["", " ", "\n", "x", "password ", "identified ", "\u{3000}", "naïve ", "'", "=", "(", ";"];
        let long = "y".repeat(700);
        let blanks = " ".repeat(3000);
        for a in statements {
            for f in fillers {
                for b in statements.iter().step_by(3) {
                    for t in [
                        format!("{a}{f}{b}"),
                        format!("{f}{a}{f}"),
                        format!("{long}{f}{a}{long}{b}"),
                        format!("{a}{blanks}{b}{f}"),
                        format!("user x identified with {long} by 'w'{f}{a}"),
                    ] {
                        assert_eq!(spans(&t), whole(&t), "{t:?}");
                    }
                }
            }
        }
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
