//! `hoist run --file PATH[=SECRET]`: which secret each key file comes from (a `file` site of the
//! plan, or a secret named on the command line), fetching their bytes (SecretString or
//! SecretBinary), and running the command while they exist.

use crate::Ui;
use crate::keyfile::materialise::{Materialised, run_with, signals::Guard};
use crate::model::{Plan, Shape, State, Strategy};
use aws_sdk_secretsmanager::Client;
use std::path::{Path, PathBuf};

/// One key file to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRequest {
    /// Where to write it.
    pub dest: PathBuf,
    /// The SecretId to fetch (a full ARN from the state, or what the user gave).
    pub secret_id: String,
    /// The JSON key holding the file, for a `file` site of a JSON secret.
    pub key: Option<String>,
}

/// Turns `--file` arguments into requests. `PATH` names a `file` site of the plan (its secret's
/// ARN from the state); `DEST=SECRET` a secret by name (the plan's, by its recorded ARN) or ARN.
/// Relative paths are under `root`.
pub fn requests(root: &Path, plan: &Plan, state: &State, args: &[String]) -> anyhow::Result<Vec<FileRequest>> {
    let file_sites: Vec<(&str, &str, PathBuf)> = plan
        .sites()
        .filter(|(_, _, site)| site.strategy == Strategy::File)
        .map(|(s, k, site)| (s.name.as_str(), k.key.as_str(), site.path.clone()))
        .collect();
    let arn_of = |name: &str| -> anyhow::Result<String> {
        state.secrets.get(name).map(|r| r.arn.clone()).ok_or_else(|| {
            anyhow::anyhow!("secret {name} has no ARN in {}; upload it first (`hoist apply`)", super::diff::STATE_FILE)
        })
    };
    let mut out: Vec<FileRequest> = Vec::new();
    for arg in args {
        let req = match arg.split_once('=') {
            Some((dest, secret)) if !dest.is_empty() && !secret.is_empty() => {
                let planned = plan.secret(secret);
                let secret_id = match planned {
                    Some(s) => arn_of(&s.name)?,
                    None => secret.to_string(),
                };
                let key = planned.filter(|s| s.shape == Shape::Json).map(|_| "value".to_string());
                FileRequest { dest: under(root, Path::new(dest)), secret_id, key }
            }
            Some(_) => anyhow::bail!("--file {arg}: expected PATH or DEST=SECRET"),
            None => {
                let want = arg.trim_start_matches("./");
                let Some((name, key, path)) = file_sites.iter().find(|(_, _, p)| crate::scan::slash_path(p) == want)
                else {
                    let known: Vec<String> = file_sites.iter().map(|(_, _, p)| crate::scan::slash_path(p)).collect();
                    anyhow::bail!(
                        "--file {arg}: no key file of the plan is at that path ({}); name the secret with \
                         --file {arg}=SECRET",
                        if known.is_empty() { "the plan has none".to_string() } else { known.join(", ") }
                    );
                };
                let shape = plan.secret(name).map_or(Shape::String, |s| s.shape);
                let full = crate::paths::safe_join(root, path).map_err(|e| anyhow::anyhow!("--file {arg}: {e}"))?;
                FileRequest {
                    dest: full,
                    secret_id: arn_of(name)?,
                    key: (shape == Shape::Json).then(|| key.to_string()),
                }
            }
        };
        if out.iter().any(|o| o.dest == req.dest) {
            anyhow::bail!("--file {arg}: {} is named twice", req.dest.display());
        }
        out.push(req);
    }
    Ok(out)
}

fn under(root: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() { p.to_path_buf() } else { root.join(p) }
}

/// Says which of the plan's key files this run doesn't write, so a program that needs one isn't
/// left to fail on a missing file without a word.
pub fn hint(ui: &mut Ui<'_>, plan: &Plan, requests: &[FileRequest]) -> std::io::Result<()> {
    let mut missing: Vec<String> = plan
        .sites()
        .filter(|(_, _, s)| s.strategy == Strategy::File && !requests.iter().any(|r| r.dest.ends_with(&s.path)))
        .map(|(_, _, s)| crate::scan::slash_path(&s.path))
        .collect();
    missing.sort();
    missing.dedup();
    if !missing.is_empty() {
        let flags: Vec<String> = missing.iter().map(|p| format!("--file {p}")).collect();
        writeln!(ui.err, "hoist: note: key files of the plan not written for this run: {}", flags.join(" "))?;
    }
    Ok(())
}

/// Fetches each file's bytes: the SecretBinary, else the SecretString (or its `key` for a JSON
/// secret).
pub async fn fetch(client: &Client, requests: &[FileRequest]) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut out = Vec::with_capacity(requests.len());
    for r in requests {
        let got =
            client.get_secret_value().secret_id(&r.secret_id).send().await.map_err(|e| {
                anyhow::anyhow!("GetSecretValue {}: {}", r.secret_id, crate::upload::fault::describe(&e).1)
            })?;
        let bytes = match (got.secret_binary, got.secret_string, &r.key) {
            (Some(b), _, _) => b.into_inner(),
            (None, Some(text), Some(key)) => {
                let map: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_str(&text)
                    .map_err(|_| anyhow::anyhow!("secret {} is not a JSON object", r.secret_id))?;
                match map.get(key) {
                    Some(serde_json::Value::String(s)) => s.clone().into_bytes(),
                    _ => anyhow::bail!("secret {} has no string key {key}", r.secret_id),
                }
            }
            (None, Some(text), None) => text.into_bytes(),
            (None, None, _) => anyhow::bail!("secret {} holds no value", r.secret_id),
        };
        out.push(bytes);
    }
    Ok(out)
}

/// Writes the files, runs the command, removes them; returns its exit code. A signal that came
/// while the files were written stops the run before the command starts.
pub fn run_with_files(
    cmd: std::process::Command,
    requests: &[FileRequest],
    contents: Vec<Vec<u8>>,
    guard: &Guard,
) -> anyhow::Result<u8> {
    guard.writing();
    let mut files = Materialised::default();
    for (r, bytes) in requests.iter().zip(&contents) {
        files.write(&r.dest, bytes)?;
    }
    drop(contents);
    if let Some(sig) = guard.held() {
        files.remove();
        return Ok(128u8.saturating_add(sig as u8));
    }
    run_with(cmd, files, guard)
}
