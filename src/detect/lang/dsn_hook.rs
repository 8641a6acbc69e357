//! Connection strings inside code literals: the one place the language engine asks for DSN
//! parsing. URL forms (`postgres://user:pass@host:5432/db`, JDBC `?user=…&password=…`) and
//! key/value forms (`host=… password=…`, `Server=…;Password=…;`) become a password secret with
//! user/host/port/dbname config parts sharing one scope.

use crate::detect::dsn;
use crate::detect::group::{Candidate, Role};
use crate::model::Span;

/// Splits a literal holding a connection string into grouped candidates. `span` covers `value`
/// byte for byte (callers pass only literals without escapes); `scope` is a file-unique id.
/// URL, JDBC and ODBC/ADO.NET forms are parsed by [`crate::detect::dsn`]; libpq's
/// space-separated `host=… password=…` form here.
pub fn candidates(value: &str, span: Span, scope: usize, scope_name: Option<String>) -> Vec<Candidate> {
    let parts: Vec<(&'static str, Span, String)> = match dsn::parse(value) {
        Some(d) => d.parts.into_iter().map(|p| (p.key, p.span, p.value)).collect(),
        None => kv_parts(value)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, s, e)| (k, Span::new(s, e), value[s..e].to_string()))
            .collect(),
    };
    if !parts.iter().any(|p| p.0 == "password") {
        return Vec::new();
    }
    let engine = parts.iter().find(|p| p.0 == "engine").map(|p| p.2.clone()).or_else(|| engine(value));
    parts
        .into_iter()
        .map(|(key, at, v)| {
            let role = if key == "password" { Role::Secret(key.into()) } else { Role::Config(key.into()) };
            let mut c = Candidate::new(key, v, Span::new(span.start + at.start, span.start + at.end))
                .with_role(role)
                .in_scope(scope, scope_name.clone());
            c.rule = Some(format!("dsn.{key}"));
            c.engine = engine.clone();
            c
        })
        .collect()
}

type Part = (&'static str, usize, usize);

/// `host=… port=… user=… password=… dbname=…` (libpq, space-separated) or
/// `Server=…;Database=…;User Id=…;Password=…;` (ADO.NET/ODBC, semicolon-separated), with an
/// optional PDO-style `mysql:` prefix.
fn kv_parts(v: &str) -> Option<Vec<Part>> {
    let lower = v.to_ascii_lowercase();
    if !lower.contains("password") && !lower.contains("pwd") {
        return None;
    }
    if !v.contains(';') {
        return libpq_parts(v);
    }
    if !v.contains(' ') && v.contains("://") {
        return None;
    }
    let mut parts = Vec::new();
    let mut at = 0;
    for item in v.split(';') {
        if let Some((k, val)) = item.split_once('=') {
            let k_trim = k.trim();
            let k_clean = k_trim.rsplit(':').next().unwrap_or(k_trim);
            let vs = at + k.len() + 1;
            let lead = val.len() - val.trim_start().len();
            let ve = vs + val.trim_end().len();
            if let Some(key) = kv_key(k_clean) {
                push(&mut parts, key, vs + lead, ve);
            }
        }
        at += item.len() + 1;
    }
    Some(parts)
}

/// libpq's conninfo grammar: `keyword = value` pairs separated by whitespace, spaces allowed
/// around `=`, a value either a word or single-quoted (`password='two words'`). A quoted value
/// with backslash escapes is left out: its bytes are not its value. `None` unless it holds a
/// `password` keyword.
fn libpq_parts(v: &str) -> Option<Vec<Part>> {
    let b = v.as_bytes();
    let mut parts = Vec::new();
    let mut i = 0;
    let mut saw_password = false;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let ks = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_:".contains(&b[i])) {
            i += 1;
        }
        let key = &v[ks..i];
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if key.is_empty() || b.get(i) != Some(&b'=') {
            // Not `keyword=`: skip the word (a prefix like `mysql:`, prose).
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        let (vs, ve, escaped) = if b.get(i) == Some(&b'\'') {
            let vs = i + 1;
            let mut j = vs;
            let mut escaped = false;
            while j < b.len() && b[j] != b'\'' {
                if b[j] == b'\\' {
                    escaped = true;
                    j += 1;
                }
                j += 1;
            }
            i = (j + 1).min(b.len());
            (vs, j.min(b.len()), escaped)
        } else {
            let vs = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            (vs, i, false)
        };
        let k_clean = key.rsplit(':').next().unwrap_or(key);
        if let Some(k) = kv_key(k_clean).filter(|_| !escaped) {
            saw_password |= k == "password";
            push(&mut parts, k, vs, ve);
        }
    }
    saw_password.then_some(parts)
}

fn kv_key(k: &str) -> Option<&'static str> {
    Some(match k.trim().to_ascii_lowercase().as_str() {
        "password" | "pwd" | "pass" | "passwd" => "password",
        "user" | "user id" | "userid" | "uid" | "username" | "user name" => "username",
        "host" | "server" | "data source" | "hostname" | "address" | "addr" => "host",
        "port" => "port",
        "dbname" | "database" | "initial catalog" | "db" => "dbname",
        _ => return None,
    })
}

fn push(parts: &mut Vec<Part>, key: &'static str, start: usize, end: usize) {
    if end > start {
        parts.push((key, start, end));
    }
}

fn engine(v: &str) -> Option<String> {
    let l = v.to_ascii_lowercase();
    let e = if l.starts_with("postgres") || l.contains(":postgresql:") || l.starts_with("pgsql:") {
        "postgres"
    } else if l.starts_with("mysql") || l.starts_with("mariadb") || l.contains(":mysql:") || l.contains(":mariadb:") {
        "mysql"
    } else if l.starts_with("mongodb") {
        "mongodb"
    } else if l.starts_with("redis") {
        "redis"
    } else if l.contains("sqlserver") || l.contains("server=") {
        "sqlserver"
    } else if l.contains("oracle") {
        "oracle"
    } else {
        return None;
    };
    Some(e.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: &str) -> Vec<(String, String)> {
        candidates(v, Span::new(0, v.len()), 1, None)
            .into_iter()
            .filter(|c| c.name != "engine")
            .map(|c| (c.name.clone(), v[c.span.start..c.span.end].to_string()))
            .collect()
    }

    #[test]
    fn url_and_key_value_forms() {
        let kv = |a: &[(&str, &str)]| a.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        assert_eq!(
            keys("postgresql+psycopg2://app:s3cret@db.internal:5432/orders?sslmode=require"),
            kv(&[
                ("username", "app"),
                ("password", "s3cret"),
                ("host", "db.internal"),
                ("port", "5432"),
                ("dbname", "orders")
            ])
        );
        assert_eq!(
            keys("jdbc:mysql://db:3306/shop?user=app&password=pw1"),
            kv(&[("host", "db"), ("port", "3306"), ("dbname", "shop"), ("username", "app"), ("password", "pw1")])
        );
        assert_eq!(
            keys("Server=sql1;Database=crm;User Id=sa;Password=Pa55;"),
            kv(&[("host", "sql1"), ("dbname", "crm"), ("username", "sa"), ("password", "Pa55")])
        );
        assert_eq!(
            keys("host=pg.q user = q password='two words' dbname=q"),
            kv(&[("host", "pg.q"), ("username", "q"), ("password", "two words"), ("dbname", "q")])
        );
        // An escaped quoted value isn't its bytes: no wrong span, nothing to group.
        assert!(keys("host=db password='it\\'s' dbname=x").is_empty());
        assert!(keys("https://example.com/path").is_empty());
        assert!(keys("redis://cache:6379/0").is_empty());
    }
}
