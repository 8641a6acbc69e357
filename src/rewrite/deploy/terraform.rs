//! Terraform: container definitions (`jsonencode([...])` HCL, heredoc JSON, module arguments such
//! as `environment = [{ name, value }]`) move entries to `secrets`; other arguments read the
//! secret through a `data "aws_secretsmanager_secret_version"` block (by ARN) appended once per
//! secret; a secret `default` of a `variable` is removed and the variable marked sensitive.

use super::ecs::{CAMEL, Outcome, move_env};
use super::tree::{
    Entry, Node, NodeKind, Style, from_hcl, from_json, hcl_string, line_end, line_start, parse, unwrap_hcl,
};
use super::{Rewritten, parse_error, taskdef};
use crate::model::{Shape, Span};
use crate::rewrite::{RewriteError, SiteRewrite};
use std::path::Path;
use tree_sitter::Node as TsNode;

/// Rewrites one `.tf` / `.tfvars` file.
pub fn rewrite(path: &Path, text: &str, sites: &[(usize, &SiteRewrite)]) -> Result<Rewritten, RewriteError> {
    let tree =
        parse(text, tree_sitter_hcl::LANGUAGE.into()).ok_or_else(|| parse_error(path, "hcl", "parser failed"))?;
    let root = tree.root_node();
    if root.has_error() {
        return Err(parse_error(path, "hcl", "the file doesn't parse as HCL"));
    }
    let mut out = Rewritten::default();
    if path.extension().and_then(|e| e.to_str()) == Some("tfvars") {
        for (idx, s) in sites {
            out.manual.push((
                *idx,
                format!("a .tfvars value; delete it and pass the variable at plan time from {}", s.value_from()),
            ));
        }
        return Ok(out);
    }
    let mut bodies = Vec::new();
    collect_bodies(root, &mut bodies);
    let mut maps: Vec<Node> = bodies.iter().map(|b| body_map(*b, text)).collect();
    let mut moved = Outcome::default();
    // JSON heredocs: parsed on their own, spans placed back in the file.
    for h in heredocs(root) {
        let (start, end) = h;
        let sub = &text[start..end];
        if let Some(t) = parse(sub, tree_sitter_json::LANGUAGE.into()) {
            let json = from_json(t.root_node(), sub, start);
            let inside: Vec<&(usize, &SiteRewrite)> =
                sites.iter().filter(|(_, s)| Span::new(start, end).contains(&s.site.span)).collect();
            if inside.is_empty() {
                continue;
            }
            if t.root_node().has_error() {
                for (idx, s) in inside {
                    moved.manual.push((*idx, format!("the heredoc isn't plain JSON (interpolation outside strings?); move the entry to secrets with valueFrom {}", s.value_from())));
                }
                continue;
            }
            let o = move_env(text, &taskdef::containers(&json), &CAMEL, sites);
            moved.edits.extend(o.edits);
            moved.done.extend(o.done);
            moved.manual.extend(o.manual);
        }
    }
    let mut containers: Vec<&Node> = Vec::new();
    for m in &mut maps {
        m.style = Style::Hcl;
    }
    for m in &maps {
        m.walk(&mut |n, _| {
            if let NodeKind::Map(_) = n.kind
                && let Some(env) = n.get("environment")
                && env.items().iter().any(|i| i.get("name").is_some() && i.get("value").is_some())
            {
                containers.push(n);
            }
        });
    }
    let o = move_env(text, &containers, &CAMEL, sites);
    moved.edits.extend(o.edits);
    moved.done.extend(o.done);
    moved.manual.extend(o.manual);
    out.edits = moved.edits;
    out.manual = moved.manual;

    let mut data_blocks: Vec<(String, String)> = Vec::new();
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("tf");
    for (idx, s) in sites {
        if moved.done.contains(idx) || out.manual.iter().any(|(i, _)| i == idx) {
            continue;
        }
        match argument_edit(text, root, s, stem) {
            Ok(ArgEdit::Data { edit, label }) => {
                out.edits.push(edit);
                if !data_blocks.iter().any(|(l, _)| *l == label)
                    && !text.contains(&format!("\"aws_secretsmanager_secret_version\" \"{label}\""))
                {
                    data_blocks.push((label, s.arn.clone()));
                }
            }
            Ok(ArgEdit::Variable { edit, note }) => {
                out.edits.push(edit);
                out.manual.push((*idx, note));
            }
            Err(why) => out.manual.push((*idx, why)),
        }
    }
    if !data_blocks.is_empty() {
        let mut s = String::new();
        if !text.ends_with('\n') && !text.is_empty() {
            s.push('\n');
        }
        for (label, arn) in data_blocks {
            s.push_str(&format!(
                "\n# Added by hoist: read from AWS Secrets Manager by full ARN.\ndata \"aws_secretsmanager_secret_version\" \"{label}\" {{\n  secret_id = {}\n}}\n",
                serde_json::to_string(&arn).expect("strings serialize")
            ));
        }
        out.edits.push((Span::new(text.len(), text.len()), s));
    }
    Ok(out)
}

