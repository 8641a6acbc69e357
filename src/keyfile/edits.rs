//! Apply's half of [`super::mounts`]: writes each planned mount of a key file into its
//! deployment file, so the deployment reads the file from its secret once apply has taken it out
//! of the tree. Kubernetes: an `ExternalSecret` `{workload}-hoist-files` holding each key file as
//! one Secret key, a `secret` volume (`items` key → file name, `defaultMode: 0400`) and a
//! read-only `volumeMount` at the path the container reads (`subPath`). Compose: a top-level
//! `secrets: {name: {file: …}}` (the file `hoist run --file` writes) and the service's `secrets`
//! long form with that `target`, replacing a bind mount of the file. ECS (no secret-file mount):
//! a `secrets` entry whose variable holds the whole file by full ARN, and a "Still to do" line
//! with the entrypoint recipe that writes it. Idempotent: what is already there is left alone.

use super::mounts::{VOLUME_PREFIX, bind_mount, ecs_recipe, pod_containers, pod_specs, yaml_docs};
use crate::model::{Mount, MountKind, Span, Strategy};
use crate::rewrite::changes::{Changes, SiteCheck, SiteState, merge_edits, pending_text};
use crate::rewrite::deploy::ecs::{CAMEL, add_secrets};
use crate::rewrite::deploy::k8s::{STORE, external_secret_head, q};
use crate::rewrite::deploy::taskdef;
use crate::rewrite::deploy::tree::{Node, Style, line_end, line_start};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The Secret (and ExternalSecret) holding the key files mounted into a workload.
pub fn files_secret(workload: &str) -> String {
    format!("{workload}-hoist-files")
}

/// One mount to write, with its secret's ARN.
struct Want<'p> {
    mount: &'p Mount,
    arn: String,
}

