//! The least-privilege IAM policy for ECS task execution roles: `secretsmanager:GetSecretValue`
//! on exactly the secret ARNs each task definition references (its `valueFrom`s, plus planned
//! moves not applied yet), and `kms:Decrypt` via Secrets Manager for customer keys.

use super::cfn::{task_definitions, template_tree};
use super::tree::{Node, NodeKind, parse};
use super::{DeployKind, refs};
use crate::model::{Plan, Span, State, Strategy};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One task definition and the secrets it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDef {
    /// File, relative to the repository.
    pub path: PathBuf,
    /// Family, resource id or Terraform label.
    pub name: String,
    /// The execution role as written (ARN, `!GetAtt X.Arn`, `aws_iam_role.x.arn`), if any.
    pub role: Option<String>,
    /// Secret ARNs (without key/stage/version fields).
    pub arns: BTreeSet<String>,
}

/// The policy for one execution role.
#[derive(Clone, Debug)]
pub struct RolePolicy {
    /// The role as written, or `None` for task definitions without one.
    pub role: Option<String>,
    /// The task definitions using it: (path, name).
    pub task_definitions: Vec<(PathBuf, String)>,
    /// The IAM policy document.
    pub document: Value,
    /// Secret ARNs in the document.
    pub arns: BTreeSet<String>,
}

/// The ARN a planned secret has (from the state) or will have (`NAME-??????` pattern).
pub fn planned_arn(name: &str, state: &State) -> String {
    match state.secrets.get(name) {
        Some(r) => r.arn.clone(),
        None => format!("arn:aws:secretsmanager:*:*:secret:{name}-??????"),
    }
}

/// The task definitions in one file, with the secrets they reference. `planned` holds the
/// spans of planned sites in this file and their secret ARNs.
pub fn task_defs_in(rel: &Path, text: &str, planned: &[(Span, String)]) -> Vec<TaskDef> {
    let kind = DeployKind::sniff(rel, text);
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("task").to_string();
    let mut found: Vec<(Span, String, Option<String>)> = Vec::new();
    match kind {
        Some(DeployKind::EcsTaskDefinition) => {
            if let Ok(root) = super::taskdef::task_tree(rel, text) {
                root.walk(&mut |n, _| {
                    if n.get("containerDefinitions").is_some() {
                        let name =
                            n.get("family").and_then(Node::str).map(str::to_string).unwrap_or_else(|| stem.clone());
                        found.push((n.span, name, n.get("executionRoleArn").and_then(Node::str).map(str::to_string)));
                    }
                });
                if found.is_empty()
                    && matches!(root.kind, NodeKind::Seq { .. })
                    && !super::taskdef::containers(&root).is_empty()
                {
                    found.push((root.span, stem.clone(), None));
                }
            }
        }
        Some(DeployKind::CloudFormation) => {
            if let Ok(root) = template_tree(rel, text) {
                for (id, td) in task_definitions(&root) {
                    let role = td
                        .get("Properties")
                        .and_then(|p| p.get("ExecutionRoleArn"))
                        .map(|r| text[r.span.start..r.span.end].trim().to_string());
                    found.push((td.span, id.to_string(), role));
                }
            }
        }
        Some(DeployKind::Terraform) => found.extend(terraform_task_defs(text)),
        _ => {}
    }
    found
        .into_iter()
        .map(|(span, name, role)| {
            let mut arns: BTreeSet<String> = refs::find(&text[span.start..span.end])
                .into_iter()
                .filter(|f| f.kind == refs::RefKind::ValueFrom)
                .filter_map(|f| refs::secret_arn_of(&f.text))
                .collect();
            arns.extend(planned.iter().filter(|(s, _)| span.contains(s)).map(|(_, a)| a.clone()));
            TaskDef { path: rel.to_path_buf(), name, role, arns }
        })
        .collect()
}

