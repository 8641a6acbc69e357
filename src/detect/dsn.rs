//! Connection strings: database/broker URLs (also JDBC and SQLAlchemy `+driver` schemes), URLs with
//! `user:password@` credentials, and ODBC/ADO.NET `Key=Value;` strings. The password is the secret;
//! user, host, port, database and engine are config values found inside the same string.

use crate::model::{Detection, Kind, SecretValue, Severity, Span};

/// One component of a connection string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// JSON key: `password`, `username`, `host`, `port`, `dbname`, `engine`.
    pub key: &'static str,
    /// Bytes of the component inside the parsed text (offsets relative to it).
    pub span: Span,
    /// Decoded value (percent-decoded for URLs; the engine normalised: `postgres`, `mysql`…).
    pub value: String,
}

/// A parsed connection string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dsn {
    /// Its components, in text order.
    pub parts: Vec<Part>,
}

impl Dsn {
    /// The component with `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Part> {
        self.parts.iter().find(|p| p.key == key)
    }

    /// True when it carries a password.
    pub fn has_password(&self) -> bool {
        self.get("password").is_some()
    }
}

/// Parses a connection string that makes up the whole of `text` (surrounding whitespace allowed).
/// `None` when it is not one or has nothing hoist groups (no host, no user, no password).
pub fn parse(text: &str) -> Option<Dsn> {
    let lead = text.len() - text.trim_start().len();
    let t = text.trim();
    let dsn = if t.contains("://") || t.to_ascii_lowercase().starts_with("jdbc:") {
        parse_url(t)?
    } else if t.contains(';') && t.contains('=') {
        parse_keyvalue(t)?
    } else {
        return None;
    };
    let mut dsn = dsn;
    for p in &mut dsn.parts {
        p.span = Span::new(p.span.start + lead, p.span.end + lead);
    }
    (dsn.has_password() || dsn.get("host").is_some()).then_some(dsn)
}

/// Detections for a connection string at byte offset `base` of a file: the password as a secret,
/// the other components as config, all in one group labelled `group`. `None` unless it carries a
/// real (non-template, non-placeholder) password.
pub fn detections(text: &str, base: usize, name: Option<&str>, group: &str) -> Option<Vec<Detection>> {
    let dsn = parse(text)?;
    let pw = dsn.get("password")?;
    if !crate::detect::judge::is_literal_value(&pw.value) {
        return None;
    }
    // As written (not percent-decoded): `%s:%s@`, `foo:bar@`, `…@db.example.com` are no credential.
    let raw = |key: &str| dsn.get(key).and_then(|p| text.get(p.span.start..p.span.end)).unwrap_or("");
    if t_is_url(text) && crate::detect::judge::url::is_fake_userinfo(raw("username"), raw("password"), raw("host")) {
        return None;
    }
    Some(
        dsn.parts
            .iter()
            .map(|p| Detection {
                rule: if p.key == "password" { "dsn.password".into() } else { format!("dsn.{}", p.key) },
                kind: if p.key == "password" { Kind::Secret } else { Kind::Config },
                span: Span::new(base + p.span.start, base + p.span.end),
                value: SecretValue::new(p.value.clone()),
                name: name.map(str::to_string),
                group: Some(group.to_string()),
                key: Some(p.key.to_string()),
                deploy: None,
                severity: Severity::Medium,
            })
            .collect(),
    )
}

/// True for the URL forms (`scheme://`, `jdbc:`), whose userinfo [`judge::url`](crate::detect::judge::url) judges.
fn t_is_url(text: &str) -> bool {
    let t = text.trim();
    t.contains("://") || t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("jdbc:"))
}

/// Detections for a string literal found in code at byte offset `base`: a connection string with a
/// password, grouped under a label derived from its position. For the code detectors.
pub fn parse_dsn(text: &str, base: usize) -> Option<Vec<Detection>> {
    detections(text, base, None, &format!("dsn@{base}"))
}

/// The engine name the rotation functions use, from a URL scheme (`postgresql+psycopg2` →
/// `postgres`), or `None` for schemes that aren't a database or broker.
pub fn engine_of(scheme: &str) -> Option<&'static str> {
    let s = scheme.to_ascii_lowercase();
    let base = s.split('+').next().unwrap_or("");
    Some(match base {
        "postgres" | "postgresql" | "pgsql" | "psql" | "postgis" => "postgres",
        "mysql" | "mysqlx" => "mysql",
        "mariadb" => "mariadb",
        "mongodb" | "mongo" => "mongo",
        "redis" | "rediss" => "redis",
        "amqp" | "amqps" => "amqp",
        "mssql" | "sqlserver" => "sqlserver",
        "oracle" => "oracle",
        "redshift" => "redshift",
        "db2" => "db2",
        "cockroachdb" => "postgres",
        "clickhouse" => "clickhouse",
        "memcached" => "memcached",
        _ => return None,
    })
}

fn part(key: &'static str, start: usize, end: usize, value: String) -> Part {
    Part { key, span: Span::new(start, end), value }
}

