//! #13 Must-show: a compose repository where the apps and the database are separate services
//! (`testdata/compose_two_service/`: Node `web`, Python `worker` with an `env_file`, `postgres`
//! `db` with a literal `POSTGRES_PASSWORD`). After `hoist apply` against moto, each app service
//! receives every variable its rewritten code reads and the db service still gets its own. The
//! check resolves the compose file as `docker compose config` does (`tests/common/compose.rs`;
//! also the real `docker-compose config` when installed, which must agree), with the shell
//! environment the deployment has: `hoist run -- docker compose up` (hoist run's child
//! environment, values from moto). Each app then runs with exactly its service's resolved
//! environment and prints the digest it printed before.

mod common;

use common::git::git;

use common::cli::Hoist;
use common::compose::Compose;
use common::deployed::{ComposeEnv, copy_dir, deployment_shell, with_exact_env};
use common::moto::Moto;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The database password planted in the fixture.
const PASSWORD: &str = "Hk4pW8sZq2VnR6yT";

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/compose_two_service")
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture(), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "shop"]);
    dir
}

fn hoist(moto: &Moto, dir: &Path, args: &[&str]) -> String {
    let (code, text) = Hoist::moto(moto, &[PASSWORD]).current_dir(dir).args(args).run();
    assert_eq!(code, Some(0), "hoist {args:?} failed:\n{text}");
    text
}

/// The command a service's image runs (its `build` context holds the code).
fn program(dir: &Path, service: &str) -> Command {
    match service {
        "web" => {
            let mut c = Command::new("node");
            c.current_dir(dir.join("web")).arg("index.js");
            c
        }
        "worker" => {
            let mut c = Command::new("python3");
            c.current_dir(dir.join("worker")).args(["-B", "worker.py"]);
            c
        }
        other => panic!("no program for {other}"),
    }
}

const APPS: &[&str] = &["web", "worker"];

