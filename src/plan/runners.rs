//! Which deployment runs which code: compose services (the `build` context or a mounted volume
//! holds the file), ECS containers (an environment value names a module of the repository, such as
//! `DJANGO_SETTINGS_MODULE=app.settings`, or the container shares a compose service's name) and
//! the variables each already receives. The planner uses it so code rewritten to `env` reads a
//! variable its own process gets — never one only another container (a database) receives.

use crate::rewrite::deploy::taskdef;
use crate::rewrite::deploy::tree::{Node, NodeKind, from_json, parse};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The kind of deployment file a runner is declared in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunnerKind {
    /// A docker-compose service.
    Compose,
    /// An ECS container definition (raw task-definition JSON, or a JSON template).
    Ecs,
}

/// One process that runs repository code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runner {
    /// The deployment file, relative to the repository root, `/`-separated.
    pub path: PathBuf,
    /// Its kind.
    pub kind: RunnerKind,
    /// The compose service / container name.
    pub container: String,
    /// Directories (or files) whose code it runs, relative to the repository root; `""` is the root.
    pub roots: Vec<PathBuf>,
    /// Variables its environment declares (literal entries, references, ECS `secrets`).
    pub env: BTreeSet<String>,
    /// The Dockerfile a compose service builds (`build.dockerfile` in its context, else
    /// `Dockerfile`), repository-relative.
    pub dockerfile: Option<PathBuf>,
}

impl Runner {
    /// True when this runner runs the code in `file` (a repository-relative path).
    pub fn runs(&self, file: &Path) -> bool {
        self.roots.iter().any(|r| r.as_os_str().is_empty() || file.starts_with(r))
    }

    /// True when this runner runs the image built from `dockerfile`: the compose service that
    /// builds it, or an ECS container running that service's code.
    pub fn runs_image(&self, dockerfile: &Path) -> bool {
        match self.kind {
            RunnerKind::Compose => self.dockerfile.as_deref() == Some(dockerfile),
            RunnerKind::Ecs => self.runs(dockerfile),
        }
    }
}

/// Largest deployment file read.
const MAX_FILE: u64 = 2 * 1024 * 1024;

/// Every runner declared under `root`.
pub fn discover(root: &Path) -> Vec<Runner> {
    let files = crate::rewrite::deploy::repo::deployment_files(root);
    let mut out = Vec::new();
    for (rel, text) in &files {
        if text.len() as u64 > MAX_FILE {
            continue;
        }
        let name = rel.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        if (name.starts_with("docker-compose") || name.starts_with("compose"))
            && (name.ends_with(".yml") || name.ends_with(".yaml"))
        {
            out.extend(compose_runners(rel, text));
        } else if name.ends_with(".json") || name.ends_with(".json.tpl") {
            out.extend(ecs_runners(root, rel, text));
        }
    }
    // An ECS container with no code of its own in evidence, named like a compose service, runs
    // what that service builds.
    let compose: Vec<(String, Vec<PathBuf>)> =
        out.iter().filter(|r| r.kind == RunnerKind::Compose).map(|r| (r.container.clone(), r.roots.clone())).collect();
    for r in out.iter_mut().filter(|r| r.kind == RunnerKind::Ecs && r.roots.is_empty()) {
        for (name, roots) in &compose {
            if *name == r.container {
                for p in roots {
                    if !r.roots.contains(p) {
                        r.roots.push(p.clone());
                    }
                }
            }
        }
    }
    out
}

/// `a/b/c` normalised lexically (`./x/../y` → `y`), `/`-separated; `None` when it leaves the root.
pub(crate) fn normalise(p: &Path) -> Option<PathBuf> {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                parts.pop()?;
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => return None,
        }
    }
    Some(PathBuf::from(parts.join("/")))
}

fn compose_runners(rel: &Path, text: &str) -> Vec<Runner> {
    let Ok(doc) = serde_yaml::from_str::<serde_yaml::Value>(text) else { return Vec::new() };
    let Some(services) = doc.get("services").and_then(|s| s.as_mapping()) else { return Vec::new() };
    let dir = rel.parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    for (name, svc) in services {
        let Some(name) = name.as_str() else { continue };
        let mut roots = Vec::new();
        let mut dockerfile = None;
        let context = match svc.get("build") {
            Some(serde_yaml::Value::String(s)) => Some(s.clone()),
            Some(b) => Some(b.get("context").and_then(|c| c.as_str()).unwrap_or(".").to_string()),
            None => None,
        };
        if let Some(c) = context.filter(|c| !c.contains("://"))
            && let Some(p) = normalise(&dir.join(c))
        {
            let file = svc.get("build").and_then(|b| b.get("dockerfile")).and_then(|d| d.as_str());
            dockerfile = normalise(&p.join(file.unwrap_or("Dockerfile")));
            roots.push(p);
        }
        for v in svc.get("volumes").and_then(|v| v.as_sequence()).into_iter().flatten() {
            let source = match v {
                serde_yaml::Value::String(s) => s.split(':').next().map(str::to_string),
                m => m.get("source").and_then(|s| s.as_str()).map(str::to_string),
            };
            if let Some(s) = source.filter(|s| s.starts_with('.'))
                && let Some(p) = normalise(&dir.join(s))
                && !roots.contains(&p)
            {
                roots.push(p);
            }
        }
        let mut env = BTreeSet::new();
        match svc.get("environment") {
            Some(serde_yaml::Value::Mapping(m)) => env.extend(m.keys().filter_map(|k| k.as_str()).map(str::to_string)),
            Some(serde_yaml::Value::Sequence(items)) => {
                for i in items.iter().filter_map(|i| i.as_str()) {
                    env.insert(i.split('=').next().unwrap_or(i).trim().to_string());
                }
            }
            _ => {}
        }
        let (path, container) = (rel.to_path_buf(), name.into());
        out.push(Runner { path, kind: RunnerKind::Compose, container, roots, env, dockerfile });
    }
    out
}

