//! AWS errors that say what to do, through the binary: a profile that doesn't exist is named as
//! such (not "no region"), a credential chain that finds nothing is one readable line without the
//! SDK's `Debug` dump (which `-v` shows), and an endpoint that refuses connections says so. Every
//! run goes through the leak harness (`common::cli`) over planted values of every shape.

mod common;

use common::cli::Hoist;
use common::fixture::{plant_shapes, shape_values};
use std::path::Path;

const TOKEN: &str = "ghp_0Snjvo8rad30gM2mNUoIgyTp9ZaTCtTIFQYk";

fn hoist(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut values = shape_values();
    values.push(TOKEN.into());
    let out = Hoist::new(&values)
        .current_dir(dir)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap())
        .env("HOME", dir)
        .env("AWS_CONFIG_FILE", dir.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn repo_with_plan() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), format!("TOKEN = \"{TOKEN}\"\n")).unwrap();
    plant_shapes(dir.path());
    std::fs::write(dir.path().join("aws-config"), "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-1\n")
        .unwrap();
    let (code, err) = hoist(dir.path(), &["plan", "."]);
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn a_missing_profile_is_not_no_region() {
    let dir = repo_with_plan();
    let (code, err) = hoist(dir.path(), &["upload", ".", "--profile", "nope", "--endpoint-url", "http://127.0.0.1:9"]);
    assert_eq!(code, 2);
    assert!(err.contains("AWS profile `nope` is not defined"), "{err}");
    assert!(err.contains("profiles there: default, dev"), "{err}");
    assert!(!err.contains("no AWS region"), "{err}");
}

#[test]
fn missing_credentials_are_one_line_and_verbose_shows_the_sdk() {
    let dir = repo_with_plan();
    let (code, err) = hoist(dir.path(), &["upload", ".", "--profile", "dev", "--endpoint-url", "http://127.0.0.1:9"]);
    assert_eq!(code, 2);
    assert!(err.contains("no AWS credentials"), "{err}");
    assert!(err.contains("-v shows the SDK's details"), "{err}");
    assert!(!err.contains("ProviderAttempt") && !err.contains("CredentialsNotLoaded("), "a Debug dump:\n{err}");
    assert!(err.len() < 700, "{} bytes:\n{err}", err.len());
    let (_, verbose) =
        hoist(dir.path(), &["-v", "upload", ".", "--profile", "dev", "--endpoint-url", "http://127.0.0.1:9"]);
    assert!(verbose.contains("Ec2InstanceMetadata"), "{verbose}");
}

#[test]
fn a_refused_connection_says_so_without_a_dump() {
    let dir = repo_with_plan();
    std::fs::write(
        dir.path().join("aws-credentials"),
        "[dev]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .unwrap();
    // Port 9 (discard) on 127.0.0.1: nothing listens, nothing leaves the machine.
    let (code, err) = hoist(dir.path(), &["upload", ".", "--profile", "dev", "--endpoint-url", "http://127.0.0.1:9"]);
    assert_ne!(code, 0);
    assert!(err.contains("Secrets Manager is unreachable") && err.contains("Connection refused"), "{err}");
    assert!(!err.contains("DispatchFailure") && !err.contains("ConnectorError"), "{err}");
}
