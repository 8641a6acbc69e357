//! String literals: which nodes are plain literals (no interpolation), the byte span of their
//! contents inside the quotes, and the decoded value the program sees.

use super::kinds::{INTERPOLATION, Kinds, NUMBER, STRING};
use crate::format::FileFormat;
use crate::model::Span;
use tree_sitter::Node;

/// Node kinds inside a string literal that make it a template, not a value.
pub const INTERPOLATIONS: &[&str] = &[
    "interpolation",
    "template_substitution",
    "string_interpolation",
    "expansion",
    "simple_expansion",
    "command_substitution",
    "arithmetic_expansion",
    "process_substitution",
    "variable_name",
    "dynamic_variable_name",
    "member_access_expression",
    "subscript_expression",
    "expression",
];

/// A decoded literal: its value and the span of its contents.
#[derive(Clone)]
pub struct Literal {
    /// What the program sees.
    pub value: String,
    /// The contents' bytes in the file (inside the quotes).
    pub span: Span,
}

/// True for integer literal node kinds (a port written `5432` is a config value).
pub fn is_number_kind(kind: &str) -> bool {
    matches!(kind, "integer" | "number" | "int_literal" | "decimal_integer_literal")
}

/// True when `kind` is a string-literal node kind in `format`.
pub fn is_string_kind(format: FileFormat, kind: &str) -> bool {
    match format {
        FileFormat::Python | FileFormat::Ruby => kind == "string",
        FileFormat::JavaScript | FileFormat::TypeScript | FileFormat::Tsx => {
            kind == "string" || kind == "template_string"
        }
        FileFormat::Go => kind == "interpreted_string_literal" || kind == "raw_string_literal",
        FileFormat::Java => kind == "string_literal",
        FileFormat::Php => kind == "string" || kind == "encapsed_string",
        FileFormat::Shell => kind == "string" || kind == "raw_string",
        _ => false,
    }
}

/// Reads a plain string literal node; `None` for templates, interpolated strings, heredocs, text
/// blocks and anything whose quoting this reader doesn't know.
pub fn read(kinds: &Kinds, node: Node, src: &str) -> Option<Literal> {
    let format = kinds.format();
    if kinds.is(node, NUMBER) {
        let text = &src[node.byte_range()];
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        return digits
            .then(|| Literal { value: text.to_string(), span: Span::new(node.start_byte(), node.end_byte()) });
    }
    // (Shell's quoting depends on the kind's name; no other format's does.)
    let kind = if format == FileFormat::Shell { node.kind() } else { "" };
    if !(kinds.is(node, STRING) || kind == "word") {
        return None;
    }
    if has_interpolation(kinds, node) {
        return None;
    }
    let text = &src[node.byte_range()];
    let (open, close, mode) = quoting(format, kind, text)?;
    // An unterminated literal (parse error) has no closing quote: don't guess its end.
    let closing = text.len().checked_sub(close).filter(|&c| c >= open)?;
    if close > 0 && !matches!(text.as_bytes()[closing], b'"' | b'\'' | b'`') {
        return None;
    }
    let start = node.start_byte() + open;
    let end = node.end_byte() - close;
    let raw = &src[start..end];
    let value = match mode {
        Escapes::None => raw.to_string(),
        Escapes::Quotes => raw.replace("\\\\", "\u{0}").replace("\\'", "'").replace('\u{0}', "\\"),
        Escapes::C => decode_c(raw),
    };
    Some(Literal { value, span: Span::new(start, end) })
}

/// True when a named node below `node`, through named nodes only, is an interpolation (one
/// cursor for the whole subtree: a cursor per level allocated for every literal).
fn has_interpolation(kinds: &Kinds, node: Node) -> bool {
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return false;
    }
    loop {
        let n = cursor.node();
        if n.is_named() {
            if kinds.is(n, INTERPOLATION) {
                return true;
            }
            if cursor.goto_first_child() {
                continue;
            }
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

enum Escapes {
    None,
    Quotes,
    C,
}

/// (opening length, closing length, escape mode) for a literal's text.
fn quoting(format: FileFormat, kind: &str, text: &str) -> Option<(usize, usize, Escapes)> {
    let first = text.chars().next()?;
    Some(match format {
        FileFormat::Python => {
            let prefix = text.find(['\'', '"'])?;
            let flags = text[..prefix].to_ascii_lowercase();
            if flags.contains('f') || !flags.chars().all(|c| "rbu".contains(c)) {
                return None;
            }
            let rest = &text[prefix..];
            let q = if rest.starts_with("\"\"\"") || rest.starts_with("'''") { 3 } else { 1 };
            let mode = if flags.contains('r') { Escapes::None } else { Escapes::C };
            (prefix + q, q, mode)
        }
        FileFormat::JavaScript | FileFormat::TypeScript | FileFormat::Tsx => match first {
            '\'' | '"' | '`' => (1, 1, Escapes::C),
            _ => return None,
        },
        FileFormat::Go => match first {
            '"' => (1, 1, Escapes::C),
            '`' => (1, 1, Escapes::None),
            _ => return None,
        },
        FileFormat::Java => {
            if text.starts_with("\"\"\"") || first != '"' {
                return None;
            }
            (1, 1, Escapes::C)
        }
        FileFormat::Ruby | FileFormat::Php => match first {
            '"' => (1, 1, Escapes::C),
            '\'' => (1, 1, Escapes::Quotes),
            _ => return None,
        },
        FileFormat::Shell => match (kind, first) {
            ("raw_string", '\'') => (1, 1, Escapes::None),
            ("string", '"') => (1, 1, Escapes::C),
            ("word", _) if !text.contains(['$', '`', '\\', '\'', '"']) => (0, 0, Escapes::None),
            _ => return None,
        },
        _ => return None,
    })
}

/// Decodes C-style escapes through the site reader's decoder (one owner of what an escape means).
fn decode_c(raw: &str) -> String {
    crate::site::decode_c_escapes(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes() {
        assert_eq!(decode_c(r#"a\"b\\c\n\x41\u00e9\q"#), "a\"b\\c\nA\u{e9}\\q");
    }
}
