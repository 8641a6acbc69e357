//! AWS errors that say what to do (#15 item 8), through the binary: a profile that doesn't exist is
//! named as such (not "no region"), an expired SSO session says `aws sso login --profile X`, access
//! denied names the action and the resource (upload and `check --aws`), a credential chain that
//! finds nothing is one readable line without the SDK's `Debug` dump (which `-v` shows), and an
//! endpoint that refuses connections says so. Every run goes through the leak harness
//! (`common::cli`) over planted values of every shape.

mod common;

use common::cli::Hoist;
use common::fault::{FaultServer, Mode};
use common::fixture::{plant_shapes, shape_values};
use std::path::Path;

const TOKEN: &str = "ghp_0Snjvo8rad30gM2mNUoIgyTp9ZaTCtTIFQYk";

fn hoist(dir: &Path, args: &[&str]) -> (i32, String) {
    let (code, _, err) = hoist_out(dir, args);
    (code, err)
}

/// Exit code, stdout and stderr of hoist in `dir` with only the files there for AWS settings.
fn hoist_out(dir: &Path, args: &[&str]) -> (i32, String, String) {
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
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap(), text(&out.stdout), text(&out.stderr))
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

/// A profile whose SSO session's cached token has expired (and holds no refresh token, so the SDK
/// fails without calling anyone; the SSO endpoints point at 127.0.0.1 all the same).
#[test]
fn an_expired_sso_session_says_aws_sso_login_with_the_profile() {
    let dir = repo_with_plan();
    std::fs::write(
        dir.path().join("aws-config"),
        "[profile work]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    )
    .unwrap();
    // The SDK's cache file for session `corp`: ~/.aws/sso/cache/<sha1("corp")>.json.
    let cache = dir.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken":"expired-token","expiresAt":"2020-01-01T00:00:00Z","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}"#,
    )
    .unwrap();
    let (code, err) = hoist(dir.path(), &["upload", ".", "--profile", "work", "--endpoint-url", "http://127.0.0.1:9"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("aws sso login --profile work"), "{err}");
    assert!(!err.contains("no AWS region") && !err.contains("ProviderAttempt"), "{err}");
}

/// A caller without the permission: upload and `check --aws` both name the action, the secret
/// and what to grant, in one line each.
#[test]
fn access_denied_names_the_action_and_the_resource() {
    let server = FaultServer::start(Mode::Denied);
    let dir = repo_with_plan();
    std::fs::write(
        dir.path().join("aws-credentials"),
        "[dev]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .unwrap();
    let (code, err) = hoist(dir.path(), &["upload", ".", "--profile", "dev", "--endpoint-url", &server.url]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("access denied: secretsmanager:") && err.contains("Grant the caller"), "{err}");
    assert!(err.lines().any(|l| l.contains("access denied: secretsmanager:DescribeSecret on ")), "{err}");
    // The profile is in eu-west-1: a state ARN there is asked about.
    let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-AbCdEf";
    std::fs::create_dir_all(dir.path().join(".hoist")).unwrap();
    std::fs::write(
        dir.path().join(".hoist/state.yaml"),
        format!("version: 1\nsecrets:\n  app/db:\n    name: app/db\n    arn: {arn}\n    version_id: v1\n"),
    )
    .unwrap();
    let (code, out, err) =
        hoist_out(dir.path(), &["check", ".", "--aws", "--profile", "dev", "--endpoint-url", &server.url]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains(&format!("access denied: secretsmanager:DescribeSecret on {arn}")), "{out}");
    assert!(out.contains("Grant the caller"), "{out}");
}
