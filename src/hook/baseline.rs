//! The baseline: findings a team has accepted, keyed on (path, rule, keyed value fingerprint) —
//! never line numbers or times — written sorted, one entry per line, so moving code or merging
//! branches doesn't churn it. A moved value stays accepted; a new value on the same line does not.

use crate::model::{Finding, Fingerprint, Fingerprinter};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Default location, relative to the repository root.
pub const BASELINE_FILE: &str = ".hoist/baseline.json";

const VERSION: u32 = 1;
const NOTE: &str = "hoist baseline: accepted findings keyed on path, rule and an HMAC of the value \
(keyed by .hoist/salt; no values, no line numbers). Recreate: hoist baseline. Drop fixed ones: hoist baseline --update.";

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// `/`-separated path relative to the repository root.
    pub path: String,
    /// Rule id.
    pub rule: String,
    /// Keyed fingerprint of the value.
    pub fingerprint: Fingerprint,
}

impl Entry {
    /// The entry a finding would have.
    pub fn of(f: &Finding) -> Self {
        Self { path: slash(&f.path), rule: f.rule.clone(), fingerprint: f.fingerprint.clone() }
    }
}

/// A set of accepted findings, tied to the key that fingerprinted them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Baseline {
    /// Identifies the fingerprint key without revealing it.
    pub key_id: String,
    /// The entries, sorted.
    pub entries: BTreeSet<Entry>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileShape {
    version: u32,
    #[serde(default)]
    note: String,
    key_id: String,
    entries: Vec<Entry>,
}

/// Why a baseline can't be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// Unreadable file.
    #[error("cannot read baseline {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Not a baseline.
    #[error("baseline {path} is not valid: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Fingerprinted with a different key than the repository's `.hoist/salt`.
    #[error(
        "baseline {path} was written with a different fingerprint key than this repository's .hoist/salt \
         (missing, or replaced); restore the committed .hoist/salt, or recreate the baseline with `hoist baseline`"
    )]
    KeyMismatch {
        /// The file.
        path: PathBuf,
    },
}

/// A short public id of a fingerprint key (an HMAC of a constant), to detect a changed salt.
pub fn key_id(fp: &Fingerprinter) -> String {
    hex::encode(&fp.mac(&[b"hoist-baseline-key-id"])[..8])
}

impl Baseline {
    /// A baseline accepting exactly `findings`.
    pub fn from_findings(findings: &[Finding], fp: &Fingerprinter) -> Self {
        Self { key_id: key_id(fp), entries: findings.iter().map(Entry::of).collect() }
    }

    /// Reads a baseline file; `Ok(None)` when it doesn't exist.
    pub fn load(path: &Path) -> Result<Option<Self>, BaselineError> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                Self::parse(&text).map(Some).map_err(|message| BaselineError::Parse { path: path.into(), message })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(BaselineError::Io { path: path.into(), source }),
        }
    }

    /// Parses baseline text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let shape: FileShape = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if shape.version != VERSION {
            return Err(format!("version {} (this hoist reads version {VERSION})", shape.version));
        }
        Ok(Self { key_id: shape.key_id, entries: shape.entries.into_iter().collect() })
    }

    /// Checks that `fp` is the key the baseline was written with.
    pub fn check_key(&self, fp: &Fingerprinter, path: &Path) -> Result<(), BaselineError> {
        if self.key_id == key_id(fp) { Ok(()) } else { Err(BaselineError::KeyMismatch { path: path.into() }) }
    }

    /// The file text: fixed key order, entries sorted, one per line.
    pub fn render(&self) -> String {
        let mut s = format!(
            "{{\n  \"version\": {VERSION},\n  \"note\": {},\n  \"key_id\": {},\n  \"entries\": [",
            json(NOTE),
            json(&self.key_id)
        );
        for (i, e) in self.entries.iter().enumerate() {
            s.push_str(if i == 0 { "\n" } else { ",\n" });
            s.push_str(&format!(
                "    {{\"path\": {}, \"rule\": {}, \"fingerprint\": {}}}",
                json(&e.path),
                json(&e.rule),
                json(&e.fingerprint.0)
            ));
        }
        s.push_str(if self.entries.is_empty() { "]\n}\n" } else { "\n  ]\n}\n" });
        s
    }

    /// True when the finding is accepted.
    pub fn contains(&self, f: &Finding) -> bool {
        self.entries.contains(&Entry::of(f))
    }

    /// Removes accepted findings from `findings`; returns how many were removed.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| !self.contains(f));
        before - findings.len()
    }

    /// Drops entries that no current finding matches; returns how many were dropped.
    pub fn prune(&mut self, current: &[Finding]) -> usize {
        let live: BTreeSet<Entry> = current.iter().map(Entry::of).collect();
        let before = self.entries.len();
        self.entries.retain(|e| live.contains(e));
        before - self.entries.len()
    }
}

