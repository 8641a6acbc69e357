//! Shell scripts run before and after migration (#13.4): every golden shell case marked `run: true`
//! prints the same output from its input (literals) and from its expected file given each planned
//! variable, and the rewritten script stops with the `set X: hoist run or the deployment` message
//! when a variable is missing; and a script migrated with `hoist apply` against moto prints the
//! same digests under `hoist run` as before. Every hoist command goes through the leak harness.

mod common;

use common::git::git;

use common::cli::{Hoist, text};
use common::moto::Moto;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[derive(Deserialize)]
struct Case {
    file: String,
    #[serde(default)]
    run: bool,
    sites: Vec<CaseSite>,
}

#[derive(Deserialize)]
struct CaseSite {
    value: String,
    env_var: String,
}

/// The interpreter a script names in its `#!` line (`sh` for `#!/bin/sh`, else `bash`).
fn interpreter(script: &Path) -> &'static str {
    let text = std::fs::read_to_string(script).unwrap();
    if text.starts_with("#!/bin/sh") { "sh" } else { "bash" }
}

/// Runs `script` with exactly `vars` (plus PATH) in its environment.
fn run_script(script: &Path, vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(interpreter(script));
    cmd.arg(script).env_clear().env("PATH", std::env::var_os("PATH").unwrap());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn shell_cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rewrite");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("shell") && p.join("case.yaml").exists())
        .collect();
    out.sort();
    out
}

#[test]
fn rewritten_golden_scripts_print_what_the_originals_printed() {
    let mut ran = 0;
    for dir in shell_cases() {
        let case: Case = serde_yaml::from_str(&std::fs::read_to_string(dir.join("case.yaml")).unwrap()).unwrap();
        if !case.run {
            continue;
        }
        let (input, expected) = (dir.join("input").join(&case.file), dir.join("expected").join(&case.file));
        let before = run_script(&input, &[]);
        assert!(before.status.success(), "{}: the original fails:\n{}", dir.display(), text(&before));
        assert!(before.stdout.len() > 16, "{}: the original prints nothing to compare", dir.display());
        let mut vars: Vec<(&str, &str)> = case.sites.iter().map(|s| (s.env_var.as_str(), s.value.as_str())).collect();
        vars.dedup();
        let after = run_script(&expected, &vars);
        assert!(after.status.success(), "{}: the rewritten script fails:\n{}", dir.display(), text(&after));
        assert_eq!(
            String::from_utf8_lossy(&after.stdout),
            String::from_utf8_lossy(&before.stdout),
            "{}: the rewritten script, given the variables, prints something else",
            dir.display()
        );
        // Each variable missing in turn: the script stops, naming it and who provides it.
        for (i, (var, _)) in vars.iter().enumerate() {
            let fewer: Vec<(&str, &str)> = vars.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, v)| *v).collect();
            let out = run_script(&expected, &fewer);
            assert!(!out.status.success(), "{}: runs without {var}", dir.display());
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(&format!("set {var}: hoist run or the deployment")), "{}: {err}", dir.display());
        }
        ran += 1;
    }
    assert!(ran >= 1, "no runnable shell golden case");
}

/// A script with the credential forms hoist's detector finds in shell: a quoted export, a plain
/// assignment, `${NAME:-literal}` defaults, `--password=…` and `-p…` command words.
const SCRIPT: &str = r#"#!/bin/sh
set -eu
mysqldump() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }
mysql() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }

export MYSQL_PWD='Wq7!rT2#pLm9xZ'
REPLICA_PASSWORD="Zr4-Rxq1ca-Pw-88x"
GITHUB_TOKEN=${GITHUB_TOKEN:-ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5}
STRIPE_KEY="${STRIPE_KEY:-sk_live_51HabcdefghijklmnopqrstuV}"

mysqldump --user=backup --password=Tr0ub4dor-3xyz shop
mysql -u backup -pHq7ntr2Sxcrz9 -h db.internal shop
printf '%s|%s|%s|%s' "$MYSQL_PWD" "$REPLICA_PASSWORD" "$GITHUB_TOKEN" "$STRIPE_KEY" | sha256sum | cut -c1-16
"#;
const VALUES: &[&str] = &[
    "Wq7!rT2#pLm9xZ",
    "Zr4-Rxq1ca-Pw-88x",
    "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5",
    "sk_live_51HabcdefghijklmnopqrstuV",
    "Tr0ub4dor-3xyz",
    "Hq7ntr2Sxcrz9",
];

#[test]
fn a_script_migrated_against_moto_prints_the_same_under_hoist_run() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let script = dir.join("scripts/backup.sh");
    std::fs::create_dir_all(script.parent().unwrap()).unwrap();
    std::fs::write(&script, SCRIPT).unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]);
    let before = run_script(&script, &[]);
    assert!(before.status.success(), "{}", text(&before));

    let (code, out) = Hoist::moto(&moto, VALUES).current_dir(dir).args(["plan", ".", "--app", "ops"]).run();
    assert_eq!(code, Some(0), "{out}");
    let plan = std::fs::read_to_string(dir.join(".hoist/plan.yaml")).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&plan).unwrap();
    let mut secret_sites = 0;
    for s in doc["secrets"].as_sequence().unwrap() {
        for k in s["keys"].as_sequence().unwrap() {
            for site in k["sites"].as_sequence().unwrap() {
                if site["strategy"] == "env" {
                    secret_sites += 1;
                    let reason = site["reason"].as_str().unwrap_or("");
                    assert!(reason.contains("hoist run") && reason.contains("deployment"), "reason: {reason}");
                }
            }
        }
    }
    assert_eq!(secret_sites, VALUES.len(), "every credential of the script is planned env:\n{plan}");

    let (code, out) = Hoist::moto(&moto, VALUES).current_dir(dir).args(["apply", ".", "--yes"]).run();
    assert_eq!(code, Some(0), "{out}");
    let new = std::fs::read_to_string(&script).unwrap();
    for v in VALUES {
        assert!(!new.contains(v), "a value is still in the script:\n{new}");
    }
    for sh in ["bash", "sh"] {
        let out = Command::new(sh).arg("-n").arg(&script).output().unwrap();
        assert!(out.status.success(), "{sh} -n rejects the rewritten script: {}", text(&out));
    }
    // Without hoist run the script stops before using an empty credential.
    let bare = run_script(&script, &[]);
    assert!(!bare.status.success() && String::from_utf8_lossy(&bare.stderr).contains("hoist run or the deployment"));

    let mut run = Hoist::moto(&moto, VALUES);
    run.current_dir(dir).args(["run", ".", "--", "sh"]).arg(&script);
    let after = run.output().unwrap();
    assert!(after.status.success(), "{}", text(&after));
    assert_eq!(String::from_utf8_lossy(&after.stdout), String::from_utf8_lossy(&before.stdout));

    // A second apply has nothing to do and changes nothing.
    let (code, out) = Hoist::moto(&moto, VALUES).current_dir(dir).args(["apply", ".", "--yes"]).run();
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(std::fs::read_to_string(&script).unwrap(), new, "the second apply changed the script");
}
