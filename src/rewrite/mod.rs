//! Rewriting: turns each planned site into byte-span edits on its file, per file format, so the
//! hardcoded value is gone and the program reads the same value from the environment or from
//! Secrets Manager. Deployment files (ECS, Terraform, CloudFormation, Kubernetes) live in `deploy`.

pub mod build_secrets;
pub mod changes;
pub mod code;
pub mod config;
pub mod deploy;
pub mod expr;
pub mod helpers;
mod imports;
pub mod inject;
pub mod journal;
pub mod lang;
pub mod manifest;
pub mod shell;
pub mod textstyle;
pub mod verify;
pub mod write;

use crate::format::FileFormat;
use crate::model::{Edit, Shape, Site, Strategy};
use std::path::{Path, PathBuf};

/// Everything a rewriter needs to know about one site.
#[derive(Clone, Debug)]
pub struct SiteRewrite<'a> {
    /// The planned site (path, span, strategy, env var, deploy context).
    pub site: &'a Site,
    /// Secrets Manager name.
    pub secret_name: &'a str,
    /// JSON key inside the secret (ignored for plain-string secrets).
    pub key: &'a str,
    /// Payload shape.
    pub shape: Shape,
    /// Full ARN from the state file, or before upload the pattern
    /// `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-??????`.
    pub arn: String,
    /// Environment variable the code or deployment file uses.
    pub env_var: String,
}

impl SiteRewrite<'_> {
    /// The strategy of the site.
    pub fn strategy(&self) -> Strategy {
        self.site.strategy
    }

    /// ECS `valueFrom` for this site: `ARN:key::` for a JSON secret, the bare ARN otherwise.
    pub fn value_from(&self) -> String {
        match self.shape {
            Shape::Json => format!("{}:{}::", self.arn, self.key),
            _ => self.arn.clone(),
        }
    }
}

/// What rewriting one file produced.
#[derive(Clone, Debug, Default)]
pub struct FileRewrite {
    /// Edits (sorted, non-overlapping when applied).
    pub edits: Vec<Edit>,
    /// Sites hoist could not rewrite safely: (index into the given sites, reason and reference).
    pub manual: Vec<(usize, String)>,
}

/// Why a file can't be rewritten.
#[derive(Debug, thiserror::Error)]
pub enum RewriteError {
    /// The file doesn't parse the way it did when planned.
    #[error("{path}: cannot parse as {format}: {message}")]
    Parse {
        /// File.
        path: String,
        /// Format.
        format: String,
        /// What went wrong.
        message: String,
    },
    /// The bytes at a site are not what the plan expects.
    #[error("{path}:{line}: the plan no longer matches the file ({message})")]
    Stale {
        /// File.
        path: String,
        /// Line.
        line: usize,
        /// Detail.
        message: String,
    },
}

/// A generated helper module a rewritten file imports (written once per directory).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HelperNeed {
    /// `hoist_secrets.py` in `dir`.
    PythonSdk {
        /// Repository-relative directory.
        dir: PathBuf,
    },
    /// `hoist-secrets.mjs` / `.cjs` in `dir`.
    JsSdk {
        /// Repository-relative directory.
        dir: PathBuf,
        /// ES module (else CommonJS).
        esm: bool,
    },
    /// `hoist-secrets.ts` in `dir` (imported extensionless, as TypeScript resolves it).
    TsSdk {
        /// Repository-relative directory.
        dir: PathBuf,
    },
    /// `hoist_secrets.go` in `dir`, in the Go package of the files calling it.
    GoSdk {
        /// Repository-relative directory.
        dir: PathBuf,
        /// Package name (from the calling file's `package` clause).
        package: String,
    },
    /// `HoistSecrets.java` in `dir`, in the Java package of the files calling it.
    JavaSdk {
        /// Repository-relative directory.
        dir: PathBuf,
        /// Package (`None`: the default package).
        package: Option<String>,
    },
    /// `hoist_secrets.rb` in `dir` (`require_relative`).
    RubySdk {
        /// Repository-relative directory.
        dir: PathBuf,
    },
    /// `hoist_secrets.php` in `dir` (`require_once __DIR__ . '/hoist_secrets.php'`).
    PhpSdk {
        /// Repository-relative directory.
        dir: PathBuf,
    },
}

impl HelperNeed {
    /// The directory the helper is written to.
    pub fn dir(&self) -> &Path {
        match self {
            HelperNeed::PythonSdk { dir }
            | HelperNeed::JsSdk { dir, .. }
            | HelperNeed::TsSdk { dir }
            | HelperNeed::GoSdk { dir, .. }
            | HelperNeed::JavaSdk { dir, .. }
            | HelperNeed::RubySdk { dir }
            | HelperNeed::PhpSdk { dir } => dir,
        }
    }
}

/// Everything rewriting one file produced.
#[derive(Debug, Default)]
pub struct Rewritten {
    /// Edits on the file, and the sites left for the user.
    pub file: FileRewrite,
    /// Helper modules the new text imports.
    pub helpers: Vec<HelperNeed>,
}

/// Options the dispatcher can't tell from the file alone.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileContext {
    /// The file's directory is a Python package (has `__init__.py`).
    pub python_package: bool,
}

/// Rewrites one file's `env`/`sdk` sites: deployment files first (the deploy stage), then code,
/// then config formats; anything else leaves its sites `manual` with the reference to use.
pub fn rewrite_file(
    path: &Path,
    text: &str,
    sites: &[SiteRewrite<'_>],
    ctx: FileContext,
) -> Result<Rewritten, RewriteError> {
    if let Some(result) = deploy::rewrite_deploy(path, text, sites) {
        return result.map(|file| Rewritten { file, helpers: Vec::new() });
    }
    // A script or config whose name says nothing is rewritten as what its content is (the
    // format its findings carry).
    let format = FileFormat::of_file(path, text);
    if let Some(lang) = lang::Lang::of(format) {
        let out = code::rewrite_code(lang, path, text, sites, ctx.python_package)?;
        return Ok(Rewritten { file: out.file, helpers: out.helpers });
    }
    if let Some(kind) = config::ConfigKind::of_format(path, format) {
        return Ok(Rewritten { file: config::rewrite_config(kind, path, text, sites), helpers: Vec::new() });
    }
    let mut file = FileRewrite::default();
    for (i, s) in sites.iter().enumerate() {
        if matches!(s.strategy(), Strategy::Env | Strategy::Sdk) {
            let reason = format!(
                "hoist doesn't know how {} files read the environment; {}",
                format.as_str(),
                expr::manual_reference(None, &s.env_var, s.secret_name, s.key, s.shape)
            );
            file.manual.push((i, reason));
        }
    }
    Ok(Rewritten { file, helpers: Vec::new() })
}

/// The environment variable a site uses: the plan's, else derived from the name that held the
/// value (`dbPassword` → `DB_PASSWORD`), else from the secret's key.
pub fn env_var_for(site: &Site, key: &str) -> String {
    if let Some(v) = &site.env_var {
        return v.clone();
    }
    env_name(site.name.as_deref().unwrap_or(key))
}

/// `dbPassword`, `db.password`, `db-password` → `DB_PASSWORD`.
pub fn env_name(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    let out = out.trim_end_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) { format!("_{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_from_identifiers() {
        assert_eq!(env_name("dbPassword"), "DB_PASSWORD");
        assert_eq!(env_name("spring.datasource.password"), "SPRING_DATASOURCE_PASSWORD");
        assert_eq!(env_name("API_KEY"), "API_KEY");
        assert_eq!(env_name("stripe-key"), "STRIPE_KEY");
    }
}
