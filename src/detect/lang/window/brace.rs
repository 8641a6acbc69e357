//! Nested windows for brace languages (JavaScript, TypeScript, Go, Java): an indented statement
//! is read with the header lines of the blocks around it and their closing brackets, instead of
//! the whole top-level statement. A bundle's one top-level function, a `declare namespace` of
//! 500 KB or a test function of 2,000 lines then cost the lines around a hit, not the file.

use super::above::Memo;
use super::{indent, line_at, line_start, lines_while};
use std::ops::Range;

/// The statement starting on the hit's line (its line and the lines indented deeper or closing
/// at its indentation), the header line of every block around it (`func TestX(t *testing.T) {`,
/// `export interface Req {`, `const config = {`) and the closing brackets of those blocks; `None`
/// when the hit's line is at the top level or continues something, a line above it at a lower
/// indentation doesn't open a block, or a block's closing line isn't where its indentation says.
/// `memo` remembers each header's closing range and the file's indentation tree (many hits share
/// their outer blocks). A hit
/// inside an expression written over several lines (a ternary chain, a condition, a call's
/// arguments) is read as a hit on the first line of the statement holding it.
pub(super) fn nested(b: &[u8], hit: Range<usize>, memo: &mut Memo) -> Option<Vec<Range<usize>>> {
    nested_at(b, hit.clone(), memo).or_else(|| {
        let s = statement_line(b, hit.start, memo)?;
        if let Some(known) = memo.statements.get(&s) {
            return known.clone();
        }
        let found = nested_at(b, s..s, memo);
        memo.statements.insert(s, found.clone());
        found
    })
}

