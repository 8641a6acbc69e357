//! Rewrites that must not break files (#16.10), against moto and real toolchains: files with a
//! UTF-8 BOM and CRLF line endings (Python, JavaScript, compose YAML, `.env`) keep both and still
//! compile and run after `apply`; a percent-encoded DSN password is stored decoded (the password
//! the database accepts) while the URL in the code still carries it encoded.

mod common;

use common::leak::Leak;
use common::moto::Moto;
use hoist::model::{Plan, Strategy};
use std::path::Path;
use std::process::{Command, Output};

const BOM: &str = "\u{feff}";

fn git_init(dir: &Path) {
    for args in
        [&["init", "-q"][..], &["add", "-A"], &["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "x"]]
    {
        let out = Command::new("git").arg("-C").arg(dir).args(args).output().expect("git is required");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The test venv's Python (boto3 and PyYAML installed; see `common::moto`).
fn python() -> std::path::PathBuf {
    let moto = common::moto::find_tool("moto_server");
    let py = moto.with_file_name("python3");
    assert!(py.exists(), "no python3 beside {} (the test venv)", moto.display());
    py
}

/// Runs a checker (`python3 -m py_compile f`, `node --check f`) and fails with its output.
fn tool_ok(dir: &Path, program: &str, args: &[&str]) {
    let exe = if program == "python3" { python() } else { program.into() };
    let out = Command::new(exe)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("`{program}` is required for this test: {e}"));
    assert!(out.status.success(), "{program} {args:?} failed after apply:\n{}", text(&out));
}

/// Loads the plan, lets `edit` change it, writes it back.
fn edit_plan(dir: &Path, edit: impl Fn(&mut Plan)) {
    let path = dir.join(".hoist/plan.yaml");
    let mut plan: Plan = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut plan);
    std::fs::write(&path, serde_yaml::to_string(&plan).unwrap()).unwrap();
}

/// The one way every line of `text` ends: "crlf", "lf", or "mixed".
fn endings(text: &str) -> &'static str {
    let crlf = text.matches("\r\n").count();
    let lf = text.matches('\n').count() - crlf;
    let lone_cr = text.matches('\r').count() - crlf;
    match (crlf, lf, lone_cr) {
        (_, 0, 0) if crlf > 0 => "crlf",
        (0, _, 0) => "lf",
        _ => "mixed",
    }
}

#[test]
fn bom_and_crlf_files_keep_their_encoding_and_compile_after_apply() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let values = [
        "Zq8-Pl4nted-BomPw-42x",
        "Zq8-Pl4nted-CrlfTok-43y",
        "Zq8-Pl4nted-JsBomTk-44z",
        "Zq8-Pl4nted-YamlPw-45q",
        "Zq8-Pl4nted-EnvTok-46r",
    ];
    let files = [
        // A BOM before a docstring and a `from __future__` import: the import hoist adds must go
        // after both, and after the BOM.
        (
            "bom.py",
            format!(
                "{BOM}\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nDB_PASSWORD = \"{}\"\nprint(len(DB_PASSWORD))\n",
                values[0]
            ),
        ),
        (
            "crlf.py",
            format!("import sys\r\nAPI_TOKEN = \"{}\"\r\nprint(len(API_TOKEN), file=sys.stdout)\r\n", values[1]),
        ),
        ("web/bom.js", format!("{BOM}const token = \"{}\";\r\nconsole.log(token.length);\r\n", values[2])),
        (
            "docker-compose.yml",
            format!(
                "{BOM}services:\r\n  web:\r\n    image: nginx\r\n    environment:\r\n      DB_PASSWORD: \"{}\"\r\n      DEBUG: \"1\"\r\n",
                values[3]
            ),
        ),
        (".env", format!("{BOM}API_KEY={}\r\nDEBUG=1\r\n", values[4])),
    ];
    for (rel, content) in &files {
        std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
        std::fs::write(dir.join(rel), content).unwrap();
    }
    git_init(dir);
    let run_py = |file: &str, env: &[(&str, &str)]| {
        let out = Command::new(python()).arg(file).current_dir(dir).envs(env.iter().copied()).output().unwrap();
        assert!(out.status.success(), "python3 {file}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let before = (run_py("bom.py", &[]), run_py("crlf.py", &[]));

    let leak = Leak::watch(dir, &values);
    let out = moto.hoist().current_dir(dir).args(["plan", ".", "--app", "app"]).output().unwrap();
    leak.check(dir, "plan", &out);
    assert!(out.status.success(), "{}", text(&out));
    // JavaScript outside an async function can't await the SDK: read the environment there.
    edit_plan(dir, |plan| {
        for s in &mut plan.secrets {
            for k in &mut s.keys {
                for site in &mut k.sites {
                    if site.path.extension().is_some_and(|e| e == "js") {
                        site.strategy = Strategy::Env;
                    }
                }
            }
        }
    });
    let out = moto.hoist().current_dir(dir).args(["apply", ".", "--yes"]).output().unwrap();
    let msg = leak.check(dir, "apply", &out);
    assert!(out.status.success(), "{msg}");
    assert!(msg.contains("every rewritten file parses"), "{msg}");

    for (rel, old) in &files {
        let new = std::fs::read_to_string(dir.join(rel)).unwrap();
        assert_ne!(&new, old, "{rel} was not rewritten:\n{msg}");
        assert_eq!(
            new.starts_with(BOM),
            old.starts_with(BOM),
            "{rel} lost its BOM, got text before it, or gained one: {:?}",
            &new[..new.len().min(40)]
        );
        assert_eq!(new.matches(BOM).count(), usize::from(old.starts_with(BOM)), "{rel}: {new:?}");
        assert_eq!(endings(&new), endings(old), "{rel} changed its line endings: {new:?}");
    }
    tool_ok(dir, "python3", &["-m", "py_compile", "bom.py", "crlf.py", "hoist_secrets.py"]);
    tool_ok(dir, "node", &["--check", "web/bom.js"]);
    let yaml = "import sys, yaml; d = yaml.safe_load(open(sys.argv[1], encoding='utf-8-sig')); \
                assert 'DB_PASSWORD' in d['services']['web']['environment'], d";
    tool_ok(dir, "python3", &["-c", yaml, "docker-compose.yml"]);
    let env = std::fs::read_to_string(dir.join(".env")).unwrap();
    assert!(env.contains("\r\nDEBUG=1\r\n"), "{env:?}");
    // The programs still do what they did, with the values from the environment.
    let after = (run_py("bom.py", &[("DB_PASSWORD", values[0])]), run_py("crlf.py", &[("API_TOKEN", values[1])]));
    assert_eq!(after, before);
}

#[test]
fn a_percent_encoded_dsn_password_is_stored_decoded_and_the_url_keeps_its_encoding() {
    let moto = Moto::start();
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let (encoded, decoded) = ("p%40ss%3Aw0rd%2FXy9Q", "p@ss:w0rd/Xy9Q");
    let url = format!("postgres://appuser:{encoded}@orders-db.prod.internal:5432/app");
    std::fs::write(dir.join("settings.py"), format!("DATABASE_URL = \"{url}\"\nprint(DATABASE_URL)\n")).unwrap();
    git_init(dir);
    let leak = Leak::watch(dir, &[encoded, decoded]);
    let out = moto.hoist().current_dir(dir).args(["plan", ".", "--app", "app"]).output().unwrap();
    leak.check(dir, "plan", &out);
    let plan = std::fs::read_to_string(dir.join(".hoist/plan.yaml")).unwrap();
    assert!(plan.contains("encoding: raw+percent"), "the password site should read back percent-decoded:\n{plan}");
    let out = moto.hoist().current_dir(dir).args(["apply", ".", "--yes"]).output().unwrap();
    let msg = leak.check(dir, "apply", &out);
    assert!(out.status.success(), "{msg}");

    // The rotation-shaped secret holds the password the database accepts.
    let name = moto.secret_names().into_iter().find(|n| n.contains("postgres")).expect("no postgres secret");
    let secret: serde_json::Value = serde_json::from_str(&moto.secret_string(&name)).unwrap();
    assert_eq!(secret["password"], decoded, "stored encoded");
    assert_eq!(secret["username"], "appuser");
    // The program builds the same URL as before, the password encoded again — through `hoist run`
    // (the variable from Secrets Manager) and through the generated SDK reader (no variable).
    let out = moto.hoist().current_dir(dir).args(["run", "--"]).arg(python()).arg("settings.py").output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), url, "{}", text(&out));
    let mut py = Command::new(python());
    moto.hoist_env(&mut py);
    let out = py.arg("settings.py").current_dir(dir).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), url);
}
