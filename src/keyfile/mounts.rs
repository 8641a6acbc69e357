//! Where deployments read a key file that apply takes out of the tree (strategy `file`), found at
//! plan time so the plan says — and apply writes — how each one gets the file back from its
//! secret: a Kubernetes container whose `env` value, `args` or `command` names the file's path in
//! the container; a compose service that bind-mounts the file or names its path in
//! `environment`; an ECS container whose `environment`, `command` or `entryPoint` names it.
//! A path is matched by file name (and, when several key files share a name, by the longest
//! matching tail); a relative path inside a container depends on its working directory and is
//! not matched. `edits` writes what is found here.

use super::group;
use crate::model::{Mount, MountKind, Plan, Shape, Strategy};
use crate::plan::naming::upper_snake;
use crate::rewrite::deploy::k8s_workload::WORKLOADS;
use crate::rewrite::deploy::taskdef;
use crate::rewrite::deploy::tree::{Node, from_json, from_yaml, parse};
use std::path::{Path, PathBuf};

/// Prefix of the volumes hoist adds to a pod spec (the rest is the key file's slug).
pub const VOLUME_PREFIX: &str = "hoist-";

/// One place a deployment reads a file, before it is matched to a key file.
struct Reference {
    kind: MountKind,
    workload: String,
    container: Option<String>,
    target: String,
    /// The repository file a compose bind mount names (matched exactly).
    source: Option<PathBuf>,
}

/// Records in `plan` where deployments read each of its key files, and says so in the `file`
/// site's reason. Secrets whose sites aren't all `file` are left alone.
pub fn plan_mounts(root: &Path, plan: &mut Plan) {
    let key_files: Vec<(usize, PathBuf)> = plan
        .secrets
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let mut sites = s.keys.iter().flat_map(|k| &k.sites);
            let first = sites.next()?;
            (first.strategy == Strategy::File && sites.all(|x| x.path == first.path)).then(|| (i, first.path.clone()))
        })
        .collect();
    if key_files.is_empty() {
        return;
    }
    let paths: Vec<&Path> = key_files.iter().map(|(_, p)| p.as_path()).collect();
    for (rel, text) in crate::rewrite::deploy::repo::deployment_files(root) {
        for r in references(&rel, &text) {
            let Some(k) = match_key(&paths, &r) else { continue };
            let (si, key_path) = &key_files[k];
            let secret = &mut plan.secrets[*si];
            let binary = secret.shape == Shape::Binary;
            // ECS injects SecretString only: a binary key file has no mount there.
            if r.kind == MountKind::Ecs && binary {
                continue;
            }
            let env_var = (r.kind == MountKind::Ecs).then(|| format!("{}_CONTENT", upper_snake(&group(key_path))));
            let m = Mount {
                path: rel.clone(),
                kind: r.kind,
                workload: r.workload,
                container: r.container,
                target: r.target,
                env_var,
                for_path: key_path.clone(),
            };
            if !secret.mounts.contains(&m) {
                secret.mounts.push(m);
            }
        }
    }
    for (si, _) in &key_files {
        let s = &mut plan.secrets[*si];
        if s.mounts.is_empty() {
            continue;
        }
        let said = mounts_note(&s.mounts);
        for site in s.keys.iter_mut().flat_map(|k| k.sites.iter_mut()) {
            let binary = s.shape == Shape::Binary;
            site.reason = Some(format!("{} {said}", super::plan_note(&site.path, binary)));
        }
    }
}

/// What apply writes for each mount, for the plan's reason.
pub fn mounts_note(mounts: &[Mount]) -> String {
    let each: Vec<String> = mounts
        .iter()
        .map(|m| {
            let p = crate::scan::slash_path(&m.path);
            match m.kind {
                MountKind::Kubernetes => format!(
                    "{p}: workload {} container {} gets an ExternalSecret {}, a secret volume (defaultMode 0400) \
                     and a volumeMount at {}",
                    m.workload,
                    m.container.as_deref().unwrap_or("?"),
                    super::edits::files_secret(&m.workload),
                    m.target
                ),
                MountKind::Compose => format!(
                    "{p}: service {} gets secret {} (top-level `secrets:` with `file:` {}, written by `hoist run \
                     --file {} -- docker compose up`) at {} in place of any bind mount of the file",
                    m.workload,
                    group(&m.for_path),
                    crate::scan::slash_path(&m.for_path),
                    crate::scan::slash_path(&m.for_path),
                    m.target
                ),
                MountKind::Ecs => format!(
                    "{p}: ECS has no secret-file mount, so container {} gets `secrets` entry {} holding the whole \
                     file (valueFrom the secret's full ARN) and its entrypoint must write it: {}",
                    m.workload,
                    m.env_var.as_deref().unwrap_or("?"),
                    ecs_recipe(m.env_var.as_deref().unwrap_or("?"), &m.target)
                ),
            }
        })
        .collect();
    format!("Apply writes the mounts it found: {}.", each.join("; "))
}

