//! Compose `build.secrets` for Dockerfile build secrets. When apply gives a `RUN` of a Dockerfile a
//! BuildKit secret mount (`--mount=type=secret,id=K`: a build `ARG` moved out of the image, or an
//! `ENV` a `RUN` reads while building), every compose service that builds that Dockerfile gets
//! `build: secrets: [K]` and the compose file a top-level `secrets: K: environment: K`, so
//! `docker compose build` passes the value from its environment (`hoist run -- docker compose
//! build`) — without it BuildKit fails the `required=true` mount. The Dockerfile's new text is the
//! one answer to "which build secrets": nothing here re-decides what the Dockerfile rewriter did.

use super::changes::{Change, ManualSite, SiteCheck, merge_edits, pending_text};
use super::deploy::dockerfile;
use super::deploy::tree::{Node, NodeKind, Style, from_yaml, line_start, parse};
use super::inject::{block_end, flow_insert, nl_before};
use crate::model::Span;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Adds the compose build secrets the Dockerfiles changed in `files` now mount; a service hoist
/// can't edit becomes a manual item naming the secret.
pub fn add_build_secrets(root: &Path, checks: &[SiteCheck<'_>], files: &mut Vec<Change>, manual: &mut Vec<ManualSite>) {
    let mut mounted: Vec<(PathBuf, Vec<String>)> = Vec::new();
    for f in files.iter() {
        if crate::format::FileFormat::of_file(&f.path, &f.new) != crate::format::FileFormat::Dockerfile {
            continue;
        }
        let before = secret_ids(f.old.as_deref().unwrap_or(""));
        let added: Vec<String> = secret_ids(&f.new).into_iter().filter(|id| !before.contains(id)).collect();
        if !added.is_empty() {
            mounted.push((f.path.clone(), added));
        }
    }
    if mounted.is_empty() {
        return;
    }
    // Compose file → (service, ids), for the services that build each Dockerfile.
    let mut wanted: BTreeMap<PathBuf, Vec<(String, Vec<String>)>> = BTreeMap::new();
    for r in crate::plan::runners::discover(root) {
        if r.kind != crate::plan::runners::RunnerKind::Compose {
            continue;
        }
        for (dockerfile, ids) in &mounted {
            if r.runs_image(dockerfile) {
                wanted.entry(r.path.clone()).or_default().push((r.container.clone(), ids.clone()));
            }
        }
    }
    for (path, wants) in wanted {
        let Some((existing, text)) = pending_text(files, root, &path) else { continue };
        let (edits, refused) = build_edits(&text, &wants);
        for (service, id) in refused {
            let site = checks.iter().find(|c| crate::rewrite::env_var_for(c.site, &c.key.key) == id);
            manual.push(ManualSite {
                path: path.clone(),
                line: 1,
                secret: site.map(|c| c.secret.name.clone()).unwrap_or_default(),
                key: site.map(|c| c.key.key.clone()).unwrap_or_default(),
                reason: format!(
                    "the image service `{service}` builds mounts build secret {id} now, but hoist doesn't edit this \
                     compose file's shape: add `secrets: [{id}]` under its `build:` and a top-level `secrets: {id}: \
                     {{environment: {id}}}` by hand"
                ),
            });
        }
        merge_edits(files, checks, &path, text, existing, edits);
    }
    files.sort_by(|a, b| (a.old.is_some(), &a.path).cmp(&(b.old.is_some(), &b.path)));
}

/// The ids of the BuildKit secret mounts (`RUN --mount=type=secret,id=K…`) of a Dockerfile.
pub fn secret_ids(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for inst in dockerfile::instructions(text).iter().filter(|i| i.keyword == "RUN") {
        for word in text[inst.span.start..inst.span.end].split_whitespace() {
            let Some(flags) = word.strip_prefix("--mount=") else { continue };
            let kv: Vec<(&str, &str)> = flags.split(',').filter_map(|p| p.split_once('=')).collect();
            let get = |k: &str| kv.iter().find(|(a, _)| *a == k).map(|(_, v)| *v);
            if get("type") == Some("secret")
                && let Some(id) = get("id")
                && !out.iter().any(|o| o == id)
            {
                out.push(id.to_string());
            }
        }
    }
    out
}

/// Insertions, and the (service, secret id) pairs hoist couldn't write.
type BuildEdits = (Vec<(Span, String)>, Vec<(String, String)>);

/// The insertions that give each (service, ids) `build.secrets` and the file its top-level
/// `secrets` entries; the (service, id) pairs whose shape hoist doesn't edit.
fn build_edits(text: &str, wants: &[(String, Vec<String>)]) -> BuildEdits {
    let mut edits = Vec::new();
    let mut refused = Vec::new();
    let refuse_all = |refused: &mut Vec<(String, String)>| {
        for (s, ids) in wants {
            refused.extend(ids.iter().map(|id| (s.clone(), id.clone())));
        }
    };
    let Some(tree) = parse(text, tree_sitter_yaml::LANGUAGE.into()) else {
        refuse_all(&mut refused);
        return (edits, refused);
    };
    let doc = from_yaml(tree.root_node(), text);
    let Some(services) = doc.get("services").filter(|_| !tree.root_node().has_error()) else {
        refuse_all(&mut refused);
        return (edits, refused);
    };
    let mut top: Vec<String> = Vec::new();
    for (service, ids) in wants {
        let Some(svc) = services.entry(service) else { continue };
        match service_build_edits(text, &svc.value, ids) {
            Some(mut e) => {
                edits.append(&mut e);
                for id in ids {
                    if !top.contains(id) {
                        top.push(id.clone());
                    }
                }
            }
            None => refused.extend(ids.iter().map(|id| (service.clone(), id.clone()))),
        }
    }
    if top.is_empty() {
        return (edits, refused);
    }
    let entry = |ind: &str, id: &str| format!("{ind}{id}:\n{ind}  environment: {id}\n");
    match doc.entry("secrets") {
        None => {
            let ind = services.entries().first().map_or("  ".to_string(), |e| indent(text, e.key_span.start));
            let body: String = top.iter().map(|id| entry(&ind, id)).collect();
            edits.push((Span::new(text.len(), text.len()), format!("{}secrets:\n{body}", nl_before(text, text.len()))));
        }
        Some(s) => match &s.value.kind {
            NodeKind::Map(have) if s.value.style == Style::YamlBlock && !have.is_empty() => {
                let ind = indent(text, have[0].key_span.start);
                let at = block_end(text, &s.value);
                let body: String =
                    top.iter().filter(|id| !have.iter().any(|e| e.key == **id)).map(|id| entry(&ind, id)).collect();
                if !body.is_empty() {
                    edits.push((Span::new(at, at), nl_before(text, at) + &body));
                }
            }
            _ => {
                // Top-level `secrets` in a shape hoist doesn't extend: nothing is written.
                let mut all = Vec::new();
                refuse_all(&mut all);
                return (Vec::new(), all);
            }
        },
    }
    (edits, refused)
}

/// The insertions that add `ids` to one service's `build.secrets` (a `build: ctx` string becomes a
/// mapping with `context: ctx`); `None` for a shape hoist doesn't edit.
fn service_build_edits(text: &str, svc: &Node, ids: &[String]) -> Option<Vec<(Span, String)>> {
    if svc.style != Style::YamlBlock {
        return None;
    }
    let build = svc.entry("build")?;
    let child = format!("{}  ", indent(text, build.key_span.start));
    match &build.value.kind {
        NodeKind::Str { .. } => {
            // `build: ./web` → `build:` / `context: ./web` / `secrets:` / `- K` (the context's bytes kept).
            let colon = text[build.key_span.end..build.value.span.start].find(':')? + build.key_span.end;
            let items: String = ids.iter().map(|id| format!("\n{child}  - {id}")).collect();
            Some(vec![
                (Span::new(colon + 1, build.value.span.start), format!("\n{child}context: ")),
                (Span::new(build.value.span.end, build.value.span.end), format!("\n{child}secrets:{items}")),
            ])
        }
        NodeKind::Map(entries) if build.value.style == Style::YamlBlock && !entries.is_empty() => {
            let child = indent(text, entries[0].key_span.start);
            match build.value.entry("secrets") {
                None => {
                    let at = block_end(text, &build.value);
                    let items: String = ids.iter().map(|id| format!("{child}  - {id}\n")).collect();
                    Some(vec![(Span::new(at, at), format!("{}{child}secrets:\n{items}", nl_before(text, at)))])
                }
                Some(s) => {
                    let have: Vec<&str> = s.value.items().iter().filter_map(Node::str).collect();
                    let new: Vec<&String> = ids.iter().filter(|id| !have.contains(&id.as_str())).collect();
                    if new.is_empty() {
                        return Some(Vec::new());
                    }
                    match &s.value.kind {
                        NodeKind::Seq { items, .. } if s.value.style == Style::YamlBlock && !items.is_empty() => {
                            let ind = indent(text, items[0].span.start);
                            let at = block_end(text, &s.value);
                            let lines: String = new.iter().map(|id| format!("{ind}- {id}\n")).collect();
                            Some(vec![(Span::new(at, at), nl_before(text, at) + &lines)])
                        }
                        NodeKind::Seq { items, .. } if s.value.style == Style::YamlFlow => {
                            let new: Vec<String> = new.iter().map(|s| s.to_string()).collect();
                            Some(vec![flow_insert(&s.value, items.last().map(|n| n.span.end), &new)])
                        }
                        _ => None,
                    }
                }
            }
        }
        _ => None,
    }
}

/// The indentation (spaces) of the line holding `pos`, up to `pos`.
fn indent(text: &str, pos: usize) -> String {
    " ".repeat(pos - line_start(text, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, wants: &[(&str, &[&str])]) -> (String, Vec<(String, String)>) {
        let wants: Vec<(String, Vec<String>)> =
            wants.iter().map(|(s, ids)| (s.to_string(), ids.iter().map(|i| i.to_string()).collect())).collect();
        let (edits, refused) = build_edits(text, &wants);
        let edits: Vec<crate::model::Edit> = edits
            .into_iter()
            .map(|(span, replacement)| crate::model::Edit { path: "c.yml".into(), span, replacement })
            .collect();
        (String::from_utf8(crate::model::apply_edits(text.as_bytes(), &edits).unwrap()).unwrap(), refused)
    }

    #[test]
    fn services_that_build_the_image_get_build_secrets_and_the_file_a_top_level_entry() {
        let text = "services:\n  web:\n    build: ./web\n    ports:\n      - \"80:80\"\n  worker:\n    build:\n      context: worker\n      dockerfile: Dockerfile.prod\n  api:\n    build:\n      context: api\n      secrets:\n        - other\nvolumes:\n  data:\n";
        let (out, refused) =
            run(text, &[("web", &["NPM_TOKEN"]), ("worker", &["NPM_TOKEN", "PIP_TOKEN"]), ("api", &["GH_TOKEN"])]);
        assert!(refused.is_empty());
        let doc: serde_yaml::Value = serde_yaml::from_str(&out).unwrap_or_else(|e| panic!("{e}:\n{out}"));
        let web = &doc["services"]["web"]["build"];
        assert_eq!(web["context"].as_str(), Some("./web"), "{out}");
        assert_eq!(web["secrets"][0].as_str(), Some("NPM_TOKEN"));
        assert_eq!(doc["services"]["web"]["ports"][0].as_str(), Some("80:80"));
        let worker = &doc["services"]["worker"]["build"];
        assert_eq!(worker["dockerfile"].as_str(), Some("Dockerfile.prod"));
        assert_eq!(worker["secrets"].as_sequence().unwrap().len(), 2);
        let api: Vec<&str> = doc["services"]["api"]["build"]["secrets"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(api, ["other", "GH_TOKEN"]);
        for id in ["NPM_TOKEN", "PIP_TOKEN", "GH_TOKEN"] {
            assert_eq!(doc["secrets"][id]["environment"].as_str(), Some(id), "{out}");
        }
        assert!(doc["volumes"].get("data").is_some());
        // A second pass adds nothing.
        let wants: &[(&str, &[&str])] = &[("web", &["NPM_TOKEN"]), ("api", &["GH_TOKEN"])];
        assert_eq!(run(&out, wants).0, out);
    }

    #[test]
    fn an_existing_top_level_secrets_block_is_extended_and_odd_shapes_refused() {
        let text = "services:\n  web:\n    build: { context: web }\n  app:\n    build: app\nsecrets:\n  cert:\n    file: ./cert.pem\n";
        let (out, refused) = run(text, &[("web", &["A"]), ("app", &["B"])]);
        assert_eq!(refused, [("web".to_string(), "A".to_string())]);
        let doc: serde_yaml::Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(doc["secrets"]["cert"]["file"].as_str(), Some("./cert.pem"));
        assert_eq!(doc["secrets"]["B"]["environment"].as_str(), Some("B"));
        assert!(doc["secrets"].get("A").is_none());
    }

    #[test]
    fn mount_ids_come_from_run_instructions() {
        let t = "FROM x\nRUN --mount=type=secret,id=NPM_TOKEN,required=true npm ci\nRUN --mount=type=cache,target=/c make\nRUN --mount=id=B,type=secret b\n";
        assert_eq!(secret_ids(t), ["NPM_TOKEN", "B"]);
    }
}