/// `resource "aws_ecs_task_definition" "x"` blocks: span, label, execution role expression.
fn terraform_task_defs(text: &str) -> Vec<(Span, String, Option<String>)> {
    let Some(t) = parse(text, tree_sitter_hcl::LANGUAGE.into()) else { return vec![] };
    let mut out = Vec::new();
    let mut stack = vec![t.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "block" {
            let mut c = n.walk();
            let kids: Vec<_> = n.named_children(&mut c).collect();
            let word = |i: usize| kids.get(i).map(|k| text[k.byte_range()].trim_matches('"').to_string());
            if word(0).as_deref() == Some("resource") && word(1).as_deref() == Some("aws_ecs_task_definition") {
                let role = kids.iter().find(|k| k.kind() == "body").and_then(|b| {
                    let mut c = b.walk();
                    b.named_children(&mut c)
                        .find(|a| {
                            a.kind() == "attribute"
                                && a.named_child(0).is_some_and(|i| &text[i.byte_range()] == "execution_role_arn")
                        })
                        .and_then(|a| a.named_child(1))
                        .map(|e| text[e.byte_range()].trim_matches('"').to_string())
                });
                out.push((Span::new(n.start_byte(), n.end_byte()), word(2).unwrap_or_default(), role));
                continue;
            }
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    out
}

/// The planned sites of a plan, by file: (span, secret ARN). Only sites hoist moves.
pub fn planned_by_file(plan: &Plan, state: &State) -> BTreeMap<PathBuf, Vec<(Span, String)>> {
    let mut m: BTreeMap<PathBuf, Vec<(Span, String)>> = BTreeMap::new();
    for (secret, _, site) in plan.sites() {
        if matches!(site.strategy, Strategy::Env | Strategy::Sdk) {
            m.entry(site.path.clone()).or_default().push((site.span, planned_arn(&secret.name, state)));
        }
    }
    m
}

/// Groups task definitions by execution role and builds each role's policy document.
/// `kms_of` maps a secret ARN to the customer KMS key its secret uses, if any.
pub fn role_policies(defs: &[TaskDef], kms_of: &dyn Fn(&str) -> Option<String>) -> Vec<RolePolicy> {
    let mut groups: BTreeMap<Option<String>, Vec<&TaskDef>> = BTreeMap::new();
    for d in defs.iter().filter(|d| !d.arns.is_empty()) {
        groups.entry(d.role.clone()).or_default().push(d);
    }
    groups
        .into_iter()
        .map(|(role, ds)| {
            let arns: BTreeSet<String> = ds.iter().flat_map(|d| d.arns.iter().cloned()).collect();
            let keys: BTreeMap<String, String> =
                arns.iter().filter_map(|a| kms_of(a).map(|k| (a.clone(), k))).collect();
            RolePolicy {
                role,
                task_definitions: ds.iter().map(|d| (d.path.clone(), d.name.clone())).collect(),
                document: document(&arns, &keys),
                arns,
            }
        })
        .collect()
}

/// The policy document: GetSecretValue on `arns`; kms:Decrypt through Secrets Manager on the
/// customer keys (`keys`: secret ARN → key id, ARN or alias).
pub fn document(arns: &BTreeSet<String>, keys: &BTreeMap<String, String>) -> Value {
    let mut statements = vec![json!({
        "Sid": "HoistReadSecrets",
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": arns.iter().collect::<Vec<_>>(),
    })];
    let mut key_arns: BTreeSet<String> = BTreeSet::new();
    let mut aliases: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut services: BTreeSet<String> = BTreeSet::new();
    for (secret, key) in keys {
        let p: Vec<&str> = secret.split(':').collect();
        let (region, account) = (p.get(3).copied().unwrap_or("*"), p.get(4).copied().unwrap_or("*"));
        services.insert(format!("secretsmanager.{region}.amazonaws.com"));
        if let Some(alias) = key
            .strip_prefix("alias/")
            .map(|a| format!("alias/{a}"))
            .or_else(|| key.split_once(":alias/").map(|(_, a)| format!("alias/{a}")))
        {
            aliases.entry(alias).or_default().insert(format!("arn:aws:kms:{region}:{account}:key/*"));
        } else if key.starts_with("arn:") {
            key_arns.insert(key.clone());
        } else {
            key_arns.insert(format!("arn:aws:kms:{region}:{account}:key/{key}"));
        }
    }
    let via = json!({ "kms:ViaService": services.iter().collect::<Vec<_>>() });
    if !key_arns.is_empty() {
        statements.push(json!({
            "Sid": "HoistDecryptSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": key_arns.iter().collect::<Vec<_>>(),
            "Condition": { "StringEquals": via },
        }));
    }
    for (i, (alias, res)) in aliases.iter().enumerate() {
        statements.push(json!({
            "Sid": format!("HoistDecryptSecretsAlias{}", i + 1),
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": res.iter().collect::<Vec<_>>(),
            "Condition": {
                "StringEquals": via,
                "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias },
            },
        }));
    }
    json!({ "Version": "2012-10-17", "Statement": statements })
}

/// The `kms_of` lookup for a plan: secret ARN → the plan's kms_key_id for that secret.
pub fn kms_lookup<'a>(plan: Option<&'a Plan>, state: &'a State) -> impl Fn(&str) -> Option<String> + 'a {
    move |arn: &str| {
        let plan = plan?;
        let name = state.secrets.values().find(|r| r.arn == arn).map(|r| r.name.clone()).or_else(|| {
            let tail = arn.splitn(7, ':').nth(6)?;
            Some(tail.get(..tail.len().checked_sub(7)?)?.to_string())
        })?;
        plan.secrets.iter().find(|s| s.name == name).and_then(|s| s.kms_key_id.clone())
    }
}

/// A Terraform `aws_iam_role_policy` for one role policy.
pub fn terraform_snippet(p: &RolePolicy, index: usize) -> String {
    let slug = p.role.as_deref().map(role_slug).unwrap_or_else(|| format!("task_{index}"));
    let role = match p.role.as_deref() {
        Some(r) if r.starts_with("aws_iam_role.") && r.ends_with(".arn") => format!("{}.id", &r[..r.len() - 4]),
        Some(r) if r.starts_with("arn:") => {
            serde_json::to_string(r.rsplit('/').next().unwrap_or(r)).expect("strings serialize")
        }
        Some(r) => format!("\"\" # set to the role behind {r}"),
        None => "\"\" # these task definitions have no execution role: create one".into(),
    };
    let body = serde_json::to_string_pretty(&p.document).expect("json serializes");
    let body: String = body.lines().map(|l| format!("    {l}\n")).collect();
    format!(
        "resource \"aws_iam_role_policy\" \"hoist_secrets_{slug}\" {{\n  name   = \"hoist-secrets-{}\"\n  role   = {role}\n  policy = <<-EOT\n{body}  EOT\n}}\n",
        slug.replace('_', "-")
    )
}

/// A short identifier for a role expression.
pub fn role_slug(role: &str) -> String {
    let base = role.trim_end_matches(".arn").trim_end_matches(".Arn").rsplit(['/', '.', ' ']).next().unwrap_or(role);
    let s: String =
        base.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if s.is_empty() { "role".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_names_exact_arns_and_kms_keys() {
        let a = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf".to_string();
        let b = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/api-??????".to_string();
        let arns: BTreeSet<String> = [a.clone(), b.clone()].into();
        let keys: BTreeMap<String, String> =
            [(a.clone(), "1234abcd-12ab-34cd-56ef-1234567890ab".into()), (b.clone(), "alias/app".into())].into();
        let d = document(&arns, &keys);
        assert_eq!(d["Statement"][0]["Resource"], json!([b, a]));
        assert_eq!(
            d["Statement"][1]["Resource"],
            json!(["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"])
        );
        assert_eq!(
            d["Statement"][1]["Condition"]["StringEquals"]["kms:ViaService"],
            json!(["secretsmanager.us-east-1.amazonaws.com"])
        );
        assert_eq!(
            d["Statement"][2]["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"],
            json!("alias/app")
        );
        let no_kms = document(&arns, &BTreeMap::new());
        assert_eq!(no_kms["Statement"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn terraform_snippet_parses() {
        let p = RolePolicy {
            role: Some("aws_iam_role.ecs_execution.arn".into()),
            task_definitions: vec![],
            document: document(
                &["arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf".to_string()].into(),
                &BTreeMap::new(),
            ),
            arns: BTreeSet::new(),
        };
        let s = terraform_snippet(&p, 0);
        assert!(s.contains("role   = aws_iam_role.ecs_execution.id"), "{s}");
        let t = parse(&s, tree_sitter_hcl::LANGUAGE.into()).unwrap();
        assert!(!t.root_node().has_error(), "{s}");
    }
}
