//! Every command of the CLI through the one leak harness (`common::cli`), against moto, over a
//! repository holding planted values of every shape (short, escaped, unicode, base64, DSN user and
//! percent-encoded password, PEM, a provider key, a value only in history, a value only staged, a
//! value only a custom rule finds). After each command, stdout, stderr, every file under `.hoist/`
//! and every new or changed file (rewritten files, helpers, plan, state, baseline, the hook) are
//! grepped for each value and every 6-character piece of it. The test also proves its own reach:
//! the subcommands it ran must be every subcommand clap knows, so a new command without a leak
//! check fails here.

mod common;

use clap::CommandFactory;
use common::cli::{Hoist, checked, text};
use common::fixture::plant_shapes;
use common::leak::SHAPES;
use common::moto::Moto;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

const HISTORY_ONLY: &str = "Hist0ryOnly-Tok3n-Zq81";
const STAGED_ONLY: &str = "St4gedOnly-Pa55-Wd93x";
const CUSTOM_RULE: &str = "acmetok_Z9x8C7v6B5n4M3q2W1e0";

fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@e", "-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git is required");
    assert!(out.status.success(), "git {args:?}: {}", text(&out));
    out
}

/// The repository: every shape in files hoist migrates, one value only in history.
fn repo(dir: &Path) -> Vec<String> {
    let mut values = plant_shapes(dir);
    let write = |p: &str, s: String| std::fs::write(dir.join(p), s).unwrap();
    write("acme.cfg", format!("token: {CUSTOM_RULE}\n"));
    write(
        "rules.yaml",
        "rules:\n  - id: acme.token\n    name: ACME token\n    pattern: '\\b(acmetok_[A-Za-z0-9]{20,})\\b'\n    keywords: [acmetok_]\n    examples:\n      - 'token: acmetok_Q1w2E3r4T5y6U7i8O9p0'\n    negative_examples:\n      - 'token: acmetok_short'\n".into(),
    );
    write("old.env", format!("LEGACY_API_TOKEN={HISTORY_ONLY}\n"));
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "one"]);
    git(dir, &["rm", "-q", "old.env"]);
    git(dir, &["commit", "-qm", "two"]);
    values.extend([HISTORY_ONLY, STAGED_ONLY, CUSTOM_RULE].map(String::from));
    values
}

#[test]
fn every_command_goes_through_the_leak_harness() {
    let moto = Moto::start();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let planted = repo(dir);
    let values: Vec<&str> = planted.iter().map(String::as_str).collect();
    let mut ran: BTreeSet<String> = BTreeSet::new();
    let mut run = |args: &[&str]| -> Output {
        let sub = args.iter().take_while(|a| !a.starts_with('-')).take(2).cloned().collect::<Vec<_>>();
        ran.insert(sub[0].to_string());
        if matches!(sub[0], "rules" | "hook") {
            ran.insert(sub.join(" "));
        }
        Hoist::moto(&moto, &values).current_dir(dir).args(args).output().unwrap()
    };
    let ok = |out: &Output, what: &str| assert!(out.status.success(), "{what}: {}", text(out));

    for format in ["human", "json", "sarif", "markdown"] {
        let out = run(&["scan", ".", "--format", format]);
        assert_eq!(out.status.code(), Some(1), "scan --format {format} finds the planted values: {}", text(&out));
    }
    let out = run(&["scan", ".", "--history", "--format", "json"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("old.env"), "history scan missed old.env: {}", text(&out));
    let out = run(&["scan", ".", "--rules", "rules.yaml"]);
    assert!(text(&out).contains("acme.cfg"), "the custom rule found nothing: {}", text(&out));
    ok(&run(&["rules", "list"]), "rules list");
    ok(&run(&["rules", "check", "rules.yaml"]), "rules check");

    ok(&run(&["plan", ".", "--stdout", "--app", "app"]), "plan --stdout");
    ok(&run(&["plan", ".", "--app", "app"]), "plan");
    ok(&run(&["plan", "--check", ".hoist/plan.yaml"]), "plan --check");
    run(&["diff", "."]);
    run(&["migrate", ".", "--app", "app"]);
    run(&["baseline", "."]);
    run(&["check", "."]);
    // Rotation on upload (a Lambda moto doesn't have: the failure message is checked too).
    run(&["upload", ".", "--rotation-lambda-arn", "arn:aws:lambda:us-east-1:123456789012:function:rotate"]);
    ok(&run(&["apply", ".", "--yes", "--allow-dirty"]), "apply");
    ok(&run(&["apply", ".", "--yes", "--allow-dirty"]), "second apply");
    let env = std::fs::read_to_string(dir.join(".env")).unwrap();
    assert!(!env.contains(SHAPES[0]) && !moto.secret_names().is_empty(), "apply migrated nothing:\n{env}");
    run(&["upload", "."]);
    run(&["diff", "."]);
    run(&["policy", "."]);
    run(&["check", ".", "--aws"]);
    run(&["run", "--", "true"]);
    run(&["migrate", ".", "--apply", "--yes", "--allow-dirty"]);

    // The pre-commit hook: installed, fired by `git commit` on a staged secret, removed.
    std::fs::write(dir.join("staged.env"), format!("NEW_API_PASSWORD={STAGED_ONLY}\n")).unwrap();
    git(dir, &["add", "staged.env"]);
    let out = run(&["scan", "--staged"]);
    assert_eq!(out.status.code(), Some(1), "scan --staged missed the staged value: {}", text(&out));
    ok(&run(&["hook", "install"]), "hook install");
    let mut commit = Command::new("git");
    commit.arg("-C").arg(dir).args(["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "staged"]);
    let out = checked(dir, &values, "git commit (pre-commit hook)", &mut commit);
    assert!(
        !out.status.success() && text(&out).contains("staged.env"),
        "the hook let a staged secret through: {}",
        text(&out)
    );
    ok(&run(&["hook", "uninstall"]), "hook uninstall");
    ok(&run(&["completions", "bash"]), "completions");
    run(&["scan", "."]);

    // Every subcommand clap knows went through the harness (`help` is clap's own).
    let mut known = BTreeSet::new();
    for sub in hoist::cli::Cli::command().get_subcommands() {
        known.insert(sub.get_name().to_string());
        for nested in sub.get_subcommands().filter(|n| n.get_name() != "help") {
            known.insert(format!("{} {}", sub.get_name(), nested.get_name()));
        }
    }
    known.remove("help");
    let missing: Vec<_> = known.difference(&ran).collect();
    assert!(missing.is_empty(), "commands never leak-checked: {missing:?}");
}
