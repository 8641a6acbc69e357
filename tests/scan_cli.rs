//! `hoist scan` over the real binary: a tree with binary, invalid-UTF-8, oversized and unreadable
//! files completes and says what it skipped; exit codes follow the contract; JSON has the promised
//! shape; SARIF validates against the official 2.1.0 schema; and no output format ever carries a
//! planted value (every rule example, the demo repository). Every run goes through the leak
//! harness (`common::cli`): stdout, stderr and any file a scan would write, pieces included.

mod common;

use common::cli::{Hoist, checked};
use common::fixture::{plant_shapes, planted};
use common::leak::Leak;
use common::moto::Moto;
use hoist::model::Detection;
use hoist::rules::RuleSet;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_hoist");

/// A deterministic pseudo-random token in `alphabet` (so the source holds no credential-looking text).
fn token(seed: u64, len: usize, alphabet: &str) -> String {
    let chars: Vec<char> = alphabet.chars().collect();
    let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            chars[((x >> 33) % chars.len() as u64) as usize]
        })
        .collect()
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `hoist ARGS` under the leak harness for the planted `values`.
fn hoist(values: &[String], args: &[&str]) -> Run {
    run(Hoist::new(values).args(args).output().unwrap())
}

/// The binary run as the unprivileged `nobody` (65534): root reads every file whatever its mode, so
/// an unreadable file is only unreadable to another user. Under the leak harness for `root`.
fn hoist_as_nobody(root: &Path, values: &[String], args: &[&str]) -> Run {
    let setpriv = which("setpriv").expect("setpriv (util-linux) is required to test unreadable files");
    let mut c = Command::new(setpriv);
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
        .args(args)
        .env("NO_COLOR", "1")
        .env("HOME", "/nonexistent");
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    run(checked(root, &values, &format!("(as nobody) {}", args.join(" ")), &mut c))
}

fn which(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(out: Output) -> Run {
    let Output { status, stdout, stderr } = out;
    Run {
        code: status.code().expect("exit code"),
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

fn assert_no_values(runs: &[&Run], values: &[String]) {
    for r in runs {
        for v in values {
            assert!(!r.stdout.contains(v.as_str()), "stdout leaks a planted value ({} chars)", v.len());
            assert!(!r.stderr.contains(v.as_str()), "stderr leaks a planted value ({} chars)", v.len());
        }
    }
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, bytes).unwrap();
}

/// A temp dir that `nobody` can enter and read.
fn open_tempdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn a_tree_of_bad_files_completes_and_reports_each_skip_class() {
    let dir = open_tempdir();
    let root = dir.path();
    let ghp = format!("ghp_{}", token(1, 36, ALNUM));
    let stripe = format!("sk_live_{}", token(2, 32, ALNUM));
    let in_binary = format!("glpat-{}", token(3, 20, ALNUM));
    let in_big = format!("npm_{}", token(4, 36, ALNUM));
    let in_locked = format!("dop_v1_{}", token(5, 64, "0123456789abcdef"));
    let values = vec![ghp.clone(), stripe.clone(), in_binary.clone(), in_big.clone(), in_locked.clone()];

    write(root, "src/app.py", format!("TOKEN = \"{ghp}\"\n").as_bytes());
    let mut latin1 = b"# caf\xe9 \xff\xfe config\n".to_vec();
    latin1.extend_from_slice(format!("STRIPE_KEY={stripe}\n").as_bytes());
    write(root, "conf/legacy.properties", &latin1);
    let mut blob = vec![0u8, 1, 2, 3, 0, 255];
    blob.extend_from_slice(in_binary.as_bytes());
    write(root, "assets/blob.dat", &blob);
    let mut big = "x = 1\n".repeat(50 * 1024 * 1024 / 6);
    big.push_str(&format!("NPM_TOKEN={in_big}\n"));
    write(root, "logs/big.log", big.as_bytes());
    assert!(fs::metadata(root.join("logs/big.log")).unwrap().len() >= 50_000_000);
    write(root, "secret/locked.env", format!("DO_TOKEN={in_locked}\n").as_bytes());
    for d in ["src", "conf", "assets", "logs", "secret"] {
        fs::set_permissions(root.join(d), fs::Permissions::from_mode(0o755)).unwrap();
    }
    fs::set_permissions(root.join("secret/locked.env"), fs::Permissions::from_mode(0o000)).unwrap();

    // The precondition is real: nobody cannot read the locked file.
    let probe = Command::new(which("setpriv").expect("setpriv"))
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "cat"])
        .arg(root.join("secret/locked.env"))
        .output()
        .unwrap();
    assert!(!probe.status.success(), "the locked file must be unreadable to uid 65534");

    let root_s = root.to_str().unwrap();
    let human = hoist_as_nobody(root, &values, &["scan", root_s]);
    assert_eq!(human.code, 1, "findings exit 1\n{}{}", human.stdout, human.stderr);
    assert!(human.stdout.contains("src/app.py:1:10") && human.stdout.contains("github.personal-access-token"));
    assert!(human.stdout.contains("conf/legacy.properties:2:12") && human.stdout.contains("stripe.secret-key-live"));
    assert!(human.stdout.contains("1 binary"), "{}", human.stdout);
    assert!(human.stdout.contains("1 over the size limit"), "{}", human.stdout);
    assert!(human.stdout.contains("1 file(s) not valid UTF-8"), "{}", human.stdout);
    assert!(human.stdout.contains("1 path(s) could not be read"), "{}", human.stdout);
    assert!(human.stdout.contains("secret/locked.env") && human.stdout.contains("Permission denied"));
    assert!(!human.stdout.contains("blob.dat:") && !human.stdout.contains("big.log:"));

    let json = hoist_as_nobody(root, &values, &["scan", "--format", "json", root_s]);
    assert_eq!(json.code, 1);
    let arr: Vec<Value> = serde_json::from_str(&json.stdout).expect("one JSON array on stdout");
    assert_eq!(arr.len(), 2, "{}", json.stdout);
    assert!(json.stderr.contains("1 binary") && json.stderr.contains("could not be read"), "summary on stderr");

    let sarif = hoist_as_nobody(root, &values, &["scan", "--format", "sarif", root_s]);
    assert_eq!(sarif.code, 1);
    assert_no_values(&[&human, &json, &sarif], &[ghp, stripe, in_binary, in_big, in_locked]);
}