/// The `data` label used for a secret in a file: its name and the file's stem, so two files of
/// one module never declare the same data source.
pub fn data_label(secret_name: &str, file_stem: &str) -> String {
    let clean =
        |s: &str| s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect::<String>();
    let mut l = format!("{}_{}", clean(secret_name), clean(file_stem));
    if !l.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        l.insert(0, '_');
    }
    l
}

/// Every `body` in the file (top level and nested blocks).
fn collect_bodies<'t>(n: TsNode<'t>, out: &mut Vec<TsNode<'t>>) {
    if n.kind() == "body" {
        out.push(n);
    }
    let mut c = n.walk();
    for ch in n.named_children(&mut c) {
        if matches!(ch.kind(), "body" | "block" | "config_file") {
            collect_bodies(ch, out);
        }
    }
}

/// A block body as a map of its attributes.
fn body_map(body: TsNode, text: &str) -> Node {
    let mut c = body.walk();
    let entries = body
        .named_children(&mut c)
        .filter(|a| a.kind() == "attribute")
        .filter_map(|a| {
            let id = a.named_child(0)?;
            let expr = a.child_by_field_name("val").or_else(|| a.named_child(1))?;
            Some(Entry {
                key: text[id.byte_range()].to_string(),
                key_span: Span::new(id.start_byte(), id.end_byte()),
                span: Span::new(a.start_byte(), a.end_byte()),
                value: from_hcl(expr, text),
            })
        })
        .collect();
    Node { span: Span::new(body.start_byte(), body.end_byte()), kind: NodeKind::Map(entries), style: Style::Hcl }
}

