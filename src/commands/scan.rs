//! `hoist scan`: walk, detect, print; exit 1 when anything is found.

use crate::cli::{FormatArg, ScanArgs};
use crate::model::Severity;
use crate::report;
use crate::scan::{ScanReport, WalkOptions};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Ui};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs `hoist scan`.
pub fn run(args: &ScanArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    if args.staged {
        return super::hook::scan_staged(args, ui);
    }
    if args.history || args.all || args.since.is_some() {
        return super::history::run(args, ui);
    }
    // One file is scanned like several (what pre-commit passes when one file changed): reported
    // by its path from the repository root, judged with its directories (a test path stays one).
    if !args.more.is_empty() || args.path.is_file() {
        return super::files::run(args, ui);
    }
    let root = super::root_of(&args.path)?;
    let (mut scanner, cfg) = super::scanner_for(&root, &args.rule_files, None)?;
    scanner.context = !args.rules_only;
    scanner.include_generated = args.include_generated;
    let opts = WalkOptions {
        max_file_size: args.max_file_size.or(cfg.scan.max_file_size).unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE),
        include_vendored: args.include_vendored || cfg.scan.include_vendored,
        exclude: cfg.scan.exclude.iter().chain(&args.exclude).cloned().collect(),
        no_ignore: args.no_ignore,
        threads: args.threads,
    };
    let bar = progress_bar(ui.interactive);
    let mut report = scanner.scan_tree(&root, &opts, &|n| bar.set_message(format!("{n} files")));
    bar.finish_and_clear();
    if let Some(min) = args.min_severity.map(Severity::from) {
        report.findings.retain(|f| f.severity >= min);
    }
    super::baseline::filter(&root, args, scanner.fingerprinter(), &mut report.findings, ui.err)?;
    match args.format {
        FormatArg::Human => {
            report::write_human(ui.out, &report.findings, ui.color)?;
            report::write_summary(ui.notes(true), &report)?;
        }
        FormatArg::Json => {
            report::write_json(ui.out, &report.findings)?;
            report::write_summary(ui.err, &report)?;
        }
        FormatArg::Markdown => {
            report::write_markdown(ui.out, &report)?;
            report::write_summary(ui.err, &report)?;
        }
        FormatArg::Sarif => {
            let opts = super::sarif::options_for(&root, args, "scan");
            report::write_sarif_with(ui.out, &report.findings, scanner.rules().rules(), &opts)?;
            report::write_summary(ui.err, &report)?;
        }
    }
    if ui.quiet {
        // The summary that lists them is hidden.
        report::write_errors(ui.errors, &report)?;
    }
    Ok(exit_code(&report))
}

/// Findings win (1); otherwise a file that could not be read makes the scan incomplete (2), as in
/// ripgrep: a clean exit must mean every file was looked at or deliberately skipped.
fn exit_code(report: &ScanReport) -> u8 {
    if !report.findings.is_empty() {
        EXIT_FINDINGS
    } else if !report.errors.is_empty() {
        EXIT_ERROR
    } else {
        EXIT_CLEAN
    }
}

/// A spinner on stderr when it is a terminal; hidden otherwise.
pub fn progress_bar(interactive: bool) -> ProgressBar {
    if !interactive {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    // A spinner and a count: the total is unknown while walking, so a bar would read `0/0`.
    bar.set_style(ProgressStyle::with_template("{spinner} {msg}").expect("valid template"));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar.set_message("scanning");
    bar
}
