//! `hoist plan` over the real binary: what it writes and where, the review table, --stdout,
//! --check, re-planning that keeps edits, golden plans for the demo and the per-format fixture,
//! and no planted value anywhere in its output.

mod common;

use common::cli::Hoist;
use hoist::model::Strategy;
use hoist::plan::{load_plan, write_plan};
use std::path::{Path, PathBuf};

const SALT: &str = "5a17c0ffee5a17c0ffee5a17c0ffee5a17c0ffee5a17c0ffee5a17c0ffee5a17";

/// hoist under the leak harness, for the values planted in every fixture this file uses.
fn hoist() -> Hoist {
    let mut values = planted("plan/plan-fixtures-planted.txt");
    values.extend(planted("demo-planted.txt"));
    Hoist::new(&values)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// A copy of a fixture repository in a temp dir.
fn fixture(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join(name.rsplit('/').next().unwrap());
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(name), &root);
    (dir, root)
}

/// Seeds `.hoist/plan.yaml` with an empty plan so the salt (and so every fingerprint) is fixed.
fn seed_salt(root: &Path, app: &str) {
    std::fs::create_dir_all(root.join(".hoist")).unwrap();
    std::fs::write(root.join(".hoist/plan.yaml"), format!("version: 1\nsalt: {SALT}\napp: {app}\nsecrets: []\n"))
        .unwrap();
}

fn planted(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(file)).unwrap();
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(String::from).collect()
}

fn files_under(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path().strip_prefix(root).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn plan_writes_only_under_dot_hoist_and_prints_the_table() {
    let (_d, root) = fixture("plan/formats");
    let before = files_under(&root);
    let out = hoist().arg("plan").arg(&root).args(["--app", "shop"]).assert().success().get_output().clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("SECRET"), "{stdout}");
    assert!(stdout.contains("wrote "), "{stdout}");
    let after = files_under(&root);
    let changed: Vec<_> = after.iter().filter(|f| !before.contains(f)).map(|(p, _)| p.clone()).collect();
    assert_eq!(changed, [PathBuf::from(".hoist/plan.yaml")]);
    hoist().arg("plan").arg(&root).arg("--check").arg(root.join(".hoist/plan.yaml")).assert().success();
}

#[test]
fn no_planted_value_reaches_the_plan_or_the_terminal() {
    for (fixture_name, planted_file) in [("demo", "demo-planted.txt"), ("plan/formats", "plan/formats-planted.txt")] {
        let (_d, root) = fixture(fixture_name);
        let out = hoist().arg("plan").arg(&root).assert().get_output().clone();
        let yaml = std::fs::read_to_string(root.join(".hoist/plan.yaml")).unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let values = planted(planted_file);
        assert!(!values.is_empty());
        for v in &values {
            assert!(!yaml.contains(v.as_str()), "{fixture_name}: planted value found in the plan");
            assert!(!stdout.contains(v.as_str()) && !stderr.contains(v.as_str()), "{fixture_name}: value printed");
        }
    }
}

