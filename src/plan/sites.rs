//! Sites: each finding becomes a site with the environment variable the code or deployment file
//! will use and a default rewrite strategy (`env`, `sdk`, `manual` with the reason, `skip`).

use super::naming;
use super::runners::Runner;
pub(crate) use super::strategy::is_key_file;
use super::strategy::strategy;
use crate::model::{Finding, Injection, Severity, Site, Strategy};
use std::collections::{HashMap, HashSet};

/// One key of a secret being planned, with the findings that feed it.
pub(crate) struct KeyInput<'a> {
    /// JSON key.
    pub key: &'a str,
    /// Its findings, in path and position order.
    pub findings: Vec<&'a Finding>,
}

/// One secret being planned.
pub(crate) struct SecretInput<'a> {
    /// Environment (scope for env var names: one process never sees two environments).
    pub env: Option<&'a str>,
    /// Group part of the name (`postgres`, `stripe`…), used to derive env var names.
    pub group: &'a str,
    /// Keys.
    pub keys: Vec<KeyInput<'a>>,
}

/// What kind of place a site is, for the strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// An entry of a deployment file (ECS task definition, compose, Kubernetes, Terraform…).
    Deploy,
    /// A `.env` file.
    Dotenv,
    /// Program source.
    Code,
    /// Any other config file.
    Config,
}

/// The kind of place a finding sits in.
pub(crate) fn place(f: &Finding) -> Place {
    if f.deploy.is_some() {
        return Place::Deploy;
    }
    match f.format.as_str() {
        "dotenv" => Place::Dotenv,
        "python" | "javascript" | "typescript" | "tsx" | "go" | "java" | "kotlin" | "csharp" | "ruby" | "php" => {
            Place::Code
        }
        _ => Place::Config,
    }
}

/// Languages whose literals hoist can turn into a Secrets Manager call (every language with an
/// `env` rewrite but shell; Kotlin and C# have neither).
pub(super) const SDK_LANGS: &[&str] = &["python", "javascript", "typescript", "tsx", "go", "java", "ruby", "php"];

/// Where a code file's variables come from, by what runs it.
pub(crate) struct Wiring<'r> {
    /// Every runner discovered in the repository (empty when discovery wasn't run).
    pub runners: &'r [Runner],
}

/// Container names that are a database or cache image, never the application.
const SERVICE_WORDS: &[&str] =
    &["db", "database", "postgres", "postgresql", "mysql", "mariadb", "mongo", "mongodb", "redis", "memcached"];

