//! Rewrites literals in source code: tree-sitter finds the whole literal around each site (quotes
//! included), the literal becomes an environment lookup or a Secrets Manager call (split into a
//! concatenation when the value is only part of it, as in a DSN), and imports or helpers are added
//! once where the language needs them.

use super::expr::{concat_op, env_lookup, manual_reference, quote_for, sdk_lookup};
use super::lang::Lang;
use super::{FileRewrite, HelperNeed, RewriteError, SiteRewrite};
use crate::model::{Edit, Span, Strategy};
use std::collections::BTreeMap;
use std::path::Path;
use tree_sitter::Node;

/// What rewriting one source file produced: the edits, the manual sites, the helpers it imports.
#[derive(Debug, Default)]
pub struct CodeRewrite {
    /// Edits and manual sites.
    pub file: FileRewrite,
    /// Generated helper modules the rewritten file imports.
    pub helpers: Vec<HelperNeed>,
}

/// What the rewritten literals of one file need added (imports, helpers).
#[derive(Default)]
pub(super) struct Needs {
    pub(super) python_os: bool,
    pub(super) python_sdk: bool,
    pub(super) js_env: bool,
    pub(super) js_sdk: bool,
    pub(super) go_os: bool,
    pub(super) go_strconv: bool,
    /// The file calls the generated helper of its own language (Go, Java, Ruby, PHP).
    pub(super) sdk: bool,
}

/// Rewrites the `env`/`sdk` sites of one source file. Sites with other strategies are ignored.
/// `python_package`: the file's directory has an `__init__.py` (the sdk helper is imported
/// relatively there).
pub fn rewrite_code(
    lang: Lang,
    path: &Path,
    text: &str,
    sites: &[SiteRewrite<'_>],
    python_package: bool,
) -> Result<CodeRewrite, RewriteError> {
    let tree = lang.parse(text).ok_or_else(|| RewriteError::Parse {
        path: path.display().to_string(),
        format: format!("{lang:?}"),
        message: "grammar unavailable".into(),
    })?;
    let root = tree.root_node();
    let esm = lang.is_js() && is_esm(path, root);
    let mut out = CodeRewrite::default();
    let mut needs = Needs::default();
    // Group sites by the literal node holding them, so a DSN with user and password is one edit.
    let mut groups: BTreeMap<(usize, usize), (Node<'_>, Vec<usize>)> = BTreeMap::new();
    // Shell `sdk` sites: the variables the script's prologue reads from Secrets Manager.
    let mut fetches: Vec<super::shell::Fetch<'_>> = Vec::new();
    for (i, s) in sites.iter().enumerate() {
        if !matches!(s.strategy(), Strategy::Env | Strategy::Sdk) {
            continue;
        }
        let span = s.site.span;
        if span.end > text.len() || !text.is_char_boundary(span.start) || !text.is_char_boundary(span.end) {
            return Err(RewriteError::Stale {
                path: path.display().to_string(),
                line: s.site.line,
                message: "the span is outside the file".into(),
            });
        }
        if lang == Lang::Shell {
            match super::shell::replacement(root, text, span, &s.env_var, s.strategy()) {
                Ok(edit) => {
                    out.file.edits.push(Edit { path: path.into(), span: edit.0, replacement: edit.1 });
                    if s.strategy() == Strategy::Sdk {
                        let key = (s.shape == crate::model::Shape::Json).then_some(s.key);
                        fetches.push(super::shell::Fetch { var: &s.env_var, arn: &s.arn, key });
                    }
                }
                Err(reason) => out.file.manual.push((i, with_reference(reason, lang, s))),
            }
            continue;
        }
        match literal_around(lang, root, span) {
            Some(node) => groups.entry((node.start_byte(), node.end_byte())).or_insert((node, Vec::new())).1.push(i),
            None => out
                .file
                .manual
                .push((i, with_reference("the value is not a plain string or number literal".into(), lang, s))),
        }
    }
    for (node, members) in groups.into_values() {
        match replace_literal(lang, text, node, sites, &members, esm, &mut needs) {
            Ok(replacement) => out.file.edits.push(Edit {
                path: path.into(),
                span: Span::new(node.start_byte(), node.end_byte()),
                replacement,
            }),
            Err(reason) => {
                for &i in &members {
                    out.file.manual.push((i, with_reference(reason.clone(), lang, &sites[i])));
                }
            }
        }
    }
    if let Some((span, replacement)) = super::shell::prologue(text, &fetches) {
        out.file.edits.push(Edit { path: path.into(), span, replacement });
    }
    super::imports::add_imports(lang, path, text, root, &needs, esm, python_package, &mut out);
    out.file.edits.sort_by_key(|e| (e.span.start, e.span.end));
    Ok(out)
}

fn with_reference(reason: String, lang: Lang, s: &SiteRewrite<'_>) -> String {
    format!("{reason}; {}", manual_reference(Some(lang), &s.env_var, s.secret_name, s.key, s.shape))
}

/// The smallest string or integer literal node that contains `span`.
fn literal_around<'t>(lang: Lang, root: Node<'t>, span: Span) -> Option<Node<'t>> {
    let mut node = root.descendant_for_byte_range(span.start, span.end)?;
    loop {
        if lang.is_string(node.kind()) || lang.is_integer(node.kind()) {
            return Some(node);
        }
        node = node.parent()?;
    }
}

