//! Nested windows for Ruby: an indented statement is read with the header lines of the blocks
//! around it (`module Aws`, `describe Client do`, `def connect`, `config = {`) and the lines that
//! close them (`end`, `}`), instead of the whole top-level statement. A library file is one
//! `module … end`, a spec one `describe … do … end`: without these windows every hit in them read
//! the whole file.

use super::above::Memo;
use super::{indent, line_at, line_start, lines_while, starts_word};
use std::ops::Range;

/// Words that continue a compound statement at its own indentation (`else` of an `if`, `rescue`
/// of a `def` or `begin`, `when` of a `case`).
const BRANCHES: &[&str] = &["else", "elsif", "when", "in", "rescue", "ensure", "then"];

/// Words that open a block closed by `end` when they start a line.
const OPENING: &[&str] = &["def", "class", "module", "if", "unless", "while", "until", "case", "begin", "for"];

/// The statement starting on the hit's line (with its deeper lines, its own branches and its
/// closing line), the header line of every block around it and the closing line of each; `None`
/// when the hit's line is at the top level or continues something, a line above it at a lower
/// indentation doesn't open a block, or a block's closing line isn't where its indentation says
/// (a heredoc's body at column 0, a header written over several lines, `end.each do`): the caller
/// then reads the top-level statement.
pub(super) fn nested(b: &[u8], hit: Range<usize>, memo: &mut Memo) -> Option<Vec<Range<usize>>> {
    // (A hit inside an expression written over several lines — a call's arguments aligned under
    // its parenthesis — is read as a hit on the statement's first line.)
    memo.nested_or_statement(b, hit, |body| opens(body) || branch(body), nested_at)
}

/// The nested windows of the statement starting on the line of `hit`'s start ([`nested`]).
fn nested_at(b: &[u8], hit: Range<usize>, memo: &mut Memo) -> Option<Vec<Range<usize>>> {
    let s = line_start(b, hit.start);
    let first = line_at(b, s);
    let level = indent(first);
    let body = &first[level..];
    if level == 0 || blank(body) || body[0] == b'#' || branch(body) || closes(body) || chained(body) {
        return None;
    }
    let e = lines_while(b, hit.end, memo.literals(), |line| {
        let ind = indent(line);
        let body = &line[ind..];
        blank(body) || body[0] == b'#' || ind > level || (ind == level && (branch(body) || chained(body)))
    });
    let mut out = Vec::with_capacity(8);
    out.push(s..e.min(b.len()));
    // (A statement that opens a block — `it "…" do`, `config = {` — comes with its closing line.)
    let next = (e < b.len()).then(|| line_at(b, e));
    let closed_below = next.is_some_and(|l| indent(l) == level && closes(&l[level..]));
    let need = code(body).1;
    if opens(body) || (closed_below && need > 0) {
        // (`{ 'api_key' => …,` closed by the `}` at its indentation.)
        out.push(closing_of(b, s, e, level, need)?);
    } else if closed_below {
        // (A closing line at the statement's indentation that the statement didn't open: the
        // indentation doesn't say what the code does.)
        return None;
    }
    let mut cur = level;
    let mut at = s;
    while cur > 0 && at > 0 {
        // (The nearest code line above indented less: blank lines, comments and the lines of the
        // blocks between are passed over.)
        let Some(up) = memo.above(b, at, cur) else { break };
        at = up;
        let line = line_at(b, at);
        let ind = indent(line);
        let header = &line[ind..];
        if closes(header) || chained(header) {
            return None;
        }
        out.push(at..(at + line.len() + 1).min(b.len()));
        if branch(header) {
            // `else`/`rescue`/`when`: read with the line opening the statement it continues and
            // the branches between (an empty branch is still Ruby), not their bodies.
            at = chain_start(b, at, ind, memo, &mut out)?;
        }
        if !opens(&line_at(b, at)[ind..]) {
            return None;
        }
        if !memo.closers.contains_key(&at) {
            let found = closer(b, at, ind, memo.literals());
            memo.closers.insert(at, found);
        }
        out.extend(memo.closers[&at].clone()?);
        cur = ind;
    }
    (cur == 0).then_some(out)
}

