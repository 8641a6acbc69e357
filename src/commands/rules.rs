//! `hoist rules list|check`: show the rules in use; validate a user's rule file with the same
//! checks the built-in rules pass.

use crate::cli::{RulesCommand, RulesFormat};
use crate::config::RepoConfig;
use crate::rules::{RuleFile, RuleSet};
use crate::{EXIT_CLEAN, EXIT_FINDINGS, Ui};
use anyhow::Context;
use serde_json::json;

/// Runs `hoist rules …`.
pub fn run(cmd: &RulesCommand, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    match cmd {
        RulesCommand::List { format } => {
            let cfg = RepoConfig::load(std::path::Path::new("."))?;
            let set = super::load_rules(&cfg, &[])?;
            if *format == RulesFormat::Json {
                let list: Vec<_> = set
                    .rules()
                    .map(|r| json!({"id": r.id, "name": r.name, "kind": r.kind, "keywords": r.keywords, "source": r.source}))
                    .collect();
                serde_json::to_writer_pretty(&mut *ui.out, &list)?;
                writeln!(ui.out)?;
            } else {
                for r in set.rules() {
                    writeln!(ui.out, "{:<44} {:<48} {}", r.id, r.name, r.source)?;
                }
                writeln!(ui.out, "{} rules", set.len())?;
            }
            Ok(EXIT_CLEAN)
        }
        RulesCommand::Check { files } => {
            let mut failed = 0;
            for f in files {
                let text = std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
                let result = RuleFile::parse(&f.display().to_string(), &text).and_then(RuleSet::new);
                match result {
                    Err(e) => {
                        failed += 1;
                        writeln!(ui.out, "{}: {e}", f.display())?;
                    }
                    Ok(set) => {
                        for r in set.compiled() {
                            match r.check_examples() {
                                Ok(()) => writeln!(
                                    ui.out,
                                    "ok   {} ({} examples, {} negative)",
                                    r.rule.id,
                                    r.rule.examples.len(),
                                    r.rule.negative_examples.len()
                                )?,
                                Err(e) => {
                                    failed += 1;
                                    writeln!(ui.out, "FAIL {e}")?;
                                }
                            }
                        }
                    }
                }
            }
            Ok(if failed == 0 { EXIT_CLEAN } else { EXIT_FINDINGS })
        }
    }
}
