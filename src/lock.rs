//! The repository lock (`.hoist/lock`): one writing hoist at a time per repository. Two applies at
//! once would each rewrite files from the text they read before the other wrote, mangling lines.
//! The lock holds the owner's pid, host and start time; a lock whose process is gone is stale and
//! taken over. Holding it is also what makes cleaning up temp files of an interrupted run safe.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The lock file, relative to the repository root.
pub const LOCK_FILE: &str = ".hoist/lock";

/// A lock from another host (shared file system) or without a readable pid is taken over only
/// after this long.
const FOREIGN_STALE_AFTER: Duration = Duration::from_secs(6 * 3600);

/// Why the lock can't be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error(
        "another hoist (pid {pid} on {host}, started {age} s ago) is changing this repository ({LOCK_FILE}); \
         wait for it to finish. If no hoist is running there, delete {LOCK_FILE}"
    )]
    Held {
        /// The holder's pid.
        pid: u32,
        /// The holder's host.
        host: String,
        /// Seconds since it took the lock.
        age: u64,
    },
    /// `.hoist` is unusable (a symlink, a file).
    #[error("{0}")]
    Dir(#[from] crate::paths::PathError),
    /// The lock file can't be created.
    #[error("cannot create {LOCK_FILE}: {0}")]
    Io(#[from] io::Error),
}

/// The held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct RepoLock {
    path: PathBuf,
    /// Temp files of an interrupted run that were removed when the lock was taken.
    pub cleaned: Vec<PathBuf>,
}

impl RepoLock {
    /// Takes the lock of the repository at `root` (refusing a `.hoist` that is a symlink), then
    /// removes `.hoist-XXXXXX.tmp` files an interrupted run left behind (nobody else can be
    /// writing them now) and keeps such files out of `git add` (`.git/info/exclude`).
    pub fn acquire(root: &Path) -> Result<RepoLock, LockError> {
        let dir = crate::paths::hoist_dir(root, true)?;
        let path = dir.join("lock");
        let me = Owner::current();
        for _ in 0..3 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    f.write_all(me.render().as_bytes())?;
                    f.sync_all()?;
                    let cleaned = crate::rewrite::write::clean_orphans(root);
                    exclude_from_git(root);
                    return Ok(RepoLock { path, cleaned });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    let held = Owner::parse(&text);
                    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                    if let Some(owner) = held.as_ref().filter(|o| o.alive(&me, modified)) {
                        return Err(LockError::Held { pid: owner.pid, host: owner.host.clone(), age: owner.age() });
                    }
                    if held.is_none()
                        && modified.and_then(|m| m.elapsed().ok()).is_some_and(|a| a < Duration::from_secs(5))
                    {
                        // Being written right now by another hoist.
                        return Err(LockError::Held { pid: 0, host: "?".into(), age: 0 });
                    }
                    // Stale: move it aside (so two takers don't both delete a fresh lock), then retry.
                    let aside = dir.join(format!("lock.stale-{}", me.pid));
                    if std::fs::rename(&path, &aside).is_ok() {
                        let _ = std::fs::remove_file(&aside);
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(LockError::Io(io::Error::other("the lock kept changing hands; try again")))
    }
}

impl Drop for RepoLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Owner {
    pid: u32,
    host: String,
    started: u64,
}

impl Owner {
    fn current() -> Owner {
        let started = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        Owner { pid: std::process::id(), host: hostname(), started }
    }

    fn render(&self) -> String {
        format!("pid={}\nhost={}\nstarted={}\n", self.pid, self.host, self.started)
    }

    fn parse(text: &str) -> Option<Owner> {
        let field = |k: &str| text.lines().find_map(|l| l.strip_prefix(k)?.strip_prefix('=')).map(str::trim);
        Some(Owner {
            pid: field("pid")?.parse().ok()?,
            host: field("host").unwrap_or("").to_string(),
            started: field("started").and_then(|s| s.parse().ok()).unwrap_or(0),
        })
    }

    fn age(&self) -> u64 {
        Owner::current().started.saturating_sub(self.started)
    }

    /// True unless the owner is known to be gone: on this host a pid without a process (or our
    /// own pid, left by a crashed earlier run that had it); elsewhere only after a long time.
    fn alive(&self, me: &Owner, modified: Option<SystemTime>) -> bool {
        if self.host == me.host && Path::new("/proc/self").exists() {
            return self.pid != me.pid && Path::new(&format!("/proc/{}", self.pid)).exists();
        }
        modified.and_then(|m| m.elapsed().ok()).is_none_or(|age| age < FOREIGN_STALE_AFTER)
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// Keeps hoist's temp files and the lock out of `git add -A` in this clone: an interrupted write
/// can leave a temp file holding the remaining values until the next run removes it.
fn exclude_from_git(root: &Path) {
    let info = root.join(".git/info");
    if !root.join(".git").is_dir() {
        return;
    }
    let path = info.join("exclude");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let wanted = [".hoist-*.tmp", "/.hoist/lock"];
    let missing: Vec<&str> = wanted.iter().copied().filter(|w| !text.lines().any(|l| l.trim() == *w)).collect();
    if missing.is_empty() || std::fs::create_dir_all(&info).is_err() {
        return;
    }
    let mut add = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        add.push('\n');
    }
    add.push_str("# hoist: temp files of interrupted writes, and the repository lock\n");
    for w in missing {
        add.push_str(w);
        add.push('\n');
    }
    if let Ok(mut f) = std::fs::OpenOptions::new().append(true).create(true).open(&path) {
        let _ = f.write_all(add.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_refuses_and_a_released_or_stale_one_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        drop(RepoLock::acquire(root).unwrap());
        // Our own pid counts as stale (a crashed earlier run with the same pid, as in containers),
        // so fake a live other holder: pid 1.
        let live = Owner { pid: 1, host: hostname(), started: 0 };
        std::fs::write(root.join(LOCK_FILE), live.render()).unwrap();
        let e2 = RepoLock::acquire(root).unwrap_err().to_string();
        assert!(e2.contains("another hoist (pid 1") && e2.contains("delete .hoist/lock"), "{e2}");
        // A dead pid is stale: taken over.
        let dead = Owner { pid: u32::MAX - 1, host: hostname(), started: 0 };
        std::fs::write(root.join(LOCK_FILE), dead.render()).unwrap();
        let taken = RepoLock::acquire(root).unwrap();
        assert!(
            std::fs::read_to_string(root.join(LOCK_FILE)).unwrap().contains(&format!("pid={}", std::process::id()))
        );
        drop(taken);
        assert!(!root.join(LOCK_FILE).exists(), "the lock is released on drop");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_hoist_dir_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join(".hoist")).unwrap();
        let e = RepoLock::acquire(dir.path()).unwrap_err().to_string();
        assert!(e.contains("symlink"), "{e}");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "wrote outside");
    }
}
