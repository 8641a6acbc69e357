//! The scanner: runs provider rules and language-aware detectors over one file's bytes, and over a
//! whole tree (gitignore-aware, parallel), turning detections into located, fingerprinted findings.

pub mod allow;
pub mod limit;
pub mod skip;
mod walk;

pub use limit::Limit;
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
    /// Bytes per file the language-aware detectors take on ([`limit::DEFAULT_LANG_BUDGET`]).
    pub lang_budget: usize,
    /// Run the language-aware detectors on generated files too.
    pub include_generated: bool,
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
    /// Where the file got less than every detector, and why.
    pub limits: Vec<Limit>,
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
    /// Files scanned with less than every detector, by reason (sorted paths).
    pub limited: BTreeMap<Limit, Vec<PathBuf>>,
}

impl ScanReport {
    /// Adds one file's outcome counters (not its findings) under `rel`.
    pub fn note_limits(&mut self, rel: &Path, limits: &[Limit]) {
        for l in limits {
            self.limited.entry(*l).or_default().push(rel.to_path_buf());
        }
    }

    /// True when some file was read by provider rules alone where the detectors would have read
    /// more (over the budget, nested too deep) or not read at all (too large, unreadable).
    pub fn incomplete(&self) -> bool {
        !self.errors.is_empty()
            || self.skipped.contains_key(&SkipReason::TooLarge)
            || self.limited.keys().any(|l| l.incomplete())
    }
}