#[test]
fn stdout_mode_writes_nothing() {
    let (_d, root) = fixture("plan/formats");
    let out = hoist().arg("plan").arg(&root).arg("--stdout").assert().success().get_output().clone();
    let yaml = String::from_utf8(out.stdout).unwrap();
    let plan = hoist::plan::parse_plan(&yaml, "stdout").unwrap();
    assert!(!plan.secrets.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SECRET"));
    assert!(!root.join(".hoist").exists());
}

#[test]
fn out_writes_where_asked() {
    let (d, root) = fixture("plan/formats");
    let out = d.path().join("elsewhere/plan.yaml");
    hoist().arg("plan").arg(&root).arg("--out").arg(&out).assert().success();
    assert!(load_plan(&out).is_ok());
    assert!(!root.join(".hoist").exists());
}

#[test]
fn check_lists_every_problem_and_exits_2() {
    let (_d, root) = fixture("plan/formats");
    hoist().arg("plan").arg(&root).assert().success();
    let path = root.join(".hoist/plan.yaml");
    let mut plan = load_plan(&path).unwrap();
    plan.secrets[0].name = "bad name-abcdef".into();
    let dup = plan.secrets[1].name.clone();
    plan.secrets[2].name = dup;
    plan.secrets[3].keys[0].sites[0].path = "../outside.py".into();
    write_plan(&path, &plan).unwrap();
    let out = hoist().arg("plan").arg(&root).arg("--check").arg(&path).assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("3 problem(s)"), "{err}");
    assert!(err.contains("\"bad name-abcdef\"") && err.contains("is named 2 times") && err.contains("`..`"), "{err}");
    std::fs::write(&path, "version: 1\nsalt: 00\napp: x\nsecrets: []\nbogus: 1\n").unwrap();
    let out = hoist().arg("plan").arg(&root).arg("--check").arg(&path).assert().code(2).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `bogus`"));
}

#[test]
fn an_unreadable_previous_plan_is_not_overwritten() {
    let (_d, root) = fixture("plan/formats");
    std::fs::create_dir_all(root.join(".hoist")).unwrap();
    std::fs::write(root.join(".hoist/plan.yaml"), "version: 1\nsecrets: [\n").unwrap();
    let out = hoist().arg("plan").arg(&root).assert().code(2).get_output().clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fresh"));
    assert_eq!(std::fs::read_to_string(root.join(".hoist/plan.yaml")).unwrap(), "version: 1\nsecrets: [\n");
    hoist().arg("plan").arg(&root).arg("--fresh").assert().success();
}

#[test]
fn replanning_keeps_edits_and_reports_new_and_vanished_sites() {
    let (_d, root) = fixture("plan/formats");
    hoist().arg("plan").arg(&root).args(["--app", "shop"]).assert().success();
    let path = root.join(".hoist/plan.yaml");
    let first = load_plan(&path).unwrap();
    let mut edited = first.clone();
    let js = edited
        .secrets
        .iter_mut()
        .find(|s| s.keys.iter().any(|k| k.sites.iter().any(|t| t.path == Path::new("worker/index.js"))))
        .unwrap();
    js.name = "shop/prod/worker-aws-creds".into();
    js.tags.insert("team".into(), "storage".into());
    js.kms_key_id = Some("alias/storage".into());
    js.keys[0].key = "access_key".into();
    js.keys[0].sites[0].strategy = Strategy::Skip;
    js.keys[0].sites[0].reason = Some("rotating this one by hand".into());
    js.keys[1].sites[0].env_var = Some("WORKER_AWS_SECRET".into());
    write_plan(&path, &edited).unwrap();

    std::fs::remove_file(root.join("infra/backup.tf")).unwrap();
    std::fs::write(root.join("lambda.py"), "aws_access_key_id = \"AKIAQ7RMNB2XK4LZV6WD\"\n").unwrap();
    let out = hoist().arg("plan").arg(&root).assert().success().get_output().clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("1 new site(s), 2 vanished"), "{stdout}");
    assert!(stdout.contains("new: lambda.py:1"), "{stdout}");
    assert!(stdout.contains("vanished: infra/backup.tf:3"), "{stdout}");

    let second = load_plan(&path).unwrap();
    assert_eq!(second.salt, first.salt, "the salt is reused, so fingerprints stay comparable");
    let s = second.secrets.iter().find(|s| s.name == "shop/prod/worker-aws-creds").expect("rename kept");
    assert_eq!(s.tags.get("team").map(String::as_str), Some("storage"));
    assert_eq!(s.kms_key_id.as_deref(), Some("alias/storage"));
    let k = s.keys.iter().find(|k| k.key == "access_key").expect("key rename kept");
    assert_eq!(k.sites[0].strategy, Strategy::Skip);
    assert_eq!(k.sites[0].reason.as_deref(), Some("rotating this one by hand"));
    let other = s.keys.iter().find(|k| k.key != "access_key").unwrap();
    assert_eq!(other.sites[0].env_var.as_deref(), Some("WORKER_AWS_SECRET"));
    // Untouched secrets come out as before (same salt, same sites).
    for before in first.secrets.iter().filter(|s| {
        !s.keys.iter().any(|k| {
            k.sites.iter().any(|t| t.path == Path::new("worker/index.js") || t.path == Path::new("infra/backup.tf"))
        })
    }) {
        assert!(second.secrets.contains(before), "{} changed", before.name);
    }
}