/// The shell line an ECS entrypoint runs to write an injected key file before the program starts.
pub fn ecs_recipe(env_var: &str, target: &str) -> String {
    let t = sh_quote(target);
    format!(
        "`umask 077 && mkdir -p \"$(dirname {t})\" && printf '%s' \"${env_var}\" > {t} && chmod 0400 {t} && unset \
         {env_var} && exec \"$@\"`"
    )
}

/// `s` as one shell word: as it is when it holds only safe characters, else single-quoted.
pub(crate) fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// The key file a reference reads: the one a bind mount names, else the one whose name (and the
/// longest tail of folders) the target's path ends with, when that is one file.
fn match_key(paths: &[&Path], r: &Reference) -> Option<usize> {
    if let Some(src) = &r.source {
        return paths.iter().position(|p| *p == src.as_path());
    }
    let target: Vec<&str> = r.target.split('/').filter(|s| !s.is_empty()).rev().collect();
    let tail = |p: &Path| {
        let parts: Vec<String> = p.iter().rev().map(|c| c.to_string_lossy().into_owned()).collect();
        parts.iter().zip(&target).take_while(|(a, b)| a == *b).count()
    };
    let scored: Vec<(usize, usize)> =
        paths.iter().enumerate().map(|(i, p)| (i, tail(p))).filter(|(_, n)| *n > 0).collect();
    let best = scored.iter().map(|(_, n)| *n).max()?;
    let mut top = scored.iter().filter(|(_, n)| *n == best);
    let (i, _) = top.next()?;
    top.next().is_none().then_some(*i)
}

/// Absolute paths a string names (`/etc/tls/server.key`, `--key=/certs/a.pem`, `-k /x.pem`).
fn path_tokens(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|t| t.rsplit_once('=').map_or(t, |(_, v)| v))
        .map(|t| t.trim_matches(|c| c == '"' || c == '\''))
        .filter(|t| t.starts_with('/') && t.len() > 1 && !t.ends_with('/') && !t.contains(['$', '*']))
        .map(str::to_string)
        .collect()
}

/// Every file reference in one deployment file.
fn references(rel: &Path, text: &str) -> Vec<Reference> {
    let name = rel.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    if yaml && (name.starts_with("docker-compose") || name.starts_with("compose")) {
        return compose_refs(rel, text);
    }
    if yaml {
        return k8s_refs(text);
    }
    if name.ends_with(".json") && text.contains("containerDefinitions") {
        return ecs_refs(rel, text);
    }
    Vec::new()
}

/// The strings of a container's `key` entry: a string, or a list's strings.
fn strings<'a>(c: &'a Node, key: &str) -> Vec<&'a str> {
    match c.get(key) {
        Some(n) if n.str().is_some() => n.str().into_iter().collect(),
        Some(n) => n.items().iter().filter_map(Node::str).collect(),
        None => Vec::new(),
    }
}

/// The values of a container's `env`/`environment` list (`{name, value}` items).
fn env_values<'a>(c: &'a Node, key: &str) -> Vec<&'a str> {
    c.get(key).map(Node::items).unwrap_or_default().iter().filter_map(|i| i.get("value").and_then(Node::str)).collect()
}

/// The YAML documents of a (multi-document) file, each as a tree.
pub(crate) fn yaml_docs(text: &str) -> Vec<(crate::model::Span, Node)> {
    let Some(tree) = parse(text, tree_sitter_yaml::LANGUAGE.into()) else { return Vec::new() };
    if tree.root_node().has_error() {
        return Vec::new();
    }
    let root = tree.root_node();
    let mut c = root.walk();
    let mut out = Vec::new();
    for doc in root.named_children(&mut c).filter(|d| d.kind() == "document") {
        let mut c2 = doc.walk();
        if let Some(body) = doc.named_children(&mut c2).find(|n| n.kind() == "block_node") {
            out.push((crate::model::Span::new(body.start_byte(), body.end_byte()), from_yaml(body, text)));
        }
    }
    out
}

/// Maps holding a pod's `containers` (and their `initContainers`) inside a workload document.
pub(crate) fn pod_specs(doc: &Node) -> Vec<&Node> {
    let mut out = Vec::new();
    doc.walk(&mut |n, _| {
        if n.get("containers").is_some_and(|c| !c.items().is_empty()) {
            out.push(n);
        }
    });
    out
}

/// The containers of a pod spec.
pub(crate) fn pod_containers(spec: &Node) -> Vec<&Node> {
    ["containers", "initContainers"].iter().flat_map(|k| spec.get(k).map(Node::items).unwrap_or_default()).collect()
}

fn k8s_refs(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    for (_, doc) in yaml_docs(text) {
        let kind = doc.get("kind").and_then(Node::str).unwrap_or("");
        let Some(workload) = doc.get("metadata").and_then(|m| m.get("name")).and_then(Node::str) else { continue };
        if !WORKLOADS.contains(&kind) {
            continue;
        }
        for spec in pod_specs(&doc) {
            for c in pod_containers(spec) {
                let Some(cname) = c.get("name").and_then(Node::str) else { continue };
                // A path some other volume already supplies is that volume's business.
                let mounted: Vec<(&str, &str)> = c
                    .get("volumeMounts")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|m| Some((m.get("mountPath")?.str()?, m.get("name")?.str()?)))
                    .collect();
                let words = env_values(c, "env").into_iter().chain(strings(c, "args")).chain(strings(c, "command"));
                for t in words.flat_map(path_tokens) {
                    if mounted.iter().any(|(p, n)| *p == t && !n.starts_with(VOLUME_PREFIX)) {
                        continue;
                    }
                    out.push(Reference {
                        kind: MountKind::Kubernetes,
                        workload: workload.to_string(),
                        container: Some(cname.to_string()),
                        target: t,
                        source: None,
                    });
                }
            }
        }
    }
    out
}

