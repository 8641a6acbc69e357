//! Line-based formats: `.env`, `.properties`, `.ini`/`.cfg`, TOML, `.npmrc`, Dockerfile `ENV`/`ARG`,
//! and the `key: value` / `KEY=value` fallback for templates whose grammar doesn't parse.

use super::entry::Sink;
use crate::detect::trim_start_all;
use crate::model::{DeployInfo, Span};

/// A value read from a line: decoded text and its bytes in the file.
pub(crate) struct LineValue {
    pub value: String,
    pub span: Span,
}

/// Reads the value starting at byte `at` of `text` up to the end of its line: quoted (`"…"` with
/// backslash escapes, `'…'` raw) or bare (cut at ` #` when `comments`, trimmed).
pub(crate) fn read_value(text: &str, at: usize, comments: bool) -> Option<LineValue> {
    let line_end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    let raw = &text[at..line_end];
    let lead = raw.len() - raw.trim_start().len();
    let s = at + lead;
    let r = raw.trim_start().trim_end_matches('\r');
    let q = r.chars().next()?;
    if q == '"' || q == '\'' {
        let body = &r[1..];
        let b = body.as_bytes();
        let mut value = String::new();
        // Runs between the quote and escapes are copied whole (a service model's documentation
        // lines are long and the fallback reads every line holding a credential word).
        let mut i = 0;
        loop {
            let stop = if q == '"' { memchr::memchr2(b'"', b'\\', &b[i..]) } else { memchr::memchr(b'\'', &b[i..]) };
            let j = i + stop?;
            value.push_str(&body[i..j]);
            if b[j] == q as u8 {
                return Some(LineValue { value, span: Span::new(s + 1, s + 1 + j) });
            }
            // `\` (only in `"…"`): the next character, decoded.
            let c = body[j + 1..].chars().next()?;
            value.push(match c {
                'n' => '\n',
                't' => '\t',
                other => other,
            });
            i = j + 1 + c.len_utf8();
        }
    }
    let mut end = r.len();
    if comments && let Some(i) = r.find(" #").or_else(|| r.find("\t#")) {
        end = i;
    }
    // A trailing ` \` continues a shell line (`KEY=value \` in docs and scripts); not the value.
    let mut v = r[..end].trim_end();
    if let Some(x) = v.strip_suffix(" \\") {
        v = x.trim_end();
    }
    (!v.is_empty()).then(|| LineValue { value: v.to_string(), span: Span::new(s, s + v.len()) })
}

/// Iterates lines with their start offsets.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    // `split('\n')`, cut with memchr (its char searcher costs more per line than the cut).
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
    ends.scan(0, |start, end| {
        let line = (*start, &text[*start..end]);
        *start = end + 1;
        Some(line)
    })
}

fn is_key(k: &str) -> bool {
    // Byte and char matches, not `str` patterns: each of those builds a searcher per call, and
    // the fallback asks about every line of every file it reads.
    !k.is_empty()
        && !holds(k, b"::")
        && k.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | ':' | '@'))
}

/// True when `s` holds the two bytes `pair`.
fn holds(s: &str, pair: &[u8; 2]) -> bool {
    s.as_bytes().windows(2).any(|w| w == pair)
}

/// `.env`: `KEY=value`, `export KEY="value"`, comments.
pub(crate) fn dotenv(text: &str, sink: &mut Sink) {
    let scope = sink.scope("", true);
    for (off, line) in lines(text) {
        let t = line.trim_start();
        if t.starts_with('#') {
            continue;
        }
        let body = t.strip_prefix("export ").map(str::trim_start).unwrap_or(t);
        let Some(eq) = body.find('=') else { continue };
        let key = body[..eq].trim();
        if !is_key(key) {
            continue;
        }
        let at = off + (line.len() - body.len()) + eq + 1;
        if let Some(v) = read_value(text, at, true) {
            sink.add(scope, key, v.value, v.span, true);
        }
    }
}

/// `.properties`, `.ini`/`.cfg`/`.conf`, TOML and `.npmrc`: `key = value` / `key: value` with
/// `[section]` headers opening a new scope (`flat` for properties-style namespaces).
pub(crate) fn keyvalue(text: &str, sink: &mut Sink, flat: bool) {
    keyvalue_with(text, sink, flat, &['=', ':']);
}

/// TOML: only `=` separates a key from its value (`:` appears inside strings and arrays).
pub(crate) fn toml(text: &str, sink: &mut Sink) {
    keyvalue_with(text, sink, false, &['=']);
}

fn keyvalue_with(text: &str, sink: &mut Sink, flat: bool, seps: &[char]) {
    let mut scope = sink.scope("", flat);
    for (off, line) in lines(text) {
        let t = line.trim_start();
        if t.starts_with(['#', ';', '!']) || t.is_empty() {
            continue;
        }
        if t.starts_with('[') {
            let name = t.trim_end().trim_start_matches('[').trim_end_matches(']').trim();
            scope = sink.scope(name, flat);
            continue;
        }
        let Some(sep) = t.find(seps) else { continue };
        // `.npmrc` scopes keys by registry: `//registry.npmjs.org/:_authToken=…`.
        let full = t[..sep].trim().trim_matches('"');
        let (full, sep) = if full.starts_with("//") {
            match t.find('=') {
                Some(eq) => (t[..eq].trim(), eq),
                None => continue,
            }
        } else {
            (full, sep)
        };
        let key = if full.starts_with("//") { full.rsplit(':').next().unwrap_or(full) } else { full };
        if !is_key(key) {
            continue;
        }
        let at = off + (line.len() - t.len()) + sep + 1;
        if let Some(v) = read_value(text, at, true) {
            sink.add(scope, key, v.value, v.span, true);
        }
    }
}

