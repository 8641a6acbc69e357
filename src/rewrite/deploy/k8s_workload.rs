//! Kubernetes workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ReplicaSet): a
//! literal container `env` value becomes `valueFrom.secretKeyRef` to a Secret that an
//! `ExternalSecret` hoist adds after the workload (one per workload and namespace, named
//! `{workload}-hoist`) recreates from Secrets Manager by full ARN.

use super::k8s::{STORE, q};
use super::tree::{Node, NodeKind, Style, line_start};
use crate::model::{Shape, Span};
use crate::rewrite::SiteRewrite;

/// Workload kinds whose pod templates hold containers.
pub const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"];

/// What rewriting one workload document produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// (span, replacement) edits inside the document, and the insertion of the ExternalSecret.
    pub edits: Vec<(Span, String)>,
    /// Sites handled.
    pub done: Vec<usize>,
    /// Sites left to the user, with the reason.
    pub manual: Vec<(usize, String)>,
}

/// The name of the Secret (and ExternalSecret) hoist generates for a workload.
pub fn secret_name(workload: &str) -> String {
    format!("{workload}-hoist")
}

/// Rewrites the planned `env` values of one workload document (`doc` spans `body`).
pub fn rewrite(text: &str, doc: &Node, body: Span, sites: &[(usize, &SiteRewrite)]) -> Outcome {
    let mut out = Outcome::default();
    let kind = doc.get("kind").and_then(Node::str).unwrap_or("");
    let meta = doc.get("metadata");
    let Some(workload) = meta.and_then(|m| m.get("name")).and_then(Node::str) else {
        for (i, s) in sites {
            out.manual
                .push((*i, format!("the {kind} has no literal metadata.name; reference {} by hand", s.value_from())));
        }
        return out;
    };
    let namespace = meta.and_then(|m| m.get("namespace")).and_then(Node::str);
    let target = secret_name(workload);
    // (Secret key, site) for the ExternalSecret, in file order.
    let mut data: Vec<(String, &SiteRewrite)> = Vec::new();
    let mut containers: Vec<&Node> = Vec::new();
    doc.walk(&mut |n, path| {
        if matches!(path.last(), Some(&"containers") | Some(&"initContainers")) {
            containers.extend(n.items().iter().filter(|i| matches!(i.kind, NodeKind::Map(_))));
        }
    });
    for c in containers {
        for item in c.get("env").map(Node::items).unwrap_or_default() {
            let Some(value) = item.entry("value") else { continue };
            let hits: Vec<&(usize, &SiteRewrite)> =
                sites.iter().filter(|(_, s)| value.value.span.contains(&s.site.span)).collect();
            let [(idx, s)] = hits.as_slice() else {
                for (idx, s) in hits {
                    out.manual.push((
                        *idx,
                        format!(
                            "the env value holds more than the secret; store the whole value and reference {}",
                            s.value_from()
                        ),
                    ));
                }
                continue;
            };
            let Some(name) = item.get("name").and_then(Node::str) else {
                out.manual.push((*idx, "the env entry has no literal name".into()));
                continue;
            };
            if value.value.inner() != Some(s.site.span) {
                out.manual.push((
                    *idx,
                    format!(
                        "the env value holds more than the secret; store the whole value and reference {}",
                        s.value_from()
                    ),
                ));
                continue;
            }
            // One Secret key per variable; a second container with the same variable and the same
            // source shares it, a different source is left to the user.
            match data.iter().find(|(k, _)| k == name) {
                Some((_, o)) if o.arn != s.arn || o.key != s.key => {
                    out.manual.push((
                        *idx,
                        format!(
                            "another container's {name} comes from another secret; reference {} by hand",
                            s.value_from()
                        ),
                    ));
                    continue;
                }
                Some(_) => {}
                None => data.push((name.to_string(), s)),
            }
            if item.style != Style::YamlBlock {
                out.manual.push((
                    *idx,
                    format!("a flow-style env entry; write valueFrom.secretKeyRef to {} by hand", s.value_from()),
                ));
                continue;
            }
            // The new lines continue at the `value` key's column (after `- ` when it comes first).
            let pad = " ".repeat(value.key_span.start - line_start(text, value.key_span.start));
            out.edits.push((
                value.span,
                format!("valueFrom:\n{pad}  secretKeyRef:\n{pad}    name: {}\n{pad}    key: {}", q(&target), q(name)),
            ));
            out.done.push(*idx);
        }
    }
    for (i, s) in sites {
        if !out.done.contains(i) && !out.manual.iter().any(|(m, _)| m == i) {
            out.manual
                .push((*i, format!("not a container env value of this {kind}; reference {} by hand", s.value_from())));
        }
    }
    if data.is_empty() {
        return out;
    }
    let mut y = String::new();
    y.push_str(&format!(
        "# Added by hoist: the External Secrets Operator creates Secret {target} for {kind} {workload}\n"
    ));
    y.push_str(&format!(
        "# from AWS Secrets Manager (ClusterSecretStore {STORE}, provider aws, service SecretsManager).\n"
    ));
    y.push_str(&super::k8s::external_secret_head(&target, namespace));
    y.push_str("  data:\n");
    for (k, s) in &data {
        y.push_str(&format!(
            "    - secretKey: {}\n      remoteRef:\n        key: {}\n",
            q(k),
            serde_json::to_string(&s.arn).expect("strings serialize")
        ));
        if s.shape == Shape::Json {
            y.push_str(&format!("        property: {}\n", q(s.key)));
        }
    }
    let at = body.end;
    let insert =
        if text[..at].ends_with('\n') { format!("---\n{y}") } else { format!("\n---\n{}", y.trim_end_matches('\n')) };
    out.edits.push((Span::new(at, at), insert));
    out
}
