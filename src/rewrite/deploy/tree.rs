//! A small value tree (maps, sequences, literal strings) with byte spans, built from tree-sitter
//! parses of JSON, HCL and YAML, so the deployment rewriters share one walk over all three.

use crate::model::Span;
use tree_sitter::{Language, Node as TsNode, Parser, Tree};

/// How a node is written, which decides how new text next to it is rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// JSON (also JSON embedded in a Terraform heredoc).
    Json,
    /// HCL expressions (`jsonencode([...])`).
    Hcl,
    /// YAML block collections (indentation).
    YamlBlock,
    /// YAML flow collections (`[...]`, `{...}`).
    YamlFlow,
}

/// One node of the tree.
#[derive(Clone, Debug)]
pub struct Node {
    /// The node's bytes (for a YAML block sequence item: from its `-`).
    pub span: Span,
    /// What it is.
    pub kind: NodeKind,
    /// How it is written.
    pub style: Style,
}

/// The node kinds the rewriters care about.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// A mapping / object.
    Map(Vec<Entry>),
    /// A sequence / array / tuple. `open`/`close` are the bracket offsets of flow sequences.
    Seq {
        /// Items in order.
        items: Vec<Node>,
        /// Offset of `[` (flow only).
        open: Option<usize>,
        /// Offset of `]` (flow only).
        close: Option<usize>,
    },
    /// A literal string: `inner` is the value's bytes inside any quotes, `value` its decoded text.
    Str {
        /// Bytes inside the quotes.
        inner: Span,
        /// Decoded value.
        value: String,
    },
    /// Anything else: numbers, references, calls, tagged values (`!Ref x`), templates.
    Other,
}

/// One key/value pair of a map.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The key's decoded text.
    pub key: String,
    /// The key's bytes (with quotes, if any).
    pub key_span: Span,
    /// The whole pair.
    pub span: Span,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The value of `key` when this is a map.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry for `key` when this is a map.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.kind {
            NodeKind::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The entries when this is a map.
    pub fn entries(&self) -> &[Entry] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items when this is a sequence.
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            NodeKind::Seq { items, .. } => items,
            _ => &[],
        }
    }

    /// The decoded text when this is a literal string.
    pub fn str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Str { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The bytes inside the quotes when this is a literal string.
    pub fn inner(&self) -> Option<Span> {
        match &self.kind {
            NodeKind::Str { inner, .. } => Some(*inner),
            _ => None,
        }
    }

    /// Every node below (and including) this one, depth first.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Node, &[&'a str])) {
        fn go<'a>(n: &'a Node, path: &mut Vec<&'a str>, f: &mut dyn FnMut(&'a Node, &[&'a str])) {
            f(n, path);
            match &n.kind {
                NodeKind::Map(entries) => {
                    for e in entries {
                        path.push(&e.key);
                        go(&e.value, path, f);
                        path.pop();
                    }
                }
                NodeKind::Seq { items, .. } => {
                    for i in items {
                        go(i, path, f);
                    }
                }
                _ => {}
            }
        }
        go(self, &mut Vec::new(), f);
    }
}

/// Parses `text` with a tree-sitter language.
pub fn parse(text: &str, lang: Language) -> Option<Tree> {
    let mut p = Parser::new();
    p.set_language(&lang).ok()?;
    p.parse(text, None)
}

fn span(n: TsNode, base: usize) -> Span {
    Span::new(n.start_byte() + base, n.end_byte() + base)
}

/// Builds the tree of a JSON value node; `base` is added to every offset (JSON embedded in a
/// larger file is parsed on its own).
pub fn from_json(n: TsNode, src: &str, base: usize) -> Node {
    let sp = span(n, base);
    let kind = match n.kind() {
        "document" => {
            let mut c = n.walk();
            let first = n.named_children(&mut c).find(|c| c.kind() != "comment");
            return first.map(|f| from_json(f, src, base)).unwrap_or(Node {
                span: sp,
                kind: NodeKind::Other,
                style: Style::Json,
            });
        }
        "object" => {
            let mut c = n.walk();
            let entries = n
                .named_children(&mut c)
                .filter(|p| p.kind() == "pair")
                .filter_map(|p| {
                    let k = p.child_by_field_name("key")?;
                    let v = p.child_by_field_name("value")?;
                    let key = json_string(k, src)?;
                    Some(Entry { key, key_span: span(k, base), span: span(p, base), value: from_json(v, src, base) })
                })
                .collect();
            NodeKind::Map(entries)
        }
        "array" => {
            let mut c = n.walk();
            let items =
                n.named_children(&mut c).filter(|c| c.kind() != "comment").map(|i| from_json(i, src, base)).collect();
            NodeKind::Seq { items, open: Some(sp.start), close: Some(sp.end - 1) }
        }
        "string" => match json_string(n, src) {
            Some(value) => NodeKind::Str { inner: Span::new(sp.start + 1, sp.end - 1), value },
            None => NodeKind::Other,
        },
        _ => NodeKind::Other,
    };
    Node { span: sp, kind, style: Style::Json }
}

