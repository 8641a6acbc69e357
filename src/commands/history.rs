//! `hoist scan --history`: every blob history added, through the same scanner the staged scan uses.
//! One `git log --raw` stream (tree diffs only, a reader thread) lists each commit's changed files;
//! each distinct new blob is read once from `git cat-file --batch` and scanned while git streams
//! the next (in parallel, memory bounded by a batch); a secret counts for a commit when the blob it
//! replaced didn't hold the same value, and is reported once — at the first commit that added it.
//! Memory holds the ids of the blobs seen and the secrets of those that hold any, never the history.

mod range;

use super::hook::{Selector, StagedCounts};
use crate::cli::{FormatArg, ScanArgs};
use crate::config::RepoConfig;
use crate::hook::log::{LogCommit, stream_log};
use crate::hook::{Git, StagedFile};
use crate::model::{CommitInfo, Finding, HistoryFinding, Kind, Severity};
use crate::report;
use crate::scan::{FileOutcome, ScanReport, Scanner, SkipReason};
use crate::{EXIT_CLEAN, EXIT_FINDINGS, Ui};
pub use range::HistoryRange;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::sync_channel;

/// Changed files handed from the log reader to the scanner at a time.
const BATCH_FILES: usize = 4096;
/// Blobs read ahead of the scanner (each at most the size limit).
const READ_AHEAD: usize = 64;

/// What a history scan produced.
#[derive(Debug, Default)]
pub struct HistoryReport {
    /// Distinct secrets in the order their first commit came (oldest first).
    pub findings: Vec<HistoryFinding>,
    /// Distinct blobs read and scanned, bytes, skips, allowed — across all commits.
    pub scan: ScanReport,
    /// Commits walked.
    pub commits: usize,
    /// Findings left out because the baseline accepts them.
    pub baselined: usize,
    /// The scanned path ([`HistoryRange::dir`]) was a file in some commit.
    pub file: bool,
}

/// One changed file of one commit.
struct Job {
    seq: usize,
    commit: Arc<CommitInfo>,
    file: StagedFile,
}

/// A blob id as a set key: its first 128 bits (git ids are uniformly distributed).
type BlobKey = u128;

fn blob_key(id: &str) -> BlobKey {
    u128::from_str_radix(id.get(..32).unwrap_or(id), 16).unwrap_or_else(|_| {
        // Not hex (never from git): any stable 128 bits.
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(id, &mut h);
        std::hash::Hasher::finish(&h) as u128
    })
}

/// What the scan knows about blobs: which were read (or skipped), and the secrets of those that
/// hold any (sorted by place), so a blob seen again — a revert, a copy, another branch — is never
/// read twice and a parent blob answers "did this value exist before?".
#[derive(Default)]
struct Blobs {
    read: HashSet<BlobKey>,
    secrets: HashMap<BlobKey, Arc<Vec<Finding>>>,
}