#[test]
fn golden_plan_for_the_per_format_fixture() {
    let (_d, root) = fixture("plan/formats");
    seed_salt(&root, "shop");
    hoist().arg("plan").arg(&root).assert().success();
    let yaml = std::fs::read_to_string(root.join(".hoist/plan.yaml")).unwrap();
    insta::assert_snapshot!("plan_formats", yaml);
    diff_and_apply_succeed("formats", &root, &planted("plan/plan-fixtures-planted.txt"));
}

#[test]
fn golden_plan_for_the_demo() {
    let (_d, root) = fixture("demo");
    seed_salt(&root, "demo");
    let out = hoist().arg("plan").arg(&root).args(["--env", "prod"]).assert().success().get_output().clone();
    let yaml = std::fs::read_to_string(root.join(".hoist/plan.yaml")).unwrap();
    insta::assert_snapshot!("plan_demo", yaml);
    // What the snapshot must show, spelled out: the database credentials grouped in the rotation
    // shape, and the one password deduplicated across code, .env and the task definition.
    let plan = load_plan(&root.join(".hoist/plan.yaml")).unwrap();
    let db = plan.secret("demo/prod/postgres").expect("a postgres secret");
    let keys: Vec<&str> = db.keys.iter().map(|k| k.key.as_str()).collect();
    assert_eq!(keys, ["engine", "host", "port", "username", "password", "dbname"]);
    let pw = db.keys.iter().find(|k| k.key == "password").unwrap();
    let paths: Vec<&str> = pw.sites.iter().map(|t| t.path.to_str().unwrap()).collect();
    for p in [".env", "app/settings.py", "deploy/task-definition.json"] {
        assert!(paths.contains(&p), "password sites {paths:?} lack {p}");
    }
    assert!(pw.sites.iter().all(|t| t.fingerprint == pw.fingerprint));
    let task = pw.sites.iter().find(|t| t.path == Path::new("deploy/task-definition.json")).unwrap();
    assert_eq!((task.strategy, task.env_var.as_deref()), (Strategy::Env, Some("DB_PASSWORD")));
    let code = pw.sites.iter().find(|t| t.path == Path::new("app/settings.py")).unwrap();
    assert_eq!((code.strategy, code.env_var.as_deref()), (Strategy::Env, Some("DB_PASSWORD")));
    hoist().arg("plan").arg(&root).arg("--check").arg(root.join(".hoist/plan.yaml")).assert().success();
    let table = String::from_utf8(out.stdout).unwrap();
    let table: String = table.lines().take_while(|l| !l.starts_with("kept ")).map(|l| format!("{l}\n")).collect();
    insta::assert_snapshot!("plan_demo_table", table);
    let mut values = planted("plan/plan-fixtures-planted.txt");
    values.extend(planted("demo-planted.txt"));
    diff_and_apply_succeed("demo", &root, &values);
}

#[test]
fn golden_plans_for_spring_node_compose_and_cloudformation() {
    let values = planted("plan/plan-fixtures-planted.txt");
    for name in ["spring", "node-compose", "cloudformation"] {
        let (_d, root) = fixture(&format!("plan/{name}"));
        seed_salt(&root, name);
        hoist().arg("plan").arg(&root).assert().success();
        let yaml = std::fs::read_to_string(root.join(".hoist/plan.yaml")).unwrap();
        for v in &values {
            assert!(!yaml.contains(v.as_str()), "{name}: a planted value is in the plan");
        }
        insta::assert_snapshot!(format!("plan_{name}"), yaml);
        diff_and_apply_succeed(name, &root, &values);
    }
}

