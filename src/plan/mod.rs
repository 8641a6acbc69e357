//! The plan stage: turns findings into a reviewable migration plan (names, grouping, dedupe,
//! sites and strategies — never a secret value), validates plans, reads and writes them, and
//! carries a user's edits across re-planning.
//!
//! # The plan file (`.hoist/plan.yaml`)
//!
//! ```yaml
//! version: 1                      # plan format version; other versions are refused
//! salt: 3f9c…                     # 64 hex chars, random per plan: keys every fingerprint and
//!                                 # the upload's client request tokens. Keep it with the plan.
//! app: shop                       # {app} in names
//! env: prod                       # default {env} where a path names none (optional)
//! secrets:
//! - name: shop/prod/postgres      # Secrets Manager name: [A-Za-z0-9/_+=.@-], ≤ 256 chars, not
//!                                 # ending in `-` + 6 chars, unique in the plan. Rename freely.
//!   shape: json                   # json (flat object of strings) | string | binary
//!   description: postgres credentials moved by hoist from settings.py, .env
//!   tags: {managed-by: hoist, team: payments}   # managed-by: hoist is required
//!   kms_key_id: alias/payments    # optional; the account's aws/secretsmanager key otherwise
//!   keys:
//!   - key: password               # JSON key (ECS `valueFrom: ARN:password::`)
//!     fingerprint: 9d1e…          # HMAC-SHA256(salt, value), 128 bits: never the value
//!     sites:                      # every place the value is written today
//!     - path: app/settings.py     # relative to the repository root
//!       line: 14
//!       span: {start: 312, end: 328}   # half-open byte range of the value
//!       fingerprint: 9d1e…        # what apply expects to find there (stale plan otherwise)
//!       rule: generic.password
//!       format: python
//!       strategy: env             # env | sdk | manual | skip — edit to taste
//!       env_var: POSTGRES_PASSWORD  # the variable the code / task definition uses
//!       name: PASSWORD            # the name that held the value (informational)
//!       deploy: {kind: ecs-task-definition, container: web}   # deployment-file context
//!       reason: …                 # why manual/skip, and what to write instead
//! ```
//!
//! Defaults:
//! - Secrets are JSON objects, also for a lone provider token (one key), so every reference has
//!   the same `ARN:key::` form. A key or certificate file (`*.pem`, `*.key`, `id_rsa`…) standing
//!   alone becomes a `string` secret (a binary keystore — `*.p12`, `*.jks` — a `binary` one) with
//!   one key, `value`, named after the file, and a `file` site spanning the whole file.
//! - Names are `{app}/{env}/{group}`: group = database engine (`postgres`, `mysql`…, else
//!   `database`), `redis`, the provider (`stripe`, `aws`), the detector's label for a credential
//!   with companions (`smtp`), else the credential's name (`jwt-signing-key`). A name ending in
//!   `-` + 6 characters gets that hyphen changed to `_` (`db-secret` → `db_secret`).
//! - Database credentials use the rotation keys `engine, host, port, username, password,
//!   dbname` — those that have a site: the plan holds no values, and a key with no site has no
//!   value in the tree, so `engine` appears only when the tree spells it.
//! - One value in several places is one key with several sites. Groups that share a credential
//!   merge (unless their paths name different environments); where they disagree on a setting,
//!   the deployment file's value wins, then code's, then config's, then `.env`'s.
//! - Strategies: deployment `environment` entries and `.env` lines `env`; code `env` where a
//!   deployment entry injects the key or the code's own name is a variable a `.env` or
//!   deployment entry defines, else `sdk` (Python, JS, TS) or `manual`; settings inside a
//!   connection string and infrastructure resource arguments `skip` (still fill their key);
//!   test and example files `skip`.
//! - A secret whose sites are all `skip` is not uploaded.

mod cluster;
mod identifiers;
mod io;
pub mod naming;
mod replan;
pub mod runners;
pub mod scripts;
mod sites;
mod strategy;
mod summary;
#[cfg(test)]
pub(crate) mod testutil;
mod validate;
pub mod whole;

pub use io::{PLAN_HEADER, load_plan, parse_plan, to_yaml, write_plan};
pub use replan::{Replan, carry_edits};
pub use summary::write_summary;
pub use validate::{MAX_PAYLOAD, PlanError, check_payload_size, validate, validate_shape};

use crate::model::{Finding, Plan, PlannedSecret, SecretKey, Shape};
use std::collections::BTreeMap;

/// The tag every secret hoist creates carries, so it never overwrites one it didn't create.
pub const MANAGED_BY: (&str, &str) = ("managed-by", "hoist");

