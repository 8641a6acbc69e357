//! A local fault endpoint: a tiny HTTP server on 127.0.0.1 that misbehaves the way networks and
//! broken proxies do (hangs, 500s, throttling, connection resets, garbage bodies), counting the
//! requests it got. Tests point hoist's real client at it with `--endpoint-url`, so hoist's own
//! retry and timeout settings are what is exercised.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How the endpoint answers.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Accepts the connection, reads the request, never answers.
    Hang,
    /// HTTP 500 with an empty body.
    Error500,
    /// HTTP 400 `ThrottlingException` (retried by the SDK).
    Throttle,
    /// Accepts, then closes the connection without a byte.
    Reset,
    /// HTTP 400 `AccessDeniedException` naming the action, for every call (a caller without the
    /// permission).
    Denied,
    /// `DescribeSecret` says the secret exists and is hoist's; `GetSecretValue` answers 200 with
    /// this body (not valid JSON), e.g. one holding a planted value.
    GarbageValue(String),
}

/// The running endpoint (a detached thread; it lives until the test process ends).
pub struct FaultServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    hits: Arc<AtomicUsize>,
}

impl FaultServer {
    /// Starts the endpoint.
    pub fn start(mode: Mode) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (mode, counter) = (mode.clone(), counter.clone());
                std::thread::spawn(move || serve(stream, &mode, &counter));
            }
        });
        FaultServer { url, hits }
    }

    /// Requests received so far.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn serve(mut s: TcpStream, mode: &Mode, hits: &AtomicUsize) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(120)));
    loop {
        let Some((target, _body)) = read_request(&mut s) else { return };
        hits.fetch_add(1, Ordering::SeqCst);
        let (status, body) = match mode {
            Mode::Hang => {
                std::thread::sleep(Duration::from_secs(600));
                return;
            }
            Mode::Reset => return,
            Mode::Error500 => (500, String::new()),
            Mode::Throttle => (400, r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.to_string()),
            Mode::Denied => (
                400,
                format!(
                    r#"{{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: secretsmanager:{} because no identity-based policy allows it"}}"#,
                    target.rsplit('.').next().unwrap_or_default()
                ),
            ),
            Mode::GarbageValue(garbage) if target.ends_with("GetSecretValue") => (200, garbage.clone()),
            Mode::GarbageValue(_) if target.ends_with("DescribeSecret") => (
                200,
                r#"{"ARN":"arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf","Name":"app/db",
                "Tags":[{"Key":"managed-by","Value":"hoist"}],"VersionIdsToStages":{"v1":["AWSCURRENT"]}}"#
                    .to_string(),
            ),
            Mode::GarbageValue(_) => (400, r#"{"__type":"InvalidRequestException","message":"no"}"#.to_string()),
        };
        let reason = if status == 200 { "OK" } else { "Error" };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        if s.write_all(head.as_bytes()).and_then(|_| s.write_all(body.as_bytes())).is_err() {
            return;
        }
    }
}

/// Reads one request: the `X-Amz-Target` header and the body.
fn read_request(s: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if s.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_string())
        })
    };
    let len: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).ok()?;
    Some((header("x-amz-target").unwrap_or_default(), body))
}
