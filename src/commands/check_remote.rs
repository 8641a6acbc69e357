//! `hoist check --aws`: asks Secrets Manager about every distinct secret the repository
//! references — one `DescribeSecret` per secret (it exists in this session's region, is not
//! scheduled for deletion, has the version id / stage the reference selects), then one
//! `GetSecretValue` per selected version when a reference names a JSON key (the key is there).
//! Counts what it asked, so the summary says how many secrets were verified, never "verified"
//! when nothing was asked.

use crate::cli::AwsArgs;
use crate::model::SecretValue;
use crate::rewrite::deploy::refs::SecretRefParts;
use crate::upload::fault::{self, Fault};
use std::collections::BTreeMap;

/// What the remote check found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// References with a problem, and what it is (one line, never a value).
    pub problems: Vec<(SecretRefParts, String)>,
    /// Distinct secrets asked about.
    pub secrets: usize,
    /// Calls made to Secrets Manager (DescribeSecret + GetSecretValue; SDK retries not counted).
    pub calls: usize,
    /// The session's region.
    pub region: String,
}

/// Asks Secrets Manager about each reference (grouped by secret id). A transport failure (no
/// connection, no answer) ends the check with an error: nothing further can be verified.
pub async fn check(aws: &AwsArgs, refs: Vec<SecretRefParts>) -> anyhow::Result<Outcome> {
    // The upload stage's client: same credentials check, retries and timeouts as every command.
    let conn = crate::upload::connect(&crate::upload::AwsSettings::from_args(aws)).await?;
    let client = conn.client;
    let mut out = Outcome { region: conn.region.clone(), ..Outcome::default() };
    let mut by_id: BTreeMap<String, Vec<SecretRefParts>> = BTreeMap::new();
    for r in refs {
        by_id.entry(r.secret_id.clone()).or_default().push(r);
    }
    for (id, refs) in by_id {
        if let Some(other) = crate::upload::standing::arn_region(&id).filter(|o| *o != conn.region)
            && id.starts_with("arn:")
        {
            let msg = format!("secret {id} is in {other}, but this session is in {}; not checked", conn.region);
            out.problems.extend(refs.into_iter().map(|r| (r, msg.clone())));
            continue;
        }
        out.secrets += 1;
        out.calls += 1;
        let described = match client.describe_secret().secret_id(&id).send().await {
            Ok(d) => d,
            Err(e) => {
                let msg = match e.as_service_error() {
                    Some(s) if s.is_resource_not_found_exception() => {
                        format!("secret {id} does not exist in {}", conn.region)
                    }
                    _ => refused("DescribeSecret", &id, &e)?,
                };
                out.problems.extend(refs.into_iter().map(|r| (r, msg.clone())));
                continue;
            }
        };
        if let Some(when) = described.deleted_date() {
            let msg = format!(
                "secret {id} is scheduled for deletion (since {when}); restore it with \
                 `aws secretsmanager restore-secret --secret-id {id}` or point the reference at a live secret"
            );
            out.problems.extend(refs.into_iter().map(|r| (r, msg.clone())));
            continue;
        }
        let versions = described.version_ids_to_stages();
        // Each selected version read once, for every JSON key asked of it.
        let mut reads: BTreeMap<(Option<String>, Option<String>), Vec<SecretRefParts>> = BTreeMap::new();
        for r in refs {
            if let Some(msg) = missing_version(&id, &r, versions) {
                out.problems.push((r, msg));
            } else if r.json_key.is_some() {
                reads.entry((r.version_id.clone(), r.version_stage.clone())).or_default().push(r);
            }
        }
        for ((version_id, version_stage), refs) in reads {
            out.calls += 1;
            let resp = client
                .get_secret_value()
                .secret_id(&id)
                .set_version_id(version_id)
                .set_version_stage(version_stage)
                .send()
                .await;
            let resp = match resp {
                Ok(v) => v,
                Err(e) => {
                    let msg = refused("GetSecretValue", &id, &e)?;
                    out.problems.extend(refs.into_iter().map(|r| (r, msg.clone())));
                    continue;
                }
            };
            // Held as a SecretValue (redacted Debug, zeroed on drop) and only searched for keys.
            let value = resp.secret_string().map(SecretValue::new);
            let object = value.as_ref().map(|v| {
                serde_json::from_str::<serde_json::Value>(v.expose()).ok().and_then(|j| j.as_object().cloned())
            });
            for r in refs {
                let key = r.json_key.clone().unwrap_or_default();
                let msg = match &object {
                    None => format!("secret {id} is binary; it has no JSON key {key:?}"),
                    Some(None) => format!("secret {id} isn't a JSON object, so it has no key {key:?}"),
                    Some(Some(o)) if !o.contains_key(&key) => format!("secret {id} has no JSON key {key:?}"),
                    Some(Some(_)) => continue,
                };
                out.problems.push((r, msg));
            }
        }
    }
    Ok(out)
}

