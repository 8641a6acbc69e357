//! The state file is not trusted blindly (#16.7), against moto: before `apply` writes a recorded
//! ARN into a file it asks Secrets Manager for it in this session — a fresh endpoint's missing
//! secrets are created again, a crash that already wrote old ARNs is refused until those files are
//! restored, another region's state is refused clearly — and `check --aws` verifies every kind of
//! reference hoist writes (code, `.env` notes, Kubernetes ExternalSecrets, ECS `valueFrom`).

mod common;

use common::git::git;

use common::leak::Leak;
use common::moto::Moto;
use std::path::Path;
use std::process::Output;

const A: &str = "Zq8-Pl4nted-StateA-51a";
const B: &str = "Zq8-Pl4nted-StateB-52b";

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Two code files with one planted value each, committed, and planned.
fn repo(moto: &Moto) -> tempfile::TempDir {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::write(dir.join("a.py"), format!("DB_PASSWORD = \"{A}\"\nprint(len(DB_PASSWORD))\n")).unwrap();
    std::fs::write(dir.join("b.py"), format!("API_TOKEN = \"{B}\"\nprint(len(API_TOKEN))\n")).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]);
    let out = moto.hoist().current_dir(dir).args(["plan", ".", "--app", "app"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    repo
}

/// Runs hoist in `dir` against moto, through the leak harness.
fn run(moto: &Moto, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (Output, String) {
    let leak = Leak::watch(dir, &[A, B]);
    let out = moto.hoist().current_dir(dir).args(args).envs(env.iter().copied()).output().unwrap();
    let msg = leak.check(dir, &args.join(" "), &out);
    (out, msg)
}

/// Every full ARN written in the repository's code files.
fn arns_in(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for f in ["a.py", "b.py"] {
        let t = std::fs::read_to_string(dir.join(f)).unwrap();
        for piece in t.split('"').filter(|p| p.starts_with("arn:aws:secretsmanager:")) {
            out.push(piece.to_string());
        }
    }
    out
}

/// Every ARN in the files exists in moto, and `check --aws` agrees.
fn every_reference_exists(moto: &Moto, dir: &Path) {
    let arns = arns_in(dir);
    assert_eq!(arns.len(), 2, "{arns:?}");
    for arn in &arns {
        assert!(moto.sm(&["describe-secret", "--secret-id", arn]).status.success(), "{arn} does not exist");
    }
    let (out, msg) = run(moto, dir, &["check", ".", "--aws"], &[]);
    assert_eq!(out.status.code(), Some(0), "{msg}");
    assert!(msg.contains("0 problem(s)"), "{msg}");
}

#[test]
fn a_fresh_endpoint_gets_the_recorded_secrets_created_again() {
    let moto = Moto::start();
    let repo = repo(&moto);
    let dir = repo.path();
    let (out, msg) = run(&moto, dir, &["upload", "."], &[]);
    assert!(out.status.success(), "{msg}");
    let old = std::fs::read_to_string(dir.join(".hoist/state.yaml")).unwrap();
    moto.reset();
    let (out, msg) = run(&moto, dir, &["apply", ".", "--yes"], &[]);
    assert!(out.status.success(), "{msg}");
    assert_eq!(msg.matches("no longer exists in Secrets Manager; creating the secret again").count(), 2, "{msg}");
    assert_ne!(std::fs::read_to_string(dir.join(".hoist/state.yaml")).unwrap(), old, "the state kept the old ARNs");
    every_reference_exists(&moto, dir);
}

#[test]
fn a_crash_then_a_fresh_endpoint_is_refused_until_the_rewritten_file_is_restored() {
    let moto = Moto::start();
    let repo = repo(&moto);
    let dir = repo.path();
    // The helper module, then one of the two files: killed before the second.
    let (out, msg) = run(&moto, dir, &["apply", ".", "--yes"], &[("HOIST_TEST_ABORT_AFTER_WRITES", "2")]);
    assert!(!out.status.success(), "the abort hook did not fire: {msg}");
    let written: Vec<&str> = ["a.py", "b.py"]
        .into_iter()
        .filter(|f| std::fs::read_to_string(dir.join(f)).unwrap().contains("arn:aws:secretsmanager"))
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    moto.reset();
    let before: Vec<String> = ["a.py", "b.py"].iter().map(|f| std::fs::read_to_string(dir.join(f)).unwrap()).collect();
    let (out, msg) = run(&moto, dir, &["apply", ".", "--yes"], &[]);
    assert_eq!(out.status.code(), Some(2), "{msg}");
    assert!(msg.contains("no longer exists") && msg.contains(&format!("git checkout -- {}", written[0])), "{msg}");
    let after: Vec<String> = ["a.py", "b.py"].iter().map(|f| std::fs::read_to_string(dir.join(f)).unwrap()).collect();
    assert_eq!(after, before, "a refused apply wrote files");
    assert!(moto.secret_names().is_empty(), "a refused apply created secrets: {:?}", moto.secret_names());
    // As told: restore the file and re-run — both secrets are created and every reference is live.
    git(dir, &["checkout", "--", written[0]]);
    let (out, msg) = run(&moto, dir, &["apply", ".", "--yes"], &[]);
    assert!(out.status.success(), "{msg}");
    every_reference_exists(&moto, dir);
}

#[test]
fn apply_in_another_region_than_the_state_refuses_clearly() {
    let moto = Moto::start();
    let repo = repo(&moto);
    let dir = repo.path();
    let (out, msg) = run(&moto, dir, &["upload", "."], &[]);
    assert!(out.status.success(), "{msg}");
    let before = std::fs::read_to_string(dir.join("a.py")).unwrap();
    let (out, msg) = run(&moto, dir, &["apply", ".", "--yes", "--region", "us-west-2"], &[]);
    assert_eq!(out.status.code(), Some(2), "{msg}");
    assert!(msg.contains("records it in us-east-1") && msg.contains("this session is in us-west-2"), "{msg}");
    assert!(msg.contains("--region us-east-1"), "{msg}");
    assert_eq!(std::fs::read_to_string(dir.join("a.py")).unwrap(), before);
    // `check --aws` from the other region says so instead of "does not exist".
    let (out, msg) = run(&moto, dir, &["apply", ".", "--yes"], &[]);
    assert!(out.status.success(), "{msg}");
    let (out, msg) = run(&moto, dir, &["check", ".", "--aws", "--region", "us-west-2"], &[]);
    assert_eq!(out.status.code(), Some(1), "{msg}");
    assert!(msg.contains("is in us-east-1, but this session is in us-west-2"), "{msg}");
}

#[test]
fn check_aws_covers_every_reference_kind_hoist_writes() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let values = ["Zq8-Pl4nted-StateA-51a", "Zq8-Pl4nted-EnvKey-53c", "Kq7pLmNz9xWv-Zq8", "Zq8Pl4ntedEcsToken54d"];
    let files = [
        ("settings.py", format!("DB_PASSWORD = \"{}\"\nprint(len(DB_PASSWORD))\n", values[0])),
        (".env", format!("API_KEY={}\n", values[1])),
        (
            "k8s/db.yaml",
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\nstringData:\n  password: \"{}\"\n",
                values[2]
            ),
        ),
        (
            "ecs/task.json",
            format!(
                "{{\n  \"family\": \"web\",\n  \"executionRoleArn\": \"arn:aws:iam::123456789012:role/ecsTaskExecutionRole\",\n  \
                 \"containerDefinitions\": [\n    {{\n      \"name\": \"api\",\n      \"image\": \"web:1\",\n      \
                 \"environment\": [\n        {{ \"name\": \"API_TOKEN\", \"value\": \"{}\" }}\n      ]\n    }}\n  ]\n}}\n",
                values[3]
            ),
        ),
    ];
    for (rel, content) in &files {
        std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
        std::fs::write(dir.join(rel), content).unwrap();
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]);
    let check = |what: &str| {
        let leak = Leak::watch(dir, &values);
        let out = moto.hoist().current_dir(dir).args(["check", ".", "--aws"]).output().unwrap();
        (out.status.code(), leak.check(dir, what, &out))
    };
    let out = moto.hoist().current_dir(dir).args(["plan", ".", "--app", "app"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let out = moto.hoist().current_dir(dir).args(["apply", ".", "--yes"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    for (rel, old) in &files {
        assert_ne!(&std::fs::read_to_string(dir.join(rel)).unwrap(), old, "{rel} was not rewritten: {}", text(&out));
    }
    let (code, msg) = check("check --aws");
    assert_eq!(code, Some(0), "{msg}");
    assert!(msg.contains(" 0 problem(s)"), "{msg}");
    let n: usize = msg.split("checked ").nth(1).and_then(|t| t.split(' ').next()).and_then(|n| n.parse().ok()).unwrap();
    assert!(n >= files.len(), "only {n} reference(s) checked:\n{msg}");
    // The endpoint loses every secret: each kind of reference is reported, at its file.
    moto.reset();
    let (code, msg) = check("check --aws (fresh endpoint)");
    assert_eq!(code, Some(1), "{msg}");
    for (rel, _) in &files {
        assert!(msg.lines().any(|l| l.starts_with(&format!("{rel}:")) && l.contains("does not exist")), "{rel}: {msg}");
    }
}
