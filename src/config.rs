//! The repository config file `.hoist.toml`: extra rules, disabled rules, excluded paths, and
//! planner defaults. Unknown keys are errors, so a typo never silently does nothing.

use crate::rules::Rule;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The config file's name at the repository root.
pub const CONFIG_FILE: &str = ".hoist.toml";

/// The whole config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepoConfig {
    /// Scanner settings.
    #[serde(default)]
    pub scan: ScanConfig,
    /// Extra rules, in the same shape as `patterns/*.yaml`.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Planner defaults.
    #[serde(default)]
    pub plan: PlanConfig,
}

/// `[scan]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanConfig {
    /// Gitignore-style globs of paths to skip.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rule ids to turn off (a trailing `*` turns off a family: `generic.*`).
    #[serde(default)]
    pub disable_rules: Vec<String>,
    /// Files larger than this many bytes are skipped (default 5 MiB).
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Also scan vendored directories, lockfiles and minified files.
    #[serde(default)]
    pub include_vendored: bool,
}

/// `[plan]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanConfig {
    /// Application name (default: the repository folder's name).
    pub app: Option<String>,
    /// Default environment.
    pub env: Option<String>,
    /// Name template, default `{app}/{env}/{group}`.
    pub name_template: Option<String>,
    /// Tags added to every secret.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// KMS key for every secret.
    pub kms_key_id: Option<String>,
}

/// Why the config can't be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file exists but can't be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The file doesn't parse.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
}

impl RepoConfig {
    /// Loads `.hoist.toml` from `root`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Self, ConfigError> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text, &path.display().to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Io { path: path.display().to_string(), source }),
        }
    }

    /// Parses config text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let mut cfg: RepoConfig = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: origin.to_string(), message: e.to_string() })?;
        for r in &mut cfg.rules {
            r.source = origin.to_string();
        }
        Ok(cfg)
    }

    /// True when `id` is disabled by `[scan] disable_rules`.
    pub fn rule_disabled(&self, id: &str) -> bool {
        self.scan.disable_rules.iter().any(|d| match d.strip_suffix('*') {
            Some(prefix) => id.starts_with(prefix),
            None => d == id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_unknown_keys() {
        let c = RepoConfig::parse("[scan]\nexclude=[\"docs/**\"]\ndisable_rules=[\"generic.*\"]\n", "t").unwrap();
        assert!(c.rule_disabled("generic.password"));
        assert!(!c.rule_disabled("aws.access-key-id"));
        assert!(RepoConfig::parse("[scan]\nexlude=[]\n", "t").is_err());
    }
}
