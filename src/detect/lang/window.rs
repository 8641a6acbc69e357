//! Windows around the prefilter's hits: the top-level statements (a definition, an assignment, a
//! class) that hold a hit — or, for a statement inside blocks, the statement with the header lines
//! of its blocks — so a large source file is first parsed and judged only there. Only when a window
//! yields a detection is more of the file read: the windows around the credential words and around
//! every config name bound to a literal ([`with_companions`]: the values that group with a
//! credential), or the whole file when those cover most of it. A file whose hits are all refused
//! (`tokens = {…}` in a lexer, `token_end = r"…"`) costs a few lines.

mod above;
mod brace;
mod php;
mod python;
mod ruby;
mod sh;
pub(super) mod sites;
pub mod tolerant;

pub use sites::extra as extra_sites;

use super::starts::Led;
use crate::format::FileFormat;
use regex::bytes::Regex;
use std::ops::Range;
use std::sync::LazyLock;

/// Files smaller than this are parsed whole: the windows would save less than they cost.
pub const MIN_WINDOWED: usize = 4 * 1024;

/// Windows covering more than this share of the file are not worth a separate pass.
const MAX_SHARE: f64 = 0.5;

/// Byte ranges of the whole lines of every top-level statement holding one of `hits` (`nest`: of
/// the statement inside blocks with its block headers, in brace languages too), merged and sorted;
/// `None` when the file is small, the language isn't windowed, or the windows would cover most of
/// the file anyway.
pub fn ranges(
    format: FileFormat,
    text: &str,
    hits: impl Iterator<Item = Range<usize>>,
    nest: bool,
) -> Option<Vec<Range<usize>>> {
    if text.len() < MIN_WINDOWED {
        return None;
    }
    let cont = cont_for(format)?;
    let b = text.as_bytes();
    // (PHP's windows are read after its tag, in files that are PHP code throughout.)
    let php_tag = if format == FileFormat::Php { Some(php::code_tag(b)?) } else { None };
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut nested: Vec<Range<usize>> = Vec::new();
    let (raws, mut memo) = literals(format, b, nest);
    let mut statements = Statements::new(cont).with_literals(statement_literals(format, b));
    for hit in hits {
        let hit = brace::widen(hit, &raws);
        if statements.repeats(b, &hit) {
            continue;
        }
        // An indented statement inside blocks is read with the header lines of those blocks only
        // (a lexer's `tokens = {…}` without the rest of its class; a field of one interface in a
        // `declare namespace` of 500 KB; a line of a bundle's one top-level function).
        let inner = match format {
            FileFormat::Python => python::nested(b, hit.clone(), &mut memo),
            _ if !nest => None,
            FileFormat::Ruby => ruby::nested(b, hit.clone(), &mut memo),
            _ => brace::nested(b, hit.clone(), &mut memo),
        };
        if let Some(ws) = inner {
            nested.extend(ws);
            continue;
        }
        if out.last().is_some_and(|w| w.end > hit.start) {
            let last = out.last_mut().expect("checked");
            last.end = last.end.max(statements.end(b, hit.end));
            continue;
        }
        let w = statements.of(b, &hit);
        match out.last_mut() {
            Some(last) if last.end >= w.start => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    if !nested.is_empty() || php_tag.is_some() {
        out.extend(nested);
        out.extend(php_tag);
        out = merged(out);
    }
    let covered: usize = out.iter().map(|w| w.len()).sum();
    ((covered as f64) < MAX_SHARE * text.len() as f64 && !out.is_empty()).then_some(out)
}

/// The multi-line literals of a file of `format` that a hit inside reads as a hit on (Ruby's
/// heredocs, from the `<<` to the end of the terminator line; the brace languages' comments and
/// raw strings when `nest`, [`brace::raw_strings`]), and the memo of its walks, which passes over
/// the bodies of Ruby's heredocs and PHP's literals.
fn literals(format: FileFormat, b: &[u8], nest: bool) -> (Vec<Range<usize>>, above::Memo) {
    let memo = above::Memo::of(format);
    match format {
        FileFormat::Ruby => {
            let docs = ruby::heredocs(b);
            let raws = docs.iter().map(|(at, body)| *at..body.end).collect();
            (raws, memo.with_literals(docs.into_iter().map(|(_, body)| body).collect()))
        }
        FileFormat::Python | FileFormat::Shell => (Vec::new(), memo),
        // (PHP's strings span lines, their bodies at any indentation: its walks pass over them.)
        FileFormat::Php if nest => {
            let raws = brace::raw_strings(format, b);
            (raws.clone(), memo.with_literals(raws))
        }
        _ if nest => (brace::raw_strings(format, b), memo),
        _ => (Vec::new(), memo),
    }
}

/// The ranges of a file of `format` whose lines continue the statement above them whatever they
/// start with, for the top-level statements ([`Statements::with_literals`]): shell's heredoc
/// bodies, multi-line strings and `\`-continued lines ([`sh::continued`]).
pub(super) fn statement_literals(format: FileFormat, b: &[u8]) -> Vec<Range<usize>> {
    if format == FileFormat::Shell { sh::continued(b) } else { Vec::new() }
}

/// `ws` sorted, overlapping and adjacent ranges joined.
fn merged(mut ws: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ws.sort_by_key(|w| (w.start, std::cmp::Reverse(w.end)));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ws.len());
    for w in ws {
        match out.last_mut() {
            Some(last) if last.end >= w.start => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

/// How a line continues the statement above it in `format`, for the languages whose statements
/// the windows find. PHP starts in HTML mode: its windows come after its tag, in files that are
/// PHP code throughout ([`php::code_tag`]). Shell has heredocs whose bodies sit at column 0: it
/// is parsed whole unless it is large ([`tolerant`]).
fn cont_for(format: FileFormat) -> Option<fn(&[u8]) -> bool> {
    Some(match format {
        FileFormat::Python => python_continues,
        FileFormat::JavaScript
        | FileFormat::TypeScript
        | FileFormat::Tsx
        | FileFormat::Go
        | FileFormat::Java
        | FileFormat::Php => brace_continues,
        FileFormat::Ruby => ruby_continues,
        FileFormat::Shell => sh::continues,
        _ => return None,
    })
}

/// A config name (the words [`crate::detect::judge::config_key`] reads, anywhere in the name)
/// bound to a string or number literal, in the shapes the credential prefilter reads
/// (`DB_HOST = "…"`, `port: 5432`, `setUser("…")`, `"db.name", "…"`): where the companions of a
/// credential stand.
/// The config words of [`COMPANION`].
const COMPANION_WORDS: &str =
    r"(?:host|server|addr|port|user|login|uid|db|database|schema|engine|dialect|driver|region|account|name)";

static COMPANION: LazyLock<Regex> = LazyLock::new(|| {
    let words = COMPANION_WORDS;
    Regex::new(&format!(
        r#"(?i-u){words}[\w.\-\]'"$]*\s*(?:=|:=|:|=>|,|\(|\|\||\?\?|\bor\b|\{{)\s*[\(\[\{{]?\s*(?:[rbfuRBFU]{{1,2}}|@)?["'`0-9]"#
    ))
    .expect("static companion pattern compiles")
});

/// Shell's companions, as its prefilter reads credentials: a config name assigned an unquoted
/// word (`DB_HOST=db.internal`) or expanded with a default (`${DATABASE_PORT:-5432}`).
static SHELL_COMPANION: LazyLock<Regex> = LazyLock::new(|| {
    let words = COMPANION_WORDS;
    Regex::new(&format!(r"(?i-u){words}\w*\s*=\s*[^\s$'\x22(]|\$\{{\w*{words}\w*:?[-=][^}}]"))
        .expect("static shell companion pattern compiles")
});

/// A credential word before `:` or `=` whatever follows: config written inside a string literal
/// (`pass: monkey` in a server config held by a Go raw string), which the tokenizer reads. Its
/// compound words may also be dotted (`'fs.s3a.access.key': 'AKIA…'`, a Hadoop property whose
/// name the parsed literal gives a provider key found beside a credential).
pub(super) static LOOSE: LazyLock<Led> = LazyLock::new(|| {
    let words = super::WORDS.replace("[_-]?", r"[_.\-]?");
    Led::new(&format!(r#"(?i-u){words}[\w.\-]*["']?\s*(?::|=)"#))
});

/// `hits`, the [`COMPANION`] (and in shell [`SHELL_COMPANION`]) and the [`LOOSE`] sites of `text`, sorted by start: the windows of
/// a file whose credential windows found something, read for the config values that group with it.
/// (`starts`: where the text's word-led matches may begin, [`super::starts`].)
pub fn with_companions(
    format: FileFormat,
    text: &str,
    mut hits: Vec<Range<usize>>,
    starts: &[usize],
) -> impl Iterator<Item = Range<usize>> {
    hits.extend(COMPANION.find_iter(text.as_bytes()).map(|m| m.range()));
    if format == FileFormat::Shell {
        hits.extend(SHELL_COMPANION.find_iter(text.as_bytes()).map(|m| m.range()));
    }
    hits.extend(LOOSE.find_all(text.as_bytes(), starts));
    hits.sort_by_key(|h| (h.start, h.end));
    hits.into_iter()
}

/// Start of the line holding `at`.
pub(super) fn line_start(b: &[u8], at: usize) -> usize {
    memchr::memrchr(b'\n', &b[..at.min(b.len())]).map(|p| p + 1).unwrap_or(0)
}

/// What the walk over a file's hits (sorted by start) remembers of the hits before: the lines of
/// the last one, and the last top-level statement found from a one-line hit. A hit on the lines
/// of the one before gives the same windows; the hits inside one long statement (a test suite's
/// one `describe(…)` block, a config line of a raw string at column 0) share its bounds. Walking
/// each hit's statement from its own lines cost the statement's length for every hit in it.
pub(super) struct Statements {
    cont: fn(&[u8]) -> bool,
    /// The start of the line holding the last hit's start, and of the line holding its end.
    lines: Option<(usize, usize)>,
    /// The last statement found from a one-line hit: its start (with the decorators and comments
    /// above it), its first line's start and its end. Every line after the first and before the
    /// end continues the statement.
    last: Option<(usize, usize, usize)>,
    /// Sorted ranges whose lines continue the statement above them ([`statement_literals`]).
    literals: Vec<Range<usize>>,
}

impl Statements {
    /// A walk over the hits of a file whose lines continue a statement when `cont` says so.
    pub fn new(cont: fn(&[u8]) -> bool) -> Statements {
        Statements { cont, lines: None, last: None, literals: Vec::new() }
    }

    /// This walk, with the lines that start inside `literals` (sorted) continuing the statement
    /// above them too.
    pub fn with_literals(mut self, literals: Vec<Range<usize>>) -> Statements {
        self.literals = literals;
        self
    }

    /// True when `hit` lies on the same lines as the hit before it (whose windows it would repeat).
    pub fn repeats(&mut self, b: &[u8], hit: &Range<usize>) -> bool {
        let lines = (line_start(b, hit.start), line_start(b, hit.end));
        self.lines.replace(lines) == Some(lines)
    }

    /// The top-level statement holding `hit`: from the first line of its statement (and the
    /// decorators or comments right above it) to the end of the statement holding its end.
    pub fn of(&mut self, b: &[u8], hit: &Range<usize>) -> Range<usize> {
        let s = line_start(b, hit.start);
        if let Some((start, first, end)) = self.last
            && first <= s
            && hit.end < end
        {
            return start..end;
        }
        let first = statement_first(b, s, self.cont, &self.literals);
        let (start, end) = (decorated(b, first), statement_end(b, hit.end, self.cont, &self.literals));
        if line_start(b, hit.end) == s {
            self.last = Some((start, first, end));
        }
        start..end
    }

    /// The end of the statement holding `at` (as [`statement_end`]).
    pub fn end(&mut self, b: &[u8], at: usize) -> usize {
        match self.last {
            Some((_, first, end)) if first <= at && at < end => end,
            _ => statement_end(b, at, self.cont, &self.literals),
        }
    }
}

/// Back from the line holding `at` to the first line that starts a top-level statement (and the
/// decorators or comments right above it): what [`Statements::of`] answers, walked from `at`.
#[cfg(test)]
fn statement_start(b: &[u8], at: usize, cont: fn(&[u8]) -> bool) -> usize {
    decorated(b, statement_first(b, line_start(b, at), cont, &[]))
}

/// Back from the line starting at `s` to the first line that starts a top-level statement.
fn statement_first(b: &[u8], mut s: usize, cont: fn(&[u8]) -> bool, literals: &[Range<usize>]) -> usize {
    while s > 0 && continues(b, s, cont, literals) {
        s = line_start(b, s - 1);
    }
    s
}

/// True when the line starting at `s` continues the statement above it: `cont` says so, or it
/// starts inside one of `literals` (sorted).
fn continues(b: &[u8], s: usize, cont: fn(&[u8]) -> bool, literals: &[Range<usize>]) -> bool {
    let i = literals.partition_point(|r| r.end < s);
    cont(&b[s..]) || literals.get(i).is_some_and(|r| r.start <= s && s <= r.end)
}

/// Back from a statement's first line at `s` over the decorators or comments right above it.
fn decorated(b: &[u8], mut s: usize) -> usize {
    while s > 0 {
        let prev = line_start(b, s - 1);
        if !matches!(b[prev], b'@' | b'#') {
            break;
        }
        s = prev;
    }
    s
}

/// Forward from the line holding `at` to the end of the line before the next top-level statement.
fn statement_end(b: &[u8], at: usize, cont: fn(&[u8]) -> bool, literals: &[Range<usize>]) -> usize {
    let mut e = match memchr::memchr(b'\n', &b[at.min(b.len())..]) {
        Some(p) => at + p + 1,
        None => return b.len(),
    };
    while e < b.len() && continues(b, e, cont, literals) {
        e = memchr::memchr(b'\n', &b[e..]).map(|p| e + p + 1).unwrap_or(b.len());
    }
    e
}

pub(super) fn indent(line: &[u8]) -> usize {
    line.iter().take_while(|&&c| c == b' ' || c == b'\t').count()
}

/// The end of the lines after the one holding `from` that `keep` takes, one after another: the
/// extent of a statement below its first line (Python's nesting, Ruby's and the brace languages'
/// alike). The lines that start inside one of `literals` (sorted: a heredoc's or a multi-line
/// string's body) are taken whatever they hold.
pub(super) fn lines_while(b: &[u8], from: usize, literals: &[Range<usize>], keep: impl Fn(&[u8]) -> bool) -> usize {
    let mut e = memchr::memchr(b'\n', &b[from.min(b.len())..]).map(|p| from + p + 1).unwrap_or(b.len());
    let mut k = literals.partition_point(|r| r.end <= e);
    while e < b.len() {
        if let Some(next) = past_literal(b, literals, &mut k, e) {
            e = next;
            continue;
        }
        let line = line_at(b, e);
        if !keep(line) {
            break;
        }
        e += line.len() + 1;
    }
    e
}

/// When the line starting at `s` starts inside one of `literals` (sorted), the start of the
/// first line after that literal; `k` is the walk's place in `literals`, which only moves on (the
/// walks over a file's lines that pass over its literal bodies go forward).
pub(super) fn past_literal(b: &[u8], literals: &[Range<usize>], k: &mut usize, s: usize) -> Option<usize> {
    while literals.get(*k).is_some_and(|r| r.end <= s) {
        *k += 1;
    }
    let r = literals.get(*k).filter(|r| r.start <= s)?;
    Some(memchr::memchr(b'\n', &b[r.end.min(b.len())..]).map(|p| r.end + p + 1).unwrap_or(b.len()))
}

pub(super) fn line_at(b: &[u8], start: usize) -> &[u8] {
    let end = memchr::memchr(b'\n', &b[start..]).map(|p| start + p).unwrap_or(b.len());
    &b[start..end]
}

/// An indented, blank or closing line, or a comment, continues the statement above it.
fn common_continues(line: &[u8]) -> bool {
    matches!(line.first(), None | Some(b' ' | b'\t' | b'\r' | b'\n' | b')' | b']' | b'}'))
}

fn starts_word(line: &[u8], words: &[&str]) -> bool {
    words.iter().any(|w| {
        line.starts_with(w.as_bytes()) && !line.get(w.len()).is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
    })
}

fn python_continues(line: &[u8]) -> bool {
    common_continues(line) || line[0] == b'#' || starts_word(line, &["else", "elif", "except", "finally", "case"])
}

/// (A `{` at column 0 opens the body of the signature above it: a class or function written in
/// Allman style, PHP's PSR-12 classes.)
fn brace_continues(line: &[u8]) -> bool {
    common_continues(line) || line.starts_with(b"//") || line.starts_with(b"*") || matches!(line[0], b'.' | b'{')
}

fn ruby_continues(line: &[u8]) -> bool {
    common_continues(line)
        || line[0] == b'#'
        || line[0] == b'.'
        || starts_word(line, &["end", "else", "elsif", "when", "in", "rescue", "ensure", "then"])
}

/// tree-sitter's included ranges for `windows` of `text` (byte offsets and row/column points).
pub fn included(text: &str, windows: &[Range<usize>]) -> Vec<tree_sitter::Range> {
    let b = text.as_bytes();
    let (mut row, mut from) = (0usize, 0usize);
    let mut point = |at: usize| {
        row += memchr::memchr_iter(b'\n', &b[from..at]).count();
        from = at;
        let column = at - line_start(b, at);
        tree_sitter::Point { row, column }
    };
    windows
        .iter()
        .map(|w| {
            let start_point = point(w.start);
            let end_point = point(w.end);
            tree_sitter::Range { start_byte: w.start, end_byte: w.end, start_point, end_point }
        })
        .collect()
}

#[cfg(test)]
mod tests;
