//! Arguments of the scanning commands: `scan`, `baseline`, `rules`, their formats and severity filter.

use super::examples;
use clap::{Args, Subcommand, ValueEnum};
use std::path::PathBuf;

/// `hoist baseline` (owned by the hook stage).
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Repository root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only drop entries whose finding is gone; keep the rest and add nothing new.
    #[arg(long)]
    pub update: bool,
    /// Where to write (default `.hoist/baseline.json` under the repository root).
    #[arg(long = "output", short = 'o', alias = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Extra rule file(s) to load, as for `hoist scan --rules`.
    #[arg(long = "rules")]
    pub rule_files: Vec<PathBuf>,
}

/// Output formats for scan results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Lines for people.
    Human,
    /// A JSON array.
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// A Markdown summary for a pull-request comment or an issue (counts, a table per secret; no values).
    Markdown,
}

/// `hoist scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directory (or file) to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Skip files larger than this many bytes (default 5 MiB, or `[scan] max_file_size`).
    #[arg(long)]
    pub max_file_size: Option<u64>,
    /// Also scan vendored directories, lockfiles and minified files.
    #[arg(long)]
    pub include_vendored: bool,
    /// Run the language-aware detectors on generated files too (`DO NOT EDIT`, `@generated`,
    /// `_pb2.py`, ANTLR…); by default they get provider rules and line detectors only.
    #[arg(long)]
    pub include_generated: bool,
    /// Don't respect .gitignore / .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Exclude paths matching this gitignore-style glob (repeatable).
    #[arg(long, short = 'e')]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Provider rules only: skip the language-aware detectors.
    #[arg(long)]
    pub rules_only: bool,
    /// Only report findings at or above this severity.
    #[arg(long, value_enum)]
    pub min_severity: Option<SeverityArg>,
    /// Extra rule file(s) to load (same format as patterns/*.yaml).
    #[arg(long = "rules")]
    pub rule_files: Vec<PathBuf>,
    /// Scan what the next commit would add (the index), reporting only added or changed lines.
    /// PATH is any directory inside the repository.
    #[arg(long)]
    pub staged: bool,
    /// Baseline of accepted findings to leave out (default `.hoist/baseline.json`, when present).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Report baselined findings too.
    #[arg(long)]
    pub no_baseline: bool,
    // --- history scan (issue #15) ---
    /// Scan git history instead of the tree: every commit reachable from HEAD, only the lines each
    /// commit adds; each secret once, with the commit that first added it. Given a file or a
    /// subdirectory, only that path's history (also when the work tree no longer has it).
    #[arg(long, conflicts_with = "staged")]
    pub history: bool,
    /// With --history: every ref (branches, tags, remotes, stash), not just HEAD. Implies --history.
    #[arg(long, conflicts_with = "staged")]
    pub all: bool,
    /// Only the commits after REV (`REV..HEAD`), or a range such as `origin/main..HEAD` (what a pull
    /// request adds). Implies --history.
    #[arg(long, value_name = "REV|RANGE", conflicts_with_all = ["staged", "all"])]
    pub since: Option<String>,
    // --- conventions and code scanning (issue #15) ---
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with this code when secrets are found (default 1; 0 reports without failing).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub exit_code: u8,
    /// More files or directories to scan besides PATH (what the pre-commit framework passes);
    /// paths are reported relative to the repository root (or the current directory outside git).
    #[arg(value_name = "PATHS", conflicts_with_all = ["staged", "history", "all", "since"])]
    pub more: Vec<PathBuf>,
    /// SARIF: also report `config` findings (hosts, ports, user names beside a credential), which
    /// are left out by default because they are not alerts.
    #[arg(long)]
    pub include_config: bool,
}

/// Severity filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// Everything.
    Low,
    /// Medium and high.
    Medium,
    /// High only.
    High,
}

impl From<SeverityArg> for crate::model::Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Low => Self::Low,
            SeverityArg::Medium => Self::Medium,
            SeverityArg::High => Self::High,
        }
    }
}

/// `hoist rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in use (built-in plus `.hoist.toml`).
    #[command(after_help = examples::RULES_LIST_EXAMPLES)]
    List {
        /// `human` or `json`.
        #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Validate rule files and run their examples and negative examples.
    #[command(after_help = examples::RULES_CHECK_EXAMPLES)]
    Check {
        /// Rule files (YAML, `rules:` list).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Output formats of `hoist rules list` (SARIF and markdown describe findings, not rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// A table for people.
    Human,
    /// A JSON array.
    Json,
}