/// Dockerfile `ENV`/`ARG` defaults, one flat scope per build stage (`FROM … AS name`).
/// Instructions continued with a trailing `\` are read as one.
pub(crate) fn dockerfile(text: &str, sink: &mut Sink) {
    let mut scope = sink.scope("", true);
    let mut stage: Option<String> = None;
    let all: Vec<(usize, &str)> = lines(text).collect();
    let mut i = 0;
    while i < all.len() {
        let (off, line) = all[i];
        let mut end = off + line.len();
        while text[off..end].trim_end().ends_with('\\') && i + 1 < all.len() {
            i += 1;
            end = all[i].0 + all[i].1.len();
        }
        i += 1;
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let word = t.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        match word.as_str() {
            "FROM" => {
                let parts: Vec<&str> = t.split_whitespace().collect();
                stage = parts
                    .iter()
                    .position(|p| p.eq_ignore_ascii_case("as"))
                    .and_then(|i| parts.get(i + 1))
                    .map(|s| s.to_string());
                scope = sink.scope(stage.clone().unwrap_or_default(), true);
            }
            "ENV" | "ARG" => {
                let deploy = DeployInfo { kind: "dockerfile".into(), container: stage.clone(), embedded: false };
                let body_at = off + indent + word.len();
                let body = &text[body_at..end];
                for (name, v) in env_pairs(text, body_at, body) {
                    let e = sink.add(scope, &name, v.value, v.span, true);
                    e.deploy = Some(deploy.clone());
                }
            }
            _ => {}
        }
    }
}

/// True for whitespace and line continuations (`\` before a newline) inside an instruction.
fn is_gap(b: &[u8], i: usize) -> bool {
    (b[i] as char).is_whitespace() || b[i] == b'\\' && matches!(b.get(i + 1), Some(b'\n' | b'\r'))
}

/// `K=V K2="v w"` pairs, or the legacy `K value` form, of one `ENV`/`ARG` line.
fn env_pairs(text: &str, at: usize, body: &str) -> Vec<(String, LineValue)> {
    let mut out = Vec::new();
    let mut i = 0;
    let b = body.as_bytes();
    let first_ws = body.trim_start();
    let first_key_end = first_ws.find([' ', '\t', '=']).unwrap_or(first_ws.len());
    if !first_ws[first_key_end..].starts_with('=') {
        // Legacy `ENV KEY value with spaces`.
        let key = &first_ws[..first_key_end];
        let at_v = at + (body.len() - first_ws.len()) + first_key_end;
        if is_key(key)
            && let Some(v) = read_value(text, at_v, false)
        {
            out.push((key.to_string(), v));
        }
        return out;
    }
    while i < b.len() {
        while i < b.len() && is_gap(b, i) {
            i += 1;
        }
        let ks = i;
        while i < b.len() && b[i] != b'=' && !(b[i] as char).is_whitespace() {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            break;
        }
        let key = &body[ks..i];
        i += 1;
        let rest = &body[i..];
        let (value, span, used) = if rest.starts_with(['"', '\'']) {
            match read_value(text, at + i, false) {
                Some(v) => {
                    let used = v.span.end - (at + i) + 1;
                    (v.value, v.span, used)
                }
                None => break,
            }
        } else {
            let end = rest.find([' ', '\t', '\n']).unwrap_or(rest.len());
            let v = rest[..end].trim_end_matches(['\\', '\r']);
            (v.to_string(), Span::new(at + i, at + i + v.len()), end)
        };
        if is_key(key) && !value.is_empty() {
            out.push((key.to_string(), LineValue { value, span }));
        }
        i += used;
    }
    out
}

/// The fallback for templates whose grammar breaks: `key: value`, `KEY=value`, `"key": "value"`
/// lines. A `key:` line with nothing after it opens a scope for the lines indented under it, so
/// nesting still separates unrelated values.
pub(crate) fn fallback(text: &str, sink: &mut Sink) {
    let file = sink.scope("", true);
    // (indent, scope) of open `key:` headers.
    let mut open: Vec<(usize, usize)> = Vec::new();
    for (off, line) in lines(text) {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with(['#', '{', '}']) {
            continue;
        }
        let indent = line.len() - body.len();
        while open.last().is_some_and(|(i, _)| *i >= indent) {
            open.pop();
        }
        let t = trim_start_all(trim_start_all(body, "- "), "export ");
        let Some(sep) = memchr::memchr2(b':', b'=', t.as_bytes()) else { continue };
        let key = t[..sep].trim().trim_matches(['"', '\'']);
        if !is_key(key) || holds(key, b"//") {
            continue;
        }
        let scope = open.last().map(|(_, s)| *s).unwrap_or(file);
        let at = off + (line.len() - t.len()) + sep + 1;
        match read_value(text, at, true) {
            Some(mut v) => {
                let trimmed = v.value.trim_end_matches(',').to_string();
                v.span.end -= v.value.len() - trimmed.len();
                sink.add(scope, key, trimmed, v.span, true);
            }
            None if t[sep..].starts_with(':') => {
                let label = sink.scopes[scope].label.clone();
                let child =
                    sink.scope(if label.is_empty() { key.to_string() } else { format!("{label}.{key}") }, false);
                open.push((indent, child));
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_what_split_gives_with_their_offsets() {
        for text in ["", "a", "a\n", "\n", "a\nb", "a\r\nb\n\n", "é\nü\n\nx"] {
            let mut off = 0;
            let want: Vec<(usize, &str)> = text
                .split('\n')
                .map(|l| {
                    off += l.len() + 1;
                    (off - l.len() - 1, l)
                })
                .collect();
            assert_eq!(lines(text).collect::<Vec<_>>(), want, "{text:?}");
        }
    }
}