/// The first line of the statement holding the line at `at`, when that line continues an
/// expression started above: back to the nearest line at a lower indentation than every line
/// between that opens a block (`… {`), then the last line passed at the lowest indentation
/// above it. `None` when that is the line at `at` itself or nothing opens a block above.
fn statement_line(b: &[u8], at: usize, memo: &mut Memo) -> Option<usize> {
    let s = line_start(b, at);
    let (mut low, mut start) = (indent(line_at(b, s)), s);
    let mut cur = s;
    // (Up the file's indentation tree, not line by line: the hits inside one long expression each
    // walked the lines above them to its first line. At column 0 nothing above is indented less.)
    while low > 0 {
        cur = memo.above_written(b, cur, low)?;
        let line = line_at(b, cur);
        let ind = indent(line);
        let body = &line[ind..];
        if body.trim_ascii_end().ends_with(b"{") {
            return (start != s).then_some(start);
        }
        (low, start) = (ind, cur);
    }
    None
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
    let e = lines_while(b, hit.end, |line| {
        let ind = indent(line);
        let body = &line[ind..];
        let blank = body.is_empty() || body == b"\r";
        blank || ind > level || (ind == level && is_closer(body))
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
        out.extend(memo.closers.entry(at).or_insert_with(|| closer(b, at, ind)).clone()?);
        // `} else {`, `}{` (a Go table after its struct type), `}, {`: the header continues a
        // block opened above at its indentation, whose line comes too (not its body).
        if is_closer(body) {
            at = opener(b, at, ind, memo, &mut out)?;
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

/// A line (its text after the indentation) that starts by closing a parenthesis or bracket, not
/// a block.
fn closes_group(body: &[u8]) -> bool {
    matches!(body.first(), Some(b')' | b']'))
}

/// The multi-line raw strings and template literals of a brace-language file (`` `…` ``, found by
/// a small lexer that skips comments, quoted strings and runes): a hit inside one is read as a hit
/// on the whole literal, so its window starts at the statement holding the literal rather than at
/// lines of the literal's content (a server config in a Go test reads as code there).
pub(super) fn raw_strings(b: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map(|p| i + p).unwrap_or(b.len());
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map(|p| i + 2 + p + 2).unwrap_or(b.len());
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'`' => {
                let end = memchr::memchr(b'`', &b[i + 1..]).map(|p| i + 1 + p + 1).unwrap_or(b.len());
                if memchr::memchr(b'\n', &b[i..end]).is_some() {
                    out.push(i..end);
                }
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
/// ends a statement there; `} else {` keeps only its `}`).
pub(super) fn closer(b: &[u8], at: usize, ind: usize) -> Option<Vec<Range<usize>>> {
    // `Sources: []*StreamSource{{` opens two blocks, closed by two lines at its indentation.
    let mut need = unclosed(line_at(b, at));
    let mut out = Vec::new();
    let mut e = memchr::memchr(b'\n', &b[at..]).map(|p| at + p + 1)?;
    while e < b.len() {
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
mod tests {
    use super::*;

    fn windows(text: &str, needle: &str) -> Option<Vec<String>> {
        let at = text.find(needle).expect("needle");
        let mut ws = nested(text.as_bytes(), at..at + needle.len(), &mut Memo::brace())?;
        ws.sort_by_key(|w| w.start);
        Some(ws.into_iter().map(|w| text[w].to_string()).collect())
    }

    #[test]
    fn a_field_deep_in_a_namespace_comes_with_its_headers_and_closers() {
        let text = "declare namespace Api {\n  export interface A {\n    Name?: string;\n  }\n  export interface Req {\n    Other?: string;\n    pageToken?: 'x';\n    Next?: string;\n  }\n}\nexport = Api;\n";
        assert_eq!(
            windows(text, "pageToken").unwrap(),
            ["declare namespace Api {\n", "  export interface Req {\n", "    pageToken?: 'x';\n", "  }\n", "}\n"]
        );
    }

    #[test]
    fn a_statement_takes_its_deeper_lines_and_its_own_closer() {
        let text = "func TestX(t *testing.T) {\n\tx := 1\n\tcfg := Config{\n\t\tPassword: \"p\",\n\t}\n\ty := 2\n}\n";
        assert_eq!(
            windows(text, "cfg").unwrap(),
            ["func TestX(t *testing.T) {\n", "\tcfg := Config{\n\t\tPassword: \"p\",\n\t}\n", "}\n"]
        );
    }

    #[test]
    fn a_header_opening_two_blocks_takes_both_closing_lines() {
        let text = "func T() {\n\tf(Config{\n\t\tSources: []*S{{\n\t\t\tName: \"x\",\n\t\t\tToken: \"t\",\n\t\t},\n\t\t},\n\t})\n}\n";
        assert_eq!(
            windows(text, "Token").unwrap(),
            [
                "func T() {\n",
                "\tf(Config{\n",
                "\t\tSources: []*S{{\n",
                "\t\t\tToken: \"t\",\n",
                "\t\t},\n",
                "\t\t},\n",
                "\t})\n",
                "}\n"
            ]
        );
    }

    #[test]
    fn hits_in_a_raw_string_are_hits_on_the_literal() {
        let text =
            "// a `quoted` word\nfunc T() {\n\ts := \"`\"\n\tc := `\n\t\tauth {\n\t\t\ttoken: \"x\"\n\t\t}\n\t`\n}\n";
        let raws = raw_strings(text.as_bytes());
        assert_eq!(raws.len(), 1);
        assert!(text[raws[0].clone()].starts_with("`\n\t\tauth {"));
        let at = text.find("token").unwrap();
        let hit = widen(at..at + 5, &raws);
        let ws = nested(text.as_bytes(), hit, &mut Memo::brace()).unwrap();
        let mut ws: Vec<_> = ws.into_iter().map(|w| &text[w]).collect();
        ws.sort();
        assert!(ws.iter().any(|w| w.starts_with("\tc := `") && w.ends_with("\t`\n")), "{ws:?}");
    }

    #[test]
    fn a_bundle_body_under_a_condition_comes_with_the_condition_line() {
        // react-dom's development builds: the whole bundle is one `cond && (function () {…})();`.
        let text = "'use strict';\n\"production\" !== process.env.NODE_ENV &&\n  (function () {\n    function a() {\n      return 1;\n    }\n    var config = {\n      password: 'x'\n    };\n  })();\n";
        assert_eq!(
            windows(text, "password").unwrap(),
            [
                "\"production\" !== process.env.NODE_ENV &&\n",
                "  (function () {\n",
                "    var config = {\n",
                "      password: 'x'\n",
                "    };\n",
                "  })",
                "\n"
            ]
        );
    }

    #[test]
    fn a_umd_factory_opened_after_a_closer_comes_with_its_wrapper_lines() {
        let text = "(function (global, factory) {\n  typeof exports === 'object' ? factory(exports) : factory(global.x = {});\n})(this, (function (exports) { 'use strict';\n  var a = 1;\n  var config = {\n    password: 'x'\n  };\n}));\n";
        assert_eq!(
            windows(text, "password").unwrap(),
            [
                "(function (global, factory) {\n",
                "})(this, (function (exports) { 'use strict';\n",
                "  var config = {\n",
                "    password: 'x'\n",
                "  };\n",
                "}));\n"
            ]
        );
    }

    #[test]
    fn a_case_clause_comes_with_its_switch_without_the_clauses_before_it() {
        let go = "func f(x string) string {\n\tswitch x {\n\tcase \"a\":\n\t\treturn \"1\"\n\tcase \"b\":\n\t\ttoken := \"abc\"\n\t\treturn token\n\tdefault:\n\t\treturn \"\"\n\t}\n}\n";
        assert_eq!(
            windows(go, "token := ").unwrap(),
            [
                "func f(x string) string {\n",
                "\tswitch x {\n",
                "\tcase \"b\":\n",
                "\t\ttoken := \"abc\"\n",
                "\t}\n",
                "}\n"
            ]
        );
        let js = "function f(x) {\n  switch (x) {\n    case 'a':\n      return 1;\n    case 'b':\n      token = 'abc';\n      break;\n  }\n}\n";
        assert_eq!(
            windows(js, "token = ").unwrap(),
            ["function f(x) {\n", "  switch (x) {\n", "    case 'b':\n", "      token = 'abc';\n", "  }\n", "}\n"]
        );
    }

    #[test]
    fn a_hit_inside_a_multi_line_expression_is_read_with_its_whole_statement() {
        let text = "function f(x) {\n  var a = 1;\n  var bucket =\n    \"use-credentials\" === x\n      ? \"credentials\"\n      : \"\";\n  return bucket;\n}\n";
        assert_eq!(
            windows(text, "credentials\"\n").unwrap(),
            [
                "function f(x) {\n",
                "  var bucket =\n    \"use-credentials\" === x\n      ? \"credentials\"\n      : \"\";\n",
                "}\n"
            ]
        );
    }

    #[test]
    fn continuations_and_strings_at_column_zero_fall_back() {
        // A header that continues a call: the top-level statement decides.
        assert!(windows("foo(a,\n  b, {\n    password: 'x'\n  })\n", "password").is_none());
        // `} else {` above: read with the `if` it continues, without the `if`'s body.
        assert_eq!(
            windows("function f() {\n  if (a) {\n    x();\n  } else {\n    token = 'x';\n  }\n}\n", "token").unwrap(),
            ["function f() {\n", "  if (a) {\n", "  } else {\n", "    token = 'x';\n", "  }\n", "}\n"]
        );
        // A raw string whose lines sit at column 0 inside the function: no closer where expected.
        assert!(windows("func T() {\n\tc := `\nauth {\n`\n\ttoken := \"x\"\n}\n", "token").is_none());
        assert!(windows("func T() {\n\ttoken := \"x\"\n\tc := `\nauth {\n`\n}\n", "token").is_none());
        // At the top level: the statement itself.
        assert!(windows("const token = 'x';\n", "token").is_none());
    }
}
