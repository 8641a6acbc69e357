//! CLI conventions every subcommand follows: an `Examples:` section in each `--help` whose lines
//! are real command lines, shell completions that load, `-o/--output`, `-q`, `--exit-code`, the
//! repository as the positional argument everywhere, and formats a command can't print refused.

mod common;
use assert_cmd::Command;
use clap::{CommandFactory, Parser};
use hoist::cli::Cli;
use std::process::Stdio;

fn hoist() -> Command {
    let mut c = Command::cargo_bin("hoist").unwrap();
    c.env("NO_COLOR", "1").env("AWS_EC2_METADATA_DISABLED", "true");
    c
}

/// Every command path: `[]`, `["scan"]`, `["rules", "list"]`, …
fn command_paths(cmd: &clap::Command, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let mut p = prefix.clone();
        p.push(sub.get_name().to_string());
        command_paths(sub, p, out);
    }
}

/// The command lines of an `Examples:` section: description (after two spaces) and shell
/// redirections dropped.
fn example_lines(help: &str) -> Vec<Vec<String>> {
    let section = help.split("Examples:\n").nth(1).expect("an Examples: section");
    section
        .lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            let l = l.trim_start();
            let cmd = l.split("  ").next().unwrap();
            let cmd = cmd.split(" >").next().unwrap();
            cmd.split_whitespace().map(str::to_string).collect()
        })
        .collect()
}

#[test]
fn every_help_has_examples_that_parse() {
    let mut paths = Vec::new();
    command_paths(&Cli::command(), Vec::new(), &mut paths);
    assert!(paths.len() >= 17, "{paths:?}");
    for path in paths {
        let out = hoist().args(&path).arg("--help").output().unwrap();
        assert!(out.status.success(), "{path:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        let lines = example_lines(&help);
        assert!(!lines.is_empty(), "hoist {path:?} --help has no examples:\n{help}");
        for words in lines {
            assert_eq!(words[0], "hoist", "{words:?}");
            if let Err(e) = Cli::try_parse_from(&words) {
                panic!("example `{}` in `hoist {} --help` doesn't parse: {e}", words.join(" "), path.join(" "));
            }
            // An example under `hoist scan --help` is a scan.
            if let Some(first) = path.first() {
                assert_eq!(&words[1], first, "{words:?} under {path:?}");
            }
        }
    }
}

#[test]
fn completions_load_in_bash_and_exist_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = hoist().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("hoist") && script.contains("migrate") && script.contains("--history"), "{shell}");
    }
    let script = hoist().args(["completions", "bash"]).output().unwrap().stdout;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hoist.bash");
    std::fs::write(&file, &script).unwrap();
    let check = std::process::Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(check.status.success(), "bash -n: {}", String::from_utf8_lossy(&check.stderr));
    // And it really defines the completion function when sourced.
    let src = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("source {} && complete -p hoist", file.display()))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(src.status.success(), "{}", String::from_utf8_lossy(&src.stderr));
    assert!(String::from_utf8_lossy(&src.stdout).contains("hoist"));
}

