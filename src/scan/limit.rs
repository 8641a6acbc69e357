//! Where a file was scanned with less than the full detector set, and why: the per-file work
//! budget, generated and minified files, nesting too deep to read, documents that did not parse.
//! Each limit is reported in the summary, never passed over silently; the detectors note theirs
//! through [`note`] while they run (a thread-local, so `detect` needs no new return types).

use serde::Serialize;
use std::cell::RefCell;

/// Bytes of one file the language-aware detectors (tree-sitter parse, walk, grouping) take on.
/// Past it a file gets provider rules and the line detectors only: a safety net that keeps any
/// single file (a 4 MB generated policy table, a service model) from dominating a scan.
pub const DEFAULT_LANG_BUDGET: usize = 512 * 1024;

/// Nesting depth the structured readers follow; deeper values are left to the provider rules
/// (a 100k-level JSON document would otherwise overflow the stack).
pub const MAX_DEPTH: usize = 256;

/// Why a file was scanned with less than everything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Limit {
    /// Larger than the language-aware work budget.
    Budget,
    /// A generated file (`DO NOT EDIT`, `@generated`, `_pb2.py`, ANTLR…).
    Generated,
    /// Minified code (long lines throughout).
    Minified,
    /// Nested deeper than [`MAX_DEPTH`].
    Depth,
    /// A structured document that did not parse (unterminated): read line by line.
    ParseError,
}

impl Limit {
    /// Words for the summary.
    pub fn describe(self) -> &'static str {
        match self {
            Limit::Budget => "language-aware detection skipped: budget",
            Limit::Generated => "language-aware detection skipped: generated file",
            Limit::Minified => "language-aware detection skipped: minified",
            Limit::Depth => "nested deeper than 256 levels: the deeper part read by provider rules only",
            Limit::ParseError => "did not parse: read line by line",
        }
    }

    /// True when part of the file was read by provider rules alone, so a pre-commit hook can't
    /// vouch for it (exit 2). Generated and minified files are deliberate, like vendored ones.
    pub fn incomplete(self) -> bool {
        matches!(self, Limit::Budget | Limit::Depth)
    }
}

thread_local! {
    static NOTES: RefCell<Vec<Limit>> = const { RefCell::new(Vec::new()) };
}

/// Records a limit for the file being scanned on this thread.
pub fn note(limit: Limit) {
    NOTES.with(|n| {
        let mut n = n.borrow_mut();
        if !n.contains(&limit) {
            n.push(limit);
        }
    });
}

/// Takes the limits noted since the last call.
pub(crate) fn take() -> Vec<Limit> {
    NOTES.with(|n| std::mem::take(&mut *n.borrow_mut()))
}

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One level of a recursive reader, released on drop. See [`enter`].
pub struct DepthGuard(());

