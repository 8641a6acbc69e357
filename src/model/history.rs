//! Where a finding came from in git history: the commit that first added it.

use super::finding::Finding;
use serde::Serialize;
use std::sync::Arc;

/// A commit, as the history scan reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    /// Full object id.
    pub id: String,
    /// Author name.
    pub author: String,
    /// Author e-mail.
    pub email: String,
    /// Author date, strict ISO 8601 (`2026-12-01T09:20:00+01:00`).
    pub date: String,
}

impl CommitInfo {
    /// The abbreviated id people read (12 hex digits).
    pub fn short(&self) -> &str {
        &self.id[..self.id.len().min(12)]
    }
}

/// A secret found in history: the first place it was added, the commit that added it, and how many
/// commits added the same value in all.
#[derive(Clone, Debug)]
pub struct HistoryFinding {
    /// The finding at its first addition (path and line as of that commit).
    pub finding: Finding,
    /// The commit that first added it.
    pub commit: Arc<CommitInfo>,
    /// Commits that added this value (1 when it was added once).
    pub commits: usize,
}

/// The provider that issued a credential, for "where to revoke it": the rule id's family
/// (`aws.access-key-id` → `aws`), or none for the generic detectors.
pub fn provider_of(rule: &str) -> Option<&str> {
    let family = rule.split('.').next().unwrap_or(rule);
    match family {
        "generic" | "dsn" | "config" | "entropy" | "code" | "" => None,
        f => Some(f),
    }
}
