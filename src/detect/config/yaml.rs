//! YAML (tree-sitter-yaml) into the shared document tree: block and flow collections, the three
//! scalar styles with their escapes decoded, short tags (`!Ref`, `!Sub`) marked as references.

use super::parsers::{Grammar, parse_range};
use super::tree::{Scalar, Val, cfn_function};
use crate::model::Span;
use tree_sitter::Node;

/// Lines per parse: tree-sitter-yaml's scanner keeps rows in an `int16_t`, so one parse of a
/// file over 32,767 lines loses everything (it yielded 0 findings).
const CHUNK_LINES: usize = 16_000;

/// Parses every document in `text`; the flag says the parse had errors. Files longer than
/// [`CHUNK_LINES`] are parsed in pieces cut before top-level lines (a new key, `---`), each piece's
/// top-level collection becoming one more document.
pub(crate) fn documents(text: &str) -> (Vec<Val>, bool) {
    let mut docs = Vec::new();
    let mut err = false;
    for range in chunks(text) {
        let (d, e) = documents_in(text, range);
        docs.extend(d);
        err |= e;
    }
    (docs, err)
}

/// Byte ranges of at most about [`CHUNK_LINES`] lines, cut at top-level lines.
fn chunks(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut lines) = (0, 0);
    for nl in memchr::memchr_iter(b'\n', b) {
        lines += 1;
        let next = nl + 1;
        let top_level = next < b.len() && !matches!(b[next], b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'-' | b']' | b'}');
        let doc_start = b[next..].starts_with(b"---");
        if lines >= CHUNK_LINES && (top_level || doc_start) {
            out.push(start..next);
            start = next;
            lines = 0;
        }
    }
    out.push(start..text.len());
    out
}

fn documents_in(text: &str, range: std::ops::Range<usize>) -> (Vec<Val>, bool) {
    let Some(tree) = parse_range(Grammar::Yaml, text, range) else { return (Vec::new(), true) };
    let root = tree.root_node();
    let mut docs = Vec::new();
    let mut cur = root.walk();
    for doc in root.named_children(&mut cur).filter(|n| n.kind() == "document") {
        let mut c = doc.walk();
        if let Some(body) = doc.named_children(&mut c).find(|n| n.kind() != "comment") {
            docs.push(convert(body, text, false));
        }
    }
    (docs, root.has_error())
}

fn convert(node: Node, text: &str, tagged: bool) -> Val {
    let Some(_depth) = crate::scan::limit::enter() else { return Val::Other };
    match node.kind() {
        "block_node" | "flow_node" => {
            let mut cur = node.walk();
            let mut tag = tagged;
            let mut function = None;
            let mut out = Val::Other;
            for child in node.named_children(&mut cur) {
                match child.kind() {
                    "tag" => {
                        let t = &text[child.byte_range()];
                        tag = !matches!(t, "!!str" | "!!int" | "!!binary" | "tag:yaml.org,2002:str");
                        function = cfn_function(t);
                    }
                    "anchor" | "comment" => {}
                    "alias" => return Val::Other,
                    // `!If [cond, !Ref X, "literal"]`: the long form `{Fn::If: [...]}` JSON writes,
                    // its arguments judged for themselves (each may be a literal or a reference).
                    k if function.is_some() && !k.ends_with("scalar") && !tagged => {
                        let args = convert(child, text, false);
                        out = Val::Map(vec![(function.take().expect("checked").to_string(), args)]);
                    }
                    _ => out = convert(child, text, tag),
                }
            }
            out
        }
        "block_mapping" | "flow_mapping" => {
            let mut pairs = Vec::new();
            let mut cur = node.walk();
            for pair in node.named_children(&mut cur) {
                if !matches!(pair.kind(), "block_mapping_pair" | "flow_pair") {
                    continue;
                }
                let key = pair.child_by_field_name("key").map(|k| convert(k, text, false));
                let Some(Val::Str(k)) = key else { continue };
                let value = pair.child_by_field_name("value").map(|v| convert(v, text, tagged)).unwrap_or(Val::Other);
                pairs.push((k.value, value));
            }
            Val::Map(pairs)
        }
        "block_sequence" | "flow_sequence" => {
            let mut items = Vec::new();
            let mut cur = node.walk();
            for item in node.named_children(&mut cur) {
                let target = if item.kind() == "block_sequence_item" { item.named_child(0) } else { Some(item) };
                if let Some(t) = target.filter(|t| t.kind() != "comment") {
                    items.push(convert(t, text, tagged));
                }
            }
            Val::Seq(items)
        }
        "plain_scalar" => {
            let r = node.byte_range();
            let raw = &text[r.clone()];
            let value =
                if raw.contains('\n') { raw.split_whitespace().collect::<Vec<_>>().join(" ") } else { raw.to_string() };
            if node.named_child(0).is_some_and(|c| c.kind() == "null_scalar") {
                return Val::Other;
            }
            Val::Str(Scalar { value, span: Span::new(r.start, r.end), literal: !tagged })
        }
        "double_quote_scalar" | "single_quote_scalar" => {
            let r = node.byte_range();
            let inner = Span::new(r.start + 1, r.end.saturating_sub(1).max(r.start + 1));
            let raw = &text[inner.start..inner.end];
            let value =
                if node.kind() == "single_quote_scalar" { raw.replace("''", "'") } else { unescape_double(raw) };
            Val::Str(Scalar { value, span: inner, literal: !tagged })
        }
        "block_scalar" => block_scalar(node, text, tagged),
        _ => Val::Other,
    }
}

