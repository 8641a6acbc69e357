//! Nested windows for brace languages (JavaScript, TypeScript, Go, Java): an indented statement
//! is read with the header lines of the blocks around it and their closing brackets, instead of
//! the whole top-level statement. A bundle's one top-level function, a `declare namespace` of
//! 500 KB or a test function of 2,000 lines then cost the lines around a hit, not the file.

use super::above::Memo;
use super::{indent, line_at, line_start, lines_while};
use crate::format::FileFormat;
use std::ops::Range;

/// The statement starting on the hit's line (its line and the lines indented deeper or closing
/// at its indentation), the header line of every block around it (`func TestX(t *testing.T) {`,
/// `export interface Req {`, `const config = {`) and the closing brackets of those blocks; `None`
/// when the hit's line is at the top level or continues something, a line above it at a lower
/// indentation doesn't open a block, or a block's closing line isn't where its indentation says.
/// `memo` remembers each header's closing range and the file's indentation tree (many hits share
/// their outer blocks). A hit inside an expression written over several lines (a ternary chain, a
/// condition, a call's arguments) is read as a hit on the first line of the statement holding it.
pub(super) fn nested(b: &[u8], hit: Range<usize>, memo: &mut Memo) -> Option<Vec<Range<usize>>> {
    memo.nested_or_statement(b, hit, |body| body.trim_ascii_end().ends_with(b"{"), nested_at)
}

fn nested_at(b: &[u8], hit: Range<usize>, memo: &mut Memo) -> Option<Vec<Range<usize>>> {
    let s = line_start(b, hit.start);
    let first = line_at(b, s);
    let level = indent(first);
    let body = &first[level..];
    // (A line starting with a closer, `.`, or `*` continues an expression or a block comment.)
    if level == 0 || body.is_empty() || matches!(body[0], b')' | b']' | b'}' | b'.' | b'*' | b'\r') {
        return None;
    }
    let e = lines_while(b, hit.end, memo.literals(), |line| {
        let ind = indent(line);
        let body = &line[ind..];
        let blank = body.is_empty() || body == b"\r";
        // (A `{` on a line of its own at the statement's indentation opens its body: Allman style.)
        blank || ind > level || (ind == level && (is_closer(body) || body.trim_ascii_end() == b"{"))
    });
    let mut out = Vec::with_capacity(8);
    out.push(s..e.min(b.len()));
    let mut cur = level;
    let mut at = s;
    while cur > 0 && at > 0 {
        // (The nearest code line above indented less: blank lines, comments and the lines of
        // the blocks between are passed over.)
        let Some(up) = memo.above(b, at, cur) else { break };
        at = up;
        let line = line_at(b, at);
        let ind = indent(line);
        let body = &line[ind..];
        if continues(body) {
            // `"production" !== process.env.NODE_ENV &&` above `  (function () {`: the expression
            // the block is part of goes on from this line, which closes nothing. A `case x:` is
            // read with its `switch` (at its indentation in Go, above it in JavaScript), without
            // the clauses before it.
            out.push(at..(at + line.len() + 1).min(b.len()));
            let clause = is_clause(body);
            cur = if clause { ind + 1 } else { ind };
            while clause && at > 0 {
                let above = line_start(b, at - 1);
                let l = line_at(b, above);
                let i = indent(l);
                let rest = &l[i..];
                let blank = rest.is_empty() || rest == b"\r" || rest.starts_with(b"//");
                if !(i > ind || blank || (i == ind && is_clause(rest))) {
                    break;
                }
                at = above;
            }
            continue;
        }
        if !(opens(body) || depth(body) > 0) {
            return None;
        }
        out.push(at..(at + line.len() + 1).min(b.len()));
        if !memo.closers.contains_key(&at) {
            let found = closer(b, at, ind, memo.literals());
            memo.closers.insert(at, found);
        }
        out.extend(memo.closers[&at].clone()?);
        // `} else {`, `}{` (a Go table after its struct type), `}, {`: the header continues a
        // block opened above at its indentation, whose line comes too (not its body).
        if is_closer(body) {
            at = opener(b, at, ind, memo, &mut out)?;
        } else if body.trim_ascii_end() == b"{" {
            // A brace on a line of its own (PHP's PSR-12 classes and methods, Allman style):
            // the header is the signature above it.
            at = signature(b, at, ind, memo, &mut out);
        }
        cur = ind;
    }
    (cur == 0).then_some(out)
}

/// The line ends with an opening bracket (trailing whitespace aside).
fn opens(body: &[u8]) -> bool {
    matches!(body.trim_ascii_end().last(), Some(b'{' | b'(' | b'['))
}

