//! `hoist scan --history`: every commit's added lines through the same scanner the staged scan uses.
//! One `git log -p` stream (a reader thread) feeds batches of changed files; each batch's blobs come
//! from one `git cat-file --batch`, are scanned in parallel, and only secrets on the lines the commit
//! adds are kept. A value is reported once — at the first commit that added it — so memory holds
//! the distinct secrets, never the history.

use super::hook::{Selector, StagedCounts, keep_new};
use crate::cli::{FormatArg, ScanArgs};
use crate::config::RepoConfig;
use crate::hook::log::{LogCommit, stream_log};
use crate::hook::{Git, StagedFile};
use crate::model::{CommitInfo, Finding, HistoryFinding, Severity};
use crate::report;
use crate::scan::{FileOutcome, ScanReport, Scanner, SkipReason};
use crate::{EXIT_CLEAN, EXIT_FINDINGS, Ui};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

/// Changed files handed from the log reader to the scanner at a time.
const BATCH_FILES: usize = 2048;
/// Blob bytes held in memory before they are scanned.
const BATCH_BYTES: usize = 32 << 20;

/// Which commits to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryRange {
    /// Revisions for `git log` (`HEAD`, `--all`, `A..B`).
    pub revs: Vec<String>,
}

impl HistoryRange {
    /// From the scan flags: `--all`, `--since REV` (`REV..HEAD`) or a range `A..B`, else `HEAD`.
    pub fn from_args(args: &ScanArgs) -> Self {
        let revs = if args.all {
            vec!["--all".to_string()]
        } else if let Some(since) = &args.since {
            if since.contains("..") { vec![since.clone()] } else { vec![format!("{since}..HEAD")] }
        } else {
            vec!["HEAD".to_string()]
        };
        Self { revs }
    }
}

/// What a history scan produced.
#[derive(Debug, Default)]
pub struct HistoryReport {
    /// Distinct secrets in the order their first commit came (oldest first).
    pub findings: Vec<HistoryFinding>,
    /// Files read and scanned, bytes, skips, allowed — across all commits.
    pub scan: ScanReport,
    /// Commits that added something.
    pub commits: usize,
    /// Findings left out because the baseline accepts them.
    pub baselined: usize,
}

/// One changed file of one commit, waiting to be read.
struct Job {
    seq: usize,
    commit: Arc<CommitInfo>,
    file: StagedFile,
}

/// Scans the history `range` of the repository containing `dir`. `keep` decides per finding
/// (baseline, severity); dropped findings never reach the de-duplication.
pub(super) fn scan_history(
    git: &Git,
    scanner: &Scanner,
    selector: &Selector,
    range: &HistoryRange,
    max_file_size: u64,
    keep: &(dyn Fn(&Finding) -> bool + Sync),
    progress: &dyn Fn(usize),
) -> anyhow::Result<(HistoryReport, StagedCounts)> {
    let mut report = HistoryReport::default();
    let mut counts = StagedCounts::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let (tx, rx) = sync_channel::<(Vec<Job>, ScanReport, StagedCounts)>(2);
    std::thread::scope(|s| -> anyhow::Result<()> {
        let reader = s.spawn(move || -> anyhow::Result<usize> {
            let mut seq = 0usize;
            let mut jobs = Vec::new();
            let mut skipped = ScanReport::default();
            let mut c = StagedCounts::default();
            stream_log(git, &range.revs, |LogCommit { info, files }| {
                seq += 1;
                let commit = Arc::new(info);
                for file in files {
                    c.staged += 1;
                    if selector.keep(&file, &mut skipped, &mut c) {
                        jobs.push(Job { seq, commit: commit.clone(), file });
                    }
                }
                if jobs.len() >= BATCH_FILES {
                    let batch = (std::mem::take(&mut jobs), std::mem::take(&mut skipped), std::mem::take(&mut c));
                    // The scanner hung up (it failed): stop reading.
                    return Ok(tx.send(batch).is_ok());
                }
                Ok(true)
            })?;
            let _ = tx.send((jobs, skipped, c));
            Ok(seq)
        });
        let mut result = Ok(());
        for (jobs, skipped, c) in rx.iter() {
            merge_counts(&mut report.scan, &mut counts, skipped, c);
            if let Err(e) = scan_batch(git, scanner, &jobs, max_file_size, keep, &mut report, &mut seen) {
                result = Err(e);
                break;
            }
            progress(jobs.last().map_or(0, |j| j.seq));
        }
        drop(rx);
        let commits = reader.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the git log reader panicked")))?;
        result?;
        report.commits = commits;
        Ok(())
    })?;
    Ok((report, counts))
}

fn merge_counts(into: &mut ScanReport, counts: &mut StagedCounts, skipped: ScanReport, c: StagedCounts) {
    for (reason, n) in skipped.skipped {
        *into.skipped.entry(reason).or_default() += n;
    }
    counts.staged += c.staged;
    counts.submodules += c.submodules;
    counts.symlinks += c.symlinks;
    counts.excluded += c.excluded;
}

