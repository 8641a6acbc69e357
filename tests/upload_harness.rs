//! The shared moto harness itself: it starts a real server, the `aws` CLI talks to it, and the
//! server is gone once the handle drops.

mod common;

use common::moto::Moto;

#[test]
fn moto_starts_answers_the_aws_cli_and_stops_on_drop() {
    let moto = Moto::start();
    let port = moto.port;
    moto.create_secret("harness/check", r#"{"k":"v"}"#, &["--tags", "Key=a,Value=b"]);
    assert_eq!(moto.secret_names(), vec!["harness/check".to_string()]);
    assert_eq!(moto.secret_string("harness/check"), r#"{"k":"v"}"#);
    assert_eq!(moto.tags("harness/check"), vec![("a".to_string(), "b".to_string())]);
    assert_eq!(moto.version_ids("harness/check").len(), 1);
    moto.reset();
    assert!(moto.secret_names().is_empty());
    drop(moto);
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "moto still listening after drop");
}

#[test]
fn two_servers_run_side_by_side_on_different_ports() {
    let a = Moto::start();
    let b = Moto::start();
    assert_ne!(a.port, b.port);
    a.create_secret("only/in/a", "x", &[]);
    assert!(b.secret_names().is_empty());
}

/// Without moto anywhere, a test using the harness fails with instructions instead of skipping.
/// (Runs this test binary again as a child with an empty PATH and no venv.)
#[test]
fn a_missing_moto_fails_the_test_loudly() {
    if std::env::var_os("HOIST_HARNESS_CHILD").is_some() {
        let _ = Moto::start();
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "a_missing_moto_fails_the_test_loudly", "--nocapture", "--test-threads=1"])
        .env("HOIST_HARNESS_CHILD", "1")
        .env("PATH", "/nonexistent")
        .env("HOME", home.path())
        .env_remove("HOIST_VENV")
        .output()
        .unwrap();
    assert!(!out.status.success(), "the child passed without moto");
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("required test tool `moto_server` not found"), "{all}");
    assert!(all.contains("scripts/test"), "{all}");
}