/// What the planner is told besides the findings.
#[derive(Clone, Debug)]
pub struct PlanOptions {
    /// `{app}` in names.
    pub app: String,
    /// `{env}` where a path names no environment.
    pub env: Option<String>,
    /// Name template (`{app}/{env}/{group}`).
    pub name_template: String,
    /// Tags for every secret (besides `managed-by: hoist`).
    pub tags: BTreeMap<String, String>,
    /// KMS key for every secret.
    pub kms_key_id: Option<String>,
    /// The plan's salt (hex); the findings' fingerprints must be keyed by it.
    pub salt: String,
    /// The deployments that run the repository's code ([`runners::discover`]); empty when unknown.
    pub runners: Vec<runners::Runner>,
}

/// A plan and what the user should know about how it was made.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The plan.
    pub plan: Plan,
    /// Config values left out because no credential sits with them.
    pub lone_config: usize,
    /// Findings dropped because another finding covers the same bytes.
    pub duplicates: usize,
    /// Companion values left in place because another place gave the same key a different value.
    pub conflicting: usize,
    /// Exact payload sizes by secret name (from the values in memory).
    pub payload_sizes: BTreeMap<String, usize>,
}

/// Builds a plan from findings. Pure: reads nothing, writes nothing; values are used in memory
/// for the engine word and payload sizes only.
pub fn build(findings: &[Finding], opts: &PlanOptions) -> Result<Planned, PlanError> {
    naming::check_template(&opts.name_template).map_err(PlanError::Template)?;
    let c = cluster::cluster(findings);
    let default_env = opts.env.as_deref().map(|e| naming::normalise_env(e).map_or(e.to_string(), str::to_string));
    let mut drafts = Vec::with_capacity(c.clusters.len());
    for cl in &c.clusters {
        let env = cl.env.clone().or_else(|| default_env.clone());
        let mut group = naming::group_of(&cl.findings(), &cl.keys());
        let mut keys: Vec<(String, Vec<&Finding>)> = Vec::new();
        for m in &cl.members {
            match keys.iter_mut().find(|(k, _)| *k == m.key) {
                Some((_, fs)) => fs.push(m.f),
                None => keys.push((m.key.clone(), vec![m.f])),
            }
        }
        keys.sort_by_key(|(k, _)| key_rank(k));
        // A key file alone is the whole secret: a plain string, one key named `value`.
        let key_file = keys.len() == 1 && cl.members.iter().all(|m| sites::is_key_file(&m.f.path));
        if key_file {
            keys[0].0 = "value".into();
            // A whole key file is named after the file (`server.key` → `{app}/server-key`).
            if let Some(m) = cl.members.iter().find(|m| crate::keyfile::is_whole_file(&m.f.rule)) {
                group = crate::keyfile::group(&m.f.path);
            }
        }
        drafts.push((env, group, keys, key_file));
    }
    let inputs: Vec<sites::SecretInput<'_>> = drafts
        .iter()
        .map(|(env, group, keys, _)| sites::SecretInput {
            env: env.as_deref(),
            group,
            keys: keys.iter().map(|(k, fs)| sites::KeyInput { key: k, findings: fs.clone() }).collect(),
        })
        .collect();
    let (all_sites, injections) = sites::sites(&inputs, &sites::Wiring { runners: &opts.runners });
    let mut tags = opts.tags.clone();
    tags.insert(MANAGED_BY.0.into(), MANAGED_BY.1.into());
    let mut secrets = Vec::with_capacity(drafts.len());
    let mut sizes = Vec::with_capacity(drafts.len());
    for (((env, group, keys, key_file), key_sites), inject) in drafts.iter().zip(all_sites).zip(injections) {
        let base = naming::render(&opts.name_template, &opts.app, env.as_deref(), group);
        let paths: Vec<String> = {
            let mut p: Vec<String> = Vec::new();
            for (_, fs) in keys {
                for f in fs {
                    let s = crate::scan::slash_path(&f.path);
                    if !p.contains(&s) {
                        p.push(s);
                    }
                }
            }
            p
        };
        let payload: BTreeMap<&str, &str> = keys.iter().map(|(k, fs)| (k.as_str(), fs[0].value.expose())).collect();
        let binary = *key_file && keys[0].1.iter().all(|f| crate::keyfile::is_binary(&f.rule));
        sizes.push(if *key_file {
            crate::keyfile::value_bytes(&keys[0].1[0].rule, &keys[0].1[0].value).len()
        } else {
            serde_json::to_string(&payload).map(|s| s.len()).unwrap_or(0)
        });
        secrets.push(PlannedSecret {
            name: naming::sanitise(&base),
            shape: match (*key_file, binary) {
                (true, true) => Shape::Binary,
                (true, false) => Shape::String,
                _ => Shape::Json,
            },
            description: Some(description(group, &paths)),
            tags: tags.clone(),
            kms_key_id: opts.kms_key_id.clone(),
            keys: keys
                .iter()
                .zip(key_sites)
                .map(|((k, fs), sites)| SecretKey { key: k.clone(), fingerprint: fs[0].fingerprint.clone(), sites })
                .collect(),
            inject,
            mounts: Vec::new(),
        });
    }
    let qualifiers: Vec<Vec<String>> = drafts.iter().map(|(_, group, keys, _)| qualifiers(group, keys)).collect();
    let mut plan = Plan {
        version: crate::model::plan::PLAN_VERSION,
        salt: opts.salt.clone(),
        app: opts.app.clone(),
        env: default_env,
        secrets,
    };
    let groups: Vec<(Option<String>, String)> = drafts.iter().map(|(e, g, _, _)| (e.clone(), g.clone())).collect();
    unique_names(&mut plan, &opts.name_template, &groups, &qualifiers, &[]);
    let payload_sizes = plan.secrets.iter().map(|s| s.name.clone()).zip(sizes).collect();
    plan.secrets.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Planned {
        plan,
        lone_config: c.lone_config,
        duplicates: c.duplicates,
        conflicting: c.conflicting,
        payload_sizes,
    })
}

