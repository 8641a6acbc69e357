//! Printers for scan results: human (coloured on a TTY), JSON and SARIF 2.1.0. Each writes to an
//! `impl Write` so tests render into a buffer. None of them can reach a secret value: `Finding`
//! serializes without it and the human printer only shows the redacted preview.

mod human;
mod sarif;

pub use human::{write_human, write_summary};
pub use sarif::write_sarif;

use crate::model::Finding;
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

/// Writes findings as a JSON array.
pub fn write_json(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, findings)?;
    writeln!(out)
}
