//! The README's emulator walk-through, run exactly as written: the `sh` block after "To try the real
//! migration against a local emulator" is extracted from README.md and run with `bash -euo pipefail`.
//! Only what a test must change is substituted: a free port, a temporary folder for `/tmp/demo`, the
//! test build of hoist first on `PATH`, and `HOIST_VENV` pointing at the venv the harness finds. Git
//! has no global or system config, so the snippet must set its own identity.

mod common;

use common::leak::Leak;
use common::moto::{Moto, free_port};
use std::collections::BTreeSet;
use std::io::Read;
use std::net::{SocketAddr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const README_SENTENCE: &str = "To try the real migration against a local emulator";

/// The first fenced `sh` block after the emulator sentence.
fn readme_snippet() -> String {
    let readme = std::fs::read_to_string("README.md").expect("cannot read README.md");
    let at = readme.find(README_SENTENCE).expect("README.md lost the emulator sentence");
    let mut lines = readme[at..].lines().skip_while(|l| l.trim_end() != "```sh");
    assert!(lines.next().is_some(), "no ```sh block after the emulator sentence");
    let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim_end() != "```").collect();
    assert!(!body.is_empty(), "the emulator block is empty");
    body.join("\n") + "\n"
}

/// Replaces exactly one occurrence of `from` (the test fails when the README no longer has it).
fn substitute_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "expected `{from}` exactly once in the README snippet");
    text.replacen(from, to, 1)
}

fn planted() -> Vec<String> {
    common::fixture::planted("demo-planted.txt")
}

fn planted_refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// What the snippet copies into its demo folder.
fn demo_source() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/demo")
}

/// The venv the README names: `$HOIST_VENV`, default `~/.cache/hoist/venv` (what `scripts/test`
/// creates). Missing tools fail the test with how to get them.
fn venv() -> PathBuf {
    let venv = std::env::var_os("HOIST_VENV")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/hoist/venv")))
        .expect("neither HOIST_VENV nor HOME is set");
    for tool in ["moto_server", "aws"] {
        assert!(
            venv.join("bin").join(tool).is_file(),
            "{} has no bin/{tool}; run scripts/test (it creates the venv) or set HOIST_VENV",
            venv.display()
        );
    }
    venv
}

fn port_answers(port: u16) -> bool {
    TcpStream::connect_timeout(&SocketAddr::from(([127, 0, 0, 1], port)), Duration::from_millis(200)).is_ok()
}

