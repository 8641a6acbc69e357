//! Raw ECS task definition JSON: `register-task-definition --cli-input-json` files, the
//! `{"taskDefinition": …}` shape `describe-task-definition` prints, and bare container lists
//! (`file()`d from Terraform).

use super::ecs::{CAMEL, move_env};
use super::tree::{Node, NodeKind, from_json, parse};
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

/// Rewrites one task-definition JSON file.
pub fn rewrite(path: &Path, text: &str, sites: &[(usize, &SiteRewrite)]) -> Result<Rewritten, RewriteError> {
    let tree =
        parse(text, tree_sitter_json::LANGUAGE.into()).ok_or_else(|| parse_error(path, "json", "parser failed"))?;
    if tree.root_node().has_error() {
        return Err(parse_error(path, "json", "not valid JSON"));
    }
    let root = from_json(tree.root_node(), text, 0);
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
