//! Which commits and which part of the tree a history scan reads, and how paths are reported
//! relative to the scanned directory or file.

use crate::cli::ScanArgs;
use std::path::{Path, PathBuf};

/// Which commits (and which part of the tree) to scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryRange {
    /// Revisions for `git log` (`HEAD`, `--all`, `A..B`).
    pub revs: Vec<String>,
    /// The scanned directory or file within the work tree (`None`: all of it). Only its paths
    /// are read, and findings' paths are relative to it (to a file's directory: its name), as in
    /// a tree scan of that directory or file.
    pub dir: Option<PathBuf>,
}

impl HistoryRange {
    /// From the scan flags: `--all`, `--since REV` (`REV..HEAD`) or a range `A..B`, else `HEAD`;
    /// `dir` is the scanned directory's place in the work tree.
    pub fn from_args(args: &ScanArgs, dir: Option<PathBuf>) -> Self {
        let revs = if args.all {
            vec!["--all".to_string()]
        } else if let Some(since) = &args.since {
            if since.contains("..") { vec![since.clone()] } else { vec![format!("{since}..HEAD")] }
        } else {
            vec!["HEAD".to_string()]
        };
        Self { revs, dir }
    }

    /// The pathspecs for `git log`: the directory or file, literally, from the top of the work tree.
    pub(super) fn pathspecs(&self) -> Vec<String> {
        self.dir.iter().map(|d| format!(":(top,literal){}", crate::scan::slash_path(d))).collect()
    }

    /// `path` (from the top of the work tree) as reported: relative to the scanned directory; the
    /// scanned file itself is its name. `None`: outside it (never from the pathspec).
    pub(super) fn relative(&self, path: &Path) -> Option<PathBuf> {
        let Some(dir) = &self.dir else { return Some(path.to_path_buf()) };
        let rel = path.strip_prefix(dir).ok()?;
        if rel.as_os_str().is_empty() { path.file_name().map(PathBuf::from) } else { Some(rel.to_path_buf()) }
    }
}