/// The line leaves an expression open at its end (`a &&`, `x =`, `c ?`) or is a `case x:` /
/// `default:` clause, and leaves no bracket or string open.
fn continues(body: &[u8]) -> bool {
    let code = body.trim_ascii_end();
    let ends = [&b"&&"[..], b"||", b"??", b"=", b"?", b":"].iter().any(|op| code.ends_with(op));
    let comment = matches!(code.first(), Some(b'/' | b'*'));
    ends && !code.ends_with(b"==") && !comment && !is_closer(body) && brackets(body) == (0, false)
}

/// A `case …:` or `default:` line.
fn is_clause(body: &[u8]) -> bool {
    let word = |w: &[u8]| body.starts_with(w) && !body.get(w.len()).is_some_and(|c| c.is_ascii_alphanumeric());
    (word(b"case") || word(b"default")) && body.trim_ascii_end().ends_with(b":")
}

/// Brackets a line leaves open after the closers it starts with (outside its quoted strings and
/// a trailing `//` comment): 3 for a UMD wrapper's `})(this, (function (exports) { 'use strict';`,
/// 0 for a line that opens nothing, closes what it opens or ends inside a string.
fn depth(body: &[u8]) -> usize {
    let lead = body.iter().take_while(|c| matches!(c, b')' | b']' | b'}')).count();
    match brackets(&body[lead..]) {
        (d, false) => d,
        (_, true) => 0,
    }
}

/// Back from the continuing header at `at` (`} else {`, indented `ind`) to the line at the same
/// indentation that opens the chain (`if x {`), adding it and the chain's other continuing lines
/// to `out`; its start, or `None` when the lines above don't read as such a chain. Where a line
/// continues a bracket rather than a block (`) {` after a multi-line `if (`, prettier's style),
/// the lines between are the header's own (its condition, its parameters) and come too.
fn opener(b: &[u8], mut at: usize, ind: usize, memo: &mut Memo, out: &mut Vec<Range<usize>>) -> Option<usize> {
    // (`ind` is the indentation of the line at `at`.)
    let mut group = closes_group(&line_at(b, at)[ind..]);
    let mut closing = at;
    loop {
        // The nearest code line above indented no deeper than the header: the blank lines,
        // comments and body lines between are passed over by the file's indentation tree (walking
        // up line by line crossed the whole block above a `}).then(…{` for every hit below it).
        at = memo.above(b, at, ind + 1)?;
        let line = line_at(b, at);
        let i = indent(line);
        let body = &line[i..];
        if i < ind || !opens(body) {
            return None;
        }
        let end = if group { closing } else { at + line.len() + 1 };
        out.push(at..end.min(b.len()));
        if !is_closer(body) {
            return Some(at);
        }
        (group, closing) = (closes_group(body), at);
    }
}

/// Back from a `{` on a line of its own at `at` (indented `ind`) to the signature it opens the
/// body of (`class A extends B`, `public function f($a)`, or `public function f(` … `)` over
/// several lines), adding its lines to `out`; its first line's start. Where the line above at
/// that indentation is no signature — an element of a table (`},` above a Go test case's `{`), a
/// statement before a bare block, an `else` —, `at` itself: the `{` is read alone, as before.
fn signature(b: &[u8], at: usize, ind: usize, memo: &mut Memo, out: &mut Vec<Range<usize>>) -> usize {
    let Some(sig) = memo.above(b, at, ind + 1) else { return at };
    let line = line_at(b, sig);
    let body = &line[indent(line).min(line.len())..];
    let code = body.trim_ascii_end();
    let continuing = ["else", "catch", "finally", "do", "try"].iter().any(|w| code == w.as_bytes());
    if indent(line) != ind || matches!(code.last(), Some(b';' | b'{' | b'}' | b',' | b'(' | b'[')) || continuing {
        return at;
    }
    let end = (sig + line.len() + 1).min(b.len());
    if !closes_group(body) {
        out.push(sig..end);
        return sig;
    }
    // (`)` closing parameters written one per line: the lines from the one opening them.)
    let Some(open) = memo.above(b, sig, ind + 1) else { return at };
    let first = line_at(b, open);
    let opening = &first[indent(first).min(first.len())..];
    if indent(first) == ind && opens(opening) && !is_closer(opening) {
        out.push(open..end);
        return open;
    }
    at
}

/// A line (its text after the indentation) that starts by closing a parenthesis or bracket, not
/// a block.
fn closes_group(body: &[u8]) -> bool {
    matches!(body.first(), Some(b')' | b']'))
}

