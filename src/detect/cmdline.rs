//! Credentials passed on a command line, written in any file (docs, CI YAML, Makefiles, `.bat`,
//! `.ps1`, Dockerfiles, shell): `--password s3cret` / `--db-password=…` / PowerShell `-Password …`,
//! `/password:…` (Windows tools), `-storepass …` (keytool), `-passin pass:…` (openssl), MySQL's
//! attached `-p…`, `curl -u user:pass` / `--user "user:pass"`, `-e NAME=value` / `--build-arg` /
//! `--set` / `-D` pairs, and PowerShell `ConvertTo-SecureString '…' -AsPlainText`. One pass over
//! the lines; each line is tokenized once (linear), and only lines with a dash or slash flag and a
//! credential word are looked at. A command (with its `\`, `` ` `` or `^` continuation lines) is one
//! scope, so its `--user`/`--host` group with its password.

use super::group::{Candidate, Role};
use super::judge;
use super::words;
use crate::model::Span;

/// One whitespace-separated word of a line, quotes removed.
struct Token<'a> {
    /// The unquoted text (a flag's text includes its attached value).
    text: &'a str,
    /// `text`'s bytes in the file.
    span: Span,
    /// Written in quotes.
    quoted: bool,
    /// Whitespace before the word (bytes).
    gap: usize,
}

/// Words that open a credential on a command line (ASCII case-insensitive).
pub(crate) const HINTS: &[&str] =
    &["pass", "pwd", "secret", "token", "key", "cred", "auth", "curl", "securestring", "mysql", "mariadb"];

/// Prose after a flag (`use the --password flag to …`): not a value.
#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "to", "the", "a", "an", "and", "or", "is", "are", "for", "of", "with", "in", "on", "if", "when", "as", "flag",
    "option", "options", "parameter", "argument", "switch", "value", "field", "must", "will", "can", "should", "be",
    "out", "off", "here", "there", "it", "this", "that", "only", "instead", "again", "now", "at", "by", "from",
];

/// Help-text metavariables (`--password TEXT`, `--token STRING`).
const METAVARS: &[&str] = &["TEXT", "STRING", "STR", "VALUE", "VAL", "ARG", "ARGS", "FILE", "PATH", "NAME", "INT"];

/// Candidates for every command line in `text`.
pub fn candidates(text: &str) -> Vec<Candidate> {
    with_sql(text, true, false)
}

/// The command-line candidates of `text` (when `cmdline`) and its SQL statements' (when `sql`,
/// [`super::sql::candidates`]), from the file's one keyword pass ([`words::Hits`]).
pub(crate) fn with_sql(text: &str, cmdline: bool, sql: bool) -> Vec<Candidate> {
    let hits = words::Hits::of(text);
    // No hint crosses a line, so a line holds one iff an occurrence starts in it.
    let mut out = if cmdline && hits.any(words::HINT) {
        read_hinted_lines(text, &hits.starts(words::HINT).collect::<Vec<_>>())
    } else {
        Vec::new()
    };
    if sql && hits.any(words::SQL) {
        out.extend(super::sql::candidates_at(text, hits.sql_keywords()));
    }
    out
}

/// Reads the lines holding a hint (`hints`: occurrence starts, in order). A line's scope is the start
/// of its command: the first of the lines before it that end in a continuation (`\\`, `` ` ``,
/// ` ^`), found by looking back from each hinted line, no further than the last line read (each
/// byte is looked at a bounded number of times: linear).
fn read_hinted_lines(text: &str, hints: &[usize]) -> Vec<Candidate> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // The start of the line after the last line read, and that line's scope if it continues.
    let (mut floor, mut floor_scope) = (0, None);
    let mut i = 0;
    while i < hints.len() {
        let h = hints[i];
        let ls = memchr::memrchr(b'\n', &b[floor..h]).map(|p| floor + p + 1).unwrap_or(floor);
        let le = memchr::memchr(b'\n', &b[h..]).map(|p| h + p).unwrap_or(b.len());
        let mut scope = ls;
        loop {
            if scope == floor {
                scope = floor_scope.unwrap_or(floor);
                break;
            }
            // The line before `scope`: `[ps, scope - 1)`.
            let ps = memchr::memrchr(b'\n', &b[floor..scope - 1]).map(|p| floor + p + 1).unwrap_or(floor);
            if !continues(&text[ps..scope - 1]) {
                break;
            }
            scope = ps;
        }
        let body = text[ls..le].trim_end_matches('\r');
        if worth_reading(body) {
            read_line(body, ls, scope, &mut out);
        }
        floor = (le + 1).min(b.len());
        floor_scope = continues(body).then_some(scope);
        while i < hints.len() && hints[i] < floor {
            i += 1;
        }
    }
    out
}

