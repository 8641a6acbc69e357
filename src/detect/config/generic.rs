//! The tolerant credential-assignment tokenizer: `name = value`, `name: value`, `"name": "value"`,
//! `name => 'value'`, `name := "value"`, `--name=value`, `\"name\":\"value\"` (JSON inside a
//! string) and SQL `IDENTIFIED BY 'value'`, anywhere on a line, in any text. It runs where no
//! grammar applies or where a grammar breaks: files of unknown format, docs, string contents, NATS
//! and other brace configs. One pass over the bytes; each separator looks back at most
//! [`MAX_KEY`] bytes for its name.

use super::entry::Sink;
use crate::detect::words;
use crate::model::Span;
use memchr::memmem::Finder;
use std::sync::LazyLock;

mod paragraphs;
mod wanted;

pub(crate) use paragraphs::paragraphs_into_sink;

/// The longest name looked back for.
const MAX_KEY: usize = 80;

/// Which values the tokenizer accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Values {
    /// Quoted and bare values (config-like text, docs, string contents).
    Any,
    /// Quoted values only (source code, where a bare value is an expression).
    Quoted,
}

/// One `name <sep> value` pair.
#[derive(Clone, Debug)]
pub(crate) struct Pair {
    /// The name, without quotes or leading dashes.
    pub name: String,
    /// The value as written (between its quotes).
    pub value: String,
    /// The value's bytes, offset by the caller's base.
    pub span: Span,
    /// Index of the paragraph (blank-line separated block) the pair is in.
    pub block: usize,
    /// True for a `key:` pair whose key starts the line (after indentation and `- `): what a
    /// YAML reader already sees as a mapping entry.
    pub lead: bool,
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Every credential- or config-named pair in `text`; spans are `base + offset`.
pub(crate) fn pairs(text: &str, base: usize, values: Values) -> Vec<Pair> {
    let how = How::of(text, values);
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut block = 0;
    let mut line_start = 0;
    while line_start <= b.len() {
        let line_end = memchr::memchr(b'\n', &b[line_start..]).map(|i| line_start + i).unwrap_or(b.len());
        let line = &b[line_start..line_end];
        if line.iter().all(|c| c.is_ascii_whitespace()) {
            block += 1;
        } else {
            scan_line(text, line_start, line_end, base, how, block, &mut out);
        }
        line_start = line_end + 1;
    }
    out
}

/// The `(start, end)` byte ranges (end before the newline) of the lines of `text` that hold a
/// line-gate word ([`words::LINE`], ASCII case-insensitive), in order, each once. Every line
/// [`pairs`] finds something on holds one: each secret name
/// ([`crate::detect::judge::is_secret_name`]) holds a config prefilter word or `webhook`; each
/// connection string holding a password holds `://`, `jdbc:` or a `pass`/`pwd` key; each
/// `Authorization` credential holds `basic `, `bearer `, `token` or `key`; `identified by`. The
/// words are found by the file's one keyword pass.
pub(crate) fn gate_lines(text: &str) -> Vec<(usize, usize)> {
    words::Hits::of(text).lines(text, words::LINE)
}

/// The pairs [`pairs`] finds on the [`gate_lines`] alone (all in block 0): every secret-named
/// pair, password-holding connection string and `Authorization` credential of `text`, without the
/// config companions on other lines. When these judge to nothing, so does the whole text.
pub(crate) fn gate_pairs(text: &str, values: Values) -> Vec<Pair> {
    let how = How::of(text, values);
    let mut out = Vec::new();
    for (ls, le) in gate_lines(text) {
        scan_line(text, ls, le, 0, how, 0, &mut out);
    }
    out
}

/// `Basic <base64 user:pass>`, `ApiKey <base64 id:key>`, `Bearer <token>`, `Digest … response="…"`-style credentials in an
/// `Authorization` header written anywhere on the line (code, cassettes, docs).
fn auth_headers(text: &str, ls: usize, le: usize, base: usize, block: usize, out: &mut Vec<Pair>) {
    let b = text.as_bytes();
    for scheme in ["Basic ", "ApiKey ", "Bearer ", "Token ", "token "] {
        let mut from = ls;
        while let Some(at) = memchr::memmem::find(&b[from..le], scheme.as_bytes()).map(|i| from + i) {
            from = at + scheme.len();
            if at > ls && (b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_') {
                continue;
            }
            let vs = at + scheme.len();
            let mut ve = vs;
            while ve < le
                && (b[ve].is_ascii_alphanumeric() || matches!(b[ve], b'+' | b'/' | b'=' | b'-' | b'_' | b'.' | b'~'))
            {
                ve += 1;
            }
            let token = &text[vs..ve];
            let ok = match scheme {
                // Elasticsearch's `ApiKey` is base64 `id:api_key`, as Basic is `user:password`.
                "Basic " | "ApiKey " => basic_pair(token),
                // A bearer token is long and machine-made; `token ` needs an `Authorization` beside it.
                _ => {
                    token.len() >= 16
                        && token.bytes().any(|c| c.is_ascii_digit())
                        && token.bytes().any(|c| c.is_ascii_alphabetic())
                        && (scheme == "Bearer " || text[ls..at].to_ascii_lowercase().contains("authorization"))
                }
            };
            if ok {
                push(text, out, "authorization", vs, ve, base, block);
            }
        }
    }
}

/// A base64 `user:password` (what HTTP Basic carries).
fn basic_pair(token: &str) -> bool {
    use base64::Engine;
    token.len() >= 8
        && base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|d| String::from_utf8(d).ok())
            .is_some_and(|s| s.find(':').is_some_and(|c| c > 0 && c + 1 < s.len()) && !s.contains(char::is_control))
}

