//! Shell scripts that run where nothing injects variables (#13 item 4, the fetch half), against
//! moto with the real `aws` CLI: a release script a GitHub workflow runs and a `bin/` tool, in a
//! repository whose compose service runs other code. `plan` gives their credentials strategy
//! `sdk` with a reason naming the pipeline / folder, while a script the compose service runs keeps
//! `env`; `apply` rewrites them to read `"${X:?…}"` filled by a prologue that fetches each value by
//! full ARN (`aws secretsmanager get-secret-value … | jq -r .key`) unless the environment gives it.
//! The rewritten scripts pass `bash -n` and print the same digests as before with nothing in their
//! environment but the AWS endpoint and credentials; a value given in the environment wins; with
//! no way to reach Secrets Manager the script stops naming the variable. A second apply is a
//! no-op; every hoist run goes through the leak harness.

mod common;

use common::git::{commit, git};

use common::cli::{Hoist, text};
use common::moto::{Moto, find_tool};
use std::path::Path;
use std::process::{Command, Output};

const DB_PASSWORD: &str = "Vt9#kLq2Wz8Pn4";
const TOKEN: &str = "ghp_Q7wE9rT1yU3iO5pA7sD9fG1hJ3kL5zX7cV9b";
const TOOL_PASSWORD: &str = "Rk8Yq3Mv7Tz1";
const WEB_PASSWORD: &str = "Lm3Hx9Qd2Bw6";