impl Scanner {
    /// A scanner over `rules`, fingerprinting with `fingerprinter`.
    pub fn new(rules: RuleSet, fingerprinter: Fingerprinter) -> Self {
        Self { rules, fingerprinter, context: true, lang_budget: limit::DEFAULT_LANG_BUDGET, include_generated: false }
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
        // A binary keystore (`*.p12`, `*.jks`, a DER key) is itself the secret: one finding.
        let keystore = crate::keyfile::binary_detection(rel, bytes);
        if keystore.is_none()
            && let Some(reason) = skip::by_content(rel, bytes)
        {
            outcome.skipped = Some(reason);
            return outcome;
        }
        let format = FileFormat::of(rel);
        // With the detectors on, the rules' keyword pass also finds their gate words.
        let mut gate_hits = None;
        let mut detections = match keystore {
            Some(d) => vec![d],
            None if self.context => {
                let (found, hits) = self.rules.detect_with_words(bytes);
                gate_hits = Some(hits);
                found
            }
            None => self.rules.detect(bytes),
        };
        match std::str::from_utf8(bytes) {
            _ if detections.first().is_some_and(|d| crate::keyfile::is_whole_file(&d.rule)) => {}
            Ok(text) if self.context => {
                let rules_found = !detections.is_empty();
                let ctx = self.language_aware(rel, format, text, rules_found, gate_hits, &mut outcome.limits);
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
        let utf8 = std::str::from_utf8(bytes).ok();
        // The findings carry the format the file is read as (a sniffed script's), which the
        // planner and rewriter go by; the detectors above sniffed the same content.
        let format = utf8.map_or(format, |t| FileFormat::of_file(rel, t));
        for mut d in detections {
            // A URL's percent-encoded user or password stands for its decoded value (site.rs).
            if let Some(v) = utf8.and_then(|t| crate::site::url_userinfo_value(t, d.span, d.value.expose())) {
                d.value = crate::model::SecretValue::new(v);
            }
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
                severity: if low || crate::detect::judge::in_seed_code(bytes, d.span.start) {
                    Severity::Low
                } else {
                    d.severity
                },
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

    /// The language-aware detections of one UTF-8 file, within the budget: a leading BOM is
    /// looked past (its detectors would read it as part of the first key), and a file over the
    /// budget, generated or minified gets the line detectors instead, noted in `limits`.
    /// `rules_found`: the provider rules found something in the file, whose deployment context
    /// the config detectors then read even without a credential word (`detect::SITE`).
    /// `gate_hits`: the detectors' gate words in `text`, found by the rules' keyword pass.
    fn language_aware(
        &self,
        rel: &Path,
        format: FileFormat,
        text: &str,
        rules_found: bool,
        gate_hits: Option<crate::detect::words::Hits>,
        limits: &mut Vec<Limit>,
    ) -> Vec<Detection> {
        let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        let body = &text[bom..];
        let gate_hits = gate_hits.map(|h| if bom > 0 { h.slice(bom, body.len()) } else { h });
        let name = rel.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        let skip = if skip::is_minified(rel, body.as_bytes()) {
            Some(Limit::Minified)
        } else if !self.include_generated && limit::is_generated(&name, body) {
            Some(Limit::Generated)
        } else if body.len() > self.lang_budget {
            Some(Limit::Budget)
        } else if !matches!(format, FileFormat::Json | FileFormat::Xml)
            && !crate::detect::tokenized(rel, format)
            && limit::too_deep(body.as_bytes())
        {
            // tree-sitter-hcl, -yaml and the code grammars slow down on pathological nesting (0.4–0.5 s
            // for 100k levels) before the readers' own depth guard is reached: don't parse such a
            // file at all (JSON and XML stay fast and keep what lies beside the nesting). A file
            // whose format is sniffed is parsed only when the sniffer names a grammar: the detector
            // checks then (most such files are grammar-less code read by linear detectors alone).
            Some(Limit::Depth)
        } else {
            None
        };
        limit::take();
        // Every format has detectors now: plain text, docs, Kotlin and C# get the content sniffer
        // and the tolerant assignment tokenizer (`detect::analyze`).
        let mut found = crate::detect::words::scope(body, gate_hits, || match skip {
            None => crate::detect::analyze_sited(rel, format, body, rules_found),
            Some(l) => {
                limits.push(l);
                crate::detect::lines_only(body)
            }
        });
        for l in limit::take() {
            if !limits.contains(&l) {
                limits.push(l);
            }
        }
        if bom > 0 {
            for d in &mut found {
                d.span = crate::model::Span::new(d.span.start + bom, d.span.end + bom);
            }
        }
        found
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
    out.sort_by_key(|d| d.span.start);
    // Rule spans sorted by start with a running maximum of their ends: the overlap search looks
    // back from the first rule starting at or after the detection's end, and stops where no
    // earlier rule reaches it (linear in practice; a pairwise search was quadratic in big files).
    let mut reach = Vec::with_capacity(out.len());
    let mut max_end = 0;
    for d in &out {
        max_end = max_end.max(d.span.end);
        reach.push(max_end);
    }
    let n_rules = out.len();
    for c in context {
        let mut hit = None;
        let mut j = out[..n_rules].partition_point(|r| r.span.start < c.span.end);
        while j > 0 && reach[j - 1] > c.span.start {
            j -= 1;
            if out[j].span.overlaps(&c.span) {
                hit = Some(j); // keep looking back: the earliest-starting overlap wins
            }
        }
        let hit = hit.or_else(|| (n_rules..out.len()).find(|&k| out[k].span.overlaps(&c.span)));
        match hit.map(|k| &mut out[k]) {
            Some(r) => {
                r.name = r.name.take().or(c.name);
                if r.group.is_none() {
                    r.group = c.group;
                    r.key = r.key.take().or(c.key);
                }
                r.deploy = r.deploy.take().or(c.deploy);
            }
            // A deployment site no rule found anything at is no finding (detect::SITE).
            None if crate::detect::is_site(&c) => {}
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

/// True for tests, fixtures, examples, docs and seed data, whose findings are reported with low severity.
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
        "mock/",
    ];
    if dirs.iter().any(|d| s.starts_with(d) || s.contains(&format!("/{d}"))) {
        return true;
    }
    let name = s.rsplit('/').next().unwrap_or("");
    crate::detect::judge::is_seed_path(rel)
        || name.starts_with("test_")
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
