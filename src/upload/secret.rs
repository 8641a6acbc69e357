//! Creating or reconciling one secret. Look first (DescribeSecret), create with the deterministic
//! token when absent (and reconcile on a `ResourceExistsException` race); when present, look at what
//! is there: ours with the same payload → unchanged, ours
//! with another payload → a new version only when asked, anyone else's → refused.

use super::{Body, MANAGED_BY_KEY, MANAGED_BY_VALUE, Tokens, UploadItem};
use crate::model::SecretRef;
use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::primitives::Blob;
use aws_sdk_secretsmanager::types::{ReplicaRegionType, RotationRulesType, Tag};
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// What happened to one secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Created now.
    Created,
    /// A new version was stored (`--update`).
    Updated,
    /// Already there with this payload.
    Unchanged,
}

/// A finished secret: what happened, where it is, and notes for the user (no values).
#[derive(Clone, Debug)]
pub struct Done {
    /// What happened.
    pub outcome: Outcome,
    /// Name, ARN as returned, current version.
    pub reference: SecretRef,
    /// Things worth saying (rotation skipped, policy set…).
    pub notes: Vec<String>,
}

/// Why one secret failed. Messages name the secret and never hold a value.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The name belongs to a secret hoist did not create.
    #[error(
        "{0}: a secret with this name already exists and hoist did not create it (no managed-by=hoist \
         tag); hoist never overwrites it. Choose another name in the plan, or deal with the existing \
         secret yourself"
    )]
    Foreign(String),
    /// Ours, with another value, and `--update` not given.
    #[error(
        "{0}: the secret exists (created by hoist) but holds a different value than the plan; re-run with \
         --update to store the plan's value as a new version"
    )]
    Changed(String),
    /// The name is reserved by a secret pending deletion.
    #[error(
        "{0}: a secret with this name is scheduled for deletion; restore it with `aws secretsmanager \
         restore-secret --secret-id {0}` (then re-run), or choose another name in the plan"
    )]
    ScheduledForDeletion(String),
    /// No connection to Secrets Manager, or no answer in time (after the SDK's retries): the
    /// batch stops starting other secrets.
    #[error("{name}: {op} failed: {message}")]
    Unreachable {
        /// The secret.
        name: String,
        /// The operation.
        op: &'static str,
        /// The transport problem, one line.
        message: String,
    },
    /// Not attempted: an earlier call found the endpoint unreachable.
    #[error("{0}: not attempted (Secrets Manager was unreachable)")]
    NotTried(String),
    /// An API call failed (after the SDK's retries).
    #[error("{name}: {op} failed: {message}")]
    Api {
        /// The secret.
        name: String,
        /// The operation.
        op: &'static str,
        /// Error code and message from the service, or the transport error.
        message: String,
    },
}

/// What a rotation schedule needs.
#[derive(Clone, Debug)]
pub struct Rotation {
    /// The rotation Lambda.
    pub lambda_arn: String,
    /// Days between rotations.
    pub after_days: i64,
}

/// Per-run settings shared by every secret.
#[derive(Debug)]
pub struct Context {
    /// The client.
    pub client: Client,
    /// Region recorded in the state.
    pub region: String,
    /// Token maker keyed by the plan's salt.
    pub tokens: Tokens,
    /// Store a new version when our secret holds another value.
    pub update: bool,
    /// Resource policy (JSON) to put on every secret.
    pub resource_policy: Option<String>,
    /// Regions to replicate new secrets to.
    pub replica_regions: Vec<String>,
    /// Rotation for database-shaped secrets.
    pub rotation: Option<Rotation>,
    /// Paces write calls under the account's write quota.
    pub writes: Pacer,
}

/// Spaces write calls at least `interval` apart across all tasks (a simple leaky bucket).
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    /// At most `per_second` calls per second.
    pub fn new(per_second: u32) -> Self {
        Self { interval: Duration::from_secs(1) / per_second.max(1), next: Mutex::new(Instant::now()) }
    }

    /// Waits for the next slot.
    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

fn api<E>(name: &str, op: &'static str, e: &SdkError<E>) -> UploadError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    // hostile's classification (one line, never the response body), history's wording for access
    // denied (names the action and the resource).
    let (fault, message) = super::fault::describe(e);
    let message = match e.code() {
        Some(c) if c.contains("AccessDenied") || c == "UnauthorizedOperation" => {
            super::client::describe_api_error(op, name, e.code(), e.message(), &String::new)
        }
        _ => message,
    };
    match fault {
        super::fault::Fault::Unreachable => UploadError::Unreachable { name: name.to_string(), op, message },
        _ => UploadError::Api { name: name.to_string(), op, message },
    }
}

