//! `hoist upload` as a process: killed mid-run and resumed, no credentials / no region / no
//! network, and no planted value in any output or file.

mod common;

use common::cli::Hoist;
use common::fixture::{DEMO_VALUES, Fixture, demo};
use common::moto::{Moto, hoist_bin};
use hoist::model::Shape;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn many(n: usize) -> (Fixture, Vec<String>) {
    let mut f = Fixture::new("load");
    let body: String = (0..n).map(|i| format!("KEY_{i} = \"planted-interrupt-{i}-Zq9\"\n")).collect();
    f.file("conf/keys.py", &body);
    let mut values = Vec::new();
    for i in 0..n {
        let v = format!("planted-interrupt-{i}-Zq9");
        f.secret(&format!("load/s{i:02}"), Shape::String, &[("value", "conf/keys.py", &v)]);
        values.push(v);
    }
    f.write_plan();
    (f, values)
}

#[test]
fn killed_mid_run_then_resumed_ends_with_exactly_the_plan_each_with_one_version() {
    let moto = Moto::start();
    let (f, values) = many(60);
    let mut child = moto
        .hoist()
        .args(["upload", "--concurrency", "2"])
        .arg(f.root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut at_kill = 0;
    while Instant::now() < deadline {
        if let Ok(text) = std::fs::read_to_string(f.state_path())
            && let Ok(state) = serde_yaml::from_str::<hoist::model::State>(&text)
            && !state.secrets.is_empty()
        {
            child.kill().unwrap(); // SIGKILL: no cleanup, like a crash or a closed laptop
            at_kill = state.secrets.len();
            break;
        }
        assert!(child.try_wait().unwrap().is_none(), "upload finished before it could be interrupted");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait().unwrap();
    assert!(at_kill >= 1, "the state never got an entry");
    let partial = moto.secret_names().len();
    assert!(partial < 60, "all 60 secrets were created before the kill; the test interrupted nothing");
    // The state file is always whole (atomic rename), even right after a kill.
    let after_kill = f.state();
    assert!(after_kill.secrets.len() >= at_kill);

    let out = hoist(&moto).args(["upload"]).arg(f.root()).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let summary = stdout.lines().last().unwrap();
    let created: usize = summary.split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(created, 60 - partial, "{summary}");
    assert!(summary.contains(&format!("{partial} unchanged, 0 failed")), "{summary}");

    let expected: Vec<String> = (0..60).map(|i| format!("load/s{i:02}")).collect();
    assert_eq!(moto.secret_names(), expected);
    let state = f.state();
    assert_eq!(state.secrets.keys().cloned().collect::<Vec<_>>(), expected);
    let listed = moto.sm_json(&["list-secrets"]);
    for s in listed["SecretList"].as_array().unwrap() {
        let name = s["Name"].as_str().unwrap();
        let versions = s["SecretVersionsToStages"].as_object().unwrap();
        assert_eq!(versions.len(), 1, "{name} has {} versions", versions.len());
        assert_eq!(state.secrets[name].arn, s["ARN"].as_str().unwrap());
        assert!(versions.contains_key(&state.secrets[name].version_id));
    }
    // Spot-check versions through the dedicated call and values through the CLI.
    for i in [0, 29, 59] {
        let name = format!("load/s{i:02}");
        assert_eq!(moto.version_ids(&name).len(), 1);
        assert_eq!(moto.secret_string(&name), values[i]);
    }
    let state_text = std::fs::read_to_string(f.state_path()).unwrap();
    assert!(values.iter().all(|v| !state_text.contains(v.as_str())));
    assert!(values.iter().all(|v| !stdout.contains(v.as_str()) && !text(&out.stderr).contains(v.as_str())));
}

/// The binary with no credentials anywhere: no env keys, empty config and credentials files, no
/// instance metadata.
fn bare(empty: &tempfile::TempDir) -> Command {
    let cfg = empty.path().join("config");
    let creds = empty.path().join("credentials");
    std::fs::write(&cfg, "").unwrap();
    std::fs::write(&creds, "").unwrap();
    let mut cmd = Command::new(hoist_bin());
    for k in common::moto::REMOVED_ENV.iter().chain(&[
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ]) {
        cmd.env_remove(k);
    }
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &cfg)
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
        .env("HOME", empty.path());
    cmd
}

#[test]
fn no_credentials_is_a_clear_error_before_the_plan_is_read() {
    let empty = tempfile::tempdir().unwrap();
    // No plan at all in this folder: the credentials error must come first.
    let repo = tempfile::tempdir().unwrap();
    let out = bare(&empty).args(["upload", "--region", "eu-west-1"]).arg(repo.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("hoist: error: no AWS credentials"), "{stderr}");
    assert!(stderr.contains("AWS_PROFILE") && stderr.contains("--profile"), "{stderr}");
    assert!(!stderr.contains("plan"), "the plan was looked at before credentials: {stderr}");

    // A named profile that does not exist is the same kind of error, not a hang or a panic.
    let out =
        bare(&empty).args(["upload", "--region", "eu-west-1", "--profile", "nope"]).arg(repo.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("AWS profile `nope` is not defined"), "{}", text(&out.stderr));
}

#[test]
fn no_region_is_a_clear_error() {
    let empty = tempfile::tempdir().unwrap();
    let repo = tempfile::tempdir().unwrap();
    let out = bare(&empty)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .arg("upload")
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("no AWS region configured: pass --region, set AWS_REGION"), "{stderr}");
}

