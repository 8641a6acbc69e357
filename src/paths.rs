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
    /// `.hoist` or a file in it is a symlink (or `.hoist` is not a directory).
    #[error(
        "{0} is a symlink or not a plain directory/file; hoist keeps its plan, state, salt and journal only in a \
         real `.hoist` directory of the repository (a committed symlink could send them anywhere): remove it"
    )]
    HoistDir(String),
}

/// The repository's `.hoist` directory, refused when it (or any entry in it) is a symlink or it
/// is not a directory; created when `create` and missing.
pub fn hoist_dir(root: &Path, create: bool) -> Result<PathBuf, PathError> {
    let dir = root.join(".hoist");
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.file_type().is_symlink() || !m.is_dir() => return Err(PathError::HoistDir(".hoist".into())),
        Ok(_) => {}
        Err(_) if create => {
            std::fs::create_dir_all(&dir).map_err(|e| PathError::HoistDir(format!(".hoist ({e})")))?;
        }
        Err(_) => return Ok(dir),
    }
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_symlink()) {
                return Err(PathError::HoistDir(format!(".hoist/{}", e.file_name().to_string_lossy())));
            }
        }
    }
    Ok(dir)
}

/// Refuses to write `file` when it is, or sits in, a `.hoist` that [`hoist_dir`] refuses: the
/// check for writers of `.hoist/*` that only know the file's path.
pub fn check_hoist_file(file: &Path) -> Result<(), PathError> {
    let Some(parent) = file.parent() else { return Ok(()) };
    if parent.file_name().is_some_and(|n| n == ".hoist") {
        let root = parent.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        hoist_dir(root, false)?;
    }
    if std::fs::symlink_metadata(file).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(PathError::HoistDir(file.display().to_string()));
    }
    Ok(())
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

/// The repository-relative path `rel` really names, when it differs from `rel` as written: a
/// leading `./`, or a symlink inside the repository (`link/settings.py` for `app/settings.py`).
/// Two spellings of one file would let a plan edit it twice, each time from the old text.
pub fn alias_of(root: &Path, rel: &Path) -> Option<String> {
    let lexical: PathBuf = rel.components().filter(|c| !matches!(c, Component::CurDir)).collect();
    let real = match (root.canonicalize(), root.join(rel).canonicalize()) {
        (Ok(real_root), Ok(real)) => real.strip_prefix(&real_root).map(Path::to_path_buf).unwrap_or(lexical.clone()),
        _ => lexical.clone(),
    };
    let written: Vec<Component<'_>> = rel.components().collect();
    let canonical: Vec<Component<'_>> = real.components().collect();
    (written != canonical).then(|| real.display().to_string())
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

    #[test]
    fn aliases_are_named_by_their_real_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("app")).unwrap();
        std::fs::write(root.join("app/settings.py"), "x").unwrap();
        assert_eq!(alias_of(root, Path::new("app/settings.py")), None);
        assert_eq!(alias_of(root, Path::new("app/new.py")), None);
        assert_eq!(alias_of(root, Path::new("./app/settings.py")).as_deref(), Some("app/settings.py"));
        assert_eq!(alias_of(root, Path::new("./app/new.py")).as_deref(), Some("app/new.py"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("app", root.join("link")).unwrap();
            assert_eq!(alias_of(root, Path::new("link/settings.py")).as_deref(), Some("app/settings.py"));
        }
    }
}
