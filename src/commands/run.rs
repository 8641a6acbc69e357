//! `hoist run -- CMD…`: resolves the environment variables the plan maps to secrets (one
//! GetSecretValue per secret, by the full ARN from the state file) and execs the command with them
//! set, so `env`-style code runs on a laptop or in CI as it will under ECS. Values go only into the
//! child's environment. `--file` writes key files back from their secrets for the command's
//! lifetime (see [`crate::keyfile::materialise`]); hoist then waits for the command instead of
//! replacing itself with it, so it can remove them afterwards.

use crate::Ui;
use crate::cli::{AwsArgs, RunArgs};
use crate::model::{Plan, Shape, State, Strategy};
use anyhow::Context;
use aws_sdk_secretsmanager::Client;
use std::collections::BTreeMap;

/// Runs `hoist run`.
pub fn run(args: &RunArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    // Before any other thread exists (the runtime's): no signal may kill hoist while key files do.
    let guard = (!args.files.is_empty()).then(crate::keyfile::materialise::signals::Guard::install);
    let root = args.repo.clone();
    let plan_path = args.plan.clone().unwrap_or_else(|| root.join(super::plan::DEFAULT_PLAN));
    let plan = crate::plan::load_plan(&plan_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let state = super::diff::load_state(&plan_path)?;
    let mut wanted = env_mapping(&plan, args.env.as_deref())?;
    // A secret only manual sites use is created only on request (`--include-manual`): without it
    // there is nothing to fetch, and the command runs without those variables.
    wanted.retain(|_, src| {
        state.secrets.contains_key(&src.secret) || plan.secret(&src.secret).is_some_and(|s| s.is_referenced())
    });
    let requests = super::run_files::requests(&root, &plan, &state, &args.files)?;
    super::run_files::hint(ui, &plan, &requests)?;
    let (rt, client) = secrets_client(&args.aws)?;
    let vars = rt.block_on(resolve_env(&client, &state, &wanted))?;
    let contents = rt.block_on(super::run_files::fetch(&client, &requests))?;
    drop(rt);
    let files = match contents.len() {
        0 => String::new(),
        n => format!(" and {n} key file(s)"),
    };
    writeln!(ui.err, "hoist: running {} with {} variable(s){files} from Secrets Manager", args.command[0], vars.len())?;
    ui.err.flush()?;
    let mut cmd = std::process::Command::new(&args.command[0]);
    cmd.args(&args.command[1..]).envs(vars.iter().map(|(k, v)| (k, v.expose())));
    match guard {
        None => exec(cmd, ui),
        Some(guard) => super::run_files::run_with_files(cmd, &requests, contents, &guard),
    }
}

#[cfg(unix)]
fn exec(mut cmd: std::process::Command, _ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    use std::os::unix::process::CommandExt;
    let e = cmd.exec();
    Err(anyhow::anyhow!("cannot run {:?}: {e}", cmd.get_program()))
}

#[cfg(not(unix))]
fn exec(mut cmd: std::process::Command, _ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let status = cmd.status().with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    Ok(status.code().map_or(crate::EXIT_ERROR, |c| c as u8))
}

/// Which secret and key each environment variable comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvSource {
    /// Secret name.
    pub secret: String,
    /// JSON key.
    pub key: String,
    /// Payload shape.
    pub shape: Shape,
}

