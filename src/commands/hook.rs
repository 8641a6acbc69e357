//! `hoist hook install|uninstall`, and `hoist scan --staged`: the check the hook runs. It asks git
//! for the staged changes (one diff that carries every text file's staged content; `cat-file
//! --batch` only for binary files; no tree walk), scans each staged file's index content, and
//! reports only secrets on the lines the commit adds. git's diff is most of a small commit's time,
//! so it starts first and runs while hoist finds the repository, its config, key and rules.

use crate::cli::{FormatArg, HookCommand, ScanArgs};
use crate::config::RepoConfig;
use crate::hook::diff::{MODE_GITLINK, MODE_SYMLINK};
use crate::hook::git::is_within;
use crate::hook::install::{self, Installed, Uninstalled};
use crate::hook::{Git, NewLines, StagedFile};
use crate::model::{Finding, Fingerprinter, Kind, Severity};
use crate::report;
use crate::scan::{FileOutcome, ScanReport, Scanner, SkipReason, skip};
use crate::{EXIT_CLEAN, EXIT_FINDINGS, Ui};
use anyhow::Context;
use rayon::prelude::*;
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;

/// Runs `hoist hook`.
pub fn run(cmd: &HookCommand, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    match cmd {
        HookCommand::Install { path, force } => install_hook(path, *force, ui),
        HookCommand::Uninstall { path } => uninstall_hook(path, ui),
    }
}

fn install_hook(path: &Path, force: bool, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let paths = Git::new(path).repo_paths()?;
    if !force && !is_within(&paths.hooks, &paths.toplevel) && !is_within(&paths.hooks, &paths.common_dir) {
        anyhow::bail!(
            "core.hooksPath points to {}, outside this repository: a hook there runs for every repository \
             that shares it. Re-run with --force to install there anyway",
            paths.hooks.display()
        );
    }
    let exe = std::env::current_exe().context("cannot tell where the hoist binary is")?;
    let exe = std::fs::canonicalize(&exe).unwrap_or(exe);
    let hook = paths.hooks.join(install::HOOK_NAME);
    let chained = paths.hooks.join(install::CHAINED_NAME);
    match install::install(&paths.hooks, &exe)? {
        Installed::Fresh => writeln!(ui.notes(true), "installed {}", hook.display())?,
        Installed::Chained => writeln!(
            ui.notes(true),
            "installed {}; the hook that was there is now {} and runs first",
            hook.display(),
            chained.display()
        )?,
        Installed::Updated => writeln!(ui.notes(true), "updated {} (hoist is now {})", hook.display(), exe.display())?,
        Installed::Unchanged => writeln!(ui.notes(true), "already installed: {}", hook.display())?,
    }
    Ok(EXIT_CLEAN)
}

fn uninstall_hook(path: &Path, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let paths = Git::new(path).repo_paths()?;
    let hook = paths.hooks.join(install::HOOK_NAME);
    match install::uninstall(&paths.hooks)? {
        Uninstalled::Removed => writeln!(ui.notes(true), "removed {}", hook.display())?,
        Uninstalled::Restored => {
            writeln!(ui.notes(true), "removed hoist's hook; the previous hook is back at {}", hook.display())?
        }
        Uninstalled::NotInstalled => {
            writeln!(ui.notes(true), "no hoist hook in {}; nothing changed", paths.hooks.display())?
        }
    }
    Ok(EXIT_CLEAN)
}

/// Counts that only the staged (and history) scan has.
#[derive(Default)]
pub(super) struct StagedCounts {
    pub(super) staged: usize,
    pub(super) submodules: usize,
    pub(super) symlinks: usize,
    pub(super) excluded: usize,
    pub(super) old_lines: usize,
    pub(super) whole_files: usize,
}