/// The digest service `service` prints when started with exactly `env`.
fn digest(dir: &Path, service: &str, env: &BTreeMap<String, String>) -> String {
    let mut cmd = program(dir, service);
    let vars: Vec<(String, String)> = env.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    with_exact_env(&mut cmd, &vars);
    let out = cmd.output().unwrap_or_else(|e| panic!("{service}: cannot run ({e})"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{service} failed with its compose environment {:?}:\n{text}", env.keys());
    text.lines()
        .find(|l| l.len() == 64 && l.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("{service}: no digest in {text}"))
        .to_string()
}

/// Environment variables the code under `dir/sub` reads, found in the source text itself (not
/// in hoist's plan): `hoistEnv("X")`, `process.env.X`, `process.env["X"]`, `os.environ["X"]`,
/// `os.environ.get("X"`, `os.getenv("X"`.
fn code_reads(dir: &Path, sub: &str) -> Vec<String> {
    let re = regex::Regex::new(
        r#"hoistEnv\(["'](\w+)["']\)|process\.env\.(\w+)|process\.env\[["'](\w+)["']\]|os\.environ\[["'](\w+)["']\]|os\.environ\.get\(["'](\w+)["']|os\.getenv\(["'](\w+)["']"#,
    )
    .unwrap();
    let mut out = Vec::new();
    for (p, bytes) in common::leak::snapshot(&dir.join(sub)) {
        if !p.extension().is_some_and(|e| e == "js" || e == "py") {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for c in re.captures_iter(&text) {
            let name = c.iter().skip(1).flatten().next().unwrap().as_str().to_string();
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out.sort();
    out
}

/// Which of the variables the code reads compose does *not* give the service.
fn missing(env: &BTreeMap<String, String>, reads: &[String], optional: &[&str]) -> Vec<String> {
    reads.iter().filter(|v| !env.contains_key(*v) && !optional.contains(&v.as_str())).cloned().collect()
}

#[test]
fn each_app_service_receives_every_variable_its_rewritten_code_reads() {
    migrate_and_check("docker-compose.yml", None);
}

/// The same repository with its compose file in `deploy/` (`build: ../web`), flow-style and empty
/// `environment`s, an `env_file` list and the db's variables as a `K=V` list.
const FLOW: &str = "services:\n  web:\n    build: ../web\n    environment: { PORT: \"3000\", PGHOST: db }\n  worker:\n    build:\n      context: ../worker\n    env_file:\n      - ../worker/worker.env\n    environment: []\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_USER=shop\n      - POSTGRES_PASSWORD=Hk4pW8sZq2VnR6yT\n      - POSTGRES_DB=shop\n";

#[test]
fn flow_style_and_empty_environments_in_a_compose_file_of_a_subfolder() {
    migrate_and_check("deploy/compose.yaml", Some(FLOW));
}

/// Migrates the fixture (its compose file replaced by `text` at `rel` when given) and checks
/// every service as compose deploys it.
fn migrate_and_check(rel: &str, text: Option<&str>) {
    let moto = Moto::start();
    let app = repo();
    let dir = app.path();
    if let Some(text) = text {
        std::fs::remove_file(dir.join("docker-compose.yml")).unwrap();
        std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
        std::fs::write(dir.join(rel), text).unwrap();
        git(dir, &["add", "-A"]);
        git(dir, &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "layout"]);
    }
    let compose = dir.join(rel);

    // Before: literal values, nothing required from the shell.
    let before = ComposeEnv::resolve(&compose, &[]).expect("the fixture resolves with an empty shell");
    let before_digests: Vec<String> = APPS.iter().map(|s| digest(dir, s, &before.service(s))).collect();
    assert_eq!(before.service("db")["POSTGRES_PASSWORD"], PASSWORD, "the fixture's db holds the literal");

    hoist(&moto, dir, &["plan", ".", "--app", "shop"]);
    hoist(&moto, dir, &["apply", ".", "--yes"]);
    for (p, bytes) in common::leak::snapshot(dir).into_iter().filter(|(p, _)| !p.starts_with(".hoist")) {
        assert!(!String::from_utf8_lossy(&bytes).contains(PASSWORD), "{} still holds the password", p.display());
    }

    // Compose refuses to start without the deployment's variables (every injected entry is
    // `${VAR:?…}`), naming the variable.
    let bare = ComposeEnv::resolve(&compose, &[]).expect_err("compose must refuse to start without the secrets");
    assert!(bare.contains("missing environment variable"), "{bare}");

    // As deployed: `hoist run -- docker compose up`.
    let shell = deployment_shell(&moto, dir, &[PASSWORD]);
    let after = ComposeEnv::resolve(&compose, &shell).unwrap_or_else(|e| panic!("compose config fails: {e}"));
    for (service, want) in APPS.iter().zip(&before_digests) {
        let env = after.service(service);
        let reads = code_reads(dir, service);
        assert!(!reads.is_empty(), "{service}: the rewritten code reads no variable");
        // `PGHOST` / `QUEUE` have defaults in the code; everything hoist made it read is required.
        let gaps = missing(&env, &reads, &["PGHOST", "QUEUE"]);
        assert!(
            gaps.is_empty(),
            "{service} reads {gaps:?}, which its compose service doesn't receive: {:?}",
            env.keys()
        );
        assert_eq!(&digest(dir, service, &env), want, "{service} prints another digest as deployed by compose");
    }
    // The db service receives exactly what it received before, with the same values.
    assert_eq!(after.service("db"), before.service("db"), "the db service's environment changed");
    // No application variable leaks into the db service, no db variable is pointed at by the apps.
    for service in APPS {
        for v in code_reads(dir, service) {
            let only_db = after.service("db").contains_key(&v) && !after.service(service).contains_key(&v);
            assert!(!only_db, "{service}'s code reads {v}, which only the db service receives");
        }
    }
    // The worker keeps its `env_file` (its settings still come from there).
    let raw: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&compose).unwrap()).unwrap();
    assert!(!raw["services"]["worker"]["env_file"].is_null(), "the worker lost its env_file");

    // A second apply changes nothing.
    let snap = common::leak::snapshot(dir);
    let again = hoist(&moto, dir, &["apply", ".", "--yes"]);
    assert!(again.contains("nothing to do"), "{again}");
    assert_eq!(common::leak::snapshot(dir), snap, "the second apply changed files");
}

#[test]
fn the_resolver_follows_compose_interpolation_and_env_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "FROM_DOTENV=d\nSHADOWED=dotenv\n").unwrap();
    std::fs::write(dir.path().join("app.env"), "# comment\nA=from-file\nB=\"quoted ${FROM_DOTENV}\"\nC='lit ${X}'\n")
        .unwrap();
    let text = "services:\n  app:\n    env_file: [app.env]\n    environment:\n      A: override\n      D: ${UNSET:-fallback}\n      E: $${KEEP}\n      F: ${SHADOWED}\n      G:\n  b:\n    environment:\n      - X=${REQ:?set REQ}\n";
    std::fs::write(dir.path().join("docker-compose.yml"), text).unwrap();
    let shell = vec![("SHADOWED".to_string(), "shell".to_string()), ("G".to_string(), "g".to_string())];
    let err = Compose::load(&dir.path().join("docker-compose.yml"), &shell).unwrap_err();
    assert!(err.contains("REQ") && err.contains("set REQ"), "{err}");
    let mut shell = shell;
    shell.push(("REQ".into(), "r".into()));
    let c = Compose::load(&dir.path().join("docker-compose.yml"), &shell).unwrap();
    let env = c.environment("app").unwrap();
    let get = |k: &str| env.get(k).map(String::as_str);
    assert_eq!(get("A"), Some("override"));
    assert_eq!(get("B"), Some("quoted d"));
    assert_eq!(get("C"), Some("lit ${X}"));
    assert_eq!(get("D"), Some("fallback"));
    assert_eq!(get("E"), Some("${KEEP}"));
    assert_eq!(get("F"), Some("shell"), "the shell wins over .env");
    assert_eq!(get("G"), Some("g"), "a name without a value passes the shell's through");
    assert_eq!(c.environment("b").unwrap()["X"], "r");
}