/// One blob's scan.
struct Scanned {
    len: usize,
    outcome: Option<FileOutcome>,
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
    let mut state = State { seen: HashMap::new(), blobs: Blobs::default() };
    let (tx, rx) = sync_channel::<(Vec<Job>, ScanReport, StagedCounts)>(2);
    let pathspecs = range.pathspecs();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let reader = s.spawn(move || -> anyhow::Result<(usize, bool)> {
            let mut seq = 0usize;
            let mut jobs = Vec::new();
            let mut skipped = ScanReport::default();
            let mut c = StagedCounts::default();
            let mut file_seen = false;
            let log = stream_log(git, &range.revs, &pathspecs, |LogCommit { info, files }| {
                seq += 1;
                let commit = Arc::new(info);
                for mut file in files {
                    c.staged += 1;
                    if !selector.keep(&file, &mut skipped, &mut c) {
                        continue;
                    }
                    // The pathspec keeps to `dir`; paths become relative to it.
                    file_seen |= range.dir.as_ref().is_some_and(|d| *d == file.path);
                    let Some(rel) = range.relative(&file.path) else { continue };
                    file.path = rel;
                    jobs.push(Job { seq, commit: commit.clone(), file });
                }
                if jobs.len() >= BATCH_FILES {
                    let batch = (std::mem::take(&mut jobs), std::mem::take(&mut skipped), std::mem::take(&mut c));
                    // The scanner hung up (it failed): stop reading.
                    return Ok(tx.send(batch).is_ok());
                }
                Ok(true)
            });
            log?;
            let _ = tx.send((jobs, skipped, c));
            Ok((seq, file_seen))
        });
        let mut result = Ok(());
        for (jobs, skipped, c) in rx.iter() {
            merge_counts(&mut report.scan, &mut counts, skipped, c);
            if let Err(e) = state.batch(git, scanner, &jobs, max_file_size, keep, &mut report) {
                result = Err(e);
                break;
            }
            progress(jobs.last().map_or(0, |j| j.seq));
        }
        drop(rx);
        let (commits, file) = reader.join().unwrap_or_else(|_| Err(anyhow::anyhow!("the git log reader panicked")))?;
        result?;
        report.commits = commits;
        report.file = file;
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

/// The scan's memory across batches.
struct State {
    /// Fingerprint → index of its finding in the report.
    seen: HashMap<String, usize>,
    blobs: Blobs,
}

impl State {
    /// Reads and scans one batch's new blobs (each once), the parent blobs needed to tell which
    /// secrets are new, then attributes each secret to the first commit that added it.
    fn batch(
        &mut self,
        git: &Git,
        scanner: &Scanner,
        jobs: &[Job],
        max: u64,
        keep: &(dyn Fn(&Finding) -> bool + Sync),
        report: &mut HistoryReport,
    ) -> anyhow::Result<()> {
        // Each blob this batch brings for the first time, read at its first path.
        let mut fresh: Vec<(&str, &Path)> = Vec::new();
        let mut queued = HashSet::new();
        for job in jobs {
            let k = blob_key(&job.file.blob);
            if !self.blobs.read.contains(&k) && queued.insert(k) {
                fresh.push((&job.file.blob, &job.file.path));
            }
        }
        for (i, scanned) in read_and_scan(git, scanner, &fresh, max)? {
            let scan = &mut report.scan;
            match &scanned.outcome {
                None => *scan.skipped.entry(SkipReason::TooLarge).or_default() += 1,
                Some(FileOutcome { skipped: Some(reason), .. }) => *scan.skipped.entry(*reason).or_default() += 1,
                Some(o) => {
                    scan.files_scanned += 1;
                    scan.bytes_scanned += scanned.len as u64;
                    scan.non_utf8 += o.non_utf8 as usize;
                    scan.allowed += o.allowed;
                }
            }
            self.blobs.record(fresh[i].0, scanned);
        }
        // A blob with secrets that replaced a blob not read yet (the range starts after it, or it
        // sat at a path this scan skips): read that one too, at the new path, to compare.
        let mut parents: Vec<(&str, &Path)> = Vec::new();
        for job in jobs {
            if let Some(old) = &job.file.old_blob
                && self.blobs.secrets.contains_key(&blob_key(&job.file.blob))
                && !self.blobs.read.contains(&blob_key(old))
                && queued.insert(blob_key(old))
            {
                parents.push((old, &job.file.path));
            }
        }
        for (i, scanned) in read_and_scan(git, scanner, &parents, max)? {
            self.blobs.record(parents[i].0, scanned);
        }
        for job in jobs {
            self.attribute(job, keep, report);
        }
        Ok(())
    }

