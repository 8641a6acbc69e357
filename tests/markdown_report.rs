//! The Markdown reports a security lead reads in a pull-request comment: the demo's scan report as
//! a snapshot (counts by kind and severity, a table per secret), the plan report with its history
//! section, and no planted value — not even a preview's first characters — in either.

mod common;
use common::cli::Hoist;
use common::fixture::{plant_shapes, planted};
use common::repo::{Repo, assert_no_leak, text};

fn planted_demo() -> Vec<String> {
    planted("demo-planted.txt")
}

#[test]
fn demo_scan_report_snapshot_holds_no_value() {
    let out = Hoist::new(&planted_demo()).args(["scan", "testdata/demo", "-f", "markdown"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = String::from_utf8(out.stdout).unwrap();
    for v in planted_demo() {
        assert!(!md.contains(&v), "markdown report leaks a planted value");
        // Nor the four-character head the human preview shows.
        let head: String = v.chars().take(4).collect();
        if v.chars().count() >= 24 {
            assert!(!md.contains(&format!("{head}…")), "markdown report shows a preview");
        }
    }
    assert!(md.contains("| severity | secrets | config values |"), "{md}");
    insta::assert_snapshot!("demo_scan_markdown", md);
}

#[test]
fn plan_report_has_a_table_per_secret_and_the_history_section() {
    let repo = Repo::new();
    let gone = repo.token();
    let live = repo.plant(&[format!("ghp_{}", "Zq8rT2mN5kL0pW3xC6vB9nJ4hG7fD1sA2eR5")]);
    repo.write("old.py", &format!("KEY = \"{gone}\"\n"));
    repo.commit_all("old");
    std::fs::remove_file(repo.path().join("old.py")).unwrap();
    repo.write("app/github.py", &format!("GITHUB_TOKEN = \"{live}\"\n"));
    repo.commit_all("new");
    let o = repo.run(&["plan", "--history", "-f", "markdown"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let md = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(md.starts_with("# hoist plan: "), "{md}");
    assert!(md.contains("| key | site | strategy | env var | manual step | rotate |"), "{md}");
    assert!(md.contains("`app/github.py:1`"), "{md}");
    assert!(md.contains("after migrating (in history since `"), "{md}");
    let only = md.split("## Only in git history: rotate, can't migrate").nth(1).expect("history section");
    assert!(only.contains("`old.py:1`") && only.contains("| aws |"), "{md}");
    assert_no_leak(&text(&o), &[&gone, &live]);
    // The table people read went to stderr, the plan file was written as usual.
    assert!(String::from_utf8_lossy(&o.stderr).contains("SECRET"));
    assert!(repo.path().join(".hoist/plan.yaml").exists());
}

#[test]
fn every_planted_shape_stays_out_of_both_reports() {
    let repo = Repo::new();
    repo.plant(&plant_shapes(repo.path()));
    repo.commit_all("shapes");
    let o = repo.run(&["scan", "-f", "markdown"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let md = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(md.contains("| severity | secrets | config values |") && md.contains("settings.py"), "{md}");
    let o = repo.run(&["plan", "--history", "-f", "markdown"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let md = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(md.contains("| key | site | strategy | env var | manual step | rotate |") && md.contains(".env"), "{md}");
}
