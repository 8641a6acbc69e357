//! End to end against a real Secrets Manager emulator (moto): the apps in `testdata/apps/` print a
//! digest of their credentials; after hoist moves the credentials and rewrites the code, the apps
//! print the same digest (env style through `hoist run`, sdk style directly with boto3 and the AWS SDK
//! for JavaScript), a re-scan finds no migrated value, a second run changes nothing, and no hoist
//! output shows a value.
//! Also: dirty-tree and stale-plan refusals, and an apply killed mid-write. Every hoist run goes
//! through the leak harness (`common::cli`): stdout, stderr, `.hoist/`, every rewritten file and
//! generated helper, pieces included.

mod common;

use common::git::git;

use common::cli::Hoist;
use common::deployed::copy_dir;
use common::moto::Moto;
use hoist::model::{Plan, Strategy};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn planted() -> Vec<String> {
    common::fixture::planted("apps/PLANTED.txt")
}

/// A git repository holding a copy of `testdata/apps/<name>`, everything committed.
fn repo(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/apps").join(name), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app"]);
    dir
}

/// hoist in `dir` against `moto`, under the leak harness for every planted value.
fn hoist_in(moto: &Moto, dir: &Path) -> Hoist {
    let mut h = Hoist::moto(moto, &planted());
    h.current_dir(dir);
    h
}

/// Runs hoist in `dir` under the leak harness.
fn hoist(moto: &Moto, dir: &Path, args: &[&str]) -> Output {
    hoist_in(moto, dir).args(args).output().unwrap()
}

fn ok(out: Output, what: &str) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed ({:?}):\n{text}", out.status.code());
    text
}

/// Runs an app and returns the digest it prints.
fn digest(mut cmd: Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run ({e}); scripts/test installs the toolchains"));
    digest_of(out, what)
}

/// The digest an app printed.
fn digest_of(out: Output, what: &str) -> String {
    let text = ok(out, what);
    text.lines()
        .find(|l| l.len() == 64 && l.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("{what}: no digest in {text}"))
        .to_string()
}

fn python(dir: &Path) -> Command {
    let mut c = Command::new("python3");
    c.current_dir(dir).arg("app.py");
    c
}

fn node(dir: &Path) -> Command {
    let mut c = Command::new("node");
    c.current_dir(dir).arg("app.js");
    c
}

fn plan_of(dir: &Path) -> Plan {
    serde_yaml::from_str(&std::fs::read_to_string(dir.join(".hoist/plan.yaml")).unwrap()).unwrap()
}

/// Sets the strategy of every site in `file` (a plan edit, as a user would make).
fn set_strategy(dir: &Path, file: &str, strategy: Strategy) {
    let mut plan = plan_of(dir);
    let mut n = 0;
    for s in &mut plan.secrets {
        for k in &mut s.keys {
            for site in &mut k.sites {
                if site.path == Path::new(file) {
                    site.strategy = strategy;
                    site.reason = None;
                    n += 1;
                }
            }
        }
    }
    assert!(n > 0, "no site in {file}: {plan:?}");
    std::fs::write(dir.join(".hoist/plan.yaml"), serde_yaml::to_string(&plan).unwrap()).unwrap();
}

/// No planted value in any file of the tree (outside .git).
fn assert_values_gone(dir: &Path) {
    for f in files(dir) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for v in planted() {
            assert!(!text.contains(&v), "{} still holds a planted value", f.display());
        }
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if p.is_dir() { out.extend(files(&p)) } else { out.push(p) }
    }
    out.sort();
    out
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(dir).into_iter().map(|f| (f.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&f).unwrap())).collect()
}

