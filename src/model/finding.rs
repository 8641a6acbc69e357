//! What detection produces: spans, detections inside one file, and findings across the repository.

use super::secret::{Fingerprint, SecretValue};
use crate::site::Encoding;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A half-open byte range `[start, end)` over a file's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span; `start <= end` is the caller's promise.
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True for an empty span.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies within `self`.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// A credential to move, or a config value that belongs with one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A credential: token, key, password.
    Secret,
    /// A host, port, user, database name… found beside a credential.
    Config,
}

/// How sure and how urgent. Test files and examples are reported `low` so users can filter them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// In a test, fixture, example or doc file.
    Low,
    /// A credential-named literal without a provider format.
    Medium,
    /// A provider-format token or private key in live code or config.
    High,
}

/// Where a finding sits inside a deployment file (ECS task definition, compose, Kubernetes…).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct DeployInfo {
    /// Which kind of deployment file: `ecs-task-definition`, `terraform`, `cloudformation`,
    /// `docker-compose`, `kubernetes`, `dockerfile`.
    pub kind: String,
    /// The container (ECS container definition / compose service / k8s object) it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The deployment document is written inside another file (a task definition in a shell
    /// heredoc or an AWS CLI `--cli-input-json '…'` argument): set by the detector that read it
    /// there (`detect::extra`), so the planner and the rewriter know the file isn't the document.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub embedded: bool,
}

/// One detection inside one file, before the scanner adds location and fingerprint.
/// Produced by provider rules and by the language-aware detectors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    /// Rule id (`aws.access-key-id`, `generic.password-assignment`, `config.host`…).
    pub rule: String,
    /// Secret or config.
    pub kind: Kind,
    /// The value's bytes in the file (inside the quotes, if any).
    pub span: Span,
    /// The value (decoded when the file escapes it; usually the span's text).
    pub value: SecretValue,
    /// The variable, key or env name that holds it, when known.
    pub name: Option<String>,
    /// A file-local label tying config values to their credential (same dict, DSN, prefix).
    pub group: Option<String>,
    /// For grouped values: the key it takes in a JSON secret (`password`, `host`, `port`…).
    pub key: Option<String>,
    /// Deployment-file context.
    pub deploy: Option<DeployInfo>,
    /// Severity before the scanner lowers it for test files.
    pub severity: Severity,
}

/// A finding: a detection placed in the repository. The value is redacted in every output.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// Path relative to the scanned root, `/`-separated.
    pub path: PathBuf,
    /// 1-based line of the value's first byte.
    pub line: usize,
    /// 1-based column (in characters) of the value's first byte.
    pub column: usize,
    /// Byte span of the value.
    pub span: Span,
    /// Rule id.
    pub rule: String,
    /// Secret or config.
    pub kind: Kind,
    /// Severity (lowered for tests/examples).
    pub severity: Severity,
    /// The holding name, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Repository-wide group id linking config values to their credential.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// JSON key within a grouped secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// File format / language (`python`, `yaml`, `dotenv`, …).
    pub format: String,
    /// Deployment-file context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deploy: Option<DeployInfo>,
    /// Keyed fingerprint of the value.
    pub fingerprint: Fingerprint,
    /// How the span's text spells the value (`None`: no known spelling decodes to it, so hoist
    /// can't read it back and won't plan a rewrite of it).
    #[serde(skip)]
    pub encoding: Option<Encoding>,
    /// Keyed fingerprint of the span's text, when it differs from the value.
    #[serde(skip)]
    pub raw_fingerprint: Option<Fingerprint>,
    /// A redacted preview.
    pub preview: String,
    /// The value itself; serializes as `<redacted>` and is skipped in reports.
    #[serde(skip)]
    pub value: SecretValue,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_half_open() {
        let a = Span::new(0, 5);
        assert!(!a.overlaps(&Span::new(5, 9)));
        assert!(a.overlaps(&Span::new(4, 9)));
        assert!(a.contains(&Span::new(1, 5)));
        assert_eq!(a.len(), 5);
    }
}
