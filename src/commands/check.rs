//! `hoist check`: every Secrets Manager reference in the repository — ECS `valueFrom`,
//! CloudFormation `{{resolve:secretsmanager:…}}`, and every other one hoist writes (ARNs in code
//! and ExternalSecrets, `.env` and Terraform notes: `check_refs`) — checked for format (ECS only
//! fails when a task starts) and, with `--aws` or a configured endpoint, against Secrets Manager
//! (`check_remote`): each referenced secret, and each one `.hoist/state.yaml` records, exists in the
//! session's region, is not being deleted, and holds the version and JSON key referenced.

use crate::Ui;
use crate::cli::CheckArgs;
use crate::rewrite::deploy::refs::{self, SecretRefParts, Verdict};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The upload state, relative to the repository: its ARNs are checked with `--aws`.
const STATE_FILE: &str = super::diff::STATE_FILE;

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
    let (mut total, mut unchecked, mut deploy_time) = (0usize, 0usize, 0usize);
    let mut note = |rel: &PathBuf, line: usize, text: &str, verdict: Verdict| {
        total += 1;
        match verdict {
            // A `!Sub` ARN's account and region are only known at deploy time: format only.
            Verdict::Ok(_) if text.contains("${") => deploy_time += 1,
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
    let mut asked = None;
    if use_aws {
        // The secrets hoist recorded as uploaded are references too: a state naming a secret that
        // is gone means the next apply writes an ARN nobody can read until it is created again.
        for (line, arn) in state_arns(root)? {
            ok.entry(SecretRefParts { secret_id: arn, json_key: None, version_stage: None, version_id: None })
                .or_default()
                .push((PathBuf::from(STATE_FILE), line));
        }
    }
    if use_aws && !ok.is_empty() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let outcome = rt.block_on(super::check_remote::check(&args.aws, ok.keys().cloned().collect()))?;
        for (parts, err) in &outcome.problems {
            for (path, line) in &ok[parts] {
                let hint = if path == Path::new(STATE_FILE) {
                    " (recorded by upload; `hoist apply` creates it again)"
                } else {
                    ""
                };
                problems.push(Problem { path: path.clone(), line: *line, message: format!("{err}{hint}") });
            }
        }
        asked = Some(outcome);
    }
    problems.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    for p in &problems {
        writeln!(ui.out, "{}:{}: {}", p.path.display(), p.line, p.message)?;
    }
    let remote = match &asked {
        Some(o) => {
            format!("; asked Secrets Manager ({}) about {} secret(s) in {} call(s)", o.region, o.secrets, o.calls)
        }
        None if use_aws => "; no reference to a Secrets Manager secret, so nothing to ask Secrets Manager".to_string(),
        None => " (format only; --aws also asks Secrets Manager)".to_string(),
    };
    writeln!(
        ui.err,
        "checked {} reference(s): {} problem(s){}{}{}",
        total - unchecked,
        problems.len(),
        if unchecked > 0 { format!(", {unchecked} not Secrets Manager literals (skipped)") } else { String::new() },
        if deploy_time > 0 {
            format!(", {deploy_time} with deploy-time parts (`${{…}}`: format only)")
        } else {
            String::new()
        },
        remote
    )?;
    Ok(if problems.is_empty() { crate::EXIT_CLEAN } else { crate::EXIT_FINDINGS })
}

/// Every ARN `.hoist/state.yaml` records, with its line (none when there is no state).
fn state_arns(root: &Path) -> anyhow::Result<Vec<(usize, String)>> {
    let path = root.join(STATE_FILE);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let state = crate::model::State::load(&path)?;
    let text = std::fs::read_to_string(&path)?;
    let line_of = |arn: &str| text.find(arn).map_or(1, |off| text[..off].bytes().filter(|b| *b == b'\n').count() + 1);
    Ok(state.secrets.values().map(|s| (line_of(&s.arn), s.arn.clone())).collect())
}