/// The multi-line literals of a brace-language file of `format`, found by a small lexer that
/// skips line comments, quoted strings and runes: its block comments (`/* … */`), its raw strings
/// and template literals (`` `…` ``, JavaScript and Go) and, in PHP, its quoted strings (which may
/// span lines; `#` starts a comment there). A hit inside one is read as a hit on the whole literal,
/// so its window starts at the statement holding it rather than at lines of its content (a server
/// config in a Go test, code commented out in a PHP config, read as code there).
pub(super) fn raw_strings(format: FileFormat, b: &[u8]) -> Vec<Range<usize>> {
    let backticks =
        matches!(format, FileFormat::JavaScript | FileFormat::TypeScript | FileFormat::Tsx | FileFormat::Go);
    let php = format == FileFormat::Php;
    let mut out = Vec::new();
    let mut push = |r: Range<usize>| {
        if memchr::memchr(b'\n', &b[r.clone()]).is_some() {
            out.push(r);
        }
    };
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map(|p| i + p).unwrap_or(b.len());
            }
            b'#' if php => {
                i = memchr::memchr(b'\n', &b[i..]).map(|p| i + p).unwrap_or(b.len());
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&b[i + 2..], b"*/").map(|p| i + 2 + p + 2).unwrap_or(b.len());
                push(i..end);
                i = end;
            }
            q @ (b'"' | b'\'') => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != q && (php || b[i] != b'\n') {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                if php {
                    push(start..i.min(b.len()));
                }
            }
            b'`' if backticks => {
                let end = memchr::memchr(b'`', &b[i + 1..]).map(|p| i + 1 + p + 1).unwrap_or(b.len());
                push(i..end);
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// `hit`, or the raw string of `raws` (sorted) that holds its start.
pub(super) fn widen(hit: Range<usize>, raws: &[Range<usize>]) -> Range<usize> {
    let i = raws.partition_point(|r| r.end <= hit.start);
    match raws.get(i) {
        Some(r) if r.start <= hit.start => r.start..r.end.max(hit.end),
        _ => hit,
    }
}

fn is_closer(body: &[u8]) -> bool {
    matches!(body.first(), Some(b')' | b']' | b'}'))
}

/// The closing brackets of the block the header line at `at` (indented `ind`) opens: the run of
/// `)]}` that starts the first later line indented no deeper than the header, when that line is
/// at the header's indentation and starts with a closer, and the newline ending that line (Go
/// ends a statement there; `} else {` keeps only its `}`). The lines that start inside one of
/// `literals` (sorted) are no code.
pub(super) fn closer(b: &[u8], at: usize, ind: usize, literals: &[Range<usize>]) -> Option<Vec<Range<usize>>> {
    // `Sources: []*StreamSource{{` opens two blocks, closed by two lines at its indentation.
    let mut need = unclosed(line_at(b, at));
    let mut out = Vec::new();
    let mut e = memchr::memchr(b'\n', &b[at..]).map(|p| at + p + 1)?;
    // (The lines starting inside `literals` are passed over: a PHP string's body at column 0.)
    let mut k = literals.partition_point(|r| r.end <= e);
    while e < b.len() {
        if let Some(next) = super::past_literal(b, literals, &mut k, e) {
            e = next;
            continue;
        }
        let line = line_at(b, e);
        let i = indent(line);
        let body = &line[i..];
        // (Go writes `case x:` at its `switch`'s indentation.)
        if !(body.is_empty() || body == b"\r" || i > ind || (i == ind && is_clause(body))) {
            if i != ind || !is_closer(body) {
                return None;
            }
            // (With the `,` or `;` after them: a Go composite literal needs its element's comma.)
            let run = body.iter().take_while(|c| matches!(c, b')' | b']' | b'}' | b',' | b';')).count();
            let end = e + line.len();
            if body[run..].trim_ascii().is_empty() {
                out.push(e..(end + 1).min(b.len()));
            } else {
                out.push(e..e + i + run);
                if end < b.len() {
                    out.push(end..end + 1);
                }
            }
            need = need.saturating_sub(body[..run].iter().filter(|c| matches!(c, b')' | b']' | b'}')).count());
            if need == 0 || !body[run..].trim_ascii().is_empty() {
                return Some(out);
            }
        }
        e += line.len() + 1;
    }
    None
}

/// Brackets a header line leaves open (outside its quoted strings), at least 1.
fn unclosed(line: &[u8]) -> usize {
    brackets(line).0.max(1)
}

/// Brackets `line` leaves open (outside quoted strings, before a `//` comment; a closer without
/// its opener on the line closes nothing), and whether a string is still open at its end.
fn brackets(line: &[u8]) -> (usize, bool) {
    let (mut depth, mut quote) = (0usize, None);
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        match quote {
            Some(q) if c == b'\\' && q != b'`' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, b'"' | b'\'' | b'`') => quote = Some(c),
            None if line[i..].starts_with(b"//") => break,
            None if matches!(c, b'{' | b'(' | b'[') => depth += 1,
            None if matches!(c, b'}' | b')' | b']') => depth = depth.saturating_sub(1),
            None => {}
        }
        i += 1;
    }
    (depth, quote.is_some())
}

#[cfg(test)]
mod tests;