/// True when `line` (without its newline) continues on the next line.
fn continues(line: &str) -> bool {
    let trimmed = line.trim_end();
    trimmed.ends_with('\\') || trimmed.ends_with('`') || trimmed.ends_with(" ^")
}

/// A cheap check before tokenizing a line holding a hint: a flag character, and not too long.
fn worth_reading(line: &str) -> bool {
    line.len() <= 4096 && line.bytes().any(|b| b == b'-' || b == b'/')
}

fn read_line(line: &str, base: usize, scope: usize, out: &mut Vec<Candidate>) {
    let toks = tokenize(line, base);
    // Most hinted lines (code, comments) hold no token the loop below reads: skip lowercasing them.
    if !toks.iter().any(may_matter) {
        return;
    }
    let lower: Vec<String> = toks.iter().map(|t| t.text.to_ascii_lowercase()).collect();
    let prog_at = |names: &[&str]| {
        lower.iter().position(|w| {
            let w = super::trim_end_all(w.rsplit(['/', '\\']).next().unwrap_or(w), ".exe");
            names.contains(&w)
        })
    };
    let curl = prog_at(&["curl"]);
    let mysql = prog_at(&["mysql", "mysqldump", "mysqladmin", "mysqlimport", "mariadb", "mysqlsh"]);
    let sshpass = prog_at(&["sshpass"]);
    let plain_text = lower.iter().any(|w| w.trim_end_matches([')', ';']) == "-asplaintext");
    let mut found = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let w = lower[i].as_str();
        let next = toks.get(i + 1);
        // PowerShell: `$pw = ConvertTo-SecureString 'P@ss' -AsPlainText -Force`.
        if super::trim_start_all(w, "$(").trim_start_matches('(') == "convertto-securestring" && plain_text {
            let mut j = i + 1;
            if lower.get(j).is_some_and(|x| x == "-string") {
                j += 1;
            }
            if let Some(v) = toks.get(j).filter(|v| v.quoted) {
                let name = assigned_name(&toks[..i]).unwrap_or("password");
                push(&mut found, name, v, Role::Secret("password".into()));
            }
            i = j + 1;
            continue;
        }
        if !(t.text.starts_with('-') || t.text.starts_with('/')) {
            i += 1;
            continue;
        }
        let (flag, attached) = split_flag(t);
        let bare = flag.trim_start_matches(['-', '/']);
        // curl's `-u user:pass` / `--user=user:pass` / `-uuser:pass`.
        if curl.is_some_and(|c| c < i) && (bare == "u" || bare == "user") && t.text.starts_with('-') {
            let v = attached.or_else(|| next.filter(|n| value_like(n)).map(value_of));
            if let Some((text, span)) = v
                && let Some(c) = text.find(':')
            {
                let user = &text[..c];
                let pw = &text[c + 1..];
                if !user.is_empty() && !pw.is_empty() {
                    let us = Span::new(span.start, span.start + c);
                    found.push(cand("user", user, us, Role::Config("username".into())));
                    found.push(cand("password", pw, Span::new(span.start + c + 1, span.end), Role::ByName));
                }
            }
            i += if attached.is_some() { 1 } else { 2 };
            continue;
        }
        // MySQL clients take the password attached: `-pS3cret` (a bare `-p` prompts).
        if mysql.is_some_and(|m| m < i) && t.text.starts_with("-p") && t.text.len() > 2 && !t.text.starts_with("--") {
            let raw = &t.text[2..];
            let (text, span) = unquote(raw, t.span.start + 2);
            push_text(&mut found, "password", text, span, Role::ByName);
            i += 1;
            continue;
        }
        // `-e MYSQL_PASSWORD=x`, `--build-arg DB_PASS=x`, `--set db.password=x`, `-Dtrust.password=x`.
        if let Some(rest) = t.text.strip_prefix("-D").filter(|r| r.contains('=') && !t.text.starts_with("--")) {
            pair(&mut found, rest, t.span.start + 2);
            i += 1;
            continue;
        }
        // curl's form fields: `-d user=x -d password=y`, `--data 'user=x&password=y'`, `-F pw=z`.
        let form = matches!(w, "--data" | "--data-raw" | "--data-urlencode" | "--form")
            || curl.is_some_and(|c| c < i) && matches!(w, "-d" | "-F");
        if form && let Some(n) = next.filter(|n| n.text.contains('=') && !n.text.starts_with(['{', '['])) {
            let mut at = 0;
            for field in n.text.split('&') {
                pair(&mut found, field, n.span.start + at);
                at += field.len() + 1;
            }
            i += 2;
            continue;
        }
        if matches!(w, "-e" | "--env" | "--build-arg" | "--set" | "--set-string" | "-var" | "--var" | "--define")
            && let Some(n) = next.filter(|n| n.text.contains('='))
        {
            pair(&mut found, n.text, n.span.start);
            i += 2;
            continue;
        }
        // A Windows `/name:value` switch has its value attached; a path isn't a flag.
        let windows = flag.starts_with('/');
        if bare.is_empty()
            || !bare.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.')
            || windows && (attached.is_none() || !bare.bytes().all(|c| c.is_ascii_alphabetic()))
        {
            i += 1;
            continue;
        }
        let secret = is_secret_flag(bare) || sshpass.is_some_and(|s| s < i) && flag == "-p";
        if !secret {
            if let Some(k) = config_flag(flag, curl.is_none())
                && let Some((text, span)) = attached.or_else(|| next.filter(|n| value_like(n)).map(value_of))
            {
                found.push(cand(bare, text, span, Role::Config(k.into())));
            }
            i += 1;
            continue;
        }
        let value = match attached {
            Some(v) => Some(v),
            // A value written apart: not after a help table's column gap, not a quoted flag's
            // bare expression (`'--password', pw` in code), not prose.
            None => next.filter(|n| value_like(n) && n.gap < 2 && (n.quoted || !t.quoted)).map(value_of),
        };
        if let Some((text, span)) = value
            && !is_metavar(text)
            && !STOPWORDS.contains(&text.to_ascii_lowercase().as_str())
        {
            // openssl's `-passin pass:…`; `env:`/`file:`/`fd:`/`stdin` name where it lives.
            let (text, span) = match text.strip_prefix("pass:") {
                Some(p) => (p, Span::new(span.start + 5, span.end)),
                None => (text, span),
            };
            let name = if judge::is_secret_name(bare) { bare } else { "password" };
            push_text(&mut found, name, text, span, Role::ByName);
        }
        // A value written apart is consumed; anything else (`$(ConvertTo-SecureString …)`, the
        // next flag) is read in its own right.
        i += if attached.is_none() && value.is_some() { 2 } else { 1 };
    }
    for c in found {
        out.push(c.in_scope(scope, None));
    }
}