/// `|`/`>` scalars: the span covers the content lines; the value is the dedented text.
fn block_scalar(node: Node, text: &str, tagged: bool) -> Val {
    let r = node.byte_range();
    let raw = &text[r.clone()];
    let Some(nl) = raw.find('\n') else { return Val::Other };
    let folded = raw.starts_with('>');
    let body = &raw[nl + 1..];
    let start = r.start + nl + 1;
    let lines: Vec<&str> = body.lines().collect();
    let indent =
        lines.iter().filter(|l| !l.trim().is_empty()).map(|l| l.len() - l.trim_start().len()).min().unwrap_or(0);
    let content: Vec<&str> = lines.iter().map(|l| if l.len() >= indent { &l[indent..] } else { l.trim() }).collect();
    let value = if folded { content.join(" ") } else { content.join("\n") };
    let value = value.trim_end().to_string();
    let lead = body.len() - body.trim_start().len();
    let span = Span::new(start + lead, r.start + raw.trim_end().len());
    Val::Str(Scalar { value, span, literal: !tagged })
}

fn unescape_double(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(u @ ('x' | 'u' | 'U')) => {
                let n = match u {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(n).collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
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
    fn scalars_keep_spans_inside_quotes_and_decode() {
        let text = "a:\n  b: \"x\\ty\"\n  c: 'it''s'\n  d: !Ref Pw\n  e: plain\n";
        let (docs, err) = documents(text);
        assert!(!err);
        let a = docs[0].get("a").unwrap();
        let Some(Val::Str(b)) = a.get("b") else { panic!() };
        assert_eq!(b.value, "x\ty");
        assert_eq!(&text[b.span.start..b.span.end], "x\\ty");
        let Some(Val::Str(c)) = a.get("c") else { panic!() };
        assert_eq!(c.value, "it's");
        let Some(Val::Str(d)) = a.get("d") else { panic!() };
        assert!(!d.literal);
        let Some(Val::Str(e)) = a.get("e") else { panic!() };
        assert!(e.literal);
        assert_eq!(&text[e.span.start..e.span.end], "plain");
    }

    #[test]
    fn multiple_documents_and_sequences() {
        let (docs, _) = documents("---\nx: [1, 2]\n---\n- a: b\n");
        assert_eq!(docs.len(), 2);
        assert!(matches!(docs[0].get("x"), Some(Val::Seq(v)) if v.len() == 2));
        assert!(matches!(&docs[1], Val::Seq(v) if v.len() == 1));
    }
}