#[test]
fn python_env_migrate_then_hoist_run_prints_the_same_digest() {
    let moto = Moto::start();
    let app = repo("pyapp");
    let dir = app.path();
    let before = digest(python(dir), "python3 app.py (before)");

    let dry = ok(hoist(&moto, dir, &["migrate", ".", "--app", "pyapp"]), "hoist migrate (dry)");
    assert!(dry.contains("-AWS_SECRET_ACCESS_KEY = \"<redacted>\""), "{dry}");
    assert!(!dir.join(".hoist").exists(), "a dry run wrote .hoist/");
    assert!(moto.secret_names().is_empty(), "a dry run uploaded");

    // The planner's default for settings.py depends on what injects the variables; choose env
    // here, as a user would by editing the plan. `migrate --apply` then uses that plan.
    ok(hoist(&moto, dir, &["plan", ".", "--app", "pyapp"]), "hoist plan");
    set_strategy(dir, "settings.py", Strategy::Env);
    ok(hoist(&moto, dir, &["migrate", ".", "--apply", "--yes"]), "hoist migrate --apply");
    assert_eq!(moto.secret_names(), vec!["pyapp/aws".to_string()]);
    assert_values_gone(dir);
    let settings = std::fs::read_to_string(dir.join("settings.py")).unwrap();
    assert!(settings.contains("AWS_ACCESS_KEY_ID = os.environ[\"AWS_ACCESS_KEY_ID\"]"), "{settings}");

    let run = hoist(&moto, dir, &["run", "--", "python3", "app.py"]);
    assert_eq!(digest_of(run, "hoist run -- python3 app.py"), before);

    // A re-scan finds nothing; a second run changes nothing.
    let scan = hoist(&moto, dir, &["scan", "."]);
    assert_eq!(scan.status.code(), Some(0), "re-scan found something:\n{}", String::from_utf8_lossy(&scan.stdout));
    let snap = snapshot(dir);
    let again = ok(hoist(&moto, dir, &["migrate", ".", "--apply", "--yes"]), "second migrate --apply");
    assert!(again.contains("nothing to do"), "{again}");
    assert_eq!(snapshot(dir), snap, "the second run changed files");
    let diff = hoist(&moto, dir, &["diff", "."]);
    assert!(diff.status.success() && diff.stdout.is_empty(), "{}", String::from_utf8_lossy(&diff.stderr));
}

#[test]
fn python_sdk_rewrite_runs_directly_against_secrets_manager() {
    let probe = Command::new("python3").args(["-c", "import boto3"]).output().expect("python3 is required");
    assert!(
        probe.status.success(),
        "boto3 is required for the sdk-style test: run scripts/test (it installs boto3 in the venv)"
    );
    let moto = Moto::start();
    let app = repo("pyapp");
    let dir = app.path();
    let before = digest(python(dir), "python3 app.py (before)");
    ok(hoist(&moto, dir, &["plan", ".", "--app", "pyapp"]), "hoist plan");
    set_strategy(dir, "settings.py", Strategy::Sdk);

    let diff = ok(hoist(&moto, dir, &["diff", "."]), "hoist diff");
    assert!(diff.contains(":secret:pyapp/aws-??????\", \"aws_access_key_id\")"), "{diff}");
    assert!(diff.contains("--- /dev/null\n+++ b/hoist_secrets.py"), "{diff}");
    let shown = ok(hoist_showing(&moto, dir, &["diff", ".", "--show-secrets"]), "hoist diff --show-secrets");
    assert!(planted().iter().any(|v| shown.contains(v)), "--show-secrets hid the values");
    let stat = ok(hoist(&moto, dir, &["diff", ".", "--stat"]), "hoist diff --stat");
    assert!(stat.contains(" settings.py ") && stat.contains("3 files changed"), "{stat}");

    ok(hoist(&moto, dir, &["apply", ".", "--yes"]), "hoist apply");
    assert_values_gone(dir);
    let state = std::fs::read_to_string(dir.join(".hoist/state.yaml")).unwrap();
    let arn = state.lines().find_map(|l| l.trim().strip_prefix("arn: ")).unwrap().to_string();
    let settings = std::fs::read_to_string(dir.join("settings.py")).unwrap();
    assert!(settings.contains(&format!("hoist_secrets.get(\"{arn}\", \"aws_secret_access_key\")")), "{settings}");

    let mut app_cmd = python(dir);
    Moto::dummy_env(&mut app_cmd);
    app_cmd.env("AWS_ENDPOINT_URL", &moto.endpoint);
    assert_eq!(digest(app_cmd, "python3 app.py (sdk)"), before);
}

#[test]
fn node_sdk_rewrite_runs_directly_against_secrets_manager() {
    let modules = std::env::var("HOIST_NODE_MODULES").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/hoist/node/node_modules")
    });
    assert!(
        modules.join("@aws-sdk/client-secrets-manager").is_dir(),
        "@aws-sdk/client-secrets-manager is required for the sdk-style Node test: run scripts/test (it installs it \
         with npm into ~/.cache/hoist/node)"
    );
    let moto = Moto::start();
    let app = repo("nodesdk");
    let dir = app.path();
    let before = digest(node(dir), "node app.js (before)");
    ok(hoist(&moto, dir, &["plan", ".", "--app", "nodesdk"]), "hoist plan");
    assert!(
        plan_of(dir).sites().all(|(_, _, s)| s.strategy == Strategy::Sdk),
        "JS in an async function defaults to sdk"
    );

    ok(hoist(&moto, dir, &["apply", ".", "--yes"]), "hoist apply");
    assert_values_gone(dir);
    let app_js = std::fs::read_to_string(dir.join("app.js")).unwrap();
    assert!(app_js.contains("await hoistSecrets.get(\"arn:aws:secretsmanager:"), "{app_js}");
    let check = Command::new("node").arg("--check").arg(dir.join("app.js")).output().expect("node is required");
    assert!(check.status.success(), "rewritten app.js parses");

    let mut app_cmd = node(dir);
    Moto::dummy_env(&mut app_cmd);
    app_cmd.env("AWS_ENDPOINT_URL", &moto.endpoint).env("NODE_PATH", &modules);
    assert_eq!(digest(app_cmd, "node app.js (sdk)"), before);
}