/// A necessary condition for a token to yield or open anything in [`read_line`]: a flag whose
/// name starts with a name character after its dashes (`->`, `--`, `-=` are no flag), a Windows
/// `/name:value` switch (unquoted, with its colon), or PowerShell's `ConvertTo-SecureString`.
fn may_matter(t: &Token) -> bool {
    let b = t.text.as_bytes();
    let named = || {
        let first = b.iter().position(|&c| c != b'-' && c != b'/');
        first.is_some_and(|i| b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.'))
    };
    match b.first() {
        Some(b'-') => named(),
        Some(b'/') => !t.quoted && t.text.contains(':') && named(),
        _ => b.len() >= 22 && b[b.len() - 22..].eq_ignore_ascii_case(b"convertto-securestring"),
    }
}

/// The flag of a token and its attached value (`--password=x`, `/password:x`).
fn split_flag<'a>(t: &Token<'a>) -> (&'a str, Option<(&'a str, Span)>) {
    let raw = t.text;
    if t.quoted {
        // `"--password=x"` in an argument list is one word; its value sits inside the quotes.
        return match raw.find('=') {
            Some(at) if at > 1 && raw.starts_with("--") => {
                (&raw[..at], Some((&raw[at + 1..], Span::new(t.span.start + at + 1, t.span.end))))
            }
            _ => (raw, None),
        };
    }
    let sep = if raw.starts_with('/') { raw.find(':') } else { raw.find('=') };
    match sep {
        Some(at) if at > 1 => {
            let (text, span) = unquote(&raw[at + 1..], t.span.start + at + 1);
            (&raw[..at], (!text.is_empty()).then_some((text, span)))
        }
        _ => (raw.trim_end_matches([',', ')', ';', '`']), None),
    }
}