#[test]
fn a_profile_from_the_config_files_is_used() {
    // Credentials and region from a named profile only, against moto.
    let moto = Moto::start();
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("config"), "[profile ci]\nregion = eu-central-1\n").unwrap();
    std::fs::write(empty.path().join("credentials"), "[ci]\naws_access_key_id = test\naws_secret_access_key = test\n")
        .unwrap();
    let f = demo();
    f.write_plan();
    let cfg = empty.path().join("config");
    let creds = empty.path().join("credentials");
    let mut cmd = Command::new(hoist_bin());
    for k in common::moto::REMOVED_ENV.iter().chain(&[
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ]) {
        cmd.env_remove(k);
    }
    let out = cmd
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", &cfg)
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
        .args(["upload", "--profile", "ci", "--endpoint-url", &moto.endpoint])
        .arg(f.root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let state = f.state();
    assert_eq!(state.secrets.len(), 3);
    assert!(
        state.secrets.values().all(|r| r.region.as_deref() == Some("eu-central-1") && r.arn.contains(":eu-central-1:"))
    );
}

#[test]
fn an_unreachable_endpoint_stops_the_upload_after_the_first_failure_with_one_line() {
    let f = demo();
    f.write_plan();
    let port = common::moto::free_port(); // nothing listens there
    let mut cmd = Command::new(hoist_bin());
    Moto::dummy_env(&mut cmd);
    let start = std::time::Instant::now();
    let out = cmd
        .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", format!("http://127.0.0.1:{port}"))
        .args(["upload", "--concurrency", "1"])
        .arg(f.root())
        .output()
        .unwrap();
    // hoist's defaults: 5 attempts, backoff from 1 s (jittered), each call bounded by --timeout.
    assert!(start.elapsed() < std::time::Duration::from_secs(30), "took {:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line, not one per secret (or an SDK dump):\n{stderr}");
    assert!(
        stderr.contains("upload stopped: Secrets Manager is unreachable")
            && stderr.contains("DescribeSecret failed: cannot connect")
            && stderr.contains("2 secret(s) not attempted"),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("0 created, 0 updated, 0 unchanged, 3 failed"), "{}", text(&out.stdout));
    assert!(f.state().secrets.is_empty());
    for v in DEMO_VALUES {
        assert!(!stderr.contains(v) && !text(&out.stdout).contains(v));
    }
}

/// Every output of every path through upload — success, second run, update, refusal, failure —
/// and the plan and state files, checked for every planted value.
#[test]
fn no_planted_value_in_any_output_plan_or_state() {
    let moto = Moto::start();
    let mut f = demo();
    f.write_plan();
    let mut outputs: Vec<Output> = Vec::new();
    outputs.push(hoist(&moto).args(["upload", "--allow-principal", "123456789012"]).arg(f.root()).output().unwrap());
    outputs.push(hoist(&moto).arg("upload").arg(f.root()).output().unwrap());
    // A changed value: refused, then updated.
    f.file(
        "config/settings.py",
        &std::fs::read_to_string(f.root().join("config/settings.py"))
            .unwrap()
            .replace("Pl4nted-DbPassw0rd-x9q", "Pl4nted-DbPassw0rd-NEW"),
    );
    f.plan.secrets.retain(|s| s.name != "demo/prod/db");
    f.secret(
        "demo/prod/db",
        Shape::Json,
        &[
            ("username", "config/settings.py", "app_user_planted"),
            ("password", "config/settings.py", "Pl4nted-DbPassw0rd-NEW"),
        ],
    );
    f.write_plan();
    outputs.push(hoist(&moto).arg("upload").arg(f.root()).output().unwrap());
    outputs.push(hoist(&moto).args(["upload", "--update"]).arg(f.root()).output().unwrap());
    // A stale plan.
    f.file("web/pay.js", "const stripe = require('stripe')('sk_live_PLANTEDother00000000000000');\n");
    outputs.push(hoist(&moto).arg("upload").arg(f.root()).output().unwrap());
    assert_eq!(outputs.iter().map(|o| o.status.code().unwrap()).collect::<Vec<_>>(), vec![0, 0, 2, 0, 2]);

    let mut planted: Vec<&str> = DEMO_VALUES.to_vec();
    planted.extend(["Pl4nted-DbPassw0rd-NEW", "sk_live_PLANTEDother00000000000000"]);
    let mut haystacks: Vec<(String, String)> = Vec::new();
    for (i, o) in outputs.iter().enumerate() {
        haystacks.push((format!("run {i} stdout"), text(&o.stdout)));
        haystacks.push((format!("run {i} stderr"), text(&o.stderr)));
    }
    for file in [".hoist/plan.yaml", ".hoist/state.yaml"] {
        haystacks.push((file.into(), std::fs::read_to_string(f.root().join(file)).unwrap()));
    }
    for (i, o) in outputs.iter().enumerate() {
        assert!(!o.stdout.is_empty() || !o.stderr.is_empty(), "run {i} printed nothing; nothing was checked");
    }
    for (what, hay) in &haystacks {
        for v in &planted {
            assert!(!hay.contains(v), "{what} holds a planted value");
        }
    }
    // And the values did reach Secrets Manager.
    assert!(moto.secret_string("demo/prod/db").contains("Pl4nted-DbPassw0rd-NEW"));
}

/// hoist against `moto` under the leak harness, for every value this file plants.
fn hoist(moto: &Moto) -> Hoist {
    let mut values: Vec<&str> = DEMO_VALUES.to_vec();
    values.extend(["Pl4nted-DbPassw0rd-NEW", "sk_live_PLANTEDother00000000000000"]);
    Hoist::moto(moto, &values)
}
