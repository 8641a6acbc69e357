//! Installing and removing the git pre-commit hook. An existing hook is never overwritten: it is
//! renamed to `pre-commit.hoist-chained` and run first by hoist's hook; uninstalling renames it
//! back, so the previous hook returns byte for byte (mode and symlinks included).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The hook's file name.
pub const HOOK_NAME: &str = "pre-commit";
/// Where a previous hook is kept while hoist's is installed.
pub const CHAINED_NAME: &str = "pre-commit.hoist-chained";
/// The line that marks a hook file as hoist's own.
pub const MARKER: &str = "# hoist-managed-hook v1";

/// What `install` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    /// Wrote a new hook; nothing was there.
    Fresh,
    /// Wrote the hook and kept the previous one as `pre-commit.hoist-chained`, which runs first.
    Chained,
    /// Replaced an older hoist hook (different binary path).
    Updated,
    /// The same hook was already there; nothing changed.
    Unchanged,
}

/// What `uninstall` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Uninstalled {
    /// Removed hoist's hook; no previous hook existed.
    Removed,
    /// Removed hoist's hook and put the previous one back.
    Restored,
    /// There was no hoist hook (a hook that isn't hoist's is left alone).
    NotInstalled,
}

/// Why a hook can't be installed or removed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Both a foreign hook and a chained one exist: chaining again would lose one of them.
    #[error(
        "{hook} is not hoist's hook, and {chained} already exists (left by an earlier install); \
         merge them by hand, remove one, then run `hoist hook install` again"
    )]
    Conflict {
        /// The current hook.
        hook: PathBuf,
        /// The chained hook.
        chained: PathBuf,
    },
    /// A file operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> InstallError + '_ {
    move |source| InstallError::Io { path: path.to_path_buf(), source }
}

/// The hook script: run the chained hook first (its failure blocks the commit), then hoist by
/// absolute path, falling back to `hoist` on PATH. A missing binary blocks with a message: a
/// hook that silently passes would be worse than none.
pub fn hook_script(exe: &Path) -> String {
    let exe = shell_quote(&exe.to_string_lossy());
    format!(
        r#"#!/bin/sh
{MARKER}: installed by `hoist hook install`, removed by `hoist hook uninstall`.
# A hook that was here before is kept as {CHAINED_NAME} and runs first.
hook_dir=$(dirname -- "$0")
if [ -x "$hook_dir/{CHAINED_NAME}" ]; then
  "$hook_dir/{CHAINED_NAME}" "$@" || exit $?
fi
hoist={exe}
if [ ! -x "$hoist" ]; then
  hoist=$(command -v hoist) || {{
    echo "hoist pre-commit hook: the hoist binary is gone ({exe}) and not on PATH;" >&2
    echo "  reinstall it and run 'hoist hook install', or 'hoist hook uninstall' to remove this hook" >&2
    exit 2
  }}
fi
exec "$hoist" scan --staged
"#
    )
}

/// Single-quotes a string for POSIX sh.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// True when the file at `path` is hoist's hook.
pub fn is_hoist_hook(path: &Path) -> bool {
    fs::read(path).is_ok_and(|b| b.windows(MARKER.len()).any(|w| w == MARKER.as_bytes()))
}

fn exists(path: &Path) -> bool {
    // A dangling symlink is still a hook someone put there.
    fs::symlink_metadata(path).is_ok()
}

/// Installs hoist's hook into `hooks_dir`, chaining any hook already there. Idempotent.
pub fn install(hooks_dir: &Path, exe: &Path) -> Result<Installed, InstallError> {
    fs::create_dir_all(hooks_dir).map_err(io_err(hooks_dir))?;
    let hook = hooks_dir.join(HOOK_NAME);
    let chained = hooks_dir.join(CHAINED_NAME);
    let script = hook_script(exe);
    let outcome = if !exists(&hook) {
        Installed::Fresh
    } else if is_hoist_hook(&hook) {
        if fs::read_to_string(&hook).is_ok_and(|t| t == script) && is_executable(&hook) {
            return Ok(Installed::Unchanged);
        }
        Installed::Updated
    } else if exists(&chained) {
        return Err(InstallError::Conflict { hook, chained });
    } else {
        fs::rename(&hook, &chained).map_err(io_err(&hook))?;
        Installed::Chained
    };
    write_executable(&hook, &script)?;
    Ok(match outcome {
        Installed::Fresh if exists(&chained) => Installed::Chained,
        o => o,
    })
}