/// Like [`hoist`] for `--show-secrets`: stdout shows values on purpose; stderr and files are checked.
fn hoist_showing(moto: &Moto, dir: &Path, args: &[&str]) -> Output {
    hoist_in(moto, dir).shows_secrets_on_purpose().args(args).output().unwrap()
}

#[test]
fn node_env_rewrite_fails_loudly_alone_and_works_under_hoist_run() {
    let moto = Moto::start();
    let app = repo("nodeapp");
    let dir = app.path();
    let before = digest(node(dir), "node app.js (before)");
    ok(hoist(&moto, dir, &["plan", ".", "--app", "nodeapp"]), "hoist plan");
    set_strategy(dir, "config.js", Strategy::Env);
    ok(hoist(&moto, dir, &["apply", ".", "--yes"]), "hoist apply");
    assert_values_gone(dir);
    let check = Command::new("node").arg("--check").arg(dir.join("config.js")).output().expect("node is required");
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));

    let mut alone = node(dir);
    alone.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY");
    let out = alone.output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("missing environment variable AWS_"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let run = hoist(&moto, dir, &["run", "--", "node", "app.js"]);
    assert_eq!(digest_of(run, "hoist run -- node app.js"), before);
}

#[test]
fn apply_refuses_uncommitted_changes_stale_plans_and_missing_confirmation() {
    let moto = Moto::start();
    let app = repo("pyapp");
    let dir = app.path();
    ok(hoist(&moto, dir, &["plan", ".", "--app", "pyapp"]), "hoist plan");
    let settings = dir.join("settings.py");
    let original = std::fs::read_to_string(&settings).unwrap();

    // Dirty: an uncommitted edit to a file apply would rewrite.
    std::fs::write(&settings, format!("{original}# local tweak\n")).unwrap();
    let out = hoist(&moto, dir, &["apply", ".", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("uncommitted changes in files hoist would rewrite: settings.py")
    );
    assert_eq!(std::fs::read_to_string(&settings).unwrap(), format!("{original}# local tweak\n"));
    assert!(moto.secret_names().is_empty(), "refused apply uploaded anyway");
    std::fs::write(&settings, &original).unwrap();

    // Not a terminal and no --yes.
    let out = hoist(&moto, dir, &["apply", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pass --yes"));
    assert!(moto.secret_names().is_empty());

    // Stale: the value changed after planning (committed, so the tree is clean).
    let changed = original.replace("AKIAUJZDEGXDNCF32EPF", "AKIAUJZDEGXDNCF32EPQ");
    std::fs::write(&settings, changed).unwrap();
    git(dir, &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "rotate"]);
    let out = hoist(&moto, dir, &["apply", ".", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stale: settings.py:") && err.contains("re-run `hoist plan`"), "{err}");
    assert!(moto.secret_names().is_empty());
}

#[test]
fn an_apply_killed_between_files_leaves_whole_files_and_a_rerun_finishes_it() {
    let moto = Moto::start();
    let clean = repo("pyapp");
    let crashed = repo("pyapp");
    ok(hoist(&moto, clean.path(), &["plan", ".", "--app", "pyapp"]), "hoist plan");
    set_strategy(clean.path(), "settings.py", Strategy::Sdk);
    std::fs::create_dir_all(crashed.path().join(".hoist")).unwrap();
    std::fs::copy(clean.path().join(".hoist/plan.yaml"), crashed.path().join(".hoist/plan.yaml")).unwrap();
    let original = snapshot(crashed.path());

    ok(hoist(&moto, clean.path(), &["apply", ".", "--yes"]), "clean apply");
    let done = snapshot(clean.path());

    // Files are written helper first, then by path: abort after two of the three.
    let out = hoist_in(&moto, crashed.path())
        .args(["apply", ".", "--yes"])
        .env("HOIST_TEST_ABORT_AFTER_WRITES", "2")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the abort hook did not fire");
    // Judge the project files only: `.hoist/` bookkeeping (plan, state, journal, lock) changes in
    // any run, so counting it would let a crash after the first write pass for one after two.
    let mid = project_snapshot(crashed.path());
    let (original, done_project) = (project(&original), project(&done));
    let changing: Vec<&PathBuf> = done_project
        .iter()
        .filter(|(p, b)| original.iter().find(|(q, _)| q == p).map(|(_, o)| o) != Some(b))
        .map(|(p, _)| p)
        .collect();
    assert!(changing.len() >= 3, "the clean run should change 3+ project files: {changing:?}");
    let mut new_files = 0;
    for (path, bytes) in &mid {
        let was = original.iter().find(|(p, _)| p == path).map(|(_, b)| b);
        let will = done_project.iter().find(|(p, _)| p == path).map(|(_, b)| b);
        if was != Some(bytes) && will == Some(bytes) {
            new_files += 1;
        } else if was != Some(bytes) {
            panic!("{} is neither the old nor the new file after the crash", path.display());
        }
        if path.extension().is_some_and(|e| e == "py") {
            let out = Command::new("python3")
                .env("PYTHONPYCACHEPREFIX", crashed.path().join(".git/pycache"))
                .args(["-m", "py_compile"])
                .arg(crashed.path().join(path))
                .output()
                .expect("python3 is required");
            assert!(out.status.success(), "{} does not compile after the crash", path.display());
        }
    }
    assert_eq!(new_files, 2, "the abort hook fired after 2 writes, but {new_files} project file(s) are new");
    assert_eq!(mid.len(), done_project.len(), "files appeared or vanished: {mid:?}");
    let leftovers: Vec<_> =
        snapshot(crashed.path()).into_iter().filter(|(p, _)| p.to_string_lossy().contains(".hoist-")).collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");

    ok(hoist(&moto, crashed.path(), &["apply", ".", "--yes"]), "re-run after the crash");
    assert_eq!(project_snapshot(crashed.path()), done_project, "crash + re-run differs from one clean run");
    assert_eq!(
        std::fs::read(crashed.path().join(".hoist/applied.yaml")).unwrap(),
        std::fs::read(clean.path().join(".hoist/applied.yaml")).unwrap(),
        "the journals differ"
    );
    assert!(!crashed.path().join(".hoist/lock").exists(), "the re-run left the repository locked");
}

/// The project's own files (not `.hoist/`, not `.git/`).
fn project(snap: &[(PathBuf, Vec<u8>)]) -> Vec<(PathBuf, Vec<u8>)> {
    snap.iter().filter(|(p, _)| !p.starts_with(".hoist")).cloned().collect()
}

fn project_snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    project(&snapshot(dir))
}

#[test]
fn sites_left_in_a_rewritten_file_are_tracked_so_a_rerun_is_a_no_op() {
    let moto = Moto::start();
    let app = repo("nodeapp");
    let dir = app.path();
    ok(hoist(&moto, dir, &["plan", ".", "--app", "nodeapp"]), "hoist plan");
    set_strategy(dir, "config.js", Strategy::Env);
    // The user keeps the secret key for later: a manual site after an edited line moves.
    let mut plan = plan_of(dir);
    let key = plan.secrets[0].keys.iter_mut().find(|k| k.key == "aws_secret_access_key").expect("secret key planned");
    key.sites[0].strategy = Strategy::Manual;
    std::fs::write(dir.join(".hoist/plan.yaml"), serde_yaml::to_string(&plan).unwrap()).unwrap();

    // The manual site keeps its value in config.js by design: checked everywhere but there.
    let kept = "I8ihN5KXSc7Tvo+hBKqFYY+kv5ZJr3J1TWDtkwtD";
    let apply = || hoist_in(&moto, dir).keeps_in_files(&[kept]).args(["apply", ".", "--yes"]).output().unwrap();
    ok(apply(), "hoist apply");
    let config = std::fs::read_to_string(dir.join("config.js")).unwrap();
    assert!(config.contains("hoistEnv(\"AWS_ACCESS_KEY_ID\")") && config.contains(kept), "{config}");
    let snap = snapshot(dir);
    let again = ok(apply(), "second apply");
    assert!(again.contains("nothing to do") && again.contains("config.js:5"), "{again}");
    assert_eq!(snapshot(dir), snap);
    let diff = hoist(&moto, dir, &["diff", "."]);
    assert!(diff.status.success() && diff.stdout.is_empty(), "{}", String::from_utf8_lossy(&diff.stderr));
}
