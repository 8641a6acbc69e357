//! CloudFormation templates (YAML with short tags, and JSON): `AWS::ECS::TaskDefinition`
//! `Environment` entries move to `Secrets`/`ValueFrom`; other resource properties become
//! `{{resolve:secretsmanager:<ARN>:SecretString:<key>}}` dynamic references. Values in resource
//! `Metadata`, `Parameters`, `Outputs` or inside intrinsic functions are left to the user.

use super::ecs::{PASCAL, move_env, render_str};
use super::tree::{Node, NodeKind, from_json, from_yaml, parse};
use super::{Rewritten, parse_error};
use crate::model::{Shape, Span};
use crate::rewrite::{RewriteError, SiteRewrite};
use std::path::Path;

/// The dynamic reference CloudFormation resolves at deploy time for a site.
pub fn resolve_ref(s: &SiteRewrite) -> String {
    match s.shape {
        Shape::Json => format!("{{{{resolve:secretsmanager:{}:SecretString:{}}}}}", s.arn, s.key),
        _ => format!("{{{{resolve:secretsmanager:{}}}}}", s.arn),
    }
}

/// Parses a template as JSON or YAML into the shared tree.
pub fn template_tree(path: &Path, text: &str) -> Result<Node, RewriteError> {
    let json = text.trim_start().starts_with('{');
    let lang = if json { tree_sitter_json::LANGUAGE.into() } else { tree_sitter_yaml::LANGUAGE.into() };
    let fmt = if json { "json" } else { "yaml" };
    let tree = parse(text, lang).ok_or_else(|| parse_error(path, fmt, "parser failed"))?;
    if tree.root_node().has_error() {
        return Err(parse_error(path, fmt, "the template doesn't parse"));
    }
    Ok(if json { from_json(tree.root_node(), text, 0) } else { from_yaml(tree.root_node(), text) })
}

/// The container definitions of every `AWS::ECS::TaskDefinition` resource, with the resource id.
pub fn task_definitions(root: &Node) -> Vec<(&str, &Node)> {
    let mut out = Vec::new();
    if let Some(res) = root.get("Resources") {
        for e in res.entries() {
            if e.value.get("Type").and_then(Node::str) == Some("AWS::ECS::TaskDefinition") {
                out.push((e.key.as_str(), &e.value));
            }
        }
    }
    out
}

/// Rewrites one template.
pub fn rewrite(path: &Path, text: &str, sites: &[(usize, &SiteRewrite)]) -> Result<Rewritten, RewriteError> {
    let root = template_tree(path, text)?;
    let containers: Vec<&Node> = task_definitions(&root)
        .into_iter()
        .filter_map(|(_, td)| td.get("Properties").and_then(|p| p.get("ContainerDefinitions")))
        .flat_map(|c| c.items().iter())
        .collect();
    let moved = move_env(text, &containers, &PASCAL, sites);
    let mut edits = moved.edits;
    let mut manual = moved.manual;
    // Several sites can share one scalar (a URL with user and password): one edit per scalar.
    let mut by_scalar: Vec<(Span, Vec<(usize, &SiteRewrite)>)> = Vec::new();
    for (idx, s) in sites {
        if moved.done.contains(idx) || manual.iter().any(|(i, _)| i == idx) {
            continue;
        }
        match find_scalar(&root, s.site.span) {
            Some((node, _)) => match by_scalar.iter_mut().find(|(sp, _)| *sp == node.span) {
                Some((_, v)) => v.push((*idx, *s)),
                None => by_scalar.push((node.span, vec![(*idx, *s)])),
            },
            None => manual.push((
                *idx,
                format!("the value sits inside an intrinsic function or isn't a plain string; use {}", resolve_ref(s)),
            )),
        }
    }
    for (_, group) in by_scalar {
        match property_edit(text, &root, &group) {
            Ok(edit) => edits.push(edit),
            Err(why) => manual.extend(group.iter().map(|(i, s)| (*i, format!("{why}; use {}", resolve_ref(s))))),
        }
    }
    Ok(Rewritten { edits, manual })
}

/// The scalar holding a site and its key path, when it is a literal string.
fn find_scalar(root: &Node, site: Span) -> Option<(&Node, Vec<String>)> {
    let mut found = None;
    root.walk(&mut |n, path| {
        if found.is_none()
            && let NodeKind::Str { inner, .. } = n.kind
            && inner.contains(&site)
        {
            found = Some((n, path.iter().map(|s| s.to_string()).collect()));
        }
    });
    found
}

/// Replaces the sites inside one resource property scalar with dynamic references.
fn property_edit(text: &str, root: &Node, group: &[(usize, &SiteRewrite)]) -> Result<(Span, String), String> {
    let Some((node, path)) = find_scalar(root, group[0].1.site.span) else {
        return Err("the value sits inside an intrinsic function or isn't a plain string".into());
    };
    match path.first().map(String::as_str) {
        Some("Resources") => {}
        Some("Parameters") => return Err("a parameter default; remove it, mark the parameter NoEcho and pass the value at deploy time, or reference the secret in the resource".into()),
        Some(other) => return Err(format!("in the template's {other} section")),
        None => return Err("not inside a resource".into()),
    }
    if path.get(2).map(String::as_str) != Some("Properties") {
        return Err(format!(
            "in resource {}'s {} (dynamic references only resolve in Properties)",
            path.get(1).map(String::as_str).unwrap_or("?"),
            path.get(2).map(String::as_str).unwrap_or("?")
        ));
    }
    if path.iter().any(|k| k.starts_with("Fn::") || k == "Ref") {
        return Err("the value sits inside an intrinsic function".into());
    }
    let NodeKind::Str { inner, value } = &node.kind else { unreachable!("find_scalar returns strings") };
    let raw = &text[inner.start..inner.end];
    if raw != value {
        return Err("the value is written with escapes".into());
    }
    let mut sorted: Vec<&SiteRewrite> = group.iter().map(|(_, s)| *s).collect();
    sorted.sort_by_key(|s| s.site.span.start);
    let mut new_value = String::new();
    let mut pos = inner.start;
    for s in sorted {
        if s.site.span.start < pos {
            return Err("two planned sites overlap".into());
        }
        new_value.push_str(&text[pos..s.site.span.start]);
        new_value.push_str(&resolve_ref(s));
        pos = s.site.span.end;
    }
    new_value.push_str(&text[pos..inner.end]);
    Ok((node.span, render_str(node.style, &new_value)))
}