fn compose_refs(rel: &Path, text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let dir = rel.parent().unwrap_or(Path::new(""));
    for (_, doc) in yaml_docs(text).into_iter().take(1) {
        let Some(services) = doc.get("services") else { continue };
        for svc in services.entries() {
            let push = |target: String, source: Option<PathBuf>, out: &mut Vec<Reference>| {
                let r =
                    Reference { kind: MountKind::Compose, workload: svc.key.clone(), container: None, target, source };
                if !out.iter().any(|o| o.workload == r.workload && o.target == r.target) {
                    out.push(r);
                }
            };
            for v in svc.value.get("volumes").map(Node::items).unwrap_or_default() {
                if let Some((src, target)) = bind_mount(v) {
                    let source = crate::plan::runners::normalise(&dir.join(src));
                    push(target, source, &mut out);
                }
            }
            let env = svc.value.get("environment");
            let values: Vec<&str> = match env {
                Some(e) if !e.entries().is_empty() => e.entries().iter().filter_map(|e| e.value.str()).collect(),
                Some(e) => {
                    e.items().iter().filter_map(Node::str).filter_map(|s| s.split_once('=').map(|x| x.1)).collect()
                }
                None => Vec::new(),
            };
            for t in values.into_iter().flat_map(path_tokens) {
                push(t, None, &mut out);
            }
            // A target the service already gets as a compose secret is a reference too (so a
            // re-plan after apply records the same mount).
            for s in svc.value.get("secrets").map(Node::items).unwrap_or_default() {
                if let Some(t) = s.get("target").and_then(Node::str).filter(|t| t.starts_with('/')) {
                    push(t.to_string(), None, &mut out);
                }
            }
        }
    }
    out
}

/// A compose volume that bind-mounts a repository path: (source as written, target).
pub(crate) fn bind_mount(v: &Node) -> Option<(&str, String)> {
    if let Some(s) = v.str() {
        let mut parts = s.split(':');
        let (src, target) = (parts.next()?, parts.next()?);
        return (src.starts_with('.') && target.starts_with('/')).then(|| (src, target.to_string()));
    }
    let src = v.get("source")?.str()?;
    let target = v.get("target")?.str()?;
    let bind = v.get("type").and_then(Node::str).is_none_or(|t| t == "bind");
    (bind && src.starts_with('.') && target.starts_with('/')).then(|| (src, target.to_string()))
}

fn ecs_refs(rel: &Path, text: &str) -> Vec<Reference> {
    let Some(tree) = parse(text, tree_sitter_json::LANGUAGE.into()) else { return Vec::new() };
    if tree.root_node().has_error() {
        return Vec::new();
    }
    let json = from_json(tree.root_node(), text, 0);
    let _ = rel;
    let mut out = Vec::new();
    for c in taskdef::containers(&json) {
        let Some(name) = c.get("name").and_then(Node::str) else { continue };
        let words =
            env_values(c, "environment").into_iter().chain(strings(c, "command")).chain(strings(c, "entryPoint"));
        for t in words.flat_map(path_tokens) {
            if !out.iter().any(|o: &Reference| o.workload == name && o.target == t) {
                out.push(Reference {
                    kind: MountKind::Ecs,
                    workload: name.to_string(),
                    container: None,
                    target: t,
                    source: None,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_out_of_flags_and_values() {
        assert_eq!(path_tokens("--tls-key=/etc/tls/server.key -v"), ["/etc/tls/server.key"]);
        assert_eq!(path_tokens("/run/a.pem,/run/b.pem"), ["/run/a.pem", "/run/b.pem"]);
        assert!(path_tokens("certs/server.key $HOME/x.pem /").is_empty(), "relative, templated, root");
    }

    #[test]
    fn a_target_matches_the_one_key_file_with_its_name_and_longest_tail() {
        let r = |t: &str| Reference {
            kind: MountKind::Kubernetes,
            workload: "w".into(),
            container: None,
            target: t.into(),
            source: None,
        };
        let paths = [Path::new("certs/prod/server.key"), Path::new("certs/dev/server.key"), Path::new("id_rsa")];
        assert_eq!(match_key(&paths, &r("/etc/prod/server.key")), Some(0));
        assert_eq!(match_key(&paths, &r("/etc/server.key")), None, "two files share the name: ambiguous");
        assert_eq!(match_key(&paths, &r("/root/.ssh/id_rsa")), Some(2));
        assert_eq!(match_key(&paths, &r("/etc/tls/other.key")), None);
    }
}
