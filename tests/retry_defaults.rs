//! hoist's **default** client settings (`AwsSettings::default()`: 5 attempts, standard retries with
//! a 1 s initial backoff, 30 s bound on a call) against a local fault endpoint (`common::fault`):
//! no `--max-attempts`, no `--timeout`, and `HOIST_AWS_MAX_ATTEMPTS` / `HOIST_AWS_TIMEOUT` removed
//! from the environment by the harness, so what runs is what a user gets. Throttling (400
//! `ThrottlingException`), 500s and connection resets are tried exactly 5 times and the command
//! ends inside the 30 s bound; an endpoint that accepts and never answers fails the call after
//! 30 s, once, with one line. `upload` and `run` are driven here (they share the one client
//! builder, `upload::client::connect`, with `check --aws`, which calls AWS only for ARNs that
//! deployment files reference). Every run goes through the leak harness.

mod common;

use common::cli::{Hoist, text};
use common::fault::{FaultServer, Mode};
use common::fixture::Fixture;
use hoist::model::Shape;
use std::process::Output;
use std::time::{Duration, Instant};

const PLANTED: &str = "Pl4nted-Retry-Pw-5x7Q";

/// hoist's defaults, as `src/upload/client.rs` states them (the tests below prove them by behaviour).
const DEFAULT_ATTEMPTS: usize = 5;
const DEFAULT_BOUND: Duration = Duration::from_secs(30);

/// A repository with one planted `.env` secret, its plan, and a state saying it was uploaded (so
/// `run` and `check --aws` have an ARN to read).
fn fixture() -> Fixture {
    let mut f = Fixture::new("app");
    f.file(".env", &format!("DB_PASSWORD={PLANTED}\n"));
    f.secret("app/db", Shape::Json, &[("password", ".env", PLANTED)]);
    f.write_plan();
    let state = "version: 1\nsecrets:\n  app/db:\n    name: app/db\n    arn: arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf\n    version_id: v1\n";
    std::fs::write(f.state_path(), state).unwrap();
    f
}

/// Runs `hoist SUBCOMMAND --endpoint-url URL REST` with the default settings; returns output and wall time.
fn against(server: &FaultServer, f: &Fixture, args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    // The endpoint right after the subcommand (what follows `run --` is the child's), and in the
    // environment too: nothing may reach past 127.0.0.1.
    let out = Hoist::new(&[PLANTED])
        .current_dir(f.root())
        .env("AWS_ENDPOINT_URL", &server.url)
        .arg(args[0])
        .args(["--endpoint-url", &server.url])
        .args(&args[1..])
        .output();
    (out.unwrap(), start.elapsed())
}

/// One command, one failing mode: exactly the default number of attempts, inside the bound, one
/// readable failure, exit 2.
fn retried(mode: Mode, args: &[&str]) -> String {
    let name = format!("{args:?} against {mode:?}");
    let server = FaultServer::start(mode);
    let f = fixture();
    let (out, took) = against(&server, &f, args);
    let msg = text(&out);
    assert_eq!(out.status.code(), Some(2), "{name}: {msg}");
    assert_eq!(server.hits(), DEFAULT_ATTEMPTS, "{name}: attempts against the endpoint\n{msg}");
    // Standard retries back off ≤ 1 + 2 + 4 + 8 s between the 5 attempts, and the 30 s bound caps
    // the call whatever happens; a few seconds more for process start and credentials.
    assert!(took < DEFAULT_BOUND + Duration::from_secs(3), "{name}: took {took:?}\n{msg}");
    assert!(!msg.contains("ResponseError") && !msg.contains("DispatchFailure"), "{name}: an SDK dump:\n{msg}");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.lines().count() <= 2, "{name}: more than a line or two:\n{err}");
    err
}

#[test]
fn upload_tries_five_times_on_throttling_500s_and_resets_within_30_s() {
    let modes = [Mode::Throttle, Mode::Error500, Mode::Reset];
    let runs: Vec<_> = modes.into_iter().map(|m| std::thread::spawn(move || retried(m, &["upload", "."]))).collect();
    for r in runs {
        let err = r.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        assert!(err.contains("app/db"), "the failing secret is named: {err}");
    }
}

#[test]
fn run_uses_the_same_default_retries() {
    let runs = vec![
        std::thread::spawn(|| retried(Mode::Throttle, &["run", "--", "true"])),
        std::thread::spawn(|| retried(Mode::Reset, &["run", "--", "true"])),
    ];
    for r in runs {
        r.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
    }
}

#[test]
fn a_hanging_endpoint_fails_the_call_after_the_default_30_s_once() {
    let server = FaultServer::start(Mode::Hang);
    let f = fixture();
    let (out, took) = against(&server, &f, &["upload", "."]);
    let msg = text(&out);
    assert_eq!(out.status.code(), Some(2), "{msg}");
    // The bound is the default, not something shorter or longer.
    assert!(took >= DEFAULT_BOUND - Duration::from_secs(1), "gave up after {took:?}, before the 30 s default:\n{msg}");
    assert!(took < DEFAULT_BOUND + Duration::from_secs(5), "took {took:?}, past the 30 s default:\n{msg}");
    // The bound covers the whole call, retries included: one attempt that never ends.
    assert_eq!(server.hits(), 1, "{msg}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "expected one line:\n{err}");
    assert!(err.contains("unreachable") || err.contains("did not answer in time"), "{err}");
}
