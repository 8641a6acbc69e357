//! Commands: each composes the stages for one subcommand. Stages never import each other; only
//! these do.

pub mod apply;
pub mod baseline;
pub mod check;
pub mod check_refs;
pub mod check_remote;
pub mod completions;
pub mod diff;
pub mod files;
pub mod finish;
pub mod history;
pub mod hook;
pub mod keyfiles;
pub mod migrate;
pub mod plan;
pub mod policy;
pub mod recorded;
pub mod resolve;
pub mod review;
pub mod rotate;
pub mod rules;
pub mod run;
pub mod run_files;
pub mod sarif;
pub mod scan;
pub mod upload;

use crate::config::RepoConfig;
use crate::model::Fingerprinter;
use crate::rules::{Rule, RuleFile, RuleSet};
use crate::scan::Scanner;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// The built-in rules plus the repo config's and any extra rule files, minus disabled ones.
pub fn load_rules(cfg: &RepoConfig, extra_files: &[PathBuf]) -> anyhow::Result<RuleSet> {
    let mut builtin: Vec<Rule> = crate::rules::builtin_rules()?;
    let mut rules: Vec<Rule> = cfg.rules.to_vec();
    for f in extra_files {
        let text = std::fs::read_to_string(f).with_context(|| format!("cannot read rule file {}", f.display()))?;
        rules.extend(RuleFile::parse(&f.display().to_string(), &text)?);
    }
    builtin.retain(|r| !cfg.rule_disabled(&r.id));
    rules.retain(|r| !cfg.rule_disabled(&r.id));
    // Built-in regexes compile on first use (a small commit needs few); user rules are checked now.
    Ok(RuleSet::with_builtin(builtin, rules)?)
}

/// The repository root for a path argument: the path itself, or a file's folder.
pub fn root_of(path: &Path) -> anyhow::Result<PathBuf> {
    let meta = std::fs::metadata(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(if meta.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_else(|| ".".into())
    })
}

/// A scanner for `root`: its config, rules, and fingerprint key.
pub fn scanner_for(
    root: &Path,
    extra_rules: &[PathBuf],
    fingerprinter: Option<Fingerprinter>,
) -> anyhow::Result<(Scanner, RepoConfig)> {
    let cfg = RepoConfig::load(root)?;
    let rules = load_rules(&cfg, extra_rules)?;
    let fp = match fingerprinter {
        Some(f) => f,
        None => crate::salt::repo_fingerprinter(root)?.0,
    };
    Ok((Scanner::new(rules, fp), cfg))
}
