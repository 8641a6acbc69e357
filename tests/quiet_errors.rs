//! `-q/--quiet` hides summaries and notes only: validation errors, refusals and failures still
//! reach stderr (the `Ui::errors` channel), with the exit code that goes with them. Each case
//! runs without and with `-q`: the error text must be in both, the note only in the loud one.

mod common;
use common::cli::Hoist;
use std::path::Path;
use std::process::{Command, Output};

const TOKEN: &str = "ghp_0Snjvo8rad30gM2mNUoIgyTp9ZaTCtTIFQYk";

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// hoist in `dir` through the leak harness; AWS pointed at a closed local port (nothing here
/// may get that far).
fn hoist(dir: &Path, args: &[&str]) -> Output {
    Hoist::new(&[TOKEN]).current_dir(dir).env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").args(args).output().unwrap()
}

/// Runs `args` loud and with `-q`: both exit `code` with `error` on stderr; the loud run also
/// prints `note` (somewhere) and the quiet one doesn't.
fn check(dir: &Path, args: &[&str], code: i32, error: &str, note: Option<&str>) {
    let loud = hoist(dir, args);
    let quiet = hoist(dir, &[&["-q"], args].concat());
    let text =
        |o: &Output| (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned());
    let ((lout, lerr), (qout, qerr)) = (text(&loud), text(&quiet));
    assert_eq!(loud.status.code(), Some(code), "{args:?}: {lout}{lerr}");
    assert_eq!(quiet.status.code(), Some(code), "-q {args:?}: {qout}{qerr}");
    assert!(lerr.contains(error), "{args:?}: stderr says {error:?}: {lerr}");
    assert!(qerr.contains(error), "-q {args:?}: stderr still says {error:?}: {qerr}");
    if let Some(note) = note {
        assert!(format!("{lout}{lerr}").contains(note), "{args:?} prints the note {note:?}: {lout}{lerr}");
        assert!(!format!("{qout}{qerr}").contains(note), "-q {args:?} hides the note {note:?}: {qout}{qerr}");
    }
}

#[test]
fn quiet_keeps_validation_errors_refusals_and_failures() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    git(dir, &["init", "-q", "-b", "main", "."]);
    std::fs::write(dir.join("app.py"), format!("import os\nTOKEN = \"{TOKEN}\"\n")).unwrap();
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "app"]);
    let plan = dir.join(".hoist/plan.yaml");
    assert_eq!(hoist(dir, &["plan", "."]).status.code(), Some(0));
    let good = std::fs::read_to_string(&plan).unwrap();

    // Not a terminal and no --yes: apply refuses.
    check(dir, &["apply", "."], 2, "refusing to apply without confirmation", None);

    // A plan that fails validation: every command that reads it lists the problem.
    let name_line = good.lines().find(|l| l.starts_with("- name: ")).expect("a secret name line").to_string();
    std::fs::write(&plan, good.replacen(&name_line, "- name: \"bad name!\"", 1)).unwrap();
    check(dir, &["plan", "--check", ".hoist/plan.yaml"], 2, "rename it", None);
    check(dir, &["diff", "."], 2, "needs fixing", None);
    check(dir, &["apply", ".", "--yes"], 2, "needs fixing", None);
    check(dir, &["migrate", "."], 2, "needs fixing", Some("using the existing plan"));

    // A valid plan whose site no longer holds its value: stale, and apply refuses.
    std::fs::write(&plan, &good).unwrap();
    std::fs::write(dir.join("app.py"), "import os\nTOKEN = os.environ[\"TOKEN\"]\n").unwrap();
    check(dir, &["diff", "."], 2, "hoist: stale: app.py:2", None);
    check(dir, &["apply", ".", "--yes"], 2, "refusing to apply: the plan no longer matches", None);
    check(dir, &["plan", "--check", ".hoist/plan.yaml"], 2, "hoist: stale: app.py:2", None);
    git(dir, &["checkout", "--", "app.py"]);

    // A staged file the detectors could not read in full: the hook refuses to vouch.
    std::fs::remove_dir_all(dir.join(".hoist")).unwrap();
    let rows: String = (0..60_000).map(|i| format!("key_{i}: value {i}\n")).collect();
    std::fs::write(dir.join("big.yaml"), format!("api_token_ref: see-vault\n{rows}")).unwrap();
    git(dir, &["add", "big.yaml"]);
    check(dir, &["scan", "--staged", "."], 2, "could not be scanned in full (big.yaml)", Some("budget"));
}

/// A file the scan could not read is an error `-q` keeps (the summary listing it is hidden).
#[test]
fn quiet_keeps_unreadable_paths_of_a_tree_scan() {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("setpriv (util-linux) runs the scan as nobody");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(dir.join("app.py"), format!("TOKEN = \"{TOKEN}\"\n")).unwrap();
    std::fs::write(dir.join("locked.txt"), "nothing\n").unwrap();
    std::fs::set_permissions(dir.join("app.py"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(dir.join("locked.txt"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = |quiet: bool| {
        let mut cmd = Command::new(setpriv);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(common::moto::hoist_bin());
        if quiet {
            cmd.arg("-q");
        }
        cmd.args(["scan", "--format", "json"]).arg(dir).env("NO_COLOR", "1");
        common::cli::checked(dir, &[TOKEN], "scan as nobody", &mut cmd)
    };
    for quiet in [false, true] {
        let o = run(quiet);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "quiet={quiet}: {err}");
        assert!(err.contains("locked.txt") && err.contains("Permission denied"), "quiet={quiet}: {err}");
        assert_eq!(err.contains("finding(s):"), !quiet, "quiet={quiet}: the summary only without -q: {err}");
        let found: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(found.as_array().map(Vec::len), Some(1), "quiet={quiet}: the report stays");
    }
}
