//! The upload state file (`.hoist/state.yaml`): what exists in Secrets Manager, by full ARN. No values.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// File name of the state, in the same folder as the plan.
pub const STATE_FILE_NAME: &str = "state.yaml";

/// Why a state file can't be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The state file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid state file.
    #[error("{path}: not a valid hoist state file: {message}")]
    Parse {
        /// The state file.
        path: String,
        /// The parser's message (about structure; the file holds no values).
        message: String,
    },
}

impl State {
    /// The state path for a plan: `state.yaml` in the plan's folder.
    pub fn path_for_plan(plan: &Path) -> PathBuf {
        plan.parent().unwrap_or_else(|| Path::new(".")).join(STATE_FILE_NAME)
    }

    /// Loads a state file; a missing file is an empty state.
    pub fn load(path: &Path) -> Result<State, StateError> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                serde_yaml::from_str(&text).map_err(|e| StateError::Parse { path: shown, message: e.to_string() })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(source) => Err(StateError::Io { path: shown, source }),
        }
    }

    /// Writes the state atomically (temp file in the same folder, fsync, rename), so a crash
    /// leaves either the old or the new file, never half of one.
    pub fn save(&self, path: &Path) -> Result<(), StateError> {
        let io = |source| StateError::Io { path: path.display().to_string(), source };
        crate::paths::check_hoist_file(path).map_err(|e| io(std::io::Error::other(e)))?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir).map_err(io)?;
        let text = serde_yaml::to_string(self)
            .map_err(|e| StateError::Parse { path: path.display().to_string(), message: e.to_string() })?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
        tmp.write_all(text.as_bytes()).map_err(io)?;
        tmp.as_file().sync_all().map_err(io)?;
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_then_load_round_trips_and_missing_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".hoist").join(STATE_FILE_NAME);
        assert_eq!(State::load(&path).unwrap(), State::default());
        let mut s = State::default();
        s.secrets.insert(
            "app/db".into(),
            SecretRef {
                name: "app/db".into(),
                arn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf".into(),
                version_id: "0123".into(),
                region: Some("us-east-1".into()),
            },
        );
        s.save(&path).unwrap();
        assert_eq!(State::load(&path).unwrap(), s);
        assert_eq!(State::path_for_plan(Path::new(".hoist/plan.yaml")), Path::new(".hoist/state.yaml"));
    }

    #[test]
    fn a_broken_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.yaml");
        std::fs::write(&path, "secrets: [nope").unwrap();
        let e = State::load(&path).unwrap_err().to_string();
        assert!(e.contains("not a valid hoist state file"), "{e}");
    }
}