/// Back from the branch line at `at` (indented `ind`) over the other branches at its indentation
/// to the line opening the statement, adding each to `out`; the opening line's start. (Up the
/// file's indentation tree: the bodies of the branches between are passed over at once.)
fn chain_start(b: &[u8], mut at: usize, ind: usize, memo: &mut Memo, out: &mut Vec<Range<usize>>) -> Option<usize> {
    loop {
        at = memo.above(b, at, ind + 1)?;
        let line = line_at(b, at);
        let body = &line[ind.min(line.len())..];
        if indent(line) != ind || closes(body) || chained(body) {
            return None;
        }
        out.push(at..(at + line.len() + 1).min(b.len()));
        if !branch(body) {
            return Some(at);
        }
    }
}

/// The closing line of the block opened by the header at `at` (indented `ind`): the first later
/// code line indented no deeper that isn't one of its branches, when it is at the header's
/// indentation and only closes (`end`, `}`, `end)`). The lines of `literals` are passed over.
fn closer(b: &[u8], at: usize, ind: usize, literals: &[Range<usize>]) -> Option<Vec<Range<usize>>> {
    let e = lines_while(b, at, literals, |line| {
        let i = indent(line);
        let body = &line[i..];
        blank(body) || body[0] == b'#' || i > ind || (i == ind && (branch(body) || outdented(body)))
    });
    closing_of(b, at, e, ind, code(&line_at(b, at)[ind..]).1).map(|r| vec![r])
}

/// The heredocs of a Ruby file (`<<~SQL`, `<<-EOS`, `<<EOS`, quoted names too), found line by
/// line outside comments and one-line strings: for each, where its opener `<<` stands and its body
/// (from the line after the opener's to the end of its terminator line). Several on one line
/// (`f(<<~A, <<~B)`) follow each other. A heredoc whose terminator never comes ends the search.
pub(super) fn heredocs(b: &[u8]) -> Vec<(usize, Range<usize>)> {
    let mut out = Vec::new();
    if memchr::memmem::find(b, b"<<").is_none() {
        return out;
    }
    let mut s = 0;
    while s < b.len() {
        let line = line_at(b, s);
        let mut next = s + line.len() + 1;
        for (at, name, squiggly) in openers(line) {
            let body_start = next.min(b.len());
            let mut t = body_start;
            let mut end = None;
            while t < b.len() {
                let l = line_at(b, t);
                let l = l.strip_suffix(b"\r").unwrap_or(l);
                let term = if squiggly { l.trim_ascii_start() } else { l };
                if term == name {
                    end = Some(t + line_at(b, t).len());
                    break;
                }
                t += line_at(b, t).len() + 1;
            }
            let Some(end) = end else { return out };
            out.push((s + at, body_start..end));
            next = (end + 1).min(b.len());
        }
        s = next;
    }
    out
}

