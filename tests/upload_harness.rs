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