/// The text that replaces the whole literal `node`, or why it can't be rewritten.
fn replace_literal(
    lang: Lang,
    text: &str,
    node: Node<'_>,
    sites: &[SiteRewrite<'_>],
    members: &[usize],
    esm: bool,
    needs: &mut Needs,
) -> Result<String, String> {
    if let Some(reason) = lang.call_forbidden(node) {
        return Err(reason.into());
    }
    let lit = &text[node.start_byte()..node.end_byte()];
    let q = quote_for(lang, lit);
    let indent = line_indent(text, node.start_byte());
    let mut members = members.to_vec();
    members.sort_by_key(|&i| sites[i].site.span.start);
    if members.windows(2).any(|w| sites[w[0]].site.span.overlaps(&sites[w[1]].site.span)) {
        return Err("two planned values overlap in one literal".into());
    }
    let int = lang.is_integer(node.kind());
    if int && (members.len() != 1 || sites[members[0]].site.span != Span::new(node.start_byte(), node.end_byte())) {
        return Err("only part of a number literal is planned".into());
    }
    let mut lookups = Vec::new();
    for &i in &members {
        let s = &sites[i];
        let expr = match s.strategy() {
            Strategy::Sdk => {
                // TypeScript may compile to CommonJS, where top-level await is an error.
                if lang.is_js() && !in_async_context(node, esm && lang == Lang::JavaScript) {
                    return Err("sdk reads are async in JavaScript and this literal is not inside an async function or ES module top level".into());
                }
                let e = sdk_lookup(lang, q, &s.arn, s.key, s.shape, int, &s.env_var)
                    .ok_or_else(|| format!("hoist has no sdk rewrite for {lang:?}; use the env strategy"))?;
                match lang {
                    Lang::Python => needs.python_sdk = true,
                    Lang::JavaScript | Lang::TypeScript | Lang::Tsx => needs.js_sdk = true,
                    _ => needs.sdk = true,
                }
                e
            }
            _ => {
                match lang {
                    Lang::Python => needs.python_os = true,
                    Lang::JavaScript | Lang::TypeScript | Lang::Tsx => needs.js_env = true,
                    Lang::Go => {
                        needs.go_os = true;
                        needs.go_strconv |= int;
                    }
                    _ => {}
                }
                env_lookup(lang, q, &s.env_var, int, &indent)
            }
        };
        lookups.push(expr);
    }
    let parent_kind = node.parent().map(|p| p.kind()).unwrap_or("");
    if lang == Lang::Python && parent_kind == "concatenated_string" {
        return Err("the literal is part of an implicit string concatenation".into());
    }
    let expr = if int {
        lookups.remove(0)
    } else {
        let (open, close) = delimiters(lang, lit).ok_or("hoist can't split this kind of string literal")?;
        let content = Span::new(node.start_byte() + open.len(), node.end_byte() - close.len());
        let mut cursor = node.walk();
        let interpolations: Vec<Span> = node
            .named_children(&mut cursor)
            .filter(|c| lang.is_interpolation(c.kind()))
            .map(|c| Span::new(c.start_byte(), c.end_byte()))
            .collect();
        let mut parts = Vec::new();
        let mut pos = content.start;
        for (k, &i) in members.iter().enumerate() {
            let span = sites[i].site.span;
            if !content.contains(&span) || interpolations.iter().any(|x| x.overlaps(&span)) {
                return Err("the value is not plain text inside the literal".into());
            }
            push_piece(&mut parts, &text[pos..span.start], open, close)?;
            // A percent-encoded URL part: the secret holds the decoded value, the URL needs it encoded.
            if sites[i].site.encoding.is_some_and(|e| e.part == crate::site::Part::Percent) {
                let encoded = super::expr::url_encoded(lang, q, &lookups[k])
                    .ok_or("the value is percent-encoded in the URL and hoist has no encoder for this language")?;
                parts.push(encoded);
            } else {
                parts.push(lookups[k].clone());
            }
            pos = span.end;
        }
        push_piece(&mut parts, &text[pos..content.end], open, close)?;
        let whole = parts.len() == 1;
        let joined = parts.join(concat_op(lang));
        if whole || safe_parent(parent_kind) { joined } else { format!("({joined})") }
    };
    Ok(if lang.is_js() && parent_kind == "jsx_attribute" { format!("{{{expr}}}") } else { expr })
}

/// A literal piece of a split string, rebuilt with the original's prefix and quotes.
fn push_piece(parts: &mut Vec<String>, piece: &str, open: &str, close: &str) -> Result<(), String> {
    if piece.is_empty() {
        return Ok(());
    }
    let trailing = piece.bytes().rev().take_while(|&b| b == b'\\').count();
    if trailing % 2 == 1 {
        return Err("splitting the literal would cut an escape sequence".into());
    }
    parts.push(format!("{open}{piece}{close}"));
    Ok(())
}

/// The opening (prefix and quotes) and closing quotes of a string literal, when hoist can rebuild
/// pieces of it: `r"`, `'`, `"""`, `` ` ``. Byte strings, heredocs and `%q()` are refused.
fn delimiters(lang: Lang, lit: &str) -> Option<(&str, &str)> {
    let prefix_len = lit.len() - lit.trim_start_matches(|c: char| c.is_ascii_alphabetic()).len();
    let prefix = &lit[..prefix_len];
    if lang == Lang::Python && prefix.to_ascii_lowercase().contains('b') {
        return None;
    }
    if lang != Lang::Python && !prefix.is_empty() {
        return None;
    }
    let rest = &lit[prefix_len..];
    let q = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let triple: String = std::iter::repeat_n(q, 3).collect();
    let qlen = if lang == Lang::Python && rest.starts_with(&triple) && rest.len() >= 6 {
        3
    } else if lang == Lang::Java && rest.starts_with(&triple) {
        return None; // text blocks need a newline after the opening quotes
    } else {
        1
    };
    let close = &lit[lit.len() - qlen..];
    if !close.chars().all(|c| c == q) || lit.len() < prefix_len + 2 * qlen {
        return None;
    }
    Some((&lit[..prefix_len + qlen], close))
}

/// Parents under which a concatenation needs no parentheses.
fn safe_parent(kind: &str) -> bool {
    matches!(
        kind,
        "assignment"
            | "argument_list"
            | "arguments"
            | "argument"
            | "pair"
            | "keyword_argument"
            | "variable_declarator"
            | "expression_list"
            | "return_statement"
            | "assignment_expression"
            | "literal_element"
            | "array_element_initializer"
            | "default_parameter"
    )
}

fn line_indent(text: &str, offset: usize) -> String {
    let start = text[..offset].rfind('\n').map(|p| p + 1).unwrap_or(0);
    text[start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect()
}

/// True for an ES module: `.mjs`/`.mts`, or top-level `import`/`export` statements.
fn is_esm(path: &Path, root: Node<'_>) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if matches!(ext, "mjs" | "mts") {
        return true;
    }
    if matches!(ext, "cjs" | "cts") {
        return false;
    }
    let mut cursor = root.walk();
    root.named_children(&mut cursor).any(|c| matches!(c.kind(), "import_statement" | "export_statement"))
}

/// True when an `await` is allowed at `node`: inside an async function, or at an ES module's top
/// level (not inside a class field or a plain function).
fn in_async_context(node: Node<'_>, esm: bool) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        match n.kind() {
            "function_declaration"
            | "function_expression"
            | "arrow_function"
            | "method_definition"
            | "function"
            | "generator_function"
            | "generator_function_declaration" => {
                let mut c = n.walk();
                return n.children(&mut c).any(|k| k.kind() == "async");
            }
            "field_definition" | "public_field_definition" | "class_static_block" => return false,
            _ => {}
        }
        cur = n.parent();
    }
    esm
}