const RELEASE: &str = "#!/usr/bin/env bash
# Release step: run by the pipeline, never by a deployment.
set -euo pipefail
publish() { printf '%s\\n' \"$@\" | sha256sum | cut -c1-16; }
export RELEASE_DB_PASSWORD='Vt9#kLq2Wz8Pn4'
GH_TOKEN=\"ghp_Q7wE9rT1yU3iO5pA7sD9fG1hJ3kL5zX7cV9b\"
publish --db-password=\"$RELEASE_DB_PASSWORD\" --token \"$GH_TOKEN\"
";

const TOOL: &str = "#!/bin/sh
set -eu
mysql() { printf '%s\\n' \"$@\" | sha256sum | cut -c1-16; }
mysql -u rotate -pRk8Yq3Mv7Tz1 -h db.internal shop
";

const WEB: &str = "#!/bin/sh
set -eu
export WEB_DB_PASSWORD='Lm3Hx9Qd2Bw6'
printf '%s' \"$WEB_DB_PASSWORD\" | sha256sum | cut -c1-16
";

const WORKFLOW: &str = "on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: bash scripts/release.sh
";

const COMPOSE: &str = "services:\n  web:\n    build: ./web\n    environment:\n      MODE: prod\n";

/// Runs a script with only PATH (the venv's `aws` first) and `vars` in its environment.
fn run(dir: &Path, script: &str, vars: &[(&str, &str)]) -> Output {
    let aws = find_tool("aws");
    let path = format!("{}:{}", aws.parent().unwrap().display(), std::env::var("PATH").unwrap());
    let shell = if std::fs::read_to_string(dir.join(script)).unwrap().starts_with("#!/bin/sh") { "sh" } else { "bash" };
    let mut cmd = Command::new(shell);
    cmd.current_dir(dir).arg(script).env_clear().env("PATH", path).env("HOME", dir);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// The environment a CI runner with access to Secrets Manager (here: moto) gives a job.
fn aws_env(moto: &Moto) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", moto.endpoint.clone()),
        ("AWS_ACCESS_KEY_ID", "test".into()),
        ("AWS_SECRET_ACCESS_KEY", "test".into()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
    ]
}

#[test]
fn unattended_scripts_fetch_by_full_arn_and_print_the_same() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    for (p, t) in [
        ("scripts/release.sh", RELEASE),
        ("bin/rotate.sh", TOOL),
        ("web/start.sh", WEB),
        (".github/workflows/release.yml", WORKFLOW),
        ("docker-compose.yml", COMPOSE),
    ] {
        std::fs::create_dir_all(d.join(p).parent().unwrap()).unwrap();
        std::fs::write(d.join(p), t).unwrap();
    }
    git(d, &["init", "-q"]);
    commit(d, "scripts");
    let scripts = ["scripts/release.sh", "bin/rotate.sh"];
    let before: Vec<Output> = scripts.iter().map(|s| run(d, s, &[])).collect();
    for b in &before {
        assert!(b.status.success(), "{}", text(b));
    }
    let planted = [DB_PASSWORD, TOKEN, TOOL_PASSWORD, WEB_PASSWORD];
    let hoist = |args: &[&str]| {
        let (code, out) = Hoist::moto(&moto, &planted).current_dir(d).args(args).run();
        assert_eq!(code, Some(0), "hoist {args:?}:\n{out}");
        out
    };

    hoist(&["plan", ".", "--app", "ops"]);
    let plan: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(d.join(".hoist/plan.yaml")).unwrap()).unwrap();
    let mut strategies = Vec::new();
    for s in plan["secrets"].as_sequence().unwrap() {
        for k in s["keys"].as_sequence().unwrap() {
            for site in k["sites"].as_sequence().unwrap() {
                let (path, strategy) = (site["path"].as_str().unwrap(), site["strategy"].as_str().unwrap());
                let reason = site["reason"].as_str().unwrap_or("");
                if strategy == "sdk" {
                    assert!(reason.contains("aws secretsmanager get-secret-value"), "{reason}");
                    let why =
                        if path == "bin/rotate.sh" { "a tool in bin/" } else { "run by .github/workflows/release.yml" };
                    assert!(reason.starts_with(why), "{path}: {reason}");
                }
                // `-u rotate -h db.internal` are settings (skip): only credentials count here.
                if strategy != "skip" {
                    strategies.push((path.to_string(), strategy.to_string()));
                }
            }
        }
    }
    strategies.sort();
    let want = [
        ("bin/rotate.sh", "sdk"),
        ("scripts/release.sh", "sdk"),
        ("scripts/release.sh", "sdk"),
        ("web/start.sh", "env"),
    ];
    assert_eq!(strategies, want.map(|(a, b)| (a.to_string(), b.to_string())), "{plan:?}");
    commit(d, "plan");

    hoist(&["apply", ".", "--yes"]);
    for s in scripts {
        let new = std::fs::read_to_string(d.join(s)).unwrap();
        for v in planted {
            assert!(!new.contains(v), "{s} still holds a value:\n{new}");
        }
        assert!(new.contains("aws secretsmanager get-secret-value --region us-east-1 --secret-id arn:aws:secretsmanager:us-east-1:123456789012:secret:ops/"), "{new}");
        for sh in ["bash", "sh"] {
            let out = Command::new(sh).arg("-n").arg(d.join(s)).output().unwrap();
            assert!(out.status.success(), "{sh} -n {s}: {}", text(&out));
        }
    }
    let web = std::fs::read_to_string(d.join("web/start.sh")).unwrap();
    assert!(web.contains("${WEB_DB_PASSWORD:?set WEB_DB_PASSWORD: hoist run") && !web.contains("aws "), "{web}");

    // As a CI job or cron runs them: no variables, only the runner's AWS access.
    let env = aws_env(&moto);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for (s, b) in scripts.iter().zip(&before) {
        let after = run(d, s, &env);
        assert!(after.status.success(), "{s}: {}", text(&after));
        assert_eq!(String::from_utf8_lossy(&after.stdout), String::from_utf8_lossy(&b.stdout), "{s} prints the same");
    }
    // The environment first: a value given there is used (no fetch needed).
    let mut given = vec![("RELEASE_DB_PASSWORD", DB_PASSWORD), ("GH_TOKEN", TOKEN)];
    let out = run(d, "scripts/release.sh", &given);
    assert_eq!(String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&before[0].stdout), "{}", text(&out));
    // Nothing reachable: the script stops naming the variable instead of using an empty value.
    given.truncate(1);
    given.extend([
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"),
        ("AWS_ACCESS_KEY_ID", "x"),
        ("AWS_SECRET_ACCESS_KEY", "x"),
    ]);
    given.push(("AWS_MAX_ATTEMPTS", "1"));
    let out = run(d, "scripts/release.sh", &given);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GH_TOKEN: not in the environment"), "{}", text(&out));
    assert!(out.stdout.is_empty(), "nothing ran with an empty token: {}", text(&out));

    commit(d, "applied");
    let again = hoist(&["apply", ".", "--yes"]);
    assert!(again.contains("nothing to do"), "{again}");
    assert_eq!(git(d, &["status", "--porcelain"]), "", "a second apply changed the tree");
}
