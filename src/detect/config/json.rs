//! JSON (tree-sitter-json, which also accepts comments) into the shared document tree. `base`
//! shifts spans for JSON embedded in another file (a Terraform heredoc).

use super::parsers::{Grammar, parse};
use super::tree::{Scalar, Val};
use crate::model::Span;
use tree_sitter::Node;

/// Parses `text`, whose first byte sits at `base` in the file; the flag says the parse had errors.
/// Strict JSON is read by the fast reader (the same tree, [`super::json_fast`]).
pub(crate) fn document(text: &str, base: usize) -> (Option<Val>, bool) {
    match super::json_fast::document(text, base) {
        Some(doc) => (Some(doc), false),
        None => tree_sitter_document(text, base),
    }
}

/// The tree-sitter-json reading of [`document`] (comments, errors, anything not strict).
pub(crate) fn tree_sitter_document(text: &str, base: usize) -> (Option<Val>, bool) {
    let Some(tree) = parse(Grammar::Json, text) else { return (None, true) };
    let root = tree.root_node();
    let mut cur = root.walk();
    let body = root.named_children(&mut cur).find(|n| n.kind() != "comment");
    (body.map(|b| convert(b, text, base)), root.has_error())
}

fn convert(node: Node, text: &str, base: usize) -> Val {
    let Some(_depth) = crate::scan::limit::enter() else { return Val::Other };
    match node.kind() {
        "object" => {
            let mut pairs = Vec::new();
            let mut cur = node.walk();
            for pair in node.named_children(&mut cur).filter(|p| p.kind() == "pair") {
                let Some(Val::Str(k)) = pair.child_by_field_name("key").map(|k| convert(k, text, base)) else {
                    continue;
                };
                let v = pair.child_by_field_name("value").map(|v| convert(v, text, base)).unwrap_or(Val::Other);
                pairs.push((k.value, v));
            }
            Val::Map(pairs)
        }
        "array" => {
            let mut cur = node.walk();
            Val::Seq(
                node.named_children(&mut cur)
                    .filter(|n| n.kind() != "comment")
                    .map(|n| convert(n, text, base))
                    .collect(),
            )
        }
        "string" => {
            let r = node.byte_range();
            let inner = (r.start + 1).min(r.end)..r.end.saturating_sub(1).max(r.start + 1).min(r.end);
            let raw = &text[inner.clone()];
            Val::Str(Scalar {
                value: unescape(raw),
                span: Span::new(base + inner.start, base + inner.end),
                literal: true,
            })
        }
        "number" | "true" | "false" => {
            let r = node.byte_range();
            Val::Str(Scalar {
                value: text[r.clone()].to_string(),
                span: Span::new(base + r.start, base + r.end),
                literal: true,
            })
        }
        _ => Val::Other,
    }
}

/// JSON string escapes (`\"`, `\\`, `\n`, `\uXXXX` with surrogate pairs).
pub(crate) fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let mut cp = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                if (0xD800..0xDC00).contains(&cp) {
                    let rest: String = chars.clone().take(6).collect();
                    if let Some(low) = rest.strip_prefix("\\u").and_then(|h| u32::from_str_radix(h, 16).ok()) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                        chars.nth(5);
                    }
                }
                out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_decoded_with_offset_spans() {
        let text = "// c\n{\"a\": {\"pw\": \"x\\\"y\", \"n\": 5}}";
        let (doc, err) = document(text, 10);
        assert!(!err);
        let a = doc.unwrap();
        let Some(Val::Str(pw)) = a.get("a").and_then(|a| a.get("pw")) else { panic!() };
        assert_eq!(pw.value, "x\"y");
        assert_eq!(&text[pw.span.start - 10..pw.span.end - 10], "x\\\"y");
        assert_eq!(unescape("\\ud83d\\ude00"), "😀");
    }
}