/// What is wrong with `r`'s version selection, given the secret's versions and their stages.
fn missing_version(
    id: &str,
    r: &SecretRefParts,
    versions: Option<&std::collections::HashMap<String, Vec<String>>>,
) -> Option<String> {
    let empty = std::collections::HashMap::new();
    let versions = versions.unwrap_or(&empty);
    if let Some(v) = &r.version_id {
        let Some(stages) = versions.get(v) else {
            return Some(format!("secret {id} has no version id {v}"));
        };
        if let Some(s) = r.version_stage.as_ref().filter(|s| !stages.contains(s)) {
            return Some(format!("secret {id}: version {v} is not labelled {s}"));
        }
        return None;
    }
    let stage = r.version_stage.as_ref()?;
    (!versions.values().any(|stages| stages.contains(stage)))
        .then(|| format!("secret {id} has no version labelled {stage}"))
}

/// The one-line problem for a refused call (access denied, throttled past the retries…); an
/// error (ending the check) when Secrets Manager can't be reached or doesn't answer as itself.
fn refused<E>(action: &str, id: &str, e: &aws_sdk_secretsmanager::error::SdkError<E>) -> anyhow::Result<String>
where
    E: aws_sdk_secretsmanager::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    let (kind, why) = fault::describe(e);
    if matches!(kind, Fault::Unreachable | Fault::BadResponse) {
        anyhow::bail!("cannot reach Secrets Manager: {why}");
    }
    Ok(format!("Secrets Manager refused {action} on {id}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(id: Option<&str>, stage: Option<&str>) -> SecretRefParts {
        SecretRefParts {
            secret_id: "app/db".into(),
            json_key: None,
            version_stage: stage.map(str::to_string),
            version_id: id.map(str::to_string),
        }
    }

    #[test]
    fn versions_and_stages_are_checked_against_the_described_secret() {
        let versions = std::collections::HashMap::from([
            ("v1".to_string(), vec!["AWSPREVIOUS".to_string()]),
            ("v2".to_string(), vec!["AWSCURRENT".to_string()]),
        ]);
        let v = Some(&versions);
        assert_eq!(missing_version("app/db", &parts(None, None), v), None);
        assert_eq!(missing_version("app/db", &parts(Some("v1"), None), v), None);
        assert_eq!(missing_version("app/db", &parts(None, Some("AWSPREVIOUS")), v), None);
        assert_eq!(missing_version("app/db", &parts(Some("v2"), Some("AWSCURRENT")), v), None);
        assert_eq!(
            missing_version("app/db", &parts(Some("v3"), None), v).as_deref(),
            Some("secret app/db has no version id v3")
        );
        assert_eq!(
            missing_version("app/db", &parts(Some("v1"), Some("AWSCURRENT")), v).as_deref(),
            Some("secret app/db: version v1 is not labelled AWSCURRENT")
        );
        assert_eq!(
            missing_version("app/db", &parts(None, Some("AWSPENDING")), v).as_deref(),
            Some("secret app/db has no version labelled AWSPENDING")
        );
        assert!(missing_version("app/db", &parts(None, Some("AWSCURRENT")), None).is_some());
    }
}
