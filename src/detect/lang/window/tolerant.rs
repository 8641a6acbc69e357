//! Windows for a large file whose windows did not parse cleanly: each hit gets the smallest window
//! that reads it (its nested window, else its statement, else its own lines), parsed on its own so
//! one cut-off construct can't spoil the rest. The file's cost then stays proportional to its hits
//! instead of growing to a parse of the whole file (a webpack bundle, a 400 KB React build).
#![allow(clippy::single_range_in_vec_init)] // (Vectors of windows that hold one window.)

use super::{MIN_WINDOWED, Statements, brace, cont_for, line_start, merged, python, statement_end};
use crate::format::FileFormat;
use std::ops::Range;

/// A statement window longer than this is cut to the hit's own lines: a top-level statement that
/// is the whole bundle costs what the hit's lines cost.
const MAX_STATEMENT: usize = 8 * 1024;

/// The windows of `hits`, one group of byte ranges per hit (groups sharing lines merged, each
/// sorted), or `None` when the file is small or its language isn't windowed. PHP's groups start
/// with the file's first `<?php` tag, without which a window reads as HTML.
pub fn groups(format: FileFormat, text: &str, hits: &[Range<usize>]) -> Option<Vec<Vec<Range<usize>>>> {
    if text.len() < MIN_WINDOWED {
        return None;
    }
    let b = text.as_bytes();
    let cont = cont_for(format).unwrap_or(super::common_continues);
    let php_tag = match format {
        FileFormat::Php => Some(super::php::tag(b)?),
        _ => None,
    };
    let brace_like = matches!(
        format,
        FileFormat::JavaScript | FileFormat::TypeScript | FileFormat::Tsx | FileFormat::Go | FileFormat::Java
    );
    let (raws, mut memo) = super::literals(format, b, true);
    let mut out: Vec<Vec<Range<usize>>> = Vec::new();
    let mut statements = Statements::new(cont).with_literals(super::statement_literals(format, b));
    for hit in hits {
        let hit = brace::widen(hit.clone(), &raws);
        if statements.repeats(b, &hit) {
            continue;
        }
        let nested = match format {
            FileFormat::Python => python::nested(b, hit.clone(), &mut memo),
            FileFormat::Ruby => super::ruby::nested(b, hit.clone(), &mut memo),
            _ if brace_like => brace::nested(b, hit.clone(), &mut memo),
            _ => None,
        };
        let mut ws = nested.unwrap_or_else(|| {
            let w = statements.of(b, &hit);
            if w.len() <= MAX_STATEMENT {
                vec![w]
            } else {
                vec![line_start(b, hit.start)..statement_end(b, hit.end, |_| false, &[])]
            }
        });
        ws.extend(php_tag.clone().filter(|t| ws.iter().all(|w| w.start > t.end)));
        let ws = merged(ws);
        match out.last_mut() {
            Some(last) if touches(last, &ws) => {
                last.extend(ws);
                *last = merged(std::mem::take(last));
            }
            _ => out.push(ws),
        }
    }
    Some(out)
}

/// tree-sitter's included ranges for each group of `groups` (one pass over `text` for the rows,
/// however many groups there are).
pub fn included(text: &str, groups: &[Vec<Range<usize>>]) -> Vec<Vec<tree_sitter::Range>> {
    let b = text.as_bytes();
    let newlines: Vec<usize> = memchr::memchr_iter(b'\n', b).collect();
    let point = |at: usize| {
        let row = newlines.partition_point(|&n| n < at);
        tree_sitter::Point { row, column: at - line_start(b, at) }
    };
    groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|w| tree_sitter::Range {
                    start_byte: w.start,
                    end_byte: w.end,
                    start_point: point(w.start),
                    end_point: point(w.end),
                })
                .collect()
        })
        .collect()
}

