//! CLI behaviour of `hoist diff`, `hoist migrate` (dry) and `hoist run` that needs no AWS: clear
//! errors without a plan or state, ARN patterns before upload, redaction, and a dry run that
//! writes nothing.

mod common;

use common::cli::Hoist;
use std::path::Path;

/// hoist in `dir` under the leak harness, for the pyapp's planted keys.
fn hoist(dir: &Path) -> Hoist {
    let mut c = Hoist::new(&[SECRET, "AKIAUJZDEGXDNCF32EPF"]);
    c.current_dir(dir)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/hoist-test/config")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_PROFILE");
    c
}

fn app() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in ["settings.py", "app.py", ".env"] {
        std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/apps/pyapp").join(f), dir.path().join(f))
            .unwrap();
    }
    dir
}

const SECRET: &str = "2hpChYgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kj";

#[test]
fn diff_without_a_plan_says_what_to_run() {
    let dir = app();
    let out = hoist(dir.path()).args(["diff", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no plan; run `hoist plan"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn dry_migrate_writes_nothing_and_shows_arn_patterns_and_redacted_values() {
    let dir = app();
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    let out = hoist(dir.path()).args(["migrate", ".", "--app", "shop"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("-AWS_SECRET_ACCESS_KEY = \"<redacted>\""), "{stdout}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    assert!(stderr.contains("dry run: nothing was written"), "{stderr}");
    let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before.len(), after.len(), "the dry run created files: {after:?}");

    // With sdk sites the ARN pattern names the region (none resolvable here: `REGION`).
    hoist(dir.path()).args(["plan", ".", "--app", "shop"]).assert().success();
    let plan = std::fs::read_to_string(dir.path().join(".hoist/plan.yaml")).unwrap();
    std::fs::write(dir.path().join(".hoist/plan.yaml"), plan.replace("strategy: env", "strategy: sdk")).unwrap();
    let out = hoist(dir.path()).args(["diff", "."]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("arn:aws:secretsmanager:REGION:ACCOUNT:secret:shop/aws-??????"), "{stdout}");
    let out = hoist(dir.path()).args(["diff", ".", "--region", "eu-west-1"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("arn:aws:secretsmanager:eu-west-1:ACCOUNT:secret:shop/aws-??????")
    );
    let shown = hoist(dir.path()).args(["diff", ".", "--show-secrets"]).shows_secrets_on_purpose().output().unwrap();
    assert!(String::from_utf8_lossy(&shown.stdout).contains(SECRET));
}

#[test]
fn run_before_upload_explains_instead_of_running() {
    let dir = app();
    hoist(dir.path()).args(["plan", ".", "--app", "shop"]).assert().success();
    let out = hoist(dir.path()).args(["run", "--region", "us-east-1", "--", "true"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("has no ARN in") && err.contains("hoist apply"), "{err}");
}
