//! The human printer: `path:line:col  rule  kind  name  preview`, then a summary of what was
//! scanned and what was skipped.

use crate::model::{Finding, HistoryFinding, Kind};
use crate::scan::ScanReport;
use std::io::{self, Write};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const MAGENTA: &str = "\x1b[35m";

/// Writes one line per finding.
pub fn write_human(out: &mut dyn Write, findings: &[Finding], color: bool) -> io::Result<()> {
    for f in findings {
        write_line(out, f, color)?;
        writeln!(out)?;
    }
    Ok(())
}

/// Writes one line per history finding: the finding as of the commit that first added it, then
/// that commit (short id, date, author) and how many other commits added the same value.
pub fn write_human_history(out: &mut dyn Write, findings: &[HistoryFinding], color: bool) -> io::Result<()> {
    let c = |code: &'static str| if color { code } else { "" };
    for h in findings {
        write_line(out, &h.finding, color)?;
        write!(out, "  {}commit {} {} {}{}", c(DIM), h.commit.short(), h.commit.date, h.commit.author, c(RESET))?;
        if h.commits > 1 {
            write!(out, " {}(+{} later commit(s)){}", c(DIM), h.commits - 1, c(RESET))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_line(out: &mut dyn Write, f: &Finding, color: bool) -> io::Result<()> {
    let c = |code: &'static str| if color { code } else { "" };
    {
        let kind = match f.kind {
            Kind::Secret => format!("{}secret{}", c(RED), c(RESET)),
            Kind::Config => format!("{}config{}", c(YELLOW), c(RESET)),
        };
        write!(
            out,
            "{}{}:{}:{}{}  {kind}  {}{}{}",
            c(MAGENTA),
            f.path.display(),
            f.line,
            f.column,
            c(RESET),
            c(BOLD),
            f.rule,
            c(RESET)
        )?;
        if let Some(name) = &f.name {
            write!(out, "  {name}")?;
        }
        write!(out, "  {}{}{}", c(DIM), f.preview, c(RESET))?;
        if let Some(g) = &f.group {
            write!(out, "  {}group={g}{}", c(DIM), c(RESET))?;
        }
    }
    Ok(())
}

/// Writes the closing summary: counts, what was skipped and why, unreadable files.
pub fn write_summary(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    let secrets = report.findings.iter().filter(|f| f.kind == Kind::Secret).count();
    let config = report.findings.len() - secrets;
    let mut files: Vec<_> = report.findings.iter().map(|f| &f.path).collect();
    files.dedup();
    writeln!(
        out,
        "{} finding(s): {secrets} secret, {config} config, in {} file(s); scanned {} file(s), {:.1} MB",
        report.findings.len(),
        files.len(),
        report.files_scanned,
        report.bytes_scanned as f64 / 1e6
    )?;
    if !report.skipped.is_empty() {
        let parts: Vec<String> = report.skipped.iter().map(|(r, n)| format!("{n} {}", r.describe())).collect();
        writeln!(out, "skipped: {}", parts.join(", "))?;
    }
    if report.non_utf8 > 0 {
        writeln!(out, "{} file(s) not valid UTF-8: scanned with provider rules only", report.non_utf8)?;
    }
    for (limit, paths) in &report.limited {
        let shown: Vec<String> = paths.iter().take(5).map(|p| p.display().to_string()).collect();
        let more = if paths.len() > 5 { format!(", and {} more", paths.len() - 5) } else { String::new() };
        writeln!(out, "{}: {} file(s): {}{more}", limit.describe(), paths.len(), shown.join(", "))?;
    }
    if report.allowed > 0 {
        writeln!(out, "{} finding(s) allowed by inline markers", report.allowed)?;
    }
    if !report.errors.is_empty() {
        writeln!(out, "{} path(s) could not be read (scan incomplete):", report.errors.len())?;
    }
    for (path, err) in &report.errors {
        writeln!(out, "error: {}: {err}", path.display())?;
    }
    Ok(())
}

/// The paths a scan could not read, one `hoist: error:` line each: for the errors channel
/// ([`crate::Ui::errors`]) when `-q` hides the summary that lists them.
pub fn write_errors(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    for (path, err) in &report.errors {
        writeln!(out, "hoist: error: {}: {err}", path.display())?;
    }
    Ok(())
}
