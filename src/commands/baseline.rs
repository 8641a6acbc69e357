//! `hoist baseline`: record the current findings as accepted (or, with `--update`, drop the ones
//! that are gone), and the baseline filter that `hoist scan` and the hook apply.

use crate::Ui;
use crate::cli::{BaselineArgs, ScanArgs};
use crate::hook::{BASELINE_FILE, Baseline};
use crate::model::{Finding, Fingerprinter};
use crate::scan::WalkOptions;
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs `hoist baseline`.
pub fn run(args: &BaselineArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let root = &args.path;
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory; give the repository root", root.display());
    }
    let out = args.out.clone().unwrap_or_else(|| root.join(BASELINE_FILE));
    let existing = if args.update {
        let b = Baseline::load(&out)?.with_context(|| {
            format!("--update needs an existing baseline at {}; run `hoist baseline` first", out.display())
        })?;
        Some(b)
    } else {
        None
    };
    let had_salt = crate::salt::salt_path(root).exists();
    let fp = crate::salt::ensure_repo_salt(root)?;
    if let Some(b) = &existing {
        b.check_key(&fp, &out)?;
    }
    let (scanner, cfg) = super::scanner_for(root, &args.rule_files, Some(fp.clone()))?;
    let opts = WalkOptions {
        max_file_size: cfg.scan.max_file_size.unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE),
        include_vendored: cfg.scan.include_vendored,
        exclude: cfg.scan.exclude.clone(),
        ..WalkOptions::default()
    };
    let bar = super::scan::progress_bar(ui.interactive);
    let report = scanner.scan_tree(root, &opts, &|n| bar.set_message(format!("{n} files")));
    bar.finish_and_clear();
    for (path, err) in &report.errors {
        writeln!(ui.errors, "hoist: warning: {}: {err}", path.display())?;
    }
    let (baseline, pruned) = match existing {
        Some(mut b) => {
            let pruned = b.prune(&report.findings);
            (b, pruned)
        }
        None => (Baseline::from_findings(&report.findings, &fp), 0),
    };
    crate::paths::check_hoist_file(&out)?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_atomic(&out, &baseline.render())?;
    let verb = if args.update { "updated" } else { "wrote" };
    let note = ui.notes(true);
    write!(note, "{verb} {} with {} accepted finding(s)", out.display(), baseline.entries.len())?;
    if args.update {
        write!(note, " ({pruned} no longer found, removed)")?;
    }
    writeln!(note, "; scanned {} file(s)", report.files_scanned)?;
    if !had_salt {
        writeln!(
            note,
            "created {}: the key the baseline's fingerprints are made with. Commit it with the baseline: \
             CI and other clones need the same key to recognise accepted findings.",
            crate::salt::SALT_FILE
        )?;
    }
    Ok(crate::EXIT_CLEAN)
}

/// The baseline a scan should apply: `--baseline FILE`, else `.hoist/baseline.json` under `root`
/// when it exists; none with `--no-baseline`. An explicit file that is missing is an error.
pub fn for_scan(root: &Path, args: &ScanArgs) -> anyhow::Result<Option<(PathBuf, Baseline)>> {
    if args.no_baseline {
        return Ok(None);
    }
    let (path, explicit) = match &args.baseline {
        Some(p) => (p.clone(), true),
        None => (root.join(BASELINE_FILE), false),
    };
    match Baseline::load(&path)? {
        Some(b) => Ok(Some((path, b))),
        None if explicit => anyhow::bail!("baseline {} does not exist", path.display()),
        None => Ok(None),
    }
}

/// Leaves baselined findings out of a scan's results and says how many on `note`.
/// Returns how many were left out.
pub fn filter(
    root: &Path,
    args: &ScanArgs,
    fp: &Fingerprinter,
    findings: &mut Vec<Finding>,
    note: &mut dyn Write,
) -> anyhow::Result<usize> {
    let Some((path, baseline)) = for_scan(root, args)? else { return Ok(0) };
    apply(&path, &baseline, fp, findings, note)
}

/// [`filter`] with the baseline already loaded (from `path`): the pre-commit hook loads it first
/// to know whether it needs the repository's key at all.
pub fn apply(
    path: &Path,
    baseline: &Baseline,
    fp: &Fingerprinter,
    findings: &mut Vec<Finding>,
    note: &mut dyn Write,
) -> anyhow::Result<usize> {
    baseline.check_key(fp, path)?;
    let n = baseline.filter(findings);
    if n > 0 {
        writeln!(note, "{n} finding(s) accepted in {} not shown (--no-baseline shows them)", path.display())?;
    }
    Ok(n)
}

fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        // A file meant to be committed: the usual mode, not the temp file's private 0600.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