/// `scheme://user:pass@host:port/db?user=…&password=…`, `jdbc:` prefixed, or Oracle thin
/// `jdbc:oracle:thin:user/pass@host:port:sid`.
fn parse_url(t: &str) -> Option<Dsn> {
    let mut parts = Vec::new();
    let mut pos = 0;
    if t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("jdbc:")) {
        pos = 5;
        if t[pos..].to_ascii_lowercase().starts_with("oracle:thin:") {
            return parse_oracle_thin(t, pos);
        }
    }
    let sep = pos + t[pos..].find("://")?;
    let scheme = &t[pos..sep];
    if scheme.is_empty() || !scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.:".contains(c)) {
        return None;
    }
    // `jdbc:mysql:loadbalance://` and friends: the engine is the first segment.
    let engine_word = scheme.split(':').next().unwrap_or(scheme);
    let engine = engine_of(engine_word);
    if let Some(e) = engine {
        parts.push(part("engine", pos, pos + engine_word.len(), e.to_string()));
    }
    let auth_start = sep + 3;
    let rest = &t[auth_start..];
    let auth_end = auth_start + rest.find(['/', '?', '#', ';']).unwrap_or(rest.len());
    let authority = &t[auth_start..auth_end];
    // The last `@` ends the userinfo: passwords may contain a raw `@`.
    let host_start = match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let (user, pass) = match userinfo.find(':') {
                Some(c) => (&userinfo[..c], Some((c + 1, &userinfo[c + 1..]))),
                None => (userinfo, None),
            };
            if !user.is_empty() {
                parts.push(part("username", auth_start, auth_start + user.len(), percent_decode(user)));
            }
            if let Some((off, p)) = pass.filter(|(_, p)| !p.is_empty()) {
                let s = auth_start + off;
                parts.push(part("password", s, s + p.len(), percent_decode(p)));
            }
            auth_start + at + 1
        }
        None => auth_start,
    };
    // Only the first host of a list (`h1:27017,h2:27017`) is a single host value.
    let hosts = &t[host_start..auth_end];
    let first = &hosts[..hosts.find(',').unwrap_or(hosts.len())];
    let (host, port) = split_host_port(first);
    if !host.is_empty() {
        parts.push(part("host", host_start, host_start + host.len(), host.to_string()));
    }
    if let Some(p) = port {
        let s = host_start + host.len() + 1;
        parts.push(part("port", s, s + p.len(), p.to_string()));
    }
    let mut i = auth_end;
    if t[i..].starts_with('/') {
        let path = &t[i + 1..];
        let end = path.find(['/', '?', '#', ';']).unwrap_or(path.len());
        let db = &path[..end];
        if !db.is_empty() && engine.is_some_and(|e| e != "redis" && e != "amqp") {
            parts.push(part("dbname", i + 1, i + 1 + db.len(), percent_decode(db)));
        }
        i += 1 + end;
    }
    // Query or JDBC `;key=value` parameters.
    let params_start = i + t[i..].find(['?', ';']).map(|x| x + 1).unwrap_or(t.len() - i);
    if params_start < t.len() {
        params(t, params_start, &['&', ';'], &mut parts);
    }
    if engine.is_none() && !parts.iter().any(|p| p.key == "password") {
        return None;
    }
    parts.sort_by_key(|p| p.span.start);
    Some(Dsn { parts })
}

fn parse_oracle_thin(t: &str, pos: usize) -> Option<Dsn> {
    let body = pos + "oracle:thin:".len();
    let mut parts = vec![part("engine", pos, pos + 6, "oracle".into())];
    let rest = &t[body..];
    let at = rest.rfind('@')?;
    if let Some(slash) = rest[..at].find('/') {
        parts.push(part("username", body, body + slash, rest[..slash].to_string()));
        parts.push(part("password", body + slash + 1, body + at, rest[slash + 1..at].to_string()));
    }
    let hs = body + at + 1;
    let host_text = t[hs..].trim_start_matches('/');
    let hs = t.len() - host_text.len();
    let end = host_text.find([':', '/']).unwrap_or(host_text.len());
    if end > 0 {
        parts.push(part("host", hs, hs + end, host_text[..end].to_string()));
    }
    if host_text[end..].starts_with(':') {
        let p = &host_text[end + 1..];
        let pe = p.find(|c: char| !c.is_ascii_digit()).unwrap_or(p.len());
        if pe > 0 {
            parts.push(part("port", hs + end + 1, hs + end + 1 + pe, p[..pe].to_string()));
        }
    }
    Some(Dsn { parts })
}

fn split_host_port(s: &str) -> (&str, Option<&str>) {
    if s.starts_with('[') {
        // IPv6 literal.
        let close = s.find(']').map(|c| c + 1).unwrap_or(s.len());
        let port = s[close..].strip_prefix(':').filter(|p| !p.is_empty());
        return (&s[..close], port);
    }
    match s.rfind(':') {
        Some(c) if s[c + 1..].chars().all(|ch| ch.is_ascii_digit()) && c + 1 < s.len() => (&s[..c], Some(&s[c + 1..])),
        _ => (s, None),
    }
}

