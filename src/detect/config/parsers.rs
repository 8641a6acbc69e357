//! One tree-sitter parser per grammar per thread, created on first use and reused for every file.

use std::cell::RefCell;
use tree_sitter::{Language, Parser, Tree};

/// The grammars the config detectors parse with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grammar {
    /// tree-sitter-yaml.
    Yaml,
    /// tree-sitter-json.
    Json,
    /// tree-sitter-hcl.
    Hcl,
}

thread_local! {
    static PARSERS: RefCell<[Option<Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

fn language(g: Grammar) -> Language {
    match g {
        Grammar::Yaml => tree_sitter_yaml::LANGUAGE.into(),
        Grammar::Json => tree_sitter_json::LANGUAGE.into(),
        Grammar::Hcl => tree_sitter_hcl::LANGUAGE.into(),
    }
}

/// Parses `text` with the thread's parser for `g`. `None` only if the grammar fails to load.
pub(crate) fn parse(g: Grammar, text: &str) -> Option<Tree> {
    parse_range(g, text, 0..text.len())
}

/// Parses only `range` of `text` (nodes keep their offsets in the whole text): the YAML reader
/// parses long files in pieces because the grammar's scanner counts rows in 16 bits.
pub(crate) fn parse_range(g: Grammar, text: &str, range: std::ops::Range<usize>) -> Option<Tree> {
    PARSERS.with(|cell| {
        let mut slots = cell.borrow_mut();
        let slot = &mut slots[g as usize];
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&language(g)).ok()?;
            *slot = Some(p);
        }
        let parser = slot.as_mut()?;
        let whole = range == (0..text.len());
        if !whole {
            let start_point = point_at(text, range.start);
            let end_point = point_at(text, range.end);
            let r = tree_sitter::Range { start_byte: range.start, end_byte: range.end, start_point, end_point };
            parser.set_included_ranges(&[r]).ok()?;
        }
        let tree = parser.parse(text, None);
        if !whole {
            parser.set_included_ranges(&[]).ok()?;
        }
        tree
    })
}

fn point_at(text: &str, at: usize) -> tree_sitter::Point {
    let before = &text.as_bytes()[..at];
    let row = memchr::memchr_iter(b'\n', before).count();
    let col = at - memchr::memrchr(b'\n', before).map(|p| p + 1).unwrap_or(0);
    tree_sitter::Point { row, column: col }
}