fn slash(p: &Path) -> String {
    p.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, SecretValue, Severity, Span};

    fn finding(path: &str, rule: &str, value: &str, line: usize, fp: &Fingerprinter) -> Finding {
        Finding {
            path: path.into(),
            line,
            column: 1,
            span: Span::new(0, value.len()),
            rule: rule.into(),
            kind: Kind::Secret,
            severity: Severity::High,
            name: None,
            group: None,
            key: None,
            format: "text".into(),
            deploy: None,
            fingerprint: fp.fingerprint(value),
            encoding: Some(crate::site::Encoding::RAW),
            raw_fingerprint: None,
            preview: String::new(),
            value: SecretValue::new(value),
        }
    }

    #[test]
    fn round_trips_sorted_without_lines_or_values() {
        let fp = Fingerprinter::new(b"k".to_vec());
        let fs = vec![finding("b.py", "r", "v2-secret", 9, &fp), finding("a.py", "r", "v1-secret", 3, &fp)];
        let b = Baseline::from_findings(&fs, &fp);
        let text = b.render();
        assert!(!text.contains("v1-secret") && !text.contains("\"line\""));
        assert!(text.find("a.py").unwrap() < text.find("b.py").unwrap());
        assert_eq!(text.lines().filter(|l| l.contains("\"fingerprint\"")).count(), 2);
        let back = Baseline::parse(&text).unwrap();
        assert_eq!(back, b);
        back.check_key(&fp, Path::new("x")).unwrap();
        assert!(back.check_key(&Fingerprinter::new(b"other".to_vec()), Path::new("x")).is_err());
        assert_eq!(Baseline::parse(&Baseline::from_findings(&[], &fp).render()).unwrap().entries.len(), 0);
    }

    #[test]
    fn moved_values_stay_accepted_and_new_values_do_not() {
        let fp = Fingerprinter::new(b"k".to_vec());
        let b = Baseline::from_findings(&[finding("a.py", "r", "old-value", 3, &fp)], &fp);
        let mut now = vec![finding("a.py", "r", "old-value", 40, &fp), finding("a.py", "r", "new-value", 3, &fp)];
        assert_eq!(b.filter(&mut now), 1);
        assert_eq!(now.len(), 1);
        assert_eq!(now[0].line, 3);
    }

    #[test]
    fn prune_keeps_live_entries_only() {
        let fp = Fingerprinter::new(b"k".to_vec());
        let mut b = Baseline::from_findings(
            &[finding("a.py", "r", "stays", 1, &fp), finding("a.py", "r", "fixed", 2, &fp)],
            &fp,
        );
        assert_eq!(b.prune(&[finding("a.py", "r", "stays", 7, &fp), finding("c.py", "r", "brand-new", 1, &fp)]), 1);
        assert_eq!(b.entries.len(), 1);
        assert_eq!(b.entries.iter().next().unwrap().path, "a.py");
    }
}