/// Runs `hoist scan --staged`.
pub fn scan_staged(args: &ScanArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    crate::hook::times::mark("arguments parsed");
    let dir = super::root_of(&args.path)?;
    let git = Git::new(&dir);
    let mut report = ScanReport::default();
    let (top, cfg, mut files, scanner) = std::thread::scope(|s| -> anyhow::Result<_> {
        // git's diff first: it is most of a small commit's time. Meanwhile the top of the work
        // tree (found by walking up when git certainly agrees, else git's own `rev-parse`), and
        // the config and rules of the repository found by walking up to `.git`; built again in
        // the rare case git's top differs (GIT_WORK_TREE, a `.git` git doesn't use).
        let diff = s.spawn(|| crate::hook::staged_files(&git));
        // A linked worktree or submodule (a `.git` file, or GIT_DIR as git sets it for a
        // worktree's hooks): the in-process reader's discovery knows its top as surely.
        let plain = git.plain_toplevel().or_else(|| crate::hook::repo::Repo::discover(&dir).map(|r| r.top));
        let toplevel = plain.is_none().then(|| s.spawn(|| git.toplevel_and_head()));
        let guess = plain.clone().unwrap_or_else(|| crate::config::repo_root(&dir));
        // A provisional key: the repository's (`.hoist/salt`, else derived from the root commit
        // by two more git processes that walk the history) is only needed when something is
        // found or a baseline is applied, so a clean commit never asks for it.
        let setup = |top: &Path| -> anyhow::Result<(RepoConfig, Scanner)> {
            let cfg = RepoConfig::load(top)?;
            let rules = super::load_rules(&cfg, &args.rule_files)?;
            let mut scanner = Scanner::new(rules, Fingerprinter::new(Vec::new()));
            scanner.context = !args.rules_only;
            scanner.include_generated = args.include_generated;
            Ok((cfg, scanner))
        };
        let guessed = setup(&guess);
        crate::hook::times::mark("rules built");
        let panicked = || std::io::Error::other("a git reader panicked");
        // rev-parse's error first: outside a repository `git diff --cached` only says "unknown
        // option", rev-parse says "not a git repository".
        let top = match toplevel {
            Some(t) => t.join().unwrap_or_else(|_| Err(crate::hook::GitError::Io(panicked())))?.0,
            None => guess.clone(),
        };
        let same = |a: &Path, b: &Path| a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok() == Some(a));
        let (cfg, scanner) = if same(&top, &guess) { guessed? } else { setup(&top)? };
        let files = match diff.join().unwrap_or_else(|_| Err(crate::hook::GitError::Io(panicked()))) {
            Ok(files) => files,
            Err(e) if plain.is_some() => {
                git.toplevel_and_head()?;
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        crate::hook::times::mark("git diff read");
        Ok((top, cfg, files, scanner))
    })?;
    let key = std::cell::OnceCell::new();
    let fp = || -> anyhow::Result<&Fingerprinter> {
        match key.get_or_init(|| crate::salt::repo_fingerprinter(&top).map(|(fp, _)| fp)) {
            Ok(fp) => Ok(fp),
            Err(e) => Err(anyhow::anyhow!("{e:#}")),
        }
    };
    let max = args.max_file_size.or(cfg.scan.max_file_size).unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE);
    // A commit that adds many files: their bytes from the work tree where they are the staged ones.
    crate::hook::staged::fill_from_worktree(&top, &mut files, max);
    let mut counts = StagedCounts { staged: files.len(), ..Default::default() };
    let selected = select(&files, &cfg, args, &mut report, &mut counts)?;
    if !selected.is_empty() {
        scan_blobs(&git, &scanner, &selected, max, &fp, &mut report, &mut counts)?;
    }
    crate::hook::times::mark("scanned");
    // The process ends soon: freeing the rule set's automata and regexes one by one is wasted time.
    std::mem::forget(scanner);
    report.findings.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    if let Some(min) = args.min_severity.map(Severity::from) {
        report.findings.retain(|f| f.severity >= min);
    }
    let human = args.format == FormatArg::Human;
    {
        let note = ui.notes(human);
        if let Some((path, baseline)) = super::baseline::for_scan(&top, args)? {
            super::baseline::apply(&path, &baseline, fp()?, &mut report.findings, note)?;
        }
    }
    match args.format {
        FormatArg::Human => report::write_human(ui.out, &report.findings, ui.color)?,
        FormatArg::Json => report::write_json(ui.out, &report.findings)?,
        FormatArg::Markdown => report::write_markdown(ui.out, &report)?,
        FormatArg::Sarif => {
            let rules = super::load_rules(&cfg, &args.rule_files)?;
            let opts = super::sarif::options_for(&top, args, "staged");
            report::write_sarif_with(ui.out, &report.findings, rules.rules(), &opts)?
        }
    }
    write_staged_summary(ui.notes(human), &report, &counts)?;
    if ui.quiet {
        // The summary that lists them is hidden.
        report::write_errors(ui.errors, &report)?;
    }
    if report.findings.is_empty() {
        if report.incomplete() {
            // A clean exit must mean every staged file was read by every detector it needs; a
            // failure, so on the errors channel (kept by -q) with the files.
            let mut partial: Vec<String> = report
                .limited
                .iter()
                .filter(|(l, _)| l.incomplete())
                .flat_map(|(_, paths)| paths.iter().map(|p| p.display().to_string()))
                .collect();
            partial.extend(report.errors.iter().map(|(p, _)| p.display().to_string()));
            if let Some(n) = report.skipped.get(&crate::scan::SkipReason::TooLarge) {
                partial.push(format!("{n} file(s) over the size limit"));
            }
            writeln!(
                ui.errors,
                "hoist: some staged files could not be scanned in full ({}): not vouching for this commit",
                partial.join(", ")
            )?;
            return Ok(crate::EXIT_ERROR);
        }
        return Ok(EXIT_CLEAN);
    }
    write_block_advice(ui.notes(human), report.findings.len())?;
    Ok(EXIT_FINDINGS)
}

