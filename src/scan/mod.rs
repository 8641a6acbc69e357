//! The scanner: runs provider rules and language-aware detectors over one file's bytes, and over a
//! whole tree (gitignore-aware, parallel), turning detections into located, fingerprinted findings.

pub mod allow;
pub mod skip;
mod walk;

pub use skip::SkipReason;
pub use walk::WalkOptions;

use crate::format::FileFormat;
use crate::model::{Detection, Finding, Fingerprinter, Severity};
use crate::rules::RuleSet;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Default size limit: files above it are skipped and counted.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;

/// Scans file contents. Shared by the tree walk and the staged (hook) scan.
#[derive(Debug)]
pub struct Scanner {
    rules: RuleSet,
    fingerprinter: Fingerprinter,
    /// Run the language-aware detectors (off for a rules-only benchmark).
    pub context: bool,
}

/// What scanning one file produced.
#[derive(Debug, Default)]
pub struct FileOutcome {
    /// Findings (allowed ones removed).
    pub findings: Vec<Finding>,
    /// The file was skipped.
    pub skipped: Option<SkipReason>,
    /// The file was not valid UTF-8 (provider rules ran on its bytes; language detectors did not).
    pub non_utf8: bool,
    /// Findings suppressed by an inline allow marker.
    pub allowed: usize,
}

/// What scanning a tree produced.
#[derive(Debug, Default, Serialize)]
pub struct ScanReport {
    /// All findings, sorted by path and position.
    pub findings: Vec<Finding>,
    /// Files read and scanned.
    pub files_scanned: usize,
    /// Bytes scanned.
    pub bytes_scanned: u64,
    /// Skipped files (and vendored directories) by reason.
    pub skipped: BTreeMap<SkipReason, usize>,
    /// Files that were not valid UTF-8.
    pub non_utf8: usize,
    /// Findings suppressed by inline allow markers.
    pub allowed: usize,
    /// Files that could not be read, with the reason.
    pub errors: Vec<(PathBuf, String)>,
}

impl Scanner {
    /// A scanner over `rules`, fingerprinting with `fingerprinter`.
    pub fn new(rules: RuleSet, fingerprinter: Fingerprinter) -> Self {
        Self { rules, fingerprinter, context: true }
    }

    /// The rules in use.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The fingerprinter in use.
    pub fn fingerprinter(&self) -> &Fingerprinter {
        &self.fingerprinter
    }

    /// Scans one file's bytes. `rel` is the path relative to the root (used for the format,
    /// test-file severity and the finding's path).
    pub fn scan_bytes(&self, rel: &Path, bytes: &[u8]) -> FileOutcome {
        let mut outcome = FileOutcome::default();
        if let Some(reason) = skip::by_content(rel, bytes) {
            outcome.skipped = Some(reason);
            return outcome;
        }
        let format = FileFormat::of(rel);
        let mut detections = self.rules.detect(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) if self.context => {
                let ctx = crate::detect::analyze(rel, format, text);
                detections = merge(detections, ctx);
            }
            Ok(_) => {}
            Err(_) => outcome.non_utf8 = true,
        }
        if detections.is_empty() {
            return outcome;
        }
        let low = is_test_path(rel);
        let lines = LineIndex::new(bytes);
        for d in detections {
            if allow::is_allowed(bytes, d.span.start) {
                outcome.allowed += 1;
                continue;
            }
            let (line, column) = lines.locate(bytes, d.span.start);
            let path = rel.to_path_buf();
            let group = d.group.as_ref().map(|g| format!("{}#{g}", slash_path(rel)));
            // How the span spells the value, so every later reader reads it back the same way.
            let raw = std::str::from_utf8(bytes.get(d.span.start..d.span.end).unwrap_or_default()).ok();
            let encoding = raw.and_then(|r| crate::site::encoding_of(r, d.value.expose()));
            let raw_fingerprint = raw.filter(|r| *r != d.value.expose()).map(|r| self.fingerprinter.fingerprint(r));
            outcome.findings.push(Finding {
                path,
                line,
                column,
                span: d.span,
                fingerprint: self.fingerprinter.fingerprint(d.value.expose()),
                encoding,
                raw_fingerprint,
                preview: d.value.preview(),
                severity: if low { Severity::Low } else { d.severity },
                rule: d.rule,
                kind: d.kind,
                name: d.name,
                group,
                key: d.key,
                format: format.as_str().to_string(),
                deploy: d.deploy,
                value: d.value,
            });
        }
        outcome
    }

    /// Scans a tree from `root`, calling `progress` with each file count.
    pub fn scan_tree(&self, root: &Path, opts: &WalkOptions, progress: &(dyn Fn(usize) + Sync)) -> ScanReport {
        walk::scan_tree(self, root, opts, progress)
    }
}

/// Merges rule detections with language-aware ones. Where both cover a value, the provider rule's
/// id wins (it is more specific) and the detector's name, group, key and deployment context fill in.
pub fn merge(rules: Vec<Detection>, context: Vec<Detection>) -> Vec<Detection> {
    let mut out = rules;
    for c in context {
        match out.iter_mut().find(|r| r.span.overlaps(&c.span)) {
            Some(r) => {
                r.name = r.name.take().or(c.name);
                if r.group.is_none() {
                    r.group = c.group;
                    r.key = r.key.take().or(c.key);
                }
                r.deploy = r.deploy.take().or(c.deploy);
            }
            None => out.push(c),
        }
    }
    out.sort_by_key(|d| d.span.start);
    out
}

/// `/`-separated path text, the same on every platform.
pub fn slash_path(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// True for tests, fixtures, examples and docs, whose findings are reported with low severity.
pub fn is_test_path(rel: &Path) -> bool {
    let s = slash_path(rel).to_ascii_lowercase();
    let dirs = [
        "test/",
        "tests/",
        "spec/",
        "__tests__/",
        "fixtures/",
        "fixture/",
        "testdata/",
        "examples/",
        "example/",
        "docs/",
        "__mocks__/",
        "mocks/",
    ];
    if dirs.iter().any(|d| s.starts_with(d) || s.contains(&format!("/{d}"))) {
        return true;
    }
    let name = s.rsplit('/').next().unwrap_or("");
    name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.contains("_spec.")
        || name.contains("example")
        || name.ends_with("test.java")
        || name.ends_with("tests.cs")
}

/// Byte offset → 1-based (line, column in characters).
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(bytes: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', bytes).map(|p| p + 1));
        Self { starts }
    }

    fn locate(&self, bytes: &[u8], offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col = String::from_utf8_lossy(&bytes[self.starts[line]..offset]).chars().count() + 1;
        (line + 1, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns() {
        let b = "ab\ncdé f\n".as_bytes();
        let idx = LineIndex::new(b);
        assert_eq!(idx.locate(b, 0), (1, 1));
        assert_eq!(idx.locate(b, 3), (2, 1));
        assert_eq!(idx.locate(b, 7), (2, 4));
    }

    #[test]
    fn test_paths_are_recognised() {
        for p in ["tests/a.py", "src/foo_test.go", "web/app.spec.ts", "pkg/testdata/x.env", "test_settings.py"] {
            assert!(is_test_path(Path::new(p)), "{p}");
        }
        assert!(!is_test_path(Path::new("src/settings.py")));
        assert!(!is_test_path(Path::new("contest/app.py")));
    }
}