/// The byte ranges of heredoc bodies that look like JSON.
fn heredocs(root: TsNode) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind() == "heredoc_template" {
            let mut c = n.walk();
            let parts: Vec<TsNode> = n
                .named_children(&mut c)
                .filter(|k| matches!(k.kind(), "template_literal" | "template_interpolation"))
                .collect();
            if let (Some(f), Some(l)) = (parts.first(), parts.last()) {
                out.push((f.start_byte(), l.end_byte()));
            }
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

enum ArgEdit {
    Data { edit: (Span, String), label: String },
    Variable { edit: (Span, String), note: String },
}

/// The reference expression for a site.
fn data_expr(s: &SiteRewrite, label: &str) -> String {
    match s.shape {
        Shape::Json => format!(
            "jsondecode(data.aws_secretsmanager_secret_version.{label}.secret_string)[{}]",
            serde_json::to_string(s.key).expect("strings serialize")
        ),
        _ => format!("data.aws_secretsmanager_secret_version.{label}.secret_string"),
    }
}

/// The edit for a site outside container definitions.
fn argument_edit(text: &str, root: TsNode, s: &SiteRewrite, stem: &str) -> Result<ArgEdit, String> {
    let sp = s.site.span;
    let mut n = root.descendant_for_byte_range(sp.start, sp.end).ok_or("the value isn't in the file")?;
    while !matches!(n.kind(), "string_lit" | "quoted_template" | "heredoc_template") {
        n = n.parent().ok_or_else(|| format!("not a string literal; reference {} by hand", s.value_from()))?;
    }
    if n.kind() == "heredoc_template" {
        return Err(format!("inside a heredoc; reference {} by hand", s.value_from()));
    }
    // A string with interpolation (`"postgres://app:pw@${aws_db_instance.db.endpoint}/app"`): the
    // literal part keeps its template and only the planned bytes become an interpolation.
    let inner = match hcl_string(n, text) {
        Some((inner, value)) if text[inner.start..inner.end] == value => inner,
        Some(_) => return Err(format!("a string with escapes; reference {} by hand", s.value_from())),
        None if in_template_literal(n, text, sp) => Span::new(n.start_byte() + 1, n.end_byte().saturating_sub(1)),
        None => return Err(format!("a string with interpolation; reference {} by hand", s.value_from())),
    };
    // The enclosing top-level block and, for variables, the attribute.
    let mut block = n;
    let mut attr = None;
    while let Some(p) = block.parent() {
        if block.kind() == "attribute" && attr.is_none() {
            attr = Some(block);
        }
        if block.kind() == "block" && p.parent().is_some_and(|g| g.kind() == "config_file") {
            break;
        }
        block = p;
    }
    let block_type =
        if block.kind() == "block" { block.named_child(0).map(|i| &text[i.byte_range()]).unwrap_or("") } else { "" };
    let label = data_label(s.secret_name, stem);
    match block_type {
        "resource" | "data" | "module" | "locals" => {}
        "variable" => return variable_default(text, block, attr, n, s),
        "" => return Err(format!("a top-level attribute; reference {} by hand", s.value_from())),
        other => {
            return Err(format!(
                "inside a {other} block (it can't read data sources); pass the value from {} another way",
                s.value_from()
            ));
        }
    }
    let whole = inner == sp;
    let edit = if whole {
        let lit = unwrap_hcl(n);
        (Span::new(lit.start_byte(), lit.end_byte()), data_expr(s, &label))
    } else {
        (sp, format!("${{{}}}", data_expr(s, &label)))
    };
    Ok(ArgEdit::Data { edit, label })
}

/// True when `sp` lies inside one plain literal part of the template string `n`, spelled without
/// escapes or template sequences, so it can be cut out and replaced by an interpolation.
fn in_template_literal(n: TsNode, text: &str, sp: Span) -> bool {
    let mut c = n.walk();
    let found = n
        .named_children(&mut c)
        .any(|k| k.kind() == "template_literal" && k.start_byte() <= sp.start && sp.end <= k.end_byte());
    let raw = &text[sp.start..sp.end];
    found && !raw.contains(['\\', '"']) && !raw.contains("${") && !raw.contains("%{")
}

/// A `variable "x" { default = "secret" }`: drop the default, mark it sensitive, say how to pass it.
fn variable_default(
    text: &str,
    block: TsNode,
    attr: Option<TsNode>,
    lit: TsNode,
    s: &SiteRewrite,
) -> Result<ArgEdit, String> {
    let name = block.named_child(1).and_then(|l| hcl_string(l, text)).map(|(_, v)| v).unwrap_or_default();
    let attr = attr.filter(|a| a.named_child(0).is_some_and(|i| &text[i.byte_range()] == "default"));
    let Some(attr) = attr else {
        return Err(format!("inside variable {name} but not its default; reference {} by hand", s.value_from()));
    };
    // The default must be the literal itself, not a map holding it.
    let expr = attr.named_child(1).map(unwrap_hcl);
    if expr.map(|e| e.byte_range()) != Some(lit.byte_range())
        || hcl_string(lit, text).map(|(i, _)| i) != Some(s.site.span)
    {
        return Err(format!(
            "variable {name}'s default holds more than the secret; reference {} by hand",
            s.value_from()
        ));
    }
    let start = line_start(text, attr.start_byte());
    let end = line_end(text, attr.end_byte().saturating_sub(1));
    let indent = &text[start..attr.start_byte()];
    let mut c = block.walk();
    let sensitive = block
        .named_children(&mut c)
        .filter(|b| b.kind() == "body")
        .flat_map(|b| {
            let mut c2 = b.walk();
            b.named_children(&mut c2).collect::<Vec<_>>()
        })
        .any(|a| a.kind() == "attribute" && a.named_child(0).is_some_and(|i| &text[i.byte_range()] == "sensitive"));
    let key = match s.shape {
        Shape::Json => format!(", key {}", s.key),
        _ => String::new(),
    };
    let mut repl =
        format!("{indent}# hoist: the default moved to AWS Secrets Manager ({}{key}); set TF_VAR_{name}\n", s.arn);
    if !sensitive {
        repl.push_str(&format!("{indent}sensitive = true\n"));
    }
    let jq = match s.shape {
        Shape::Json => format!(" | jq -r '.[\"{}\"]'", s.key),
        _ => String::new(),
    };
    let note = format!(
        "variable {name} no longer has a default: pass it as TF_VAR_{name}, e.g. export TF_VAR_{name}=\"$(aws secretsmanager get-secret-value --secret-id {} --query SecretString --output text{jq})\"",
        s.arn
    );
    Ok(ArgEdit::Variable { edit: (Span::new(start, end), repl), note })
}
