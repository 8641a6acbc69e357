//! `hoist check`: every Secrets Manager reference in the repository — ECS `valueFrom`,
//! CloudFormation `{{resolve:secretsmanager:…}}`, and every other one hoist writes (ARNs in code
//! and ExternalSecrets, `.env` and Terraform notes: `check_refs`) — checked for format (ECS only
//! fails when a task starts) and, with `--aws` or a configured endpoint, against Secrets Manager:
//! the secret exists in the session's region and holds the JSON key.

use crate::Ui;
use crate::cli::{AwsArgs, CheckArgs};
use crate::model::SecretValue;
use crate::rewrite::deploy::refs::{self, SecretRefParts, Verdict};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One problem at one place.
struct Problem {
    path: PathBuf,
    line: usize,
    message: String,
}

/// The files [`refs::find`] reads (deployment formats).
fn is_deployment_file(rel: &std::path::Path) -> bool {
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "json" | "yaml" | "yml" | "tf" | "template" | "hcl" | "tpl")
}

/// Runs `hoist check`.
pub fn run(args: &CheckArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let root = &args.path;
    if !root.is_dir() {
        anyhow::bail!("{} is not a directory", root.display());
    }
    let mut problems = Vec::new();
    let mut ok: BTreeMap<SecretRefParts, Vec<(PathBuf, usize)>> = BTreeMap::new();
    let (mut total, mut unchecked) = (0usize, 0usize);
    let mut note = |rel: &PathBuf, line: usize, text: &str, verdict: Verdict| {
        total += 1;
        match verdict {
            // A `!Sub` ARN's account and region are only known at deploy time: format only.
            Verdict::Ok(_) if text.contains("${") => {}
            Verdict::Ok(parts) => ok.entry(parts).or_default().push((rel.clone(), line)),
            Verdict::NotChecked(_) => unchecked += 1,
            Verdict::Bad(message) => {
                problems.push(Problem { path: rel.clone(), line, message: format!("{message}: {text}") })
            }
        }
    };
    // ECS `valueFrom` and CloudFormation `resolve` in deployment files; then every other
    // reference hoist writes (sdk readers in code, ExternalSecret keys, Terraform and `.env`
    // notes) in any text file.
    for (rel, text) in super::check_refs::text_files(root) {
        let found = if is_deployment_file(&rel) { refs::find(&text) } else { Vec::new() };
        for f in &found {
            note(&rel, f.line, &f.text, refs::verdict(f));
        }
        for r in super::check_refs::find(&text, &found) {
            note(&rel, r.line, &r.text, r.verdict);
        }
    }
    let use_aws = args.use_aws
        || args.aws.endpoint_url.is_some()
        || std::env::var_os("AWS_ENDPOINT_URL").is_some()
        || std::env::var_os("AWS_ENDPOINT_URL_SECRETS_MANAGER").is_some();
    if use_aws && !ok.is_empty() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let found = rt.block_on(check_remote(&args.aws, ok.keys().cloned().collect()))?;
        for (parts, err) in found {
            for (path, line) in &ok[&parts] {
                problems.push(Problem { path: path.clone(), line: *line, message: err.clone() });
            }
        }
    }
    problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    for p in &problems {
        writeln!(ui.out, "{}:{}: {}", p.path.display(), p.line, p.message)?;
    }
    writeln!(
        ui.err,
        "checked {} reference(s): {} problem(s){}{}",
        total - unchecked,
        problems.len(),
        if unchecked > 0 { format!(", {unchecked} not Secrets Manager literals (skipped)") } else { String::new() },
        if use_aws {
            ", secrets verified in Secrets Manager"
        } else {
            " (format only; --aws also asks Secrets Manager)"
        }
    )?;
    Ok(if problems.is_empty() { crate::EXIT_CLEAN } else { crate::EXIT_FINDINGS })
}

/// Asks Secrets Manager about each reference; returns the ones with a problem and what it is.
/// Values are read only to look for the JSON key, held as [`SecretValue`], and never printed.
async fn check_remote(aws: &AwsArgs, refs: Vec<SecretRefParts>) -> anyhow::Result<Vec<(SecretRefParts, String)>> {
    // The upload stage's client: same credentials check, retries and timeouts as every command.
    let conn = crate::upload::connect(&crate::upload::AwsSettings::from_args(aws)).await?;
    let client = conn.client;
    let mut out = Vec::new();
    for r in refs {
        if let Some(other) = crate::upload::standing::arn_region(&r.secret_id).filter(|o| *o != conn.region)
            && r.secret_id.starts_with("arn:")
        {
            let msg =
                format!("secret {} is in {other}, but this session is in {}; not checked", r.secret_id, conn.region);
            out.push((r, msg));
            continue;
        }
        let resp = client
            .get_secret_value()
            .secret_id(&r.secret_id)
            .set_version_stage(r.version_stage.clone())
            .set_version_id(r.version_id.clone())
            .send()
            .await;
        let resp = match resp {
            Ok(v) => v,
            Err(e) => {
                let svc = e.as_service_error();
                let msg = match svc {
                    Some(s) if s.is_resource_not_found_exception() => {
                        format!("secret {} does not exist (or that version/stage doesn't)", r.secret_id)
                    }
                    Some(s) => format!(
                        "Secrets Manager refused GetSecretValue on {}: {}",
                        r.secret_id,
                        s.meta().code().unwrap_or("error")
                    ),
                    None => {
                        let (_, why) = crate::upload::fault::describe(&e);
                        return Err(anyhow::anyhow!("cannot reach Secrets Manager: {why}"));
                    }
                };
                out.push((r, msg));
                continue;
            }
        };
        let Some(key) = &r.json_key else { continue };
        let Some(s) = resp.secret_string() else {
            out.push((r.clone(), format!("secret {} is binary; it has no JSON key {key:?}", r.secret_id)));
            continue;
        };
        let value = SecretValue::new(s);
        let has_key = serde_json::from_str::<serde_json::Value>(value.expose())
            .ok()
            .and_then(|v| v.as_object().map(|o| o.contains_key(key)));
        match has_key {
            Some(true) => {}
            Some(false) => out.push((r.clone(), format!("secret {} has no JSON key {key:?}", r.secret_id))),
            None => {
                out.push((r.clone(), format!("secret {} isn't a JSON object, so it has no key {key:?}", r.secret_id)))
            }
        }
    }
    Ok(out)
}
