//! How a command lays out its SARIF log: URIs relative to the repository root (the scanned
//! directory's place in the work tree, from git), whether value fingerprints are stable (a
//! committed `.hoist/salt`), config findings in or out, and the run's automation id.

use crate::cli::ScanArgs;
use crate::hook::Git;
use crate::report::SarifOptions;
use std::path::Path;

/// Options for a scan of `root` (the scan root the findings' paths are relative to). Outside a
/// git work tree the URIs stay relative to `root`.
pub fn options_for(root: &Path, args: &ScanArgs, analysis: &str) -> SarifOptions {
    let (prefix, top) = match Git::new(root).toplevel_and_head() {
        Ok((top, _)) => (prefix_within(root, &top), top),
        Err(_) => (String::new(), root.to_path_buf()),
    };
    SarifOptions {
        uri_prefix: prefix,
        include_config: args.include_config,
        stable_value_fingerprints: top.join(crate::salt::SALT_FILE).is_file(),
        automation_id: format!("hoist/{analysis}/"),
    }
}

/// `root`'s path inside `top`, `/`-separated with a trailing `/` (empty when they are the same).
fn prefix_within(root: &Path, top: &Path) -> String {
    let (Ok(root), Ok(top)) = (root.canonicalize(), top.canonicalize()) else { return String::new() };
    match root.strip_prefix(&top) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("{}/", crate::scan::slash_path(rel)),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_is_the_subdirectory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("services/api")).unwrap();
        assert_eq!(prefix_within(&dir.path().join("services/api"), dir.path()), "services/api/");
        assert_eq!(prefix_within(dir.path(), dir.path()), "");
    }
}
