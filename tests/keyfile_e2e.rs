//! Key and certificate files end to end against moto (#13 item 6): a real RSA key (PEM), an
//! OpenSSH key and a password-protected PKCS#12 keystore (binary) are planned as `file` sites,
//! `apply` uploads each whole (SecretString / SecretBinary — read back with the `aws` CLI, byte
//! for byte), deletes it from the tree and the index and lists it in `.gitignore`; `hoist run
//! --file` writes identical bytes with mode 0600 that `openssl` reads, and removes them after the
//! command — also when it fails or hoist is sent SIGTERM. A crash at any step of the apply and a
//! re-run end like one clean run; a second run is a no-op. Every hoist run goes through the leak
//! harness (the PEM texts and the keystore's base64 are planted), and the keystore's raw bytes
//! are looked for in every output too.

mod common;

use common::git::git;

use base64::Engine;
use common::cli::{Hoist, text};
use common::leak::snapshot;
use common::moto::Moto;
use std::path::Path;
use std::process::{Command, Output};

fn tool(dir: &Path, prog: &str, args: &[&str]) {
    let out = Command::new(prog)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{prog} is required for this test (scripts/test installs it): {e}"));
    assert!(out.status.success(), "{prog} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A committed repository with a fresh RSA key + certificate, an OpenSSH key and a PKCS#12
/// keystore holding the pair, beside a program that isn't a secret.
struct Repo {
    dir: tempfile::TempDir,
    pem: Vec<u8>,
    ssh: Vec<u8>,
    p12: Vec<u8>,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("certs")).unwrap();
        std::fs::create_dir_all(d.join("deploy")).unwrap();
        tool(
            d,
            "openssl",
            &["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "certs/server.key"],
        );
        tool(
            d,
            "openssl",
            &[
                "req",
                "-new",
                "-x509",
                "-key",
                "certs/server.key",
                "-out",
                "certs/server.crt",
                "-days",
                "2",
                "-subj",
                "/CN=hoist-test",
            ],
        );
        tool(
            d,
            "openssl",
            &[
                "pkcs12",
                "-export",
                "-inkey",
                "certs/server.key",
                "-in",
                "certs/server.crt",
                "-out",
                "certs/client.p12",
                "-passout",
                "pass:changeit",
            ],
        );
        // A DER certificate is public: it must stay.
        tool(d, "openssl", &["x509", "-in", "certs/server.crt", "-outform", "DER", "-out", "certs/ca.der"]);
        tool(d, "ssh-keygen", &["-q", "-t", "ed25519", "-N", "", "-C", "hoist-test", "-f", "deploy/id_ed25519"]);
        std::fs::write(d.join("serve.sh"), "#!/bin/sh\nopenssl pkey -in certs/server.key -noout\n").unwrap();
        git(d, &["init", "-q"]);
        git(d, &["add", "-A"]);
        git(d, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "keys"]);
        let read = |p: &str| std::fs::read(d.join(p)).unwrap();
        let (pem, ssh, p12) = (read("certs/server.key"), read("deploy/id_ed25519"), read("certs/client.p12"));
        assert!(std::str::from_utf8(&p12).is_err(), "the keystore must be binary for this test");
        Repo { dir, pem, ssh, p12 }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// What the leak harness looks for: both key texts and the keystore's base64.
    fn planted(&self) -> Vec<String> {
        vec![
            String::from_utf8(self.pem.clone()).unwrap(),
            String::from_utf8(self.ssh.clone()).unwrap(),
            base64::engine::general_purpose::STANDARD.encode(&self.p12),
        ]
    }

    /// hoist against moto in the repository, leak-checked; also no run of 12 raw keystore bytes
    /// (that aren't plain ASCII) in its output or in any file under `.hoist/`.
    fn hoist(&self, moto: &Moto, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut h = Hoist::moto(moto, &self.planted());
        h.current_dir(self.path()).args(args);
        for (k, v) in env {
            h.env(k, v);
        }
        let out = h.output().unwrap();
        let mut channels = vec![("stdout".to_string(), out.stdout.clone()), ("stderr".to_string(), out.stderr.clone())];
        for (p, bytes) in snapshot(self.path()) {
            if p.starts_with(".hoist") || p == Path::new(".gitignore") {
                channels.push((p.display().to_string(), bytes));
            }
        }
        for w in self.p12.windows(12).filter(|w| !w.iter().all(|b| b.is_ascii_graphic() || *b == b' ')) {
            for (name, bytes) in &channels {
                assert!(!bytes.windows(12).any(|x| x == w), "`hoist {args:?}` wrote keystore bytes into {name}");
            }
        }
        out
    }

    /// `hoist plan`, and the plan committed.
    fn planned(&self, moto: &Moto) {
        self.ok(moto, &["plan", ".", "--app", "shop"]);
        git(self.path(), &["add", "-A"]);
        git(self.path(), &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "plan"]);
    }

    fn ok(&self, moto: &Moto, args: &[&str]) -> String {
        let out = self.hoist(moto, args, &[]);
        assert!(out.status.success(), "hoist {args:?} failed ({:?}):\n{}", out.status.code(), text(&out));
        text(&out)
    }
}