/// Searchers for the words [`auth_headers`] looks for (built once: `memmem::find` builds one
/// per call, for every line).
static AUTH_SCHEMES: LazyLock<[Finder<'static>; 4]> =
    LazyLock::new(|| [b"Basic ".as_slice(), b"ApiKey ", b"Bearer ", b"oken "].map(Finder::new));

/// How [`scan_line`] reads the lines of one text.
#[derive(Clone, Copy)]
struct How {
    values: Values,
    /// The text holds `identified by` (ASCII case-insensitive, one space): only then can a `B`
    /// end one, and the line is walked byte by byte; otherwise from separator to separator.
    identified_by: bool,
}

impl How {
    fn of(text: &str, values: Values) -> How {
        How { values, identified_by: words::Hits::of(text).holds("identified by") }
    }
}

fn scan_line(text: &str, ls: usize, le: usize, base: usize, how: How, block: usize, out: &mut Vec<Pair>) {
    let b = text.as_bytes();
    if AUTH_SCHEMES.iter().any(|f| f.find(&b[ls..le]).is_some()) {
        auth_headers(text, ls, le, base, block, out);
    }
    let mut i = ls;
    while i < le {
        if !how.identified_by {
            // Every byte but `=` and `:` steps on by one below.
            match memchr::memchr2(b'=', b':', &b[i..le]) {
                Some(p) => i += p,
                None => break,
            }
        }
        let c = b[i];
        let (sep_len, colon) = match c {
            b'=' if b.get(i + 1) == Some(&b'>') => (2, false),
            b'=' if matches!(b.get(i + 1), Some(b'=' | b'~')) => {
                i += 2;
                continue;
            }
            b'=' if i > ls
                && matches!(b[i - 1], b'!' | b'<' | b'>' | b'=' | b'+' | b'-' | b'*' | b'/' | b'|' | b'&') =>
            {
                i += 1;
                continue;
            }
            b'=' => (1, false),
            b':' if b.get(i + 1) == Some(&b'=') => (2, false),
            b':' if b.get(i + 1) == Some(&b':') || b[i + 1..le].starts_with(b"//") => {
                i += 2;
                continue;
            }
            b':' => (1, true),
            b'B' | b'b' if b[i..le].len() >= 2 && identified_by(b, ls, i) => {
                let at = i + 2;
                if let Some((vs, ve, next)) = quoted_at(b, skip_ws(b, at, le), le) {
                    push(text, out, "password", vs, ve, base, block);
                    i = next;
                } else {
                    i += 2;
                }
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        };
        // `val dbPassword: String = "…"`, `const TOKEN: &str = "…"`: the name before the type
        // annotation, where the word before `=` (the type) is no credential name.
        let plain = key_before(text, ls, i);
        let typed = match plain {
            Some(n) if wanted::wanted(n) => None,
            _ if c == b'=' && sep_len == 1 => typed_key_before(text, ls, i),
            _ => None,
        };
        let Some(name) = typed.or(plain) else {
            i += sep_len;
            continue;
        };
        // The name is judged only where a value follows (most separators of code have none).
        let vstart = skip_ws(b, i + sep_len, le);
        if typed.is_some() && quoted_at(b, vstart, le).is_none() {
            i += sep_len;
            continue;
        }
        let lead = |name: &str| colon && leads_line(b, ls, i, name);
        if let Some((vs, ve, next)) = quoted_at(b, vstart, le) {
            if wanted::wanted(name) {
                push(text, out, name, vs, ve, base, block);
                if let Some(p) = out.last_mut() {
                    p.lead = lead(name);
                }
            }
            i = next.max(i + sep_len);
            continue;
        }
        if how.values == Values::Any
            && let Some((vs, ve)) = bare_at(b, vstart, le, colon)
            && wanted::wanted(name)
        {
            push(text, out, name, vs, ve, base, block);
            if let Some(p) = out.last_mut() {
                p.lead = lead(name);
            }
            i = ve.max(i + sep_len);
            continue;
        }
        i += sep_len;
    }
}

fn push(text: &str, out: &mut Vec<Pair>, name: &str, vs: usize, ve: usize, base: usize, block: usize) {
    if let Some(v) = text.get(vs..ve) {
        let span = Span::new(base + vs, base + ve);
        out.push(Pair { name: name.to_string(), value: v.to_string(), span, block, lead: false });
    }
}

/// True when only indentation, `- ` and quotes stand between the line start and `name`.
fn leads_line(b: &[u8], ls: usize, sep: usize, name: &str) -> bool {
    let floor = ls.max(sep.saturating_sub(MAX_KEY + 4));
    let Some(at) = memchr::memmem::rfind(&b[floor..sep], name.as_bytes()).map(|i| floor + i) else { return false };
    b[ls..at].iter().all(|c| matches!(c, b' ' | b'\t' | b'-' | b'"' | b'\''))
}

/// `IDENTIFIED BY` ends at byte `i + 2` (`i` is the `B`).
fn identified_by(b: &[u8], ls: usize, i: usize) -> bool {
    if !b[i..].get(..2).is_some_and(|w| w.eq_ignore_ascii_case(b"by")) || i < ls + 11 {
        return false;
    }
    let before = &b[i - 11..i];
    before.eq_ignore_ascii_case(b"identified ") && b.get(i + 2).is_some_and(|c| c.is_ascii_whitespace())
}

fn skip_ws(b: &[u8], mut i: usize, le: usize) -> usize {
    while i < le && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// The name ending just before the separator at `sep`: an optionally quoted (`"`, `'`, `\"`)
/// token, optionally closed by `]` (`["password"] = …`), leading dashes dropped.
fn key_before(text: &str, ls: usize, sep: usize) -> Option<&str> {
    let b = text.as_bytes();
    let floor = ls.max(sep.saturating_sub(MAX_KEY));
    let mut e = sep;
    while e > floor && matches!(b[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    // `["password"] = …` (an indexer), but not a Markdown link definition `[name]: …`.
    if e > floor + 1 && b[e - 1] == b']' && matches!(b[e - 2], b'"' | b'\'') {
        e -= 1;
    }
    let quote = if e > floor && matches!(b[e - 1], b'"' | b'\'' | b'`') { Some(b[e - 1]) } else { None };
    if quote.is_some() {
        e -= 1;
        if e > floor && b[e - 1] == b'\\' {
            e -= 1;
        }
    }
    let mut s = e;
    while s > floor && is_key_byte(b[s - 1]) {
        s -= 1;
    }
    if let Some(q) = quote {
        // The opening quote must be there (possibly escaped).
        if s == floor || b[s - 1] != q {
            return None;
        }
    } else if s > floor && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] >= 0x80) {
        return None;
    }
    let name = text.get(s..e)?.trim_start_matches('-').trim_end_matches(['.', '-']);
    let first = name.bytes().next()?;
    (name.len() >= 2 && (first.is_ascii_alphabetic() || first == b'_')).then_some(name)
}

/// The name of a typed declaration whose `=` is at `eq`: `name: Type =` (Kotlin, Swift, Scala,
/// Rust, TypeScript class fields), the type being words, paths (`std::string::String`),
/// generics, references and lifetimes (`&'static str`), optionals and arrays, on one line.
fn typed_key_before(text: &str, ls: usize, eq: usize) -> Option<&str> {
    const MAX_TYPE: usize = 48;
    let b = text.as_bytes();
    let floor = ls.max(eq.saturating_sub(MAX_TYPE));
    let mut j = eq;
    loop {
        if j > floor + 1 && b[j - 1] == b':' && b[j - 2] == b':' {
            j -= 2;
        } else if j > floor
            && (b[j - 1].is_ascii_alphanumeric()
                || matches!(
                    b[j - 1],
                    b'_' | b' ' | b'\t' | b'&' | b'\'' | b'<' | b'>' | b'[' | b']' | b'?' | b'.' | b'*'
                ))
        {
            j -= 1;
        } else {
            break;
        }
    }
    let colon = j.checked_sub(1).filter(|&c| c > ls && b[c] == b':')?;
    if !b[j..eq].iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    key_before(text, ls, colon)
}

/// A quoted value at `i`: (value start, value end, index after the closing quote). `\"…\"` (a
/// JSON document written inside a string) closes at `\"`; `"…"` honours backslash escapes.
fn quoted_at(b: &[u8], i: usize, le: usize) -> Option<(usize, usize, usize)> {
    let (q, escaped, vs) = match b.get(i)? {
        b'\\' if matches!(b.get(i + 1), Some(b'"' | b'\'')) => (b[i + 1], true, i + 2),
        c @ (b'"' | b'\'' | b'`') => (*c, false, i + 1),
        _ => return None,
    };
    let mut j = vs;
    while j < le {
        let c = b[j];
        if escaped {
            if c == b'\\' && b.get(j + 1) == Some(&q) {
                return Some((vs, j, j + 2));
            }
        } else if c == b'\\' && q == b'"' {
            j += 2;
            continue;
        } else if c == q {
            return Some((vs, j, j + 1));
        }
        j += 1;
    }
    None
}

/// A bare value at `i`. After `=` it is a shell-style word (up to whitespace or punctuation);
/// after `:` it runs to the end of the line or a `,`/`}`/`]`/`;` and must be one word.
fn bare_at(b: &[u8], i: usize, le: usize, colon: bool) -> Option<(usize, usize)> {
    let opener = |c: u8| b"$@&([{<|!%*#\\?:".contains(&c);
    if i >= le || opener(b[i]) {
        return None;
    }
    let mut j = i;
    while j < le {
        let c = b[j];
        let stop = matches!(c, b',' | b';' | b'}' | b']' | b')' | b'"' | b'\'' | b'`' | b'\r')
            || !colon && (c.is_ascii_whitespace() || matches!(c, b'&' | b'<' | b'>'))
            || colon && c == b'#' && j > i && b[j - 1] == b' ';
        if stop {
            break;
        }
        j += 1;
    }
    // After `:` the value runs to the end of the line; a quote or a paren in it means prose or
    // code (`credentials: parameter 'clientID' cannot be empty`).
    if colon && j < le && matches!(b[j], b'"' | b'\'' | b'`' | b')') {
        return None;
    }
    let mut e = j;
    while e > i && (b[e - 1].is_ascii_whitespace() || b[e - 1] == b'\\') {
        e -= 1;
    }
    if e <= i {
        return None;
    }
    let v = &b[i..e];
    // One word, not an expression: no spaces, calls, member access chains or operators.
    let code = v.iter().any(|c| c.is_ascii_whitespace() || matches!(c, b'(' | b'+' | b'{'));
    // After `=`, more code on the line (`password = await fetch(…)`) makes the word an expression;
    // another flag, pair or a continuation (`-e A=b -e C=d \`) doesn't.
    let rest = &b[e..le];
    let rest = &rest[rest.iter().position(|c| !matches!(c, b' ' | b'\t')).unwrap_or(rest.len())..];
    let more_code = !colon
        && !rest.is_empty()
        && !matches!(rest[0], b'-' | b'\\' | b'#' | b';' | b'&' | b'|' | b'\r' | b'}' | b')' | b']' | b',' | b'`')
        && !rest.iter().take_while(|c| !c.is_ascii_whitespace()).any(|c| *c == b'=');
    let hex = v.len() > 2 && (v.starts_with(b"0x") || v.starts_with(b"0X"));
    let keyword = KEYWORDS.iter().any(|k| k.as_bytes().eq_ignore_ascii_case(v));
    (!code && !more_code && !hex && !keyword).then_some((i, e))
}

/// Words that are code, not values, when they follow `=`/`:` unquoted.
const KEYWORDS: &[&str] = &[
    "await",
    "new",
    "this",
    "self",
    "nil",
    "null",
    "none",
    "true",
    "false",
    "string",
    "str",
    "int",
    "bool",
    "function",
    "lambda",
    "return",
    "undefined",
    "required",
    "optional",
    "yes",
    "no",
    "on",
    "off",
    "var",
    "val",
    "let",
    "const",
    "async",
    "typeof",
    "object",
    "any",
    "bytes",
    "byte",
    "char",
    "text",
    "varchar",
    "integer",
    "boolean",
];

/// Adds the pairs of `text` (at file offset `base`) to `sink`, one flat scope per paragraph.
pub(crate) fn into_sink(text: &str, base: usize, values: Values, sink: &mut Sink) {
    into_sink_where(text, base, values, sink, |_| true);
}

/// The [`gate_pairs`] of `text` into `sink`, one flat scope.
pub(crate) fn gate_into_sink(text: &str, values: Values, sink: &mut Sink) {
    let pairs = gate_pairs(text, values);
    if pairs.is_empty() {
        return;
    }
    let scope = sink.scope("", true);
    for p in pairs {
        sink.add(scope, &p.name, p.value, p.span, true);
    }
}

/// [`into_sink`] for the pairs `keep` accepts.
pub(crate) fn into_sink_where(text: &str, base: usize, values: Values, sink: &mut Sink, keep: impl Fn(&Pair) -> bool) {
    let mut scope = None;
    let mut cur_block = usize::MAX;
    for p in pairs(text, base, values).into_iter().filter(|p| keep(p)) {
        if p.block != cur_block {
            cur_block = p.block;
            scope = Some(sink.scope("", true));
        }
        sink.add(scope.expect("set above"), &p.name, p.value, p.span, true);
    }
}

#[cfg(test)]
mod tests;