/// `key=value` parameters separated by `seps` from `start` on, mapped to JSON keys.
fn params(t: &str, start: usize, seps: &[char], parts: &mut Vec<Part>) {
    let mut off = start;
    for item in t[start..].split(|c| seps.contains(&c)) {
        if let Some(eq) = item.find('=') {
            let k = item[..eq].trim().to_ascii_lowercase();
            let v = &item[eq + 1..];
            let key = match k.as_str() {
                "user" | "username" | "user id" | "userid" | "uid" | "user name" => "username",
                "password" | "pass" | "pwd" | "passwd" => "password",
                "database" | "databasename" | "dbname" | "initial catalog" => "dbname",
                _ => "",
            };
            if !key.is_empty() && !v.is_empty() && !parts.iter().any(|p| p.key == key) {
                let s = off + eq + 1;
                parts.push(part(key, s, s + v.len(), percent_decode(v)));
            }
        }
        off += item.len() + 1;
    }
}

/// ODBC / ADO.NET / Npgsql: `Server=tcp:h,1433;Database=d;User Id=u;Password=p;`.
fn parse_keyvalue(t: &str) -> Option<Dsn> {
    let mut parts = Vec::new();
    let mut engine: Option<&'static str> = None;
    let mut keys = Vec::new();
    let mut off = 0;
    for item in split_kv(t) {
        let Some(eq) = item.find('=') else {
            off += item.len() + 1;
            continue;
        };
        let k = item[..eq].trim().to_ascii_lowercase();
        let raw = &item[eq + 1..];
        let lead = raw.len() - raw.trim_start().len();
        let mut v = raw.trim();
        let mut s = off + eq + 1 + lead;
        if v.len() >= 2
            && (v.starts_with('"') && v.ends_with('"')
                || v.starts_with('\'') && v.ends_with('\'')
                || v.starts_with('{') && v.ends_with('}'))
        {
            v = &v[1..v.len() - 1];
            s += 1;
        }
        let e = s + v.len();
        keys.push(k.clone());
        match k.as_str() {
            "server" | "data source" | "host" | "address" | "addr" | "network address" | "hostname" => {
                let hv = v.strip_prefix("tcp:").unwrap_or(v);
                let hs = s + (v.len() - hv.len());
                let cut = hv.find([',', ':']).unwrap_or(hv.len());
                if cut > 0 {
                    parts.push(part("host", hs, hs + cut, hv[..cut].to_string()));
                }
                let port = &hv[(cut + 1).min(hv.len())..];
                if cut < hv.len() && !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) {
                    parts.push(part("port", hs + cut + 1, e, port.to_string()));
                }
            }
            "port" => parts.push(part("port", s, e, v.to_string())),
            "database" | "initial catalog" | "dbname" => parts.push(part("dbname", s, e, v.to_string())),
            "user id" | "uid" | "user" | "username" | "user name" | "userid" => {
                parts.push(part("username", s, e, v.to_string()))
            }
            "password" | "pwd" => parts.push(part("password", s, e, v.to_string())),
            "driver" | "provider" => {
                let l = v.to_ascii_lowercase();
                engine = if l.contains("postgres") {
                    Some("postgres")
                } else if l.contains("mysql") || l.contains("mariadb") {
                    Some("mysql")
                } else if l.contains("sql server")
                    || l.contains("sqlncli")
                    || l.contains("sqloledb")
                    || l.contains("msoledbsql")
                {
                    Some("sqlserver")
                } else if l.contains("oracle") {
                    Some("oracle")
                } else {
                    None
                };
                if let Some(en) = engine {
                    parts.push(part("engine", s, e, en.to_string()));
                }
            }
            _ => {}
        }
        off += item.len() + 1;
    }
    let has = |k: &str| parts.iter().any(|p| p.key == k);
    // A real connection string names a server and a credential; `a=b;c=d` alone is not one.
    if !(has("host") && (has("password") || has("username"))) {
        return None;
    }
    let _ = engine;
    parts.sort_by_key(|p| p.span.start);
    Some(Dsn { parts })
}

/// Splits on `;` outside `{…}` and quotes (ODBC allows `Pwd={a;b}`).
fn split_kv(t: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut depth, mut quote) = (0, 0i32, None::<char>);
    for (i, c) in t.char_indices() {
        match (c, quote) {
            ('"' | '\'', None) if t[start..i].trim_end().ends_with('=') => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('{', None) => depth += 1,
            ('}', None) => depth -= 1,
            (';', None) if depth <= 0 => {
                out.push(&t[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&t[start..]);
    out
}

/// Percent-decoding for URL user info and paths (invalid escapes kept as written).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |x: u8| (x as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
#[path = "dsn_tests.rs"]
mod tests;
