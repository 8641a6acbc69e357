//! The installed git hook, driven through real `git commit`s: a staged secret blocks, unstaged or
//! pre-existing ones don't, inline allow and the baseline let it through, a previous hook keeps
//! running and comes back on uninstall, and `core.hooksPath` and linked worktrees are respected.

mod common;
use common::repo::{Repo, assert_no_leak, text};
use std::path::Path;

fn commit(repo: &Repo, msg: &str) -> (bool, String) {
    // The hook's output is hoist's: through the leak harness (every value planted in `repo`).
    let o = repo.checked("git commit (the hook)", repo.cmd("git").args(["commit", "-q", "-m", msg]));
    (o.status.success(), text(&o))
}

#[test]
fn a_staged_secret_blocks_the_commit_and_nothing_else_does() {
    let repo = Repo::new();
    let old = repo.token();
    repo.write("app.py", &format!("A = 1\nKEY = \"{old}\"\n"));
    repo.commit_all("start with a known secret");
    let o = repo.run(&["hook", "install"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("installed"), "{}", text(&o));

    // Pre-existing secret on an untouched line: the commit goes through.
    repo.write("app.py", &format!("A = 2\nKEY = \"{old}\"\n"));
    repo.git(&["add", "app.py"]);
    let (ok, out) = commit(&repo, "touch another line");
    assert!(ok, "{out}");

    // Unstaged secret: goes through, and stays out of the commit.
    let unstaged = repo.token();
    repo.write("notes.txt", "clean\n");
    repo.git(&["add", "notes.txt"]);
    repo.write("local.env", &format!("AWS_ACCESS_KEY_ID={unstaged}\n"));
    let (ok, out) = commit(&repo, "clean file");
    assert!(ok, "{out}");

    // A staged new secret blocks; HEAD doesn't move.
    let head = repo.head();
    let new = repo.token();
    repo.write("deploy/prod.yaml", &format!("aws_access_key_id: {new}\n"));
    repo.git(&["add", "deploy/prod.yaml"]);
    let (ok, out) = commit(&repo, "add prod config");
    assert!(!ok, "the commit must be blocked:\n{out}");
    assert!(out.contains("deploy/prod.yaml:1:20") && out.contains("hoist migrate"), "{out}");
    assert_eq!(repo.head(), head);
    assert_no_leak(&out, &[&old, &unstaged, &new]);

    // `git commit -a` stages through a temporary index the hook must read.
    repo.git(&["reset", "-q"]);
    std::fs::remove_file(repo.path().join("deploy/prod.yaml")).unwrap();
    repo.write("app.py", &format!("A = 2\nKEY = \"{old}\"\nB = \"{new}\"\n"));
    let o = repo.checked("git commit -a (the hook)", repo.cmd("git").args(["commit", "-q", "-a", "-m", "all"]));
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("app.py:3:6"), "{}", text(&o));
    assert_eq!(repo.head(), head);
}

