//! Injections: the plan says which deployment (compose service, ECS container) runs code that now
//! reads a variable it doesn't receive yet; this adds the variable to that deployment — compose
//! `VAR: ${VAR:?…}` (provided by `hoist run` or the shell), ECS `secrets` `valueFrom` by full
//! ARN. Idempotent: a deployment that already declares the variable is left alone.

use super::changes::{Change, SiteCheck, SiteState};
use super::deploy::ecs::{CAMEL, add_secrets};
use super::deploy::taskdef;
use super::deploy::tree::{Node, NodeKind, Style, from_yaml, line_end, line_start, parse};
use crate::model::{Edit, Injection, Shape, Span, Strategy, apply_edits};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One variable to add: container, variable, `valueFrom` (ECS).
struct Want {
    container: String,
    env_var: String,
    value_from: String,
}

/// Adds the plan's injections to `files` (updating a file already being rewritten, or adding
/// one). An injection applies when its code file has an `env` site of the secret that is pending
/// or already applied.
pub fn add_injections(root: &Path, checks: &[SiteCheck<'_>], arn_of: &dyn Fn(&str) -> String, files: &mut Vec<Change>) {
    let mut wanted: BTreeMap<PathBuf, Vec<Want>> = BTreeMap::new();
    let mut seen: Vec<&str> = Vec::new();
    for c in checks {
        if seen.contains(&c.secret.name.as_str()) {
            continue;
        }
        seen.push(&c.secret.name);
        for inj in &c.secret.inject {
            if !live(checks, &c.secret.name, inj) {
                continue;
            }
            let arn = arn_of(&c.secret.name);
            let value_from = match c.secret.shape {
                Shape::Json => format!("{arn}:{}::", inj.key),
                _ => arn,
            };
            let list = wanted.entry(inj.path.clone()).or_default();
            if !list.iter().any(|w| w.container == inj.container && w.env_var == inj.env_var) {
                list.push(Want { container: inj.container.clone(), env_var: inj.env_var.clone(), value_from });
            }
        }
    }
    for (path, wants) in wanted {
        let existing = files.iter().position(|f| f.path == path);
        let text = match existing {
            Some(i) => files[i].new.clone(),
            None => match crate::paths::safe_join(root, &path).ok().and_then(|p| std::fs::read_to_string(p).ok()) {
                Some(t) => t,
                None => continue,
            },
        };
        let edits = edits_for(&path, &text, &wants);
        if edits.is_empty() {
            continue;
        }
        let mut edits: Vec<Edit> =
            edits.into_iter().map(|(span, replacement)| Edit { path: path.clone(), span, replacement }).collect();
        super::textstyle::fit_edits(&text, 0, &mut edits);
        let Ok(new) = apply_edits(text.as_bytes(), &edits) else { continue };
        let Ok(new) = String::from_utf8(new) else { continue };
        match existing {
            Some(i) => {
                let f = &mut files[i];
                f.values_new = f.values_new.iter().map(|s| shift(*s, &edits)).collect();
                f.moved = f.moved.iter().map(|(o, n)| (*o, shift(*n, &edits))).collect();
                f.new = new;
            }
            None => {
                let mut values_old: Vec<Span> = checks
                    .iter()
                    .filter(|c| c.site.path == path && c.state == SiteState::Pending)
                    .map(|c| c.current.span)
                    .collect();
                values_old.sort();
                values_old.dedup();
                let moved: Vec<(Span, Span)> = values_old.iter().map(|s| (*s, shift(*s, &edits))).collect();
                files.push(Change {
                    path,
                    old: Some(text),
                    new,
                    values_new: moved.iter().map(|(_, n)| *n).collect(),
                    values_old,
                    moved,
                });
            }
        }
    }
    files.sort_by(|a, b| (a.old.is_some(), &a.path).cmp(&(b.old.is_some(), &b.path)));
}

/// True when the injection's code file reads the variable: an `env` site of the secret in it that
/// is pending or already applied.
fn live(checks: &[SiteCheck<'_>], secret: &str, inj: &Injection) -> bool {
    checks.iter().any(|c| {
        c.secret.name == secret
            && c.site.path == inj.for_path
            && c.site.strategy == Strategy::Env
            && matches!(c.state, SiteState::Pending | SiteState::Applied)
    })
}

/// Where a span lies after insertions (edits never cover it: they only insert).
fn shift(s: Span, edits: &[Edit]) -> Span {
    let delta: usize = edits.iter().filter(|e| e.span.end <= s.start).map(|e| e.replacement.len()).sum::<usize>()
        - edits.iter().filter(|e| e.span.end <= s.start).map(|e| e.span.len()).sum::<usize>();
    Span::new(s.start + delta, s.end + delta)
}

/// The insertions for one deployment file.
fn edits_for(path: &Path, text: &str, wants: &[Want]) -> Vec<(Span, String)> {
    if text.trim_start().starts_with(['{', '[']) {
        return ecs_edits(path, text, wants);
    }
    compose_edits(text, wants)
}

fn ecs_edits(path: &Path, text: &str, wants: &[Want]) -> Vec<(Span, String)> {
    let Ok(root) = taskdef::task_tree(path, text) else { return Vec::new() };
    let mut out = Vec::new();
    for c in taskdef::containers(&root) {
        let Some(name) = c.get("name").and_then(Node::str) else { continue };
        let have = declared(c, &["environment", "secrets"]);
        let items: Vec<(String, String)> = wants
            .iter()
            .filter(|w| w.container == name && !have.contains(&w.env_var))
            .map(|w| (w.env_var.clone(), w.value_from.clone()))
            .collect();
        if items.is_empty() {
            continue;
        }
        if let Some(edits) = add_secrets(text, c, &CAMEL, &items) {
            out.extend(edits);
        }
    }
    out
}

/// Names declared in a container's `name`/`value` lists.
fn declared(c: &Node, sections: &[&str]) -> Vec<String> {
    sections
        .iter()
        .flat_map(|s| c.get(s).map(Node::items).unwrap_or(&[]))
        .filter_map(|i| i.get("name").and_then(Node::str).map(str::to_string))
        .collect()
}

/// The compose reference for a variable: compose refuses to start when it is unset.
fn compose_ref(var: &str) -> String {
    format!("${{{var}:?missing environment variable {var}}}")
}

fn compose_edits(text: &str, wants: &[Want]) -> Vec<(Span, String)> {
    let Some(tree) = parse(text, tree_sitter_yaml::LANGUAGE.into()) else { return Vec::new() };
    if tree.root_node().has_error() {
        return Vec::new();
    }
    let doc = from_yaml(tree.root_node(), text);
    let Some(services) = doc.get("services") else { return Vec::new() };
    let mut out = Vec::new();
    for svc in services.entries() {
        let vars: Vec<&str> = wants.iter().filter(|w| w.container == svc.key).map(|w| w.env_var.as_str()).collect();
        if vars.is_empty() || svc.value.style != Style::YamlBlock {
            continue;
        }
        let Some(last) = svc.value.entries().last() else { continue };
        match svc.value.entry("environment") {
            Some(env) => {
                let names = compose_names(&env.value);
                let vars: Vec<&str> = vars.into_iter().filter(|v| !names.iter().any(|n| n == v)).collect();
                if vars.is_empty() {
                    continue;
                }
                match &env.value.kind {
                    NodeKind::Map(entries) if env.value.style == Style::YamlBlock && !entries.is_empty() => {
                        let first = &entries[0];
                        let indent = " ".repeat(first.key_span.start - line_start(text, first.key_span.start));
                        let at = block_end(text, &env.value);
                        let lines: String = vars.iter().map(|v| format!("{indent}{v}: {}\n", compose_ref(v))).collect();
                        out.push((Span::new(at, at), nl_before(text, at) + &lines));
                    }
                    NodeKind::Seq { items, .. } if env.value.style == Style::YamlBlock && !items.is_empty() => {
                        let indent = " ".repeat(items[0].span.start - line_start(text, items[0].span.start));
                        let at = block_end(text, &env.value);
                        let lines: String =
                            vars.iter().map(|v| format!("{indent}- {v}={}\n", compose_ref(v))).collect();
                        out.push((Span::new(at, at), nl_before(text, at) + &lines));
                    }
                    _ => {}
                }
            }
            None => {
                let first = &svc.value.entries()[0];
                let indent = " ".repeat(first.key_span.start - line_start(text, first.key_span.start));
                let at = line_end(text, last.span.end.saturating_sub(1).max(last.span.start));
                let mut s = format!("{}{indent}environment:\n", nl_before(text, at));
                for v in vars {
                    s.push_str(&format!("{indent}  {v}: {}\n", compose_ref(v)));
                }
                out.push((Span::new(at, at), s));
            }
        }
    }
    out
}

/// Where text can be added after a block collection: the end of its last line.
fn block_end(text: &str, n: &Node) -> usize {
    line_end(text, n.span.end.saturating_sub(1).max(n.span.start))
}

/// A newline when `at` is the end of a text that doesn't end with one.
fn nl_before(text: &str, at: usize) -> String {
    if at > 0 && !text[..at].ends_with('\n') { "\n".into() } else { String::new() }
}

/// Variable names a compose `environment` declares (map keys, `K=V` / `K` items).
fn compose_names(env: &Node) -> Vec<String> {
    match &env.kind {
        NodeKind::Map(entries) => entries.iter().map(|e| e.key.clone()).collect(),
        NodeKind::Seq { items, .. } => {
            items.iter().filter_map(|i| i.str().map(|s| s.split('=').next().unwrap_or(s).trim().to_string())).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(c: &str, v: &str) -> Want {
        Want {
            container: c.into(),
            env_var: v.into(),
            value_from: format!("arn:aws:secretsmanager:us-east-1:1:secret:s-AbCdEf:{v}::"),
        }
    }

    fn run(text: &str, wants: &[Want], path: &str) -> String {
        let edits: Vec<Edit> = edits_for(Path::new(path), text, wants)
            .into_iter()
            .map(|(span, replacement)| Edit { path: path.into(), span, replacement })
            .collect();
        String::from_utf8(apply_edits(text.as_bytes(), &edits).unwrap()).unwrap()
    }

    #[test]
    fn compose_services_get_the_variables_their_code_reads() {
        let text = "services:\n  db:\n    image: mongo\n    environment:\n      MONGO_PASSWORD_X: a\n  app:\n    build: app\n    ports:\n      - \"80:80\"\n  api:\n    build: .\n    environment:\n      - A=1\n";
        let out =
            run(text, &[want("app", "MONGO_PASSWORD"), want("api", "DB_NAME"), want("api", "A")], "docker-compose.yml");
        let doc: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(
            doc["services"]["app"]["environment"]["MONGO_PASSWORD"].as_str(),
            Some("${MONGO_PASSWORD:?missing environment variable MONGO_PASSWORD}")
        );
        let api: Vec<&str> =
            doc["services"]["api"]["environment"].as_sequence().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(api, ["A=1", "DB_NAME=${DB_NAME:?missing environment variable DB_NAME}"]);
        assert!(
            doc["services"]["db"]["environment"].get("MONGO_PASSWORD").is_none(),
            "only the service that runs the code"
        );
        // Idempotent: a second pass adds nothing.
        assert_eq!(run(&out, &[want("app", "MONGO_PASSWORD"), want("api", "DB_NAME")], "docker-compose.yml"), out);
    }

    #[test]
    fn ecs_containers_get_secrets_entries() {
        let text = "{\n  \"containerDefinitions\": [\n    {\n      \"name\": \"api\",\n      \"environment\": [\n        { \"name\": \"A\", \"value\": \"1\" }\n      ]\n    }\n  ]\n}\n";
        let out = run(text, &[want("api", "DB_NAME")], "task.json");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["containerDefinitions"][0]["secrets"][0]["name"], "DB_NAME");
        assert!(v["containerDefinitions"][0]["secrets"][0]["valueFrom"].as_str().unwrap().ends_with(":DB_NAME::"));
        assert_eq!(run(&out, &[want("api", "DB_NAME")], "task.json"), out);
    }
}
