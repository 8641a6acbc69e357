//! Raw ECS task definition JSON: `register-task-definition --cli-input-json` files, the
//! `{"taskDefinition": …}` shape `describe-task-definition` prints, and bare container lists
//! (`file()`d from Terraform).

use super::ecs::{CAMEL, move_env};
use super::tree::{Node, NodeKind, from_json, from_yaml, parse};
use super::{Rewritten, parse_error};
use crate::rewrite::{RewriteError, SiteRewrite};
use std::path::Path;

/// The container definitions anywhere in a task-definition JSON tree.
pub fn containers(root: &Node) -> Vec<&Node> {
    if let NodeKind::Seq { items, .. } = &root.kind
        && !items.is_empty()
        && items.iter().all(|i| i.get("name").is_some() || i.get("image").is_some())
    {
        return items.iter().collect();
    }
    let mut out = Vec::new();
    root.walk(&mut |n, path| {
        if path.last() == Some(&"containerDefinitions") {
            out.extend(n.items().iter().filter(|i| matches!(i.kind, NodeKind::Map(_))));
        }
    });
    out
}

/// Parses a task definition written in JSON, or in YAML (ecspresso, Copilot overrides, CI templates).
pub fn task_tree(path: &Path, text: &str) -> Result<Node, RewriteError> {
    let json = text.trim_start().starts_with(['{', '[']);
    let (lang, fmt) =
        if json { (tree_sitter_json::LANGUAGE.into(), "json") } else { (tree_sitter_yaml::LANGUAGE.into(), "yaml") };
    let tree = parse(text, lang).ok_or_else(|| parse_error(path, fmt, "parser failed"))?;
    if tree.root_node().has_error() {
        return Err(parse_error(path, fmt, format!("not valid {}", fmt.to_uppercase())));
    }
    Ok(if json { from_json(tree.root_node(), text, 0) } else { from_yaml(tree.root_node(), text) })
}

/// True for a JSON file that is a bare list of ECS container definitions (`file()`d from
/// Terraform): every item has a name and an image.
pub fn is_container_list(text: &str) -> bool {
    parse(text, tree_sitter_json::LANGUAGE.into()).filter(|t| !t.root_node().has_error()).is_some_and(|t| {
        let root = from_json(t.root_node(), text, 0);
        let items = root.items();
        !items.is_empty() && items.iter().all(|i| i.get("name").is_some() && i.get("image").is_some())
    })
}

/// Rewrites one task-definition file.
pub fn rewrite(path: &Path, text: &str, sites: &[(usize, &SiteRewrite)]) -> Result<Rewritten, RewriteError> {
    let root = task_tree(path, text)?;
    let cs = containers(&root);
    let moved = move_env(text, &cs, &CAMEL, sites);
    let mut manual = moved.manual;
    for (idx, s) in sites {
        if !moved.done.contains(idx) && !manual.iter().any(|(i, _)| i == idx) {
            manual.push((
                *idx,
                format!(
                    "not a containerDefinitions[].environment value; reference the secret by hand ({})",
                    s.value_from()
                ),
            ));
        }
    }
    Ok(Rewritten { edits: moved.edits, manual })
}
