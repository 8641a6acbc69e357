//! HCL/Terraform (tree-sitter-hcl) into the shared document tree: blocks become nested maps keyed
//! by type and labels, `jsonencode(…)` is looked through, heredoc JSON is parsed as JSON with its
//! offset, and anything computed (`var.x`, interpolations, calls) is a reference, not a value.

use super::entry::Sink;
use super::parsers::{Grammar, parse};
use super::tree::{Deploy, Scalar, Val, walk_document};
use crate::model::Span;
use tree_sitter::Node;

/// Reads a Terraform/HCL file into `sink`; returns true when the parse had errors.
pub(crate) fn read(text: &str, sink: &mut Sink) -> bool {
    let Some(tree) = parse(Grammar::Hcl, text) else { return true };
    let root = tree.root_node();
    let mut cur = root.walk();
    let doc = root
        .named_children(&mut cur)
        .find(|n| n.kind() == "body")
        .map(|b| body(b, text))
        .unwrap_or(Val::Map(Vec::new()));
    walk_document(&doc, Deploy::Terraform, sink);
    root.has_error()
}

fn body(node: Node, text: &str) -> Val {
    let Some(_depth) = crate::scan::limit::enter() else { return Val::Map(Vec::new()) };
    let mut pairs = Vec::new();
    let mut cur = node.walk();
    for child in node.named_children(&mut cur) {
        match child.kind() {
            "attribute" => {
                let mut c = child.walk();
                let mut kids = child.named_children(&mut c);
                let (Some(name), Some(expr)) =
                    (kids.find(|k| k.kind() == "identifier"), kids.find(|k| k.kind() == "expression"))
                else {
                    continue;
                };
                pairs.push((text[name.byte_range()].to_string(), expression(expr, text)));
            }
            "block" => {
                let mut c = child.walk();
                let mut keys = Vec::new();
                let mut inner = Val::Map(Vec::new());
                for k in child.named_children(&mut c) {
                    match k.kind() {
                        "identifier" => keys.push(text[k.byte_range()].to_string()),
                        "string_lit" => keys.push(string_value(k, text).0),
                        "body" => inner = body(k, text),
                        _ => {}
                    }
                }
                let Some(first) = keys.first().cloned() else { continue };
                let mut v = inner;
                for label in keys[1..].iter().rev() {
                    v = Val::Map(vec![(label.clone(), v)]);
                }
                pairs.push((first, v));
            }
            _ => {}
        }
    }
    Val::Map(pairs)
}

fn expression(node: Node, text: &str) -> Val {
    let Some(_depth) = crate::scan::limit::enter() else { return Val::Other };
    let inner = if node.kind() == "expression" { node.named_child(0) } else { Some(node) };
    let Some(n) = inner else { return Val::Other };
    // `expression` wraps a single primary; more children means an operation on it.
    if node.kind() == "expression" && node.named_child_count() > 1 {
        return Val::Other;
    }
    match n.kind() {
        "literal_value" => match n.named_child(0) {
            Some(l) if l.kind() == "string_lit" => {
                let (value, span, literal) = string_value(l, text);
                Val::Str(Scalar { value, span, literal })
            }
            Some(l) if matches!(l.kind(), "numeric_lit" | "bool_lit") => {
                let r = l.byte_range();
                Val::Str(Scalar { value: text[r.clone()].to_string(), span: Span::new(r.start, r.end), literal: true })
            }
            _ => Val::Other,
        },
        "template_expr" => match n.named_child(0) {
            Some(q) if q.kind() == "quoted_template" => {
                let (value, span, _) = string_value(q, text);
                Val::Str(Scalar { value, span, literal: false })
            }
            Some(h) if h.kind() == "heredoc_template" => heredoc(h, text),
            _ => Val::Other,
        },
        "collection_value" => match n.named_child(0) {
            Some(o) if o.kind() == "object" => {
                let mut pairs = Vec::new();
                let mut c = o.walk();
                for el in o.named_children(&mut c).filter(|e| e.kind() == "object_elem") {
                    let (Some(k), Some(v)) = (el.child_by_field_name("key"), el.child_by_field_name("val")) else {
                        continue;
                    };
                    let key = match expression(k, text) {
                        Val::Str(s) => s.value,
                        _ => text[k.byte_range()].trim().to_string(),
                    };
                    pairs.push((key, expression(v, text)));
                }
                Val::Map(pairs)
            }
            Some(t) if t.kind() == "tuple" => {
                let mut c = t.walk();
                Val::Seq(
                    t.named_children(&mut c)
                        .filter(|e| e.kind() == "expression")
                        .map(|e| expression(e, text))
                        .collect(),
                )
            }
            _ => Val::Other,
        },
        "variable_expr" if node.named_child_count() == 1 => {
            // A bare identifier as an object key (`{ name = … }`), never a value.
            let r = n.byte_range();
            Val::Str(Scalar { value: text[r.clone()].to_string(), span: Span::new(r.start, r.end), literal: false })
        }
        // `var.prod ? var.pw : "literal"`: either branch, as CloudFormation's `Fn::If` (the
        // condition is no value).
        "conditional" => {
            let mut c = n.walk();
            let branches: Vec<Node> = n.named_children(&mut c).filter(|e| e.kind() == "expression").collect();
            match branches.as_slice() {
                [_, a, b] => either(expression(*a, text), expression(*b, text)),
                _ => Val::Other,
            }
        }
        "function_call" => {
            let mut c = n.walk();
            let mut kids = n.named_children(&mut c);
            let name = kids.next().map(|i| &text[i.byte_range()]).unwrap_or("");
            let args = kids.find(|k| k.kind() == "function_arguments");
            let Some(a) = args else { return Val::Other };
            let mut ac = a.walk();
            let exprs: Vec<Node> = a.named_children(&mut ac).filter(|e| e.kind() == "expression").collect();
            match (name, exprs.as_slice()) {
                ("jsonencode" | "yamlencode" | "sensitive" | "tostring" | "tolist" | "tomap", [e])
                    if a.named_child_count() == 1 =>
                {
                    expression(*e, text)
                }
                // The value a fallback can evaluate to: any argument of `coalesce`/`try`
                // (`coalesce(var.pw, "literal")`), the default of `lookup(map, key, default)`.
                ("coalesce" | "try", [first, rest @ ..]) => {
                    rest.iter().fold(expression(*first, text), |acc, e| either(acc, expression(*e, text)))
                }
                ("lookup", [_, _, default]) => expression(*default, text),
                // The variables a template is rendered with (`templatefile("user-data.sh", {
                // db_password = "…" })`), and the union of merged maps.
                ("templatefile", [_, vars]) => expression(*vars, text),
                ("merge", maps) => Val::Map(
                    maps.iter()
                        .filter_map(|m| match expression(*m, text) {
                            Val::Map(pairs) => Some(pairs),
                            _ => None,
                        })
                        .flatten()
                        .collect(),
                ),
                _ => Val::Other,
            }
        }
        _ => Val::Other,
    }
}