#[test]
fn exit_codes_follow_the_contract() {
    let dir = open_tempdir();
    let root = dir.path();
    write(root, "README.md", b"# nothing to see\nAKIAIOSFODNN7EXAMPLE is the documentation key\n");
    fs::set_permissions(root.join("README.md"), fs::Permissions::from_mode(0o644)).unwrap();
    let root_s = root.to_str().unwrap();
    let sendgrid = format!("SG.{}.{}", token(7, 22, ALNUM), token(8, 43, ALNUM));
    let values = vec![sendgrid.clone()];

    let clean = hoist(&values, &["scan", root_s]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    assert!(clean.stdout.contains("0 finding(s)"));

    let missing = hoist(&values, &["scan", &format!("{root_s}/does-not-exist")]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("does-not-exist"), "{}", missing.stderr);

    // Nothing found but a file could not be read: the scan is incomplete, which is not "clean".
    write(root, "locked.txt", b"nothing\n");
    fs::set_permissions(root.join("locked.txt"), fs::Permissions::from_mode(0o000)).unwrap();
    let incomplete = hoist_as_nobody(root, &values, &["scan", root_s]);
    assert_eq!(incomplete.code, 2, "{}{}", incomplete.stdout, incomplete.stderr);
    assert!(incomplete.stdout.contains("locked.txt"));

    write(root, "app.env", format!("SENDGRID_API_KEY={sendgrid}\n").as_bytes());
    let found = hoist(&values, &["scan", root_s]);
    assert_eq!(found.code, 1);
    let one_file = hoist(&values, &["scan", &format!("{root_s}/app.env")]);
    assert_eq!(one_file.code, 1, "a single file path scans too");
}

#[test]
fn json_is_one_array_with_the_promised_fields() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let key = format!("AKIA{}", token(11, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
    write(root, "svc/deep/config.yaml", format!("aws:\n  region: us-east-1\n  access_key_id: {key}\n").as_bytes());
    let values = vec![key.clone()];
    let out = hoist(&values, &["scan", "-f", "json", root.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    let arr: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    let f = arr.iter().find(|f| f["rule"] == "aws.access-key-id").expect("the key id is found");
    assert_eq!(f["path"], "svc/deep/config.yaml");
    assert_eq!(f["line"], 3);
    assert_eq!(f["column"], 18);
    assert_eq!(f["kind"], "secret");
    assert!(f.get("name").is_some(), "name is always present (null when unknown)");
    let fp = f["fingerprint"].as_str().unwrap();
    assert!(fp.len() >= 16 && fp.bytes().all(|b| b.is_ascii_hexdigit()), "{fp}");
    assert!(f["preview"].as_str().unwrap().contains("20 chars"));
    assert!(!out.stdout.contains(&key) && !out.stderr.contains(&key));
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap()).unwrap();
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
    log
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    // The schema really constrains: a log without `version` is rejected.
    assert!(!validator.is_valid(&serde_json::json!({"runs": []})));

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let slack =
        format!("xoxb-{}-{}-{}", token(21, 12, "0123456789"), token(22, 13, "0123456789"), token(23, 24, ALNUM));
    let stripe = format!("sk_live_{}", token(24, 30, ALNUM));
    let values = vec![slack.clone(), stripe.clone()];
    write(root, "a b/settings.py", format!("SLACK = \"{slack}\"\n").as_bytes());
    write(root, "tests/fixture.env", format!("STRIPE={stripe}\n").as_bytes());
    let out = hoist(&values, &["scan", "--format", "sarif", root.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    let log = assert_valid_sarif(&validator, &out.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let uris: Vec<&str> = results
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap())
        .collect();
    assert!(uris.contains(&"tests/fixture.env"), "{uris:?}");

    let empty = tempfile::tempdir().unwrap();
    let clean = hoist(&values, &["scan", "--format", "sarif", empty.path().to_str().unwrap()]);
    assert_eq!(clean.code, 0);
    assert_valid_sarif(&validator, &clean.stdout);
}

/// Every example of every built-in rule, one file each, scanned in all three formats: each file is
/// reported (by its own rule, or a more specific one over the same value), and no output holds any
/// planted value.
#[test]
fn every_rule_example_is_found_and_never_printed() {
    let set = RuleSet::builtin().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut values = Vec::new();
    let mut files = Vec::new();
    for r in set.compiled() {
        for (i, ex) in r.rule.examples.iter().enumerate() {
            // Named by position, not by rule id: a path like `anthropic-admin-key-0.txt` shares
            // 6-character pieces with the example it holds (`sk-ant-admin01-…`).
            let rel = format!("examples/r{}-{i}.txt", files.len());
            write(root, &rel, ex.as_bytes());
            let mut found: Vec<Detection> = Vec::new();
            r.find_into(ex.as_bytes(), &mut found);
            values.extend(found.iter().map(|d| d.value.expose().to_string()));
            files.push((rel, r.rule.id.clone()));
        }
    }
    assert!(values.iter().all(|v| v.len() >= 8), "planted values are long enough to grep for");
    let root_s = root.to_str().unwrap();
    // Hundreds of unrelated examples at once: their 6-character pieces meet other examples'
    // public prefixes and hosts by chance, so this one checks whole values (every other test
    // here checks pieces too); stdout, stderr and every file still go through the harness.
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let whole = |args: &[&str]| {
        let leak = Leak::watch(root, &refs).whole_values_only();
        let mut cmd = Command::new(BIN);
        Moto::dummy_env(&mut cmd);
        let out = cmd.args(args).env("NO_COLOR", "1").output().unwrap();
        leak.check(root, &args.join(" "), &out);
        run(out)
    };
    let human = whole(&["scan", "--rules-only", root_s]);
    let json = whole(&["scan", "--rules-only", "-f", "json", root_s]);
    let sarif = whole(&["scan", "--rules-only", "-f", "sarif", root_s]);
    for r in [&human, &json, &sarif] {
        assert_eq!(r.code, 1, "{}", r.stderr);
    }
    assert_no_values(&[&human, &json, &sarif], &values);
    assert_valid_sarif(&sarif_validator(), &sarif.stdout);

    let arr: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    let mut missing = Vec::new();
    let mut stolen = Vec::new();
    for (rel, id) in &files {
        let here: Vec<&str> =
            arr.iter().filter(|f| f["path"] == rel.as_str()).map(|f| f["rule"].as_str().unwrap()).collect();
        if here.is_empty() {
            missing.push(rel.clone());
        } else if !here.contains(&id.as_str()) && here.iter().all(|h| h.starts_with("generic.")) {
            stolen.push(format!("{rel}: {here:?}"));
        }
    }
    assert!(missing.is_empty(), "examples not reported by the scanner: {missing:#?}");
    assert!(stolen.is_empty(), "a generic rule hid a provider rule: {stolen:#?}");
}

#[test]
fn the_demo_repository_is_found_and_never_printed() {
    let values = planted("demo-planted.txt");
    assert!(values.len() >= 5);
    let human = hoist(&values, &["scan", "testdata/demo"]);
    let json = hoist(&values, &["scan", "-f", "json", "testdata/demo"]);
    let sarif = hoist(&values, &["scan", "-f", "sarif", "testdata/demo"]);
    for r in [&human, &json, &sarif] {
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    }
    assert_no_values(&[&human, &json, &sarif], &values);
    assert_valid_sarif(&sarif_validator(), &sarif.stdout);
    // The provider-format credentials are the rules' job; the rest belong to the language detectors.
    let arr: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    for (path, line, rule) in [
        ("app/settings.py", 18, "stripe.secret-key-live"),
        ("app/settings.py", 22, "aws.access-key-id"),
        ("app/settings.py", 23, "aws.secret-access-key"),
        ("docker-compose.yml", 15, "github.personal-access-token"),
        ("infra/main.tf", 39, "sendgrid.api-key"),
        ("worker/index.js", 7, "slack.webhook-url"),
    ] {
        assert!(
            arr.iter().any(|f| f["path"] == path && f["line"] == line && f["rule"] == rule),
            "{rule} at {path}:{line} not reported"
        );
    }
}

/// Every planted shape (short, escaped, unicode, base64, DSN parts, PEM, a provider key) in one tree,
/// in every format: found, and never printed — not a 6-character piece of any.
#[test]
fn every_planted_shape_is_found_and_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let values = plant_shapes(dir.path());
    let root_s = dir.path().to_str().unwrap();
    let json = hoist(&values, &["scan", "-f", "json", "--include-config", root_s]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let arr: Vec<Value> = serde_json::from_str(&json.stdout).unwrap();
    for f in [".env", "database.env", "settings.py", "key.pem"] {
        assert!(arr.iter().any(|x| x["path"] == f), "nothing found in {f}: {}", json.stdout);
    }
    for format in ["human", "sarif", "markdown"] {
        let r = hoist(&values, &["scan", "-f", format, root_s]);
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
    }
}
