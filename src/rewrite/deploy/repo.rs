//! Repository-level entry points: walking the deployment files, every role's policy for a repo,
//! and writing `.hoist/iam-policy*.json` (called by `hoist apply` and `hoist policy`).

use super::policy::{
    RolePolicy, TaskDef, kms_lookup, planned_arn, planned_by_file, role_policies, role_slug, task_defs_in,
};
use super::rewrite_deploy;
use crate::model::{Fingerprinter, Plan, State, Strategy, apply_edits};
use crate::rewrite::SiteRewrite;
use std::path::{Path, PathBuf};

/// Largest file read when looking for references.
const MAX_FILE: u64 = 5 * 1024 * 1024;

/// Text files that can hold task definitions or references: (path relative to `root`, text).
/// Respects `.gitignore`; skips `.git` and `.hoist`, binary and oversized files.
pub fn deployment_files(root: &Path) -> Vec<(PathBuf, String)> {
    text_files_where(root, MAX_FILE, |ext| matches!(ext, "json" | "yaml" | "yml" | "tf" | "template" | "hcl" | "tpl"))
}

/// The repository's UTF-8 text files of at most `max` bytes whose lower-case extension `keep`
/// accepts, by path (relative to `root`): `.gitignore` respected; `.git`, `.hoist`,
/// `node_modules`, `.terraform` skipped; hidden files such as `.env` included; binary files skipped.
pub fn text_files_where(root: &Path, max: u64, keep: impl Fn(&str) -> bool) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".git" | ".hoist" | "node_modules" | ".terraform")))
        .build();
    for entry in walker.flatten() {
        let p = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if !keep(&ext) || entry.metadata().map(|m| m.len() > max).unwrap_or(true) {
            continue;
        }
        let Ok(bytes) = std::fs::read(p) else { continue };
        if bytes.contains(&0) {
            continue;
        }
        let Ok(text) = String::from_utf8(bytes) else { continue };
        out.push((p.strip_prefix(root).unwrap_or(p).to_path_buf(), text));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every task definition in the repository with the secrets it references now or will once the
/// plan is applied: a file with pending sites (their bytes still match the plan's fingerprint) is
/// rewritten in memory first, so the policy names exactly what `apply` will write.
pub fn task_definitions(root: &Path, plan: Option<&Plan>, state: &State) -> Vec<TaskDef> {
    let planned = plan.map(|p| planned_by_file(p, state)).unwrap_or_default();
    deployment_files(root)
        .iter()
        .flat_map(|(rel, text)| match plan.and_then(|p| pending_rewrite(rel, text, p, state)) {
            Some(after) => task_defs_in(rel, &after, &[]),
            None => task_defs_in(rel, text, planned.get(rel).map(Vec::as_slice).unwrap_or(&[])),
        })
        .collect()
}

/// The file as `apply` will leave it, when the plan has pending sites in it and they rewrite
/// cleanly. Sites whose bytes no longer match their fingerprint (already applied, or edited) are
/// not pending.
fn pending_rewrite(rel: &Path, text: &str, plan: &Plan, state: &State) -> Option<String> {
    let fp = Fingerprinter::from_hex(&plan.salt).ok()?;
    let arns: Vec<String> = plan.secrets.iter().map(|s| planned_arn(&s.name, state)).collect();
    let mut rewrites: Vec<SiteRewrite> = Vec::new();
    for (i, secret) in plan.secrets.iter().enumerate() {
        for key in &secret.keys {
            for site in &key.sites {
                let live = site.path == rel
                    && matches!(site.strategy, Strategy::Env | Strategy::Sdk)
                    && text.get(site.span.start..site.span.end).is_some_and(|v| fp.fingerprint(v) == site.fingerprint);
                if live {
                    rewrites.push(SiteRewrite {
                        site,
                        secret_name: &secret.name,
                        key: &key.key,
                        shape: secret.shape,
                        arn: arns[i].clone(),
                        env_var: site.env_var.clone().unwrap_or_else(|| key.key.to_uppercase()),
                    });
                }
            }
        }
    }
    if rewrites.is_empty() {
        return None;
    }
    let fr = rewrite_deploy(rel, text, &rewrites)?.ok()?;
    String::from_utf8(apply_edits(text.as_bytes(), &fr.edits).ok()?).ok()
}

/// The repository's role policies and the task definitions that have no execution role.
pub fn repo_policies(root: &Path, plan: Option<&Plan>, state: &State) -> (Vec<RolePolicy>, Vec<TaskDef>) {
    let defs = task_definitions(root, plan, state);
    let kms = kms_lookup(plan, state);
    let policies = role_policies(&defs, &kms);
    let roleless = defs.into_iter().filter(|d| d.role.is_none() && !d.arns.is_empty()).collect();
    (policies, roleless)
}

/// Where a role's policy is written: `.hoist/iam-policy.json` when there is one role,
/// `.hoist/iam-policy-<role>.json` for each when there are several.
pub fn policy_file_name(p: &RolePolicy, count: usize, index: usize) -> String {
    if count == 1 {
        "iam-policy.json".into()
    } else {
        let slug = p.role.as_deref().map(role_slug).unwrap_or_else(|| format!("no-role-{}", index + 1));
        format!("iam-policy-{}.json", slug.replace('_', "-"))
    }
}

/// Writes each role's policy under `root/.hoist/` and returns the paths written (relative to
/// `root`). Called by `hoist apply` after rewriting.
pub fn write_policy_files(root: &Path, plan: Option<&Plan>, state: &State) -> std::io::Result<Vec<PathBuf>> {
    let (policies, _) = repo_policies(root, plan, state);
    let dir = root.join(".hoist");
    std::fs::create_dir_all(&dir)?;
    let mut written = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        let mut name = policy_file_name(p, policies.len(), i);
        if used.contains(&name) {
            // Two roles with the same last path segment: keep both files.
            name = format!("{}-{}.json", name.trim_end_matches(".json"), i + 1);
        }
        used.push(name.clone());
        let mut body = serde_json::to_string_pretty(&p.document).expect("json serializes");
        body.push('\n');
        let tmp = tempfile::NamedTempFile::new_in(&dir)?;
        std::fs::write(tmp.path(), body)?;
        tmp.persist(dir.join(&name)).map_err(|e| e.error)?;
        written.push(PathBuf::from(".hoist").join(name));
    }
    Ok(written)
}
