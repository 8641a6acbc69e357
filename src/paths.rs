//! Path safety: plan and state files name paths relative to the repository; none may escape it
//! (absolute paths, `..`, or symlinks that point outside).

use std::path::{Component, Path, PathBuf};

/// Why a path is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PathError {
    /// Absolute, or with a drive/root component.
    #[error("{0}: absolute paths are not allowed; use a path relative to the repository root")]
    Absolute(String),
    /// Contains `..`.
    #[error("{0}: `..` is not allowed; the path must stay inside the repository")]
    ParentDir(String),
    /// Resolves (through symlinks) outside the repository.
    #[error("{0}: resolves outside the repository (symlink?)")]
    Escapes(String),
}

/// Joins `rel` onto `root`, refusing absolute paths, `..` and symlinks that lead outside `root`.
/// A path that does not exist yet is checked lexically only.
pub fn safe_join(root: &Path, rel: &Path) -> Result<PathBuf, PathError> {
    let shown = rel.display().to_string();
    for c in rel.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => return Err(PathError::Absolute(shown)),
            Component::ParentDir => return Err(PathError::ParentDir(shown)),
            Component::CurDir | Component::Normal(_) => {}
        }
    }
    let joined = root.join(rel);
    if let (Ok(real_root), Ok(real)) = (root.canonicalize(), joined.canonicalize())
        && !real.starts_with(&real_root)
    {
        return Err(PathError::Escapes(shown));
    }
    Ok(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.txt"), "x").unwrap();
        assert!(safe_join(root, Path::new("a.txt")).is_ok());
        assert!(safe_join(root, Path::new("new/file.txt")).is_ok());
        assert!(matches!(safe_join(root, Path::new("/etc/passwd")), Err(PathError::Absolute(_))));
        assert!(matches!(safe_join(root, Path::new("x/../../etc")), Err(PathError::ParentDir(_))));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", root.join("link")).unwrap();
            assert!(matches!(safe_join(root, Path::new("link/passwd")), Err(PathError::Escapes(_))));
        }
    }
}
