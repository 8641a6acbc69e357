//! A commit that adds many files (`hoist::hook::staged::MANY_ADDED` or more): the hook stops
//! git's patch after the raw records, reads each added file from the work tree when it hashes to
//! the staged blob, and takes everything else from git (a second diff for the changed files, the
//! object store for added files whose work-tree bytes differ). What it reports must be what the
//! index holds, exactly as for a small commit.

mod common;
use common::repo::{Repo, assert_no_leak, text};

#[test]
fn many_added_files_are_scanned_as_staged_whatever_the_work_tree_holds() {
    let repo = Repo::new();
    let (old, new, staged_only, in_tree_only, crlf, renamed) =
        (repo.token(), repo.token(), repo.token(), repo.token(), repo.token(), repo.token());
    repo.write("app/settings.py", &format!("DEBUG = False\nKEY = \"{old}\"\n"));
    repo.write("app/old_name.py", "A = 1\nB = 2\nC = 3\nD = 4\nE = 5\nF = 6\n");
    repo.commit_all("start");

    // 40 ordinary new files, one of them holding a secret on its third line.
    for i in 0..40 {
        let body = if i == 17 {
            format!("x = {i}\ny = 'plain'\nAWS_KEY = \"{new}\"\n")
        } else {
            format!("x = {i}\ny = 'plain'\n")
        };
        repo.write(&format!("gen/m{i}.py"), &body);
    }
    repo.write("gen/empty.txt", "");
    std::fs::write(repo.path().join("gen/blob.bin"), b"\0\x01\x02 binary").unwrap();
    // Staged with a secret, then edited in the work tree: the commit still carries the secret.
    repo.write("gen/partial.py", &format!("TOKEN = \"{staged_only}\"\n"));
    // Staged clean; the secret exists only in the work tree, which the commit doesn't carry.
    repo.write("gen/clean_staged.py", "NAME = 'x'\n");
    // CRLF in the work tree, LF in the index (core.autocrlf): the work tree's bytes are not the blob.
    repo.git(&["config", "core.autocrlf", "true"]);
    std::fs::write(repo.path().join("gen/crlf.cfg"), format!("[aws]\r\nkey = {crlf}\r\n")).unwrap();
    // A modification (new secret on an added line, the old one untouched) and a rename with a change.
    repo.write("app/settings.py", &format!("DEBUG = True\nKEY = \"{old}\"\n"));
    std::fs::rename(repo.path().join("app/old_name.py"), repo.path().join("app/new_name.py")).unwrap();
    repo.write("app/new_name.py", &format!("A = 1\nB = 2\nC = 3\nD = 4\nE = 5\nF = 6\nSECRET = \"{renamed}\"\n"));
    repo.git(&["add", "-A"]);
    repo.write("gen/partial.py", "TOKEN = None\n");
    repo.write("gen/clean_staged.py", &format!("NAME = 'x'\nKEY = \"{in_tree_only}\"\n"));

    let o = repo.run(&["scan", "--staged"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    for site in ["gen/m17.py:3:", "gen/partial.py:1:", "gen/crlf.cfg:2:", "app/new_name.py:7:"] {
        assert!(out.contains(site), "{site} missing:\n{out}");
    }
    assert!(!out.contains("clean_staged.py"), "a work-tree-only secret is not in the commit:\n{out}");
    assert!(!out.contains("app/settings.py"), "the old secret is on an unchanged line:\n{out}");
    assert!(out.contains("1 finding(s) on lines this commit doesn't change"), "{out}");
    assert!(out.contains("1 binary"), "{out}");
    assert_no_leak(&out, &[&old, &new, &staged_only, &in_tree_only, &crlf, &renamed]);

    // The same commit as JSON: one finding per planted value in the commit, no duplicates.
    let o = repo.run(&["scan", "--staged", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut paths: Vec<&str> = v.as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    paths.sort();
    assert_eq!(paths, ["app/new_name.py", "gen/crlf.cfg", "gen/m17.py", "gen/partial.py"], "{}", text(&o));
}