/// The staged files worth reading: not submodules or symlinks, not excluded by config, not
/// lockfiles/minified/binary by name (unless vendored files are included).
fn select<'a>(
    files: &'a [StagedFile],
    cfg: &RepoConfig,
    args: &ScanArgs,
    report: &mut ScanReport,
    counts: &mut StagedCounts,
) -> anyhow::Result<Vec<&'a StagedFile>> {
    let selector = Selector::new(cfg, args.include_vendored, &args.exclude)?;
    Ok(files.iter().filter(|f| selector.keep(f, report, counts)).collect())
}

/// Decides which changed files are worth reading (built once, asked per file: the history scan
/// asks it for every file of every commit).
pub(super) struct Selector {
    include_vendored: bool,
    excludes: Option<ignore::overrides::Override>,
}

impl Selector {
    /// From the repository config and the scan's `--include-vendored` and `--exclude` flags.
    pub(super) fn new(cfg: &RepoConfig, include_vendored: bool, exclude: &[String]) -> anyhow::Result<Self> {
        let include_vendored = include_vendored || cfg.scan.include_vendored;
        let globs: Vec<&String> = cfg.scan.exclude.iter().chain(exclude).collect();
        let excludes = if globs.is_empty() {
            None
        } else {
            // The same gitignore-style semantics the tree walk gives `--exclude`.
            let mut b = ignore::overrides::OverrideBuilder::new("/");
            for g in globs {
                b.add(&format!("!{g}")).with_context(|| format!("bad exclude glob {g:?}"))?;
            }
            Some(b.build()?)
        };
        Ok(Self { include_vendored, excludes })
    }

    /// True when `f` should be read; otherwise counts why not.
    pub(super) fn keep(&self, f: &StagedFile, report: &mut ScanReport, counts: &mut StagedCounts) -> bool {
        if f.mode == MODE_GITLINK {
            counts.submodules += 1;
            return false;
        }
        if f.mode == MODE_SYMLINK {
            counts.symlinks += 1;
            return false;
        }
        self.keep_path(&f.path, report, counts)
    }

    /// True when the file at `path` (relative to the repository root) should be read: not
    /// excluded, not vendored, not a lockfile or minified by name; otherwise counts why not.
    pub(super) fn keep_path(&self, path: &Path, report: &mut ScanReport, counts: &mut StagedCounts) -> bool {
        if let Some(ex) = &self.excludes
            && ex.matched(Path::new("/").join(path), false).is_ignore()
        {
            counts.excluded += 1;
            return false;
        }
        if !self.include_vendored {
            let vendored = path
                .parent()
                .is_some_and(|p| p.components().any(|c| skip::is_vendored_dir(&c.as_os_str().to_string_lossy())));
            if vendored {
                *report.skipped.entry(SkipReason::Vendored).or_default() += 1;
                return false;
            }
            if let Some(reason) = skip::by_name(path) {
                *report.skipped.entry(reason).or_default() += 1;
                return false;
            }
        }
        true
    }
}

