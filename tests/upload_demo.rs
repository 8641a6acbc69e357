//! The whole path on the demo repository: the real `hoist plan`, then `hoist upload` against moto;
//! the `aws` CLI reads every secret back and each value matches the plan's keyed fingerprint.
//! Every hoist run goes through the leak harness (`common::cli`).

mod common;

use common::cli::Hoist;
use common::deployed::copy_dir;
use common::fixture::planted;
use common::moto::Moto;
use hoist::model::{Fingerprinter, Shape};
use std::path::Path;

#[test]
fn plan_then_upload_the_demo_and_read_every_secret_back() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("demo");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo"), &root);

    let planted = planted("demo-planted.txt");
    // Every run under the leak harness: stdout, stderr, .hoist/ (plan, state), changed files.
    let hoist = || Hoist::moto(&moto, &planted);
    let plan_out = hoist().arg("plan").arg(&root).output().unwrap();
    assert!(plan_out.status.success(), "{}", String::from_utf8_lossy(&plan_out.stderr));
    let plan = hoist::plan::load_plan(&root.join(".hoist/plan.yaml")).unwrap();
    let active: Vec<_> = plan.active_secrets().collect();
    assert!(active.len() >= 3, "the demo plan is too small to prove anything: {}", active.len());

    let first = hoist().args(["upload", "--tag", "project=demo"]).arg(&root).output().unwrap();
    let second = hoist().arg("upload").arg(&root).output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let out1 = String::from_utf8_lossy(&first.stdout).into_owned();
    let out2 = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(out1.contains(&format!("upload: {} created, 0 updated, 0 unchanged, 0 failed", active.len())), "{out1}");
    assert!(out2.contains(&format!("upload: 0 created, 0 updated, {} unchanged, 0 failed", active.len())), "{out2}");

    let fp = Fingerprinter::from_hex(&plan.salt).unwrap();
    let mut expected: Vec<String> = active.iter().map(|s| s.name.clone()).collect();
    expected.sort();
    assert_eq!(moto.secret_names(), expected);
    for s in &active {
        let got = moto.secret_string(&s.name);
        match s.shape {
            Shape::Json => {
                let map: std::collections::BTreeMap<String, String> =
                    serde_json::from_str(&got).unwrap_or_else(|_| panic!("{} is not a flat JSON object", s.name));
                let mut keys: Vec<&str> = s.keys.iter().map(|k| k.key.as_str()).collect();
                keys.sort();
                assert_eq!(map.keys().map(String::as_str).collect::<Vec<_>>(), keys, "{}", s.name);
                for k in &s.keys {
                    assert_eq!(fp.fingerprint(&map[&k.key]), k.fingerprint, "{} {}", s.name, k.key);
                }
            }
            Shape::String => assert_eq!(fp.fingerprint(&got), s.keys[0].fingerprint, "{}", s.name),
            Shape::Binary => {}
        }
        let tags = moto.tags(&s.name);
        assert!(
            tags.contains(&("managed-by".into(), "hoist".into())) && tags.contains(&("project".into(), "demo".into()))
        );
        assert_eq!(moto.version_ids(&s.name).len(), 1);
    }

    let state = std::fs::read_to_string(root.join(".hoist/state.yaml")).unwrap();
    let plan_text = std::fs::read_to_string(root.join(".hoist/plan.yaml")).unwrap();
    for v in planted {
        for (what, hay) in [
            ("upload stdout", out1.as_str()),
            ("second stdout", out2.as_str()),
            ("upload stderr", &String::from_utf8_lossy(&first.stderr)),
            ("second stderr", &String::from_utf8_lossy(&second.stderr)),
            ("state", state.as_str()),
            ("plan", plan_text.as_str()),
        ] {
            assert!(!hay.contains(&v), "{what} holds a planted value");
        }
    }
}
