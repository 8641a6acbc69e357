//! The CLI on a real pseudo-terminal (see `tests/pty/mod.rs`): with stderr a terminal hoist draws
//! progress and asks questions, and none of that may hang — scan, plan, baseline, migrate, a
//! redirected or piped scan, and the pre-commit hook in a `git commit` all finish within seconds.

mod hook_util;
mod pty;

use hook_util::{Repo, hoist_bin, token};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// hoist in the crate root with a terminal-like environment (colour and progress allowed).
fn hoist(args: &[&str]) -> Command {
    let mut c = Command::new(hoist_bin());
    c.current_dir(manifest()).args(args).env("TERM", "xterm-256color").env_remove("NO_COLOR");
    c.env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

fn sh(script: &str) -> Command {
    let mut c = Command::new("sh");
    c.current_dir(manifest()).args(["-c", script]).env("TERM", "xterm-256color").env_remove("NO_COLOR");
    c
}

fn quoted(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// A git repository holding a copy of `testdata/demo`, committed.
fn demo_repo() -> Repo {
    let repo = Repo::new();
    copy_dir(&manifest().join("testdata/demo"), repo.path());
    repo.commit_all("demo");
    repo
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn planted() -> Vec<String> {
    std::fs::read_to_string(manifest().join("testdata/demo-planted.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn assert_no_planted(transcript: &str) {
    for v in planted() {
        assert!(!transcript.contains(&v), "a planted value reached the terminal:\n{transcript}");
    }
}

#[test]
fn scan_on_a_terminal_finishes_with_exit_1() {
    let t0 = Instant::now();
    let (status, out) = pty::run(hoist(&["scan", "testdata/demo"]));
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(t0.elapsed() < Duration::from_secs(15), "took {:?}", t0.elapsed());
    assert!(out.contains("finding(s)"), "{out}");
    assert!(!out.contains("0/0"), "an empty progress bar was drawn:\n{out}");
    assert_no_planted(&out);
}

/// The reproduction from the issue, literally: `script(1)` gives hoist a terminal.
#[test]
fn script_qec_scan_exits_1_within_seconds() {
    let t0 = Instant::now();
    let mut c = Command::new("script");
    c.current_dir(manifest())
        .args(["-qec", &format!("{} scan testdata/demo", quoted(&hoist_bin())), "/dev/null"])
        .env("TERM", "xterm-256color")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("script(1) from util-linux is required");
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if t0.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("`script -qec \"hoist scan testdata/demo\" /dev/null` hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}

#[test]
fn a_redirected_sarif_scan_and_a_piped_scan_finish() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("x.sarif");
    let (status, out) =
        pty::run(sh(&format!("{} scan testdata/demo -f sarif > {}", quoted(&hoist_bin()), quoted(&sarif))));
    assert_eq!(status.code(), Some(1), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).expect("valid SARIF JSON");
    assert_eq!(doc["version"], "2.1.0");
    assert!(!doc["runs"][0]["results"].as_array().unwrap().is_empty());

    let (status, out) = pty::run(sh(&format!("{} scan testdata/demo | head -1", quoted(&hoist_bin()))));
    assert!(status.success(), "{out}");
    assert!(out.contains(".env:"), "the first finding line: {out}");
    assert_no_planted(&out);
}

#[test]
fn plan_baseline_and_a_dry_migrate_finish_on_a_terminal() {
    let repo = demo_repo();
    let run = |args: &[&str]| {
        let mut c = repo.cmd(hoist_bin());
        c.args(args).env("TERM", "xterm-256color").env_remove("NO_COLOR");
        pty::run(c)
    };
    let (status, out) = run(&["plan", "."]);
    assert!(status.success(), "plan: {out}");
    assert!(repo.path().join(".hoist/plan.yaml").is_file(), "{out}");
    assert_no_planted(&out);

    let (status, out) = run(&["migrate", "."]);
    assert!(status.success(), "migrate: {out}");
    assert!(out.contains("@@"), "a dry migrate shows the diff: {out}");
    assert_no_planted(&out);

    let (status, out) = run(&["baseline", "."]);
    assert!(status.success(), "baseline: {out}");
    assert_no_planted(&out);
}

#[test]
fn the_hook_blocks_a_commit_made_at_a_terminal() {
    let repo = Repo::new();
    repo.write("README.md", "hello\n");
    repo.commit_all("start");
    let mut c = repo.cmd(hoist_bin());
    c.args(["hook", "install"]).env("TERM", "xterm-256color");
    let (status, out) = pty::run(c);
    assert!(status.success(), "{out}");

    let key = token();
    repo.write("deploy.yaml", &format!("aws_access_key_id: {key}\n"));
    repo.git(&["add", "deploy.yaml"]);
    let head = repo.head();
    let mut c = repo.cmd("git");
    c.args(["commit", "-m", "add deploy"]).env("TERM", "xterm-256color");
    let (status, out) = pty::run(c);
    assert!(!status.success(), "the commit must be blocked:\n{out}");
    assert!(out.contains("deploy.yaml:1:20"), "{out}");
    assert!(!out.contains(&key), "{out}");
    assert_eq!(repo.head(), head);
}