/// The sites of every key of every secret, in the same order as the input, and the variables
/// each secret must have injected into the deployments that run code reading it.
pub(crate) fn sites(secrets: &[SecretInput<'_>], wiring: &Wiring<'_>) -> (Vec<Vec<Vec<Site>>>, Vec<Vec<Injection>>) {
    let env_vars = env_vars(secrets);
    // Env var names defined by `.env` files and deployment files, per environment: code that
    // uses one of those names already reads the environment (without discovery only).
    let mut injected: HashSet<(Option<&str>, &str)> = HashSet::new();
    for s in secrets {
        for k in &s.keys {
            for f in &k.findings {
                if (env_entry(f) || place(f) == Place::Dotenv)
                    && let Some(n) = f.name.as_deref()
                {
                    injected.insert((s.env, n));
                }
            }
        }
    }
    // Whole connection strings (`whole.rs`): their parts stay in place and only fill their keys.
    let wholes: Vec<(&std::path::Path, crate::model::Span, &str)> = secrets
        .iter()
        .flat_map(|s| s.keys.iter().map(move |k| (k.key, &k.findings)))
        .flat_map(|(key, fs)| {
            fs.iter().filter(|f| super::whole::is_whole(f)).map(move |f| (f.path.as_path(), f.span, key))
        })
        .collect();
    let mut injections = Vec::with_capacity(secrets.len());
    let all = secrets
        .iter()
        .zip(env_vars)
        .map(|(s, vars)| {
            let mut inject: Vec<Injection> = Vec::new();
            let sites = s
                .keys
                .iter()
                .zip(vars)
                .map(|(k, (canonical, _))| {
                    // Only a deployment entry that will itself inject the variable counts. `.env`
                    // alone deploys nothing: code whose value only a `.env` holds gets env only
                    // when it already reads that variable (same name).
                    let deployed = k.findings.iter().any(|f| f.severity != Severity::Low && env_entry(f) && !in_url(f));
                    let dotenv = k
                        .findings
                        .iter()
                        .any(|f| f.severity != Severity::Low && place(f) == Place::Dotenv && !in_url(f));
                    k.findings
                        .iter()
                        .map(|f| {
                            // An image's ENV reaches the processes of the deployments running
                            // the image; a script's variables those running its directory.
                            let image = f.deploy.as_ref().is_some_and(|d| d.kind == "dockerfile");
                            let runs: Vec<&Runner> = wiring
                                .runners
                                .iter()
                                .filter(|r| if image { r.runs_image(&f.path) } else { r.runs(&f.path) })
                                .collect();
                            let code = place(f) == Place::Code;
                            let script = f.format == "shell" || image;
                            let (env_var, via) = if code && !wiring.runners.is_empty() {
                                code_env_var(f, &canonical, s.group, k, &runs)
                            } else {
                                (site_env_var(f, &canonical, k), Via::Legacy)
                            };
                            // Code whose own name is a variable a `.env` or deployment entry
                            // defines already lives by that variable (`hoist run` provides it
                            // where no deployment does). A one-word name never matches.
                            // A site with no name at all (a provider rule without context)
                            // follows the `.env` that defines its key.
                            let reads_env = match f.name {
                                Some(_) => own_var(f, k.key).is_some_and(|n| injected.contains(&(s.env, n.as_str()))),
                                None => dotenv,
                            };
                            let env_ok = match via {
                                Via::Legacy => deployed || reads_env,
                                Via::Runner | Via::Deployed => true,
                                Via::Nothing => false,
                            };
                            let (strategy, reason) = match wholes
                                .iter()
                                .find(|(p, sp, _)| !super::whole::is_whole(f) && *p == f.path && sp.contains(&f.span))
                            {
                                Some((_, _, key)) if f.severity != Severity::Low => (
                                    Strategy::Skip,
                                    Some(format!(
                                        "part of a connection string that moves whole as key `{key}`: left in place \
                                         with it; its value still fills this key"
                                    )),
                                ),
                                _ => strategy(f, env_ok, k.key, &env_var),
                            };
                            let (strategy, mut reason) = crate::site::readable(f.encoding, strategy, reason);
                            if code && strategy == Strategy::Sdk && via == Via::Nothing {
                                reason = Some(format!(
                                    "no deployment file in the repository runs this file, so it reads Secrets Manager \
                                     itself (environment variable {env_var} first); set strategy env to have it read \
                                     {env_var} only (`hoist run` provides it)"
                                ));
                            }
                            if image && strategy == Strategy::Env {
                                reason = Some(super::strategy::image_reason(&env_var, &runs));
                            }
                            if (code || script) && strategy == Strategy::Env && f.severity != Severity::Low {
                                for r in runs.iter().filter(|r| !r.env.contains(&env_var)) {
                                    let inj = Injection {
                                        path: r.path.clone(),
                                        container: r.container.clone(),
                                        env_var: env_var.clone(),
                                        key: k.key.to_string(),
                                        for_path: f.path.clone(),
                                    };
                                    if !inject.iter().any(|i| {
                                        i.path == inj.path && i.container == inj.container && i.env_var == inj.env_var
                                    }) {
                                        inject.push(inj);
                                    }
                                }
                            }
                            Site {
                                path: f.path.clone(),
                                line: f.line,
                                span: f.span,
                                fingerprint: f.fingerprint.clone(),
                                encoding: f.encoding,
                                raw_fingerprint: f.raw_fingerprint.clone(),
                                rule: f.rule.clone(),
                                format: f.format.clone(),
                                strategy,
                                env_var: Some(env_var),
                                name: f.name.clone(),
                                deploy: f.deploy.clone(),
                                reason,
                            }
                        })
                        .collect()
                })
                .collect();
            injections.push(inject);
            sites
        })
        .collect();
    (all, injections)
}

/// How a code site's variable reaches its process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    /// No discovery: the old rule (a deployment entry or `.env` defines the value).
    Legacy,
    /// A deployment discovered to run the file (it gets the variable, injected if need be).
    Runner,
    /// No deployment runs the file, but one application container injects this key.
    Deployed,
    /// Nothing provides it.
    Nothing,
}

