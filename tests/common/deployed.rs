//! Runs a program the way its ECS task definition deploys it: the container's `environment`
//! entries as they are, and each `secrets` entry resolved the way ECS does at task start — a
//! `valueFrom` full ARN is the whole SecretString, `ARN:key::` one JSON key of it — read back from
//! moto with the `aws` CLI (an independent client). The program then runs with exactly that
//! environment (plus `PATH`/`HOME` so toolchains start), nothing inherited. For an `sdk` style
//! app the secrets are not resolved: only the non-secret environment, the emulator's endpoint and
//! dummy credentials, so the generated helper must fetch the values itself.
//!
//! Compose: [`ComposeEnv`] is each service's environment as `docker compose config` resolves it
//! (`tests/common/compose.rs`, cross-checked with the real `docker-compose config` when it is
//! installed) under the shell a compose deployment has, [`deployment_shell`]: the child
//! environment of `hoist run -- docker compose up` (values read from moto by hoist run).

use super::moto::{DUMMY_ENV, Moto};
use std::collections::BTreeMap;
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

/// Every service's environment of a compose file, resolved under one shell environment.
#[derive(Debug)]
pub struct ComposeEnv {
    /// Service → variable → value.
    pub services: BTreeMap<String, BTreeMap<String, String>>,
}

impl ComposeEnv {
    /// Resolves `compose` as `docker compose config` would with exactly `shell` as the shell
    /// environment; `Err` is the reason compose refuses to start. When `docker-compose` (or
    /// `docker compose`) is installed, its `config` must agree: same services, same variables, or
    /// both refuse.
    pub fn resolve(compose: &Path, shell: &[(String, String)]) -> Result<ComposeEnv, String> {
        let ours = super::compose::Compose::load(compose, shell).and_then(|c| {
            let mut services = BTreeMap::new();
            for s in c.services() {
                services.insert(s.clone(), c.environment(&s)?);
            }
            Ok(ComposeEnv { services })
        });
        if let Some(real) = real_compose_config(compose, shell) {
            match (&ours, real) {
                (Ok(a), Ok(b)) => assert_eq!(a.services, b.services, "docker-compose config resolves otherwise"),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("the resolver and docker-compose config disagree: {a:?} vs {b:?}"),
            }
        }
        ours
    }

    /// The environment of `service` (panics naming the services when there is none).
    pub fn service(&self, service: &str) -> BTreeMap<String, String> {
        self.services
            .get(service)
            .unwrap_or_else(|| panic!("no service {service} in {:?}", self.services.keys()))
            .clone()
    }
}

/// `docker-compose -f FILE config` (or `docker compose`), if installed: every service's
/// `environment` from its output (the real CLI merges `env_file` into it), or its error.
fn real_compose_config(compose: &Path, shell: &[(String, String)]) -> Option<Result<ComposeEnv, String>> {
    let dir = compose.parent().unwrap_or(Path::new("."));
    let candidates: [&[&str]; 2] = [&["docker-compose"], &["docker", "compose"]];
    for argv in candidates {
        let probe = Command::new(argv[0]).args(&argv[1..]).arg("version").output();
        if !probe.is_ok_and(|o| o.status.success()) {
            continue;
        }
        let mut cmd = Command::new(argv[0]);
        cmd.args(&argv[1..]).current_dir(dir).arg("-f").arg(compose).arg("config");
        with_exact_env(&mut cmd, shell);
        let out = cmd.output().expect("docker-compose runs");
        if !out.status.success() {
            return Some(Err(String::from_utf8_lossy(&out.stderr).into_owned()));
        }
        let doc: serde_yaml::Value = serde_yaml::from_slice(&out.stdout).expect("docker-compose config prints YAML");
        let mut services = BTreeMap::new();
        for (name, svc) in doc["services"].as_mapping().into_iter().flatten() {
            let mut env = BTreeMap::new();
            for (k, v) in svc["environment"].as_mapping().into_iter().flatten() {
                let text = |v: &serde_yaml::Value| match v {
                    serde_yaml::Value::String(s) => Some(s.clone()),
                    serde_yaml::Value::Number(n) => Some(n.to_string()),
                    serde_yaml::Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                };
                if let (Some(k), Some(v)) = (text(k), text(v)) {
                    env.insert(k, v);
                }
            }
            services.insert(name.as_str().unwrap_or_default().to_string(), env);
        }
        return Some(Ok(ComposeEnv { services }));
    }
    None
}

/// The shell environment of a compose deployment after hoist: what `hoist run -- docker compose
/// up` hands its child (every variable the plan maps, read from moto by full ARN, plus the
/// caller's environment). Captured by running `env -0` under `hoist run` into a file outside the
/// repository; hoist itself goes through the leak harness with `planted`.
pub fn deployment_shell(moto: &Moto, repo: &Path, planted: &[&str]) -> Vec<(String, String)> {
    let out_dir = tempfile::tempdir().unwrap();
    let file = out_dir.path().join("env");
    let script = "env -0 > \"$0\"";
    let (code, text) = super::cli::Hoist::moto(moto, planted)
        .current_dir(repo)
        .args(["run", "--", "sh", "-c", script])
        .arg(&file)
        .run();
    assert_eq!(code, Some(0), "hoist run failed:\n{text}");
    let bytes = std::fs::read(&file).unwrap();
    bytes
        .split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .filter_map(|e| {
            let e = String::from_utf8_lossy(e);
            e.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}
