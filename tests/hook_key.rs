//! What `hoist scan --staged` asks git for: a clean commit in an ordinary repository costs no
//! git process (the staged changes are read in-process), because the top of the work tree is found by walking up and the
//! fingerprint key (root commit, two more processes walking the history) is needed only for a
//! finding or a baseline; when something is found its fingerprint is still the repository's.
//! Where git could decide the top differently (a `.git` that is no repository) the hook still asks
//! `git rev-parse`; a linked worktree's `GIT_DIR` is read as git reads it.

mod common;
use common::repo::{Repo, text};
use std::path::{Path, PathBuf};

/// A directory holding a `git` that logs its arguments to `log` and runs the real one.
fn logging_git(dir: &Path, log: &Path) -> PathBuf {
    let real = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("git"))
        .find(|p| p.is_file())
        .expect("git on PATH");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("git");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$*\" >> '{}'\nexec '{}' \"$@\"\n", log.display(), real.display()),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// Runs `hoist scan --staged ARGS` in `dir` with the logging git first on PATH; returns the exit
/// code, the output and the git command lines it ran.
fn staged_with_log(repo: &Repo, dir: &Path, env: &[(&str, &Path)], args: &[&str]) -> (i32, String, Vec<String>) {
    let tools = tempfile::tempdir().unwrap();
    let log = tools.path().join("git.log");
    let bin = logging_git(tools.path(), &log);
    let path =
        std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())))
            .unwrap();
    let mut h = repo.hoist_with::<&str>(&[]);
    h.current_dir(dir).env("PATH", path).args(["scan", "--staged"]).args(args);
    for (k, v) in env {
        h.env(k, v);
    }
    let o = h.output().unwrap();
    let lines = std::fs::read_to_string(&log).unwrap_or_default().lines().map(str::to_string).collect();
    (o.status.code().unwrap(), text(&o), lines)
}

fn fingerprints(json: &str) -> Vec<String> {
    let start = json.find('[').expect("a JSON array");
    let v: serde_json::Value = serde_json::Deserializer::from_str(&json[start..]).into_iter().next().unwrap().unwrap();
    v.as_array().unwrap().iter().map(|f| f["fingerprint"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_clean_commit_runs_only_the_diff_and_a_finding_has_the_repositorys_fingerprint() {
    let repo = Repo::new();
    let t = repo.token();
    repo.write("README.md", "hi\n");
    repo.commit_all("start");
    repo.write("src/app.py", "NAME = 'ordinary'\n");
    repo.git(&["add", "-A"]);
    let (code, out, gits) = staged_with_log(&repo, repo.path(), &[], &[]);
    assert_eq!(code, 0, "{out}");
    // The staged changes are read in-process (hoist::hook::native): no git at all.
    assert!(gits.is_empty(), "a clean commit should start no git: {gits:#?}");

    // Something found: the key is derived (from the root commit) and the fingerprint is the one a
    // tree scan of the same repository gives, so baselines and JSON consumers agree.
    repo.write("src/app.py", &format!("NAME = 'ordinary'\nKEY = \"{t}\"\n"));
    repo.git(&["add", "-A"]);
    let (code, out, gits) = staged_with_log(&repo, &repo.path().join("src"), &[], &["-f", "json"]);
    assert_eq!(code, 1, "{out}");
    assert!(gits.iter().any(|g| g.contains("rev-list")), "the key comes from the root commit: {gits:#?}");
    let tree = repo.run(&["scan", ".", "-f", "json"]);
    let want = fingerprints(&text(&tree));
    let got = fingerprints(&out);
    assert_eq!(got.len(), 1, "{out}");
    assert!(want.contains(&got[0]), "hook {got:?} vs tree scan {want:?}");
}

#[test]
fn where_git_could_place_the_top_elsewhere_the_hook_asks_rev_parse() {
    let repo = Repo::new();
    repo.write("README.md", "hi\n");
    repo.commit_all("start");
    // A `.git` directory that is no repository: git walks past it, and so must the hook.
    std::fs::create_dir_all(repo.path().join("sub/.git")).unwrap();
    let t = repo.token();
    repo.write("sub/conf.py", &format!("KEY = \"{t}\"\n"));
    repo.git(&["add", "sub/conf.py"]);
    let (code, out, gits) = staged_with_log(&repo, &repo.path().join("sub"), &[], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("sub/conf.py:1:8"), "{out}");
    assert!(gits.iter().any(|g| g.contains("rev-parse --show-toplevel")), "{gits:#?}");
    repo.git(&["commit", "-q", "--no-verify", "-m", "conf"]);

    // A linked worktree, whose hooks git runs with GIT_DIR set.
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    repo.git(&["worktree", "add", "-q", wt_path.to_str().unwrap()]);
    let t2 = repo.token();
    std::fs::write(wt_path.join("new.py"), format!("SECRET_KEY = \"{t2}\"\n")).unwrap();
    let o = repo.cmd("git").current_dir(&wt_path).args(["add", "new.py"]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let git_dir = PathBuf::from(
        String::from_utf8(
            repo.cmd("git").current_dir(&wt_path).args(["rev-parse", "--absolute-git-dir"]).output().unwrap().stdout,
        )
        .unwrap()
        .trim(),
    );
    let (code, out, gits) = staged_with_log(&repo, &wt_path, &[("GIT_DIR", &git_dir)], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("new.py:1:"), "{out}");
    // With GIT_DIR as git sets it, the in-process reader knows the top and the changes.
    assert!(!gits.iter().any(|g| g.contains("rev-parse --show-toplevel") || g.contains("diff")), "{gits:#?}");
}