fn arn(dir: &Path, name: &str) -> String {
    let state: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.join(".hoist/state.yaml")).unwrap()).unwrap();
    state["secrets"][name]["arn"].as_str().unwrap_or_else(|| panic!("no ARN for {name} in the state")).to_string()
}

/// The secret's bytes, read by the `aws` CLI: SecretString as is, SecretBinary base64-decoded.
fn stored(moto: &Moto, arn: &str) -> (Vec<u8>, &'static str) {
    let v = moto.sm_json(&["get-secret-value", "--secret-id", arn]);
    match (v["SecretString"].as_str(), v["SecretBinary"].as_str()) {
        (Some(s), None) => (s.as_bytes().to_vec(), "string"),
        (None, Some(b)) => (base64::engine::general_purpose::STANDARD.decode(b).unwrap(), "binary"),
        other => panic!("unexpected secret shape {other:?}"),
    }
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

const FILES: [&str; 3] = ["certs/server.key", "deploy/id_ed25519", "certs/client.p12"];

#[test]
fn key_files_move_whole_and_hoist_run_file_writes_the_identical_bytes_back() {
    let moto = Moto::start();
    let repo = Repo::new();
    let d = repo.path();

    let out = repo.ok(&moto, &["plan", ".", "--app", "shop"]);
    for name in ["shop/server-key", "shop/id-ed25519", "shop/client-p12"] {
        assert!(out.lines().any(|l| l.starts_with(name) && l.ends_with("file 1")), "{name} is a file site:\n{out}");
    }
    let plan = std::fs::read_to_string(d.join(".hoist/plan.yaml")).unwrap();
    assert!(plan.contains("shape: binary") && plan.contains("shape: string"), "{plan}");
    assert!(plan.contains("ExternalSecret") && plan.contains("subPath"), "the plan says how to mount it:\n{plan}");
    git(d, &["add", "-A"]);
    git(d, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "plan"]);

    let diff = repo.ok(&moto, &["diff", "."]);
    for f in FILES {
        assert!(diff.contains(&format!("--- a/{f}\n+++ /dev/null\n")), "the diff shows {f} deleted:\n{diff}");
        assert!(diff.contains(&format!("+/{f}\n")), "and its .gitignore line:\n{diff}");
    }

    let out = repo.ok(&moto, &["apply", ".", "--yes"]);
    assert!(out.contains("moved 3 key file(s) to Secrets Manager"), "{out}");
    assert!(
        out.contains("`hoist run --file ") && out.contains("--file certs/server.key"),
        "Still to do says how to run:\n{out}"
    );
    for f in FILES {
        assert!(!d.join(f).exists(), "{f} is still on disk");
        assert_eq!(git(d, &["ls-files", "--", f]), "", "{f} is still in the index");
        git(d, &["check-ignore", "-q", f]);
    }
    let ignore = std::fs::read_to_string(d.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/certs/server.key"), "{ignore}");
    for public in ["certs/server.crt", "certs/ca.der"] {
        assert!(d.join(public).exists(), "{public}: a certificate is not a secret and stays");
    }

    // Secrets Manager holds the exact bytes, read by an independent client.
    assert_eq!(stored(&moto, &arn(d, "shop/server-key")), (repo.pem.clone(), "string"));
    assert_eq!(stored(&moto, &arn(d, "shop/id-ed25519")), (repo.ssh.clone(), "string"));
    assert_eq!(stored(&moto, &arn(d, "shop/client-p12")), (repo.p12.clone(), "binary"));

    // The program that reads the key runs under `hoist run --file`, with identical bytes, 0600.
    let outside = tempfile::tempdir().unwrap();
    let report = outside.path().join("seen");
    let script = format!(
        "set -e; ./serve.sh; openssl pkcs12 -in certs/client.p12 -passin pass:changeit -nokeys -out /dev/null; \
         for f in {}; do printf '%s %s\\n' \"$(stat -c %a \"$f\")\" \"$(sha256sum < \"$f\" | cut -c1-64)\"; done > {}",
        FILES.join(" "),
        report.display()
    );
    std::fs::set_permissions(d.join("serve.sh"), std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let mut args = vec!["run", "."];
    for f in FILES {
        args.extend(["--file", f]);
    }
    args.extend(["--", "sh", "-c", &script]);
    let out = repo.hoist(&moto, &args, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let seen = std::fs::read_to_string(&report).unwrap();
    let want: Vec<String> = [&repo.pem, &repo.ssh, &repo.p12].iter().map(|b| format!("600 {}", sha256(b))).collect();
    assert_eq!(seen.lines().collect::<Vec<_>>(), want, "identical bytes, mode 0600");
    for f in FILES {
        assert!(!d.join(f).exists(), "{f} left behind after the command");
    }

    // A failing command: its exit code, and the files are gone too.
    let out = repo.hoist(
        &moto,
        &["run", ".", "--file", "certs/server.key", "--", "sh", "-c", "test -s certs/server.key && exit 7"],
        &[],
    );
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    assert!(!d.join("certs/server.key").exists());

    // DEST=SECRET writes any secret to any path; an unknown PATH names the plan's key files.
    let show = "printf '%s %s' \"$(stat -c %a tmp/k.pem)\" \"$(sha256sum < tmp/k.pem | cut -c1-64)\"";
    let out = repo.hoist(&moto, &["run", ".", "--file", "tmp/k.pem=shop/server-key", "--", "sh", "-c", show], &[]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("600 {}", sha256(&repo.pem)), "{}", text(&out));
    assert!(!d.join("tmp").exists(), "the folder made for it goes too");
    let out = repo.hoist(&moto, &["run", ".", "--file", "certs/nope.key", "--", "true"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("certs/server.key"), "{}", text(&out));

    // Second apply: nothing to do, nothing changes.
    let before = snapshot(d);
    let out = repo.ok(&moto, &["apply", ".", "--yes"]);
    assert!(out.contains("nothing to do"), "{out}");
    assert_eq!(snapshot(d), before);
    assert_eq!(moto.secret_names().len(), 3);
}

#[test]
fn hoist_run_removes_the_key_file_when_it_is_told_to_stop() {
    let moto = Moto::start();
    let repo = Repo::new();
    let d = repo.path();
    repo.planned(&moto);
    repo.ok(&moto, &["apply", ".", "--yes"]);

    let ready = d.join(".git/ready");
    let mut h = Hoist::moto(&moto, &repo.planted());
    let mut cmd = Command::new(common::moto::hoist_bin());
    Moto::dummy_env(&mut cmd);
    cmd.current_dir(d).env("AWS_ENDPOINT_URL", &moto.endpoint).args([
        "run",
        ".",
        "--file",
        "certs/client.p12",
        "--",
        "sh",
        "-c",
        &format!("touch {}; sleep 30", ready.display()),
    ]);
    let mut child = cmd.spawn().unwrap();
    let start = std::time::Instant::now();
    while !ready.exists() {
        assert!(start.elapsed().as_secs() < 30, "the command never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(d.join("certs/client.p12").exists(), "written while the command runs");
    // SIGTERM to hoist alone (as `timeout`, systemd or `docker stop` send it).
    let ok = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success();
    assert!(ok);
    let status = child.wait().unwrap();
    assert!(start.elapsed().as_secs() < 25, "the signal reached the command");
    assert_eq!(status.code(), Some(128 + 15), "the command ended by the forwarded SIGTERM");
    assert!(!d.join("certs/client.p12").exists(), "the key file is removed after a signal");
    // And the repository is as apply left it (checked for leaks like any run).
    let out = h.current_dir(d).args(["run", ".", "--", "true"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn an_apply_killed_at_any_step_and_rerun_ends_like_one_clean_run() {
    let moto = Moto::start();
    let repo = Repo::new();
    let d = repo.path();
    repo.planned(&moto);
    let head = git(d, &["rev-parse", "HEAD"]);
    let project = |d: &Path| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        snapshot(d).into_iter().filter(|(p, _)| !p.starts_with(".hoist")).collect()
    };
    let index = |d: &Path| git(d, &["ls-files", "-s"]);

    repo.ok(&moto, &["apply", ".", "--yes"]);
    let (clean_files, clean_index) = (project(d), index(d));

    // Writes: .gitignore (1), then per key file `git rm --cached` and the delete (2..=7).
    for n in 1..=7 {
        git(d, &["reset", "-q", "--hard", head.trim()]);
        git(d, &["clean", "-qfdx", "-e", ".hoist/state.yaml"]);
        let _ = std::fs::remove_file(d.join(".hoist/applied.yaml"));
        let crashed = repo.hoist(&moto, &["apply", ".", "--yes"], &[("HOIST_TEST_ABORT_AFTER_WRITES", &n.to_string())]);
        assert!(!crashed.status.success(), "step {n}: the abort hook did not fire");
        let out = repo.ok(&moto, &["apply", ".", "--yes"]);
        assert!(!out.contains("stale"), "step {n}: {out}");
        assert_eq!(project(d), clean_files, "step {n}: the tree differs from a clean run's");
        assert_eq!(index(d), clean_index, "step {n}: the index differs from a clean run's");
        let again = repo.ok(&moto, &["apply", ".", "--yes"]);
        assert!(again.contains("nothing to do"), "step {n}: {again}");
        assert_eq!(moto.secret_names().len(), 3, "step {n}: one secret per key file");
    }
}

#[test]
fn a_key_file_never_committed_is_not_deleted_and_nothing_is_uploaded() {
    let moto = Moto::start();
    let repo = Repo::new();
    let d = repo.path();
    std::fs::write(d.join("deploy/extra.pem"), &repo.pem).unwrap();
    // Same bytes as certs/server.key: one secret, two sites; the new copy is untracked.
    repo.ok(&moto, &["plan", ".", "--app", "shop"]);
    git(d, &["add", ".hoist"]);
    git(d, &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "plan"]);
    let out = repo.hoist(&moto, &["apply", ".", "--yes"], &[]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(msg.contains("deploy/extra.pem (never committed"), "{msg}");
    assert!(moto.secret_names().is_empty(), "nothing uploaded before the refusal");
    for f in FILES.iter().chain(&["deploy/extra.pem"]) {
        assert!(d.join(f).exists(), "{f} must stay");
    }
}
