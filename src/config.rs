//! The repository config file `.hoist.toml`: extra rules, disabled rules, excluded paths, and
//! planner defaults. Unknown keys are errors, so a typo never silently does nothing.
//!
//! Which file: `--config FILE` or `HOIST_CONFIG`, else `.hoist.toml` at the repository root (the
//! git toplevel of the scanned path, whether that is the root, a subdirectory or one file).
//! The file is committed and so attacker-controlled in a pull request: a `.hoist.toml` that is a
//! symlink resolving outside the repository, or not a regular file, is refused, and no error ever
//! quotes the file's text (it could be `/proc/self/environ` or `~/.aws/credentials`).

use crate::rules::Rule;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The config file given on the command line (`--config`, `HOIST_CONFIG`), set once by `run_main`.
static EXPLICIT: OnceLock<PathBuf> = OnceLock::new();

/// Makes every later [`RepoConfig::load`] read `path` instead of looking for `.hoist.toml`.
pub fn set_explicit(path: PathBuf) {
    let _ = EXPLICIT.set(path);
}

/// The repository root holding `path`: the nearest folder at or above it with a `.git` (folder or
/// worktree file), else `path` itself (a file's folder for a file).
pub fn repo_root(path: &Path) -> PathBuf {
    let start = if path.is_file() { path.parent().unwrap_or(Path::new(".")) } else { path };
    let start = if start.as_os_str().is_empty() { Path::new(".") } else { start };
    let abs = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = abs.as_path();
    loop {
        if dir.join(".git").exists() {
            // Keep the caller's spelling when the root is the path itself.
            return if dir == abs { start.to_path_buf() } else { dir.to_path_buf() };
        }
        match dir.parent() {
            Some(p) => dir = p,
            None => return start.to_path_buf(),
        }
    }
}

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
    /// The file is a symlink leaving the repository, or not a regular file.
    #[error("{path}: refusing to read the config: {why}")]
    Refused {
        /// The file.
        path: String,
        /// Why.
        why: String,
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
    /// Loads the config for a scan of `path`: the explicit file when one was given, else
    /// `.hoist.toml` at the repository root holding `path`, else the defaults.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        if let Some(explicit) = EXPLICIT.get() {
            return Self::load_file(explicit, None);
        }
        let root = repo_root(path);
        let file = root.join(CONFIG_FILE);
        match std::fs::symlink_metadata(&file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ConfigError::Io { path: file.display().to_string(), source }),
            Ok(_) => {
                let mut cfg = Self::load_file(&file, Some(&root))?;
                cfg.rebase_excludes(&root, path);
                Ok(cfg)
            }
        }
    }

    /// `[scan] exclude` globs are written relative to the repository root; a scan of a
    /// subdirectory matches relative to that subdirectory. Anchored globs (with a `/`) under it
    /// lose its prefix, anchored globs elsewhere can't match and are dropped; globs without a `/`
    /// match at any depth and stay.
    fn rebase_excludes(&mut self, root: &Path, scanned: &Path) {
        let dir = if scanned.is_file() { scanned.parent().unwrap_or(Path::new(".")) } else { scanned };
        let (Ok(root), Ok(dir)) = (std::fs::canonicalize(root), std::fs::canonicalize(dir)) else { return };
        let Ok(rel) = dir.strip_prefix(&root) else { return };
        if rel.as_os_str().is_empty() {
            return;
        }
        let prefix = format!("{}/", crate::scan::slash_path(rel));
        self.scan.exclude = std::mem::take(&mut self.scan.exclude)
            .into_iter()
            .filter_map(|g| {
                let (neg, body) = g.strip_prefix('!').map_or(("", g.as_str()), |b| ("!", b));
                let anchored = body.trim_end_matches('/').contains('/');
                let body = body.strip_prefix('/').unwrap_or(body);
                if !anchored || body.starts_with("**/") {
                    Some(g.clone())
                } else {
                    body.strip_prefix(&prefix).map(|rest| format!("{neg}{rest}"))
                }
            })
            .collect();
    }

    /// Reads one config file. Inside a repository (`repo` given) it must resolve to a regular file
    /// within it; an explicit file must be a regular file.
    fn load_file(file: &Path, repo: Option<&Path>) -> Result<Self, ConfigError> {
        let shown = file.display().to_string();
        let refuse = |why: &str| ConfigError::Refused { path: shown.clone(), why: why.to_string() };
        let real = std::fs::canonicalize(file).map_err(|source| ConfigError::Io { path: shown.clone(), source })?;
        if let Some(repo) = repo {
            let repo = std::fs::canonicalize(repo).map_err(|source| ConfigError::Io { path: shown.clone(), source })?;
            if !real.starts_with(&repo) {
                return Err(refuse("it is a symlink to a file outside the repository"));
            }
        }
        let meta = std::fs::metadata(&real).map_err(|source| ConfigError::Io { path: shown.clone(), source })?;
        if !meta.is_file() || real.starts_with("/proc") || real.starts_with("/sys") || real.starts_with("/dev") {
            return Err(refuse("it is not a regular file"));
        }
        if meta.len() > 1 << 20 {
            return Err(refuse("it is larger than 1 MiB"));
        }
        let bytes = std::fs::read(&real).map_err(|source| ConfigError::Io { path: shown.clone(), source })?;
        let text = String::from_utf8(bytes).map_err(|_| refuse("it is not UTF-8 text"))?;
        Self::parse(&text, &shown)
    }

    /// Parses config text; `origin` names it in errors, which give the line and column and never
    /// quote the text.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let mut cfg: RepoConfig = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: origin.to_string(), message: describe(&e, text) })?;
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