#[test]
fn a_kubernetes_secret_is_planned_env_and_diffs_to_an_external_secret() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("orders");
    std::fs::create_dir_all(root.join("deploy")).unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/detect/config/yaml/k8s-secret.yaml");
    std::fs::copy(&manifest, root.join("deploy/secret.yaml")).unwrap();
    hoist().arg("plan").arg(&root).assert().success();
    let plan = load_plan(&root.join(".hoist/plan.yaml")).unwrap();
    let sites: Vec<_> = plan.sites().filter(|(_, _, s)| s.path == Path::new("deploy/secret.yaml")).collect();
    // username, password, host (data, base64) and api-token (stringData); tls.crt is public.
    assert_eq!(sites.len(), 4, "{plan:#?}");
    // The credentials move; the `host` and `username` settings stay in the generated ExternalSecret's template.
    for (secret, key, site) in &sites {
        let want = if ["host", "username"].contains(&key.key.as_str()) { Strategy::Skip } else { Strategy::Env };
        assert_eq!(site.strategy, want, "{} / {}: {:?}", secret.name, key.key, site.reason);
        assert_eq!(site.deploy.as_ref().map(|d| d.kind.as_str()), Some("kubernetes-secret"));
    }

    let out = hoist().arg("diff").arg(&root).args(["--region", "us-east-1"]).assert().success().get_output().clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("+kind: ExternalSecret"), "{stdout}\n{stderr}");
    assert!(stdout.contains("-kind: Secret"), "{stdout}");
    for key in ["password", "api-token"] {
        assert!(stdout.contains(&format!("+    - secretKey: {key}\n")), "{key} missing:\n{stdout}");
    }
    for key in ["host", "username"] {
        assert!(!stdout.contains(&format!("+    - secretKey: {key}\n")), "a setting is no remote key:\n{stdout}");
    }
    assert!(!stderr.contains("by hand") && !stderr.contains("stale"), "{stderr}");
    // Neither the base64 spelling nor the decoded value is printed.
    for v in ["UXc4I3BMMm1SdDl6", "Qw8#pL2mRt9z", "tok-7Hq2Lm9Zx4Vb", "b3JkZXJzX2FwcA==", "orders_app"] {
        assert!(!stdout.contains(v) && !stderr.contains(v), "value printed");
    }
    // The dry diff changed nothing.
    assert_eq!(std::fs::read(root.join("deploy/secret.yaml")).unwrap(), std::fs::read(&manifest).unwrap());
}

/// A plan snapshot is a plan hoist itself accepts: diff and apply on the same tree succeed against
/// a real Secrets Manager API (no "stale" site), and a second apply is a no-op.
fn diff_and_apply_succeed(name: &str, root: &Path, values: &[String]) {
    let moto = common::moto::Moto::start();
    let (code, out) = Hoist::moto(&moto, values).arg("diff").arg(root).run();
    assert_eq!(code, Some(0), "{name}: diff right after plan: {out}");
    assert!(!out.contains("stale"), "{name}: {out}");
    let (code, out) = Hoist::moto(&moto, values).args(["apply", "--yes", "--allow-dirty"]).arg(root).run();
    assert_eq!(code, Some(0), "{name}: apply right after plan: {out}");
    assert!(!moto.secret_names().is_empty(), "{name}: apply created no secret: {out}");
    let (code, out) = Hoist::moto(&moto, values).args(["apply", "--yes", "--allow-dirty"]).arg(root).run();
    assert_eq!(code, Some(0), "{name}: second apply: {out}");
    assert!(!out.contains("stale"), "{name}: second apply: {out}");
}