/// Reads one batch's blobs (each distinct blob and path once), scans them in parallel, keeps the
/// secrets on each commit's added lines, and merges them into the de-duplicated findings.
fn scan_batch(
    git: &Git,
    scanner: &Scanner,
    jobs: &[Job],
    max: u64,
    keep: &(dyn Fn(&Finding) -> bool + Sync),
    report: &mut HistoryReport,
    seen: &mut HashMap<String, usize>,
) -> anyhow::Result<()> {
    // The same blob at the same path (a cherry-pick, a revert, a branch) is read and scanned once.
    let mut distinct: Vec<(&str, &std::path::Path, Vec<usize>)> = Vec::new();
    let mut index: HashMap<(&str, &std::path::Path), usize> = HashMap::new();
    for (i, job) in jobs.iter().enumerate() {
        let key = (job.file.blob.as_str(), job.file.path.as_path());
        let slot = *index.entry(key).or_insert_with(|| {
            distinct.push((key.0, key.1, Vec::new()));
            distinct.len() - 1
        });
        distinct[slot].2.push(i);
    }
    let ids: Vec<&str> = distinct.iter().map(|d| d.0).collect();
    let mut pending: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut pending_bytes = 0usize;
    let mut found: Vec<(usize, Finding)> = Vec::new();
    git.cat_blobs(&ids, |i, size, body| {
        if size > max {
            *report.scan.skipped.entry(SkipReason::TooLarge).or_default() += 1;
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(size as usize);
        body.read_to_end(&mut bytes)?;
        pending_bytes += bytes.len();
        pending.push((i, bytes));
        if pending_bytes >= BATCH_BYTES {
            flush(scanner, jobs, &distinct, &mut pending, keep, &mut report.scan, &mut found);
            pending_bytes = 0;
        }
        Ok(())
    })?;
    flush(scanner, jobs, &distinct, &mut pending, keep, &mut report.scan, &mut found);
    // Oldest commit first, then by place, so "first added" is the same however batches fall.
    found.sort_by(|(a, fa), (b, fb)| {
        (jobs[*a].seq, &fa.path, fa.line, fa.column).cmp(&(jobs[*b].seq, &fb.path, fb.line, fb.column))
    });
    for (job, finding) in found {
        let commit = &jobs[job].commit;
        match seen.get(&finding.fingerprint.0) {
            Some(&at) => {
                let earlier = &mut report.findings[at];
                if earlier.commit.id != commit.id {
                    earlier.commits += 1;
                }
            }
            None => {
                seen.insert(finding.fingerprint.0.clone(), report.findings.len());
                report.findings.push(HistoryFinding { finding, commit: commit.clone(), commits: 1 });
            }
        }
    }
    Ok(())
}

type Distinct<'a> = (&'a str, &'a std::path::Path, Vec<usize>);

fn flush(
    scanner: &Scanner,
    jobs: &[Job],
    distinct: &[Distinct<'_>],
    pending: &mut Vec<(usize, Vec<u8>)>,
    keep: &(dyn Fn(&Finding) -> bool + Sync),
    scan: &mut ScanReport,
    found: &mut Vec<(usize, Finding)>,
) {
    let results: Vec<_> = pending
        .par_iter()
        .map(|(i, bytes)| {
            let (_, path, users) = &distinct[*i];
            let FileOutcome { findings, skipped, non_utf8, allowed, .. } = scanner.scan_bytes(path, bytes);
            let mut kept = Vec::new();
            if skipped.is_none() && !findings.is_empty() {
                for &u in users {
                    let mine = FileOutcome { findings: findings.clone(), ..Default::default() };
                    let (mine, _) = keep_new(mine, bytes, &jobs[u].file.lines);
                    kept.extend(mine.findings.into_iter().filter(|f| keep(f)).map(|f| (u, f)));
                }
            }
            (bytes.len(), skipped, non_utf8, allowed, kept)
        })
        .collect();
    for (len, skipped, non_utf8, allowed, kept) in results {
        if let Some(reason) = skipped {
            *scan.skipped.entry(reason).or_default() += 1;
            continue;
        }
        scan.files_scanned += 1;
        scan.bytes_scanned += len as u64;
        scan.non_utf8 += non_utf8 as usize;
        scan.allowed += allowed;
        found.extend(kept);
    }
    pending.clear();
}

/// Runs `hoist scan --history` (also `--all`, `--since`).
pub fn run(args: &ScanArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let dir = super::root_of(&args.path)?;
    let git = Git::new(&dir);
    let (top, head) = git.toplevel_and_head()?;
    let human = args.format == FormatArg::Human;
    if head.is_none() {
        let note: &mut dyn Write = if human { &mut *ui.out } else { &mut *ui.err };
        writeln!(note, "hoist: no commits yet; no history to scan")?;
        write_empty(args, ui)?;
        return Ok(EXIT_CLEAN);
    }
    let cfg = RepoConfig::load(&top)?;
    let (fp, _) = crate::salt::repo_fingerprinter(&top)?;
    let mut scanner = Scanner::new(super::load_rules(&cfg, &args.rule_files)?, fp.clone());
    scanner.context = !args.rules_only;
    let selector = Selector::new(&cfg, args.include_vendored, &args.exclude)?;
    let max = args.max_file_size.or(cfg.scan.max_file_size).unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE);
    let baseline = super::baseline::for_scan(&top, args)?;
    if let Some((path, b)) = &baseline {
        b.check_key(&fp, path)?;
    }
    let min = args.min_severity.map(Severity::from);
    let baselined = std::sync::atomic::AtomicUsize::new(0);
    let keep = |f: &Finding| {
        if min.is_some_and(|m| f.severity < m) {
            return false;
        }
        if baseline.as_ref().is_some_and(|(_, b)| b.contains(f)) {
            baselined.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return false;
        }
        true
    };
    let bar = super::scan::progress_bar(ui.interactive);
    let range = HistoryRange::from_args(args);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads).build()?;
    let (mut report, counts) = pool.install(|| {
        scan_history(&git, &scanner, &selector, &range, max, &keep, &|n| bar.set_message(format!("{n} commits")))
    })?;
    bar.finish_and_clear();
    report.baselined = baselined.into_inner();
    match args.format {
        FormatArg::Human => report::write_human_history(ui.out, &report.findings, ui.color)?,
        FormatArg::Json => report::write_json_history(ui.out, &report.findings)?,
        FormatArg::Markdown => report::write_markdown_history(ui.out, &report.findings, report.commits)?,
        FormatArg::Sarif => {
            let opts = super::sarif::options_for(&top, args, "history");
            report::write_sarif_history(ui.out, &report.findings, scanner.rules().rules(), &opts)?
        }
    }
    let note: &mut dyn Write = if human { &mut *ui.out } else { &mut *ui.err };
    write_history_summary(note, &report, &counts, &range)?;
    if let Some((path, _)) = &baseline
        && report.baselined > 0
    {
        writeln!(
            note,
            "{} finding(s) accepted in {} not shown (--no-baseline shows them)",
            report.baselined,
            path.display()
        )?;
    }
    Ok(if report.findings.is_empty() { EXIT_CLEAN } else { EXIT_FINDINGS })
}

