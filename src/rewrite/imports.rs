//! Imports and helpers a rewritten source file needs, added once: `import os` after the module
//! docstring and `from __future__` imports, the sdk helper import (`require_relative` in Ruby,
//! `require_once` in PHP; Go and Java helpers join the file's package), Go packages into the
//! import block, and the JavaScript/TypeScript `hoistEnv` lookup that throws when a variable is
//! missing.

use super::HelperNeed;
use super::code::{CodeRewrite, Needs};
use super::lang::Lang;
use crate::model::{Edit, Span};
use std::path::Path;
use tree_sitter::Node;

/// Adds the imports and helpers `needs` asks for to `out`.
#[allow(clippy::too_many_arguments)]
pub(super) fn add_imports(
    lang: Lang,
    path: &Path,
    text: &str,
    root: Node<'_>,
    needs: &Needs,
    esm: bool,
    package: bool,
    out: &mut CodeRewrite,
) {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut insert = |offset: usize, s: String| {
        out.file.edits.push(Edit { path: path.into(), span: Span::new(offset, offset), replacement: s })
    };
    match lang {
        Lang::Python => {
            let at = python_import_offset(text, root);
            if needs.python_os && !python_imports(text, root, "os") {
                insert(at.0, format!("{}import os\n", at.1));
            }
            if needs.python_sdk {
                if !text.contains("import hoist_secrets") {
                    // Outside a regular package the file may still be imported as a module of a
                    // namespace package (`app.settings` with no `app/__init__.py`) or run as a
                    // script: the relative import works in the first case, the plain one in the second.
                    let line = if package {
                        "from . import hoist_secrets\n".to_string()
                    } else {
                        "try:\n    from . import hoist_secrets\nexcept ImportError:\n    import hoist_secrets\n"
                            .to_string()
                    };
                    insert(at.0, format!("{}{line}", at.1));
                }
                out.helpers.push(HelperNeed::PythonSdk { dir });
            }
        }
        Lang::JavaScript | Lang::TypeScript | Lang::Tsx => {
            if needs.js_sdk {
                let ts = lang != Lang::JavaScript;
                let file = if ts {
                    "hoist-secrets"
                } else if esm {
                    "hoist-secrets.mjs"
                } else {
                    "hoist-secrets.cjs"
                };
                if !text.contains(&format!("./{file}\"")) {
                    let line = if esm || ts {
                        format!("import * as hoistSecrets from \"./{file}\";\n")
                    } else {
                        format!("const hoistSecrets = require(\"./{file}\");\n")
                    };
                    insert(js_import_offset(text, root), line);
                }
                out.helpers.push(if ts { HelperNeed::TsSdk { dir } } else { HelperNeed::JsSdk { dir, esm } });
            }
            if needs.js_env && !text.contains("function hoistEnv(") {
                let typed = lang != Lang::JavaScript;
                let sep = if text.ends_with('\n') || text.is_empty() { "" } else { "\n" };
                insert(text.len(), format!("{sep}\n{}", js_env_helper(typed)));
            }
        }
        Lang::Go => {
            let mut wanted = Vec::new();
            if needs.go_os {
                wanted.push("os");
            }
            if needs.go_strconv {
                wanted.push("strconv");
            }
            for (offset, line) in go_imports(text, root, &wanted) {
                insert(offset, line);
            }
            if needs.sdk {
                // The helper joins the file's package: no import, but the same `package` clause.
                let package = first_child_text(text, root, "package_clause", "package_identifier");
                out.helpers.push(HelperNeed::GoSdk { dir, package: package.unwrap_or_else(|| "main".into()) });
            }
        }
        Lang::Java if needs.sdk => {
            let package = first_child_text(text, root, "package_declaration", "scoped_identifier")
                .or_else(|| first_child_text(text, root, "package_declaration", "identifier"));
            out.helpers.push(HelperNeed::JavaSdk { dir, package });
        }
        Lang::Ruby if needs.sdk => {
            if !text.contains("require_relative \"hoist_secrets\"") {
                let (at, prefix) = ruby_require_offset(text);
                insert(at, format!("{prefix}require_relative \"hoist_secrets\"\n"));
            }
            out.helpers.push(HelperNeed::RubySdk { dir });
        }
        Lang::Php if needs.sdk => {
            if !text.contains("'/hoist_secrets.php'") {
                let at = php_require_offset(root);
                insert(at, "\nrequire_once __DIR__ . '/hoist_secrets.php';".into());
            }
            out.helpers.push(HelperNeed::PhpSdk { dir });
        }
        _ => {}
    }
}

/// The text of the first `child` node inside the first top-level `parent` node (a Go `package`
/// clause's name, a Java `package` declaration's name).
fn first_child_text(text: &str, root: Node<'_>, parent: &str, child: &str) -> Option<String> {
    let mut cursor = root.walk();
    let p = root.named_children(&mut cursor).find(|c| c.kind() == parent)?;
    let mut cc = p.walk();
    let c = p.named_children(&mut cc).find(|c| c.kind() == child)?;
    Some(text[c.start_byte()..c.end_byte()].to_string())
}

/// Where a Ruby `require_relative` goes: after the leading comment block (hashbang, magic
/// comments such as `# frozen_string_literal: true`, which must stay first), and the prefix
/// (a blank line after that block).
fn ruby_require_offset(text: &str) -> (usize, &'static str) {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            break;
        }
        at += line.len();
    }
    if at == 0 {
        return (0, "");
    }
    let sep = if text[..at].ends_with('\n') { "" } else { "\n" };
    (at, if sep.is_empty() { "\n" } else { "\n\n" })
}