/// The heredoc openers on one line: the `<<`'s offset, the terminator's name, and whether the
/// terminator may be indented (`<<~`, `<<-`). A plain `<<NAME` takes an upper-case name only (`a
/// <<b` shifts), and `<< x` is never one (`class << self`, `list << item`).
fn openers(line: &[u8]) -> Vec<(usize, &[u8], bool)> {
    let mut out = Vec::new();
    let mut quote = None;
    let mut i = 0;
    while i < line.len() {
        let c = line[i];
        match quote {
            Some(_) if c == b'\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'#' => break,
            None if c == b'"' || c == b'\'' || c == b'`' => quote = Some(c),
            None if line[i..].starts_with(b"<<")
                && line.get(i + 2) != Some(&b'<')
                && (i == 0 || line[i - 1] != b'<') =>
            {
                let mut j = i + 2;
                let squiggly = matches!(line.get(j), Some(b'~' | b'-'));
                j += usize::from(squiggly);
                let q = line.get(j).copied().filter(|c| matches!(c, b'\'' | b'"' | b'`'));
                j += usize::from(q.is_some());
                let name_len = line[j..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count();
                let name = &line[j..j + name_len];
                let closed = match q {
                    Some(q) => line.get(j + name_len) == Some(&q),
                    None => true,
                };
                let upper = name.first().is_some_and(|c| c.is_ascii_uppercase() || *c == b'_');
                if name_len > 0 && closed && !name[0].is_ascii_digit() && (squiggly || q.is_some() || upper) {
                    out.push((i, name, squiggly));
                    i = j + name_len + usize::from(q.is_some());
                    continue;
                }
                i += 2;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    out
}

/// The closing line of the block opened on the line at `at` (indented `ind`, leaving `need`
/// brackets open) whose lines end before the line at `e`: the line at `e` when it closes at the
/// header's indentation, or — for brackets — the block's last line when it only closes, indented
/// deeper (a hash's `}` aligned under its elements).
fn closing_of(b: &[u8], at: usize, e: usize, ind: usize, need: usize) -> Option<Range<usize>> {
    if let Some(found) = closing(b, e, ind, need) {
        return Some(found);
    }
    if need == 0 {
        return None;
    }
    let mut last = e;
    loop {
        if last <= at {
            return None;
        }
        last = line_start(b, last - 1);
        if !blank(&line_at(b, last)[indent(line_at(b, last))..]) {
            break;
        }
    }
    let i = indent(line_at(b, last));
    (last > at && i > ind).then(|| closing(b, last, i, need)).flatten()
}

/// The line at `e` as the closing line of a block opened at indentation `ind` leaving `need`
/// brackets open: `Some` when it is indented `ind` and holds only closers (`end`, `}`, `)`, `]`,
/// `,`, `;`, at least `need` brackets), then at most a call that opens nothing and a comment.
/// (`end.each do` closes one block and opens another; `end + 1` goes on: both `None`.)
fn closing(b: &[u8], e: usize, ind: usize, need: usize) -> Option<Range<usize>> {
    if e >= b.len() {
        return None;
    }
    let line = line_at(b, e);
    if indent(line) != ind {
        return None;
    }
    let mut rest = &line[ind..];
    let (mut closed, mut brackets) = (false, 0);
    loop {
        rest = rest.trim_ascii_start();
        if starts_word(rest, &["end"]) {
            (rest, closed) = (&rest[3..], true);
        } else if matches!(rest.first(), Some(b'}' | b')' | b']')) {
            (rest, closed, brackets) = (&rest[1..], true, brackets + 1);
        } else if closed && matches!(rest.first(), Some(b',' | b';')) {
            rest = &rest[1..];
        } else {
            break;
        }
    }
    // (`}.merge(options)`, `}.not_to change { x }`: a call on the block's value that opens nothing.)
    let (tail, depth) = code(rest);
    let call = (tail.starts_with(b".") || tail.starts_with(b"&.")) && depth == 0 && !opens(tail);
    let done = closed && brackets >= need && (rest.is_empty() || rest[0] == b'#' || call);
    done.then(|| e..(e + line.len() + 1).min(b.len()))
}

/// True when the line (its text after the indentation) opens a block its later lines close: it
/// starts with `def`, `class`, `module`, `if`, … (or assigns one: `x = if …`, `y ||= begin`), or
/// its code ends with `do`, `do |x|`, `{`, `{ |x|`, `(` or `[` — and leaves no other bracket open
/// before a `do` or a keyword's block (`def f(a,` is the first line of a header written over
/// several lines; `eq({` opens two, closed together).
fn opens(body: &[u8]) -> bool {
    let (code, depth) = code(body);
    // (`class Foo; end`, `if a then b end` and `def name = expr` are closed on their own line.)
    let one_line = starts_word(code.rsplit(|c| !c.is_ascii_alphanumeric()).next().unwrap_or(b""), &["end"]);
    if starts_word(code, OPENING) {
        return depth == 0 && !one_line && !endless_def(code);
    }
    if let Some(eq) = memchr::memmem::find(code, b"= ") {
        let rhs = code[eq + 2..].trim_ascii_start();
        if starts_word(rhs, &["if", "unless", "case", "begin", "while", "until"]) && !one_line {
            return depth == 0;
        }
    }
    let code = block_params_stripped(code);
    if matches!(code.last(), Some(b'{' | b'(' | b'[')) {
        return depth >= 1;
    }
    (code.ends_with(b" do") || code == b"do") && depth == 0
}

/// `def name = expr`, `def name(args) = expr`: an endless method, which nothing closes
/// (`def x=(v)`, a setter, and `def ==(o)`, an operator, are not).
fn endless_def(code: &[u8]) -> bool {
    let Some(rest) = code.strip_prefix(b"def") else { return false };
    let rest = rest.trim_ascii_start();
    let name = rest.iter().position(|&c| c == b'(' || c.is_ascii_whitespace() || c == b';').unwrap_or(rest.len());
    let mut rest = &rest[name..];
    if rest.first() == Some(&b'(') {
        let mut depth = 0usize;
        let close = rest.iter().position(|&c| {
            match c {
                b'(' => depth += 1,
                b')' => depth -= 1,
                _ => {}
            }
            depth == 0
        });
        // (Parameters over several lines: a header the caller can't read from one line.)
        let Some(close) = close else { return false };
        rest = &rest[close + 1..];
    }
    let rest = rest.trim_ascii_start();
    rest.first() == Some(&b'=') && !matches!(rest.get(1), Some(b'=' | b'~' | b'>'))
}

/// The code before a trailing `|params|` of a block (`do |a, b|`, `{ |x|`).
fn block_params_stripped(code: &[u8]) -> &[u8] {
    if code.last() != Some(&b'|') {
        return code;
    }
    match memchr::memrchr(b'|', &code[..code.len() - 1]) {
        Some(p) => code[..p].trim_ascii_end(),
        None => code,
    }
}

/// A Ruby line's code before a trailing comment (a `#` outside quotes), trailing whitespace aside,
/// and the brackets it leaves open. A string the line leaves open gives no code: the header
/// checks then fail.
fn code(body: &[u8]) -> (&[u8], usize) {
    let (mut quote, mut depth) = (None, 0usize);
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        match quote {
            Some(_) if c == b'\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'#' => return (body[..i].trim_ascii_end(), depth),
            None if matches!(c, b'(' | b'[' | b'{') => depth += 1,
            None if matches!(c, b')' | b']' | b'}') => depth = depth.saturating_sub(1),
            None => {}
        }
        i += 1;
    }
    if quote.is_some() { (b"", 0) } else { (body.trim_ascii_end(), depth) }
}

/// A line (after its indentation) that is a branch of the statement above at its indentation.
fn branch(body: &[u8]) -> bool {
    starts_word(body, BRANCHES)
}

/// A line (after its indentation) that only changes the visibility of the methods below it
/// (`private`, `protected`, `public`), which a common style writes at its class's indentation: no
/// code line for the walks up and down a class (a method after it is still the class's).
pub(super) fn outdented(body: &[u8]) -> bool {
    let word = ["private", "protected", "public"].into_iter().find(|w| starts_word(body, &[w]));
    word.is_some_and(|w| matches!(body[w.len()..].trim_ascii_start().first(), None | Some(b'#')))
}

/// A line (after its indentation) that starts by closing a block (`end`, `}`, `)`, `]`).
fn closes(body: &[u8]) -> bool {
    starts_word(body, &["end"]) || matches!(body.first(), Some(b'}' | b')' | b']'))
}

/// A line (after its indentation) that goes on with the expression above (`.where(…)`, `&.x`,
/// `|| y`, `&& z`).
fn chained(body: &[u8]) -> bool {
    body[0] == b'.' || body.starts_with(b"&&") || body.starts_with(b"&.") || body.starts_with(b"||")
}

fn blank(body: &[u8]) -> bool {
    body.is_empty() || body == b"\r"
}

#[cfg(test)]
mod tests;
