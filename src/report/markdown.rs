//! Markdown reports for a pull-request comment or an issue (`scan -f markdown`, `plan -f
//! markdown`): counts by kind and severity, then a table per secret. Never a value, not even the
//! preview's first characters: only rules, names, places and commits.

use crate::model::{Finding, HistoryFinding, Kind, Plan, Severity, Strategy};
use crate::scan::ScanReport;
use std::io::{self, Write};

/// Text safe inside a table cell.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('\n', " ")
}

/// Text as inline code inside a table cell.
fn code(s: &str) -> String {
    format!("`{}`", cell(&s.replace('`', "'")))
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
    }
}

fn counts_table(out: &mut dyn Write, findings: &[&Finding]) -> io::Result<()> {
    writeln!(out, "| severity | secrets | config values |")?;
    writeln!(out, "|---|---:|---:|")?;
    for sev in [Severity::High, Severity::Medium, Severity::Low] {
        let n = |k: Kind| findings.iter().filter(|f| f.kind == k && f.severity == sev).count();
        writeln!(out, "| {} | {} | {} |", severity_word(sev), n(Kind::Secret), n(Kind::Config))?;
    }
    let total = |k: Kind| findings.iter().filter(|f| f.kind == k).count();
    writeln!(out, "| **total** | **{}** | **{}** |", total(Kind::Secret), total(Kind::Config))
}

fn location(f: &Finding) -> String {
    code(&format!("{}:{}", crate::scan::slash_path(&f.path), f.line))
}

/// The report of a tree (or staged, or files) scan.
pub fn write_markdown(out: &mut dyn Write, report: &ScanReport) -> io::Result<()> {
    let all: Vec<&Finding> = report.findings.iter().collect();
    let secrets: Vec<&Finding> = all.iter().copied().filter(|f| f.kind == Kind::Secret).collect();
    let mut files: Vec<_> = secrets.iter().map(|f| &f.path).collect();
    files.sort();
    files.dedup();
    writeln!(out, "# hoist scan\n")?;
    writeln!(
        out,
        "**{} hardcoded secret(s)** in {} file(s); scanned {} file(s), {:.1} MB.\n",
        secrets.len(),
        files.len(),
        report.files_scanned,
        report.bytes_scanned as f64 / 1e6
    )?;
    counts_table(out, &all)?;
    if secrets.is_empty() {
        return writeln!(out, "\nNothing to move.");
    }
    writeln!(out, "\n## Secrets\n")?;
    writeln!(out, "| where | rule | name | severity | group |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for f in &secrets {
        let config = f
            .group
            .as_ref()
            .map(|g| all.iter().filter(|c| c.kind == Kind::Config && c.group.as_ref() == Some(g)).count())
            .unwrap_or(0);
        let group = if config > 0 { format!("with {config} config value(s)") } else { String::new() };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            location(f),
            code(&f.rule),
            f.name.as_deref().map(code).unwrap_or_default(),
            severity_word(f.severity),
            group
        )?;
    }
    writeln!(
        out,
        "\nMove them with `hoist migrate` (a dry run; `--apply` uploads and rewrites). A value that was ever \
         committed must also be rotated (`hoist scan --history` lists them)."
    )
}

/// The report of a history scan: what git history holds, with the commit that first added each.
pub fn write_markdown_history(out: &mut dyn Write, findings: &[HistoryFinding], commits: usize) -> io::Result<()> {
    let all: Vec<&Finding> = findings.iter().map(|h| &h.finding).collect();
    writeln!(out, "# hoist scan --history\n")?;
    writeln!(out, "**{} secret(s)** added in {commits} commit(s) scanned.\n", findings.len())?;
    counts_table(out, &all)?;
    if findings.is_empty() {
        return writeln!(out, "\nNothing to rotate.");
    }
    writeln!(out, "\n## Secrets to rotate\n")?;
    rotate_table(out, findings)?;
    writeln!(out, "\nA value that was ever committed stays in every clone: revoke it at its provider.")
}

fn rotate_table(out: &mut dyn Write, findings: &[HistoryFinding]) -> io::Result<()> {
    writeln!(out, "| first added at | rule | name | commit | date | author | provider |")?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for h in findings {
        let f = &h.finding;
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            location(f),
            code(&f.rule),
            f.name.as_deref().map(code).unwrap_or_default(),
            code(h.commit.short()),
            cell(&h.commit.date),
            cell(&h.commit.author),
            crate::model::history::provider_of(&f.rule).unwrap_or("unknown")
        )?;
    }
    Ok(())
}

fn strategy_word(s: Strategy) -> &'static str {
    s.word()
}

/// What history says about a plan, for its report.
#[derive(Default)]
pub struct PlanHistory<'a> {
    /// Values only in history (rotate; can't migrate).
    pub history_only: &'a [HistoryFinding],
    /// (secret, key, history) for planned values history also holds.
    pub after_migrating: &'a [(String, String, HistoryFinding)],
    /// History was scanned at all.
    pub scanned: bool,
}

/// The report of a plan: a table per secret (keys, sites, strategy, what is left manual, what
/// must be rotated), then what only history holds.
pub fn write_plan_markdown(out: &mut dyn Write, plan: &Plan, history: &PlanHistory<'_>) -> io::Result<()> {
    let keys: usize = plan.secrets.iter().map(|s| s.keys.len()).sum();
    writeln!(out, "# hoist plan: {}\n", cell(&plan.app))?;
    writeln!(
        out,
        "**{} secret(s)**, {keys} key(s), {} site(s) to move to AWS Secrets Manager.\n",
        plan.secrets.len(),
        plan.sites().count()
    )?;
    for s in &plan.secrets {
        writeln!(out, "## {}\n", code(&s.name))?;
        writeln!(out, "| key | site | strategy | env var | manual step | rotate |")?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for k in &s.keys {
            let rotate = match history.after_migrating.iter().find(|(n, key, _)| n == &s.name && key == &k.key) {
                Some((_, _, h)) => format!("after migrating (in history since {})", code(h.commit.short())),
                None if history.scanned => "not in history".into(),
                None => "after migrating (committed values stay in history)".into(),
            };
            for site in &k.sites {
                let manual = match site.strategy {
                    Strategy::Manual | Strategy::Skip => cell(site.reason.as_deref().unwrap_or("edit by hand")),
                    _ => String::new(),
                };
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {manual} | {rotate} |",
                    code(&k.key),
                    code(&format!("{}:{}", crate::scan::slash_path(&site.path), site.line)),
                    strategy_word(site.strategy),
                    site.env_var.as_deref().map(code).unwrap_or_default()
                )?;
            }
        }
        writeln!(out)?;
    }
    if !history.history_only.is_empty() {
        writeln!(out, "## Only in git history: rotate, can't migrate\n")?;
        writeln!(out, "Nothing is uploaded for these; revoke each at its provider and issue a new one.\n")?;
        rotate_table(out, history.history_only)?;
    }
    Ok(())
}
