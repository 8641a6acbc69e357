//! Deployment files: ECS task definitions (raw JSON), Terraform, CloudFormation and Kubernetes
//! Secret manifests get their secrets from Secrets Manager by full ARN. Also the reference checker
//! (`hoist check`) and the least-privilege IAM policy for the task execution roles.

pub mod cfn;
pub mod dockerfile;
pub mod ecs;
pub mod k8s;
pub mod k8s_workload;
pub mod policy;
pub mod refs;
pub mod repo;
pub mod taskdef;
pub mod terraform;
pub mod tree;

use crate::model::{DeployInfo, Edit, Span, Strategy};
use crate::rewrite::{FileRewrite, RewriteError, SiteRewrite};
use std::path::Path;

/// Which deployment format a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeployKind {
    /// Raw ECS task definition JSON (or a bare container definition list).
    EcsTaskDefinition,
    /// Terraform (`.tf`, `.tfvars`).
    Terraform,
    /// CloudFormation template (YAML or JSON).
    CloudFormation,
    /// Kubernetes manifests.
    Kubernetes,
    /// A Dockerfile (`ENV`/`ARG` defaults).
    Dockerfile,
}

impl DeployKind {
    /// From a `DeployInfo::kind` string.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "ecs-task-definition" => Some(Self::EcsTaskDefinition),
            "terraform" => Some(Self::Terraform),
            "cloudformation" => Some(Self::CloudFormation),
            "kubernetes" | "kubernetes-secret" => Some(Self::Kubernetes),
            "dockerfile" | "dockerfile-arg" => Some(Self::Dockerfile),
            _ => None,
        }
    }

    /// Sniffs a file's kind from its name and content.
    pub fn sniff(path: &Path, text: &str) -> Option<Self> {
        if crate::format::FileFormat::of_file(path, text) == crate::format::FileFormat::Dockerfile {
            return Some(Self::Dockerfile);
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match ext.as_str() {
            "tf" | "tfvars" => return Some(Self::Terraform),
            "json" | "yaml" | "yml" | "template" => {}
            _ => return None,
        }
        // A top-level `Resources:` (not serverless.yml's nested one) holding `AWS::` types.
        let top_resources =
            text.starts_with("Resources:") || text.contains("\nResources:") || text.contains("\"Resources\"");
        if text.contains("AWSTemplateFormatVersion") || (top_resources && text.contains("AWS::")) {
            return Some(Self::CloudFormation);
        }
        if text.contains("containerDefinitions") {
            return Some(Self::EcsTaskDefinition);
        }
        if ext == "json" && text.contains("\"image\"") && taskdef::is_container_list(text) {
            return Some(Self::EcsTaskDefinition);
        }
        if (ext == "yaml" || ext == "yml") && text.contains("apiVersion") && text.contains("kind:") {
            return Some(Self::Kubernetes);
        }
        None
    }
}

/// Why the entries of a deployment document written inside a script are left to the person.
pub const EMBEDDED_WHY: &str = "in a deployment document written inside this script (heredoc or AWS CLI argument): \
                                hoist leaves it; move the entry to the container's `secrets` by hand";

/// True when a deployment finding sits in a document written inside another file — a task
/// definition or manifest in a shell heredoc or an AWS CLI argument. The detector that read it
/// there says so ([`DeployInfo::embedded`], set by `detect::extra`); this is the one answer the
/// planner (strategy `manual`) and the rewriter share.
pub fn embedded_in_script(deploy: Option<&DeployInfo>) -> bool {
    deploy.is_some_and(|d| d.embedded)
}

/// An intermediate result in (span, replacement) form; the file handlers return this.
#[derive(Debug, Default)]
pub struct Rewritten {
    /// (span, replacement) pairs.
    pub edits: Vec<(Span, String)>,
    /// Sites left to the user, with reason and the reference to use.
    pub manual: Vec<(usize, String)>,
}

/// Rewrites the planned sites of one deployment file. `None` when the file isn't a deployment
/// file handled here (docker-compose belongs to the generic rewriter).
/// Sites with strategy `manual` or `skip` are left to the caller.
pub fn rewrite_deploy(path: &Path, text: &str, sites: &[SiteRewrite]) -> Option<Result<FileRewrite, RewriteError>> {
    // The file's own kind: what its sites outside embedded documents say, or its content. A file
    // that is no deployment document itself but holds one (a script) is answered below.
    let embedded = |s: &SiteRewrite| embedded_in_script(s.site.deploy.as_ref());
    let named = sites.iter().filter(|s| !embedded(s)).find_map(|s| s.site.deploy.as_ref()).map(|d| d.kind.as_str());
    let kind = match named {
        Some(k) => DeployKind::from_name(k),
        None => DeployKind::sniff(path, text),
    };
    if kind.is_none() && !sites.iter().any(embedded) {
        return None;
    }
    let mut active: Vec<(usize, &SiteRewrite)> =
        sites.iter().enumerate().filter(|(_, s)| matches!(s.strategy(), Strategy::Env | Strategy::Sdk)).collect();
    for (_, s) in &active {
        let sp = s.site.span;
        if sp.end > text.len() || !text.is_char_boundary(sp.start) || !text.is_char_boundary(sp.end) {
            return Some(Err(RewriteError::Stale {
                path: path.display().to_string(),
                line: s.site.line,
                message: format!("bytes {}..{} are outside the file", sp.start, sp.end),
            }));
        }
    }
    // Entries of a document written inside this file are left with the reference to use; in a
    // file that is no deployment document itself, so is everything else.
    let why = |s: &SiteRewrite| format!("{EMBEDDED_WHY} (valueFrom {})", s.value_from());
    let Some(kind) = kind else {
        let manual = active.iter().map(|(i, s)| (*i, why(s))).collect();
        return Some(Ok(FileRewrite { edits: Vec::new(), manual }));
    };
    let inside: Vec<(usize, String)> = active.iter().filter(|(_, s)| embedded(s)).map(|(i, s)| (*i, why(s))).collect();
    active.retain(|(_, s)| !embedded(s));
    if active.is_empty() {
        return Some(Ok(FileRewrite { edits: Vec::new(), manual: inside }));
    }
    let result = match kind {
        DeployKind::EcsTaskDefinition => taskdef::rewrite(path, text, &active),
        DeployKind::Terraform => terraform::rewrite(path, text, &active),
        DeployKind::CloudFormation => cfn::rewrite(path, text, &active),
        DeployKind::Kubernetes => k8s::rewrite(path, text, &active),
        DeployKind::Dockerfile => dockerfile::rewrite(path, text, &active),
    };
    Some(result.and_then(|r| {
        let edits: Vec<Edit> = r
            .edits
            .into_iter()
            .map(|(span, replacement)| Edit { path: path.to_path_buf(), span, replacement })
            .collect();
        // Never hand the applier edits that can't be applied together.
        crate::model::apply_edits(text.as_bytes(), &edits).map_err(|e| parse_error(path, "edits", e.to_string()))?;
        Ok(FileRewrite { edits, manual: r.manual.into_iter().chain(inside).collect() })
    }))
}

/// A parse error for `path`.
pub(crate) fn parse_error(path: &Path, format: &str, message: impl Into<String>) -> RewriteError {
    RewriteError::Parse { path: path.display().to_string(), format: format.into(), message: message.into() }
}

#[cfg(test)]
mod tests;