/// Where a PHP `require_once` goes: after the opening tag, a `declare(strict_types=1);` and a
/// `namespace X;` statement (both must come first), so the new statement is the next one. What
/// comes before the opening tag is output, not code: a CLI script's `#!/usr/bin/env php` line
/// (which must stay the first line) or a template's HTML.
fn php_require_offset(root: Node<'_>) -> usize {
    let mut cursor = root.walk();
    let mut at = None;
    for c in root.named_children(&mut cursor) {
        match c.kind() {
            "text" if at.is_none() => {}
            "php_tag" | "declare_statement" | "comment" => at = Some(c.end_byte()),
            // A braced `namespace X { … }` holds its code inside the braces.
            "namespace_definition" if c.child_by_field_name("body").is_none() => at = Some(c.end_byte()),
            _ => break,
        }
    }
    at.unwrap_or(0)
}

/// The helper every rewritten JavaScript/TypeScript file gets once: a lookup that throws with the
/// variable's name instead of yielding `undefined`.
pub fn js_env_helper(typed: bool) -> String {
    let sig = if typed { "function hoistEnv(name: string): string {" } else { "function hoistEnv(name) {" };
    format!(
        "// Added by hoist: read a required environment variable, failing loudly when it is missing.\n{sig}\n  const value = process.env[name];\n  if (value === undefined) {{\n    throw new Error(`missing environment variable ${{name}}`);\n  }}\n  return value;\n}}\n"
    )
}

/// Where new Python imports go: after the module docstring and `from __future__` imports, and
/// the prefix to put before the line (a newline when appending after the last statement).
fn python_import_offset(text: &str, root: Node<'_>) -> (usize, String) {
    let mut cursor = root.walk();
    let mut after = 0;
    let mut first = true;
    for c in root.named_children(&mut cursor) {
        if c.kind() == "comment" {
            continue;
        }
        let docstring =
            first && c.kind() == "expression_statement" && c.named_child(0).is_some_and(|s| s.kind() == "string");
        let future = c.kind() == "future_import_statement"
            || (c.kind() == "import_from_statement" && text[c.start_byte()..c.end_byte()].contains("__future__"));
        first = false;
        if docstring || future {
            after = c.end_byte();
            continue;
        }
        return (line_start(text, c.start_byte()), String::new());
    }
    if after == 0 {
        return (0, String::new());
    }
    match text[after..].find('\n') {
        Some(p) => (after + p + 1, String::new()),
        None => (text.len(), "\n".into()),
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map(|p| p + 1).unwrap_or(0)
}

fn python_imports(text: &str, root: Node<'_>, module: &str) -> bool {
    let mut cursor = root.walk();
    root.named_children(&mut cursor).any(|c| {
        c.kind() == "import_statement" && {
            let mut cc = c.walk();
            c.named_children(&mut cc)
                .any(|n| n.kind() == "dotted_name" && &text[n.start_byte()..n.end_byte()] == module)
        }
    })
}

/// Top of a JavaScript file, after a hashbang and directives (`"use strict"`).
fn js_import_offset(text: &str, root: Node<'_>) -> usize {
    let floor = if text.starts_with("#!") { text.find('\n').map(|p| p + 1).unwrap_or(text.len()) } else { 0 };
    js_first_statement(root).max(floor)
}

fn js_first_statement(root: Node<'_>) -> usize {
    let mut cursor = root.walk();
    for c in root.named_children(&mut cursor) {
        let directive = c.kind() == "expression_statement" && c.named_child(0).is_some_and(|s| s.kind() == "string");
        if matches!(c.kind(), "hashbang_line" | "comment") || directive {
            continue;
        }
        return c.start_byte();
    }
    root.end_byte()
}

/// Insertions that add the `wanted` packages to a Go file's imports.
fn go_imports(text: &str, root: Node<'_>, wanted: &[&str]) -> Vec<(usize, String)> {
    let mut have = Vec::new();
    let mut list_start = None;
    let mut last_decl_end = None;
    let mut package_end = 0;
    let mut cursor = root.walk();
    for c in root.named_children(&mut cursor) {
        match c.kind() {
            "package_clause" => package_end = c.end_byte(),
            "import_declaration" => {
                last_decl_end = Some(c.end_byte());
                collect_go_specs(text, c, &mut have, &mut list_start);
            }
            _ => {}
        }
    }
    let missing: Vec<&&str> = wanted.iter().filter(|w| !have.iter().any(|h| h == *w)).collect();
    if missing.is_empty() {
        return Vec::new();
    }
    if let Some(first_spec) = list_start {
        let at = line_start(text, first_spec);
        return vec![(at, missing.iter().map(|m| format!("\t\"{m}\"\n")).collect())];
    }
    let lines: String = missing.iter().map(|m| format!("\nimport \"{m}\"")).collect();
    match last_decl_end {
        Some(end) => vec![(end, lines)],
        None => vec![(package_end, format!("\n{lines}"))],
    }
}

fn collect_go_specs(text: &str, node: Node<'_>, have: &mut Vec<String>, list_start: &mut Option<usize>) {
    let mut cursor = node.walk();
    for c in node.named_children(&mut cursor) {
        match c.kind() {
            "import_spec" => {
                if c.child_by_field_name("name").is_none()
                    && let Some(p) = c.child_by_field_name("path")
                {
                    have.push(text[p.start_byte()..p.end_byte()].trim_matches('"').to_string());
                }
            }
            "import_spec_list" => {
                let mut cc = c.walk();
                if list_start.is_none() {
                    *list_start = c.named_children(&mut cc).find(|s| s.kind() == "import_spec").map(|s| s.start_byte());
                }
                collect_go_specs(text, c, have, list_start);
            }
            _ => {}
        }
    }
}