/// The variable a code site reads, and how it gets to the process. The name a deployment running
/// the file already uses for this key wins, then the code's own `UPPER_SNAKE` name, then the
/// `.env` name, then `{GROUP}_{KEY}` — never a name only another container (a database) receives.
fn code_env_var(f: &Finding, canonical: &str, group: &str, k: &KeyInput<'_>, runs: &[&Runner]) -> (String, Via) {
    let deploys = || k.findings.iter().filter(|o| place(o) == Place::Deploy && env_entry(o) && !in_url(o));
    let in_runner = deploys().find(|o| {
        runs.iter()
            .any(|r| r.path == o.path && o.deploy.as_ref().and_then(|d| d.container.as_deref()) == Some(&r.container))
    });
    if let Some(n) = in_runner.and_then(|o| own_var(o, k.key)) {
        return (n, Via::Runner);
    }
    let own = own_var(f, k.key).filter(|n| naming::is_upper_snake(n) && naming::is_env_var(n));
    let dotenv = || k.findings.iter().filter(|o| place(o) == Place::Dotenv).find_map(|o| own_var(o, k.key));
    let derived = || {
        let g = naming::upper_snake(group);
        let key = naming::upper_snake(k.key);
        if key.starts_with(&g) || g.is_empty() { key } else { format!("{g}_{key}") }
    };
    let other_container = deploys().any(|o| own_var(o, k.key).as_deref() == Some(canonical));
    let name =
        own.clone().or_else(dotenv).unwrap_or_else(|| if other_container { derived() } else { canonical.to_string() });
    if !runs.is_empty() {
        return (name, Via::Runner);
    }
    // No runner found: an application container (not a database image) of a task definition or
    // manifest injecting this key is taken to run it — hoist can't see which image holds the file.
    let app_entry = deploys().find(|o| {
        let d = o.deploy.as_ref();
        let kind_ok = d.is_some_and(|d| d.kind != "docker-compose");
        let container = d.and_then(|d| d.container.as_deref()).unwrap_or("");
        let db = crate::detect::judge::words(container).iter().any(|w| SERVICE_WORDS.contains(&w.as_str()));
        kind_ok && !db
    });
    match app_entry.and_then(|o| own_var(o, k.key)) {
        Some(n) => (n, Via::Deployed),
        None => (name, Via::Nothing),
    }
}

/// The env var a site uses. Deployment entries and `.env` lines keep their own name (it *is* the
/// variable). Code keeps an `UPPER_SNAKE` name unless a deployment file injects the value under
/// another name — the code must read what the deployment provides. Everything else uses the
/// key's canonical name.
fn site_env_var(f: &Finding, canonical: &str, k: &KeyInput<'_>) -> String {
    let own = own_var(f, k.key).filter(|n| naming::is_env_var(n));
    match (place(f), own) {
        (Place::Deploy | Place::Dotenv, Some(n)) => n,
        (Place::Code, Some(n)) if naming::is_upper_snake(&n) => {
            let other_deployed = k
                .findings
                .iter()
                .filter(|o| place(o) == Place::Deploy)
                .filter_map(|o| own_var(o, k.key))
                .any(|d| d != n);
            if other_deployed { canonical.to_string() } else { n }
        }
        _ => canonical.to_string(),
    }
}

/// Last words that make a name a connection string's (`DATABASE_URL`, `mongoDsn`, `REDIS_URI`).
const URL_WORDS: &[&str] = &["url", "uri", "dsn", "conn", "connstr", "connection", "string"];

/// True when a deployment-file finding is an environment entry (its name is the variable the
/// container sees) rather than a resource argument (`password` of an `aws_db_instance`,
/// `MasterUserPassword` of an RDS resource): variables are written `UPPER_SNAKE`, and a
/// Terraform "container" with a dot is a resource address, not an ECS container.
pub(super) fn env_entry(f: &Finding) -> bool {
    let Some(d) = &f.deploy else { return false };
    let Some(n) = f.name.as_deref().filter(|n| naming::is_env_var(n)) else { return false };
    match d.kind.as_str() {
        "ecs-task-definition" | "docker-compose" | "kubernetes" | "kubernetes-secret" | "dockerfile" => true,
        "terraform" => naming::is_upper_snake(n) && !d.container.as_deref().is_some_and(|c| c.contains('.')),
        _ => naming::is_upper_snake(n),
    }
}

/// True when `text`'s last word says connection string.
fn url_named(text: &str) -> bool {
    crate::detect::judge::words(text).last().is_some_and(|w| URL_WORDS.contains(&w.as_str()))
}

/// The detector's group label (`worker/index.js#redis:redis_url` → `redis_url`).
fn label(f: &Finding) -> Option<&str> {
    let l = f.group.as_deref()?.rsplit_once('#')?.1;
    Some(l.rsplit_once(':').map_or(l, |(_, l)| l))
}

/// True when the value is one part of a connection string (a DSN part, or a value named or
/// grouped as a URL).
pub(crate) fn in_url(f: &Finding) -> bool {
    if super::whole::is_whole(f) {
        return false;
    }
    f.rule.starts_with("dsn.") || f.name.as_deref().is_some_and(url_named) || label(f).is_some_and(url_named)
}

