//! The parallel, gitignore-aware tree walk: which files to read, reading them with a size cap, and
//! collecting per-file outcomes into one report without ever stopping at a bad file.

use super::{ScanReport, Scanner, SkipReason, skip};
use ignore::{WalkBuilder, WalkState, overrides::OverrideBuilder};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How to walk a tree.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Files larger than this are skipped.
    pub max_file_size: u64,
    /// Also scan vendored directories, lockfiles and minified files.
    pub include_vendored: bool,
    /// Gitignore-style globs to exclude.
    pub exclude: Vec<String>,
    /// Don't respect `.gitignore` and friends.
    pub no_ignore: bool,
    /// Worker threads (0 = one per core).
    pub threads: usize,
}

impl Default for WalkOptions {
    fn default() -> Self {
        Self {
            max_file_size: super::DEFAULT_MAX_FILE_SIZE,
            include_vendored: false,
            exclude: Vec::new(),
            no_ignore: false,
            threads: 0,
        }
    }
}

pub(super) fn scan_tree(
    scanner: &Scanner,
    root: &Path,
    opts: &WalkOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> ScanReport {
    let report = Mutex::new(ScanReport::default());
    let count = AtomicUsize::new(0);
    let mut builder = WalkBuilder::new(root);
    builder
        .hidden(false)
        .git_ignore(!opts.no_ignore)
        .git_exclude(!opts.no_ignore)
        .git_global(!opts.no_ignore)
        .ignore(!opts.no_ignore)
        .parents(!opts.no_ignore)
        .require_git(false)
        .threads(opts.threads);
    if !opts.exclude.is_empty() {
        let mut ob = OverrideBuilder::new(root);
        for g in &opts.exclude {
            if let Err(e) = ob.add(&format!("!{g}")) {
                report.lock().unwrap().errors.push((g.into(), format!("bad exclude glob: {e}")));
            }
        }
        if let Ok(o) = ob.build() {
            builder.overrides(o);
        }
    }
    let include_vendored = opts.include_vendored;
    let vendored = Arc::new(AtomicUsize::new(0));
    let vendored_ref = Arc::clone(&vendored);
    builder.filter_entry(move |e| {
        if e.depth() == 0 || !e.file_type().is_some_and(|t| t.is_dir()) {
            return true;
        }
        let name = e.file_name().to_string_lossy();
        if name == ".git" {
            return false;
        }
        if !include_vendored && skip::is_vendored_dir(&name) {
            vendored_ref.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        true
    });
    // Benchmarks only: `HOIST_BENCH_TIMINGS=FILE` records each file's scan time (µs, bytes, path).
    let timings = std::env::var_os("HOIST_BENCH_TIMINGS")
        .and_then(|p| std::fs::File::create(p).ok())
        .map(|f| Mutex::new(std::io::BufWriter::new(f)));
    builder.build_parallel().run(|| {
        let report = &report;
        let count = &count;
        let timings = timings.as_ref();
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let path = err_path(&err).unwrap_or_default();
                    report.lock().unwrap().errors.push((path.into(), err.to_string()));
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
            let n = count.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(64) {
                progress(n);
            }
            if !include_vendored && let Some(reason) = skip::by_name(&rel) {
                *report.lock().unwrap().skipped.entry(reason).or_default() += 1;
                return WalkState::Continue;
            }
            match read_capped(entry.path(), opts.max_file_size) {
                Ok(None) => *report.lock().unwrap().skipped.entry(SkipReason::TooLarge).or_default() += 1,
                Ok(Some(bytes)) => {
                    let started = timings.as_ref().map(|_| std::time::Instant::now());
                    let outcome = scanner.scan_bytes(&rel, &bytes);
                    if let (Some(t), Some(s)) = (timings, started) {
                        let line = format!("{}\t{}\t{}\n", s.elapsed().as_micros(), bytes.len(), rel.display());
                        let _ = t.lock().unwrap().write_all(line.as_bytes());
                    }
                    let mut r = report.lock().unwrap();
                    match outcome.skipped {
                        Some(reason) => *r.skipped.entry(reason).or_default() += 1,
                        None => {
                            r.note_limits(&rel, &outcome.limits);
                            r.files_scanned += 1;
                            r.bytes_scanned += bytes.len() as u64;
                            r.non_utf8 += outcome.non_utf8 as usize;
                            r.allowed += outcome.allowed;
                            r.findings.extend(outcome.findings);
                        }
                    }
                }
                Err(e) => report.lock().unwrap().errors.push((rel, e.to_string())),
            }
            WalkState::Continue
        })
    });
    if let Some(t) = timings {
        let _ = t.into_inner().unwrap().flush();
    }
    let mut report = report.into_inner().unwrap();
    let v = vendored.load(Ordering::Relaxed);
    if v > 0 {
        report.skipped.insert(SkipReason::Vendored, v);
    }
    report.findings.sort_by(|a, b| (&a.path, a.span.start).cmp(&(&b.path, b.span.start)));
    report.errors.sort();
    report.limited.values_mut().for_each(|v| v.sort());
    report
}

/// Reads a file unless it is larger than `max` (checked on the open handle). The read stops at
/// the length the handle gave, so a file that grows mid-scan can't blow memory (its first bytes
/// are read), and the read ends without the probe for more that an open-ended read makes: one
/// system call per file fewer.
fn read_capped(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > max {
        return Ok(None);
    }
    let mut buf = Vec::with_capacity(len as usize);
    file.take(len).read_to_end(&mut buf)?;
    Ok(Some(buf))
}

fn err_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.display().to_string()),
        ignore::Error::WithDepth { err, .. } => err_path(err),
        _ => None,
    }
}