/// Rotation keys first in their usual order, then the rest alphabetically.
fn key_rank(k: &str) -> (usize, String) {
    const ORDER: &[&str] = &["engine", "host", "port", "username", "password", "dbname"];
    (ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len()), k.to_string())
}

fn description(group: &str, paths: &[String]) -> String {
    let mut shown: Vec<&str> = paths.iter().take(3).map(String::as_str).collect();
    let more = paths.len().saturating_sub(3);
    let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
    shown.dedup();
    format!("{group} credentials moved by hoist from {}{tail}", shown.join(", "))
}

/// Words that tell two clashing secrets apart: the credential's name, then the first path's
/// top directory and file stem.
fn qualifiers(group: &str, keys: &[(String, Vec<&Finding>)]) -> Vec<String> {
    let mut out = Vec::new();
    let first = keys.iter().flat_map(|(_, fs)| fs).find(|f| f.kind == crate::model::Kind::Secret);
    if let Some(n) = first.and_then(|f| f.name.as_deref()) {
        let full = naming::slug(n);
        // `POSTGRES_PASSWORD` in group `postgres` qualifies as `password`, and a bare key name
        // (`AWS_ACCESS_KEY_ID` beside key `aws_access_key_id` in group `aws`) says nothing the group doesn't.
        let s = full.strip_prefix(&format!("{group}-")).unwrap_or(&full).to_string();
        let bare = keys.iter().any(|(k, _)| {
            let k = naming::slug(k);
            k == s || k.strip_prefix(&format!("{group}-")) == Some(s.as_str())
        });
        if !s.is_empty() && s != group && !bare {
            out.push(s);
        }
    }
    if let Some(f) = first {
        let path = crate::scan::slash_path(&f.path);
        let mut parts = path.split('/');
        let top = parts.next().unwrap_or("");
        if path.contains('/') {
            out.push(naming::slug(top));
        }
        let stem = f.path.file_stem().map(|s| naming::slug(&s.to_string_lossy())).unwrap_or_default();
        out.push(stem);
    }
    out.retain(|q| !q.is_empty());
    out
}

/// Makes names unique. Secrets at indices in `fixed` keep theirs (a user's rename); among the
/// rest, the first holder of a name keeps it and the others get a qualifier, then a number.
pub(crate) fn unique_names(
    plan: &mut Plan,
    template: &str,
    groups: &[(Option<String>, String)],
    qualifiers: &[Vec<String>],
    fixed: &[usize],
) {
    let mut used: std::collections::HashSet<String> = fixed.iter().map(|&i| plan.secrets[i].name.clone()).collect();
    // Where numbering resumes for each group, so hundreds of clashes stay linear.
    let mut next: std::collections::HashMap<(Option<String>, String), usize> = std::collections::HashMap::new();
    for i in 0..plan.secrets.len() {
        if fixed.contains(&i) {
            continue;
        }
        let name = plan.secrets[i].name.clone();
        if used.insert(name.clone()) {
            continue;
        }
        let (env, group) = &groups[i];
        let render = |g: &str| naming::sanitise(&naming::render(template, &plan.app, env.as_deref(), g));
        let mut chosen = qualifiers[i].iter().map(|q| render(&format!("{group}-{q}"))).find(|n| !used.contains(n));
        let n = next.entry((env.clone(), group.clone())).or_insert(2);
        let base = render(group);
        while chosen.is_none() {
            let candidate = naming::numbered(&base, *n);
            if !used.contains(&candidate) {
                chosen = Some(candidate);
            }
            *n += 1;
        }
        let chosen = chosen.unwrap_or(name);
        used.insert(chosen.clone());
        plan.secrets[i].name = chosen;
    }
}

/// The app name for a repository: the configured one, else the folder's name, as a name segment.
pub fn default_app(root: &std::path::Path) -> String {
    let folder = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "app".into());
    let s = naming::slug(&folder);
    if s.is_empty() { "app".into() } else { s }
}

#[cfg(test)]
mod tests;
