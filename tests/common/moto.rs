//! A real Secrets Manager emulator for tests: starts `moto_server` on a free 127.0.0.1 port, waits
//! until it answers, and kills it on drop. Also runs the `aws` CLI (an independent client) and the
//! hoist binary against it with dummy credentials, so nothing can reach real AWS.
//!
//! Tools are looked up on `PATH`, then in `$HOIST_VENV/bin`, then `~/.cache/hoist/venv/bin` (where
//! `scripts/test` creates them). A missing tool FAILS the test with a message saying how to get it:
//! a test that silently skips proves nothing.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The environment every AWS client in a test runs with: dummy credentials, a fixed region, no
/// metadata lookups and no profile or config file from the machine running the tests.
pub const DUMMY_ENV: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "test"),
    ("AWS_SECRET_ACCESS_KEY", "test"),
    ("AWS_REGION", "us-east-1"),
    ("AWS_DEFAULT_REGION", "us-east-1"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
    ("AWS_CONFIG_FILE", "/nonexistent/hoist-test/aws-config"),
    ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/hoist-test/aws-credentials"),
    ("AWS_PAGER", ""),
];

/// Variables removed from every child so the machine's own AWS setup can't leak into a test.
pub const REMOVED_ENV: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SECRETS_MANAGER",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    // hoist's own knobs: an exported one would change the settings a test means to exercise
    // (the retry tests drive the defaults).
    "HOIST_AWS_TIMEOUT",
    "HOIST_AWS_MAX_ATTEMPTS",
    "HOIST_CONFIG",
];

/// Finds an executable on `PATH`, then in the test venv. Panics with instructions when missing.
pub fn find_tool(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(venv) = std::env::var_os("HOIST_VENV") {
        dirs.push(PathBuf::from(venv).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cache/hoist/venv/bin"));
    }
    for dir in &dirs {
        let candidate = dir.join(name);
        if is_executable(&candidate) {
            return candidate;
        }
    }
    panic!(
        "required test tool `{name}` not found on PATH, in $HOIST_VENV/bin or ~/.cache/hoist/venv/bin.\n\
         Run the suite with `scripts/test` (it creates a venv with moto[server] and awscli), or \
         `pip install \"moto[server]\" awscli` yourself. This test does not skip without it."
    );
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// A running moto server, killed when dropped.
pub struct Moto {
    child: Child,
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Moto {
    /// Starts moto on a free port and waits (up to 30 s) until it answers HTTP.
    pub fn start() -> Moto {
        let exe = find_tool("moto_server");
        let mut last_err = String::new();
        // Picking a port by binding :0 and releasing it can race with another test; retry.
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new(&exe)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
            let endpoint = format!("http://127.0.0.1:{port}");
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if let Ok(Some(status)) = child.try_wait() {
                    let mut err = String::new();
                    if let Some(mut e) = child.stderr.take() {
                        let _ = e.read_to_string(&mut err);
                    }
                    last_err = format!("moto_server exited with {status}: {err}");
                    break;
                }
                if http(port, "GET", "/moto-api/").is_some_and(|(code, _)| code == 200) {
                    // Drain stderr in the background so a chatty server never blocks on a full pipe.
                    if let Some(mut e) = child.stderr.take() {
                        std::thread::spawn(move || std::io::copy(&mut e, &mut std::io::sink()));
                    }
                    return Moto { child, port, endpoint };
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("moto_server on port {port} did not answer within 30 s");
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        panic!("could not start moto_server: {last_err}");
    }

    /// Clears every resource (`POST /moto-api/reset`).
    pub fn reset(&self) {
        let (code, _) = http(self.port, "POST", "/moto-api/reset").expect("moto reset failed");
        assert_eq!(code, 200, "moto reset answered {code}");
    }

    /// Applies the dummy AWS environment (and removes the machine's own) on a command.
    pub fn dummy_env(cmd: &mut Command) {
        for k in REMOVED_ENV {
            cmd.env_remove(k);
        }
        for (k, v) in DUMMY_ENV {
            cmd.env(k, v);
        }
    }

    /// The `aws` CLI pointed at this server, with `args` after `--endpoint-url`.
    pub fn aws_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(find_tool("aws"));
        Self::dummy_env(&mut cmd);
        cmd.args(["--endpoint-url", &self.endpoint, "--output", "json"]).args(args);
        cmd
    }

    /// Runs `aws … secretsmanager <args>` and returns its output whatever the exit status.
    pub fn sm(&self, args: &[&str]) -> Output {
        let mut full = vec!["secretsmanager"];
        full.extend_from_slice(args);
        self.aws_command(&full).output().expect("cannot run aws")
    }

    /// Runs `aws … secretsmanager <args>`, asserts success and parses its JSON output
    /// (`null` when it printed nothing).
    pub fn sm_json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.sm(args);
        assert!(out.status.success(), "aws secretsmanager {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        if out.stdout.iter().all(u8::is_ascii_whitespace) {
            return serde_json::Value::Null;
        }
        serde_json::from_slice(&out.stdout).expect("aws printed invalid JSON")
    }

    /// Creates a secret with the `aws` CLI (e.g. a foreign secret hoist must not touch).
    pub fn create_secret(&self, name: &str, value: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["create-secret", "--name", name, "--secret-string", value];
        args.extend_from_slice(extra);
        self.sm_json(&args)
    }

    /// The AWSCURRENT SecretString of a secret, read with the `aws` CLI.
    pub fn secret_string(&self, id: &str) -> String {
        let v = self.sm_json(&["get-secret-value", "--secret-id", id]);
        v["SecretString"].as_str().expect("no SecretString").to_string()
    }

    /// `describe-secret` output.
    pub fn describe(&self, id: &str) -> serde_json::Value {
        self.sm_json(&["describe-secret", "--secret-id", id])
    }

    /// Every secret name in the server, sorted.
    pub fn secret_names(&self) -> Vec<String> {
        let v = self.sm_json(&["list-secrets"]);
        let mut names: Vec<String> = v["SecretList"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["Name"].as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Version ids of a secret (`list-secret-version-ids`).
    pub fn version_ids(&self, id: &str) -> Vec<String> {
        let v = self.sm_json(&["list-secret-version-ids", "--secret-id", id]);
        v["Versions"]
            .as_array()
            .map(|a| a.iter().filter_map(|s| s["VersionId"].as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }

    /// The tags of a secret as a sorted list of (key, value).
    pub fn tags(&self, id: &str) -> Vec<(String, String)> {
        let d = self.describe(id);
        let mut tags: Vec<(String, String)> = d["Tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|t| {
                        (t["Key"].as_str().unwrap_or("").to_string(), t["Value"].as_str().unwrap_or("").to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        tags
    }

    /// The environment for a hoist process talking to this server (dummy credentials, endpoint).
    pub fn hoist_env(&self, cmd: &mut Command) {
        Self::dummy_env(cmd);
        cmd.env("AWS_ENDPOINT_URL", &self.endpoint);
    }

    /// The hoist binary (as built by cargo for this test run) with [`Moto::hoist_env`] applied.
    pub fn hoist(&self) -> Command {
        let mut cmd = Command::new(hoist_bin());
        self.hoist_env(&mut cmd);
        cmd
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The hoist binary cargo built for integration tests.
pub fn hoist_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_hoist"))
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("cannot bind 127.0.0.1:0");
    l.local_addr().unwrap().port()
}

/// A tiny HTTP/1.0 request to 127.0.0.1 (no client crate needed): status code and body.
fn http(port: u16, method: &str, path: &str) -> Option<(u16, String)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(500)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n").ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let code = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Some((code, body))
}