/// Decodes a JSON string node's text.
fn json_string(n: TsNode, src: &str) -> Option<String> {
    if n.kind() != "string" || n.has_error() {
        return None;
    }
    serde_json::from_str(&src[n.byte_range()]).ok()
}

/// Builds the tree of an HCL `expression` node (objects, tuples, plain string literals).
pub fn from_hcl(n: TsNode, src: &str) -> Node {
    let sp = span(n, 0);
    let inner = unwrap_hcl(n);
    // `jsonencode([...])` is the usual wrapper around container definitions: see through it.
    if inner.kind() == "function_call"
        && inner.named_child(0).is_some_and(|f| &src[f.byte_range()] == "jsonencode")
        && let Some(args) = inner.named_children(&mut inner.walk()).find(|c| c.kind() == "function_arguments")
        && let Some(arg) = args.named_child(0)
    {
        return from_hcl(arg, src);
    }
    let kind = match inner.kind() {
        "object" => {
            let mut c = inner.walk();
            let entries = inner
                .named_children(&mut c)
                .filter(|e| e.kind() == "object_elem")
                .filter_map(|e| {
                    let k = e.child_by_field_name("key")?;
                    let v = e.child_by_field_name("val")?;
                    let key = hcl_key(k, src)?;
                    Some(Entry { key, key_span: span(k, 0), span: span(e, 0), value: from_hcl(v, src) })
                })
                .collect();
            NodeKind::Map(entries)
        }
        "tuple" => {
            let mut c = inner.walk();
            let kids: Vec<TsNode> = inner.named_children(&mut c).collect();
            let open = kids.iter().find(|k| k.kind() == "tuple_start").map(|k| k.start_byte());
            let close = kids.iter().find(|k| k.kind() == "tuple_end").map(|k| k.start_byte());
            let items = kids.iter().filter(|k| k.kind() == "expression").map(|k| from_hcl(*k, src)).collect();
            NodeKind::Seq { items, open, close }
        }
        "string_lit" => match hcl_string(inner, src) {
            Some((inner_span, value)) => NodeKind::Str { inner: inner_span, value },
            None => NodeKind::Other,
        },
        _ => NodeKind::Other,
    };
    Node { span: sp, kind, style: Style::Hcl }
}

/// Descends through `expression`, `collection_value` and `literal_value` wrappers.
pub fn unwrap_hcl(n: TsNode) -> TsNode {
    let mut cur = n;
    while matches!(cur.kind(), "expression" | "collection_value" | "literal_value") && cur.named_child_count() == 1 {
        match cur.named_child(0) {
            Some(c) => cur = c,
            None => break,
        }
    }
    cur
}

/// An HCL object key: a bare identifier or a plain string.
fn hcl_key(k: TsNode, src: &str) -> Option<String> {
    let inner = unwrap_hcl(k);
    match inner.kind() {
        "variable_expr" | "identifier" => Some(src[inner.byte_range()].to_string()),
        "string_lit" => hcl_string(inner, src).map(|(_, v)| v),
        _ => None,
    }
}

/// A `string_lit` without interpolation: the span inside the quotes and the decoded value.
pub fn hcl_string(n: TsNode, src: &str) -> Option<(Span, String)> {
    if n.kind() != "string_lit" || n.has_error() {
        return None;
    }
    let mut c = n.walk();
    for k in n.named_children(&mut c) {
        if !matches!(k.kind(), "quoted_template_start" | "quoted_template_end" | "template_literal") {
            return None;
        }
    }
    let sp = span(n, 0);
    let inner = Span::new(sp.start + 1, sp.end - 1);
    let raw = &src[inner.start..inner.end];
    // HCL escapes are JSON's plus `$${` / `%%{`; a literal with those stays as written.
    let value = serde_json::from_str::<String>(&format!("\"{raw}\"")).ok()?;
    Some((inner, value.replace("$${", "${").replace("%%{", "%{")))
}

