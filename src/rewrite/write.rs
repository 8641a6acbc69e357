//! Writing rewritten files safely: each file goes to a temporary file in its own directory and is
//! renamed over the old one, so a crash leaves every file whole (old or new), never half-written.
//! Permissions of an existing file are kept; new files get 0644.

use std::io::{self, Write};
use std::path::Path;

/// Test hook: abort the process after this many files were written, to prove that an interrupted
/// apply leaves every file old or new and that a re-run finishes the job.
pub const ABORT_AFTER_ENV: &str = "HOIST_TEST_ABORT_AFTER_WRITES";

/// Writes `bytes` to `path` atomically (temp file in the same directory, fsync, rename). A path
/// in a `.hoist` that is a symlink (or a symlink itself there) is refused.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    crate::paths::check_hoist_file(path).map_err(|e| io::Error::new(io::ErrorKind::PermissionDenied, e))?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".hoist-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    match std::fs::metadata(path) {
        Ok(meta) => std::fs::set_permissions(tmp.path(), meta.permissions())?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => set_new_file_mode(tmp.path())?,
        Err(e) => return Err(e),
    }
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn set_new_file_mode(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_new_file_mode(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// Called after each file written: aborts when the test hook says so. Debug and test builds only:
/// a release build never reads the variable.
#[cfg(debug_assertions)]
pub fn maybe_abort(written: usize) {
    if let Some(n) = std::env::var(ABORT_AFTER_ENV).ok().and_then(|v| v.parse::<usize>().ok())
        && written >= n
    {
        std::process::abort();
    }
}

/// Release builds: no test hook.
#[cfg(not(debug_assertions))]
pub fn maybe_abort(_written: usize) {}

/// True for a name [`write_atomic`] gives its temp files: `.hoist-` + 6 random characters + `.tmp`.
pub fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(".hoist-")
        .and_then(|r| r.strip_suffix(".tmp"))
        .is_some_and(|mid| mid.len() == 6 && mid.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Removes temp files an interrupted write left anywhere in the repository (they can hold the new
/// text of a file, values not yet migrated included). Only safe while holding the repository lock.
/// Returns the removed paths, relative to `root`.
pub fn clean_orphans(root: &Path) -> Vec<std::path::PathBuf> {
    let mut removed = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .filter_entry(|e| !matches!(e.file_name().to_str(), Some(".git" | "node_modules" | "target")))
        .build();
    for e in walker.flatten() {
        let is_file = e.file_type().is_some_and(|t| t.is_file());
        if is_file && e.file_name().to_str().is_some_and(is_temp_name) && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf());
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn keeps_permissions_and_leaves_no_temp_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("run.sh");
        std::fs::write(&p, "old").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o750)).unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o750);
        let fresh = dir.path().join("sub/helper.py");
        write_atomic(&fresh, b"x").unwrap();
        assert_eq!(std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777, 0o644);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn orphan_temp_files_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("app/.hoist")).unwrap();
        for f in ["app/.hoist-Ab12Cd.tmp", ".hoist-zzzzzz.tmp", "app/.hoist-keep.tmp", "app/x.tmp", "app/a.py"] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let removed = clean_orphans(root);
        assert_eq!(removed, vec![std::path::PathBuf::from(".hoist-zzzzzz.tmp"), "app/.hoist-Ab12Cd.tmp".into()]);
        assert!(root.join("app/.hoist-keep.tmp").exists() && root.join("app/a.py").exists());
    }
}
