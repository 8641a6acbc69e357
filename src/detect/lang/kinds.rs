//! What the engine asks of every node, answered by kind id: whether it is a string literal, a
//! number, a comment or an interpolation, and where a named field is. `Node::kind` measures and
//! validates a C string on every call, and `child_by_field_name` compares the name with each of the
//! grammar's field names: per node of a parsed file, that was a sixth of the walk. The answers are
//! the same functions' ([`literal::is_string_kind`], [`literal::is_number_kind`]…), asked once per
//! kind of a grammar.

use super::literal;
use crate::format::FileFormat;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use tree_sitter::{Language, Node};

/// A string literal kind of the format ([`literal::is_string_kind`]).
pub const STRING: u8 = 1;
/// An integer literal kind ([`literal::is_number_kind`]).
pub const NUMBER: u8 = 2;
/// A comment.
pub const COMMENT: u8 = 4;
/// A kind inside a string literal that makes it a template ([`literal::INTERPOLATIONS`]).
pub const INTERPOLATION: u8 = 8;

/// One grammar's answers.
pub struct Kinds {
    format: FileFormat,
    /// The flags of each kind id.
    flags: Vec<u8>,
    /// Each field name's id.
    fields: HashMap<String, u16>,
}

impl Kinds {
    /// The answers for `format`'s grammar `language`, built on first use.
    pub fn of(format: FileFormat, language: &Language) -> &'static Kinds {
        static ALL: OnceLock<Mutex<HashMap<FileFormat, &'static Kinds>>> = OnceLock::new();
        let mut all = ALL.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        all.entry(format).or_insert_with(|| Box::leak(Box::new(Kinds::build(format, language))))
    }

    fn build(format: FileFormat, language: &Language) -> Kinds {
        let flags = (0..language.node_kind_count())
            .map(|id| language.node_kind_for_id(id as u16).map_or(0, |kind| classify(format, kind)))
            .collect();
        let fields = (1..=language.field_count() as u16)
            .filter_map(|id| Some((language.field_name_for_id(id)?.to_string(), id)))
            .collect();
        Kinds { format, flags, fields }
    }

    /// The format whose grammar this is.
    pub fn format(&self) -> FileFormat {
        self.format
    }

    /// True when `node`'s kind has `flag`.
    pub fn is(&self, node: Node, flag: u8) -> bool {
        let flags = match self.flags.get(node.kind_id() as usize) {
            Some(&f) => f,
            // (Ids past the table — `ERROR` is `u16::MAX` — are classified by name.)
            None => classify(self.format, node.kind()),
        };
        flags & flag != 0
    }

    /// The child of `node` in field `name` (as `Node::child_by_field_name`).
    pub fn field<'t>(&self, node: Node<'t>, name: &str) -> Option<Node<'t>> {
        node.child_by_field_id(*self.fields.get(name)?)
    }
}

/// The flags of a kind named `kind` in `format`.
fn classify(format: FileFormat, kind: &str) -> u8 {
    let mut f = 0;
    if literal::is_string_kind(format, kind) {
        f |= STRING;
    }
    if literal::is_number_kind(kind) {
        f |= NUMBER;
    }
    if matches!(kind, "comment" | "line_comment" | "block_comment") {
        f |= COMMENT;
    }
    if literal::INTERPOLATIONS.contains(&kind) {
        f |= INTERPOLATION;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_answers_as_its_kind_name_does() {
        let files = [
            (FileFormat::Python, "x = f'{a}' + \"b\" # c\nport = 5432\n"),
            (FileFormat::JavaScript, "const a = `x${y}`; // c\nlet p = 'q', n = 42; /* d */\n"),
            (FileFormat::Go, "package m\n// c\nvar a = \"x\" + `y`\nconst n = 7\n"),
            (FileFormat::Shell, "export A=\"$B x\" # c\nC='d'\n"),
            (FileFormat::Php, "<?php $a = \"x{$b}\"; // c\n$n = 3;\n"),
            (FileFormat::Ruby, "a = \"x#{b}\" # c\nn = 9\n"),
            (FileFormat::Java, "class A { String a = \"x\"; int n = 1; /* c */ }\n"),
        ];
        for (format, text) in files {
            let (_, language) = super::super::spec::spec(format).expect("a language format");
            let kinds = Kinds::of(format, &language);
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&language).expect("grammar loads");
            let tree = parser.parse(text, None).expect("parses");
            let mut stack = vec![tree.root_node()];
            let mut seen = 0;
            while let Some(n) = stack.pop() {
                assert_eq!(kinds.is(n, STRING), literal::is_string_kind(format, n.kind()), "{format:?} {}", n.kind());
                assert_eq!(kinds.is(n, NUMBER), literal::is_number_kind(n.kind()), "{format:?} {}", n.kind());
                assert_eq!(kinds.is(n, INTERPOLATION), literal::INTERPOLATIONS.contains(&n.kind()));
                for name in ["left", "right", "value", "name", "operator", "arguments", "function", "nope"] {
                    assert_eq!(kinds.field(n, name), n.child_by_field_name(name), "{format:?} {} .{name}", n.kind());
                }
                seen += kinds.is(n, STRING | NUMBER | COMMENT | INTERPOLATION) as usize;
                let mut c = n.walk();
                stack.extend(n.children(&mut c));
            }
            assert!(seen >= 3, "{format:?}: literals, numbers and comments were classified ({seen})");
        }
    }
}