    /// The secrets `job`'s commit added in its file (those the replaced blob didn't hold), kept
    /// when new to the report; a value seen before counts one more commit.
    fn attribute(&mut self, job: &Job, keep: &(dyn Fn(&Finding) -> bool + Sync), report: &mut HistoryReport) {
        let Some(found) = self.blobs.secrets.get(&blob_key(&job.file.blob)) else { return };
        let before = job.file.old_blob.as_deref().and_then(|o| self.blobs.secrets.get(&blob_key(o)));
        for f in found.iter() {
            if before.is_some_and(|b| b.iter().any(|g| g.fingerprint == f.fingerprint)) {
                continue;
            }
            let mut finding = f.clone();
            finding.path.clone_from(&job.file.path);
            if !keep(&finding) {
                continue;
            }
            match self.seen.get(&finding.fingerprint.0) {
                Some(&at) => {
                    let earlier = &mut report.findings[at];
                    if earlier.commit.id != job.commit.id {
                        earlier.commits += 1;
                    }
                }
                None => {
                    self.seen.insert(finding.fingerprint.0.clone(), report.findings.len());
                    report.findings.push(HistoryFinding { finding, commit: job.commit.clone(), commits: 1 });
                }
            }
        }
    }
}

impl Blobs {
    /// Remembers that blob `id` was read, and its secrets (configuration values never count).
    fn record(&mut self, id: &str, scanned: Scanned) {
        let k = blob_key(id);
        self.read.insert(k);
        let Some(outcome) = scanned.outcome else { return };
        let mut secrets: Vec<Finding> = outcome.findings.into_iter().filter(|f| f.kind == Kind::Secret).collect();
        if !secrets.is_empty() {
            secrets.sort_by_key(|f| (f.line, f.column));
            self.secrets.insert(k, Arc::new(secrets));
        }
    }
}

/// Streams `blobs` (id, the path to scan it as) from one `git cat-file --batch` on a thread of
/// its own while the pool scans what has arrived; returns each blob's scan by index (`outcome`
/// `None`: over the size limit, not read — git is asked for sizes first, so it never inflates
/// those). Newest blobs are asked for first: git stores older versions as deltas of newer ones,
/// so its delta cache serves them.
fn read_and_scan(
    git: &Git,
    scanner: &Scanner,
    blobs: &[(&str, &Path)],
    max: u64,
) -> anyhow::Result<Vec<(usize, Scanned)>> {
    if blobs.is_empty() {
        return Ok(Vec::new());
    }
    let sizes = git.blob_sizes(&blobs.iter().map(|b| b.0).collect::<Vec<_>>())?;
    let mut results: Vec<(usize, Scanned)> = Vec::with_capacity(blobs.len());
    // Indices into `blobs` to read, newest first.
    let mut wanted: Vec<usize> = Vec::with_capacity(blobs.len());
    for i in (0..blobs.len()).rev() {
        if sizes[i] > max {
            results.push((i, Scanned { len: 0, outcome: None }));
        } else {
            wanted.push(i);
        }
    }
    let ids: Vec<&str> = wanted.iter().map(|&i| blobs[i].0).collect();
    let (tx, rx) = sync_channel::<(usize, Vec<u8>)>(READ_AHEAD);
    std::thread::scope(|s| {
        let wanted = &wanted;
        let cat = s.spawn(move || {
            git.cat_blobs(&ids, |i, size, body| {
                let mut bytes = Vec::with_capacity(size as usize);
                body.read_to_end(&mut bytes)?;
                // The scanner stopped (a panic): nothing more to read for.
                tx.send((wanted[i], bytes)).map_err(|_| std::io::Error::other("history scanner stopped"))?;
                Ok(())
            })
        });
        let scanned = rx
            .into_iter()
            .par_bridge()
            .map(|(i, bytes)| (i, Scanned { len: bytes.len(), outcome: Some(scanner.scan_bytes(blobs[i].1, &bytes)) }));
        results.par_extend(scanned);
        cat.join().unwrap_or_else(|_| Err(std::io::Error::other("the blob reader panicked").into()))?;
        Ok(results)
    })
}

/// Runs `hoist scan --history` (also `--all`, `--since`).
pub fn run(args: &ScanArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let (base, gone) = locate(&args.path)?;
    // A file is scanned alone, like `hoist scan FILE`: its history, reported by name.
    let is_file = args.path.is_file();
    let git = Git::new(&base);
    let (top, head) = git.toplevel_and_head()?;
    // The scanned directory, which history may hold even when the work tree no longer does.
    let dir = base.join(&gone);
    let in_repo = match dir_in_repo(&base, &top) {
        Some(d) => Some(d.join(&gone)),
        None => (!gone.as_os_str().is_empty()).then(|| gone.clone()),
    };
    let human = args.format == FormatArg::Human;
    if head.is_none() {
        writeln!(ui.notes(human), "hoist: no commits yet; no history to scan")?;
        write_empty(args, ui)?;
        return Ok(EXIT_CLEAN);
    }
    let cfg = RepoConfig::load(&top)?;
    let (fp, _) = crate::salt::repo_fingerprinter(&top)?;
    let mut scanner = Scanner::new(super::load_rules(&cfg, &args.rule_files)?, fp.clone());
    scanner.context = !args.rules_only;
    scanner.include_generated = args.include_generated;
    let selector = Selector::new(&cfg, args.include_vendored, &args.exclude)?;
    let max = args.max_file_size.or(cfg.scan.max_file_size).unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE);
    // Like a tree scan of `dir` (of a file's directory): its baseline, its paths.
    let baseline = super::baseline::for_scan(if is_file { &base } else { &dir }, args)?;
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
    let range = HistoryRange::from_args(args, in_repo);
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
            let mut opts = super::sarif::options_for(&top, args, "history");
            // URIs from the repository root: the scanned directory (a file's directory) before the path.
            let prefix_dir = match range.dir.as_deref() {
                Some(d) if is_file || report.file => d.parent(),
                d => d,
            };
            opts.uri_prefix = prefix_dir
                .filter(|d| !d.as_os_str().is_empty())
                .map(|d| format!("{}/", crate::scan::slash_path(d)))
                .unwrap_or_default();
            report::write_sarif_history(ui.out, &report.findings, scanner.rules().rules(), &opts)?
        }
    }
    let note = ui.notes(human);
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

/// Where to run git for `path`, and the part of `path` below it: the nearest existing directory
/// at or above it, and the rest (a file's name; what the work tree no longer has; else empty).
fn locate(path: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    if path.is_file() {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        return Ok((dir.to_path_buf(), path.file_name().map(PathBuf::from).unwrap_or_default()));
    }
    if path.exists() {
        return Ok((super::root_of(path)?, PathBuf::new()));
    }
    let base = path.ancestors().skip(1).find(|a| a.as_os_str().is_empty() || a.is_dir());
    let rest = base.and_then(|b| path.strip_prefix(b).ok());
    match (base, rest) {
        (Some(base), Some(rest)) if rest.components().all(|c| matches!(c, std::path::Component::Normal(_))) => {
            let base = if base.as_os_str().is_empty() { PathBuf::from(".") } else { base.to_path_buf() };
            Ok((base, rest.to_path_buf()))
        }
        _ => anyhow::bail!("cannot open {}: no such file or directory in the work tree", path.display()),
    }
}

/// `dir`'s place inside the work tree `top` (`None` when it is the top).
fn dir_in_repo(dir: &Path, top: &Path) -> Option<PathBuf> {
    let (dir, top) = (dir.canonicalize().ok()?, top.canonicalize().ok()?);
    dir.strip_prefix(&top).ok().filter(|rel| !rel.as_os_str().is_empty()).map(Path::to_path_buf)
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
