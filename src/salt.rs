//! The per-repository salt (`.hoist/salt`) that keys scan and baseline fingerprints.

use crate::model::Fingerprinter;
use std::path::{Path, PathBuf};

/// Where the salt lives, relative to the repository root.
pub const SALT_FILE: &str = ".hoist/salt";

/// The repository's fingerprinter: keyed by `.hoist/salt` when it exists. Without one (scan is
/// read-only and must not create it) a random key is used, and fingerprints hold for this run only.
pub fn repo_fingerprinter(root: &Path) -> anyhow::Result<(Fingerprinter, bool)> {
    match std::fs::read_to_string(salt_path(root)) {
        Ok(hex) => {
            Ok((Fingerprinter::from_hex(&hex).map_err(|e| anyhow::anyhow!("{SALT_FILE} is not hex: {e}"))?, true))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Ok((Fingerprinter::from_hex(&Fingerprinter::random_salt())?, false))
        }
        Err(e) => Err(anyhow::anyhow!("cannot read {SALT_FILE}: {e}")),
    }
}

/// Loads the repository salt, creating it (for commands that write: baseline, plan, apply).
pub fn ensure_repo_salt(root: &Path) -> anyhow::Result<Fingerprinter> {
    let path = salt_path(root);
    crate::paths::check_hoist_file(&path)?;
    if !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap())?;
        std::fs::write(&path, Fingerprinter::random_salt() + "\n")?;
    }
    Ok(repo_fingerprinter(root)?.0)
}

fn salt_path(root: &Path) -> PathBuf {
    let base = if root.is_file() { root.parent().unwrap_or(root) } else { root };
    base.join(SALT_FILE)
}
