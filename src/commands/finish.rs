//! What `apply` does after writing the files: the IAM policies it promises
//! (`.hoist/iam-policy.json`, or `iam-policy-<role>.json` per task execution role, plus
//! `iam-policy-code.json` for code that reads secrets through the SDK), and the "Still to do" list,
//! which names every site left to change by hand with the exact reference to put there.

use super::diff::{STATE_FILE, arn_for, resolve_region};
use crate::Ui;
use crate::model::{Plan, State, Strategy};
use crate::rewrite::changes::{Change, ManualSite, SiteCheck};
use crate::rewrite::deploy::policy::{document, kms_lookup};
use crate::rewrite::deploy::repo::{repo_policies, write_policy_files};
use anyhow::Context;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The policy file for code rewritten to the `sdk` strategy (it reads with the task's or the
/// instance's own role, not the execution role).
pub const CODE_POLICY: &str = "iam-policy-code.json";

/// A policy file written, and the role to attach it to.
#[derive(Clone, Debug)]
pub struct WrittenPolicy {
    /// Path relative to the repository.
    pub path: PathBuf,
    /// Who needs it.
    pub attach_to: String,
}

/// Writes the policies once files were written (nothing otherwise); returns what was written.
pub fn write_policies(
    root: &Path,
    plan: &Plan,
    state: &State,
    written: &[&Change],
    ui: &mut Ui<'_>,
) -> anyhow::Result<Vec<WrittenPolicy>> {
    if written.is_empty() {
        return Ok(Vec::new());
    }
    let (policies, roleless) = repo_policies(root, Some(plan), state);
    let paths = write_policy_files(root, Some(plan), state).context("cannot write the IAM policy files")?;
    let mut out: Vec<WrittenPolicy> = paths
        .into_iter()
        .zip(&policies)
        .map(|(path, p)| WrittenPolicy {
            path,
            attach_to: match &p.role {
                Some(r) => format!("the task execution role {r}"),
                None => "a task execution role (the task definition has none yet)".into(),
            },
        })
        .collect();
    for d in &roleless {
        writeln!(
            ui.errors,
            "hoist: warning: {} ({}) has no execution role: ECS needs one to fetch secrets",
            d.path.display(),
            d.name
        )?;
    }
    let sdk: BTreeSet<String> = plan
        .sites()
        .filter(|(secret, _, site)| site.strategy == Strategy::Sdk && state.secrets.contains_key(&secret.name))
        .map(|(secret, _, _)| state.secrets[&secret.name].arn.clone())
        .collect();
    if !sdk.is_empty() {
        let kms = kms_lookup(Some(plan), state);
        let keys = sdk.iter().filter_map(|a| kms(a).map(|k| (a.clone(), k))).collect();
        let mut body = serde_json::to_string_pretty(&document(&sdk, &keys))?;
        body.push('\n');
        let rel = PathBuf::from(".hoist").join(CODE_POLICY);
        crate::rewrite::write::write_atomic(&crate::paths::safe_join(root, &rel)?, body.as_bytes())
            .with_context(|| format!("cannot write {}", rel.display()))?;
        out.push(WrittenPolicy {
            path: rel,
            attach_to: "the role the application code runs as (ECS taskRoleArn, Lambda or instance role)".into(),
        });
    }
    Ok(out)
}

/// Prints "Still to do": rotation, policies, redeploy, every manual site with its reference, and
/// the commit. With nothing written only the manual sites are listed.
#[allow(clippy::too_many_arguments)]
pub fn next_steps(
    ui: &mut Ui<'_>,
    plan: &Plan,
    state: &State,
    checks: &[SiteCheck<'_>],
    manual: &[ManualSite],
    notes: &[String],
    policies: &[WrittenPolicy],
    wrote: bool,
) -> anyhow::Result<()> {
    if !wrote && manual.is_empty() && notes.is_empty() {
        return Ok(());
    }
    writeln!(ui.out, "\nStill to do:")?;
    let mut n = 0;
    let mut step = |ui: &mut Ui<'_>, text: &str| -> std::io::Result<()> {
        n += 1;
        writeln!(ui.out, "  {n}. {text}")
    };
    let orphans: Vec<&str> = plan
        .secrets
        .iter()
        .filter(|s| !s.is_skipped() && !s.is_referenced() && !state.secrets.contains_key(&s.name))
        .map(|s| s.name.as_str())
        .collect();
    if wrote && !orphans.is_empty() {
        writeln!(
            ui.out,
            "  - Not created, as only manual sites would use them (`--include-manual` creates them): {}.",
            orphans.join(", ")
        )?;
    }
    let skipped: Vec<&str> = plan.secrets.iter().filter(|s| s.is_skipped()).map(|s| s.name.as_str()).collect();
    if wrote && !skipped.is_empty() {
        writeln!(
            ui.out,
            "  - Not created, as every site is `skip` (test or example files, settings; `--include-manual` doesn't \
             change that): {}.",
            skipped.join(", ")
        )?;
    }
    if wrote {
        let names: Vec<&str> =
            plan.secrets.iter().filter(|s| state.secrets.contains_key(&s.name)).map(|s| s.name.as_str()).collect();
        step(ui, &format!("Rotate the old values: they stay in git history ({}).", names.join(", ")))?;
        if policies.is_empty() {
            step(ui, "Give the role that reads these secrets GetSecretValue on their ARNs: `hoist policy`.")?;
        } else {
            step(ui, "Attach the IAM policies hoist wrote (`hoist policy` explains them):")?;
            for p in policies {
                writeln!(ui.out, "       {} → {}", p.path.display(), p.attach_to)?;
            }
        }
        step(
            ui,
            "Redeploy running services (`aws ecs update-service --force-new-deployment`); locally use `hoist run -- CMD`.",
        )?;
    }
    if !manual.is_empty() {
        step(ui, &format!("Change {} site(s) by hand, with the reference given:", manual.len()))?;
        let region = resolve_region(None);
        for m in manual {
            let env = checks
                .iter()
                .find(|c| {
                    c.site.path == m.path && c.current.line == m.line && c.secret.name == m.secret && c.key.key == m.key
                })
                .and_then(|c| c.site.env_var.clone());
            let arn = arn_for(state, &m.secret, &region);
            let env = env.map(|e| format!(", or the environment variable {e}")).unwrap_or_default();
            writeln!(
                ui.out,
                "       {}:{}: secret {} key {}: {}",
                m.path.display(),
                m.line,
                m.secret,
                m.key,
                m.reason
            )?;
            writeln!(ui.out, "         reference: {arn} (JSON key `{}`){env}", m.key)?;
        }
    }
    for note in notes {
        step(ui, note)?;
    }
    if wrote {
        let extra = if policies.is_empty() { String::new() } else { " and the .hoist/iam-policy*.json files".into() };
        step(ui, &format!("Review and commit: `git diff`, then commit the rewritten files, {STATE_FILE}{extra}."))?;
    }
    Ok(())
}
