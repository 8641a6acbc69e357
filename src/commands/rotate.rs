//! What must be rotated because git history holds it (`plan --history`, `migrate --history`): the
//! history scan with the plan's fingerprint key, compared with the plan's keys. A value only in
//! history can't be migrated — nothing is uploaded for it — so it is listed as "rotate" with where
//! and when it was first committed and which provider issued it; a planned value that history also
//! holds is "rotate after migrating".

use super::history::{HistoryRange, scan_history};
use super::hook::Selector;
use crate::config::RepoConfig;
use crate::hook::Git;
use crate::model::{Fingerprinter, HistoryFinding, Plan};
use crate::scan::Scanner;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::Path;

/// The plan's values that history also holds, and the values only history holds.
#[derive(Debug, Default)]
pub struct Rotation {
    /// Found only in history: rotate; hoist can't migrate them.
    pub history_only: Vec<HistoryFinding>,
    /// (secret, key, where history first had it): rotate once the migration is deployed.
    pub after_migrating: Vec<(String, String, HistoryFinding)>,
    /// Commits scanned.
    pub commits: usize,
    /// Rule id → the rule's name, for the lists.
    pub rule_names: BTreeMap<String, String>,
}

/// Scans the history of the repository at `root` with `fp` (the plan's key, so fingerprints
/// compare with the plan's) and sorts what it finds against `plan`.
pub fn rotation_for_plan(
    root: &Path,
    fp: &Fingerprinter,
    plan: &Plan,
    rule_files: &[std::path::PathBuf],
) -> anyhow::Result<Rotation> {
    let git = Git::new(root);
    let (top, head) = git.toplevel_and_head()?;
    if head.is_none() {
        return Ok(Rotation::default());
    }
    let cfg = RepoConfig::load(&top)?;
    let scanner = Scanner::new(super::load_rules(&cfg, rule_files)?, fp.clone());
    let selector = Selector::new(&cfg, false, &[])?;
    let max = cfg.scan.max_file_size.unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE);
    let range = HistoryRange { revs: vec!["HEAD".into()], dir: None };
    let (report, _) = scan_history(&git, &scanner, &selector, &range, max, &|_| true, &|_| {})?;
    let mut planned: BTreeMap<&str, (&str, &str)> = BTreeMap::new();
    for s in &plan.secrets {
        for k in &s.keys {
            planned.insert(&k.fingerprint.0, (&s.name, &k.key));
        }
    }
    let rule_names = scanner.rules().rules().map(|r| (r.id.clone(), r.name.clone())).collect();
    let mut rotation = Rotation { commits: report.commits, rule_names, ..Default::default() };
    let mut listed = HashSet::new();
    for h in report.findings {
        match planned.get(h.finding.fingerprint.0.as_str()) {
            Some((secret, key)) => {
                if listed.insert((secret.to_string(), key.to_string())) {
                    rotation.after_migrating.push((secret.to_string(), key.to_string(), h));
                }
            }
            None => rotation.history_only.push(h),
        }
    }
    Ok(rotation)
}

pub use crate::model::history::provider_of as provider;

/// Prints both lists (nothing when history holds nothing of interest).
pub fn write_rotation(out: &mut dyn Write, r: &Rotation) -> std::io::Result<()> {
    let when = |h: &HistoryFinding| {
        format!(
            "{}:{} first committed in {} on {} by {}",
            crate::scan::slash_path(&h.finding.path),
            h.finding.line,
            h.commit.short(),
            h.commit.date,
            h.commit.author
        )
    };
    if !r.history_only.is_empty() {
        writeln!(
            out,
            "\n{} secret(s) only in git history — rotate, can't migrate (nothing is uploaded for them; revoke \
             each at its provider, then issue a new one):",
            r.history_only.len()
        )?;
        for h in &r.history_only {
            let f = &h.finding;
            let what = r.rule_names.get(&f.rule).cloned().unwrap_or_else(|| f.rule.clone());
            let name = f.name.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default();
            let from = match provider(&f.rule) {
                Some(p) => format!("provider: {p}"),
                None => "provider: unknown (a generic credential: revoke it wherever it was issued)".into(),
            };
            writeln!(out, "  rotate  {what}{name} ({}) — {}; {from}", f.rule, when(h))?;
        }
    }
    if !r.after_migrating.is_empty() {
        writeln!(
            out,
            "\n{} planned value(s) are also in git history — rotate after migrating (moving them doesn't \
             remove them from old commits):",
            r.after_migrating.len()
        )?;
        for (secret, key, h) in &r.after_migrating {
            writeln!(out, "  rotate after migrating  {secret} [{key}] — {}", when(h))?;
        }
    }
    if r.history_only.is_empty() && r.after_migrating.is_empty() {
        writeln!(out, "history: {} commit(s) scanned; no secret in them to rotate", r.commits)?;
    }
    Ok(())
}
