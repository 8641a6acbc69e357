//! Runs a program the way its ECS task definition deploys it: the container's `environment`
//! entries as they are, and each `secrets` entry resolved the way ECS does at task start — a
//! `valueFrom` full ARN is the whole SecretString, `ARN:key::` one JSON key of it — read back from
//! moto with the `aws` CLI (an independent client). The program then runs with exactly that
//! environment (plus `PATH`/`HOME` so toolchains start), nothing inherited. For an `sdk` style
//! app the secrets are not resolved: only the non-secret environment, the emulator's endpoint and
//! dummy credentials, so the generated helper must fetch the values itself.

use super::moto::{DUMMY_ENV, Moto};
use std::path::Path;
use std::process::Command;

/// The environment one container of a task definition receives.
#[derive(Debug, Default)]
pub struct TaskEnv {
    /// `environment[]` (name, value), literal.
    pub environment: Vec<(String, String)>,
    /// `secrets[]` (name, valueFrom) as written in the task definition.
    pub secrets: Vec<(String, String)>,
}

impl TaskEnv {
    /// Reads container `container` of the task-definition JSON at `path` (a bare definition or a
    /// `{"taskDefinition": …}` wrapper). Panics naming what is wrong: a missing container, a name
    /// in both lists (ECS refuses it), a malformed `valueFrom`.
    pub fn read(path: &Path, container: &str) -> TaskEnv {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let doc: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON after the rewrite: {e}", path.display()));
        let def = doc.get("taskDefinition").unwrap_or(&doc);
        let c = def["containerDefinitions"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["name"] == container))
            .unwrap_or_else(|| panic!("{}: no container {container}", path.display()));
        let pairs = |list: &str, value: &str| -> Vec<(String, String)> {
            c[list]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|e| {
                            let n = e["name"].as_str().unwrap_or_else(|| panic!("{list} entry without a name: {e}"));
                            let v = e[value].as_str().unwrap_or_else(|| panic!("{list} entry {n} without {value}"));
                            (n.to_string(), v.to_string())
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let env = TaskEnv { environment: pairs("environment", "value"), secrets: pairs("secrets", "valueFrom") };
        for (n, _) in &env.secrets {
            assert!(
                !env.environment.iter().any(|(m, _)| m == n),
                "{}: {n} is in both environment and secrets (ECS refuses that)",
                path.display()
            );
        }
        env
    }

    /// Names the container receives through `secrets`.
    pub fn secret_names(&self) -> Vec<&str> {
        self.secrets.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Every variable, secrets resolved against `moto` as ECS would at task start.
    pub fn resolved(&self, moto: &Moto) -> Vec<(String, String)> {
        let mut out = self.environment.clone();
        for (name, value_from) in &self.secrets {
            out.push((name.clone(), resolve(moto, value_from)));
        }
        out
    }
}

/// The value ECS injects for `valueFrom`: `arn:aws:secretsmanager:R:A:secret:NAME-XXXXXX` (the
/// whole SecretString) or that ARN followed by `:json-key:version-stage:version-id` (the two
/// trailing fields may be empty, the colons are required).
pub fn resolve(moto: &Moto, value_from: &str) -> String {
    let parts: Vec<&str> = value_from.split(':').collect();
    assert!(
        parts.len() == 7 || parts.len() == 10,
        "valueFrom {value_from:?} is neither a full secret ARN nor ARN:key:stage:version"
    );
    assert_eq!(&parts[..3], ["arn", "aws", "secretsmanager"], "valueFrom {value_from:?} is not a Secrets Manager ARN");
    assert_eq!(parts[5], "secret", "valueFrom {value_from:?}");
    let name = parts[6];
    assert!(
        name.rsplit_once('-').is_some_and(|(_, s)| s.len() == 6 && s != "??????"),
        "valueFrom {value_from:?} has no real 6-character ARN suffix (ECS needs the full ARN)"
    );
    let arn = parts[..7].join(":");
    let mut args = vec!["get-secret-value", "--secret-id", &arn];
    let (stage, version) = if parts.len() == 10 { (parts[8], parts[9]) } else { ("", "") };
    if !stage.is_empty() {
        args.extend(["--version-stage", stage]);
    }
    if !version.is_empty() {
        args.extend(["--version-id", version]);
    }
    let v = moto.sm_json(&args);
    let string = v["SecretString"].as_str().unwrap_or_else(|| panic!("{arn} has no SecretString")).to_string();
    if parts.len() == 7 || parts[7].is_empty() {
        return string;
    }
    let data: serde_json::Value = serde_json::from_str(&string)
        .unwrap_or_else(|_| panic!("{arn} is not a JSON secret but valueFrom names a key"));
    data[parts[7]].as_str().unwrap_or_else(|| panic!("{arn} has no key {:?}", parts[7])).to_string()
}

/// `cmd` with exactly `vars` as its environment (plus `PATH`, `HOME` and `LANG` for the toolchain).
pub fn with_exact_env(cmd: &mut Command, vars: &[(String, String)]) {
    cmd.env_clear();
    for keep in ["PATH", "HOME", "LANG"] {
        if let Some(v) = std::env::var_os(keep) {
            cmd.env(keep, v);
        }
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
}

/// Runs `cmd` as the container would in `env` style: every variable, secrets resolved.
pub fn as_deployed(moto: &Moto, env: &TaskEnv, cmd: &mut Command) {
    with_exact_env(cmd, &env.resolved(moto));
}

/// Runs `cmd` as the container would in `sdk` style: only the non-secret environment, plus the
/// emulator's endpoint and dummy credentials — the program's helper reads the secrets itself.
pub fn as_deployed_sdk(moto: &Moto, env: &TaskEnv, cmd: &mut Command) {
    let mut vars = env.environment.clone();
    vars.extend(DUMMY_ENV.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    vars.push(("AWS_ENDPOINT_URL".into(), moto.endpoint.clone()));
    with_exact_env(cmd, &vars);
}

/// Copies the tree `from` into `to` (created), as the apps are copied into a test repository.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target)
        } else {
            std::fs::copy(e.path(), target).map(|_| ()).unwrap()
        }
    }
}
