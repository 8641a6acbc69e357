//! SARIF for code scanning: the demo's log validates against the official 2.1.0 schema, every rule
//! carries a `security-severity`, `config` findings stay out unless `--include-config`, URIs are
//! relative to the repository root even when a subdirectory is scanned, fingerprints hold across
//! runs, and the run names its analysis in `automationDetails`.

mod common;

use common::cli::Hoist;
use common::fixture::{plant_shapes, planted};
use serde_json::Value;
use std::fs;

const TOKEN: &str = "ghp_0Snjvo8rad30gM2mNUoIgyTp9ZaTCtTIFQYk";

/// `hoist ARGS` under the leak harness for the demo's planted values, every shape and [`TOKEN`].
fn hoist(args: &[&str]) -> (i32, Value, String) {
    let mut values = planted("demo-planted.txt");
    values.extend(common::fixture::shape_values());
    values.push(TOKEN.into());
    let out = Hoist::new(&values).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (out.status.code().unwrap(), v, text)
}

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap()).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

fn assert_valid(log: &Value) {
    let errors: Vec<String> = validator().iter_errors(log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().unwrap()
}

#[test]
fn the_demo_log_validates_ranks_and_leaves_config_out() {
    let (code, log, _) = hoist(&["scan", "testdata/demo", "-f", "sarif"]);
    assert_eq!(code, 1);
    assert_valid(&log);
    let (_, json, _) = hoist(&["scan", "testdata/demo", "-f", "json"]);
    let all = json.as_array().unwrap();
    let secrets = all.iter().filter(|f| f["kind"] == "secret").count();
    let configs = all.len() - secrets;
    assert!(configs > 0, "the demo has config findings to leave out");
    assert_eq!(results(&log).len(), secrets, "config findings are not alerts");
    assert!(results(&log).iter().all(|r| r["level"] != "note"));
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    for r in rules {
        let sev: f64 = r["properties"]["security-severity"].as_str().expect("security-severity").parse().unwrap();
        assert!((0.0..=10.0).contains(&sev), "{r}");
    }
    // Each result points at its own rule's descriptor.
    for res in results(&log) {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
    }
    assert_eq!(log["runs"][0]["automationDetails"]["id"], "hoist/scan/");
    // --include-config puts them back, still valid.
    let (_, with, _) = hoist(&["scan", "testdata/demo", "-f", "sarif", "--include-config"]);
    assert_valid(&with);
    assert_eq!(results(&with).len(), all.len());
    // The same tree gives the same fingerprints run after run (no .hoist/salt: the value
    // fingerprint is random per run, so only the location fingerprint is given).
    let (_, again, _) = hoist(&["scan", "testdata/demo", "-f", "sarif"]);
    let prints = |l: &Value| -> Vec<Value> { results(l).iter().map(|r| r["partialFingerprints"].clone()).collect() };
    assert_eq!(prints(&log), prints(&again));
    assert!(results(&log).iter().all(|r| r["partialFingerprints"].get("hoist/v1").is_none()));
    let mut distinct: Vec<String> = prints(&log).iter().map(|p| p.to_string()).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), results(&log).len(), "one fingerprint per result");
}

#[test]
fn uris_are_relative_to_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q"]);
    let sub = dir.path().join("services/api");
    fs::create_dir_all(&sub).unwrap();
    fs::write(sub.join("app.py"), format!("TOKEN = \"{TOKEN}\"\n")).unwrap();
    let uri = |log: &Value| results(log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone();
    let (_, log, _) = hoist(&["scan", sub.to_str().unwrap(), "-f", "sarif"]);
    assert_valid(&log);
    assert_eq!(uri(&log), "services/api/app.py");
    let (_, log, _) = hoist(&["scan", sub.join("app.py").to_str().unwrap(), "-f", "sarif"]);
    assert_eq!(uri(&log), "services/api/app.py");
    let (_, log, _) = hoist(&["scan", dir.path().to_str().unwrap(), "-f", "sarif"]);
    assert_eq!(uri(&log), "services/api/app.py");
    // With a committed salt the value fingerprint is stable too, and given.
    fs::create_dir_all(dir.path().join(".hoist")).unwrap();
    fs::write(dir.path().join(".hoist/salt"), "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n")
        .unwrap();
    let (_, a, _) = hoist(&["scan", dir.path().to_str().unwrap(), "-f", "sarif"]);
    let (_, b, _) = hoist(&["scan", dir.path().to_str().unwrap(), "-f", "sarif"]);
    let v = results(&a)[0]["partialFingerprints"]["hoist/v1"].clone();
    assert!(v.is_string(), "{a}");
    assert_eq!(v, results(&b)[0]["partialFingerprints"]["hoist/v1"]);
}

#[test]
fn a_log_over_every_planted_shape_validates_and_holds_none() {
    let dir = tempfile::tempdir().unwrap();
    plant_shapes(dir.path());
    let (code, log, all) = hoist(&["scan", dir.path().to_str().unwrap(), "-f", "sarif", "--include-config"]);
    assert_eq!(code, 1, "{all}");
    assert_valid(&log);
    let uris: std::collections::BTreeSet<String> = results(&log)
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_string())
        .collect();
    for f in [".env", "database.env", "settings.py", "key.pem"] {
        assert!(uris.contains(f), "no result in {f}: {uris:?}");
    }
}
