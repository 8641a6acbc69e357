//! Deployment-file rewriters (ECS task definitions, Terraform, CloudFormation, Kubernetes, IAM
//! policy). Owned by the deploy stage; this is the entry point the rewrite dispatcher calls first.

use super::{FileRewrite, RewriteError, SiteRewrite};
use std::path::Path;

/// Rewrites a deployment file, or `None` when `path` is not a deployment file handled here.
pub fn rewrite_deploy(path: &Path, text: &str, sites: &[SiteRewrite<'_>]) -> Option<Result<FileRewrite, RewriteError>> {
    let _ = (path, text, sites);
    None
}
