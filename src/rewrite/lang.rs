//! The languages hoist rewrites in code, with their tree-sitter grammar and the node kinds a
//! rewrite cares about (string and number literals, places a call can't go).

use crate::format::FileFormat;
use tree_sitter::{Language, Node, Parser, Tree};

/// A programming language hoist can rewrite literals in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// Python.
    Python,
    /// JavaScript.
    JavaScript,
    /// TypeScript.
    TypeScript,
    /// TSX.
    Tsx,
    /// Go.
    Go,
    /// Java.
    Java,
    /// Ruby.
    Ruby,
    /// PHP.
    Php,
    /// POSIX shell / bash.
    Shell,
}

impl Lang {
    /// The language of a file format, if it is one hoist rewrites as code.
    pub fn of(format: FileFormat) -> Option<Lang> {
        Some(match format {
            FileFormat::Python => Lang::Python,
            FileFormat::JavaScript => Lang::JavaScript,
            FileFormat::TypeScript => Lang::TypeScript,
            FileFormat::Tsx => Lang::Tsx,
            FileFormat::Go => Lang::Go,
            FileFormat::Java => Lang::Java,
            FileFormat::Ruby => Lang::Ruby,
            FileFormat::Php => Lang::Php,
            FileFormat::Shell => Lang::Shell,
            _ => return None,
        })
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> Language {
        match self {
            Lang::Python => tree_sitter_python::LANGUAGE.into(),
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Lang::Go => tree_sitter_go::LANGUAGE.into(),
            Lang::Java => tree_sitter_java::LANGUAGE.into(),
            Lang::Ruby => tree_sitter_ruby::LANGUAGE.into(),
            Lang::Php => tree_sitter_php::LANGUAGE_PHP.into(),
            Lang::Shell => tree_sitter_bash::LANGUAGE.into(),
        }
    }

    /// Parses `text`; `None` only if the grammar can't be loaded (a version mismatch).
    pub fn parse(self, text: &str) -> Option<Tree> {
        let mut parser = Parser::new();
        parser.set_language(&self.grammar()).ok()?;
        parser.parse(text, None)
    }

    /// True for JavaScript and TypeScript (one rewriter serves all three grammars).
    pub fn is_js(self) -> bool {
        matches!(self, Lang::JavaScript | Lang::TypeScript | Lang::Tsx)
    }

    /// Node kinds of string literals whose text is `prefix? quote content quote`.
    pub fn is_string(self, kind: &str) -> bool {
        match self {
            Lang::Python | Lang::Ruby => kind == "string",
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => kind == "string" || kind == "template_string",
            Lang::Go => kind == "interpreted_string_literal" || kind == "raw_string_literal",
            Lang::Java => kind == "string_literal",
            Lang::Php => kind == "string" || kind == "encapsed_string",
            Lang::Shell => kind == "string" || kind == "raw_string",
        }
    }

    /// Node kinds of integer literals (a port stays an int after the rewrite).
    pub fn is_integer(self, kind: &str) -> bool {
        match self {
            Lang::Python | Lang::Ruby | Lang::Php => kind == "integer",
            Lang::JavaScript | Lang::TypeScript | Lang::Tsx => kind == "number",
            Lang::Go => kind == "int_literal",
            Lang::Java => kind == "decimal_integer_literal",
            Lang::Shell => kind == "number",
        }
    }

    /// Child node kinds inside a string that hold code, not text (a split must not cut them).
    pub fn is_interpolation(self, kind: &str) -> bool {
        matches!(
            kind,
            "interpolation" | "template_substitution" | "expansion" | "simple_expansion" | "command_substitution"
        ) || (self == Lang::Php && kind == "variable_name")
    }

    /// Why a runtime lookup can't replace a literal under `node`, if an ancestor forbids calls
    /// (constants, annotations, case labels, class constants and property defaults).
    pub fn call_forbidden(self, node: Node<'_>) -> Option<&'static str> {
        let mut cur = node.parent();
        while let Some(n) = cur {
            let reason = match (self, n.kind()) {
                (Lang::Go, "const_declaration") => {
                    Some("a Go constant can't read the environment; change `const` to `var` first")
                }
                (Lang::Java, "annotation" | "element_value_pair") => {
                    Some("annotation values must be compile-time constants")
                }
                (Lang::Java, "switch_label") => Some("case labels must be compile-time constants"),
                (Lang::Php, "const_declaration" | "property_declaration" | "property_promotion_parameter") => Some(
                    "PHP constants and property defaults can't call functions; move the value into the constructor",
                ),
                (Lang::Php, "simple_parameter") => Some("PHP parameter defaults can't call functions"),
                (Lang::Python, "decorator") => None,
                (Lang::Tsx | Lang::TypeScript, "enum_body") => Some("TypeScript enum members must be constant"),
                _ => None,
            };
            if reason.is_some() {
                return reason;
            }
            cur = n.parent();
        }
        None
    }
}

/// Counts ERROR and MISSING nodes: a rewrite must not add any.
pub fn error_count(tree: &Tree) -> usize {
    let mut count = 0;
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            count += 1;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return count;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_and_counts_errors() {
        for (lang, ok, bad) in [
            (Lang::Python, "x = 1\n", "x = (\n"),
            (Lang::JavaScript, "let x = 1;\n", "let x = (;\n"),
            (Lang::TypeScript, "let x: number = 1;\n", "let x: = ;\n"),
            (Lang::Tsx, "const a = <b/>;\n", "const a = <b;\n"),
            (Lang::Go, "package a\n", "package a\nfunc (\n"),
            (Lang::Java, "class A {}\n", "class A {\n"),
            (Lang::Ruby, "x = 1\n", "x = (\n"),
            (Lang::Php, "<?php $x = 1;\n", "<?php $x = (;\n"),
            (Lang::Shell, "x=1\n", "if then\n"),
        ] {
            assert_eq!(error_count(&lang.parse(ok).unwrap()), 0, "{lang:?}");
            assert!(error_count(&lang.parse(bad).unwrap()) > 0, "{lang:?}");
        }
    }
}