#[test]
fn rules_list_refuses_formats_it_cannot_print() {
    let out = hoist().args(["rules", "list", "-f", "sarif"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing on stdout: {}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'sarif'"));
    let out = hoist().args(["rules", "list", "-f", "json"]).output().unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().len() > 100);
}

#[test]
fn output_quiet_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "TOKEN = \"ghp_0Snjvo8rad30gM2mNUoIgyTp9ZaTCtTIFQYk\"\n").unwrap();
    let report = dir.path().join("out/report.json");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    // -o: the report goes to the file, nothing to stdout; the summary still goes to stderr.
    let out = hoist().arg("scan").arg(dir.path()).args(["-f", "json", "-o"]).arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 finding(s)"));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    // The human report in a file has no colour codes even when colour is forced.
    let human = dir.path().join("out/report.txt");
    let out = hoist().arg("--color=always").arg("scan").arg(dir.path()).arg("--output").arg(&human).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = std::fs::read_to_string(&human).unwrap();
    assert!(text.contains("app.py:1:10") && !text.contains('\x1b'), "{text}");
    // -q: nothing on stderr.
    let out = hoist().arg("scan").arg(dir.path()).args(["-q", "-f", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    // --exit-code.
    let out = hoist().arg("scan").arg(dir.path()).args(["--exit-code", "0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = hoist().arg("scan").arg(dir.path()).args(["--exit-code", "7"]).output().unwrap();
    assert_eq!(out.status.code(), Some(7));
    // A clean scan is 0 whatever --exit-code says; an unwritable -o is an error.
    std::fs::remove_file(dir.path().join("app.py")).unwrap();
    let out = hoist().arg("scan").arg(dir.path()).args(["--exit-code", "7"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = hoist().arg("scan").arg(dir.path()).args(["-o", "/nonexistent/dir/x.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write /nonexistent/dir/x.json"));
}

#[test]
fn one_name_for_output_and_the_repository_is_positional() {
    // plan and baseline write their own file to -o/--output (the old --out still parses).
    for args in [
        ["hoist", "plan", ".", "-o", "p.yaml"],
        ["hoist", "plan", ".", "--output", "p.yaml"],
        ["hoist", "plan", ".", "--out", "p.yaml"],
        ["hoist", "baseline", ".", "-o", "b.json"],
    ] {
        Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }
    for args in [["hoist", "diff", ".", "-o", "d.diff"], ["hoist", "policy", ".", "-o", "p.json"]] {
        let cli = Cli::try_parse_from(args).unwrap();
        assert!(cli.command.output_file().is_some(), "{args:?}");
    }
    let cli = Cli::try_parse_from(["hoist", "run", "some/repo", "--", "env"]).unwrap();
    let hoist::cli::Command::Run(run) = cli.command else { panic!() };
    assert_eq!(run.repo, std::path::PathBuf::from("some/repo"));
    assert_eq!(run.command, ["env"]);
    let cli = Cli::try_parse_from(["hoist", "run", "--", "env"]).unwrap();
    let hoist::cli::Command::Run(run) = cli.command else { panic!() };
    assert_eq!(run.repo, std::path::PathBuf::from("."));
    assert!(Cli::try_parse_from(["hoist", "run", "--repo", ".", "--", "env"]).is_err(), "--repo is gone");
}

/// `-q` means the same for every command: the report (findings, plan YAML, diff, policy) and
/// errors; no summary, note, confirmation or progress on either stream. Without `-q` the same
/// commands do print their notes (so the check can fail).
#[test]
fn quiet_is_the_report_and_errors_only_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let value = "ghp_0Snjvo8rad30gM2mNUoIgyTp9ZaTCtTIFQYk";
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.name=T", "-c", "user.email=t@example.invalid"])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q", "-b", "main", "."]);
    std::fs::write(dir.path().join("app.py"), format!("import os\nTOKEN = \"{value}\"\n")).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "x"]);
    // Every run through the leak harness.
    let run = |args: &[&str]| {
        let leak = common::leak::Leak::watch(dir.path(), &[value]);
        let o = hoist().current_dir(dir.path()).args(args).output().unwrap();
        leak.check(dir.path(), &args.join(" "), &o);
        o
    };
    // (command, a note it prints without -q, whether stdout holds a report with -q)
    let cases: &[(&[&str], &str, bool)] = &[
        (&["scan", "."], "finding(s)", true),
        (&["scan", ".", "--history"], "secret(s) in history", true),
        (&["scan", "app.py", "app.py"], "finding(s)", true),
        (&["hook", "install", "."], "installed", false),
        (&["hook", "uninstall", "."], "removed", false),
        (&["plan", "."], "secrets", false),
        (&["baseline", "."], "accepted finding(s)", false),
    ];
    for (args, note, report) in cases {
        let loud = run(args);
        let loud_text = format!("{}{}", String::from_utf8_lossy(&loud.stdout), String::from_utf8_lossy(&loud.stderr));
        assert!(loud_text.contains(note), "{args:?} without -q says {note:?}: {loud_text}");
        if args[0] == "hook" && args[1] == "install" {
            run(&["hook", "uninstall", "."]);
        }
        if args[0] == "baseline" || args[0] == "plan" {
            std::fs::remove_dir_all(dir.path().join(".hoist")).ok();
        }
        let quiet = run(&[&["-q"], *args].concat());
        let out = String::from_utf8_lossy(&quiet.stdout);
        assert!(quiet.stderr.is_empty(), "{args:?} -q: stderr {}", String::from_utf8_lossy(&quiet.stderr));
        assert!(!out.contains(note), "{args:?} -q still prints {note:?}: {out}");
        assert_eq!(!out.trim().is_empty(), *report, "{args:?} -q stdout: {out}");
        if *report {
            assert!(out.contains("app.py:2"), "{args:?} -q keeps the findings: {out}");
        }
    }
}
