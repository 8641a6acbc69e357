//! Per-language tables for the shared engine: which nodes bind a name to a value, which wrap an
//! expression without changing it, which hold call arguments, and the grammar for each format.

use crate::format::FileFormat;
use tree_sitter::Language;

/// Where a binding node keeps its name or its value.
#[derive(Clone, Copy, Debug)]
pub enum Slot {
    /// A named field.
    Field(&'static str),
    /// The n-th named child (for grammars without fields, like PHP's `key => value`).
    Nth(usize),
}

/// A node kind that binds a name to a value: an assignment, a dict entry, a keyword argument…
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    /// The node kind.
    pub kind: &'static str,
    /// Where the name is.
    pub name: Slot,
    /// Where the value is.
    pub value: Slot,
    /// True when the binding sits in a literal container (dict/object/hash/call arguments) whose
    /// other entries group with it.
    pub scoped: bool,
}

const fn b(kind: &'static str, name: Slot, value: Slot, scoped: bool) -> Binding {
    Binding { kind, name, value, scoped }
}

use Slot::{Field as F, Nth as N};

/// The tables for one language.
pub struct Spec {
    /// Name/value bindings.
    pub bindings: &'static [Binding],
    /// Wrappers to look through between a literal and what holds it.
    pub transparent: &'static [&'static str],
    /// Node kinds holding call arguments.
    pub arguments: &'static [&'static str],
    /// Binary-operator node kinds (concatenation, `||` defaults).
    pub binary: &'static [&'static str],
}

const PYTHON: Spec = Spec {
    bindings: &[
        b("assignment", F("left"), F("right"), false),
        b("augmented_assignment", F("left"), F("right"), false),
        b("keyword_argument", F("name"), F("value"), true),
        b("pair", F("key"), F("value"), true),
        b("default_parameter", F("name"), F("value"), false),
        b("typed_default_parameter", F("name"), F("value"), false),
    ],
    transparent: &["parenthesized_expression"],
    arguments: &["argument_list"],
    binary: &["binary_operator", "boolean_operator"],
};

const JS: Spec = Spec {
    bindings: &[
        b("variable_declarator", F("name"), F("value"), false),
        b("assignment_expression", F("left"), F("right"), false),
        b("augmented_assignment_expression", F("left"), F("right"), false),
        b("pair", F("key"), F("value"), true),
        b("field_definition", F("property"), F("value"), false),
        b("public_field_definition", F("name"), F("value"), false),
        b("assignment_pattern", F("left"), F("right"), false),
        b("required_parameter", F("pattern"), F("value"), false),
        b("optional_parameter", F("pattern"), F("value"), false),
    ],
    transparent: &["parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"],
    arguments: &["arguments"],
    binary: &["binary_expression"],
};

const GO: Spec = Spec {
    bindings: &[
        b("short_var_declaration", F("left"), F("right"), false),
        b("assignment_statement", F("left"), F("right"), false),
        b("var_spec", F("name"), F("value"), false),
        b("const_spec", F("name"), F("value"), false),
        b("keyed_element", F("key"), F("value"), true),
    ],
    transparent: &["parenthesized_expression", "literal_element"],
    arguments: &["argument_list"],
    binary: &["binary_expression"],
};

const JAVA: Spec = Spec {
    bindings: &[
        b("variable_declarator", F("name"), F("value"), false),
        b("assignment_expression", F("left"), F("right"), false),
        b("element_value_pair", F("key"), F("value"), true),
    ],
    transparent: &["parenthesized_expression"],
    arguments: &["argument_list"],
    binary: &["binary_expression"],
};

const RUBY: Spec = Spec {
    bindings: &[
        b("assignment", F("left"), F("right"), false),
        b("operator_assignment", F("left"), F("right"), false),
        b("pair", F("key"), F("value"), true),
        b("optional_parameter", F("name"), F("value"), false),
        b("keyword_parameter", F("name"), F("value"), false),
    ],
    transparent: &["parenthesized_statements"],
    arguments: &["argument_list"],
    binary: &["binary"],
};

const PHP: Spec = Spec {
    bindings: &[
        b("assignment_expression", F("left"), F("right"), false),
        b("augmented_assignment_expression", F("left"), F("right"), false),
        b("array_element_initializer", N(0), N(1), true),
        b("const_element", N(0), N(1), false),
        b("property_element", F("name"), F("default_value"), false),
        b("argument", F("name"), N(1), true),
    ],
    transparent: &["parenthesized_expression", "argument", "array_element_initializer"],
    arguments: &["arguments"],
    binary: &["binary_expression"],
};

const SHELL: Spec = Spec {
    bindings: &[b("variable_assignment", F("name"), F("value"), false)],
    transparent: &[],
    arguments: &[],
    binary: &["binary_expression"],
};

/// The tables and grammar for a programming-language format; `None` for other formats.
pub fn spec(format: FileFormat) -> Option<(&'static Spec, Language)> {
    Some(match format {
        FileFormat::Python => (&PYTHON, tree_sitter_python::LANGUAGE.into()),
        FileFormat::JavaScript => (&JS, tree_sitter_javascript::LANGUAGE.into()),
        FileFormat::TypeScript => (&JS, tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
        FileFormat::Tsx => (&JS, tree_sitter_typescript::LANGUAGE_TSX.into()),
        FileFormat::Go => (&GO, tree_sitter_go::LANGUAGE.into()),
        FileFormat::Java => (&JAVA, tree_sitter_java::LANGUAGE.into()),
        FileFormat::Ruby => (&RUBY, tree_sitter_ruby::LANGUAGE.into()),
        FileFormat::Php => (&PHP, tree_sitter_php::LANGUAGE_PHP.into()),
        FileFormat::Shell => (&SHELL, tree_sitter_bash::LANGUAGE.into()),
        _ => return None,
    })
}
