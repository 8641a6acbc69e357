//! `HOIST_TIMES=1` makes `hoist scan --staged` write its milestones (milliseconds since `main`
//! began) on stderr, for finding where a pre-commit run's time goes; the report is unchanged and
//! without the variable nothing is written.

mod common;
use common::repo::{Repo, text};

/// The milestones of `HOIST_TIMES` output, in order.
fn marks(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("hoist-times "))
        .map(|l| l.split_once(" ms ").map(|(_, what)| what.to_string()).unwrap_or_default())
        .collect()
}

#[test]
fn the_staged_scan_shows_its_milestones_in_order_and_finds_the_same() {
    let repo = Repo::new();
    repo.write("README.md", "hi\n");
    repo.commit_all("start");
    let t = repo.token();
    repo.write("app/settings.py", &format!("import os\nNAME = 'x'\nAPI_KEY = \"{t}\"\n"));
    repo.write("deploy/app.yaml", "service:\n  port: 8080\n  passwd: ${PASSWD}\n");
    repo.write("web/index.js", "const key = process.env.KEY;\n");
    repo.git(&["add", "-A"]);

    let plain = repo.hoist(&["scan", "--staged", "-f", "json"]);
    assert_eq!(plain.status.code(), Some(1), "{}", text(&plain));
    assert!(String::from_utf8_lossy(&plain.stdout).contains("app/settings.py"));
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("hoist-times"), "off without the variable");
    let o =
        repo.hoist_with::<&str>(&[]).env("HOIST_TIMES", "1").args(["scan", "--staged", "-f", "json"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&plain.stdout), "same findings");

    let got = marks(&String::from_utf8_lossy(&o.stderr));
    // The diff thread's own marks interleave with the main thread's, which come in this order.
    let order = ["arguments parsed", "rules built", "git diff read", "scanned", "done"];
    let main: Vec<&str> = got.iter().map(String::as_str).filter(|m| order.contains(m)).collect();
    assert_eq!(main, order, "{got:?}");
    // The staged changes come from the in-process reader here (or from git's diff, which marks
    // its start and end).
    let git_path = ["git diff started", "git diff output read"].iter().all(|m| got.iter().any(|g| g == m));
    assert!(git_path || got.iter().any(|g| g == "staged files read in-process"), "{got:?}");
}
