//! `hoist upload` against a real Secrets Manager emulator (moto), read back with the `aws` CLI.
//! Every run goes through the leak harness (`common::cli`): stdout, stderr, `.hoist/` (plan,
//! state) and any changed file, pieces included.

mod common;

use common::cli::Hoist;
use common::fixture::{DEMO_VALUES, demo};
use common::moto::Moto;
use std::process::Output;

/// The value the rotation test changes to.
const ROTATED: &str = "sk_live_PLANTEDrotated9876543210zz";

fn run_upload(moto: &Moto, root: &std::path::Path, extra: &[&str]) -> Output {
    let mut values: Vec<&str> = DEMO_VALUES.to_vec();
    values.push(ROTATED);
    let out = Hoist::moto(moto, &values).arg("upload").arg(root).args(extra).output().unwrap();
    assert_no_values(&out);
    out
}

fn assert_no_values(out: &Output) {
    for v in DEMO_VALUES {
        for (what, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(!String::from_utf8_lossy(bytes).contains(v), "{what} holds a planted value");
        }
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn uploads_the_demo_plan_then_a_second_run_changes_nothing() {
    let moto = Moto::start();
    let f = demo();
    f.write_plan();
    let out = run_upload(&moto, f.root(), &["--tag", "team=payments", "--kms-key-id", "alias/hoist-test"]);
    assert!(out.status.success(), "upload failed: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("upload: 3 created, 0 updated, 0 unchanged, 0 failed"), "{stdout}");

    assert_eq!(moto.secret_names(), vec!["demo/prod/db", "demo/prod/github", "demo/prod/stripe"]);
    let db: serde_json::Value = serde_json::from_str(&moto.secret_string("demo/prod/db")).unwrap();
    assert_eq!(
        db,
        serde_json::json!({"engine": "postgresql", "host": "db.internal.example.com", "port": "5432",
            "username": "app_user_planted", "password": "Pl4nted-DbPassw0rd-x9q", "dbname": "shop"})
    );
    let gh: serde_json::Value = serde_json::from_str(&moto.secret_string("demo/prod/github")).unwrap();
    assert_eq!(gh, serde_json::json!({"GITHUB_TOKEN": "ghp_PLANTEDplantedPLANTEDplanted0123"}));
    assert_eq!(moto.secret_string("demo/prod/stripe"), "sk_live_PLANTEDplanted0123456789ab");
    for name in ["demo/prod/db", "demo/prod/github", "demo/prod/stripe"] {
        let tags = moto.tags(name);
        assert!(tags.contains(&("managed-by".into(), "hoist".into())), "{name}: {tags:?}");
        assert!(tags.contains(&("team".into(), "payments".into())), "{name}: {tags:?}");
        let d = moto.describe(name);
        assert_eq!(d["KmsKeyId"], "alias/hoist-test", "{name}");
        assert!(d["Description"].as_str().unwrap().contains("demo"));
        assert_eq!(moto.version_ids(name).len(), 1);
    }

    // The state holds each ARN exactly as the service returned it, and no value.
    let state = f.state();
    assert_eq!(state.secrets.len(), 3);
    for (name, r) in &state.secrets {
        assert_eq!(r.arn, moto.describe(name)["ARN"].as_str().unwrap());
        assert_eq!(moto.version_ids(name), vec![r.version_id.clone()]);
        assert_eq!(r.region.as_deref(), Some("us-east-1"));
    }

    let again = run_upload(&moto, f.root(), &["--tag", "team=payments", "--kms-key-id", "alias/hoist-test"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("upload: 0 created, 0 updated, 3 unchanged, 0 failed"),
        "{}",
        text(&again.stdout)
    );
    for name in ["demo/prod/db", "demo/prod/github", "demo/prod/stripe"] {
        assert_eq!(moto.version_ids(name).len(), 1, "{name} got a second version");
    }

    // Lost state: the deterministic token and the managed-by tag still make it a no-op.
    std::fs::remove_file(f.state_path()).unwrap();
    let lost = run_upload(&moto, f.root(), &[]);
    assert!(text(&lost.stdout).contains("0 created, 0 updated, 3 unchanged, 0 failed"), "{}", text(&lost.stdout));
    assert_eq!(f.state().secrets.len(), 3);
    assert_no_values_in_files(&f);
}

fn assert_no_values_in_files(f: &common::fixture::Fixture) {
    for file in [f.root().join(".hoist/plan.yaml"), f.state_path()] {
        let content = std::fs::read_to_string(&file).unwrap();
        for v in DEMO_VALUES {
            assert!(!content.contains(v), "{} holds a planted value", file.display());
        }
    }
}

#[test]
fn a_foreign_secret_is_refused_and_left_alone_while_the_others_go_through() {
    let moto = Moto::start();
    let f = demo();
    f.write_plan();
    moto.create_secret("demo/prod/stripe", "someone-elses-value", &[]);
    let out = run_upload(&moto, f.root(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("demo/prod/stripe: a secret with this name already exists and hoist did not create it"),
        "{stderr}"
    );
    assert!(text(&out.stdout).contains("2 created, 0 updated, 0 unchanged, 1 failed"), "{}", text(&out.stdout));
    assert_eq!(moto.secret_string("demo/prod/stripe"), "someone-elses-value");
    assert_eq!(moto.version_ids("demo/prod/stripe").len(), 1);
    // --update never makes a foreign secret ours.
    let out = run_upload(&moto, f.root(), &["--update"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(moto.secret_string("demo/prod/stripe"), "someone-elses-value");
    assert!(!f.state().secrets.contains_key("demo/prod/stripe"));
}

#[test]
fn a_changed_value_is_refused_without_update_and_becomes_one_new_version_with_it() {
    let moto = Moto::start();
    let mut f = demo();
    f.write_plan();
    assert!(run_upload(&moto, f.root(), &[]).status.success());
    let before = f.state().secrets["demo/prod/stripe"].clone();

    // The value changes in the tree and the plan is redone.
    f.file("web/pay.js", "const stripe = require('stripe')('sk_live_PLANTEDrotated9876543210zz');\n");
    f.plan.secrets.retain(|s| s.name != "demo/prod/stripe");
    f.secret("demo/prod/stripe", hoist::model::Shape::String, &[("value", "web/pay.js", ROTATED)]);
    f.write_plan();

    let refused = run_upload(&moto, f.root(), &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr)
            .contains("demo/prod/stripe: the secret exists (created by hoist) but holds a different value")
    );
    assert!(!text(&refused.stderr).contains("sk_live_PLANTEDrotated"));
    assert_eq!(moto.secret_string("demo/prod/stripe"), "sk_live_PLANTEDplanted0123456789ab");
    assert_eq!(moto.version_ids("demo/prod/stripe").len(), 1);

    let updated = run_upload(&moto, f.root(), &["--update"]);
    assert!(updated.status.success(), "{}", text(&updated.stderr));
    assert!(text(&updated.stdout).contains("0 created, 1 updated, 2 unchanged, 0 failed"), "{}", text(&updated.stdout));
    assert!(!text(&updated.stdout).contains("sk_live_PLANTEDrotated"));
    assert_eq!(moto.secret_string("demo/prod/stripe"), ROTATED);
    assert_eq!(moto.version_ids("demo/prod/stripe").len(), 2);
    let after = f.state().secrets["demo/prod/stripe"].clone();
    assert_eq!(after.arn, before.arn);
    assert_ne!(after.version_id, before.version_id);

    // Running the update again is a no-op; going back to the old value is a fresh third version.
    let again = run_upload(&moto, f.root(), &["--update"]);
    assert!(text(&again.stdout).contains("0 created, 0 updated, 3 unchanged"), "{}", text(&again.stdout));
    assert_eq!(moto.version_ids("demo/prod/stripe").len(), 2);
    f.file("web/pay.js", "const stripe = require('stripe')('sk_live_PLANTEDplanted0123456789ab');\n");
    f.plan.secrets.retain(|s| s.name != "demo/prod/stripe");
    f.secret(
        "demo/prod/stripe",
        hoist::model::Shape::String,
        &[("value", "web/pay.js", "sk_live_PLANTEDplanted0123456789ab")],
    );
    f.write_plan();
    let back = run_upload(&moto, f.root(), &["--update"]);
    assert!(text(&back.stdout).contains("0 created, 1 updated, 2 unchanged"), "{}", text(&back.stdout));
    assert_eq!(moto.secret_string("demo/prod/stripe"), "sk_live_PLANTEDplanted0123456789ab");
}

#[test]
fn a_stale_plan_is_refused_before_any_call_naming_file_and_line() {
    let moto = Moto::start();
    let f = demo();
    f.write_plan();
    f.file("web/pay.js", "const stripe = require('stripe')('sk_live_PLANTEDchanged000000000000');\n");
    let out = run_upload(&moto, f.root(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("web/pay.js:1:") && stderr.contains("re-run `hoist plan`"), "{stderr}");
    assert!(!stderr.contains("PLANTEDchanged"));
    assert!(moto.secret_names().is_empty(), "something was created from a stale plan");
}

#[test]
fn invalid_names_are_refused_before_any_call() {
    let moto = Moto::start();
    let mut f = demo();
    f.plan.secrets[0].name = "demo/prod/db-secret".into();
    f.plan.secrets[1].name = "demo/prod/stripe key".into();
    f.write_plan();
    let out = run_upload(&moto, f.root(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("nothing was uploaded"), "{stderr}");
    assert!(stderr.contains("\"demo/prod/db-secret\": ends in `-` plus six characters"), "{stderr}");
    assert!(stderr.contains("\"demo/prod/stripe key\": ' ' is not allowed"), "{stderr}");
    assert!(moto.secret_names().is_empty());
    assert!(!f.state_path().exists());
}

#[test]
fn invalid_tags_from_the_command_line_are_refused_before_any_call() {
    let moto = Moto::start();
    let f = demo();
    f.write_plan();
    let long = format!("team={}", "v".repeat(257));
    let out = run_upload(&moto, f.root(), &["--tag", "aws:owner=me", "--tag", &long]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("nothing was uploaded"), "{stderr}");
    assert!(stderr.contains("demo/prod/db: tag \"aws:owner\": the `aws:` prefix is reserved"), "{stderr}");
    assert!(stderr.contains("demo/prod/db: tag \"team\": tag value longer than 256 characters"), "{stderr}");
    assert!(moto.secret_names().is_empty());
}

#[test]
fn a_name_scheduled_for_deletion_gets_a_clear_message() {
    let moto = Moto::start();
    let f = demo();
    f.write_plan();
    assert!(run_upload(&moto, f.root(), &[]).status.success());
    moto.sm_json(&["delete-secret", "--secret-id", "demo/prod/github", "--recovery-window-in-days", "7"]);
    let out = run_upload(&moto, f.root(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("demo/prod/github: a secret with this name is scheduled for deletion")
            && stderr.contains("restore-secret"),
        "{stderr}"
    );
}

#[test]
fn resource_policy_from_allow_principal() {
    let moto = Moto::start();
    let f = demo();
    f.write_plan();
    let out = run_upload(&moto, f.root(), &["--allow-principal", "arn:aws:iam::123456789012:role/app-task"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let p = moto.sm_json(&["get-resource-policy", "--secret-id", "demo/prod/db"]);
    let doc: serde_json::Value = serde_json::from_str(p["ResourcePolicy"].as_str().unwrap()).unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "secretsmanager:GetSecretValue");
    assert_eq!(doc["Statement"][0]["Principal"]["AWS"][0], "arn:aws:iam::123456789012:role/app-task");
}

#[test]
fn replica_regions_and_a_resource_policy_file() {
    let moto = Moto::start();
    let f = demo();
    f.write_plan();
    let policy = f.root().join("policy.json");
    std::fs::write(
        &policy,
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"secretsmanager:DeleteSecret","Resource":"*"}]}"#,
    )
    .unwrap();
    let out =
        run_upload(&moto, f.root(), &["--replica-region", "eu-west-1", "--resource-policy", policy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let d = moto.describe("demo/prod/db");
    assert_eq!(d["ReplicationStatus"][0]["Region"], "eu-west-1", "{d}");
    let p = moto.sm_json(&["get-resource-policy", "--secret-id", "demo/prod/github"]);
    let doc: serde_json::Value = serde_json::from_str(p["ResourcePolicy"].as_str().unwrap()).unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "secretsmanager:DeleteSecret");

    // A broken policy file is refused before anything is sent.
    std::fs::write(&policy, "{not json").unwrap();
    moto.reset();
    let out = run_upload(&moto, f.root(), &["--resource-policy", policy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("resource policy is not a JSON policy document"), "{}", text(&out.stderr));
    assert!(moto.secret_names().is_empty());
}