fn write_empty(args: &ScanArgs, ui: &mut Ui<'_>) -> anyhow::Result<()> {
    match args.format {
        FormatArg::Human => {}
        FormatArg::Json => report::write_json_history(ui.out, &[])?,
        FormatArg::Markdown => report::write_markdown_history(ui.out, &[], 0)?,
        FormatArg::Sarif => {
            report::write_sarif_history(ui.out, &[], std::iter::empty(), &report::SarifOptions::default())?
        }
    }
    Ok(())
}

fn write_history_summary(
    out: &mut dyn Write,
    report: &HistoryReport,
    counts: &StagedCounts,
    range: &HistoryRange,
) -> std::io::Result<()> {
    let scan = &report.scan;
    let mut files: Vec<_> = report.findings.iter().map(|f| &f.finding.path).collect();
    files.sort();
    files.dedup();
    writeln!(
        out,
        "{} secret(s) in history, in {} file(s); scanned {} commit(s) of {} ({} file version(s), {:.1} MB)",
        report.findings.len(),
        files.len(),
        report.commits,
        range.revs.join(" "),
        scan.files_scanned,
        scan.bytes_scanned as f64 / 1e6
    )?;
    if !scan.skipped.is_empty() {
        let parts: Vec<String> = scan.skipped.iter().map(|(r, n)| format!("{n} {}", r.describe())).collect();
        writeln!(out, "skipped: {}", parts.join(", "))?;
    }
    let mut notes = Vec::new();
    if scan.allowed > 0 {
        notes.push(format!("{} finding(s) allowed by inline markers", scan.allowed));
    }
    if counts.submodules + counts.symlinks > 0 {
        notes.push(format!("{} submodule/symlink change(s) not scanned", counts.submodules + counts.symlinks));
    }
    if counts.excluded > 0 {
        notes.push(format!("{} file change(s) excluded by config or --exclude", counts.excluded));
    }
    if scan.non_utf8 > 0 {
        notes.push(format!("{} file version(s) not valid UTF-8 (provider rules only)", scan.non_utf8));
    }
    if !notes.is_empty() {
        writeln!(out, "history: {}", notes.join("; "))?;
    }
    if !report.findings.is_empty() {
        writeln!(
            out,
            "A secret that was ever committed must be rotated (revoked at its provider): deleting it from the \
             tree leaves it in every clone. `hoist migrate --history` lists what to rotate."
        )?;
    }
    Ok(())
}
