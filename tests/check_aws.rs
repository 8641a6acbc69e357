//! `hoist check --aws` really asks Secrets Manager (moto, and a fault endpoint that counts calls):
//! every referenced secret — an ARN in code, an ECS `valueFrom` with a key and a version stage, a
//! `.env` note by name, and each secret `.hoist/state.yaml` records — is described, and read when a
//! JSON key is referenced; a missing secret, one scheduled for deletion, a missing key or version
//! stage each fail the check at their file and line. With nothing to ask it says so instead of
//! "verified". Every run goes through the leak harness with the stored values planted.

mod common;

use common::cli::{Hoist, text};
use common::fault::{FaultServer, Mode};
use common::moto::Moto;
use std::path::Path;

const PW: &str = "Pl4nted-Check-Pw-7Yq2";
const TOKEN: &str = "Pl4nted-Check-Tok-3Vx9";

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, content).unwrap();
}

/// `hoist check . --aws` in `dir` against `moto`; (exit code, stdout, stderr).
fn check(moto: &Moto, dir: &Path) -> (Option<i32>, String, String) {
    let out = Hoist::moto(moto, &[PW, TOKEN]).current_dir(dir).args(["check", ".", "--aws"]).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn arn(created: &serde_json::Value) -> String {
    created["ARN"].as_str().unwrap().to_string()
}

/// A state file recording `arns` as uploaded (what `hoist upload` writes).
fn state(dir: &Path, arns: &[(&str, &str)]) {
    let mut s = String::from("version: 1\nsecrets:\n");
    for (name, arn) in arns {
        s.push_str(&format!("  {name}:\n    name: {name}\n    arn: {arn}\n    version_id: v1\n"));
    }
    write(dir, ".hoist/state.yaml", &s);
}

#[test]
fn every_referenced_secret_is_asked_and_each_kind_of_absence_fails() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let db = arn(&moto.create_secret("app/db", &format!("{{\"password\":\"{PW}\"}}"), &[]));
    let api = arn(&moto.create_secret("app/api", &format!("{{\"token\":\"{TOKEN}\"}}"), &[]));
    let old = arn(&moto.create_secret("app/old", "unused-value", &[]));
    write(dir, "app/settings.py", &format!("DB_PASSWORD = hoist_secrets.get(\"{db}\", \"password\")\n"));
    write(
        dir,
        "ecs/task.json",
        &format!(
            "{{\"family\": \"web\", \"containerDefinitions\": [{{\"name\": \"api\", \"image\": \"web:1\", \
             \"secrets\": [{{\"name\": \"API_TOKEN\", \"valueFrom\": \"{api}:token:AWSCURRENT:\"}}]}}]}}\n"
        ),
    );
    write(
        dir,
        ".env",
        "# API_TOKEN: moved to AWS Secrets Manager (secret app/api, key token); set by the deployment\n",
    );
    state(dir, &[("app/db", &db), ("app/old", &old)]);

    let (code, out, err) = check(&moto, dir);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.is_empty(), "{out}");
    // app/db, app/api by ARN, app/api by name, app/old from the state: four ids, each described;
    // three of them are read for their JSON key (the ECS stage and the plain reads are separate).
    assert!(err.contains("0 problem(s)") && err.contains("about 4 secret(s)"), "{err}");
    assert!(!err.contains("format only;"), "{err}");

    // The ECS reference selects a stage the secret doesn't have.
    let td = std::fs::read_to_string(dir.join("ecs/task.json")).unwrap();
    std::fs::write(dir.join("ecs/task.json"), td.replace(":AWSCURRENT:", ":AWSPREVIOUS:")).unwrap();
    let (code, out, _) = check(&moto, dir);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(out.trim(), format!("ecs/task.json:1: secret {api} has no version labelled AWSPREVIOUS"));
    // A second version moves AWSCURRENT's old version to AWSPREVIOUS: the same file passes.
    moto.sm_json(&[
        "put-secret-value",
        "--secret-id",
        "app/api",
        "--secret-string",
        &format!("{{\"token\":\"{TOKEN}\"}}"),
    ]);
    let (code, out, err) = check(&moto, dir);
    assert_eq!(code, Some(0), "{out}{err}");

    // A JSON key the secret doesn't hold.
    let py = std::fs::read_to_string(dir.join("app/settings.py")).unwrap();
    std::fs::write(dir.join("app/settings.py"), py.replace("\"password\"", "\"pasword\"")).unwrap();
    let (code, out, _) = check(&moto, dir);
    assert_eq!(code, Some(1), "{out}");
    assert_eq!(out.trim(), format!("app/settings.py:1: secret {db} has no JSON key \"pasword\""));
    std::fs::write(dir.join("app/settings.py"), &py).unwrap();

    // Scheduled for deletion: every place naming it fails, with what to do.
    moto.sm_json(&["delete-secret", "--secret-id", "app/db", "--recovery-window-in-days", "7"]);
    let (code, out, _) = check(&moto, dir);
    assert_eq!(code, Some(1), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with(".hoist/state.yaml:") && lines[1].starts_with("app/settings.py:1: "), "{out}");
    assert!(lines.iter().all(|l| l.contains("scheduled for deletion") && l.contains("restore-secret")), "{out}");
    moto.sm_json(&["restore-secret", "--secret-id", "app/db"]);

    // Gone for good (here only the state still names it): the recorded secret fails too.
    moto.sm_json(&["delete-secret", "--secret-id", "app/old", "--force-delete-without-recovery"]);
    let (code, out, err) = check(&moto, dir);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.trim().starts_with(".hoist/state.yaml:") && out.lines().count() == 1, "{out}");
    assert!(out.contains(&format!("secret {old} does not exist in us-east-1")), "{out}");
    assert!(out.contains("hoist apply` creates it again"), "{out}");
    assert!(err.contains("1 problem(s)"), "{err}");
}