/// The variable name a finding suggests for `key`: its own name, except for a part of a
/// connection string, where `DATABASE_URL` + `password` gives `DATABASE_PASSWORD` (the URL's
/// variable holds the whole string, not this part). In code a one-word name (`PASSWORD` in a
/// settings dict) is too generic to be a variable; deployment entries and `.env` lines keep
/// theirs, since there the name *is* the variable.
fn own_var(f: &Finding, key: &str) -> Option<String> {
    let name = f.name.as_deref()?;
    if !in_url(f) {
        let specific = crate::detect::judge::words(name).len() >= 2;
        let is_var = match place(f) {
            Place::Deploy => env_entry(f),
            Place::Dotenv => true,
            Place::Code | Place::Config => specific,
        };
        return is_var.then(|| name.to_string());
    }
    let url_name = Some(name).filter(|n| url_named(n)).or_else(|| label(f).filter(|l| url_named(l)))?;
    let mut words = crate::detect::judge::words(url_name);
    while words.last().is_some_and(|w| URL_WORDS.contains(&w.as_str())) {
        words.pop();
    }
    (!words.is_empty()).then(|| naming::upper_snake(&format!("{}_{key}", words.join("_"))))
}

/// For each key of each secret, its canonical env var name and whether it was derived (as
/// opposed to a name already in the repository). Derived names are `{GROUP}_{KEY}`, unique per
/// environment and top-level folder (`_2`, `_3`… on a clash): one process never sees two
/// environments, and `api/` and `worker/` are usually separate programs that may both use
/// `AWS_ACCESS_KEY_ID`. A key counts in every folder one of its sites is in: a script in
/// `server/` reading a key first seen in `docker/` must not get a second key under the same name.
fn env_vars(secrets: &[SecretInput<'_>]) -> Vec<Vec<(String, bool)>> {
    let mut out: Vec<Vec<(String, bool)>> = secrets
        .iter()
        .map(|s| {
            s.keys.iter().map(|k| existing_name(k).map_or_else(|| (String::new(), true), |n| (n, false))).collect()
        })
        .collect();
    // Which (secret, key) holds each name, per environment and top-level folder.
    let mut owner: HashMap<(Option<&str>, String, String), (usize, usize)> = HashMap::new();
    for (si, s) in secrets.iter().enumerate() {
        for (ki, k) in s.keys.iter().enumerate() {
            if !out[si][ki].1 {
                for scope in top_dirs(k) {
                    owner.entry((s.env, scope, out[si][ki].0.clone())).or_insert((si, ki));
                }
            }
        }
    }
    for (si, s) in secrets.iter().enumerate() {
        for (ki, k) in s.keys.iter().enumerate() {
            if !out[si][ki].1 {
                continue;
            }
            let group = naming::upper_snake(s.group);
            let key = naming::upper_snake(k.key);
            let base = if key.starts_with(&group) || group.is_empty() {
                key
            } else if group.ends_with(&key) {
                group
            } else {
                format!("{group}_{key}")
            };
            let mut name = base.clone();
            let mut n = 2;
            let scopes = top_dirs(k);
            let taken = |name: &str, owner: &HashMap<_, (usize, usize)>| {
                scopes
                    .iter()
                    .any(|sc| owner.get(&(s.env, sc.clone(), name.to_string())).is_some_and(|o| *o != (si, ki)))
            };
            while taken(&name, &owner) {
                name = format!("{base}_{n}");
                n += 1;
            }
            for scope in scopes.iter().cloned() {
                owner.insert((s.env, scope, name.clone()), (si, ki));
            }
            out[si][ki].0 = name;
        }
    }
    out
}

/// The top-level folders of a key's sites (empty at the root), each once, in site order.
fn top_dirs(k: &KeyInput<'_>) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::new();
    for f in &k.findings {
        let path = crate::scan::slash_path(&f.path);
        let top = path.split_once('/').map(|(top, _)| top.to_string()).unwrap_or_default();
        if !dirs.contains(&top) {
            dirs.push(top);
        }
    }
    dirs
}

/// The env var name a key already has in the repository: a deployment entry's name, a `.env`
/// name, an `UPPER_SNAKE` name in code, else a multi-word name converted (`dbPassword` →
/// `DB_PASSWORD`, `spring.datasource.password` → `SPRING_DATASOURCE_PASSWORD`).
fn existing_name(k: &KeyInput<'_>) -> Option<String> {
    let vars = |p: Option<Place>| {
        k.findings.iter().filter(move |f| p.is_none_or(|p| place(f) == p)).filter_map(|f| own_var(f, k.key))
    };
    vars(Some(Place::Deploy))
        .chain(vars(Some(Place::Dotenv)))
        .find(|n| naming::is_env_var(n))
        .or_else(|| vars(None).find(|n| naming::is_upper_snake(n)))
        .or_else(|| vars(None).find(|n| crate::detect::judge::words(n).len() >= 2).map(|n| naming::upper_snake(&n)))
}
