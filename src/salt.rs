//! The per-repository key that scan, hook, history and baseline fingerprints are made with.
//!
//! Fingerprints must be stable across runs and clones (SARIF alerts and JSON consumers match on
//! them) while `scan` writes nothing. The key is, in order:
//! 1. `.hoist/salt` at the repository root (git toplevel), when it exists — `baseline` writes it;
//!    commit it and every clone agrees;
//! 2. else derived from the repository's root commit id(s), which every full clone shares;
//! 3. else (a shallow clone, whose oldest commit is not the root) from the `origin` remote's URL,
//!    which every clone of one remote shares, so CI runs agree with each other;
//! 4. else (no git at all) a random key: fingerprints hold for this run only.
//!
//! Trade-off, chosen deliberately: a key derived from a commit id or a URL is known to anyone who
//! has the repository, so they could test guesses against a fingerprint. Such a person can read the
//! values in the repository already; against everyone else (a SARIF upload, a CI log) the keyed
//! HMAC still hides short values. Commit `.hoist/salt` (random) for a key not derived from the repo.

use crate::model::Fingerprinter;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where the salt lives, relative to the repository root.
pub const SALT_FILE: &str = ".hoist/salt";

/// Where the fingerprint key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    /// `.hoist/salt`.
    SaltFile,
    /// The root commit id(s).
    RootCommit,
    /// The `origin` remote URL (shallow clones).
    Remote,
    /// Random, for this run only.
    Ephemeral,
}

/// The repository's fingerprinter and where its key came from. Reads only; never writes.
pub fn repo_fingerprinter(root: &Path) -> anyhow::Result<(Fingerprinter, KeySource)> {
    let top = crate::config::repo_root(root);
    match std::fs::read_to_string(top.join(SALT_FILE)) {
        Ok(hex) => {
            return Ok((
                Fingerprinter::from_hex(hex.trim()).map_err(|_| anyhow::anyhow!("{SALT_FILE} is not hex"))?,
                KeySource::SaltFile,
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(anyhow::anyhow!("cannot read {SALT_FILE}: {e}")),
    }
    let (salt, source) = match derived_salt(&top) {
        Some((s, src)) => (s, src),
        None => (Fingerprinter::random_salt(), KeySource::Ephemeral),
    };
    Ok((Fingerprinter::from_hex(&salt)?, source))
}

/// Loads the repository salt, creating `.hoist/salt` (for commands that write: baseline). The file
/// keeps the key scans already use (derived from the repository when possible), so writing it
/// changes no fingerprint.
pub fn ensure_repo_salt(root: &Path) -> anyhow::Result<Fingerprinter> {
    let top = crate::config::repo_root(root);
    let path = top.join(SALT_FILE);
    crate::paths::check_hoist_file(&path)?;
    if !path.exists() {
        let salt = derived_salt(&top).map(|(s, _)| s).unwrap_or_else(Fingerprinter::random_salt);
        std::fs::create_dir_all(path.parent().unwrap())?;
        crate::rewrite::write::write_atomic(&path, format!("{salt}\n").as_bytes())?;
    }
    Ok(repo_fingerprinter(&top)?.0)
}

/// The salt file of the repository holding `root`.
pub fn salt_path(root: &Path) -> PathBuf {
    crate::config::repo_root(root).join(SALT_FILE)
}

/// A hex salt derived from what every clone shares, if git knows it.
fn derived_salt(top: &Path) -> Option<(String, KeySource)> {
    let shallow = git(top, &["rev-parse", "--is-shallow-repository"])?;
    let (material, source) = if shallow.trim() == "false" {
        let mut roots: Vec<String> = git(top, &["rev-list", "--max-parents=0", "HEAD"])?
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        roots.sort();
        (roots.join(","), KeySource::RootCommit)
    } else {
        (normalise_remote(&git(top, &["config", "--get", "remote.origin.url"])?), KeySource::Remote)
    };
    if material.is_empty() {
        return None;
    }
    let digest = Sha256::digest(format!("hoist fingerprint key v1\n{material}").as_bytes());
    Some((hex::encode(&digest[..16]), source))
}

/// `git@github.com:o/r.git`, `https://github.com/o/r` and `ssh://git@github.com/o/r.git` alike.
fn normalise_remote(url: &str) -> String {
    let u = url.trim().trim_end_matches('/').trim_end_matches(".git");
    let u = u.split_once("://").map_or(u, |(_, rest)| rest);
    let u = u.rsplit_once('@').map_or(u, |(_, rest)| rest);
    u.replacen(':', "/", 1).to_ascii_lowercase()
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out =
        Command::new("git").arg("-C").arg(dir).args(args).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_of_one_repository_normalise_alike() {
        let a = normalise_remote("git@github.com:Org/Repo.git");
        assert_eq!(a, "github.com/org/repo");
        assert_eq!(normalise_remote("https://github.com/org/repo/"), a);
        assert_eq!(normalise_remote("ssh://git@github.com/org/repo.git"), a);
    }
}
