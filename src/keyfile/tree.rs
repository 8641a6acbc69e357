//! What `apply` does with a key file once its secret is uploaded: lists it in the root
//! `.gitignore` (an ordinary, shown and confirmed file change), then takes it out of the tree —
//! `git rm --cached` when git tracks it, then deletes it. Each step is idempotent, so a crash
//! between any two and a re-run finish the job, and a second run finds nothing to do.

use crate::model::{Fingerprinter, SecretValue, Site};
use crate::rewrite::changes::Change;
use crate::rewrite::journal::Journal;
use crate::site::SiteState;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The ignore file apply appends key files to, relative to the repository root.
pub const GITIGNORE: &str = ".gitignore";
/// The comment above the entries hoist adds (written once).
const HEADER: &str = "# Key files moved to Secrets Manager by hoist (`hoist run --file PATH` writes them back)";

/// A key file apply takes out of the tree.
#[derive(Clone, Debug)]
pub struct Removal {
    /// The site (its identity in the journal).
    pub site: Site,
    /// The secret that holds the file now.
    pub secret: String,
    /// The file's size (shown instead of its contents).
    pub bytes: usize,
}

/// The state of a whole-file site: pending while the file holds the planned bytes, applied once
/// an apply recorded it and the bytes are gone, stale otherwise.
pub fn site_state(root: &Path, site: &Site, fp: &Fingerprinter, journal: &Journal) -> (SiteState, Option<SecretValue>) {
    match super::read_site(root, site, fp) {
        Ok(Some(v)) => (SiteState::Pending, Some(v)),
        _ if journal.contains(site) => (SiteState::Applied, None),
        Ok(None) => {
            (SiteState::Stale("the key file no longer holds the planned bytes; re-run `hoist plan`".into()), None)
        }
        Err(e) => (SiteState::Stale(e), None),
    }
}

/// The `.gitignore` line for a repository-relative path: anchored at the root, so it ignores
/// that file only.
pub fn ignore_line(path: &Path) -> String {
    let p = crate::scan::slash_path(path);
    // A leading `#` or `!` would make the line a comment or a negation; `\` escapes them.
    let p = match p.chars().next() {
        Some('#' | '!') => format!("\\{p}"),
        _ => p,
    };
    format!("/{}", p.replace(' ', "\\ "))
}

/// True when `.gitignore` at `root` already ignores `path`: the exact line hoist writes, or (in a
/// git repository) any rule git applies to it.
pub fn is_ignored(root: &Path, path: &Path) -> bool {
    let text = std::fs::read_to_string(root.join(GITIGNORE)).unwrap_or_default();
    let line = ignore_line(path);
    if text.lines().any(|l| l.trim_end() == line) {
        return true;
    }
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["check-ignore", "-q", "--no-index", "--"])
        .arg(path)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The `.gitignore` change listing every path not ignored yet (`None` when all are): the old
/// text kept byte for byte, the entries appended under one comment.
pub fn gitignore_change(root: &Path, paths: &[PathBuf]) -> Option<Change> {
    let mut missing: Vec<String> = paths.iter().filter(|p| !is_ignored(root, p)).map(|p| ignore_line(p)).collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return None;
    }
    let old = std::fs::read_to_string(root.join(GITIGNORE)).ok();
    let mut new = old.clone().unwrap_or_default();
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    if !new.lines().any(|l| l == HEADER) {
        if !new.is_empty() {
            new.push('\n');
        }
        new.push_str(HEADER);
        new.push('\n');
    }
    for line in missing {
        new.push_str(&line);
        new.push('\n');
    }
    Some(Change { path: GITIGNORE.into(), old, new, values_old: Vec::new(), values_new: Vec::new(), moved: Vec::new() })
}

fn git(root: &Path, args: &[&str], path: &Path) -> std::io::Result<std::process::Output> {
    Command::new("git").arg("-C").arg(root).args(args).arg("--").arg(path).output()
}

/// Whether the key files can go without losing anything git can't give back: each must be
/// committed as it is (a staged deletion of a file still present is an earlier apply's, and an
/// ignored untracked file is one it already untracked). The message names the files.
pub fn check_removable(root: &Path, removals: &[Removal]) -> Result<(), String> {
    let mut bad = Vec::new();
    for r in removals {
        let path = &r.site.path;
        let out = git(root, &["status", "--porcelain", "--ignored", "--untracked-files=all"], path)
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "{} is not inside a git repository (git is hoist's undo); commit first or pass --allow-dirty",
                root.display()
            ));
        }
        let status = String::from_utf8_lossy(&out.stdout);
        let code = status.get(..2).unwrap_or("");
        match code {
            "" | "D " | "!!" => {}
            "??" => bad.push(format!("{} (never committed: git could not restore it)", path.display())),
            _ => bad.push(format!("{} (uncommitted changes)", path.display())),
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!("key files hoist would delete: {}; commit them first, or pass --allow-dirty", bad.join(", ")))
    }
}

