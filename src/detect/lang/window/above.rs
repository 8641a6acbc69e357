//! What the nested windows' walks up from a hit ask of a file, answered once for all its hits: the
//! closing lines of a block header, the nested windows of a statement read from its first line
//! (and which line that is), and the nearest code line above a line that is indented less than
//! some level. Walking up line by line from each hit cost the lines between the hit and its
//! function's header for every hit: a tokenizer of 3,000 lines in one function whose every other
//! line says `token` spent most of its scan there. The lines' indentation tree (each code line's
//! parent: the nearest code line above it indented less) is built in one pass when first asked,
//! and a walk up jumps from parent to parent.

use super::{indent, line_at};
use crate::format::FileFormat;
use std::collections::HashMap;
use std::ops::Range;

/// A language's nested windows of a hit read from the hit's own line.
pub(super) type FromLine = fn(&[u8], Range<usize>, &mut Memo) -> Option<Vec<Range<usize>>>;

/// One file's answers.
pub(super) struct Memo {
    /// Each block header's closing ranges, by the header line's start.
    pub closers: HashMap<usize, Option<Vec<Range<usize>>>>,
    /// True for a comment line (its text after the indentation), which is no code.
    comment: fn(&[u8]) -> bool,
    /// The code lines in order: start, indentation, parent (an index into this).
    lines: Option<Vec<(usize, usize, Option<usize>)>>,
    /// The same for every line that isn't blank, comments included.
    written: Option<Vec<(usize, usize, Option<usize>)>>,
    /// The nested windows of a statement read from its first line, by that line's start: the
    /// hits inside one long expression (a test's table of 500 rows) all read it from there.
    pub statements: HashMap<usize, Option<Vec<Range<usize>>>>,
    /// The bodies of the file's multi-line literals whose lines are no code (Ruby's heredocs,
    /// PHP's strings and comments), sorted: their lines are passed over wherever they are indented.
    literals: Vec<Range<usize>>,
}

impl Memo {
    /// The memo of a file whose comment lines `comment` tells (`#`, `//`: its text after the
    /// indentation, never empty).
    fn new(comment: fn(&[u8]) -> bool) -> Memo {
        Memo {
            closers: HashMap::new(),
            comment,
            lines: None,
            written: None,
            statements: HashMap::new(),
            literals: Vec::new(),
        }
    }

    /// This memo, passing over the lines that start inside `literals` (sorted byte ranges, each
    /// from the start of a line).
    pub fn with_literals(mut self, literals: Vec<Range<usize>>) -> Memo {
        self.literals = literals;
        self
    }

    /// The literal bodies this memo passes over ([`Memo::with_literals`]).
    pub fn literals(&self) -> &[Range<usize>] {
        &self.literals
    }

    /// The memo of a file of `format`: Python's, Ruby's or PHP's comments, else the brace languages'.
    pub fn of(format: FileFormat) -> Memo {
        match format {
            FileFormat::Python => Memo::python(),
            FileFormat::Ruby => Memo::ruby(),
            FileFormat::Php => Memo::new(|body| body.starts_with(b"//") || body[0] == b'#'),
            _ => Memo::brace(),
        }
    }

    /// The memo of a Ruby file: `#` comments, and the visibility lines a class's methods may be
    /// written below at the class's own indentation ([`super::ruby::outdented`]).
    pub fn ruby() -> Memo {
        Memo::new(|body| body[0] == b'#' || super::ruby::outdented(body))
    }

    /// The memo of a Python file (`#` comments).
    pub fn python() -> Memo {
        Memo::new(|body| body[0] == b'#')
    }

    /// The memo of a brace-language file (`//` comments).
    pub fn brace() -> Memo {
        Memo::new(|body| body.starts_with(b"//"))
    }

    /// The start of the nearest line above the line starting at `at` that is code (not blank,
    /// not a comment) and indented less than `cur`: what walking up line by line, passing over
    /// blank lines, comments and lines indented `cur` or more, stops at.
    pub fn above(&mut self, b: &[u8], at: usize, cur: usize) -> Option<usize> {
        let comment = self.comment;
        up(self.lines.get_or_insert_with(|| tree(b, comment, &self.literals)), at, cur)
    }

    /// The nested windows of `hit` that `from_line` reads from its line, else — for a hit inside
    /// an expression written over several lines (a ternary chain, a call's arguments) — those it
    /// reads from the first line of the statement holding it ([`Memo::statement_line`]),
    /// remembered by that line: the hits of one long expression (a test's table of 500 rows) all
    /// read it from there once.
    pub fn nested_or_statement(
        &mut self,
        b: &[u8],
        hit: Range<usize>,
        opens: fn(&[u8]) -> bool,
        from_line: FromLine,
    ) -> Option<Vec<Range<usize>>> {
        from_line(b, hit.clone(), self).or_else(|| {
            let s = self.statement_line(b, hit.start, opens)?;
            if let Some(known) = self.statements.get(&s) {
                return known.clone();
            }
            let found = from_line(b, s..s, self);
            self.statements.insert(s, found.clone());
            found
        })
    }

