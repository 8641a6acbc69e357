//! The upload step of `apply`: creates each secret (or finds the one hoist created before with the
//! same payload) and records its full ARN in `.hoist/state.yaml` after each secret, so an
//! interrupted run resumes. Deterministic client request tokens (HMAC keyed by the plan's salt)
//! make a retried create idempotent.

use crate::Ui;
use crate::cli::{AwsArgs, UploadOpts};
use crate::model::{Plan, SecretRef, SecretValue, State};
use anyhow::Context;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::DisplayErrorContext;
use aws_sdk_secretsmanager::types::Tag;
use std::collections::BTreeMap;
use std::path::Path;

/// Uploads the given secrets' payloads and returns the updated state (also written to disk).
pub fn upload(
    root: &Path,
    plan: &Plan,
    payloads: &[(String, BTreeMap<String, SecretValue>)],
    aws: &AwsArgs,
    opts: &UploadOpts,
    ui: &mut Ui<'_>,
) -> anyhow::Result<State> {
    let fp = super::super::diff::fingerprinter(plan)?;
    let (rt, client) = super::super::run::secrets_client(aws)?;
    let mut state = super::super::diff::load_state(root)?;
    state.version = state.version.max(1);
    let region = client.config().region().map(|r| r.to_string());
    for (name, values) in payloads {
        let secret = plan.secrets.iter().find(|s| &s.name == name).expect("payloads come from the plan");
        let text = match secret.shape {
            crate::model::Shape::Json => {
                let map: BTreeMap<&str, &str> = values.iter().map(|(k, v)| (k.as_str(), v.expose())).collect();
                serde_json::to_string(&map)?
            }
            _ => values.values().next().map(|v| v.expose().to_string()).unwrap_or_default(),
        };
        crate::plan::check_payload_size(name, text.len()).map_err(|e| anyhow::anyhow!("{e}"))?;
        let token = hex::encode(&fp.mac(&[b"client-request-token", name.as_bytes(), text.as_bytes()])[..16]);
        let (arn, version, what) = rt.block_on(create_or_reuse(&client, secret, &text, &token, opts.update))?;
        writeln!(ui.err, "hoist: {what}: {name}")?;
        state
            .secrets
            .insert(name.clone(), SecretRef { name: name.clone(), arn, version_id: version, region: region.clone() });
        save_state(root, &state)?;
    }
    Ok(state)
}

async fn create_or_reuse(
    client: &Client,
    secret: &crate::model::PlannedSecret,
    text: &str,
    token: &str,
    update: bool,
) -> anyhow::Result<(String, String, &'static str)> {
    let mut tags: Vec<Tag> = secret.tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect();
    if !secret.tags.contains_key("managed-by") {
        tags.push(Tag::builder().key("managed-by").value("hoist").build());
    }
    let req = client
        .create_secret()
        .name(&secret.name)
        .secret_string(text)
        .client_request_token(token)
        .set_tags(Some(tags))
        .set_description(secret.description.clone())
        .set_kms_key_id(secret.kms_key_id.clone());
    match req.send().await {
        Ok(out) => Ok((out.arn.unwrap_or_default(), out.version_id.unwrap_or_default(), "created")),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_exists_exception()) => {
            let d = client
                .describe_secret()
                .secret_id(&secret.name)
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("DescribeSecret {}: {}", secret.name, DisplayErrorContext(e)))?;
            let ours = d.tags().iter().any(|t| t.key() == Some("managed-by") && t.value() == Some("hoist"));
            if !ours {
                anyhow::bail!(
                    "secret {} already exists and hoist did not create it (no managed-by=hoist tag); rename it in the plan",
                    secret.name
                );
            }
            let arn = d.arn.unwrap_or_default();
            let current = client
                .get_secret_value()
                .secret_id(&arn)
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("GetSecretValue {}: {}", secret.name, DisplayErrorContext(e)))?;
            if current.secret_string() == Some(text) {
                return Ok((arn, current.version_id.unwrap_or_default(), "unchanged"));
            }
            if !update {
                anyhow::bail!(
                    "secret {} exists with a different value; pass --update to put a new version",
                    secret.name
                );
            }
            let put = client
                .put_secret_value()
                .secret_id(&arn)
                .secret_string(text)
                .client_request_token(token)
                .send()
                .await
                .map_err(|e| anyhow::anyhow!("PutSecretValue {}: {}", secret.name, DisplayErrorContext(e)))?;
            Ok((arn, put.version_id.unwrap_or_default(), "updated"))
        }
        Err(e) => Err(anyhow::anyhow!("CreateSecret {}: {}", secret.name, DisplayErrorContext(e))),
    }
}

fn save_state(root: &Path, state: &State) -> anyhow::Result<()> {
    let path = root.join(super::super::diff::STATE_FILE);
    let text = format!(
        "# hoist upload state: secret names and full ARNs (no values). Commit it.\n{}",
        serde_yaml::to_string(state)?
    );
    crate::rewrite::write::write_atomic(&path, text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}