/// A long or PowerShell-style flag (or a Windows `/name:`) whose name says credential, or one of
/// the Java keytool / openssl password options.
fn is_secret_flag(bare: &str) -> bool {
    let keytool =
        ["storepass", "keypass", "srcstorepass", "deststorepass", "srckeypass", "destkeypass", "passin", "passout"];
    let words = judge::words(bare);
    let last = words.last().map(String::as_str).unwrap_or("");
    // PowerShell's `-Credential` takes an account name or a PSCredential object.
    if matches!(last, "credential" | "credentials" | "creds") {
        return false;
    }
    // `-CertFilePassword`: the password of a file, not a file.
    let password_last = ["password", "passwd", "passphrase", "pwd"].contains(&last);
    bare.len() > 2
        && (judge::is_secret_name(bare) || password_last || keytool.contains(&bare.to_ascii_lowercase().as_str()))
}

/// The config key a flag sets (`--user`, `-u`, `--host`…), grouped with the command's password.
fn config_flag(flag: &str, short_ok: bool) -> Option<&'static str> {
    match flag {
        "--user" | "--username" | "-User" | "-Username" | "/user" => Some("username"),
        "--host" | "--hostname" | "-Server" => Some("host"),
        "-u" | "-U" if short_ok => Some("username"),
        "-h" if short_ok => Some("host"),
        _ => None,
    }
}

/// A word that can be a flag's value: not another flag, a pipe, a redirection or a continuation.
fn value_like(t: &Token) -> bool {
    !t.text.is_empty()
        && !t.text.starts_with('$')
        && (t.quoted || !t.text.starts_with('-') && !matches!(t.text, "|" | "||" | "&&" | ">" | "<" | "\\" | "`" | "^"))
}

/// A value that isn't one: a file path (`--token /tmp/x.jwt`, `C:\certs\k.pfx`), or the first
/// word of a placeholder (`<admin password>`, `{your token}`, `[value]`).
fn names_no_value(v: &str) -> bool {
    let drive = v.len() > 2 && v.as_bytes()[0].is_ascii_alphabetic() && v[1..].starts_with(":\\");
    v.starts_with(['/', '~', '<', '{', '[']) || v.starts_with("./") || v.starts_with("..") || drive
}

fn value_of<'a>(t: &Token<'a>) -> (&'a str, Span) {
    (t.text, t.span)
}

/// An all-caps help metavariable (`TEXT`, `PASSWORD`, `API_TOKEN`).
fn is_metavar(v: &str) -> bool {
    let caps = v.len() >= 3 && v.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b == b'-');
    caps && (METAVARS.contains(&v) || judge::is_secret_name(v) || v.contains("PASS"))
}

