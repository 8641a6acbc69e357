//! `hoist baseline` and the baseline filter in `hoist scan`: stable sorted file without values or
//! line numbers, moved secrets stay accepted, new ones on the same line don't, `--update` prunes
//! without adding, and a baseline whose key is missing is an error rather than a silent pass.

mod common;
use common::repo::{Repo, assert_no_leak, text};

fn code(o: &std::process::Output) -> i32 {
    o.status.code().unwrap()
}

#[test]
fn baseline_file_is_stable_sorted_and_holds_no_values() {
    let repo = Repo::new();
    let (a, b) = (repo.token(), repo.token());
    repo.write("z/last.py", &format!("K = \"{a}\"\n"));
    repo.write("a/first.py", &format!("K = \"{b}\"\n"));
    let o = repo.run(&["baseline"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("created .hoist/salt"), "{}", text(&o));
    let file = repo.path().join(".hoist/baseline.json");
    let first = std::fs::read_to_string(&file).unwrap();
    assert_no_leak(&first, &[&a, &b]);
    assert!(!first.contains("\"line\""), "{first}");
    let entries: Vec<&str> = first.lines().filter(|l| l.contains("\"fingerprint\"")).collect();
    assert_eq!(entries.len(), 2, "{first}");
    assert!(entries[0].contains("a/first.py") && entries[1].contains("z/last.py"), "{first}");
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["entries"][0]["rule"], "aws.access-key-id");

    // Re-running changes nothing, even after code moves around.
    repo.write("z/last.py", &format!("import os\n\n\nK = \"{a}\"\n"));
    let o = repo.run(&["baseline"]);
    assert_eq!(code(&o), 0);
    assert!(!text(&o).contains("created"), "the salt is made once");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), first);
}

#[test]
fn scan_leaves_baselined_findings_out_until_asked() {
    let repo = Repo::new();
    let old = repo.token();
    repo.write("svc/app.py", &format!("K = \"{old}\"\n"));
    assert_eq!(code(&repo.run(&["baseline"])), 0);
    let o = repo.run(&["scan"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("1 finding(s) accepted in"), "{}", text(&o));
    let o = repo.run(&["scan", "--no-baseline"]);
    assert_eq!(code(&o), 1, "{}", text(&o));

    // Moved within the file: still accepted.
    repo.write("svc/app.py", &format!("import os\n\ndef f():\n    return 1\n\nK = \"{old}\"\n"));
    assert_eq!(code(&repo.run(&["scan"])), 0);
    // A different value on the very same line: not accepted.
    let new = repo.token();
    repo.write("svc/app.py", &format!("import os\n\ndef f():\n    return 1\n\nK = \"{new}\"\n"));
    let o = repo.run(&["scan"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("svc/app.py:6:6"), "{}", text(&o));
    // Same value copied to another file: that file's copy is new.
    repo.write("svc/app.py", &format!("K = \"{old}\"\n"));
    repo.write("svc/copy.py", &format!("K = \"{old}\"\n"));
    let o = repo.run(&["scan", "-f", "json"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["path"], "svc/copy.py");
    assert_no_leak(&text(&o), &[&old, &new]);
}

#[test]
fn update_prunes_vanished_entries_and_adds_nothing() {
    let repo = Repo::new();
    let (keep, fix) = (repo.token(), repo.token());
    repo.write("a.py", &format!("K = \"{keep}\"\n"));
    repo.write("b.py", &format!("K = \"{fix}\"\n"));
    assert_eq!(code(&repo.run(&["baseline"])), 0);
    std::fs::remove_file(repo.path().join("b.py")).unwrap();
    let added = repo.token();
    repo.write("c.py", &format!("K = \"{added}\"\n"));
    let o = repo.run(&["baseline", "--update"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("1 accepted finding(s) (1 no longer found, removed)"), "{}", text(&o));
    let file = std::fs::read_to_string(repo.path().join(".hoist/baseline.json")).unwrap();
    assert!(file.contains("a.py") && !file.contains("b.py") && !file.contains("c.py"), "{file}");
    let o = repo.run(&["scan", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v[0]["path"], "c.py", "the new secret is still reported");
}

#[test]
fn a_baseline_without_its_key_or_file_is_an_error() {
    let repo = Repo::new();
    repo.write("a.py", &format!("K = \"{}\"\n", repo.token()));
    let o = repo.run(&["baseline", "--update"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("run `hoist baseline` first"), "{}", text(&o));
    assert_eq!(code(&repo.run(&["baseline"])), 0);
    std::fs::remove_file(repo.path().join(".hoist/salt")).unwrap();
    let o = repo.run(&["scan"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("different fingerprint key"), "{}", text(&o));
    let o = repo.run(&["scan", "--baseline", "nope.json"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(text(&o).contains("does not exist"), "{}", text(&o));
}

#[test]
fn out_writes_elsewhere_and_scan_reads_it_with_baseline() {
    let repo = Repo::new();
    let t = repo.token();
    repo.write("a.py", &format!("K = \"{t}\"\n"));
    let o = repo.run(&["baseline", "--out", "accepted.json"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(!repo.path().join(".hoist/baseline.json").exists());
    assert_eq!(code(&repo.run(&["scan"])), 1, "the default baseline doesn't exist");
    assert_eq!(code(&repo.run(&["scan", "--baseline", "accepted.json"])), 0);
    assert_eq!(code(&repo.run(&["scan", "--baseline", "accepted.json", "--no-baseline"])), 2, "conflicting flags");
}
