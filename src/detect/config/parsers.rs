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
    PARSERS.with(|cell| {
        let mut slots = cell.borrow_mut();
        let slot = &mut slots[g as usize];
        if slot.is_none() {
            let mut p = Parser::new();
            p.set_language(&language(g)).ok()?;
            *slot = Some(p);
        }
        slot.as_mut()?.parse(text, None)
    })
}