/// Removes hoist's hook from `hooks_dir` and restores the chained one, if any.
pub fn uninstall(hooks_dir: &Path) -> Result<Uninstalled, InstallError> {
    let hook = hooks_dir.join(HOOK_NAME);
    let chained = hooks_dir.join(CHAINED_NAME);
    if exists(&hook) && !is_hoist_hook(&hook) {
        return Ok(Uninstalled::NotInstalled);
    }
    let had_hook = exists(&hook);
    if had_hook {
        fs::remove_file(&hook).map_err(io_err(&hook))?;
    }
    if exists(&chained) {
        fs::rename(&chained, &hook).map_err(io_err(&chained))?;
        return Ok(Uninstalled::Restored);
    }
    Ok(if had_hook { Uninstalled::Removed } else { Uninstalled::NotInstalled })
}

fn write_executable(path: &Path, text: &str) -> Result<(), InstallError> {
    // Write beside and rename, so a commit running concurrently never sees half a hook.
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_err(dir))?;
    io::Write::write_all(&mut tmp, text.as_bytes()).map_err(io_err(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).map_err(io_err(path))?;
    }
    tmp.persist(path).map_err(|e| InstallError::Io { path: path.to_path_buf(), source: e.error })?;
    Ok(())
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_chains_and_uninstall_restores_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let hooks = dir.path().join("hooks");
        fs::create_dir_all(&hooks).unwrap();
        let old = "#!/bin/sh\necho previous hook\n";
        fs::write(hooks.join(HOOK_NAME), old).unwrap();
        let exe = Path::new("/opt/hoist it's/hoist");
        assert_eq!(install(&hooks, exe).unwrap(), Installed::Chained);
        assert_eq!(fs::read_to_string(hooks.join(CHAINED_NAME)).unwrap(), old);
        let first = fs::read_to_string(hooks.join(HOOK_NAME)).unwrap();
        assert!(first.contains(r"'/opt/hoist it'\''s/hoist'"), "{first}");
        assert_eq!(install(&hooks, exe).unwrap(), Installed::Unchanged);
        assert_eq!(fs::read_to_string(hooks.join(HOOK_NAME)).unwrap(), first);
        assert_eq!(install(&hooks, Path::new("/other/hoist")).unwrap(), Installed::Updated);
        assert_eq!(fs::read_to_string(hooks.join(CHAINED_NAME)).unwrap(), old);
        assert_eq!(uninstall(&hooks).unwrap(), Uninstalled::Restored);
        assert_eq!(fs::read_to_string(hooks.join(HOOK_NAME)).unwrap(), old);
        assert!(!hooks.join(CHAINED_NAME).exists());
        assert_eq!(uninstall(&hooks).unwrap(), Uninstalled::NotInstalled);
        assert_eq!(fs::read_to_string(hooks.join(HOOK_NAME)).unwrap(), old);
    }

    #[test]
    fn a_foreign_hook_beside_a_chained_one_is_a_conflict() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(HOOK_NAME), "#!/bin/sh\n").unwrap();
        fs::write(dir.path().join(CHAINED_NAME), "#!/bin/sh\n").unwrap();
        assert!(matches!(install(dir.path(), Path::new("/x")), Err(InstallError::Conflict { .. })));
    }

    #[test]
    fn fresh_install_and_removal() {
        let dir = tempfile::tempdir().unwrap();
        let hooks = dir.path().join("made/by/install");
        assert_eq!(install(&hooks, Path::new("/x/hoist")).unwrap(), Installed::Fresh);
        assert!(is_executable(&hooks.join(HOOK_NAME)));
        assert_eq!(uninstall(&hooks).unwrap(), Uninstalled::Removed);
        assert!(!exists(&hooks.join(HOOK_NAME)));
    }
}
