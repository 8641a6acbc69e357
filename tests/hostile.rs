//! Hostile repositories and broken endpoints (#16): each case is built in a temp repository and
//! run through the hoist binary; every command's outputs, `.hoist/` and every new or changed file
//! go through the leak harness (`common::leak`) for every planted value and 6-character piece.
//! Cases: injected key names and env vars, a held repository lock, `.hoist` and salt symlinks, path
//! aliases, an endpoint that hangs / 500s / throttles / resets / answers garbage, and (against moto)
//! the whole flow of commands over planted values of every shape.

mod common;

use common::fault::{FaultServer, Mode};
use common::fixture::{Fixture, plant_shapes};
use common::leak::Leak;
use common::moto::{Moto, hoist_bin};
use hoist::model::Shape;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// hoist in `dir`, dummy credentials, no endpoint from the environment.
fn hoist(dir: &Path) -> Command {
    let mut cmd = Command::new(hoist_bin());
    Moto::dummy_env(&mut cmd);
    cmd.current_dir(dir).env_remove("AWS_ENDPOINT_URL").env_remove("AWS_ENDPOINT_URL_SECRETS_MANAGER");
    cmd
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// A repository with one planted `.env` secret and its plan.
fn env_fixture() -> Fixture {
    let mut f = Fixture::new("app");
    f.file(".env", "DB_PASSWORD=Pl4nted-Hostile-Pw-77\n");
    f.secret("app/db", Shape::Json, &[("password", ".env", "Pl4nted-Hostile-Pw-77")]);
    f.write_plan();
    git_init(f.root());
    f
}

fn git_init(dir: &Path) {
    for args in
        [&["init", "-q"][..], &["add", "-A"], &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]]
    {
        let out = Command::new("git").arg("-C").arg(dir).args(args).output().expect("git is required");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn injected_key_names_and_env_vars_are_refused_by_check_and_apply() {
    let evil_key = "pw\") + __import__(\"os\").system(\"id\") + (\"";
    for (what, edit) in [
        (
            "key",
            Box::new(move |f: &mut Fixture| f.plan.secrets[0].keys[0].key = evil_key.into())
                as Box<dyn Fn(&mut Fixture)>,
        ),
        (
            "LD_PRELOAD",
            Box::new(|f: &mut Fixture| f.plan.secrets[0].keys[0].sites[0].env_var = Some("LD_PRELOAD".into())),
        ),
        ("PATH", Box::new(|f: &mut Fixture| f.plan.secrets[0].keys[0].sites[0].env_var = Some("PATH".into()))),
        (
            "NODE_OPTIONS",
            Box::new(|f: &mut Fixture| f.plan.secrets[0].keys[0].sites[0].env_var = Some("NODE_OPTIONS".into())),
        ),
        ("shell", Box::new(|f: &mut Fixture| f.plan.secrets[0].keys[0].sites[0].env_var = Some("X;id".into()))),
    ] {
        let mut f = env_fixture();
        edit(&mut f);
        let plan = f.write_plan();
        let leak = Leak::watch(f.root(), &["Pl4nted-Hostile-Pw-77"]);
        let out = hoist(f.root()).args(["plan", "--check"]).arg(&plan).output().unwrap();
        let msg = leak.check(f.root(), "plan --check", &out);
        assert_eq!(out.status.code(), Some(2), "{what}: plan --check accepted it:\n{msg}");
        assert!(msg.contains("not allowed in a key") || msg.contains("env_var"), "{what}: {msg}");
        let before = std::fs::read(f.root().join(".env")).unwrap();
        let out =
            hoist(f.root()).args(["apply", ".", "--yes", "--endpoint-url", "http://127.0.0.1:9"]).output().unwrap();
        let msg = leak.check(f.root(), "apply", &out);
        assert_eq!(out.status.code(), Some(2), "{what}: apply accepted it:\n{msg}");
        assert_eq!(std::fs::read(f.root().join(".env")).unwrap(), before, "{what}: apply wrote the file");
    }
}

#[test]
fn a_locked_repository_is_refused_with_one_line_and_a_stale_lock_is_taken_over() {
    let f = env_fixture();
    // pid 1 is alive on any Linux host: a lock held by another hoist.
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    std::fs::write(f.root().join(".hoist/lock"), format!("pid=1\nhost={}\nstarted=0\n", host.trim())).unwrap();
    let before = std::fs::read(f.root().join(".env")).unwrap();
    let out = hoist(f.root()).args(["apply", ".", "--yes", "--endpoint-url", "http://127.0.0.1:9"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("another hoist (pid 1") && err.contains(".hoist/lock"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(std::fs::read(f.root().join(".env")).unwrap(), before);
    let out = hoist(f.root()).args(["upload", ".", "--endpoint-url", "http://127.0.0.1:9"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("another hoist"), "upload ignored the lock");

    // A lock whose process is gone (an earlier crash) is taken over: the command gets past it.
    std::fs::write(f.root().join(".hoist/lock"), format!("pid={}\nhost={}\nstarted=0\n", u32::MAX - 1, host.trim()))
        .unwrap();
    let out = hoist(f.root())
        .args(["upload", ".", "--endpoint-url", "http://127.0.0.1:9", "--timeout", "3"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("another hoist"), "{}", text(&out));
    assert!(!f.root().join(".hoist/lock").exists(), "the lock was not released");
}

#[cfg(unix)]
#[test]
fn a_committed_hoist_symlink_or_salt_symlink_never_writes_outside() {
    let outside = tempfile::tempdir().unwrap();
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(repo.path().join(".env"), "DB_PASSWORD=Pl4nted-Hostile-Pw-77\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join(".hoist")).unwrap();
    let leak = Leak::watch(repo.path(), &["Pl4nted-Hostile-Pw-77"]);
    for args in [&["plan", "."][..], &["baseline", "."], &["apply", ".", "--yes", "--allow-dirty"], &["upload", "."]] {
        let out = hoist(repo.path())
            .args(args)
            .args(["--endpoint-url", "http://127.0.0.1:9"].iter().filter(|_| args[0] == "upload" || args[0] == "apply"))
            .output()
            .unwrap();
        let msg = leak.check(repo.path(), args[0], &out);
        assert_eq!(out.status.code(), Some(2), "hoist {args:?} accepted a symlinked .hoist:\n{msg}");
        // apply finds no plan in the (empty) target first; the others name the symlink.
        assert!(msg.contains("symlink") || args[0] == "apply", "hoist {args:?}: {msg}");
        let left: Vec<_> = std::fs::read_dir(outside.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert!(left.is_empty(), "hoist {args:?} wrote outside the repository: {left:?}");
    }

    // A dangling `.hoist/salt` symlink: baseline must not create its target.
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(repo.path().join(".hoist")).unwrap();
    let target = outside.path().join("created-by-hoist");
    std::os::unix::fs::symlink(&target, repo.path().join(".hoist/salt")).unwrap();
    let out = hoist(repo.path()).args(["baseline", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!target.exists(), "baseline followed the dangling salt symlink");
}

#[test]
fn a_dot_slash_alias_of_a_site_path_is_refused() {
    let mut f = Fixture::new("app");
    f.file("app/settings.py", "A = \"Pl4nted-Alias-Value-1\"\nB = \"Pl4nted-Alias-Value-2\"\n");
    f.secret("app/a", Shape::Json, &[("a", "app/settings.py", "Pl4nted-Alias-Value-1")]);
    f.secret("app/b", Shape::Json, &[("b", "app/settings.py", "Pl4nted-Alias-Value-2")]);
    f.plan.secrets[1].keys[0].sites[0].path = "./app/settings.py".into();
    let plan = f.write_plan();
    let out = hoist(f.root()).args(["plan", "--check"]).arg(&plan).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("write the path as app/settings.py"), "{}", text(&out));
}

/// Runs `hoist upload` against a fault endpoint with hoist's own client settings.
fn upload_against(mode: Mode, extra: &[&str]) -> (FaultServer, Output, Duration, Fixture) {
    let server = FaultServer::start(mode);
    let f = env_fixture();
    let start = Instant::now();
    let out = hoist(f.root()).args(["upload", ".", "--endpoint-url", &server.url]).args(extra).output().unwrap();
    (server, out, start.elapsed(), f)
}

#[test]
fn a_hanging_endpoint_times_out_within_the_bound_with_one_line() {
    let mut f = env_fixture();
    // Three secrets: after the first times out, the others are not attempted.
    f.file("b.env", "B_TOKEN=Pl4nted-Hostile-Pw-88\nC_TOKEN=Pl4nted-Hostile-Pw-99\n");
    f.secret("app/b", Shape::Json, &[("token", "b.env", "Pl4nted-Hostile-Pw-88")]);
    f.secret("app/c", Shape::Json, &[("token", "b.env", "Pl4nted-Hostile-Pw-99")]);
    f.write_plan();
    let server = FaultServer::start(Mode::Hang);
    let leak = Leak::watch(f.root(), &["Pl4nted-Hostile-Pw-77", "Pl4nted-Hostile-Pw-88", "Pl4nted-Hostile-Pw-99"]);
    let start = Instant::now();
    let out = hoist(f.root())
        .args(["upload", ".", "--endpoint-url", &server.url, "--timeout", "2", "--concurrency", "1"])
        .output()
        .unwrap();
    let took = start.elapsed();
    let msg = leak.check(f.root(), "upload (hanging endpoint)", &out);
    assert_eq!(out.status.code(), Some(2), "{msg}");
    assert!(took < Duration::from_secs(8), "took {took:?} with --timeout 2:\n{msg}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "expected one line:\n{err}");
    assert!(err.contains("unreachable") && err.contains("2 secret(s) not attempted"), "{err}");
    assert_eq!(server.hits(), 1, "secrets after the first were still attempted");
}

#[test]
fn server_errors_and_throttling_are_retried_max_attempts_times_within_the_bound() {
    for mode in [Mode::Error500, Mode::Throttle, Mode::Reset] {
        let name = format!("{mode:?}");
        let (server, out, took, _f) = upload_against(mode, &["--max-attempts", "3", "--timeout", "20"]);
        let msg = text(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {msg}");
        // hoist's standard retries: 3 attempts, backoff under 1 s + 2 s with jitter.
        assert_eq!(server.hits(), 3, "{name}: attempts against the endpoint\n{msg}");
        assert!(took < Duration::from_secs(12), "{name}: took {took:?}");
        assert!(!msg.contains("ResponseError") && !msg.contains("raw:"), "{name}: an SDK dump: {msg}");
        assert!(String::from_utf8_lossy(&out.stderr).lines().count() <= 2, "{name}: {msg}");
    }
}

#[test]
fn a_garbage_get_secret_value_answer_never_echoes_its_body() {
    let planted = "Pl4nted-Hostile-Pw-77";
    let garbage = format!("{{\"SecretString\": \"{planted}\", \"ARN\": [[[ not json");
    let (_server, out, _took, f) = upload_against(Mode::GarbageValue(garbage.clone()), &["--max-attempts", "1"]);
    let leak = Leak::watch(f.root(), &[planted]);
    let msg = leak.check(f.root(), "upload (garbage GetSecretValue)", &out);
    assert_eq!(out.status.code(), Some(2), "{msg}");
    assert!(msg.contains("not a Secrets Manager response"), "{msg}");

    // `hoist run` reads the same way.
    let server = FaultServer::start(Mode::GarbageValue(garbage));
    let state = "version: 1\nsecrets:\n  app/db:\n    name: app/db\n    arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf\n    version_id: v1\n";
    std::fs::write(f.root().join(".hoist/state.yaml"), state).unwrap();
    let mut plan = f.plan.clone();
    plan.secrets[0].keys[0].sites[0].env_var = Some("DB_PASSWORD".into());
    std::fs::write(f.root().join(".hoist/plan.yaml"), serde_yaml::to_string(&plan).unwrap()).unwrap();
    let out = hoist(f.root())
        .args(["run", "--endpoint-url", &server.url, "--max-attempts", "1", "--", "true"])
        .output()
        .unwrap();
    let msg = leak.check(f.root(), "run (garbage GetSecretValue)", &out);
    assert_eq!(out.status.code(), Some(2), "{msg}");
}

/// Every command over planted values of every shape, against moto: nothing leaks anywhere.
#[test]
fn no_command_leaks_a_planted_value_of_any_shape() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let values = plant_shapes(dir);
    git_init(dir);
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let run = |args: &[&str]| {
        let leak = Leak::watch(dir, &values);
        let out = moto.hoist().current_dir(dir).args(args).output().unwrap();
        leak.check(dir, &args.join(" "), &out);
        out
    };
    for format in ["human", "json", "sarif"] {
        run(&["scan", ".", "--format", format]);
    }
    run(&["plan", ".", "--stdout", "--app", "app"]);
    let planned = run(&["plan", ".", "--app", "app"]);
    assert!(planned.status.success(), "{}", text(&planned));
    run(&["plan", "--check", ".hoist/plan.yaml"]);
    run(&["diff", "."]);
    run(&["migrate", ".", "--app", "app"]);
    run(&["baseline", "."]);
    let applied = run(&["apply", ".", "--yes", "--allow-dirty"]);
    assert!(applied.status.success(), "{}", text(&applied));
    run(&["apply", ".", "--yes", "--allow-dirty"]);
    run(&["upload", "."]);
    run(&["diff", "."]);
    run(&["policy", "."]);
    run(&["check", ".", "--aws"]);
    run(&["run", "--", "true"]);
    run(&["scan", "."]);
    assert!(!hoist::rewrite::write::clean_orphans(dir).iter().any(|_| true), "temp files left behind");
}