/// A parse error without the file's text: toml's message minus its source excerpt, with every
/// quoted piece that comes from the file (a key, a value) blanked out unless it is one of the
/// names the message says were expected, and the position as `line:column`.
fn describe(e: &toml::de::Error, text: &str) -> String {
    let message = e.message().lines().next().unwrap_or("invalid TOML").to_string();
    let expected: Vec<&str> = message.split_once("expected").map(|(_, rest)| quoted(rest)).unwrap_or_default();
    let mut out = message.clone();
    for q in quoted(&message) {
        if !q.is_empty() && text.contains(q) && !expected.contains(&q) {
            out = out.replace(q, "…");
        }
    }
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {col}: {out}")
        }
        None => out,
    }
}

/// The pieces of `s` between backticks or double quotes.
fn quoted(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for delim in ['`', '"'] {
        let mut parts = s.split(delim);
        parts.next();
        while let Some(inside) = parts.next() {
            out.push(inside);
            parts.next();
        }
    }
    out
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

    #[test]
    fn errors_never_quote_the_file() {
        for text in [
            "HOME=/root\nAWS_SECRET_ACCESS_KEY=Ldw6RxrrBR7RZ53l3a+rfzk1J+o82PYnILGwQGvB\n",
            "[default]\naws_access_key_id = AKIAZZXXN7EPGWZQXQC2\n",
            "[scan]\nAKIAZZXXN7EPGWZQXQC2 = \"x\"\n",
            "[plan]\napp = 7\nkms_key_id = [\"Ldw6RxrrBR7RZ53l3a\"]\n",
        ] {
            let e = RepoConfig::parse(text, ".hoist.toml").unwrap_err().to_string();
            assert!(!e.contains("Ldw6R") && !e.contains("AKIAZZ") && !e.contains("/root"), "{e}");
            assert!(e.contains("line "), "{e}");
        }
        let e = RepoConfig::parse("[scan]\nexlude = []\n", "t").unwrap_err().to_string();
        assert!(e.contains("`exclude`") && e.contains("line 2"), "a typo still gets its suggestion: {e}");
    }
}