/// Environment variable → source, for every `env` or `manual` site of the secrets of environment
/// `env` (all secrets when `None`). Two sites giving one variable different values is an error
/// that names `--env` when the secrets are per-environment copies.
pub fn env_mapping(plan: &Plan, env: Option<&str>) -> anyhow::Result<BTreeMap<String, EnvSource>> {
    let mut out: BTreeMap<String, EnvSource> = BTreeMap::new();
    for (secret, key, site) in plan.sites() {
        if !matches!(site.strategy, Strategy::Env | Strategy::Manual) || !in_env(&secret.name, env) {
            continue;
        }
        let var = crate::rewrite::env_var_for(site, &key.key);
        let src = EnvSource { secret: secret.name.clone(), key: key.key.clone(), shape: secret.shape };
        match out.get(&var) {
            Some(prev) if *prev != src => anyhow::bail!(
                "environment variable {var} is mapped to both {} / {} and {} / {} in the plan{}",
                prev.secret,
                prev.key,
                src.secret,
                src.key,
                match (env, env_of(&prev.secret), env_of(&src.secret)) {
                    (None, Some(a), Some(b)) if a != b => format!("; pick one environment with --env {a} or --env {b}"),
                    _ => String::new(),
                }
            ),
            _ => {
                out.insert(var, src);
            }
        }
    }
    Ok(out)
}

/// The environment segment of a secret named `{app}/{env}/{group}`.
fn env_of(name: &str) -> Option<&str> {
    let parts: Vec<&str> = name.split('/').collect();
    (parts.len() >= 3).then(|| parts[1])
}

/// Whether secret `name` belongs to environment `env`; a name without an environment segment
/// belongs to every environment.
fn in_env(name: &str, env: Option<&str>) -> bool {
    match (env, env_of(name)) {
        (Some(want), Some(have)) => want == have,
        _ => true,
    }
}

/// Fetches each secret once (by full ARN from the state) and picks the keys.
pub async fn resolve_env(
    client: &Client,
    state: &State,
    wanted: &BTreeMap<String, EnvSource>,
) -> anyhow::Result<BTreeMap<String, crate::model::SecretValue>> {
    let mut payloads: BTreeMap<&str, String> = BTreeMap::new();
    for src in wanted.values() {
        if payloads.contains_key(src.secret.as_str()) {
            continue;
        }
        let r = state.secrets.get(&src.secret).ok_or_else(|| {
            anyhow::anyhow!(
                "secret {} has no ARN in {}; upload it first (`hoist apply`)",
                src.secret,
                super::diff::STATE_FILE
            )
        })?;
        let out = client
            .get_secret_value()
            .secret_id(&r.arn)
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("GetSecretValue {}: {}", r.arn, crate::upload::fault::describe(&e).1))?;
        let text = out
            .secret_string
            .ok_or_else(|| anyhow::anyhow!("secret {} holds binary data, not a string", src.secret))?;
        payloads.insert(&src.secret, text);
    }
    let mut vars = BTreeMap::new();
    for (var, src) in wanted {
        let text = &payloads[src.secret.as_str()];
        let value = match src.shape {
            Shape::Json => {
                let map: BTreeMap<String, serde_json::Value> = serde_json::from_str(text)
                    .map_err(|_| anyhow::anyhow!("secret {} is not a JSON object", src.secret))?;
                match map.get(&src.key) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => anyhow::bail!("secret {} has no key {}", src.secret, src.key),
                }
            }
            _ => text.clone(),
        };
        vars.insert(var.clone(), crate::model::SecretValue::new(value));
    }
    Ok(vars)
}

/// A Secrets Manager client (the upload stage's builder: default chain, flags, retries) on a
/// small runtime.
pub fn secrets_client(aws: &AwsArgs) -> anyhow::Result<(tokio::runtime::Runtime, Client)> {
    let rt =
        tokio::runtime::Builder::new_current_thread().enable_all().build().context("cannot start the async runtime")?;
    let settings = crate::upload::AwsSettings::from_args(aws);
    let conn = rt.block_on(crate::upload::connect(&settings))?;
    Ok((rt, conn.client))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_picks_the_secrets_of_one_environment_and_keeps_shared_ones() {
        assert_eq!(env_of("shop/prod/database"), Some("prod"));
        assert_eq!(env_of("shop/database"), None);
        assert!(in_env("shop/prod/database", Some("prod")));
        assert!(!in_env("shop/dev/database", Some("prod")));
        assert!(in_env("shop/database", Some("prod")));
        assert!(in_env("shop/dev/database", None));
    }
}