fn ecs_runners(root: &Path, rel: &Path, text: &str) -> Vec<Runner> {
    if !text.contains("\"environment\"") && !text.contains("\"secrets\"") {
        return Vec::new();
    }
    let Some(tree) = parse(text, tree_sitter_json::LANGUAGE.into()) else { return Vec::new() };
    if tree.root_node().has_error() {
        return Vec::new();
    }
    let json = from_json(tree.root_node(), text, 0);
    let mut out = Vec::new();
    for c in taskdef::containers(&json) {
        let Some(name) = c.get("name").and_then(Node::str) else { continue };
        let mut env = BTreeSet::new();
        let mut roots = Vec::new();
        for section in ["environment", "secrets"] {
            for item in c.get(section).map(Node::items).unwrap_or(&[]) {
                if let Some(n) = item.get("name").and_then(Node::str) {
                    env.insert(n.to_string());
                }
                if let Some(v) = item.get("value").and_then(Node::str)
                    && let Some(p) = module_root(root, v)
                    && !roots.contains(&p)
                {
                    roots.push(p);
                }
            }
        }
        if matches!(c.kind, NodeKind::Map(_)) {
            let (path, container) = (rel.to_path_buf(), name.into());
            out.push(Runner { path, kind: RunnerKind::Ecs, container, roots, env, dockerfile: None });
        }
    }
    out
}

/// For a value naming a Python module of the repository (`app.settings`,
/// `src.config.ProductionConfig`): the directory of its top package, where the process's code lives.
fn module_root(root: &Path, value: &str) -> Option<PathBuf> {
    let parts: Vec<&str> = value.split('.').collect();
    if parts.len() < 2
        || !parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        return None;
    }
    // The longest prefix that is a module file: `a.b.C` may name class C of a/b.py.
    for n in (2..=parts.len()).rev() {
        let module = parts[..n].join("/") + ".py";
        if let Some(base) = candidate_bases(root, &module).into_iter().next() {
            return Some(base.join(parts[0]));
        }
    }
    None
}

/// Directories `d` under `root` (the root first, then up to two levels deep) holding `d/module`.
fn candidate_bases(root: &Path, module: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if root.join(module).is_file() {
        out.push(PathBuf::new());
    }
    let walker = ignore::WalkBuilder::new(root).max_depth(Some(3)).hidden(true).build();
    for e in walker.flatten() {
        if !e.file_type().is_some_and(|t| t.is_dir()) {
            continue;
        }
        let rel = e.path().strip_prefix(root).unwrap_or(e.path());
        if !rel.as_os_str().is_empty() && e.path().join(module).is_file() {
            out.push(rel.to_path_buf());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_services_run_their_build_context_and_volumes() {
        let text = "services:\n  api:\n    build:\n      context: ./services/users\n    volumes:\n      - './services/users:/app'\n    environment:\n      - FLASK_ENV=dev\n      - DATABASE_URL=x\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: x\n  web:\n    build: web\n";
        let rs = compose_runners(Path::new("docker-compose.yml"), text);
        let api = rs.iter().find(|r| r.container == "api").unwrap();
        assert!(api.runs(Path::new("services/users/src/config.py")));
        assert!(!api.runs(Path::new("services/client/index.js")));
        assert_eq!(api.env.iter().map(String::as_str).collect::<Vec<_>>(), ["DATABASE_URL", "FLASK_ENV"]);
        let db = rs.iter().find(|r| r.container == "db").unwrap();
        assert!(db.roots.is_empty(), "an image-only service runs no repository code");
        assert!(rs.iter().find(|r| r.container == "web").unwrap().runs(Path::new("web/app.js")));
        assert!(api.runs_image(Path::new("services/users/Dockerfile")));
        assert!(!api.runs_image(Path::new("services/users/Dockerfile.prod")));
    }

    #[test]
    fn an_ecs_container_runs_the_package_its_settings_module_names() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("svc/src")).unwrap();
        std::fs::write(dir.path().join("svc/src/config.py"), "X = 1\n").unwrap();
        let text = r#"{"containerDefinitions": [{"name": "web", "environment": [
            {"name": "APP_SETTINGS", "value": "src.config.ProductionConfig"}, {"name": "A", "value": "b"}],
            "secrets": [{"name": "S", "valueFrom": "arn"}]}]}"#;
        let rs = ecs_runners(dir.path(), Path::new("task.json"), text);
        assert_eq!(rs.len(), 1);
        assert_eq!(rs[0].roots, [PathBuf::from("svc/src")]);
        assert!(rs[0].runs(Path::new("svc/src/config.py")));
        assert!(rs[0].env.contains("S") && rs[0].env.contains("A"));
    }
}