#[test]
fn inline_allow_and_baseline_let_it_through() {
    let repo = Repo::new();
    // Planted up front: every hoist run of the test is checked for them.
    let allowed = repo.token();
    let accepted = repo.token();
    let fresh = repo.token();
    repo.write("README.md", "hi\n");
    repo.commit_all("start");
    assert!(repo.run(&["hook", "install"]).status.success());

    repo.write("tests/fixture.py", &format!("KEY = \"{allowed}\"  # hoist:allow\n"));
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(&repo, "allowed fixture");
    assert!(ok, "{out}");

    repo.write("legacy.py", &format!("KEY = \"{accepted}\"\n"));
    let o = repo.run(&["baseline"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 accepted finding"), "{}", text(&o));
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(&repo, "legacy file, baselined");
    assert!(ok, "{out}");
    assert_no_leak(&out, &[&allowed, &accepted]);
    let committed = repo.git(&["ls-files"]);
    assert!(committed.contains(".hoist/baseline.json") && committed.contains(".hoist/salt"), "{committed}");

    // A new value is not covered by the baseline.
    repo.write("legacy.py", &format!("KEY = \"{accepted}\"\nKEY2 = \"{fresh}\"\n"));
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(&repo, "new secret");
    assert!(!ok, "{out}");
    assert!(out.contains("legacy.py:2:9"), "{out}");
    assert_no_leak(&out, &[&fresh, &accepted]);
}

#[test]
fn a_previous_hook_is_chained_and_restored_exactly() {
    let repo = Repo::new();
    // Planted up front: every hoist run of the test is checked for them.
    let t = repo.token();
    repo.write("README.md", "hi\n");
    repo.commit_all("start");
    let hooks = repo.path().join(".git/hooks");
    let previous = "#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/previous-hook-ran\"\n[ ! -e STOP ]\n";
    let hook = hooks.join("pre-commit");
    std::fs::write(&hook, previous).unwrap();
    set_mode(&hook, 0o750);

    let o = repo.run(&["hook", "install"]);
    assert!(text(&o).contains("runs first"), "{}", text(&o));
    let first = std::fs::read(&hook).unwrap();
    let o = repo.run(&["hook", "install"]);
    assert!(text(&o).contains("already installed"), "{}", text(&o));
    assert_eq!(std::fs::read(&hook).unwrap(), first, "installing twice changes nothing");

    let ran = repo.path().join(".git/previous-hook-ran");
    repo.write("a.txt", "clean\n");
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(&repo, "clean");
    assert!(ok, "{out}");
    assert_eq!(std::fs::read_to_string(&ran).unwrap().lines().count(), 1, "previous hook ran");

    // The previous hook still blocks on its own.
    repo.write("STOP", "");
    repo.git(&["add", "-A"]);
    let (ok, out) = commit(&repo, "stopped by the previous hook");
    assert!(!ok, "{out}");
    std::fs::remove_file(repo.path().join("STOP")).unwrap();
    repo.git(&["reset", "-q"]);

    // And hoist still blocks after it.
    repo.write("b.py", &format!("K = \"{t}\"\n"));
    repo.git(&["add", "b.py"]);
    let (ok, out) = commit(&repo, "secret");
    assert!(!ok && out.contains("b.py:1:6"), "{out}");
    assert_eq!(std::fs::read_to_string(&ran).unwrap().lines().count(), 3);
    assert_no_leak(&out, &[&t]);

    let o = repo.run(&["hook", "uninstall"]);
    assert!(text(&o).contains("previous hook is back"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), previous);
    assert_eq!(mode(&hook), 0o750);
    assert!(!hooks.join("pre-commit.hoist-chained").exists());
    let o = repo.run(&["hook", "uninstall"]);
    assert!(text(&o).contains("no hoist hook"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), previous, "a hook that isn't hoist's is left alone");
}

#[test]
fn core_hooks_path_is_respected() {
    let repo = Repo::new();
    // Planted up front: every hoist run of the test is checked for them.
    let t = repo.token();
    repo.write("README.md", "hi\n");
    repo.commit_all("start");
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    let o = repo
        .hoist_with::<&str>(&[])
        .current_dir(repo.path().join(".git"))
        .args(["hook", "install", ".."])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(repo.path().join(".githooks/pre-commit").exists());
    assert!(!repo.path().join(".git/hooks/pre-commit").exists());
    repo.write("c.py", &format!("K = \"{t}\"\n"));
    repo.git(&["add", "c.py"]);
    let (ok, out) = commit(&repo, "secret");
    assert!(!ok && out.contains("c.py:1:6"), "{out}");
    assert_no_leak(&out, &[&t]);

    // A hooks folder outside the repository is shared: refused unless --force.
    let shared = tempfile::tempdir().unwrap();
    repo.git(&["config", "core.hooksPath", shared.path().to_str().unwrap()]);
    let o = repo.run(&["hook", "install"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--force"), "{}", text(&o));
    assert!(!shared.path().join("pre-commit").exists());
    let o = repo.run(&["hook", "install", "--force"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(shared.path().join("pre-commit").exists());
}

#[test]
fn linked_worktrees_share_the_hook() {
    let repo = Repo::new();
    // Planted up front: every hoist run of the test is checked for them.
    let t = repo.token();
    repo.write("README.md", "hi\n");
    repo.commit_all("start");
    let wt_parent = tempfile::tempdir().unwrap();
    let wt = wt_parent.path().join("wt");
    repo.git(&["worktree", "add", "-q", "-b", "side", wt.to_str().unwrap()]);
    let o = repo.hoist_with::<&str>(&[]).args(["hook", "install", wt.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(repo.path().join(".git/hooks/pre-commit").exists(), "hooks live in the common git dir");
    std::fs::write(wt.join("d.py"), format!("K = \"{t}\"\n")).unwrap();
    let git_wt = |args: &[&str]| repo.cmd("git").current_dir(&wt).args(args).output().unwrap();
    assert!(git_wt(&["add", "d.py"]).status.success());
    let o = repo.checked(
        "git commit in a worktree (the hook)",
        repo.cmd("git").current_dir(&wt).args(["commit", "-q", "-m", "secret in worktree"]),
    );
    assert!(!o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("d.py:1:6"), "{}", text(&o));
    assert_no_leak(&text(&o), &[&t]);
}

#[test]
fn a_missing_binary_blocks_with_a_message() {
    let repo = Repo::new();
    repo.write("README.md", &format!("hi\nKEY = \"{}\"\n", repo.token()));
    repo.commit_all("start");
    let hooks = repo.path().join(".git/hooks");
    hoist::hook::install::install(&hooks, Path::new("/nonexistent/bin/hoist")).unwrap();
    repo.write("a.txt", "clean\n");
    repo.git(&["add", "-A"]);
    let path = "/usr/bin:/bin:/usr/local/bin";
    assert!(!which_hoist_on(path), "a hoist binary on {path} makes this test meaningless");
    let o = repo.checked(
        "git commit (hook without hoist)",
        repo.cmd("git").env("PATH", path).args(["commit", "-q", "-m", "x"]),
    );
    assert!(!o.status.success(), "a hook that can't find hoist must not pass:\n{}", text(&o));
    assert!(text(&o).contains("hoist binary is gone"), "{}", text(&o));
}

fn which_hoist_on(path: &str) -> bool {
    path.split(':').any(|d| Path::new(d).join("hoist").exists())
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}
