//! Files whose name says nothing migrate as what their content is (#12, `FileFormat::of_file`):
//! an extension-less bash script (`#!/usr/bin/env bash`) and an extension-less Python script
//! (`#!/usr/bin/env python3`), both tools in `bin/`, a `docker/env.list` of `KEY=value` lines and
//! a `Containerfile` are planned `sdk` / `sdk` / `env` / `env` with their sniffed format (before:
//! `text` for all four, and the scripts' and env list's sites manual), rewritten by the shell, Python, `.env` and Dockerfile rewriters
//! (the `ENV` leaves the image), still parse (`bash -n`,
//! `python3 -m py_compile`) and print the same digests after `hoist apply` against moto (the
//! script through the aws CLI and under `hoist run`, the Python script through the sdk helper).
//! A Perl script (no grammar: stays text) is the decoy: planned manual, never touched. Every
//! hoist run goes through the leak harness.

mod common;

use common::cli::{Hoist, text};
use common::git::committed;
use common::moto::Moto;
use std::path::Path;
use std::process::{Command, Output};

const BACKUP: &str = r#"#!/usr/bin/env bash
set -eu
export DB_PASSWORD='Kx8-vQ2mZr71pLw'
API_TOKEN="tok-9fHq2Lw7Zx4Rm3Vb"
printf '%s|%s' "$DB_PASSWORD" "$API_TOKEN" | sha256sum | cut -c1-64
"#;

const REPORT: &str = r#"#!/usr/bin/env python3
"""Prints the report digest."""
import hashlib

REPORT_API_KEY = "rk-4Tq8Vn2Lm6Xz9Bw1Pd"
print(hashlib.sha256(REPORT_API_KEY.encode()).hexdigest())
"#;

const ENV_LIST: &str = "APP_ENV=production\nSMTP_PASSWORD=Mq3-Zt8vLp2Rx6Yw\n";

const CONTAINERFILE: &str = "FROM python:3.12-slim\nENV APP_ENV=production\nENV MAIL_TOKEN=mt-7Hq2Lw9Zx4Rm3VbKp\nCMD [\"python3\", \"bin/report\"]\n";

const LEGACY: &str = "#!/usr/bin/perl -w\nmy $db_password = \"Pq7-Hd2Lx9Zw4Rt\";\nprint length($db_password);\n";

const VALUES: &[&str] = &[
    "Kx8-vQ2mZr71pLw",
    "tok-9fHq2Lw7Zx4Rm3Vb",
    "rk-4Tq8Vn2Lm6Xz9Bw1Pd",
    "Mq3-Zt8vLp2Rx6Yw",
    "Pq7-Hd2Lx9Zw4Rt",
    "mt-7Hq2Lw9Zx4Rm3VbKp",
];

/// The files hoist rewrites.
const FILES: [&str; 4] = ["bin/backup", "bin/report", "docker/env.list", "Containerfile"];

/// A committed repository holding the five files.
fn repo() -> tempfile::TempDir {
    committed(&[
        ("bin/backup", BACKUP),
        ("bin/report", REPORT),
        ("docker/env.list", ENV_LIST),
        ("Containerfile", CONTAINERFILE),
        ("bin/legacy", LEGACY),
    ])
}

/// (path, format, strategy) of every site of the plan, sorted.
fn sites(dir: &Path) -> Vec<(String, String, String)> {
    let plan: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.join(".hoist/plan.yaml")).unwrap()).unwrap();
    let mut out = Vec::new();
    for s in plan["secrets"].as_sequence().unwrap() {
        for k in s["keys"].as_sequence().unwrap() {
            for site in k["sites"].as_sequence().unwrap() {
                let field = |f: &str| site[f].as_str().unwrap_or("").to_string();
                out.push((field("path"), field("format"), field("strategy")));
            }
        }
    }
    out.sort();
    out
}

/// The 64-hex-digit digest `out` printed.
fn digest(out: Output, what: &str) -> String {
    assert!(out.status.success(), "{what}: {}", text(&out));
    let s = String::from_utf8_lossy(&out.stdout).to_string();
    s.lines()
        .find(|l| l.len() == 64 && l.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("{what}: no digest in {s}"))
        .to_string()
}

/// `bash -n` and `python3 -m py_compile` accept the two scripts (byte code outside the tree).
fn assert_parses(dir: &Path) {
    let cache = tempfile::tempdir().unwrap();
    let bash = Command::new("bash").arg("-n").arg(dir.join("bin/backup")).output().unwrap();
    assert!(bash.status.success(), "bash -n: {}", text(&bash));
    let py = Command::new("python3")
        .env("PYTHONPYCACHEPREFIX", cache.path())
        .args(["-m", "py_compile"])
        .arg(dir.join("bin/report"))
        .output()
        .expect("python3 is required");
    assert!(py.status.success(), "py_compile: {}", text(&py));
}

