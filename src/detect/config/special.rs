//! Credential files with their own grammar: `.pgpass`, `.netrc`, `.git-credentials`.
//! (`.htpasswd` holds password hashes, which are not secrets to move: nothing is reported there.)

use super::entry::{Role, Sink};
use crate::model::Span;

/// `.pgpass`: `host:port:database:user:password` per line (`\:` and `\\` escaped); each line is
/// one database credential group. `*` wildcards are not values.
pub(crate) fn pgpass(text: &str, sink: &mut Sink) {
    let mut off = 0;
    for (n, line) in text.split('\n').enumerate() {
        let start = off;
        off += line.len() + 1;
        let line = line.trim_end_matches('\r');
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_escaped(line);
        if fields.len() != 5 {
            continue;
        }
        let host = fields[0].1.clone();
        let scope = sink.scope(format!("pgpass:{}:{host}", n + 1), false);
        let keys = [("host", "host"), ("port", "port"), ("dbname", "database"), ("username", "username")];
        for (i, (key, name)) in keys.iter().enumerate() {
            let (span, value) = &fields[i];
            if value != "*" && !value.is_empty() {
                let e = sink.add(scope, name, value.clone(), shift(*span, start), true);
                e.role = Role::Config(key);
            }
        }
        let (span, value) = &fields[4];
        let e = sink.add(scope, "password", value.clone(), shift(*span, start), true);
        e.role = Role::Secret;
    }
}

fn shift(s: Span, by: usize) -> Span {
    Span::new(s.start + by, s.end + by)
}

/// Splits on unescaped `:`, returning each field's raw span and unescaped value.
fn split_escaped(line: &str) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut value = String::new();
    let mut chars = line.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                if let Some((_, n)) = chars.next() {
                    value.push(n);
                }
            }
            ':' => {
                out.push((Span::new(start, i), std::mem::take(&mut value)));
                start = i + 1;
            }
            _ => value.push(c),
        }
    }
    out.push((Span::new(start, line.len()), value));
    out
}

/// `.netrc`: `machine h login u password p [account a]`, free-form whitespace; `macdef` bodies
/// are skipped to the next blank line.
pub(crate) fn netrc(text: &str, sink: &mut Sink) {
    let tokens = tokens(text);
    let mut scope = None;
    let mut i = 0;
    while i < tokens.len() {
        let (span, word) = tokens[i];
        match word {
            "machine" | "default" => {
                let label = if word == "machine" { tokens.get(i + 1).map(|t| t.1).unwrap_or("") } else { "default" };
                let s = sink.scope(format!("netrc:{label}"), false);
                scope = Some(s);
                if word == "machine"
                    && let Some((hs, h)) = tokens.get(i + 1)
                {
                    let e = sink.add(s, "machine", h.to_string(), *hs, true);
                    e.role = Role::Config("host");
                    i += 1;
                }
            }
            "login" | "password" | "account" => {
                if let (Some(s), Some((vs, v))) = (scope, tokens.get(i + 1)) {
                    let e = sink.add(s, word, v.to_string(), *vs, true);
                    e.role = match word {
                        "login" => Role::Config("username"),
                        "account" => Role::Config("account_id"),
                        _ => Role::Secret,
                    };
                    i += 1;
                }
            }
            "macdef" => {
                // Skip to the blank line that ends the macro.
                let rest = &text[span.end..];
                let end = rest.find("\n\n").map(|x| span.end + x).unwrap_or(text.len());
                while i + 1 < tokens.len() && tokens[i + 1].0.start < end {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

fn tokens(text: &str) -> Vec<(Span, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((Span::new(s, i), &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((Span::new(s, text.len()), &text[s..]));
    }
    // Comments run to the end of the line.
    let mut filtered = Vec::new();
    let mut comment_line_end = 0;
    for (sp, w) in out {
        if sp.start < comment_line_end {
            continue;
        }
        if w.starts_with('#') {
            comment_line_end = text[sp.start..].find('\n').map(|x| sp.start + x).unwrap_or(text.len());
            continue;
        }
        filtered.push((sp, w));
    }
    filtered
}

/// `.git-credentials`: one `https://user:token@host` URL per line.
pub(crate) fn git_credentials(text: &str, sink: &mut Sink) {
    let scope = sink.scope("", false);
    let mut off = 0;
    for line in text.split('\n') {
        let t = line.trim_end_matches('\r').trim();
        if !t.is_empty() && !t.starts_with('#') {
            let s = off + (line.len() - line.trim_start().len());
            let e = sink.add(scope, "git-credentials", t.to_string(), Span::new(s, s + t.len()), true);
            e.role = Role::Dsn;
        }
        off += line.len() + 1;
    }
}
