//! Writing rewritten files safely: each file goes to a temporary file in its own directory and is
//! renamed over the old one, so a crash leaves every file whole (old or new), never half-written.
//! Permissions of an existing file are kept; new files get 0644.

use std::io::{self, Write};
use std::path::Path;

/// Test hook: abort the process after this many files were written, to prove that an interrupted
/// apply leaves every file old or new and that a re-run finishes the job.
pub const ABORT_AFTER_ENV: &str = "HOIST_TEST_ABORT_AFTER_WRITES";

/// Writes `bytes` to `path` atomically (temp file in the same directory, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
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

/// Called after each file written: aborts when the test hook says so.
pub fn maybe_abort(written: usize) {
    if let Some(n) = std::env::var(ABORT_AFTER_ENV).ok().and_then(|v| v.parse::<usize>().ok())
        && written >= n
    {
        std::process::abort();
    }
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
}