/// Builds the tree of a YAML node (`block_node`, `flow_node`, or a collection).
pub fn from_yaml(n: TsNode, src: &str) -> Node {
    let sp = span(n, 0);
    let mut c = n.walk();
    let kids: Vec<TsNode> = n.named_children(&mut c).filter(|k| k.kind() != "comment").collect();
    let (style, kind) = match n.kind() {
        "document" | "stream" => {
            let body = kids.iter().find(|k| matches!(k.kind(), "block_node" | "flow_node" | "document"));
            return body.map(|b| from_yaml(*b, src)).unwrap_or(Node {
                span: sp,
                kind: NodeKind::Other,
                style: Style::YamlBlock,
            });
        }
        "block_node" | "flow_node" => {
            // A tagged (`!Ref x`) or anchored node is left alone; so is an alias.
            if kids.iter().any(|k| matches!(k.kind(), "tag" | "anchor")) || kids.len() != 1 {
                (Style::YamlBlock, NodeKind::Other)
            } else {
                return from_yaml(kids[0], src);
            }
        }
        "block_mapping" | "flow_mapping" => {
            let style = if n.kind() == "block_mapping" { Style::YamlBlock } else { Style::YamlFlow };
            let entries = kids
                .iter()
                .filter(|p| matches!(p.kind(), "block_mapping_pair" | "flow_pair"))
                .filter_map(|p| {
                    let k = p.child_by_field_name("key")?;
                    let key = yaml_scalar(k, src)?.1;
                    let value = match p.child_by_field_name("value") {
                        Some(v) => from_yaml(v, src),
                        None => Node { span: Span::new(p.end_byte(), p.end_byte()), kind: NodeKind::Other, style },
                    };
                    Some(Entry { key, key_span: span(k, 0), span: span(*p, 0), value })
                })
                .collect();
            (style, NodeKind::Map(entries))
        }
        "block_sequence" => {
            let items = kids
                .iter()
                .filter(|i| i.kind() == "block_sequence_item")
                .map(|i| {
                    let mut c = i.walk();
                    let v = i.named_children(&mut c).find(|k| k.kind() != "comment");
                    let mut node = v.map(|v| from_yaml(v, src)).unwrap_or(Node {
                        span: span(*i, 0),
                        kind: NodeKind::Other,
                        style: Style::YamlBlock,
                    });
                    node.span = span(*i, 0);
                    node
                })
                .collect();
            (Style::YamlBlock, NodeKind::Seq { items, open: None, close: None })
        }
        "flow_sequence" => {
            let items = kids
                .iter()
                .filter(|k| k.kind() == "flow_node" || k.kind() == "flow_pair")
                .map(|k| from_yaml(*k, src))
                .collect();
            (Style::YamlFlow, NodeKind::Seq { items, open: Some(sp.start), close: Some(sp.end - 1) })
        }
        "plain_scalar" | "double_quote_scalar" | "single_quote_scalar" => match yaml_scalar(n, src) {
            Some((inner, value)) => (Style::YamlBlock, NodeKind::Str { inner, value }),
            None => (Style::YamlBlock, NodeKind::Other),
        },
        _ => (Style::YamlBlock, NodeKind::Other),
    };
    Node { span: sp, kind, style }
}

/// A YAML scalar (plain, single or double quoted; not block scalars): inner span and value.
pub fn yaml_scalar(n: TsNode, src: &str) -> Option<(Span, String)> {
    let n = if n.kind() == "flow_node" {
        let mut c = n.walk();
        let kids: Vec<TsNode> = n.named_children(&mut c).collect();
        if kids.len() != 1 {
            return None;
        }
        kids[0]
    } else {
        n
    };
    let sp = span(n, 0);
    let raw = &src[n.byte_range()];
    match n.kind() {
        "plain_scalar" => {
            // A plain scalar spread over lines folds; keep to one-line scalars.
            if raw.contains('\n') {
                return None;
            }
            Some((sp, raw.to_string()))
        }
        "double_quote_scalar" => {
            let inner = Span::new(sp.start + 1, sp.end - 1);
            let value = serde_json::from_str::<String>(raw).ok()?;
            Some((inner, value))
        }
        "single_quote_scalar" => {
            let inner = Span::new(sp.start + 1, sp.end - 1);
            Some((inner, raw[1..raw.len() - 1].replace("''", "'")))
        }
        _ => None,
    }
}

/// Byte offset of the start of the line holding `pos`.
pub fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// Byte offset just past the newline ending the line holding `pos` (or the end of the text).
pub fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map(|i| pos + i + 1).unwrap_or(text.len())
}

/// The whitespace that indents the line holding `pos`.
pub fn indent_of(text: &str, pos: usize) -> &str {
    let s = line_start(text, pos);
    let rest = &text[s..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}
