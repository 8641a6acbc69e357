//! `hoist apply` at a terminal against a real Secrets Manager emulator (moto): the plan summary
//! and the redacted diff come before the question, declining uploads nothing and writes nothing,
//! and `--interactive` asks file by file (`(2/7)`, y/n/a/q) and refuses a file whose generated
//! helper was declined. The `aws` CLI reads back what is in Secrets Manager.

mod common;
mod pty;

use common::moto::Moto;
use common::repo::{Repo, hoist_bin};
use std::path::Path;
use std::process::Command;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
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

/// The demo, committed, with a plan made and committed too (so only apply's files change).
fn planned_demo() -> Repo {
    let repo = Repo::new();
    copy_dir(&manifest().join("testdata/demo"), repo.path());
    let o = repo.hoist(&["plan", ".", "--app", "demo"]);
    assert!(o.status.success(), "plan: {}", common::repo::text(&o));
    repo.commit_all("demo and its plan");
    repo
}

/// The demo with `app/settings.py` edited to `sdk` in the plan (as a reviewer may), so apply
/// generates the `hoist_secrets.py` helper that settings.py imports.
fn planned_demo_sdk() -> Repo {
    let repo = planned_demo();
    let path = repo.path().join(".hoist/plan.yaml");
    let mut plan: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let mut edited = 0;
    for secret in plan["secrets"].as_sequence_mut().unwrap() {
        for key in secret["keys"].as_sequence_mut().unwrap() {
            for site in key["sites"].as_sequence_mut().unwrap() {
                if site["path"] == "app/settings.py" && site["strategy"] == "env" {
                    site["strategy"] = "sdk".into();
                    edited += 1;
                }
            }
        }
    }
    assert!(edited > 0, "the demo plans app/settings.py as env");
    std::fs::write(&path, serde_yaml::to_string(&plan).unwrap()).unwrap();
    repo.commit_all("settings.py through the SDK");
    repo
}

fn apply_on_pty(repo: &Repo, moto: &Moto, extra: &[&str]) -> pty::Pty {
    let mut c: Command = repo.cmd(hoist_bin());
    moto.hoist_env(&mut c);
    c.args(["apply", "."]).args(extra).env("TERM", "xterm-256color");
    pty::Pty::spawn(c)
}

fn planted() -> Vec<String> {
    std::fs::read_to_string(manifest().join("testdata/demo-planted.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

fn assert_no_planted(out: &str) {
    for v in planted() {
        assert!(!out.contains(&v), "a planted value reached the terminal:\n{out}");
    }
}

fn changed_files(repo: &Repo) -> Vec<String> {
    let mut v: Vec<String> = repo
        .git(&["status", "--porcelain", "--untracked-files=all"])
        .lines()
        .map(|l| l[3..].to_string())
        .filter(|p| !p.starts_with(".hoist/"))
        .collect();
    v.sort();
    v
}

#[test]
fn declining_at_the_prompt_uploads_nothing_and_writes_nothing() {
    let moto = Moto::start();
    let repo = planned_demo();
    let mut term = apply_on_pty(&repo, &moto, &[]);
    let before = term.expect("[y/N] ");
    let summary = before.find("hoist apply will:").expect("the plan summary comes first");
    let diff = before.find("+++ b/app/settings.py").expect("the whole diff is shown before the question");
    assert!(summary < diff, "{before}");
    assert!(before.contains("secret(s) to Secrets Manager: demo/aws, "), "{before}");
    assert!(before.contains("NAME-??????"), "the note about ARN patterns: {before}");
    assert!(before.contains("demo/postgres") && !before.contains("demo/<redacted>"), "{before}");
    term.send_line("n");
    let (status, out) = term.wait();
    assert_eq!(status.code(), Some(0), "{out}");
    assert!(out.contains("nothing uploaded, no file written"), "{out}");
    assert_no_planted(&out);
    assert_eq!(moto.secret_names(), Vec::<String>::new(), "declining must leave Secrets Manager empty");
    assert_eq!(changed_files(&repo), Vec::<String>::new());
    assert!(!repo.path().join(".hoist/state.yaml").exists());
}

#[test]
fn interactive_apply_asks_per_file_and_refuses_a_file_without_its_helper() {
    let moto = Moto::start();
    let repo = planned_demo_sdk();
    let mut term = apply_on_pty(&repo, &moto, &["--interactive"]);
    let mut asked = Vec::new();
    let mut skips = 0;
    loop {
        // Each question: `(i/N) write PATH? [y,n,a,q,?] `; the end: the verify line.
        let seen = term.expect("? [y,n,a,q,?] ");
        let q = seen.lines().last().unwrap().to_string();
        let path = q.split("write ").nth(1).unwrap().split("? [").next().unwrap().to_string();
        skips += seen.matches("skipping ").count();
        assert!(q.starts_with(&format!("({}/7) ", asked.len() + 1 + skips)), "{q}");
        asked.push(path.clone());
        let answer = match path.as_str() {
            "app/hoist_secrets.py" | "deploy/task-definition.json" => "n",
            "docker-compose.yml" => "a",
            _ => "y",
        };
        term.send_line(answer);
        if answer == "a" {
            break;
        }
    }
    let (status, out) = term.wait();
    assert_no_planted(&out);
    assert!(asked.first().is_some_and(|p| p == "app/hoist_secrets.py"), "the helper is asked first: {asked:?}");
    assert!(!asked.iter().any(|p| p == "app/settings.py"), "settings.py needs the declined helper: {asked:?}");
    assert!(out.contains("skipping app/settings.py: it imports app/hoist_secrets.py, which you declined"), "{out}");
    assert!(out.contains("/7) write"), "a counter over the 7 files: {out}");
    assert_eq!(status.code(), Some(0), "{out}");
    assert_eq!(changed_files(&repo), vec![".env", "docker-compose.yml", "infra/main.tf", "worker/index.js"], "{out}");
    let names = moto.secret_names();
    assert!(!names.contains(&"demo/aws".to_string()), "only settings.py (declined) uses it: {names:?}");
    assert!(names.contains(&"demo/postgres".to_string()), "{names:?}");
}

#[test]
fn quitting_interactive_apply_at_the_first_file_uploads_nothing() {
    let moto = Moto::start();
    let repo = planned_demo_sdk();
    let mut term = apply_on_pty(&repo, &moto, &["--interactive"]);
    let seen = term.expect("? [y,n,a,q,?] ");
    assert!(seen.contains("(1/7) write app/hoist_secrets.py"), "{seen}");
    term.send_line("?");
    term.expect("q - stop here");
    term.expect("? [y,n,a,q,?] ");
    term.send_line("q");
    let (status, out) = term.wait();
    assert_eq!(status.code(), Some(0), "{out}");
    assert!(out.contains("nothing uploaded, no file written"), "{out}");
    assert_eq!(moto.secret_names(), Vec::<String>::new());
    assert_eq!(changed_files(&repo), Vec::<String>::new());
}
