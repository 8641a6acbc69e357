//! `hoist scan FILE` and `hoist scan PATH PATHS…`: one file, or several files or directories at
//! once, as the pre-commit framework passes them (`pass_filenames: true`). Paths are reported
//! relative to the root of the repository holding the first path (the current directory outside
//! git), so baselines and allow markers work as for a tree scan.

use super::hook::{Selector, StagedCounts};
use crate::cli::{FormatArg, ScanArgs};
use crate::config::RepoConfig;
use crate::hook::Git;
use crate::model::Severity;
use crate::report;
use crate::scan::{ScanReport, Scanner, WalkOptions};
use crate::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, Ui};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Runs `hoist scan` with a file or more than one path.
pub fn run(args: &ScanArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let cwd = std::env::current_dir()?;
    // The repository holding the (first) path, as for a tree scan; the current directory outside git.
    let first = &args.path;
    let anchor = match first.parent().filter(|p| !first.is_dir() && !p.as_os_str().is_empty()) {
        Some(parent) => parent.to_path_buf(),
        None if first.is_dir() => first.clone(),
        None => cwd.clone(),
    };
    let root = match Git::new(&anchor).toplevel_and_head() {
        Ok((top, _)) => top,
        Err(_) => cwd.clone(),
    };
    let root_abs = root.canonicalize().unwrap_or(root.clone());
    let cfg = RepoConfig::load(&root)?;
    let (fp, _) = crate::salt::repo_fingerprinter(&root)?;
    let mut scanner = Scanner::new(super::load_rules(&cfg, &args.rule_files)?, fp);
    scanner.context = !args.rules_only;
    scanner.include_generated = args.include_generated;
    let selector = Selector::new(&cfg, args.include_vendored, &args.exclude)?;
    let max = args.max_file_size.or(cfg.scan.max_file_size).unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE);
    let mut report = ScanReport::default();
    let mut counts = StagedCounts::default();
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for path in std::iter::once(&args.path).chain(&args.more) {
        let rel = relative(path, &cwd, &root_abs);
        if path.is_dir() {
            let opts = WalkOptions {
                max_file_size: max,
                include_vendored: args.include_vendored || cfg.scan.include_vendored,
                exclude: cfg.scan.exclude.iter().chain(&args.exclude).cloned().collect(),
                no_ignore: args.no_ignore,
                threads: args.threads,
            };
            let mut sub = scanner.scan_tree(path, &opts, &|_| {});
            for f in &mut sub.findings {
                f.path = rel.join(&f.path);
            }
            merge(&mut report, sub);
        } else if selector.keep_path(&rel, &mut report, &mut counts) {
            files.push((path.clone(), rel));
        }
    }
    let results: Vec<_> = files
        .par_iter()
        .map(|(path, rel)| {
            let read = std::fs::metadata(path)
                .and_then(|m| if m.len() > max { Ok(None) } else { std::fs::read(path).map(Some) });
            (rel, read.map(|b| b.map(|bytes| (bytes.len(), scanner.scan_bytes(rel, &bytes)))))
        })
        .collect();
    for (rel, result) in results {
        match result {
            Err(e) => report.errors.push((rel.clone(), e.to_string())),
            Ok(None) => *report.skipped.entry(crate::scan::SkipReason::TooLarge).or_default() += 1,
            Ok(Some((_, outcome))) if outcome.skipped.is_some() => {
                *report.skipped.entry(outcome.skipped.unwrap()).or_default() += 1;
            }
            Ok(Some((len, outcome))) => {
                report.note_limits(rel, &outcome.limits);
                report.files_scanned += 1;
                report.bytes_scanned += len as u64;
                report.non_utf8 += outcome.non_utf8 as usize;
                report.allowed += outcome.allowed;
                report.findings.extend(outcome.findings);
            }
        }
    }
    report.findings.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    if let Some(min) = args.min_severity.map(Severity::from) {
        report.findings.retain(|f| f.severity >= min);
    }
    let human = args.format == FormatArg::Human;
    {
        let note = ui.notes(human);
        super::baseline::filter(&root, args, scanner.fingerprinter(), &mut report.findings, note)?;
    }
    match args.format {
        FormatArg::Human => report::write_human(ui.out, &report.findings, ui.color)?,
        FormatArg::Json => report::write_json(ui.out, &report.findings)?,
        FormatArg::Markdown => report::write_markdown(ui.out, &report)?,
        FormatArg::Sarif => {
            let opts = super::sarif::options_for(&root, args, "files");
            report::write_sarif_with(ui.out, &report.findings, scanner.rules().rules(), &opts)?
        }
    }
    let note = ui.notes(human);
    report::write_summary(note, &report)?;
    if counts.excluded > 0 {
        writeln!(note, "{} file(s) excluded by config or --exclude", counts.excluded)?;
    }
    if ui.quiet {
        // The summary that lists them is hidden.
        report::write_errors(ui.errors, &report)?;
    }
    Ok(if !report.findings.is_empty() {
        EXIT_FINDINGS
    } else if !report.errors.is_empty() {
        EXIT_ERROR
    } else {
        EXIT_CLEAN
    })
}

/// `path` relative to the repository root, for reporting (as given when it lies outside).
fn relative(path: &Path, cwd: &Path, root: &Path) -> PathBuf {
    let abs = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    let abs = abs.canonicalize().unwrap_or(abs);
    match abs.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

fn merge(into: &mut ScanReport, sub: ScanReport) {
    into.findings.extend(sub.findings);
    into.files_scanned += sub.files_scanned;
    into.bytes_scanned += sub.bytes_scanned;
    for (r, n) in sub.skipped {
        *into.skipped.entry(r).or_default() += n;
    }
    into.non_utf8 += sub.non_utf8;
    into.allowed += sub.allowed;
    into.errors.extend(sub.errors);
}