fn scheduled_for_deletion(message: Option<&str>) -> bool {
    message.is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("scheduled for deletion") || m.contains("marked for deletion") || m.contains("marked deleted")
    })
}

/// Creates or reconciles one secret. `known` is its entry in the state of an earlier run.
pub async fn upload_one(ctx: &Context, item: &UploadItem, known: Option<&SecretRef>) -> Result<Done, UploadError> {
    let token = ctx.tokens.create(&item.name, &item.body);
    // Look before creating (a cheap read, on the 10,000/s quota). A create with a token the secret
    // already has "succeeds" without changing anything, so creating blindly would report a secret
    // as created when it was not, and would silently accept a value going back to an earlier
    // version without making it current. The state's ARN is tried first (resume), then the name.
    let mut found = None;
    if let Some(known) = known {
        found = describe(ctx, &item.name, &known.arn).await?;
    }
    if found.is_none() {
        found = describe(ctx, &item.name, &item.name).await?;
    }
    if let Some(d) = found {
        return reconcile(ctx, item, &token, d).await;
    }
    ctx.writes.wait().await;
    let mut req = ctx
        .client
        .create_secret()
        .name(&item.name)
        .client_request_token(&token)
        .set_description(item.description.clone())
        .set_kms_key_id(item.kms_key_id.clone())
        .set_tags(Some(item.tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()));
    req = match &item.body {
        Body::String(s) => req.secret_string(s.expose()),
        Body::Binary(b) => req.secret_binary(Blob::new(b.clone())),
    };
    for r in &ctx.replica_regions {
        req = req.add_replica_regions(ReplicaRegionType::builder().region(r).build());
    }
    match req.send().await {
        Ok(out) => {
            let arn = out.arn().unwrap_or_default().to_string();
            let version_id = out.version_id().unwrap_or(&token).to_string();
            let mut notes = Vec::new();
            after_write(ctx, item, &arn, true, &mut notes).await?;
            Ok(Done { outcome: Outcome::Created, reference: reference(ctx, item, arn, version_id), notes })
        }
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_exists_exception()) => {
            match describe(ctx, &item.name, &item.name).await? {
                Some(d) => reconcile(ctx, item, &token, d).await,
                None => Err(api(&item.name, "CreateSecret", &e)),
            }
        }
        Err(e)
            if e.as_service_error().is_some_and(|s| s.is_invalid_request_exception())
                && scheduled_for_deletion(e.message()) =>
        {
            Err(UploadError::ScheduledForDeletion(item.name.clone()))
        }
        Err(e) => Err(api(&item.name, "CreateSecret", &e)),
    }
}

async fn describe(ctx: &Context, name: &str, id: &str) -> Result<Option<DescribeSecretOutput>, UploadError> {
    match ctx.client.describe_secret().secret_id(id).send().await {
        Ok(d) => Ok(Some(d)),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => Ok(None),
        Err(e) => Err(api(name, "DescribeSecret", &e)),
    }
}

async fn reconcile(
    ctx: &Context,
    item: &UploadItem,
    token: &str,
    d: DescribeSecretOutput,
) -> Result<Done, UploadError> {
    let name = &item.name;
    if d.deleted_date().is_some() {
        return Err(UploadError::ScheduledForDeletion(name.clone()));
    }
    let ours = d.tags().iter().any(|t| t.key() == Some(MANAGED_BY_KEY) && t.value() == Some(MANAGED_BY_VALUE));
    if !ours {
        return Err(UploadError::Foreign(name.clone()));
    }
    let arn = d.arn().unwrap_or_default().to_string();
    let current = d
        .version_ids_to_stages()
        .and_then(|m| m.iter().find(|(_, stages)| stages.iter().any(|s| s == "AWSCURRENT")).map(|(v, _)| v.clone()))
        .unwrap_or_default();
    let mut notes = Vec::new();
    // Our create token as the current version means this very payload: no need to read the value.
    let same = current == token || same_payload(ctx, item, &arn).await?;
    if same {
        after_write(ctx, item, &arn, false, &mut notes).await?;
        return Ok(Done { outcome: Outcome::Unchanged, reference: reference(ctx, item, arn, current), notes });
    }
    if !ctx.update {
        return Err(UploadError::Changed(name.clone()));
    }
    let put_token = ctx.tokens.update(name, &item.body, &current);
    ctx.writes.wait().await;
    let req = ctx.client.put_secret_value().secret_id(&arn).client_request_token(&put_token);
    let req = match &item.body {
        Body::String(s) => req.secret_string(s.expose()),
        Body::Binary(b) => req.secret_binary(Blob::new(b.clone())),
    };
    let out = req.send().await.map_err(|e| api(name, "PutSecretValue", &e))?;
    let version_id = out.version_id().unwrap_or(&put_token).to_string();
    after_write(ctx, item, &arn, false, &mut notes).await?;
    Ok(Done { outcome: Outcome::Updated, reference: reference(ctx, item, arn, version_id), notes })
}

