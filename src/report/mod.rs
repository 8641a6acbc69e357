//! Printers for scan results: human (coloured on a TTY), JSON and SARIF 2.1.0. Each writes to an
//! `impl Write` so tests render into a buffer. None of them can reach a secret value: `Finding`
//! serializes without it and the human printer only shows the redacted preview.

mod human;
mod markdown;
mod sarif;

pub use human::{write_errors, write_human, write_human_history, write_summary};
pub use markdown::{PlanHistory, write_markdown, write_markdown_history, write_plan_markdown};
pub use sarif::{SarifOptions, security_severity, write_sarif, write_sarif_history, write_sarif_with};

use crate::model::{CommitInfo, DeployInfo, Finding, HistoryFinding, Kind, Severity};
use serde::Serialize;
use std::io::{self, Write};

/// How findings are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// One line per finding, then a summary.
    Human,
    /// A JSON array of finding objects.
    Json,
    /// SARIF 2.1.0 for code-scanning UIs.
    Sarif,
}

/// One finding as `--format json` prints it: the public, stable shape (every key always present, `null`
/// when unknown), independent of how `Finding` is laid out in memory. No field can hold the value.
#[derive(Serialize)]
struct JsonFinding<'a> {
    path: String,
    line: usize,
    column: usize,
    rule: &'a str,
    kind: Kind,
    severity: Severity,
    name: Option<&'a str>,
    group: Option<&'a str>,
    key: Option<&'a str>,
    format: &'a str,
    deploy: Option<&'a DeployInfo>,
    fingerprint: &'a str,
    preview: &'a str,
}

impl<'a> From<&'a Finding> for JsonFinding<'a> {
    fn from(f: &'a Finding) -> Self {
        Self {
            path: crate::scan::slash_path(&f.path),
            line: f.line,
            column: f.column,
            rule: &f.rule,
            kind: f.kind,
            severity: f.severity,
            name: f.name.as_deref(),
            group: f.group.as_deref(),
            key: f.key.as_deref(),
            format: &f.format,
            deploy: f.deploy.as_ref(),
            fingerprint: &f.fingerprint.0,
            preview: &f.preview,
        }
    }
}

/// Writes findings as one JSON array of objects with `path` (relative, `/`-separated), `line`
/// (1-based), `column` (1-based, characters), `rule`, `kind`, `severity`, `name`, `group`, `key`,
/// `format`, `deploy`, `fingerprint` and the redacted `preview`.
pub fn write_json(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let view: Vec<JsonFinding<'_>> = findings.iter().map(JsonFinding::from).collect();
    serde_json::to_writer_pretty(&mut *out, &view)?;
    writeln!(out)
}

/// A history finding as `--format json` prints it: the finding's keys plus `commit` (`id`,
/// `author`, `email`, `date` of the commit that first added the value) and `commits` (how many
/// commits added it).
#[derive(Serialize)]
struct JsonHistoryFinding<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    commit: &'a CommitInfo,
    commits: usize,
}

/// Writes a history scan's findings as one JSON array (see [`JsonHistoryFinding`]).
pub fn write_json_history(out: &mut dyn Write, findings: &[HistoryFinding]) -> io::Result<()> {
    let view: Vec<JsonHistoryFinding<'_>> = findings
        .iter()
        .map(|h| JsonHistoryFinding { finding: JsonFinding::from(&h.finding), commit: &h.commit, commits: h.commits })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &view)?;
    writeln!(out)
}