/// True when a range of `a` overlaps or adjoins one of `b` (the same lines would be read twice).
fn touches(a: &[Range<usize>], b: &[Range<usize>]) -> bool {
    a.iter().any(|x| b.iter().any(|y| x.start <= y.end && y.start <= x.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_in_a_huge_statement_gets_its_own_lines() {
        // A Ruby spec's one `describe` block: the hit comes with its header and `end`, not the
        // 40 KB statement.
        let mut text = String::from("describe 'client' do\n");
        for i in 0..2000 {
            text.push_str(&format!("  x{i} = {i}\n"));
        }
        let at = text.len();
        text.push_str("  password = 'hunter2hunter2'\n  y = 1\nend\n");
        let hit = at + 2..at + 10;
        let groups_of = groups;
        let groups = groups_of(FileFormat::Ruby, &text, std::slice::from_ref(&hit)).expect("large Ruby is windowed");
        assert_eq!(groups.len(), 1);
        let got: Vec<_> = groups[0].iter().map(|w| &text[w.clone()]).collect();
        assert_eq!(got, ["describe 'client' do\n", "  password = 'hunter2hunter2'\n", "end\n"]);
        // Without a closing `end` where the indentation says: the hit's own lines.
        let cut = text.replace("\nend\n", "\n");
        let groups = groups_of(FileFormat::Ruby, &cut, &[hit]).expect("large Ruby is windowed");
        assert_eq!(&cut[groups[0][0].clone()], "  password = 'hunter2hunter2'\n");
    }

    #[test]
    fn hits_sharing_lines_share_one_group_and_php_windows_open_with_the_tag() {
        let mut text = String::from("<html>\n<?php\n");
        for i in 0..400 {
            text.push_str(&format!("$x{i} = {i};\n"));
        }
        let at = text.len();
        text.push_str("$config = array(\n  'password' => 'hunter2hunter2',\n  'token' => 'abcdefabcdef',\n);\n");
        let p = at + text[at..].find("password").unwrap();
        let t = at + text[at..].find("token").unwrap();
        let groups = groups(FileFormat::Php, &text, &[p..p + 8, t..t + 5]).expect("large PHP is windowed");
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(&text[groups[0][0].clone()], "<?php");
        assert!(groups[0][1..].iter().any(|w| text[w.clone()].contains("'token'")));
    }

    #[test]
    fn included_ranges_carry_rows_and_columns() {
        let text = "a\nbb\n  ccc\n";
        let r = included(text, &[vec![5..10], vec![0..1]]);
        assert_eq!((r[0][0].start_point.row, r[0][0].start_point.column), (2, 0));
        assert_eq!((r[0][0].end_point.row, r[0][0].end_point.column), (2, 5));
        assert_eq!((r[1][0].start_point.row, r[1][0].end_point.column), (0, 1));
    }

    #[test]
    fn a_credential_in_a_large_bundle_whose_windows_break_is_still_read() {
        // A webpack 4 bundle: `/***/` markers at column 0 cut every module's window from its closer.
        let mut text = String::from("/******/ (function(modules) {\n/******/ })([\n");
        for m in 0..1000 {
            text.push_str(&format!("/* {m} */\n/***/ (function(module, exports) {{\n\nvar v{m} = {{\n  a: {m},\n  b: \"x{m}\"\n}};\nmodule.exports = v{m};\n\n/***/ }}),\n"));
        }
        text.push_str("/* 1000 */\n/***/ (function(module, exports) {\n\nvar db = {\n  host: \"db.internal\",\n  password: \"Xk9mP2vL7qTz\"\n};\n\n/***/ })\n/******/ ]);\n");
        assert!(text.len() > 64 * 1024);
        let found = crate::detect::lang::analyze(FileFormat::JavaScript, &text);
        assert!(found.iter().any(|d| &text[d.span.start..d.span.end] == "Xk9mP2vL7qTz"), "{found:?}");
    }

    #[test]
    fn small_files_are_not_windowed() {
        assert!(groups(FileFormat::Python, "password = 'x'\n", &[0..8]).is_none());
    }
}
