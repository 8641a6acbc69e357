//! `hoist run --file`: key files written back from their secrets for one command's lifetime.
//! Each file is created new (never over an existing one) with mode 0600, and removed — with any
//! folder created for it — when the command ends: normally, with an error, or because hoist was
//! told to stop (SIGINT, SIGTERM, SIGHUP, SIGQUIT are forwarded to the command, and hoist cleans
//! up once it has exited). Only SIGKILL of hoist itself can leave a file behind; the next run then
//! refuses to overwrite it and says so.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Files written for a run; dropping it removes them (and the folders made for them).
#[derive(Debug, Default)]
pub struct Materialised {
    files: Vec<PathBuf>,
    dirs: Vec<PathBuf>,
}

impl Materialised {
    /// The files written, in order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// Writes `bytes` to `path` (created new, mode 0600, missing folders created). Refuses a
    /// path that exists: it is not hoist's to replace or remove.
    pub fn write(&mut self, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
        if path.symlink_metadata().is_ok() {
            anyhow::bail!(
                "{} already exists; `hoist run --file` writes a key file only where there is none (a copy left by \
                 a killed run? remove it)",
                path.display()
            );
        }
        let mut missing = Vec::new();
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            missing.push(d.to_path_buf());
            dir = d.parent();
        }
        for d in missing.iter().rev() {
            std::fs::create_dir(d).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", d.display()))?;
            self.dirs.push(d.clone());
        }
        let mut f = open_new_private(path).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
        self.files.push(path.to_path_buf());
        f.write_all(bytes).map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        Ok(())
    }

    /// Removes every file written and the folders created for them (when empty).
    pub fn remove(&mut self) {
        for f in self.files.drain(..).rev() {
            let _ = std::fs::remove_file(&f);
        }
        for d in self.dirs.drain(..).rev() {
            let _ = std::fs::remove_dir(&d);
        }
    }
}

impl Drop for Materialised {
    fn drop(&mut self) {
        self.remove();
    }
}

#[cfg(unix)]
fn open_new_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    // The umask can only take bits away; set exactly 0600 anyway.
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(f)
}

#[cfg(not(unix))]
fn open_new_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

/// Runs `cmd` while `files` exist and removes them afterwards; returns the command's exit code
/// (128 + the signal's number when a signal ended it).
pub fn run_with(mut cmd: std::process::Command, mut files: Materialised, guard: &signals::Guard) -> anyhow::Result<u8> {
    let spawned = cmd.spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            files.remove();
            anyhow::bail!("cannot run {:?}: {e}", cmd.get_program());
        }
    };
    guard.running(child.id());
    let status = child.wait();
    guard.finished();
    files.remove();
    let status = status.map_err(|e| anyhow::anyhow!("waiting for {:?}: {e}", cmd.get_program()))?;
    Ok(exit_code(&status))
}

#[cfg(unix)]
fn exit_code(status: &std::process::ExitStatus) -> u8 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(c), _) => c as u8,
        (None, Some(s)) => 128u8.saturating_add(s as u8),
        _ => crate::EXIT_ERROR,
    }
}

#[cfg(not(unix))]
fn exit_code(status: &std::process::ExitStatus) -> u8 {
    status.code().map_or(crate::EXIT_ERROR, |c| c as u8)
}