/// Adds every planned mount whose key file apply moves (pending) or moved (applied) to the
/// files apply writes, and the steps left to the user to `changes.notes`.
pub fn add_mounts(root: &Path, checks: &[SiteCheck<'_>], arn_of: &dyn Fn(&str) -> String, changes: &mut Changes) {
    let mut wanted: BTreeMap<PathBuf, Vec<Want<'_>>> = BTreeMap::new();
    let mut seen: Vec<&str> = Vec::new();
    for c in checks {
        if seen.contains(&c.secret.name.as_str()) {
            continue;
        }
        seen.push(&c.secret.name);
        for m in &c.secret.mounts {
            let live = checks.iter().any(|o| {
                o.secret.name == c.secret.name
                    && o.site.path == m.for_path
                    && o.site.strategy == Strategy::File
                    && matches!(o.state, SiteState::Pending | SiteState::Applied)
            });
            if live {
                wanted.entry(m.path.clone()).or_default().push(Want { mount: m, arn: arn_of(&c.secret.name) });
            }
        }
    }
    for (path, wants) in wanted {
        for w in &wants {
            let note = note_for(w.mount);
            if !changes.notes.contains(&note) {
                changes.notes.push(note);
            }
        }
        let Some((existing, text)) = pending_text(&changes.files, root, &path) else { continue };
        let (edits, problems) = edits_for(&path, &text, &wants);
        changes.notes.extend(problems);
        merge_edits(&mut changes.files, checks, &path, text, existing, edits);
    }
}

/// The "Still to do" line for one mount.
fn note_for(m: &Mount) -> String {
    let p = crate::scan::slash_path(&m.path);
    let k = crate::scan::slash_path(&m.for_path);
    match m.kind {
        MountKind::Kubernetes => format!(
            "{p}: {} reads {k} from ExternalSecret {}: the cluster needs the External Secrets Operator and a \
             ClusterSecretStore named {STORE} allowed to read the secret",
            m.workload,
            files_secret(&m.workload)
        ),
        MountKind::Compose => format!(
            "{p}: service {} reads {k} as a compose secret: start it with `hoist run --file {k} -- docker compose up`",
            m.workload
        ),
        MountKind::Ecs => format!(
            "{p}: container {} receives {k} in variable {}; its entrypoint must write the file before the program \
             starts: {}",
            m.workload,
            m.env_var.as_deref().unwrap_or("?"),
            ecs_recipe(m.env_var.as_deref().unwrap_or("?"), &m.target)
        ),
    }
}

/// The edits for one deployment file and the problems that kept a mount out.
fn edits_for(path: &Path, text: &str, wants: &[Want<'_>]) -> (Vec<(Span, String)>, Vec<String>) {
    let mut edits = Vec::new();
    let mut problems = Vec::new();
    let of = |k: MountKind| wants.iter().filter(move |w| w.mount.kind == k).collect::<Vec<_>>();
    k8s_edits(text, &of(MountKind::Kubernetes), &mut edits, &mut problems);
    compose_edits(path, text, &of(MountKind::Compose), &mut edits, &mut problems);
    ecs_edits(path, text, &of(MountKind::Ecs), &mut edits, &mut problems);
    let p = crate::scan::slash_path(path);
    (edits, problems.into_iter().map(|why| format!("{p}: {why}")).collect())
}

/// The Secret key (and mounted file name) for a key file: its file name in Kubernetes key characters.
fn secret_key(for_path: &Path) -> String {
    let name = for_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name.chars().map(|c| if c.is_ascii_alphanumeric() || "-._".contains(c) { c } else { '_' }).collect()
}

/// The pod volume for a key file (a DNS label: lower case, `-`, at most 63 characters).
fn volume_name(for_path: &Path) -> String {
    let mut v = format!("{VOLUME_PREFIX}{}", super::group(for_path));
    v.truncate(63);
    v.trim_end_matches('-').to_string()
}

/// The column a block collection's first key or item starts at.
fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// Where text can go after a node: the end of its last line.
fn after(text: &str, n: Span) -> usize {
    line_end(text, n.end.saturating_sub(1).max(n.start))
}

/// A newline when `at` ends a text that doesn't end with one.
fn nl(text: &str, at: usize) -> &'static str {
    if at > 0 && !text[..at].ends_with('\n') { "\n" } else { "" }
}

/// Lines `body` (each relative to column 0) indented by `pad` spaces.
fn indent(body: &str, pad: usize) -> String {
    body.lines().map(|l| format!("{}{l}\n", " ".repeat(pad))).collect()
}

/// Adds `item` (a YAML block sequence item, `- …` lines) to `key` of block map `map`: after the
/// existing items, or as a new key after the map's last entry.
fn add_item(text: &str, map: &Node, key: &str, item: &str, edits: &mut Vec<(Span, String)>) -> Result<(), String> {
    match map.entry(key) {
        Some(e) if e.value.style == Style::YamlBlock && !e.value.items().is_empty() => {
            let at = after(text, e.value.span);
            edits.push((
                Span::new(at, at),
                format!("{}{}", nl(text, at), indent(item, column(text, e.value.items()[0].span.start))),
            ));
            Ok(())
        }
        Some(_) => Err(format!("`{key}` isn't a block list hoist can add to")),
        None => {
            let (Some(first), Some(last)) = (map.entries().first(), map.entries().last()) else {
                return Err("an empty map".into());
            };
            let pad = column(text, first.key_span.start);
            let at = after(text, last.span);
            edits.push((
                Span::new(at, at),
                format!("{}{}{key}:\n{}", nl(text, at), " ".repeat(pad), indent(item, pad + 2)),
            ));
            Ok(())
        }
    }
}

fn k8s_edits(text: &str, wants: &[&Want<'_>], edits: &mut Vec<(Span, String)>, problems: &mut Vec<String>) {
    if wants.is_empty() {
        return;
    }
    let docs = yaml_docs(text);
    let existing: Vec<&str> = docs
        .iter()
        .filter(|(_, d)| d.get("kind").and_then(Node::str) == Some("ExternalSecret"))
        .filter_map(|(_, d)| d.get("metadata")?.get("name")?.str())
        .collect();
    for (body, doc) in &docs {
        let kind = doc.get("kind").and_then(Node::str).unwrap_or("");
        let Some(workload) = doc.get("metadata").and_then(|m| m.get("name")).and_then(Node::str) else { continue };
        if !crate::rewrite::deploy::k8s_workload::WORKLOADS.contains(&kind) {
            continue;
        }
        let mine: Vec<&&Want<'_>> = wants.iter().filter(|w| w.mount.workload == workload).collect();
        if mine.is_empty() {
            continue;
        }
        // (secret key, ARN) of every key file this workload mounts, in plan order.
        let mut data: Vec<(String, &str)> = Vec::new();
        for spec in pod_specs(doc) {
            let mut volumes: Vec<&Path> = Vec::new();
            for c in pod_containers(spec) {
                let Some(cname) = c.get("name").and_then(Node::str) else { continue };
                for w in mine.iter().filter(|w| w.mount.container.as_deref() == Some(cname)) {
                    let m = w.mount;
                    let (key, vol) = (secret_key(&m.for_path), volume_name(&m.for_path));
                    if !data.iter().any(|(k, _)| *k == key) {
                        data.push((key.clone(), &w.arn));
                    }
                    if !volumes.contains(&m.for_path.as_path()) {
                        volumes.push(&m.for_path);
                    }
                    let mounted = c
                        .get("volumeMounts")
                        .map(Node::items)
                        .unwrap_or_default()
                        .iter()
                        .any(|v| v.get("mountPath").and_then(Node::str) == Some(m.target.as_str()));
                    if mounted {
                        continue;
                    }
                    let item = format!(
                        "- name: {}\n  mountPath: {}\n  subPath: {}\n  readOnly: true",
                        q(&vol),
                        q(&m.target),
                        q(&key)
                    );
                    if let Err(why) = add_item(text, c, "volumeMounts", &item, edits) {
                        problems.push(format!(
                            "{workload} container {cname}: {why}; mount volume {vol} at {} by hand",
                            m.target
                        ));
                    }
                }
            }
            for p in volumes {
                let (key, vol) = (secret_key(p), volume_name(p));
                let have = spec.get("volumes").map(Node::items).unwrap_or_default();
                if have.iter().any(|v| v.get("name").and_then(Node::str) == Some(vol.as_str())) {
                    continue;
                }
                let item = format!(
                    "- name: {}\n  secret:\n    secretName: {}\n    items:\n      - key: {}\n        path: {}\n    defaultMode: 0400",
                    q(&vol),
                    q(&files_secret(workload)),
                    q(&key),
                    q(&key)
                );
                if let Err(why) = add_item(text, spec, "volumes", &item, edits) {
                    problems.push(format!(
                        "{workload}: {why}; add volume {vol} from Secret {} by hand",
                        files_secret(workload)
                    ));
                }
            }
        }
        let target = files_secret(workload);
        if data.is_empty() || existing.contains(&target.as_str()) {
            continue;
        }
        let namespace = doc.get("metadata").and_then(|m| m.get("namespace")).and_then(Node::str);
        let mut y = format!(
            "# Added by hoist: the External Secrets Operator creates Secret {target} for {kind} {workload}\n# from AWS \
             Secrets Manager (ClusterSecretStore {STORE}): the key files its containers mount.\n"
        );
        y.push_str(&external_secret_head(&target, namespace));
        y.push_str("  data:\n");
        for (k, arn) in &data {
            y.push_str(&format!(
                "    - secretKey: {}\n      remoteRef:\n        key: {}\n",
                q(k),
                serde_json::to_string(arn).expect("strings serialize")
            ));
        }
        // After the document's last line, behind anything added at its end above.
        let at = after(text, *body);
        let insert = if text[..at].ends_with('\n') {
            format!("---\n{y}")
        } else {
            format!("\n---\n{}", y.trim_end_matches('\n'))
        };
        edits.push((Span::new(at, at), insert));
    }
}

/// `to` (repository-relative) as a path relative to `dir`, `./`-prefixed as compose writes them.
fn relative(dir: &Path, to: &Path) -> String {
    let to = crate::scan::slash_path(to);
    let dir = crate::scan::slash_path(dir);
    if dir.is_empty() {
        return format!("./{to}");
    }
    match to.strip_prefix(&format!("{dir}/")) {
        Some(rest) => format!("./{rest}"),
        None => format!("{}{to}", "../".repeat(dir.split('/').count())),
    }
}

fn compose_edits(
    path: &Path,
    text: &str,
    wants: &[&Want<'_>],
    edits: &mut Vec<(Span, String)>,
    problems: &mut Vec<String>,
) {
    if wants.is_empty() {
        return;
    }
    let Some((_, doc)) = yaml_docs(text).into_iter().next() else { return };
    let Some(services) = doc.get("services") else { return };
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut declared: Vec<String> = Vec::new();
    for w in wants {
        let m = w.mount;
        let Some(svc) = services.entries().iter().find(|e| e.key == m.workload) else { continue };
        let name = super::group(&m.for_path);
        if svc.value.style != Style::YamlBlock {
            problems.push(format!("service {} isn't a block map; give it secret {name} by hand", m.workload));
            continue;
        }
        // The bind mounts of the file go: the file isn't in the tree any more.
        let vols = svc.value.entry("volumes");
        let items = vols.map(|v| v.value.items()).unwrap_or_default();
        let gone: Vec<&Node> = items
            .iter()
            .filter(|v| {
                bind_mount(v).and_then(|(src, _)| crate::plan::runners::normalise(&dir.join(src))).as_deref()
                    == Some(m.for_path.as_path())
            })
            .collect();
        if let Some(v) = vols.filter(|_| !gone.is_empty()) {
            if v.value.style != Style::YamlBlock {
                problems.push(format!(
                    "service {}: remove the bind mount of {} by hand",
                    m.workload,
                    m.for_path.display()
                ));
            } else if gone.len() == items.len() {
                edits.push((Span::new(line_start(text, v.span.start), after(text, v.span)), String::new()));
            } else {
                for g in gone {
                    edits.push((Span::new(line_start(text, g.span.start), after(text, g.span)), String::new()));
                }
            }
        }
        let have = svc
            .value
            .get("secrets")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .any(|s| s.str() == Some(name.as_str()) || s.get("source").and_then(Node::str) == Some(name.as_str()));
        if !have {
            let item = format!("- source: {}\n  target: {}", q(&name), q(&m.target));
            if let Err(why) = add_item(text, &svc.value, "secrets", &item, edits) {
                problems.push(format!("service {}: {why}; give it secret {name} at {} by hand", m.workload, m.target));
            }
        }
        let top = doc.entry("secrets");
        if declared.contains(&name) || top.is_some_and(|t| t.value.get(&name).is_some()) {
            continue;
        }
        declared.push(name.clone());
        let entry = format!("{}:\n  file: {}", q(&name), q(&relative(dir, &m.for_path)));
        match top {
            Some(t) if t.value.style == Style::YamlBlock && !t.value.entries().is_empty() => {
                let at = after(text, t.value.span);
                let pad = column(text, t.value.entries()[0].key_span.start);
                edits.push((Span::new(at, at), format!("{}{}", nl(text, at), indent(&entry, pad))));
            }
            Some(_) => problems.push(format!("top-level `secrets` isn't a block map; declare secret {name} by hand")),
            None => {
                let at = text.len();
                edits.push((Span::new(at, at), format!("{}secrets:\n{}", nl(text, at), indent(&entry, 2))));
            }
        }
    }
}

fn ecs_edits(
    path: &Path,
    text: &str,
    wants: &[&Want<'_>],
    edits: &mut Vec<(Span, String)>,
    problems: &mut Vec<String>,
) {
    if wants.is_empty() {
        return;
    }
    let Ok(root) = taskdef::task_tree(path, text) else { return };
    for c in taskdef::containers(&root) {
        let Some(name) = c.get("name").and_then(Node::str) else { continue };
        let declared: Vec<&str> = ["environment", "secrets"]
            .iter()
            .flat_map(|s| c.get(s).map(Node::items).unwrap_or_default())
            .filter_map(|i| i.get("name").and_then(Node::str))
            .collect();
        let mut items: Vec<(String, String)> = Vec::new();
        for w in wants.iter().filter(|w| w.mount.workload == name) {
            let Some(var) = w.mount.env_var.clone() else { continue };
            if !declared.contains(&var.as_str()) && !items.iter().any(|(v, _)| *v == var) {
                items.push((var, w.arn.clone()));
            }
        }
        if items.is_empty() {
            continue;
        }
        match add_secrets(text, c, &CAMEL, &items) {
            Some(e) => edits.extend(e),
            None => problems.push(format!(
                "container {name} has no literal `environment` list to write `secrets` beside; add {} by hand",
                items.iter().map(|(v, a)| format!("{{name: {v}, valueFrom: {a}}}")).collect::<Vec<_>>().join(", ")
            )),
        }
    }
}
