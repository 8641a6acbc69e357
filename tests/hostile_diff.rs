//! Diff context never shows a value (#16.3): lines hoist leaves as they are — beside a rewritten
//! line — can hold values it doesn't plan: a secret the user removed from the plan ("edit
//! freely"), a site gone stale (its value changed after `plan`), a value the detectors missed
//! (`pa"ss\w0rd'Zk`). `diff`, `diff --stat`, `apply` and `migrate` go through the leak harness.

mod common;

use common::leak::Leak;
use common::moto::Moto;
use hoist::model::Plan;
use std::process::Command;

const PLANNED: &str = "Zq8-Pl4nted-Ctx-61a";
const REMOVED: &str = "Zq8-Pl4nted-Ctx-62b";
const STALE_OLD: &str = "Zq8-Pl4nted-Ctx-63c";
const STALE_NEW: &str = "Zq8-Pl4nted-Ctx-64d";
const UNDETECTED: &str = "pa\"ss\\w0rd'Zk";

#[test]
fn diff_context_never_shows_a_value_hoist_did_not_plan() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let py_undetected = UNDETECTED.replace('\\', "\\\\").replace('"', "\\\"");
    let settings = |stale: &str| {
        format!(
            "import os\nAPI_TOKEN = \"{REMOVED}\"\nOTHER_PASSWORD = \"{py_undetected}\"\nDB_PASSWORD = \"{PLANNED}\"\n\
             SERVICE_SECRET = \"{stale}\"\nprint(len(DB_PASSWORD))\n"
        )
    };
    std::fs::write(dir.join("settings.py"), settings(STALE_OLD)).unwrap();
    std::fs::write(dir.join("other.py"), format!("SIGNING_KEY = \"{STALE_OLD}\"\nprint(1)\n")).unwrap();
    for args in
        [&["init", "-q"][..], &["add", "-A"], &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]]
    {
        assert!(Command::new("git").arg("-C").arg(dir).args(args).status().unwrap().success());
    }
    let out = moto.hoist().current_dir(dir).args(["plan", ".", "--app", "app"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The user removes the API token's secret from the plan.
    let path = dir.join(".hoist/plan.yaml");
    let mut plan: Plan = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let before = plan.secrets.len();
    plan.secrets.retain(|s| !s.keys.iter().any(|k| k.sites.iter().any(|x| x.name.as_deref() == Some("API_TOKEN"))));
    assert_eq!(plan.secrets.len(), before - 1, "no API_TOKEN secret in the plan");
    std::fs::write(&path, serde_yaml::to_string(&plan).unwrap()).unwrap();
    // The service secret changes after the plan: its site is stale.
    std::fs::write(dir.join("settings.py"), settings(STALE_NEW)).unwrap();

    let values = [PLANNED, REMOVED, STALE_OLD, STALE_NEW, UNDETECTED];
    let run = |args: &[&str]| {
        let leak = Leak::watch(dir, &values);
        let out = moto.hoist().current_dir(dir).args(args).output().unwrap();
        (out.status.code(), leak.check(dir, &args.join(" "), &out))
    };
    let (code, msg) = run(&["diff", "."]);
    assert_eq!(code, Some(2), "the stale site should make diff exit 2:\n{msg}");
    assert!(msg.contains("stale: settings.py:5"), "{msg}");
    // The rewritten line and its neighbours are shown, their values redacted.
    assert!(msg.contains("+DB_PASSWORD = ") && msg.contains(" API_TOKEN = \"<redacted>\""), "{msg}");
    assert!(msg.contains(" OTHER_PASSWORD = \"<redacted>\""), "{msg}");
    assert!(msg.contains(" SERVICE_SECRET = \"<redacted>\""), "{msg}");
    run(&["diff", ".", "--stat"]);
    let (code, msg) = run(&["apply", ".", "--yes", "--allow-dirty"]);
    assert_eq!(code, Some(2), "apply must refuse a stale plan:\n{msg}");
    run(&["migrate", ".", "--app", "app"]);
}