#[test]
fn with_nothing_to_ask_it_says_so_instead_of_verified() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    write(repo.path(), "app.py", &format!("print('no reference here') # {PW}\n"));
    let (code, out, err) = check(&moto, repo.path());
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!err.contains("verified"), "{err}");
    assert!(err.contains("nothing to ask Secrets Manager"), "{err}");
}

/// The fault endpoint counts requests: with only a recorded secret (no reference in files),
/// `check --aws` calls it — the default five attempts — and never says verified: throttled past
/// the retries is a problem at the state's line (exit 1), no connection ends the check (exit 2).
#[test]
fn a_recorded_secret_is_asked_for_even_with_no_reference_in_files() {
    let runs: Vec<_> = [(Mode::Throttle, 1, "ThrottlingException"), (Mode::Reset, 2, "cannot reach Secrets Manager")]
        .into_iter()
        .map(|(mode, code, says)| std::thread::spawn(move || against_fault(mode, code, says)))
        .collect();
    for r in runs {
        r.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
    }
}

fn against_fault(mode: Mode, code: i32, says: &str) {
    let server = FaultServer::start(mode.clone());
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    write(dir, ".env", &format!("DB_PASSWORD={PW}\n"));
    state(dir, &[("app/db", "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf")]);
    let out = Hoist::new(&[PW])
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", &server.url)
        .args(["check", ".", "--aws", "--endpoint-url", &server.url])
        .output()
        .unwrap();
    let msg = text(&out);
    assert_eq!(out.status.code(), Some(code), "{mode:?}: {msg}");
    assert_eq!(server.hits(), 5, "{mode:?}: DescribeSecret tried with the default attempts: {msg}");
    assert!(msg.contains(says) && !msg.contains("verified"), "{mode:?}: {msg}");
    if code == 1 {
        assert!(msg.contains(".hoist/state.yaml:5: Secrets Manager refused DescribeSecret on arn:"), "{msg}");
    }
}
