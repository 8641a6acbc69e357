//! The pre-commit framework (PyPI `pre-commit`) runs this repository's `.pre-commit-hooks.yaml`
//! hook `hoist-staged-system` in a test repository and blocks a staged secret. `pre-commit` comes from
//! PATH or `$HOIST_VENV/bin` (made by scripts/test); the test fails, not skips, without it.

mod common;
use common::repo::{Repo, assert_no_leak, hoist_bin, text};
use std::path::PathBuf;

fn pre_commit() -> PathBuf {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(venv) = std::env::var_os("HOIST_VENV") {
        dirs.push(PathBuf::from(venv).join("bin"));
    }
    dirs.iter().map(|d| d.join("pre-commit")).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("`pre-commit` not found on PATH or in $HOIST_VENV/bin: run scripts/test (it installs pre-commit into the venv)")
    })
}

/// A repository holding only this project's `.pre-commit-hooks.yaml`, committed (try-repo reads a
/// repository, not a folder).
fn hook_repo() -> Repo {
    let repo = Repo::new();
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml")).unwrap();
    repo.write(".pre-commit-hooks.yaml", &manifest);
    repo.commit_all("hooks");
    repo
}

#[test]
fn the_manifest_is_valid_for_pre_commit() {
    let pc = pre_commit();
    let o = std::process::Command::new(&pc)
        .args(["validate-manifest", concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml")])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml")).unwrap();
    let hooks: serde_yaml::Value = serde_yaml::from_str(&manifest).unwrap();
    let find = |id: &str| hooks.as_sequence().unwrap().iter().find(|h| h["id"] == id).cloned().unwrap();
    assert_eq!(find("hoist-staged")["language"], "rust");
    assert_eq!(find("hoist-staged-system")["language"], "system");
    for id in ["hoist-staged", "hoist-staged-system"] {
        assert_eq!(find(id)["entry"], "hoist scan --staged");
        assert_eq!(find(id)["pass_filenames"], false);
    }
}

#[test]
fn pre_commit_try_repo_blocks_a_staged_secret() {
    let pc = pre_commit();
    let hooks = hook_repo();
    let repo = Repo::new();
    // Planted up front: every run of the hook is leak-checked for it.
    let t = repo.token();
    repo.write("README.md", "hello\n");
    repo.commit_all("start");
    let cache = tempfile::tempdir().unwrap();
    let bin_dir = hoist_bin().parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let run = || {
        repo.checked(
            "pre-commit try-repo (the hook)",
            repo.cmd(&pc)
                .args(["try-repo", hooks.path().to_str().unwrap(), "hoist-staged-system", "--verbose"])
                .env("PATH", &path)
                .env("PRE_COMMIT_HOME", cache.path()),
        )
    };

    repo.write("clean.py", "x = 1\n");
    repo.git(&["add", "-A"]);
    let o = run();
    assert!(o.status.success(), "a clean change passes:\n{}", text(&o));
    assert!(text(&o).contains("hoist (secrets on the lines this commit adds)"), "{}", text(&o));
    repo.commit_all("clean");

    repo.write("settings.py", &format!("AWS_ACCESS_KEY_ID = \"{t}\"\n"));
    repo.git(&["add", "-A"]);
    let o = run();
    assert!(!o.status.success(), "the secret must block:\n{}", text(&o));
    let out = text(&o);
    assert!(out.contains("settings.py:1:22") && out.contains("commit is blocked"), "{out}");
    assert_no_leak(&out, &[&t]);
}
