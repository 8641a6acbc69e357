//! The demo repository end to end through `hoist scan`: every planted credential is reported at its
//! line, nothing else is reported as a secret, and no output format carries a planted value.

mod common;

use common::cli::Hoist;
use std::collections::BTreeSet;

fn planted() -> Vec<String> {
    std::fs::read_to_string("testdata/demo-planted.txt")
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn expected_sites() -> BTreeSet<(String, u64)> {
    std::fs::read_to_string("testdata/demo-expected.tsv")
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut f = l.split('\t');
            (f.next().unwrap().to_string(), f.next().unwrap().parse().unwrap())
        })
        .collect()
}

/// hoist under the leak harness for every planted demo credential.
fn hoist() -> Hoist {
    Hoist::new(&planted())
}

#[test]
fn demo_scan_reports_exactly_the_planted_credentials() {
    let out = hoist().args(["scan", "testdata/demo", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "findings exit 1; stderr: {}", String::from_utf8_lossy(&out.stderr));
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let secrets: BTreeSet<(String, u64)> = findings
        .iter()
        .filter(|f| f["kind"] == "secret")
        .map(|f| (f["path"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(secrets, expected_sites());
}

#[test]
fn demo_groups_database_config_with_its_password() {
    let out = hoist().args(["scan", "testdata/demo", "--format", "json"]).output().unwrap();
    let findings: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let password = findings
        .iter()
        .find(|f| f["path"] == "app/settings.py" && f["line"] == 14)
        .expect("the settings.py database password is found");
    let group = password["group"].as_str().expect("the password has a group");
    let keys: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f["group"] == group && f["kind"] == "config")
        .filter_map(|f| f["key"].as_str())
        .collect();
    for k in ["host", "port", "username", "dbname"] {
        assert!(keys.contains(k), "config key {k} grouped with the password; got {keys:?}");
    }
}

#[test]
fn no_output_format_carries_a_planted_value() {
    for format in ["human", "json", "sarif"] {
        let out = hoist().args(["scan", "testdata/demo", "--format", format]).output().unwrap();
        // Exit 1: findings. A crash or an error (2, a signal) prints nothing and would pass the grep.
        assert_eq!(out.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let all = [out.stdout, out.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        for v in planted() {
            assert!(!text.contains(&v), "{format} output leaks a planted value");
        }
    }
}
