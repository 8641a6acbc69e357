//! Which config a scan uses and what it may reveal: `.hoist.toml` at the repository root applies to
//! a subdirectory or a single file, `--config` and `HOIST_CONFIG` replace it, a committed
//! `.hoist.toml` symlink to a file outside the repository (`/proc/self/environ`, a credentials file)
//! is refused without quoting a byte of it, and fingerprints are stable across runs and clones
//! while the scan writes nothing.

mod common;
use common::repo::{Repo, text};

fn with_key() -> (Repo, String) {
    let repo = Repo::new();
    let key = repo.token();
    repo.write("sub/deploy.yaml", &format!("aws_access_key_id: {key}\n"));
    repo.commit_all("start");
    (repo, key)
}

const DISABLE: &str = "[scan]\ndisable_rules = [\"aws.*\", \"generic.*\"]\n";

#[test]
fn the_root_config_applies_to_a_subdirectory_and_a_single_file() {
    let (repo, _) = with_key();
    assert_eq!(repo.run(&["scan", "sub"]).status.code(), Some(1), "found without a config");
    repo.write(".hoist.toml", DISABLE);
    for target in ["sub", "sub/deploy.yaml", "."] {
        let o = repo.run(&["scan", target]);
        assert_eq!(o.status.code(), Some(0), "scan {target}: {}", text(&o));
    }
    // Excludes written from the root are rebased onto the scanned subdirectory.
    repo.write(".hoist.toml", "[scan]\nexclude = [\"sub/deploy.yaml\"]\n");
    assert_eq!(repo.run(&["scan", "sub"]).status.code(), Some(0));
    assert_eq!(repo.run(&["scan", "."]).status.code(), Some(0));
}

#[test]
fn config_flag_and_env_var_replace_the_repository_file() {
    let (repo, _) = with_key();
    let other = tempfile::tempdir().unwrap();
    let file = other.path().join("hoist.toml");
    std::fs::write(&file, DISABLE).unwrap();
    let o = repo.run(&["scan", "--config", file.to_str().unwrap(), "sub"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = repo.hoist_with::<&str>(&[]).args(["scan", "sub"]).env("HOIST_CONFIG", &file).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = repo.run(&["scan", "--config", "/nonexistent/hoist.toml", "sub"]);
    assert_eq!(o.status.code(), Some(2), "a missing explicit config is an error: {}", text(&o));
}

#[test]
fn a_config_symlink_out_of_the_repository_is_refused_without_quoting_it() {
    let (repo, key) = with_key();
    let outside = tempfile::tempdir().unwrap();
    let planted = "Ldw6RxrrBR7RZ53l3a+rfzk1J+o82PYnILGwQGvX";
    let creds = outside.path().join("credentials");
    std::fs::write(&creds, format!("[default]\naws_access_key_id = {key}\naws_secret_access_key = {planted}\n"))
        .unwrap();
    let canary = "hoist-canary-Zq81xPw0Lm";
    // Every run below is leak-checked for these too (and the key): a refusal must quote none.
    repo.plant(&[planted, canary]);
    for target in [creds.as_path(), std::path::Path::new("/proc/self/environ")] {
        let link = repo.path().join(".hoist.toml");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();
        for args in [
            &["scan", "."][..],
            &["scan", "sub"],
            &["scan", "--staged"],
            &["plan", "."],
            &["baseline", "."],
            &["migrate", "."],
        ] {
            let o = repo.hoist_with::<&str>(&[]).args(args).env("HOIST_TEST_CANARY", canary).output().unwrap();
            let out = text(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?} must refuse: {out}");
            assert!(out.contains("refusing to read the config"), "{args:?}: {out}");
            for v in [planted, &key[4..], canary, "aws_secret_access_key", "PATH="] {
                assert!(!out.contains(v), "{args:?} quoted the target of the symlink:\n{out}");
            }
        }
    }
}

#[test]
fn a_config_that_does_not_parse_is_reported_by_position_only() {
    let (repo, key) = with_key();
    repo.write(".hoist.toml", &format!("[scan]\n{key} = \"{key}\"\nx = = 1\n"));
    let o = repo.run(&["scan", "."]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains(".hoist.toml") && out.contains("line "), "{out}");
    assert!(!out.contains(&key[4..]), "the error quoted the file:\n{out}");
}

#[test]
fn fingerprints_are_stable_across_runs_and_clones_and_scan_writes_nothing() {
    let (repo, _) = with_key();
    let fps = |dir: &std::path::Path| -> Vec<String> {
        let o = repo
            .hoist_with::<&str>(&[])
            .current_dir(dir)
            .args(["scan", ".", "-f", "json", "--no-baseline"])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array().unwrap().iter().map(|f| f["fingerprint"].as_str().unwrap().to_string()).collect()
    };
    let first = fps(repo.path());
    assert!(!first.is_empty());
    assert_eq!(fps(repo.path()), first, "a second run gives the same fingerprints");
    assert_eq!(repo.git(&["status", "--porcelain", "--untracked-files=all", "--ignored"]), "", "scan wrote nothing");
    let clone = tempfile::tempdir().unwrap();
    let dest = clone.path().join("c");
    repo.git(&["clone", "-q", repo.path().to_str().unwrap(), dest.to_str().unwrap()]);
    assert_eq!(fps(&dest), first, "another clone gives the same fingerprints");
    // The baseline writes the salt with the same key: nothing changes.
    let o = repo.run(&["baseline", "."]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(fps(repo.path()), first, "writing .hoist/salt keeps the fingerprints");
}
