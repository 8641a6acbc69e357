//! Kubernetes: a `Secret` manifest with hardcoded `data`/`stringData` becomes an External Secrets
//! Operator `ExternalSecret` that recreates the same Secret (name, namespace, type, keys) from
//! Secrets Manager by full ARN. Other documents of a multi-document file stay byte-identical.

use super::Rewritten;
use super::tree::{Node, from_yaml, parse};
use crate::model::{Shape, Span};
use crate::rewrite::{RewriteError, SiteRewrite};
use std::path::Path;

/// The ClusterSecretStore the generated ExternalSecrets point at.
pub const STORE: &str = "aws-secrets-manager";

/// Rewrites one manifest file.
pub fn rewrite(path: &Path, text: &str, sites: &[(usize, &SiteRewrite)]) -> Result<Rewritten, RewriteError> {
    let tree = parse(text, tree_sitter_yaml::LANGUAGE.into())
        .ok_or_else(|| super::parse_error(path, "yaml", "parser failed"))?;
    if tree.root_node().has_error() {
        return Err(super::parse_error(path, "yaml", "the manifest doesn't parse"));
    }
    let mut out = Rewritten::default();
    let root = tree.root_node();
    let mut c = root.walk();
    let mut claimed: Vec<usize> = Vec::new();
    for doc in root.named_children(&mut c).filter(|d| d.kind() == "document") {
        let mut c2 = doc.walk();
        let Some(body) = doc.named_children(&mut c2).find(|n| n.kind() == "block_node") else { continue };
        let span = Span::new(body.start_byte(), body.end_byte());
        let inside: Vec<(usize, &SiteRewrite)> =
            sites.iter().filter(|(_, s)| span.contains(&s.site.span)).map(|(i, s)| (*i, *s)).collect();
        if inside.is_empty() {
            continue;
        }
        claimed.extend(inside.iter().map(|(i, _)| *i));
        let node = from_yaml(body, text);
        let kind = node.get("kind").and_then(Node::str).unwrap_or("");
        if super::k8s_workload::WORKLOADS.contains(&kind) {
            let w = super::k8s_workload::rewrite(text, &node, span, &inside);
            out.edits.extend(w.edits);
            out.manual.extend(w.manual);
            continue;
        }
        match external_secret(&node, &inside) {
            Ok(yaml) => {
                let nl = if text[span.start..span.end].ends_with('\n') { "\n" } else { "" };
                out.edits.push((span, format!("{}{nl}", yaml.trim_end_matches('\n'))));
            }
            Err(why) => {
                out.manual.extend(inside.iter().map(|(i, s)| (*i, format!("{why}; the secret is {}", s.value_from()))))
            }
        }
    }
    for (i, s) in sites {
        if !claimed.contains(i) {
            out.manual
                .push((*i, format!("not inside a YAML document hoist can read; reference {} by hand", s.value_from())));
        }
    }
    Ok(out)
}