/// Compares the current server value with ours (as JSON objects for JSON payloads, so a key order
/// or spacing written by another client doesn't count as a change).
async fn same_payload(ctx: &Context, item: &UploadItem, arn: &str) -> Result<bool, UploadError> {
    let got = match ctx.client.get_secret_value().secret_id(arn).send().await {
        Ok(g) => g,
        // A secret with no current value (created without one) is simply not the same.
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => return Ok(false),
        Err(e) => return Err(api(&item.name, "GetSecretValue", &e)),
    };
    Ok(match (&item.body, got.secret_string(), got.secret_binary()) {
        (Body::String(ours), Some(theirs), _) if item.json => {
            match (
                serde_json::from_str::<serde_json::Value>(ours.expose()),
                serde_json::from_str::<serde_json::Value>(theirs),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => ours.expose() == theirs,
            }
        }
        (Body::String(ours), Some(theirs), _) => ours.expose() == theirs,
        (Body::Binary(ours), _, Some(theirs)) => ours.as_slice() == theirs.as_ref(),
        _ => false,
    })
}

/// Resource policy and rotation, after the value is in place.
async fn after_write(
    ctx: &Context,
    item: &UploadItem,
    arn: &str,
    created: bool,
    notes: &mut Vec<String>,
) -> Result<(), UploadError> {
    if let Some(policy) = &ctx.resource_policy {
        ctx.writes.wait().await;
        ctx.client
            .put_resource_policy()
            .secret_id(arn)
            .resource_policy(policy)
            .block_public_policy(true)
            .send()
            .await
            .map_err(|e| api(&item.name, "PutResourcePolicy", &e))?;
    }
    if let (Some(rot), true) = (&ctx.rotation, created) {
        if !item.database {
            notes.push("rotation not set: not a database secret".into());
            return Ok(());
        }
        ctx.writes.wait().await;
        // Not immediately: the old value is still in the code until the rewrite is deployed.
        ctx.client
            .rotate_secret()
            .secret_id(arn)
            .rotation_lambda_arn(&rot.lambda_arn)
            .rotation_rules(RotationRulesType::builder().automatically_after_days(rot.after_days).build())
            .rotate_immediately(false)
            .send()
            .await
            .map_err(|e| api(&item.name, "RotateSecret", &e))?;
        notes.push(format!("rotation every {} days", rot.after_days));
    }
    Ok(())
}

fn reference(ctx: &Context, item: &UploadItem, arn: String, version_id: String) -> SecretRef {
    SecretRef { name: item.name.clone(), arn, version_id, region: Some(ctx.region.clone()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deletion_messages_are_recognised() {
        assert!(scheduled_for_deletion(Some(
            "You can't create this secret because a secret with this name is already scheduled for deletion."
        )));
        assert!(scheduled_for_deletion(Some(
            "You tried to perform the operation on a secret that's currently marked deleted."
        )));
        assert!(!scheduled_for_deletion(Some("The parameter RotationRules is not valid")));
        assert!(!scheduled_for_deletion(None));
    }

    #[tokio::test]
    async fn the_pacer_spaces_writes() {
        let p = Pacer::new(100);
        let start = Instant::now();
        for _ in 0..11 {
            p.wait().await;
        }
        // 11 writes at 100/s: the last one starts at least 100 ms after the first.
        assert!(start.elapsed() >= Duration::from_millis(100), "{:?}", start.elapsed());
    }
}