/// A value that is `a` or `b` when applied: the long form of CloudFormation's `Fn::If`, so that
/// [`super::tree::outcomes`] reads both branches as it does for templates.
fn either(a: Val, b: Val) -> Val {
    match (&a, &b) {
        (Val::Other, _) => b,
        (_, Val::Other) => a,
        _ => Val::Map(vec![("Fn::If".to_string(), Val::Seq(vec![Val::Other, a, b]))]),
    }
}

/// A quoted string's value, the span inside its quotes, and whether it is free of interpolation.
fn string_value(node: Node, text: &str) -> (String, Span, bool) {
    let r = node.byte_range();
    let inner = Span::new((r.start + 1).min(r.end), r.end.saturating_sub(1).max(r.start + 1).min(r.end));
    let mut c = node.walk();
    let literal =
        !node.named_children(&mut c).any(|k| matches!(k.kind(), "template_interpolation" | "template_directive"));
    let raw = &text[inner.start..inner.end];
    (super::json::unescape(raw), inner, literal)
}

/// `<<EOF … EOF`: JSON bodies (ECS container definitions) are parsed as JSON in place; other
/// bodies are strings, literal when free of interpolation.
fn heredoc(node: Node, text: &str) -> Val {
    let r = node.byte_range();
    let raw = &text[r.clone()];
    let Some(nl) = raw.find('\n') else { return Val::Other };
    let body_start = r.start + nl + 1;
    let body_end = r.start + raw.trim_end().rfind('\n').unwrap_or(nl);
    if body_end <= body_start {
        return Val::Other;
    }
    let body = &text[body_start..body_end];
    let mut c = node.walk();
    let interpolated =
        node.named_children(&mut c).any(|k| matches!(k.kind(), "template_interpolation" | "template_directive"));
    let t = body.trim_start();
    if t.starts_with(['[', '{']) {
        let (doc, err) = super::json::document(body, body_start);
        if let Some(doc) = doc.filter(|_| !err) {
            return doc;
        }
    }
    Val::Str(Scalar {
        value: body.trim().to_string(),
        span: Span::new(body_start + (body.len() - t.len()), body_start + body.trim_end().len()),
        literal: !interpolated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Val {
        let tree = parse(Grammar::Hcl, text).unwrap();
        let root = tree.root_node();
        body(root.named_child(0).unwrap(), text)
    }

    #[test]
    fn blocks_attributes_and_references() {
        let text = "resource \"aws_db_instance\" \"db\" {\n  password = \"hunter22\"\n  username = var.user\n  name = \"x-${var.env}\"\n  port = 5432\n}\n";
        let d = doc(text);
        let db = d.get("resource").and_then(|r| r.get("aws_db_instance")).and_then(|r| r.get("db")).unwrap();
        let Some(Val::Str(pw)) = db.get("password") else { panic!("{db:?}") };
        assert!(pw.literal);
        assert_eq!(&text[pw.span.start..pw.span.end], "hunter22");
        assert!(matches!(db.get("username"), Some(Val::Other) | Some(Val::Str(Scalar { literal: false, .. }))));
        assert!(matches!(db.get("name"), Some(Val::Str(Scalar { literal: false, .. }))));
        assert!(matches!(db.get("port"), Some(Val::Str(Scalar { literal: true, .. }))));
    }

    #[test]
    fn jsonencode_and_heredoc_json() {
        let text = "a = jsonencode([{ name = \"web\", image = \"x\" }])\nb = <<EOF\n[{\"name\": \"api\"}]\nEOF\n";
        let d = doc(text);
        assert!(matches!(d.get("a"), Some(Val::Seq(v)) if v[0].str_at("name") == Some("web")));
        let Some(Val::Seq(v)) = d.get("b") else { panic!("{d:?}") };
        let Some(Val::Str(n)) = v[0].get("name") else { panic!() };
        assert_eq!(&text[n.span.start..n.span.end], "api");
    }
}