/// Termination signals while key files exist: blocked in every thread from the start (so none
/// kills hoist before it cleans up) and taken by one thread, which — before anything is written
/// — exits, while files are being written holds them back, and while the command runs forwards
/// them to it (unless the terminal already sent the same one to the whole process group).
pub mod signals {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI32, AtomicU32, Ordering};

    /// What the signal thread does with a signal, by phase.
    const FETCHING: i32 = 0;
    const WRITING: i32 = 1;
    const RUNNING: i32 = 2;

    /// The phase shared with the signal thread.
    #[derive(Debug, Clone)]
    pub struct Guard {
        phase: Arc<AtomicI32>,
        child: Arc<AtomicU32>,
        pending: Arc<AtomicI32>,
    }

    impl Guard {
        /// Blocks the termination signals in this thread (and so in every thread it starts
        /// afterwards) and starts the thread that takes them. Call before any other thread exists.
        pub fn install() -> Self {
            let g = Guard {
                phase: Arc::new(AtomicI32::new(FETCHING)),
                child: Arc::new(AtomicU32::new(0)),
                pending: Arc::new(AtomicI32::new(0)),
            };
            imp::start(g.clone());
            g
        }

        /// Files are about to be written: signals wait until the command runs.
        pub fn writing(&self) {
            self.phase.store(WRITING, Ordering::SeqCst);
        }

        /// The command runs as `pid`: signals go to it (one held back while writing goes now).
        pub fn running(&self, pid: u32) {
            self.child.store(pid, Ordering::SeqCst);
            self.phase.store(RUNNING, Ordering::SeqCst);
            let held = self.pending.swap(0, Ordering::SeqCst);
            if held != 0 {
                imp::forward(pid, held);
            }
        }

        /// The command has exited: later signals are held (hoist is only cleaning up).
        pub fn finished(&self) {
            self.phase.store(WRITING, Ordering::SeqCst);
        }

        /// A signal that arrived while files were written, if any (the run should stop).
        pub fn held(&self) -> Option<i32> {
            Some(self.pending.load(Ordering::SeqCst)).filter(|s| *s != 0)
        }

        fn take(&self, sig: i32, from_terminal: bool) {
            match self.phase.load(Ordering::SeqCst) {
                FETCHING => std::process::exit(128 + sig),
                RUNNING if !from_terminal => imp::forward(self.child.load(Ordering::SeqCst), sig),
                RUNNING => {}
                _ => {
                    self.pending.store(sig, Ordering::SeqCst);
                }
            }
        }
    }

    #[cfg(unix)]
    mod imp {
        use super::Guard;

        const SIGNALS: [i32; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

        fn set() -> libc::sigset_t {
            // SAFETY: sigemptyset/sigaddset initialise and fill a sigset_t we own.
            unsafe {
                let mut s: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut s);
                for sig in SIGNALS {
                    libc::sigaddset(&mut s, sig);
                }
                s
            }
        }

        pub(super) fn start(g: Guard) {
            let s = set();
            // SAFETY: blocks signals in the calling thread; threads started later inherit the mask.
            // Children get an empty mask back (std resets it before exec).
            unsafe {
                libc::pthread_sigmask(libc::SIG_BLOCK, &s, std::ptr::null_mut());
            }
            std::thread::spawn(move || {
                loop {
                    let (sig, from_terminal) = wait(&s);
                    if sig > 0 {
                        g.take(sig, from_terminal);
                    }
                }
            });
        }

        #[cfg(target_os = "linux")]
        fn wait(s: &libc::sigset_t) -> (i32, bool) {
            // SAFETY: sigwaitinfo fills the siginfo_t we own.
            unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                let sig = libc::sigwaitinfo(s, &mut info);
                // SI_KERNEL: the terminal's driver sent it to the whole foreground group,
                // the command included.
                (sig, info.si_code == libc::SI_KERNEL)
            }
        }

        #[cfg(not(target_os = "linux"))]
        fn wait(s: &libc::sigset_t) -> (i32, bool) {
            let mut sig = 0;
            // SAFETY: sigwait writes the signal number into `sig`.
            unsafe {
                libc::sigwait(s, &mut sig);
            }
            (sig, false)
        }

        pub(super) fn forward(pid: u32, sig: i32) {
            if pid != 0 {
                // SAFETY: kill(2) on the child's pid; a gone child gives ESRCH, ignored.
                unsafe {
                    libc::kill(pid as libc::pid_t, sig);
                }
            }
        }
    }

    #[cfg(not(unix))]
    mod imp {
        use super::Guard;
        pub(super) fn start(_g: Guard) {}
        pub(super) fn forward(_pid: u32, _sig: i32) {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_private_new_and_gone_with_their_folders_after() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("certs/tls/server.key");
        let mut m = Materialised::default();
        m.write(&path, b"\x00\xffkey bytes").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"\x00\xffkey bytes");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let e = Materialised::default().write(&path, b"other").unwrap_err().to_string();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), b"\x00\xffkey bytes", "an existing file is never replaced");
        drop(m);
        assert!(!path.exists());
        assert!(!d.path().join("certs").exists(), "the folders made for it go too");
    }
}