/// Files read but not yet scanned, scanned together (in parallel) once they add up.
struct Batch<'a> {
    items: Vec<(usize, Cow<'a, [u8]>)>,
    bytes: usize,
}

const BATCH_BYTES: usize = 32 << 20;

/// From this many bytes in a batch on, its files are scanned in parallel.
const PARALLEL_BYTES: usize = 256 << 10;

/// The repository's fingerprint key, asked for only when a finding needs it.
type Key<'k> = dyn Fn() -> anyhow::Result<&'k Fingerprinter> + 'k;

fn scan_blobs<'a, 'k>(
    git: &Git,
    scanner: &Scanner,
    selected: &[&'a StagedFile],
    max: u64,
    key: &Key<'k>,
    report: &mut ScanReport,
    counts: &mut StagedCounts,
) -> anyhow::Result<()> {
    let mut batch = Batch { items: Vec::new(), bytes: 0 };
    let add = |batch: &mut Batch<'a>,
               i: usize,
               bytes: Cow<'a, [u8]>,
               report: &mut ScanReport,
               counts: &mut StagedCounts|
     -> anyhow::Result<()> {
        batch.bytes += bytes.len();
        batch.items.push((i, bytes));
        if batch.bytes >= BATCH_BYTES {
            flush(scanner, selected, batch, key, report, counts)?;
        }
        Ok(())
    };
    // Text files came whole with the diff; the rest (binary, a rename or mode change alone) are
    // read from the object store.
    let mut unread: Vec<usize> = Vec::new();
    for (i, f) in selected.iter().enumerate() {
        match &f.content {
            Some(c) if c.0.len() as u64 > max => *report.skipped.entry(SkipReason::TooLarge).or_default() += 1,
            Some(c) => add(&mut batch, i, Cow::Borrowed(&c.0), report, counts)?,
            None => unread.push(i),
        }
    }
    let ids: Vec<&str> = unread.iter().map(|&i| selected[i].blob.as_str()).collect();
    let mut failed = None;
    git.cat_blobs(&ids, |k, size, body| {
        if size > max {
            *report.skipped.entry(SkipReason::TooLarge).or_default() += 1;
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(size as usize);
        body.read_to_end(&mut bytes)?;
        if let Err(e) = add(&mut batch, unread[k], Cow::Owned(bytes), report, counts) {
            failed.get_or_insert(e);
        }
        Ok(())
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    flush(scanner, selected, &mut batch, key, report, counts)
}

fn flush<'k>(
    scanner: &Scanner,
    selected: &[&StagedFile],
    batch: &mut Batch<'_>,
    key: &Key<'k>,
    report: &mut ScanReport,
    counts: &mut StagedCounts,
) -> anyhow::Result<()> {
    let scan_one = |(i, bytes): &(usize, Cow<'_, [u8]>)| {
        let file = selected[*i];
        let outcome = scanner.scan_bytes(&file.path, bytes);
        (file, keep_new(outcome, bytes, &file.lines))
    };
    // A small commit is scanned on this thread and one more: starting a pool's threads would cost
    // more than the files. Compiling the rules' regexes is then most of its cost: compiled quick,
    // in half the time, two at once (`prepare_for`); a large one builds the keyword DFA first.
    scanner.rules().prepare_for(batch.bytes);
    let results: Vec<_> = if batch.items.len() > 1 && batch.bytes >= PARALLEL_BYTES {
        batch.items.par_iter().map(scan_one).collect()
    } else if batch.items.len() > 1 {
        crate::hook::pair::map_on_two_threads(&batch.items, |(_, bytes)| bytes.len(), scan_one)
    } else {
        batch.items.iter().map(scan_one).collect()
    };
    for ((_, bytes), (file, (mut outcome, old))) in batch.items.iter().zip(results) {
        if let Some(reason) = outcome.skipped {
            *report.skipped.entry(reason).or_default() += 1;
            continue;
        }
        report.note_limits(&file.path, &outcome.limits);
        if file.git_binary {
            counts.whole_files += 1;
        }
        report.files_scanned += 1;
        report.bytes_scanned += bytes.len() as u64;
        report.non_utf8 += outcome.non_utf8 as usize;
        report.allowed += outcome.allowed;
        counts.old_lines += old;
        if !outcome.findings.is_empty() {
            let fp = key()?;
            for f in &mut outcome.findings {
                refingerprint(f, bytes, fp);
            }
        }
        report.findings.extend(outcome.findings);
    }
    batch.items.clear();
    batch.bytes = 0;
    Ok(())
}

/// A finding's fingerprints under `fp`, for one scanned with the provisional key: the value's,
/// and the raw span's when it spells the value differently (as `Scanner::scan_bytes` makes them).
fn refingerprint(f: &mut Finding, bytes: &[u8], fp: &Fingerprinter) {
    f.fingerprint = fp.fingerprint(f.value.expose());
    if f.raw_fingerprint.is_some() {
        let raw = std::str::from_utf8(bytes.get(f.span.start..f.span.end).unwrap_or_default()).ok();
        f.raw_fingerprint = raw.map(|r| fp.fingerprint(r));
    }
}

/// Keeps the secrets that touch a new line; returns the outcome and how many findings sat on
/// lines the commit doesn't change. Config values (hosts, ports) never block a commit.
pub(super) fn keep_new(mut outcome: FileOutcome, bytes: &[u8], lines: &NewLines) -> (FileOutcome, usize) {
    outcome.findings.retain(|f| f.kind == Kind::Secret);
    let before = outcome.findings.len();
    outcome.findings.retain(|f| {
        let (first, last) = line_range(f, bytes);
        lines.touches(first, last)
    });
    let old = before - outcome.findings.len();
    (outcome, old)
}

/// First and last line a finding's value covers (a private key spans many).
fn line_range(f: &Finding, bytes: &[u8]) -> (usize, usize) {
    let start = f.span.start.min(bytes.len());
    let end = f.span.end.saturating_sub(1).clamp(start, bytes.len());
    (f.line, f.line + memchr::memchr_iter(b'\n', &bytes[start..end]).count())
}

fn write_staged_summary(out: &mut dyn Write, report: &ScanReport, counts: &StagedCounts) -> std::io::Result<()> {
    if counts.staged == 0 {
        return writeln!(out, "hoist: nothing staged to scan");
    }
    report::write_summary(out, report)?;
    let mut notes = Vec::new();
    if counts.old_lines > 0 {
        notes.push(format!("{} finding(s) on lines this commit doesn't change", counts.old_lines));
    }
    if counts.submodules > 0 {
        notes.push(format!("{} submodule(s) not scanned", counts.submodules));
    }
    if counts.symlinks > 0 {
        notes.push(format!("{} symlink(s) not scanned", counts.symlinks));
    }
    if counts.excluded > 0 {
        notes.push(format!("{} file(s) excluded by config or --exclude", counts.excluded));
    }
    if counts.whole_files > 0 {
        notes.push(format!("{} file(s) git diffs as binary scanned whole", counts.whole_files));
    }
    if !notes.is_empty() {
        writeln!(out, "staged: {}", notes.join("; "))?;
    }
    Ok(())
}

fn write_block_advice(out: &mut dyn Write, n: usize) -> std::io::Result<()> {
    writeln!(
        out,
        "\nhoist: the staged changes add {n} hardcoded secret(s); the commit is blocked.\n\
         \x20 fix:       hoist migrate              move them to AWS Secrets Manager and reference them instead\n\
         \x20 allow one: add a `hoist:allow` comment on its line (a false positive or a test value)\n\
         \x20 accept:    hoist baseline             record today's findings as known (commit .hoist/baseline.json\n\
         \x20                                       and .hoist/salt); only new secrets block after that\n\
         \x20 bypass:    git commit --no-verify     skips every hook for this one commit"
    )
}
