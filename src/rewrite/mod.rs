//! Rewriting: turns each planned site into byte-span edits on its file, per file format, so the
//! hardcoded value is gone and the program reads the same value from the environment or from
//! Secrets Manager. Deployment files (ECS, Terraform, CloudFormation, Kubernetes) live in `deploy`.

pub mod deploy;

use crate::model::{Edit, Shape, Site, Strategy};

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