/// Takes one key file out of the tree: `git rm --cached` when git tracks it, then deletes it.
/// A file already untracked or already gone is fine. `step` is called after each of the two
/// steps (the crash test hook).
pub fn remove(root: &Path, path: &Path, step: &mut dyn FnMut()) -> std::io::Result<()> {
    let full = crate::paths::safe_join(root, path).map_err(|e| std::io::Error::other(e.to_string()))?;
    let tracked = git(root, &["ls-files", "--error-unmatch"], path).is_ok_and(|o| o.status.success());
    if tracked {
        let out = git(root, &["rm", "--cached", "-q", "--ignore-unmatch"], path)?;
        if !out.status.success() {
            return Err(std::io::Error::other(format!(
                "git rm --cached {}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
    }
    step();
    match std::fs::remove_file(&full) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    step();
    Ok(())
}

/// True when git no longer tracks `path` (or `root` is not a git repository).
pub fn untracked(root: &Path, path: &Path) -> bool {
    !git(root, &["ls-files", "--error-unmatch"], path).is_ok_and(|o| o.status.success())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(path: &str) -> Site {
        super::super::tests::site(path, super::super::TEXT_RULE)
    }

    fn repo() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let ok = Command::new("git").arg("-C").arg(d.path()).args(["init", "-q"]).status().unwrap().success();
        assert!(ok);
        d
    }

    #[test]
    fn the_gitignore_entry_is_appended_once_keeping_the_old_text() {
        let d = repo();
        std::fs::write(d.path().join(GITIGNORE), "target/\n# keep\nnode_modules").unwrap();
        let paths = vec![PathBuf::from("certs/server.key"), PathBuf::from("deploy/id_rsa")];
        let c = gitignore_change(d.path(), &paths).expect("two entries to add");
        assert!(c.new.starts_with("target/\n# keep\nnode_modules\n"), "old bytes kept: {:?}", c.new);
        assert!(c.new.ends_with(&format!("{HEADER}\n/certs/server.key\n/deploy/id_rsa\n")), "{:?}", c.new);
        std::fs::write(d.path().join(GITIGNORE), &c.new).unwrap();
        assert!(gitignore_change(d.path(), &paths).is_none(), "second time: nothing to add");
        // One more key file later: the comment isn't repeated.
        let more = gitignore_change(d.path(), &[PathBuf::from("a.pem")]).unwrap();
        assert_eq!(more.new.matches(HEADER).count(), 1);
        assert!(more.new.ends_with("/deploy/id_rsa\n/a.pem\n"));
    }

    #[test]
    fn a_path_a_broader_rule_ignores_needs_no_entry_and_odd_names_are_escaped() {
        let d = repo();
        std::fs::write(d.path().join(GITIGNORE), "*.pem\n").unwrap();
        assert!(gitignore_change(d.path(), &[PathBuf::from("tls/a.pem")]).is_none());
        assert_eq!(ignore_line(Path::new("#odd key.pem")), "/\\#odd\\ key.pem");
        let c = gitignore_change(d.path(), &[PathBuf::from("#odd key.key")]).unwrap();
        std::fs::write(d.path().join(GITIGNORE), &c.new).unwrap();
        assert!(is_ignored(d.path(), Path::new("#odd key.key")), "git reads the escaped line as this file");
    }

    #[test]
    fn removing_untracks_then_deletes_and_is_idempotent() {
        let d = repo();
        std::fs::write(d.path().join("k.pem"), "x").unwrap();
        let run = |args: &[&str]| Command::new("git").arg("-C").arg(d.path()).args(args).status().unwrap();
        run(&["add", "k.pem"]);
        run(&["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]);
        let removal = Removal { site: site("k.pem"), secret: "s".into(), bytes: 1 };
        assert!(check_removable(d.path(), std::slice::from_ref(&removal)).is_ok(), "committed and clean");
        let mut steps = 0;
        remove(d.path(), Path::new("k.pem"), &mut || steps += 1).unwrap();
        assert_eq!(steps, 2);
        assert!(!d.path().join("k.pem").exists());
        assert!(untracked(d.path(), Path::new("k.pem")));
        remove(d.path(), Path::new("k.pem"), &mut || {}).unwrap();
        std::fs::write(d.path().join("new.pem"), "y").unwrap();
        let fresh = Removal { site: site("new.pem"), ..removal };
        let e = check_removable(d.path(), &[fresh]).unwrap_err();
        assert!(e.contains("new.pem (never committed"), "{e}");
    }
}