    /// The first line of the statement holding the line at `at`, when that line continues an
    /// expression started above: up the lines indented less (comments count) to the nearest one
    /// that `opens` a block (its text after the indentation: `… {`, `… do`), then the last line
    /// passed, at the lowest indentation. `None` when that is the line at `at` itself or nothing
    /// opens a block above. (Up the indentation tree, not line by line: the hits inside one long
    /// expression each walked the lines above them to its first line.)
    pub fn statement_line(&mut self, b: &[u8], at: usize, opens: fn(&[u8]) -> bool) -> Option<usize> {
        let s = super::line_start(b, at);
        let (mut low, mut start) = (indent(line_at(b, s)), s);
        let mut cur = s;
        // (At column 0 nothing above is indented less.)
        while low > 0 {
            cur = self.above_written(b, cur, low)?;
            let line = line_at(b, cur);
            let ind = indent(line);
            if opens(&line[ind..]) {
                return (start != s).then_some(start);
            }
            (low, start) = (ind, cur);
        }
        None
    }

    /// As [`Memo::above`], but comment lines count as lines: the nearest line above the one at
    /// `at` that isn't blank and is indented less than `cur`.
    pub fn above_written(&mut self, b: &[u8], at: usize, cur: usize) -> Option<usize> {
        up(self.written.get_or_insert_with(|| tree(b, |_| false, &self.literals)), at, cur)
    }
}

/// The start of the nearest line of `lines` (a [`tree`]) above `at` indented less than `cur`: the
/// last line above `at`, then up its parents (the lines between a line and its parent are
/// indented at least as much as the line).
fn up(lines: &[(usize, usize, Option<usize>)], at: usize, cur: usize) -> Option<usize> {
    let mut i = lines.partition_point(|&(s, _, _)| s < at).checked_sub(1)?;
    loop {
        let (s, ind, parent) = lines[i];
        if ind < cur {
            return Some(s);
        }
        i = parent?;
    }
}

/// True for a line (its text after the indentation) that is no code: blank, or only `\r`.
fn blank(body: &[u8]) -> bool {
    body.is_empty() || body == b"\r"
}

/// The code lines of `b` with their indentation and parent, in one pass (a stack of the open
/// indentation levels); the lines starting inside one of `literals` (sorted) are none.
fn tree(b: &[u8], skip: fn(&[u8]) -> bool, literals: &[Range<usize>]) -> Vec<(usize, usize, Option<usize>)> {
    let mut out: Vec<(usize, usize, Option<usize>)> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let (mut s, mut k) = (0, 0);
    while s < b.len() {
        if let Some(next) = super::past_literal(b, literals, &mut k, s) {
            s = next;
            continue;
        }
        let line = line_at(b, s);
        let ind = indent(line);
        let body = &line[ind..];
        if !blank(body) && !skip(body) {
            while open.last().is_some_and(|&j| out[j].1 >= ind) {
                open.pop();
            }
            out.push((s, ind, open.last().copied()));
            open.push(out.len() - 1);
        }
        s += line.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk `above` replaces: line by line up from `at`, passing over the lines that start
    /// inside one of `literals`.
    fn walked(
        b: &[u8],
        mut at: usize,
        cur: usize,
        skip: fn(&[u8]) -> bool,
        literals: &[Range<usize>],
    ) -> Option<usize> {
        while at > 0 {
            at = super::super::line_start(b, at - 1);
            let line = line_at(b, at);
            let ind = indent(line);
            let body = &line[ind..];
            if blank(body) || skip(body) || ind >= cur || literals.iter().any(|r| r.start <= at && at < r.end) {
                continue;
            }
            return Some(at);
        }
        None
    }

    #[test]
    fn jumping_up_the_parents_stops_where_walking_up_does() {
        let comment: fn(&[u8]) -> bool = |body| body.starts_with(b"//");
        let hash: fn(&[u8]) -> bool = |body| body.first() == Some(&b'#');
        let mut next = crate::detect::words::tests::xorshift(0x5851_f42d_4c95_7f2d);
        let pieces = ["x", "{", "}", "// c", "# c", "", "\r", "\tx", "y = 1"];
        let mut checked = 0;
        for _ in 0..400 {
            let n = (next() % 40) as usize;
            let text: String = (0..n)
                .map(|_| {
                    let ind = " ".repeat((next() % 7) as usize);
                    format!("{ind}{}\n", pieces[(next() % pieces.len() as u64) as usize])
                })
                .collect();
            let b = text.as_bytes();
            let starts: Vec<usize> = std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', b).map(|p| p + 1))
                .filter(|&s| s <= b.len())
                .collect();
            // Literal bodies: runs of whole lines (from a line's start to the end of a later line).
            let mut literals = Vec::new();
            let mut i = 0;
            while i + 1 < starts.len() {
                if next().is_multiple_of(5) {
                    let last = (i + (next() % 4) as usize).min(starts.len() - 2);
                    literals.push(starts[i]..starts[last + 1] - 1);
                    i = last + 1;
                }
                i += 1;
            }
            for (memo, skip) in [(Memo::brace as fn() -> Memo, comment), (Memo::python, hash)] {
                let mut memo = memo().with_literals(literals.clone());
                for &at in &starts {
                    for cur in 0..8 {
                        let want = walked(b, at, cur, skip, &literals);
                        assert_eq!(memo.above(b, at, cur), want, "{text:?} {literals:?} at {at} below {cur}");
                        let written = walked(b, at, cur, |_| false, &literals);
                        assert_eq!(
                            memo.above_written(b, at, cur),
                            written,
                            "{text:?} {literals:?} at {at} below {cur}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 10_000);
    }
}
