//! Nested windows for Python: an indented statement is read with the header lines of the blocks
//! around it (`class Lexer(RegexLexer):`, `def f(self):`, a dict opened on the line above) instead
//! of the whole top-level statement, so a lexer's `tokens = {…}` costs its own lines.

use super::above::Memo;
use super::{brace, indent, line_at, line_start, lines_while, starts_word};
use std::ops::Range;

/// The indented Python statement starting on the hit's line (up to the next line indented as
/// much or less) and the header line of every block around it (`class X:`, `def f(self):`), or
/// `None` when the hit's line is at the top level or inside an expression rather than a block.
pub(super) fn nested(b: &[u8], hit: Range<usize>, memo: &mut Memo) -> Option<Vec<Range<usize>>> {
    let s = line_start(b, hit.start);
    let level = indent(line_at(b, s));
    let first = line_at(b, s);
    if level == 0 || first.len() == level || first[level] == b'#' {
        return None;
    }
    let e = lines_while(b, hit.end, &[], |line| {
        let body = &line[indent(line)..];
        let blank = body.is_empty() || body == b"\r" || body[0] == b'#';
        let deeper = indent(line) > level || matches!(body.first(), Some(b')' | b']' | b'}'));
        let more = indent(line) == level && starts_word(body, &["else", "elif", "except", "finally", "case"]);
        blank || deeper || more
    });
    let mut out = Vec::with_capacity(4);
    out.push(s..e.min(b.len()));
    let mut cur = level;
    let mut at = s;
    while cur > 0 && at > 0 {
        // (The nearest code line above indented less: blank lines, comments and the lines of
        // the blocks between are passed over.)
        let Some(up) = memo.above(b, at, cur) else { break };
        at = up;
        let line = line_at(b, at);
        let body = &line[indent(line)..];
        let code = python_code(body);
        // A dict, list or call opened on the line above (`return {`, `CONFIG = dict(`) comes
        // with its closing line.
        let opens = matches!(code.last(), Some(b'{' | b'[' | b'(')) && !matches!(body[0], b')' | b']' | b'}');
        if !(code.ends_with(b":") || opens) {
            return None;
        }
        let end = (at + line.len() + 1).min(b.len());
        let ind = indent(line);
        if matches!(body[0], b')' | b']' | b'}') {
            // The last line of a header written over several lines (`def f(\n    self,\n) -> str:`,
            // `if (\n    a\n):`): the header from its first line.
            at = header_start(b, at, ind)?;
        }
        if starts_word(&line_at(b, at)[ind..], &["else", "elif", "except", "finally"]) {
            // `else:`/`except:` come with the statement they continue (its earlier branches whole:
            // a Python block can't be empty).
            at = chain_start(b, at, ind)?;
        }
        out.push(at..end);
        if opens {
            out.extend(memo.closers.entry(at).or_insert_with(|| brace::closer(b, at, ind, &[])).clone()?);
        }
        cur = ind;
    }
    (cur == 0).then_some(out)
}

/// A Python line's code before a trailing comment (a `#` in a string ends it too: the header
/// checks then fail and the window falls back), trailing whitespace aside.
fn python_code(body: &[u8]) -> &[u8] {
    body.split(|&c| c == b'#').next().unwrap_or(body).trim_ascii_end()
}

/// Back from the closing line of a multi-line header at `at` (indented `ind`, `) -> str:`) to
/// the line at the same indentation that opens it (`def f(`), or `None` when the lines above don't
/// read that way.
fn header_start(b: &[u8], at: usize, ind: usize) -> Option<usize> {
    let (at, i) = code_line_above(b, at, ind)?;
    let body = &line_at(b, at)[i..];
    let opens = matches!(python_code(body).last(), Some(b'{' | b'[' | b'('));
    (i == ind && opens && !matches!(body[0], b')' | b']' | b'}')).then_some(at)
}

/// Back from the `else:`/`elif`/`except`/`finally` header at `at` (indented `ind`) to the line at
/// the same indentation starting the compound statement it continues (`if`, `try`, `for`, `while`).
fn chain_start(b: &[u8], mut at: usize, ind: usize) -> Option<usize> {
    loop {
        let (above, i) = code_line_above(b, at, ind)?;
        at = above;
        let body = &line_at(b, at)[i..];
        if i < ind {
            return None;
        }
        if starts_word(body, &["if", "try", "for", "while", "async"]) {
            return Some(at);
        }
        // (Earlier branches and the closing lines of multi-line conditions continue the chain.)
        if !(starts_word(body, &["else", "elif", "except", "finally"]) || matches!(body[0], b')' | b']' | b'}')) {
            return None;
        }
    }
}

/// The start and indentation of the nearest line above the one at `at` that holds Python code
/// (not blank, not a comment) indented no deeper than `ind`.
fn code_line_above(b: &[u8], mut at: usize, ind: usize) -> Option<(usize, usize)> {
    while at > 0 {
        at = line_start(b, at - 1);
        let line = line_at(b, at);
        let body = &line[indent(line)..];
        if !(body.is_empty() || body == b"\r" || body[0] == b'#' || indent(line) > ind) {
            return Some((at, indent(line)));
        }
    }
    None
}