fn report(dir: &Path) -> Command {
    let mut c = Command::new("python3");
    c.current_dir(dir).arg("bin/report");
    c
}

#[test]
fn sniffed_scripts_and_env_lists_migrate_and_run_the_same() {
    let probe = Command::new("python3").args(["-c", "import boto3"]).output().expect("python3 is required");
    assert!(probe.status.success(), "boto3 is required: run scripts/test (it installs boto3 in the venv)");
    let moto = Moto::start();
    let repo = repo();
    let dir = repo.path();
    assert_parses(dir);
    let backup_before = digest(Command::new("bash").arg("bin/backup").current_dir(dir).output().unwrap(), "backup");
    let report_before = digest(report(dir).output().unwrap(), "report");

    let (code, out) = Hoist::moto(&moto, VALUES).current_dir(dir).args(["plan", ".", "--app", "ops"]).run();
    assert_eq!(code, Some(0), "{out}");
    let s = |p: &str, f: &str, st: &str| (p.to_string(), f.to_string(), st.to_string());
    assert_eq!(
        sites(dir),
        vec![
            s("Containerfile", "dockerfile", "env"),
            s("bin/backup", "shell", "sdk"),
            s("bin/backup", "shell", "sdk"),
            s("bin/legacy", "text", "manual"),
            s("bin/report", "python", "sdk"),
            s("docker/env.list", "dotenv", "env"),
        ],
        "{}",
        std::fs::read_to_string(dir.join(".hoist/plan.yaml")).unwrap()
    );

    let (code, out) = Hoist::moto(&moto, VALUES).current_dir(dir).args(["apply", ".", "--yes"]).run();
    assert_eq!(code, Some(0), "{out}");
    for f in FILES {
        let new = std::fs::read_to_string(dir.join(f)).unwrap();
        for v in VALUES {
            assert!(!new.contains(v), "{f} still holds a value:\n{new}");
        }
    }
    assert_eq!(std::fs::read_to_string(dir.join("bin/legacy")).unwrap(), LEGACY, "the manual script was edited");
    let list = std::fs::read_to_string(dir.join("docker/env.list")).unwrap();
    assert!(list.starts_with("APP_ENV=production\n# SMTP_PASSWORD: moved to AWS Secrets Manager"), "{list}");
    let image = std::fs::read_to_string(dir.join("Containerfile")).unwrap();
    assert!(!image.contains("ENV MAIL_TOKEN") && image.contains("ENV APP_ENV=production\n"), "{image}");
    assert!(dir.join("bin/hoist_secrets.py").is_file(), "the sdk helper sits beside the Python script");
    assert_parses(dir);

    // Where neither the environment nor the aws CLI gives a value, the script stops, naming it;
    // it prints the same when the aws CLI reads Secrets Manager, and under `hoist run`.
    let mut bare = Command::new("bash");
    bare.arg("bin/backup").current_dir(dir).env_clear().env("PATH", std::env::var_os("PATH").unwrap());
    bare.env("AWS_EC2_METADATA_DISABLED", "true").env("AWS_CONFIG_FILE", "/nonexistent/hoist-test/aws-config");
    let bare = bare.env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/hoist-test/aws-credentials").output().unwrap();
    let err = String::from_utf8_lossy(&bare.stderr);
    assert!(
        !bare.status.success() && err.contains("not in the environment and the aws CLI could not read it"),
        "{err}"
    );
    let mut cli = Command::new("bash");
    cli.arg("bin/backup").current_dir(dir);
    Moto::dummy_env(&mut cli);
    cli.env("AWS_ENDPOINT_URL", &moto.endpoint);
    assert_eq!(digest(cli.output().unwrap(), "bin/backup (aws CLI)"), backup_before);
    let mut run = Hoist::moto(&moto, VALUES);
    run.current_dir(dir).args(["run", ".", "--", "bash", "bin/backup"]);
    assert_eq!(digest(run.output().unwrap(), "hoist run -- bash bin/backup"), backup_before);
    // The Python script reads Secrets Manager itself.
    let mut sdk = report(dir);
    Moto::dummy_env(&mut sdk);
    sdk.env("AWS_ENDPOINT_URL", &moto.endpoint);
    assert_eq!(digest(sdk.output().unwrap(), "bin/report (sdk)"), report_before);

    // A second apply has nothing to do.
    let snapshot = |d: &Path| FILES.map(|f| std::fs::read_to_string(d.join(f)).unwrap());
    let done = snapshot(dir);
    let (code, out) = Hoist::moto(&moto, VALUES).current_dir(dir).args(["apply", ".", "--yes"]).run();
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(snapshot(dir), done, "the second apply changed a file");
}
