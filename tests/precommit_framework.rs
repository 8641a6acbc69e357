//! The pre-commit framework hooks in `.pre-commit-hooks.yaml`, run by the real `pre-commit`
//! (from `$HOIST_VENV/bin`) with `try-repo` against this repository: `hoist-files` checks the files
//! pre-commit passes, so `--all-files` fails on a tree holding a secret and passes on a clean one;
//! `hoist-staged` checks only what the commit adds.

mod hook_util;
use hook_util::{Repo, assert_no_leak, hoist_bin, text, token};
use std::path::PathBuf;

fn pre_commit() -> PathBuf {
    let venv = std::env::var_os("HOIST_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/hoist/venv"));
    let bin = venv.join("bin/pre-commit");
    assert!(bin.exists(), "pre-commit is not installed at {} (scripts/test installs it)", bin.display());
    bin
}

/// `pre-commit try-repo <this repository> HOOK ARGS…` in `repo`, with hoist on PATH.
fn try_repo(repo: &Repo, cache: &std::path::Path, hook: &str, extra: &[&str]) -> (i32, String) {
    let path = format!("{}:{}", hoist_bin().parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = repo.cmd(pre_commit());
    cmd.args(["try-repo", env!("CARGO_MANIFEST_DIR"), hook])
        .args(extra)
        .env("PATH", path)
        .env("PRE_COMMIT_HOME", cache)
        .env_remove("PRE_COMMIT_COLOR");
    rust_toolchain_env(&mut cmd);
    let o = cmd.output().unwrap();
    (o.status.code().unwrap_or(-1), text(&o))
}

/// What a `language: rust` hook's `cargo install --path .` needs from the user's machine: the
/// fixture's HOME is empty, so cargo and rustup are pointed at the real homes (registry cache,
/// toolchain), and the install never writes into the target directory of the build running this
/// test. `HOIST_PRECOMMIT_BUILD_DIR` (optional) is a cargo build directory to reuse compiled
/// dependencies from (a copy of `target/release`'s parent), else cargo starts from nothing.
fn rust_toolchain_env(cmd: &mut std::process::Command) {
    let home = PathBuf::from(std::env::var_os("HOME").expect("HOME"));
    let cargo_home = std::env::var_os("CARGO_HOME").map_or_else(|| home.join(".cargo"), PathBuf::from);
    let rustup_home = std::env::var_os("RUSTUP_HOME").map_or_else(|| home.join(".rustup"), PathBuf::from);
    cmd.env("CARGO_HOME", cargo_home).env("RUSTUP_HOME", rustup_home).env_remove("CARGO_TARGET_DIR");
    match std::env::var_os("HOIST_PRECOMMIT_BUILD_DIR") {
        Some(dir) => cmd.env("CARGO_BUILD_BUILD_DIR", dir),
        None => cmd.env_remove("CARGO_BUILD_BUILD_DIR"),
    };
}

#[test]
fn hook_definitions_declare_files_and_stages() {
    let yaml: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml")).unwrap(),
    )
    .unwrap();
    let hooks = yaml.as_sequence().unwrap();
    let by_id = |id: &str| hooks.iter().find(|h| h["id"] == id).unwrap_or_else(|| panic!("no hook {id}"));
    for id in ["hoist-files", "hoist-files-system"] {
        let h = by_id(id);
        assert_eq!(h["pass_filenames"], true);
        assert_eq!(h["types"][0], "text");
        assert!(h["stages"].as_sequence().is_some_and(|s| s.iter().any(|x| x == "pre-commit")));
    }
    for id in ["hoist-staged", "hoist-staged-system"] {
        let h = by_id(id);
        assert_eq!(h["pass_filenames"], false);
        assert!(h["entry"].as_str().unwrap().contains("--staged"));
        assert!(h["stages"].as_sequence().is_some());
    }
    assert_eq!(by_id("hoist-files")["language"], "rust");
    // The `-system` ids the tests run are the plain ones with hoist from PATH: same entry, files,
    // stages — so `try-repo … hoist-files-system` proves what `hoist-files` does, minus the build.
    for (plain, system) in [("hoist-files", "hoist-files-system"), ("hoist-staged", "hoist-staged-system")] {
        let (p, s) = (by_id(plain), by_id(system));
        assert_eq!(s["language"], "system");
        for field in ["entry", "pass_filenames", "types", "stages", "always_run"] {
            assert_eq!(p[field], s[field], "{plain} and {system} differ in {field}");
        }
    }
}

/// The Must-show command itself, `pre-commit try-repo . hoist-files --all-files`, with the
/// `language: rust` hook: pre-commit builds hoist with `cargo install` from a clone of this
/// repository (every dependency, minutes of CPU), so it is run by hand:
/// `cargo test --test precommit_framework -- --ignored`.
#[test]
#[ignore = "builds hoist from scratch inside pre-commit (minutes); run with --ignored"]
fn try_repo_hoist_files_builds_hoist_and_fails_on_a_secret() {
    let cache = tempfile::tempdir().unwrap();
    let repo = Repo::new();
    let key = token();
    repo.write("app/settings.py", &format!("AWS_ACCESS_KEY_ID = \"{key}\"\n"));
    repo.commit_all("oops");
    let (code, out) = try_repo(&repo, cache.path(), "hoist-files", &["--all-files"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Failed") && out.contains("app/settings.py:1:"), "{out}");
    assert_no_leak(&out, &[&key]);
}

#[test]
fn try_repo_all_files_fails_on_a_tree_holding_a_secret() {
    let cache = tempfile::tempdir().unwrap();
    let repo = Repo::new();
    let key = token();
    repo.write("README.md", "# demo\n");
    repo.write("app/config.py", "DEBUG = True\n");
    repo.commit_all("clean");
    let (code, out) = try_repo(&repo, cache.path(), "hoist-files-system", &["--all-files"]);
    assert_eq!(code, 0, "a clean tree passes:\n{out}");
    assert!(out.contains("Passed"), "{out}");

    repo.write("app/settings.py", &format!("AWS_ACCESS_KEY_ID = \"{key}\"\n"));
    repo.commit_all("oops");
    let (code, out) = try_repo(&repo, cache.path(), "hoist-files-system", &["--all-files"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Failed") && out.contains("app/settings.py:1:"), "{out}");
    assert_no_leak(&out, &[&key]);
    // Only the files pre-commit passes are scanned: naming another file passes.
    let (code, out) = try_repo(&repo, cache.path(), "hoist-files-system", &["--files", "README.md"]);
    assert_eq!(code, 0, "{out}");

    // The staged hook: the old secret doesn't block a commit that doesn't touch it …
    repo.write("README.md", "# demo\nmore\n");
    repo.git(&["add", "README.md"]);
    let (code, out) = try_repo(&repo, cache.path(), "hoist-staged-system", &[]);
    assert_eq!(code, 0, "{out}");
    // … a new one does.
    let new = token();
    repo.write("app/more.py", &format!("KEY = \"{new}\"\n"));
    repo.git(&["add", "app/more.py"]);
    let (code, out) = try_repo(&repo, cache.path(), "hoist-staged-system", &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("app/more.py:1:"), "{out}");
    assert_no_leak(&out, &[&key, &new]);
}
