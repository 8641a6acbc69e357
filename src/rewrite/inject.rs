//! Injections: the plan says which deployment (compose service, ECS container) runs code that now
//! reads a variable it doesn't receive yet; this adds the variable to that deployment — compose
//! `VAR: ${VAR:?…}` (provided by `hoist run` or the shell), ECS `secrets` `valueFrom` by full
//! ARN. Idempotent: a deployment that already declares the variable is left alone.

use super::changes::{Change, ManualSite, SiteCheck, SiteState, merge_edits, pending_text};
use super::deploy::ecs::{CAMEL, add_secrets};
use super::deploy::taskdef;
use super::deploy::tree::{Entry, Node, NodeKind, Style, from_yaml, line_end, line_start, parse};
use crate::model::{Injection, Shape, Span, Strategy};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One variable to add: container, variable, `valueFrom` (ECS), and the secret and key it is from.
struct Want {
    container: String,
    env_var: String,
    value_from: String,
    secret: String,
    key: String,
}

/// Adds the plan's injections to `files` (updating a file already being rewritten, or adding
/// one). An injection applies when its code file has an `env` site of the secret that is pending
/// or already applied.
pub fn add_injections(
    root: &Path,
    checks: &[SiteCheck<'_>],
    arn_of: &dyn Fn(&str) -> String,
    files: &mut Vec<Change>,
    manual: &mut Vec<ManualSite>,
) {
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
                list.push(Want {
                    container: inj.container.clone(),
                    env_var: inj.env_var.clone(),
                    value_from,
                    secret: c.secret.name.clone(),
                    key: inj.key.clone(),
                });
            }
        }
    }
    for (path, wants) in wanted {
        let Some((existing, text)) = pending_text(files, root, &path) else { continue };
        let (edits, refused) = edits_and_refusals(&path, &text, &wants);
        // Code now reads a variable its service won't get: say so, never succeed silently.
        for (service, vars) in refused {
            for w in wants.iter().filter(|w| w.container == service && vars.contains(&w.env_var)) {
                manual.push(ManualSite {
                    path: path.clone(),
                    line: service_line(&text, &service),
                    secret: w.secret.clone(),
                    key: w.key.clone(),
                    reason: format!(
                        "service `{service}` reads {v} now, but hoist doesn't edit its `environment` (an alias, \
                         anchor or flow-style service): add `{v}: {}` to it by hand",
                        compose_ref(&w.env_var),
                        v = w.env_var
                    ),
                });
            }
        }
        merge_edits(files, checks, &path, text, existing, edits);
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

/// The insertions for one deployment file, and the (container, variables) it can't write.
fn edits_and_refusals(path: &Path, text: &str, wants: &[Want]) -> Edits {
    if text.trim_start().starts_with(['{', '[']) {
        return (ecs_edits(path, text, wants), Vec::new());
    }
    compose_plan(text, wants)
}

/// Insertions, and the (service, variables) hoist couldn't add.
type Edits = (Vec<(Span, String)>, Vec<(String, Vec<String>)>);

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

/// The insertions for a compose file, and the services whose `environment` hoist can't extend
/// (an alias or anchor, a tagged value, a flow-style service), with the variables they miss.
fn compose_plan(text: &str, wants: &[Want]) -> Edits {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    let Some(tree) = parse(text, tree_sitter_yaml::LANGUAGE.into()) else { return (out, refused) };
    if tree.root_node().has_error() {
        return (out, refused);
    }
    let doc = from_yaml(tree.root_node(), text);
    let Some(services) = doc.get("services") else { return (out, refused) };
    for svc in services.entries() {
        let vars: Vec<&str> = wants.iter().filter(|w| w.container == svc.key).map(|w| w.env_var.as_str()).collect();
        if vars.is_empty() {
            continue;
        }
        match service_edit(text, svc, vars) {
            Ok(Some(edit)) => out.push(edit),
            Ok(None) => {}
            Err(vars) => refused.push((svc.key.clone(), vars)),
        }
    }
    (out, refused)
}

/// The insertion that gives service `svc` the variables `vars` it doesn't declare yet: a line per
/// variable in a block `environment` (map or `K=V` list, or a new `environment:` block), an item
/// per variable in a flow one (`{…}`, `[…]`, quoted: `${…}` holds flow indicators). `Err` with the
/// missing variables when the service's shape is one hoist doesn't edit.
fn service_edit(text: &str, svc: &Entry, vars: Vec<&str>) -> Result<Option<(Span, String)>, Vec<String>> {
    let refuse = |vars: &[&str]| Err(vars.iter().map(|v| v.to_string()).collect());
    if svc.value.style != Style::YamlBlock || svc.value.entries().is_empty() {
        return refuse(&vars);
    }
    let entries = svc.value.entries();
    let Some(env) = svc.value.entry("environment") else {
        let first = &entries[0];
        let last = &entries[entries.len() - 1];
        let indent = " ".repeat(first.key_span.start - line_start(text, first.key_span.start));
        let at = line_end(text, last.span.end.saturating_sub(1).max(last.span.start));
        let mut s = format!("{}{indent}environment:\n", nl_before(text, at));
        for v in vars {
            s.push_str(&format!("{indent}  {v}: {}\n", compose_ref(v)));
        }
        return Ok(Some((Span::new(at, at), s)));
    };
    let names = compose_names(&env.value);
    let vars: Vec<&str> = vars.into_iter().filter(|v| !names.iter().any(|n| n == v)).collect();
    if vars.is_empty() {
        return Ok(None);
    }
    let quoted = |s: String| format!("\"{s}\"");
    let edit = match (&env.value.kind, env.value.style) {
        (NodeKind::Map(entries), Style::YamlBlock) if !entries.is_empty() => {
            let first = &entries[0];
            let indent = " ".repeat(first.key_span.start - line_start(text, first.key_span.start));
            let at = block_end(text, &env.value);
            let lines: String = vars.iter().map(|v| format!("{indent}{v}: {}\n", compose_ref(v))).collect();
            (Span::new(at, at), nl_before(text, at) + &lines)
        }
        (NodeKind::Seq { items, .. }, Style::YamlBlock) if !items.is_empty() => {
            let indent = " ".repeat(items[0].span.start - line_start(text, items[0].span.start));
            let at = block_end(text, &env.value);
            let lines: String = vars.iter().map(|v| format!("{indent}- {v}={}\n", compose_ref(v))).collect();
            (Span::new(at, at), nl_before(text, at) + &lines)
        }
        (NodeKind::Map(entries), Style::YamlFlow) => {
            let items: Vec<String> = vars.iter().map(|v| format!("{v}: {}", quoted(compose_ref(v)))).collect();
            flow_insert(&env.value, entries.last().map(|e| e.span.end), &items)
        }
        (NodeKind::Seq { items: have, .. }, Style::YamlFlow) => {
            let items: Vec<String> = vars.iter().map(|v| quoted(format!("{v}={}", compose_ref(v)))).collect();
            flow_insert(&env.value, have.last().map(|n| n.span.end), &items)
        }
        // `environment:` with nothing after it: a block map under the key.
        (NodeKind::Other, _) if env.value.span.start == env.value.span.end => {
            let indent = " ".repeat(env.key_span.start - line_start(text, env.key_span.start) + 2);
            let at = line_end(text, env.key_span.start);
            let lines: String = vars.iter().map(|v| format!("{indent}{v}: {}\n", compose_ref(v))).collect();
            (Span::new(at, at), nl_before(text, at) + &lines)
        }
        _ => return refuse(&vars),
    };
    Ok(Some(edit))
}

/// Adds `items` to a flow collection: after its last item (`, X`) or, when it is empty, right
/// after the opening bracket.
pub(super) fn flow_insert(n: &Node, last: Option<usize>, items: &[String]) -> (Span, String) {
    let joined = items.join(", ");
    match last {
        Some(end) => (Span::new(end, end), format!(", {joined}")),
        None => (Span::new(n.span.start + 1, n.span.start + 1), joined),
    }
}

/// The 1-based line of `  service:` in a compose file (1 when not found).
fn service_line(text: &str, service: &str) -> usize {
    let key = format!("{service}:");
    text.lines().position(|l| l.trim_start().starts_with(&key) && l.starts_with(' ')).map_or(1, |i| i + 1)
}

/// Where text can be added after a block collection: the end of its last line.
pub(super) fn block_end(text: &str, n: &Node) -> usize {
    line_end(text, n.span.end.saturating_sub(1).max(n.span.start))
}

/// A newline when `at` is the end of a text that doesn't end with one.
pub(super) fn nl_before(text: &str, at: usize) -> String {
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
    use crate::model::{Edit, apply_edits};

    fn want(c: &str, v: &str) -> Want {
        Want {
            container: c.into(),
            env_var: v.into(),
            value_from: format!("arn:aws:secretsmanager:us-east-1:1:secret:s-AbCdEf:{v}::"),
            secret: "s".into(),
            key: v.to_lowercase(),
        }
    }

    fn run(text: &str, wants: &[Want], path: &str) -> String {
        let edits: Vec<Edit> = edits_and_refusals(Path::new(path), text, wants)
            .0
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

    #[test]
    fn flow_and_empty_environments_get_the_variables_too() {
        let text = "services:\n  web:\n    build: web\n    environment: { PORT: \"80\" }\n  worker:\n    build: worker\n    environment: []\n  cron:\n    build: cron\n    environment:\n    command: run\n  api:\n    build: api\n    environment: [A=1]\n";
        let wants = [
            want("web", "DB_PASSWORD"),
            want("worker", "DB_PASSWORD"),
            want("cron", "DB_PASSWORD"),
            want("api", "DB_PASSWORD"),
        ];
        let out = run(text, &wants, "docker-compose.yml");
        let doc: serde_yaml::Value = serde_yaml::from_str(&out).unwrap_or_else(|e| panic!("{e}:\n{out}"));
        let reference = "${DB_PASSWORD:?missing environment variable DB_PASSWORD}";
        assert_eq!(doc["services"]["web"]["environment"]["PORT"].as_str(), Some("80"));
        assert_eq!(doc["services"]["web"]["environment"]["DB_PASSWORD"].as_str(), Some(reference));
        assert_eq!(doc["services"]["cron"]["environment"]["DB_PASSWORD"].as_str(), Some(reference));
        assert_eq!(doc["services"]["cron"]["command"].as_str(), Some("run"));
        for (svc, n) in [("worker", 1), ("api", 2)] {
            let items = doc["services"][svc]["environment"].as_sequence().unwrap();
            assert_eq!(items.len(), n, "{out}");
            assert_eq!(items[n - 1].as_str().unwrap(), format!("DB_PASSWORD={reference}"));
        }
        assert_eq!(run(&out, &wants, "docker-compose.yml"), out, "idempotent");
    }

    #[test]
    fn an_environment_hoist_cannot_extend_is_reported() {
        let text =
            "x-env: &env\n  A: b\nservices:\n  web:\n    build: web\n    environment: *env\n  api: { build: api }\n";
        let (edits, refused) =
            edits_and_refusals(Path::new("compose.yaml"), text, &[want("web", "DB_PASSWORD"), want("api", "TOKEN")]);
        assert!(edits.is_empty());
        assert_eq!(
            refused,
            [("web".to_string(), vec!["DB_PASSWORD".to_string()]), ("api".into(), vec!["TOKEN".into()])]
        );
        assert_eq!(service_line(text, "api"), 7);
    }
}
