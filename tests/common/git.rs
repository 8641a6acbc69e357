//! Running git in a test's repository: one helper, so every test commits with the same identity
//! and without signing, whatever the machine's git config says.

use std::path::Path;
use std::process::Command;

/// Runs `git -C dir args…` with a fixed identity and signing off; panics with git's stderr when it
/// fails; returns its stdout.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git is required");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stages everything in `dir` and commits it (an empty commit when nothing changed).
pub fn commit(dir: &Path, msg: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", msg, "--allow-empty"]);
}

/// A new committed repository holding `files` (path, text), in a temporary directory.
pub fn committed(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, t) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    git(dir.path(), &["init", "-q"]);
    commit(dir.path(), "x");
    dir
}