/// `$SecPassword = …` at the start of the tokens: the assigned variable.
fn assigned_name<'a>(before: &[Token<'a>]) -> Option<&'a str> {
    let at = before.iter().position(|t| t.text == "=" || t.text.ends_with('='))?;
    let t = before[..=at].iter().rev().find(|t| t.text.starts_with('$'))?;
    let name = t.text.trim_start_matches('$').trim_end_matches('=');
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(name)
}

/// `NAME=value` (after `-e`, `--build-arg`, `-D`…), judged by the name.
fn pair(found: &mut Vec<Candidate>, text: &str, start: usize) {
    let Some(eq) = text.find('=') else { return };
    let name = &text[..eq];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b)) {
        return;
    }
    let (v, span) = unquote(&text[eq + 1..], start + eq + 1);
    // `-Djavax.net.ssl.trustStorePassword=…`: the password of a store is a password.
    let name = if !judge::is_secret_name(name) && is_secret_flag(name) { "password" } else { name };
    push_text(found, name, v, span, Role::ByName);
}

fn push(found: &mut Vec<Candidate>, name: &str, t: &Token, role: Role) {
    push_text(found, name, t.text, t.span, role);
}

fn push_text(found: &mut Vec<Candidate>, name: &str, text: &str, span: Span, role: Role) {
    let text = text.trim_end_matches([';', '`']);
    let span = Span::new(span.start, span.start + text.len());
    // A value that continues an expression (`"$(…)"`, `'…' + x`) or is empty isn't a literal.
    if text.is_empty() || text.contains(['\'', '"', '`']) || names_no_value(text) {
        return;
    }
    found.push(cand(name, text, span, role));
}

fn cand(name: &str, value: &str, span: Span, role: Role) -> Candidate {
    Candidate::new(name, value, span).with_role(role)
}

/// Strips one pair of matching quotes from `raw` (which starts at byte `start`).
fn unquote(raw: &str, start: usize) -> (&str, Span) {
    let b = raw.as_bytes();
    if b.len() >= 2 && (b[0] == b'\'' || b[0] == b'"') && b[b.len() - 1] == b[0] {
        return (&raw[1..raw.len() - 1], Span::new(start + 1, start + raw.len() - 1));
    }
    (raw, Span::new(start, start + raw.len()))
}

/// Splits a line into words; a quoted run (`'a b'`, `"a b"`) is one word, a word may have a
/// trailing `,`/`]`/`)`/`;` (JSON and YAML argument lists, PowerShell) and leading `[`/`(`.
fn tokenize(line: &str, base: usize) -> Vec<Token<'_>> {
    let b = line.as_bytes();
    let punct = |c: u8| matches!(c, b',' | b']' | b')' | b';' | b'`');
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let ws = i;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let gap = i - ws;
        while i < b.len() && matches!(b[i], b'[' | b'(' | b'`') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        if b[i] == b'\'' || b[i] == b'"' {
            let q = b[i];
            if let Some(p) = b[i + 1..].iter().position(|&c| c == q) {
                let end = i + 1 + p;
                out.push(Token {
                    text: &line[i + 1..end],
                    span: Span::new(base + i + 1, base + end),
                    quoted: true,
                    gap,
                });
                i = end + 1;
                while i < b.len() && punct(b[i]) {
                    i += 1;
                }
                continue;
            }
        }
        while i < b.len() && !b[i].is_ascii_whitespace() {
            // `--user="admin:pw"`: a quote inside a word runs to its closing quote.
            if i > start && (b[i] == b'\'' || b[i] == b'"') {
                let q = b[i];
                if let Some(p) = b[i + 1..].iter().position(|&c| c == q) {
                    i += p + 1;
                }
            }
            i += 1;
        }
        let mut end = i;
        while end > start + 1 && punct(b[end - 1]) {
            end -= 1;
        }
        out.push(Token { text: &line[start..end], span: Span::new(base + start, base + end), quoted: false, gap });
    }
    out
}

#[cfg(test)]
mod tests;