#[test]
fn readme_emulator_flow_runs_as_pasted() {
    let snippet = readme_snippet();
    // Nothing may talk to anything but the local emulator.
    let endpoint_line = snippet.lines().find(|l| l.starts_with("ENDPOINT=")).expect("the snippet names no ENDPOINT");
    assert!(endpoint_line.contains("http://127.0.0.1:$PORT"), "endpoint not on 127.0.0.1: {endpoint_line}");
    let runs: Vec<&str> = snippet.lines().filter(|l| l.starts_with("hoist ")).collect();
    assert_eq!(runs.len(), 2, "the snippet runs hoist twice (apply, then the no-op second run)");
    for l in snippet.lines().filter(|l| l.starts_with("hoist ") || l.contains("/bin/aws ")) {
        assert!(l.contains("--endpoint-url \"$ENDPOINT\""), "a command without the local endpoint: {l}");
    }
    assert!(snippet.contains("kill \"$MOTO\""), "the snippet must stop moto");

    let tmp = tempfile_dir();
    let demo = tmp.join("demo");
    let port = free_port();
    let script = substitute_once(&snippet, "PORT=5000", &format!("PORT={port}"));
    let script = substitute_once(&script, "DEMO=/tmp/demo", &format!("DEMO={}", demo.display()));

    let hoist = PathBuf::from(env!("CARGO_BIN_EXE_hoist"));
    let path = std::env::join_paths(
        std::iter::once(hoist.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["-euo", "pipefail", "-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", path)
        .env("HOIST_VENV", venv())
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Own process group, so moto dies with the script even when the script fails.
        .process_group(0);
    for k in ["GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"] {
        cmd.env_remove(k);
    }
    Moto::dummy_env(&mut cmd);
    let mut child = cmd.spawn().expect("cannot run bash");
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_t = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(300);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // The snippet's own `kill "$MOTO"` stops moto: the port closes soon after the script ends.
    let gone = Instant::now() + Duration::from_secs(10);
    while status.is_some_and(|s| s.success()) && port_answers(port) && Instant::now() < gone {
        std::thread::sleep(Duration::from_millis(100));
    }
    let moto_stopped = !port_answers(port);
    // Whatever happened, nothing the script started outlives it.
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
    let _ = child.wait();
    let (stdout, stderr) = (out_t.join().unwrap(), err_t.join().unwrap());
    let log = std::fs::read_to_string(tmp.join("demo-moto.log")).unwrap_or_default();
    let status = status.unwrap_or_else(|| panic!("the README flow did not finish in 300 s\n{stdout}\n{stderr}"));
    assert!(status.success(), "the README flow failed ({status})\nstdout:\n{stdout}\nstderr:\n{stderr}");

    // moto's log went to the file, not the terminal.
    assert!(log.contains("Running on http://127.0.0.1"), "moto's log is not in the file:\n{log}");
    assert!(!stderr.contains("Running on http://127.0.0.1"), "moto logged to the terminal");

    // The leak harness over the whole flow: what it printed, every file under the demo copy's
    // `.hoist/` and every file of the copy that differs from testdata/demo (rewritten files,
    // helpers, policies), for every planted value and 6-character piece.
    let before = Leak::watch(&demo_source(), &planted_refs(&planted()));
    let flow = Output { status, stdout: stdout.clone().into_bytes(), stderr: stderr.clone().into_bytes() };
    before.check(&demo, "the README flow (bash)", &flow);
    for v in planted() {
        assert!(!stdout.contains(&v) && !stderr.contains(&v), "the README flow printed a planted value");
    }

    // After the second run the tree is clean and both commits are there.
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(&demo)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(o.status.success(), "git {args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    assert_eq!(git(&["status", "--porcelain", "--untracked-files=all"]), "", "the second run changed the tree");
    assert_eq!(git(&["rev-list", "--count", "HEAD"]).trim(), "2", "expected the demo and the migration commit");
    assert_ne!(git(&["diff", "--stat", "HEAD~1", "HEAD"]).trim(), "", "the first run changed nothing in the demo");

    // IAM policy files were written into the demo copy.
    let policies: Vec<String> = std::fs::read_dir(demo.join(".hoist"))
        .expect("no .hoist folder in the demo copy")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("iam-policy") && n.ends_with(".json"))
        .collect();
    assert!(!policies.is_empty(), "no .hoist/iam-policy*.json in the demo copy");

    // The secrets are in moto: the snippet's own `aws … list-secrets` (run before it stops moto)
    // lists every secret hoist recorded as uploaded.
    let json_start = stdout.rfind("\n[\n").map(|i| i + 1).expect("no list-secrets output in the flow's stdout");
    let listed: Vec<String> = serde_json::from_str(stdout[json_start..].trim()).expect("list-secrets printed no JSON");
    let listed: BTreeSet<String> = listed.into_iter().collect();
    let state: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(demo.join(".hoist/state.yaml")).unwrap()).unwrap();
    let uploaded: BTreeSet<String> = state["secrets"]
        .as_mapping()
        .expect("state.yaml has no secrets")
        .keys()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    assert!(!uploaded.is_empty(), "hoist recorded no uploaded secret");
    assert_eq!(listed, uploaded, "moto's secrets differ from what hoist recorded");

    assert!(moto_stopped, "moto still answered on port {port} 10 s after the snippet ended");
    let _ = std::fs::remove_dir_all(&tmp);
}

/// A fresh temporary folder (no tempfile crate: std only).
fn tempfile_dir() -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let dir = std::env::temp_dir().join(format!("hoist-readme-flow-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
