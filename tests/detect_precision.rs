//! The false-positive classes through the whole scanner (provider rules and language-aware
//! detectors together, as `hoist scan` runs them) over `testdata/detect/text`: every decoy file
//! yields no secret at all, the positives beside them are still found, and seed data comes out
//! `low` (so a plan leaves it) while a real credential in the same file does not. (The seed
//! fixtures sit in `fp-devdata/`: a directory whose name says seed makes every file in it seed
//! data, the live credential included.)

mod common;

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/detect/text");

/// Distinctive values of the positive fixtures below: found, and never printed.
const KEPT: &[&str] = &["T0pS3cr3tRoute", "seedpw-Ruby-9", "seedpw-Flask-7", "livepw-Flask-3"];

fn scan() -> Vec<Value> {
    let leak = common::leak::Leak::watch(Path::new(ROOT), KEPT);
    let out = Command::new(common::moto::hoist_bin())
        .args(["scan", ROOT, "--format", "json"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    leak.check(Path::new(ROOT), "scan testdata/detect/text", &out);
    let v: Value = serde_json::from_slice(&out.stdout).expect("scan --format json prints JSON");
    let list = v.get("findings").cloned().unwrap_or(v);
    list.as_array().expect("a findings array").clone()
}

fn secrets<'a>(all: &'a [Value], path: &str) -> Vec<&'a Value> {
    all.iter().filter(|f| f["kind"] == "secret" && f["path"].as_str() == Some(path)).collect()
}

fn lines_and_severities(found: &[&Value]) -> Vec<(u64, String)> {
    found.iter().map(|f| (f["line"].as_u64().unwrap(), f["severity"].as_str().unwrap().to_string())).collect()
}

#[test]
fn decoys_yield_nothing_through_rules_and_detectors() {
    let all = scan();
    let decoys = [
        "fp-short/decoy-nats.conf",
        "fp-tokens/test/decoy_oauth.py",
        "fp-url/decoy-urls.go",
        "fp-values/decoy-values.go",
        "fp-values/decoy-nothing.yaml",
    ];
    for d in decoys {
        let found = secrets(&all, d);
        assert!(found.is_empty(), "{d}: {:?}", found.iter().map(|f| (&f["line"], &f["rule"])).collect::<Vec<_>>());
    }
    // The weak real values beside them are kept.
    assert_eq!(secrets(&all, "fp-short/weak-kept.conf").len(), 2);
    assert_eq!(secrets(&all, "fp-tokens/test/oauth_kept.py").len(), 2);
    assert_eq!(lines_and_severities(&secrets(&all, "fp-tokens/deploy.env")), [(2, "medium".to_string())]);
    assert_eq!(secrets(&all, "fp-url/urls.go").len(), 1);
}

#[test]
fn seed_data_is_low_and_live_credentials_beside_it_are_not() {
    let all = scan();
    assert_eq!(lines_and_severities(&secrets(&all, "fp-devdata/db/seeds.rb")), [(2, "low".to_string())]);
    assert_eq!(
        lines_and_severities(&secrets(&all, "fp-devdata/manage.py")),
        [(8, "low".to_string()), (14, "medium".to_string())]
    );
}
