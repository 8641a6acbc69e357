//! The migration plan: the reviewable YAML contract between detection and every change hoist makes.
//! It holds names, sites and keyed fingerprints — never a secret value.

use super::finding::{DeployInfo, Span};
use super::secret::Fingerprint;
use crate::site::Encoding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Current plan format version.
pub const PLAN_VERSION: u32 = 1;

/// A whole plan (`.hoist/plan.yaml`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Format version ([`PLAN_VERSION`]).
    pub version: u32,
    /// Hex salt keying every fingerprint and client request token of this plan.
    pub salt: String,
    /// Application name used in secret names.
    pub app: String,
    /// Default environment used in secret names when a path does not say one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<String>,
    /// The secrets to create.
    pub secrets: Vec<PlannedSecret>,
}

/// The payload shape of a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// A flat JSON object of string keys to string values.
    #[default]
    Json,
    /// One plain string (the whole SecretString).
    String,
    /// Binary content (a key or certificate file), SecretBinary.
    Binary,
}

/// One secret in Secrets Manager.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedSecret {
    /// Secrets Manager name (`app/env/group`).
    pub name: String,
    /// Payload shape.
    #[serde(default)]
    pub shape: Shape,
    /// Description (never holds a value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags; `managed-by: hoist` is always present.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// KMS key id, ARN or alias; the account default key when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The keys of the JSON payload (one key named `value` for a plain-string secret).
    pub keys: Vec<SecretKey>,
    /// Deployments that must receive a key as a variable because code they run reads it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inject: Vec<Injection>,
    /// Deployments that read a key file this secret holds (strategy `file`): apply mounts it there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mounts: Vec<Mount>,
}

/// The kind of deployment a key file is mounted into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MountKind {
    /// A Kubernetes workload: an ExternalSecret, a `secret` volume and a `volumeMount`.
    Kubernetes,
    /// A compose service: a top-level `secrets` entry with `file:` and the service's `secrets`.
    Compose,
    /// An ECS container: a `secrets` entry holding the file's text (ECS has no secret-file mount).
    Ecs,
}

/// One place a deployment reads a key file that apply takes out of the tree, and where it must
/// find it instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mount {
    /// The deployment file (manifest, compose file, task definition).
    pub path: PathBuf,
    /// Its kind.
    pub kind: MountKind,
    /// The Kubernetes workload (`metadata.name`), compose service or ECS container.
    pub workload: String,
    /// The Kubernetes container within the workload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// The file's path inside the container.
    pub target: String,
    /// ECS: the variable the container receives the file's text in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    /// The key file (repository-relative).
    #[serde(rename = "for")]
    pub for_path: PathBuf,
}

/// One variable hoist adds to a deployment's environment: the code `for` was rewritten to read
/// `env_var`, and `container` in `path` runs that code but doesn't receive the variable yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Injection {
    /// The deployment file (compose file, ECS task definition).
    pub path: PathBuf,
    /// The compose service / ECS container.
    pub container: String,
    /// The variable.
    pub env_var: String,
    /// The secret's key it holds.
    pub key: String,
    /// The code file that reads it (informational).
    #[serde(rename = "for")]
    pub for_path: PathBuf,
}

/// One key of a secret's payload and the places its value comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretKey {
    /// JSON key (`password`, `host`, …).
    pub key: String,
    /// Fingerprint of the value every site must hold.
    pub fingerprint: Fingerprint,
    /// Where the value is written today.
    pub sites: Vec<Site>,
}

/// How a site is rewritten.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// The literal becomes an environment lookup (and deployment files inject the variable).
    #[default]
    Env,
    /// The literal becomes a Secrets Manager call by full ARN.
    Sdk,
    /// hoist can't rewrite it safely; the user does, with the reference given.
    Manual,
    /// Leave it alone. The site still fills its key's value; only its rewrite is skipped.
    Skip,
    /// The whole file is the secret (a key or certificate file): apply uploads it, removes it from
    /// the tree and lists it in `.gitignore`; `hoist run --file PATH` writes it back.
    File,
}

/// One place a value is written in the repository.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Path relative to the repository root, `/`-separated.
    pub path: PathBuf,
    /// 1-based line (for people; the span is what counts).
    pub line: usize,
    /// Byte span of the value.
    pub span: Span,
    /// Fingerprint of the value at that span when planned.
    pub fingerprint: Fingerprint,
    /// How the file spells the value at the span (`raw`, `c-escape`, `yaml-single`,
    /// `raw+engine`…), read back by [`crate::site::read`]; absent in plans written before it was
    /// recorded, which are read in every known spelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<Encoding>,
    /// Fingerprint of the span's text as written, when it differs from the value's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_fingerprint: Option<Fingerprint>,
    /// Rule that found it.
    pub rule: String,
    /// File format / language.
    pub format: String,
    /// Rewrite strategy.
    #[serde(default)]
    pub strategy: Strategy,
    /// Environment variable the code or task definition will use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    /// The variable / key name that held the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Deployment-file context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy: Option<DeployInfo>,
    /// Why the strategy is `manual` or `skip`; for `file`, where deployments mount the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Strategy {
    /// The strategy's word, as the plan spells it.
    pub fn word(&self) -> &'static str {
        match self {
            Strategy::Env => "env",
            Strategy::Sdk => "sdk",
            Strategy::Manual => "manual",
            Strategy::Skip => "skip",
            Strategy::File => "file",
        }
    }
}

impl Plan {
    /// Every site with the secret and key it feeds.
    pub fn sites(&self) -> impl Iterator<Item = (&PlannedSecret, &SecretKey, &Site)> {
        self.secrets.iter().flat_map(|s| s.keys.iter().flat_map(move |k| k.sites.iter().map(move |site| (s, k, site))))
    }

    /// The secret called `name`.
    pub fn secret(&self, name: &str) -> Option<&PlannedSecret> {
        self.secrets.iter().find(|s| s.name == name)
    }

    /// The secrets to upload: those with at least one site that is not `skip`.
    pub fn active_secrets(&self) -> impl Iterator<Item = &PlannedSecret> {
        self.secrets.iter().filter(|s| !s.is_skipped())
    }
}

impl PlannedSecret {
    /// True when every site is `skip`: nothing will reference the secret, so it isn't uploaded.
    pub fn is_skipped(&self) -> bool {
        self.keys.iter().flat_map(|k| &k.sites).all(|s| s.strategy == Strategy::Skip)
    }

    /// True when a site hoist rewrites (`env` or `sdk`) or moves (`file`) will reference the
    /// secret. `apply` creates only these (unless `--include-manual`): a secret nothing references
    /// would be an orphan.
    pub fn is_referenced(&self) -> bool {
        self.keys
            .iter()
            .flat_map(|k| &k.sites)
            .any(|s| matches!(s.strategy, Strategy::Env | Strategy::Sdk | Strategy::File))
    }
}
