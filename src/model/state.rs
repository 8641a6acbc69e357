//! The upload state file (`.hoist/state.yaml`): what exists in Secrets Manager, by full ARN. No values.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The state beside a plan, written after each successful secret so an interrupted run resumes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// Format version.
    #[serde(default = "one")]
    pub version: u32,
    /// Secrets by name.
    #[serde(default)]
    pub secrets: BTreeMap<String, SecretRef>,
}

fn one() -> u32 {
    1
}

/// A secret hoist created or reconciled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    /// Secret name.
    pub name: String,
    /// Full ARN as returned by Secrets Manager (never built by hand).
    pub arn: String,
    /// Version id of the payload hoist wrote (its deterministic client request token).
    pub version_id: String,
    /// Region the secret lives in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}