/// The ExternalSecret replacing one Secret document.
fn external_secret(doc: &Node, sites: &[(usize, &SiteRewrite)]) -> Result<String, String> {
    let kind = doc.get("kind").and_then(Node::str).unwrap_or("");
    if kind != "Secret" {
        return Err(format!(
            "in a Kubernetes {kind}, not a Secret; move the value to a Secret (or ExternalSecret) and reference it with secretKeyRef"
        ));
    }
    let meta = doc.get("metadata");
    let name = meta.and_then(|m| m.get("name")).and_then(Node::str).ok_or("the Secret has no literal metadata.name")?;
    let namespace = meta.and_then(|m| m.get("namespace")).and_then(Node::str);
    let ty = doc.get("type").and_then(Node::str).filter(|t| *t != "Opaque");
    let mut data: Vec<(String, &SiteRewrite)> = Vec::new();
    // Keys the plan doesn't move (`type: postgresql`, a database name): the ExternalSecret's
    // template writes them as they are, so the Secret keeps every key.
    let mut literal: Vec<(String, String)> = Vec::new();
    // Every key in file order with its template text.
    let mut template: Vec<(String, String)> = Vec::new();
    for section in ["data", "stringData"] {
        let Some(map) = doc.get(section) else { continue };
        for e in map.entries() {
            let hit = sites.iter().find(|(_, s)| e.value.span.contains(&s.site.span));
            match hit {
                Some((_, s)) if e.value.inner() == Some(s.site.span) => {
                    if !e.key.chars().all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) {
                        return Err(format!("{section} key {:?} isn't a valid Kubernetes key", e.key));
                    }
                    data.push((e.key.clone(), *s));
                    template.push((e.key.clone(), template_ref(&e.key)));
                }
                Some(_) => return Err(format!("{section}.{} holds more than the secret", e.key)),
                None => {
                    let v = e.value.str().ok_or_else(|| format!("{section}.{} isn't a literal string", e.key))?;
                    let v = if section == "data" {
                        use base64::Engine as _;
                        base64::engine::general_purpose::STANDARD
                            .decode(v.trim())
                            .ok()
                            .and_then(|b| String::from_utf8(b).ok())
                            .ok_or_else(|| format!("data.{} isn't base64 text", e.key))?
                    } else {
                        v.to_string()
                    };
                    if v.contains("{{") || !template_key(&e.key) {
                        return Err(format!(
                            "the Secret also holds key {} that isn't in the plan and can't be templated; add it to the plan",
                            e.key
                        ));
                    }
                    template.push((e.key.clone(), v.clone()));
                    literal.push((e.key.clone(), v));
                }
            }
        }
    }
    if data.is_empty() {
        return Err("the Secret has no literal data or stringData entries".into());
    }
    data.sort_by_key(|(_, s)| s.site.span.start);
    let mut y = String::new();
    y.push_str(&format!(
        "# Moved to AWS Secrets Manager by hoist: the External Secrets Operator recreates Secret {name}\n"
    ));
    y.push_str(&format!(
        "# from it. Needs a ClusterSecretStore named {STORE} (provider aws, service SecretsManager)\n"
    ));
    y.push_str("# whose credentials may call secretsmanager:GetSecretValue on the ARNs below.\n");
    y.push_str(&external_secret_head(name, namespace));
    if ty.is_some() || !literal.is_empty() {
        y.push_str("    template:\n");
    }
    if let Some(t) = ty {
        y.push_str(&format!("      type: {}\n", q(t)));
    }
    if !literal.is_empty() {
        // With a template, the Secret holds exactly the template's keys: the moved ones read
        // back from the fetched data, the others as written before.
        y.push_str("      engineVersion: v2\n      data:\n");
        for (k, v) in &template {
            y.push_str(&format!("        {}: {}\n", q(k), serde_json::to_string(&v).expect("strings serialize")));
        }
    }
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
    Ok(y)
}

/// True when a Secret key can be named in a Go template as `.key`.
/// An `ExternalSecret` manifest up to its `spec.target` (named `name`, in `namespace`, from the
/// ClusterSecretStore hoist documents): what every ExternalSecret hoist generates starts with.
pub(crate) fn external_secret_head(name: &str, namespace: Option<&str>) -> String {
    let mut y = String::from("apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n");
    y.push_str(&format!("  name: {}\n", q(name)));
    if let Some(ns) = namespace {
        y.push_str(&format!("  namespace: {}\n", q(ns)));
    }
    y.push_str("spec:\n  refreshInterval: 1h\n  secretStoreRef:\n    kind: ClusterSecretStore\n");
    y.push_str(&format!("    name: {STORE}\n  target:\n    name: {}\n    creationPolicy: Owner\n", q(name)));
    y
}

/// The Go-template expression that reads remote key `k` in an ExternalSecret template: `.k` for an
/// identifier, `index . "k"` for a Kubernetes key such as `api-token` (`[-._a-zA-Z0-9]`, nothing to
/// escape in a Go string).
fn template_ref(k: &str) -> String {
    if template_key(k) { format!("{{{{ .{k} }}}}") } else { format!("{{{{ index . \"{k}\" }}}}") }
}

fn template_key(k: &str) -> bool {
    k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A YAML scalar: plain when that can't be misread (names, keys), double-quoted otherwise.
pub(crate) fn q(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain { s.to_string() } else { serde_json::to_string(s).expect("strings serialize") }
}