impl Drop for DepthGuard {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

/// Enters one level of a recursive reader: `None` (and [`Limit::Depth`] noted) past
/// [`MAX_DEPTH`], where the reader must stop descending. One line at the top of each recursive
/// function keeps deep documents from overflowing the stack.
pub fn enter() -> Option<DepthGuard> {
    DEPTH.with(|d| {
        if d.get() >= MAX_DEPTH {
            note(Limit::Depth);
            None
        } else {
            d.set(d.get() + 1);
            Some(DepthGuard(()))
        }
    })
}

/// The deepest nesting of `[`, `{` and `(` in `bytes` (strings not excluded: an upper bound).
/// Branch-free over a byte table: it runs over every file a grammar parses.
pub fn bracket_depth(bytes: &[u8]) -> usize {
    static STEP: [i8; 256] = {
        let mut t = [0i8; 256];
        t[b'[' as usize] = 1;
        t[b'{' as usize] = 1;
        t[b'(' as usize] = 1;
        t[b']' as usize] = -1;
        t[b'}' as usize] = -1;
        t[b')' as usize] = -1;
        t
    };
    let (mut depth, mut max) = (0i64, 0i64);
    for &b in bytes {
        depth = (depth + i64::from(STEP[b as usize])).max(0);
        max = max.max(depth);
    }
    max as usize
}

/// True when `bytes` nest brackets so deeply that a grammar would slow down on them before the
/// readers' own depth guard ([`MAX_DEPTH`]) is reached: such a file is not parsed. (Most files
/// are shown shallow by [`shallow`]'s bound, without the byte-by-byte walk.)
pub fn too_deep(bytes: &[u8]) -> bool {
    let limit = 4 * MAX_DEPTH;
    !shallow(bytes, limit) && bracket_depth(bytes) > limit
}

/// True when an upper bound of [`bracket_depth`] is at most `limit` (false: it may be deeper).
/// Counted per block, which the compiler vectorizes (the exact walk carries its depth from byte
/// to byte): within a block the depth rises at most by the block's openers, and at its end it
/// is either the depth at its start plus openers less closers (if it never fell to 0 inside) or
/// at most the openers after it last did. Code nests a few dozen levels, so the bound stays far
/// below the limit; a deeply nested file takes the exact walk.
fn shallow(bytes: &[u8], limit: usize) -> bool {
    // (Byte counters, which fit a block of 128: 7x faster than the exact walk on a 9 MB bundle,
    // where `usize` sums were 2x slower than it.)
    const BLOCK: usize = 128;
    let mut bound = 0usize; // ≥ the depth at the start of the block
    for block in bytes.chunks(BLOCK) {
        let (mut open, mut close) = (0u8, 0u8);
        for &b in block {
            open += u8::from((b == b'[') | (b == b'{') | (b == b'('));
            close += u8::from((b == b']') | (b == b'}') | (b == b')'));
        }
        let (open, close) = (usize::from(open), usize::from(close));
        if bound + open > limit {
            return false;
        }
        bound = (bound + open).saturating_sub(close).max(open);
    }
    true
}

/// Markers of generated code, looked for in a file's first 2 KB.
const GENERATED_MARKERS: &[&str] = &[
    "generated by",
    "do not edit",
    "@generated",
    "autogenerated",
    "auto-generated",
    "code generated",
    "generated from",
    "this file was automatically generated",
];

/// True for a generated file: a marker in a comment near the top, or a generator's file name.
pub fn is_generated(name: &str, text: &str) -> bool {
    let lower_name = name.to_ascii_lowercase();
    if lower_name.ends_with("_pb2.py")
        || lower_name.ends_with("_pb2_grpc.py")
        || lower_name.ends_with(".pb.go")
        || lower_name.ends_with(".pb.cc")
        || lower_name.ends_with("_pb.js")
        || lower_name.ends_with(".g.dart")
        || lower_name.ends_with(".designer.cs")
    {
        return true;
    }
    let mut end = text.len().min(2048);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = text[..end].to_ascii_lowercase();
    // Every marker holds `generat` or `do not edit`: only the lines holding one of those (or
    // `by antlr`) are checked for a comment with a marker (many files' docs say "generate").
    let h = head.as_bytes();
    let line_of = |at: usize| {
        let s = memchr::memrchr(b'\n', &h[..at]).map_or(0, |i| i + 1);
        let e = memchr::memchr(b'\n', &h[at..]).map_or(h.len(), |i| at + i);
        &head[s..e]
    };
    GENERATED_GATES.iter().any(|f| {
        f.find_iter(h).any(|at| {
            let t = line_of(at).trim_start();
            let comment = ["#", "//", "/*", "*", "<!--", "--", ";"].iter().any(|c| t.starts_with(c));
            comment && (GENERATED_MARKERS.iter().any(|m| t.contains(m)) || t.contains("by antlr"))
        })
    })
}

/// The words one of which every [`GENERATED_MARKERS`] line (or an ANTLR header) holds, searchers
/// built once.
static GENERATED_GATES: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 3]> =
    std::sync::LazyLock::new(|| [b"generat".as_slice(), b"do not edit", b"by antlr"].map(memchr::memmem::Finder::new));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_headers_and_names() {
        assert!(is_generated("x.py", "# Generated from ASLLexer.g4 by ANTLR 4.13.1\nfrom antlr4 import *\n"));
        assert!(is_generated("x.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage x\n"));
        assert!(is_generated("a_pb2.py", "import x\n"));
        assert!(is_generated("x.js", "/**\n * @generated\n */\n"));
        assert!(!is_generated("x.py", "password = 'generated by hand'\n"));
        assert!(!is_generated("x.py", "import os\n"));
        // The word gate passes every marker.
        for m in GENERATED_MARKERS.iter().chain(&["by antlr"]) {
            assert!(is_generated("x.c", &format!("/* {} */\n", m.to_ascii_uppercase())), "{m}");
        }
    }

    #[test]
    fn the_depth_bound_never_says_shallow_of_a_deeper_text() {
        // Random bracket soups (every block shape: runs up, runs down, balanced, bytes between),
        // and the nesting the guard exists for.
        let mut next = crate::detect::words::tests::xorshift(0x9e37_79b9_7f4a_7c15);
        let mut texts: Vec<Vec<u8>> = vec![Vec::new(), b"((([[{".repeat(500), b"({[]})x".repeat(3000)];
        texts.push([b"(".repeat(1100), b")".repeat(1100)].concat());
        texts.push([b"{".repeat(1024), b"x".repeat(300)].concat());
        texts.push([b"[".repeat(1025)].concat());
        for _ in 0..3000 {
            let n = (next() % 4000) as usize;
            let bias = next() % 5;
            texts.push(
                (0..n)
                    .map(|_| match next() % 10 {
                        r if r < 3 + bias => b"([{"[(next() % 3) as usize],
                        r if r < 7 => b")]}"[(next() % 3) as usize],
                        _ => b'a',
                    })
                    .collect(),
            );
        }
        let mut shallow_seen = 0;
        for t in &texts {
            let depth = bracket_depth(t);
            for limit in [0, 1, 7, 40, 300, 1024] {
                if shallow(t, limit) {
                    shallow_seen += 1;
                    assert!(depth <= limit, "depth {depth} > {limit}");
                }
            }
            assert_eq!(too_deep(t), depth > 4 * MAX_DEPTH);
        }
        assert!(shallow_seen > 3000, "the bound decides most texts ({shallow_seen})");
        assert!(too_deep(&b"[".repeat(1025)) && !too_deep(&b"[".repeat(1024)));
    }

    #[test]
    fn notes_are_taken_once() {
        note(Limit::Depth);
        note(Limit::Depth);
        assert_eq!(take(), vec![Limit::Depth]);
        assert!(take().is_empty());
    }
}
