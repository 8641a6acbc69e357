//! `apply`'s check of the state file before any recorded ARN goes into a file: each recorded
//! secret the files will reference (or that would be skipped as "already uploaded") is asked for
//! by ARN in this session. Another region's ARN refuses (hoist never writes us-east-1 ARNs from a
//! us-west-2 session silently); a secret that is gone (fresh endpoint after a crash, deleted) is
//! re-created from the values still in the tree, or — when files already hold its old ARN or its
//! values are gone — refused with what to restore.

use super::upload::{Session, check_recorded};
use crate::model::State;
use crate::rewrite::changes::{SiteCheck, SiteState};
use crate::upload::standing::Standing;
use std::collections::BTreeSet;

/// What `apply` does about the recorded secrets.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Go on; these secrets are gone and are uploaded again (their state entries dropped).
    Go(Vec<String>),
    /// Stop, with the message (one line per problem).
    Refuse(String),
}

/// Checks the recorded secrets among `referenced` (whose ARNs the files will hold) and
/// `uploadable` (whose every value is still in the tree). Drops the entries of secrets that will
/// be re-created from `state` (in memory; the upload records their new ARNs).
pub fn check(
    session: &Session,
    state: &mut State,
    state_file: &str,
    referenced: &BTreeSet<String>,
    uploadable: &BTreeSet<String>,
    checks: &[SiteCheck<'_>],
) -> anyhow::Result<Verdict> {
    // Also every secret a file already references (an earlier, maybe interrupted, apply).
    let applied = checks.iter().filter(|c| c.state == SiteState::Applied).map(|c| &c.secret.name);
    let names: BTreeSet<String> = referenced
        .iter()
        .chain(uploadable)
        .chain(applied)
        .filter(|n| state.secrets.contains_key(*n))
        .cloned()
        .collect();
    if names.is_empty() {
        return Ok(Verdict::Go(Vec::new()));
    }
    let mut problems = Vec::new();
    let mut recreate = Vec::new();
    for (r, standing) in check_recorded(session, state, &names)? {
        let region = session.region();
        let applied: BTreeSet<String> = checks
            .iter()
            .filter(|c| c.secret.name == r.name && c.state == SiteState::Applied)
            .map(|c| c.site.path.display().to_string())
            .collect();
        let what = match &standing {
            Standing::OtherRegion(other) => {
                problems.push(format!(
                    "{}: {state_file} records it in {other} ({}), but this session is in {region}; hoist won't write \
                     {other} ARNs from a {region} session. Run with --region {other}, or, to create the secrets in \
                     {region}, move {state_file} aside (files already rewritten keep the {other} ARNs)",
                    r.name, r.arn
                ));
                continue;
            }
            Standing::Gone => "no longer exists in this account and region (a fresh endpoint, or deleted)",
            Standing::Deleted => "is scheduled for deletion",
            Standing::Live => continue,
        };
        if uploadable.contains(&r.name) && applied.is_empty() {
            recreate.push(r.name.clone());
            continue;
        }
        let fix = if applied.is_empty() {
            "its values are no longer in the tree; restore them (`git checkout`) and re-run".to_string()
        } else {
            format!(
                "{} already reference that ARN; restore them (`git checkout -- {}`) and re-run, so the secret is \
                 created again and every reference gets its new ARN",
                applied.iter().cloned().collect::<Vec<_>>().join(", "),
                applied.iter().cloned().collect::<Vec<_>>().join(" ")
            )
        };
        problems.push(format!("{}: the ARN in {state_file} ({}) {what}; {fix}", r.name, r.arn));
    }
    if !problems.is_empty() {
        return Ok(Verdict::Refuse(problems.join("\n  ")));
    }
    for name in &recreate {
        state.secrets.remove(name);
    }
    Ok(Verdict::Go(recreate))
}
