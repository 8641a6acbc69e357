//! The apps of `testdata/apps/` as test repositories: copying an app (with its `_deploy`
//! overlay) into a committed git repository, building and starting it with its toolchain's real
//! compiler, reading the digest it prints, editing the plan's code strategy and the variables an
//! env-style deployment injects. Shared by `tests/apps_deployed.rs` (run as the ECS task
//! definition deploys it) and `tests/apps_compose.rs` (as its compose service does).

use super::cli::Hoist;
use super::deployed::copy_dir;
use super::moto::Moto;
use hoist::model::{Plan, Strategy};
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn planted() -> Vec<String> {
    std::fs::read_to_string(manifest_dir().join("testdata/apps/PLANTED.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

pub use super::git::git;

/// A git repository holding `testdata/apps/<name>` and, for the older apps, the deployment files
/// of `testdata/apps/_deploy/<name>`, all committed.
pub fn repo(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&manifest_dir().join("testdata/apps").join(name), dir.path());
    let overlay = manifest_dir().join("testdata/apps/_deploy").join(name);
    if overlay.is_dir() {
        copy_dir(&overlay, dir.path());
    }
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app"]);
    dir
}

/// Runs hoist in `dir` through the shared leak harness; asserts success; returns stdout + stderr.
pub fn hoist(moto: &Moto, dir: &Path, args: &[&str]) -> String {
    let values = planted();
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let (code, text) = Hoist::moto(moto, &refs).current_dir(dir).args(args).run();
    assert_eq!(code, Some(0), "hoist {args:?} failed:\n{text}");
    text
}

/// The digest a program prints.
pub fn digest(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run ({e}); scripts/test installs the toolchains"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed:\n{text}");
    text.lines()
        .find(|l| l.len() == 64 && l.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| panic!("{what}: no digest in {text}"))
        .to_string()
}

pub fn run_ok(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot run ({e}); scripts/test installs the toolchains"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Language {
    Go,
    Java,
    Ruby,
    Php,
    Python,
    Node,
}

/// Builds the app if its language needs it (with the toolchain's real compiler), then returns the
/// command that starts it, as the container's entry point would.
pub fn program(lang: Language, dir: &Path, sdk: bool) -> Command {
    let stubs = manifest_dir().join("tests/stubs");
    match lang {
        Language::Go => {
            // GOPATH mode over Debian's aws-sdk-go-v2 (this machine can't reach the module proxy);
            // the go.mod hoist edited is checked by `go mod edit -json` (the go command's parser).
            let cache = PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/hoist/gocache");
            let go = |args: &[&str]| {
                let mut c = Command::new("go");
                c.current_dir(dir)
                    .args(args)
                    .env("GO111MODULE", "off")
                    .env("GOPATH", "/usr/share/gocode")
                    .env("GOCACHE", &cache)
                    .env("GOFLAGS", "");
                c
            };
            if sdk {
                assert!(
                    Path::new("/usr/share/gocode/src/github.com/aws/aws-sdk-go-v2/service/secretsmanager").is_dir(),
                    "aws-sdk-go-v2 is required: apt-get install golang-github-aws-aws-sdk-go-v2-dev (scripts/test does)"
                );
            }
            run_ok(&mut go(&["vet", "."]), "go vet");
            run_ok(&mut go(&["build", "-o", "app.bin", "."]), "go build");
            let mut m = Command::new("go");
            m.current_dir(dir).args(["mod", "edit", "-json"]);
            run_ok(&mut m, "go mod edit -json (go.mod parses)");
            let mut c = Command::new(dir.join("app.bin"));
            c.current_dir(dir);
            c
        }
        Language::Java => {
            let out = dir.join("target/classes");
            let sources: Vec<PathBuf> = std::fs::read_dir(dir.join("src/main/java/shop"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "java"))
                .collect();
            let mut javac = Command::new("javac");
            javac
                .arg("-Xlint:all")
                .arg("-Werror")
                .arg("-d")
                .arg(&out)
                .arg("-sourcepath")
                .arg(stubs.join("java"))
                .args(&sources);
            run_ok(&mut javac, "javac");
            let mut c = Command::new("java");
            c.current_dir(dir).arg("-cp").arg(&out).arg("shop.App");
            c
        }
        Language::Ruby => {
            run_ok(Command::new("ruby").current_dir(dir).args(["-c", "app.rb"]), "ruby -c");
            let mut c = Command::new("ruby");
            c.current_dir(dir).arg("-I").arg(stubs.join("ruby")).arg("app.rb");
            c
        }
        Language::Php => {
            run_ok(Command::new("php").current_dir(dir).args(["-l", "app.php"]), "php -l");
            let mut c = Command::new("php");
            c.current_dir(dir)
                .arg("-d")
                .arg(format!("auto_prepend_file={}", stubs.join("php/aws-sdk-php.php").display()))
                .arg("app.php");
            c
        }
        Language::Python => {
            let mut c = Command::new("python3");
            c.current_dir(dir).args(["-B", "app.py"]);
            c
        }
        Language::Node => {
            let mut c = Command::new("node");
            c.current_dir(dir).arg("app.js");
            c
        }
    }
}

/// Variables the image itself provides (not the task definition): Node's module path.
pub fn image_env(lang: Language) -> Vec<(String, String)> {
    if lang != Language::Node {
        return Vec::new();
    }
    let modules = std::env::var("HOIST_NODE_MODULES").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/hoist/node/node_modules")
    });
    assert!(
        modules.join("@aws-sdk/client-secrets-manager").is_dir(),
        "@aws-sdk/client-secrets-manager is required: run scripts/test (it installs it into ~/.cache/hoist/node)"
    );
    vec![("NODE_PATH".into(), modules.display().to_string())]
}

pub fn plan_of(dir: &Path) -> Plan {
    serde_yaml::from_str(&std::fs::read_to_string(dir.join(".hoist/plan.yaml")).unwrap()).unwrap()
}

pub const CODE_FORMATS: &[&str] = &["python", "javascript", "go", "java", "ruby", "php"];

/// Sets every code site (not deployment entries or `.env` lines) to `strategy`, as a user editing
/// the plan would.
pub fn set_code_strategy(dir: &Path, strategy: Strategy) {
    let mut plan = plan_of(dir);
    let mut n = 0;
    for s in &mut plan.secrets {
        for k in &mut s.keys {
            let code = |s: &hoist::model::Site| CODE_FORMATS.contains(&s.format.as_str());
            for site in k.sites.iter_mut().filter(|s| code(s) && s.strategy != Strategy::Skip) {
                site.strategy = strategy;
                site.reason = None;
                n += 1;
            }
        }
    }
    assert!(n > 0, "no code site in the plan");
    std::fs::write(dir.join(".hoist/plan.yaml"), serde_yaml::to_string(&plan).unwrap()).unwrap();
}

pub fn files_text(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    super::leak::snapshot(dir).into_iter().filter(|(p, _)| !p.starts_with(".hoist")).collect()
}

/// The variables an env-style deployment would inject for `name`'s code: the plan's env var of
/// each code site, with the value read back from moto by the state file's ARN.
pub fn env_style_vars(moto: &Moto, dir: &Path, name: &str) -> Vec<(String, String)> {
    let plan = plan_of(dir);
    let state = std::fs::read_to_string(dir.join(".hoist/state.yaml")).unwrap();
    let state: serde_yaml::Value = serde_yaml::from_str(&state).unwrap();
    let mut out = Vec::new();
    for s in &plan.secrets {
        let arn = state["secrets"][s.name.as_str()]["arn"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no ARN for {}", s.name));
        for k in &s.keys {
            for site in k.sites.iter().filter(|t| CODE_FORMATS.contains(&t.format.as_str())) {
                let var = site.env_var.clone().unwrap();
                let value_from = match s.shape {
                    hoist::model::Shape::Json => format!("{arn}:{}::", k.key),
                    _ => arn.to_string(),
                };
                out.push((var, super::deployed::resolve(moto, &value_from)));
            }
        }
    }
    assert!(!out.is_empty(), "{name}: no code site");
    out
}

/// Removes what [`program`] built (`app.bin`, `target/`): the build output is not part of the
/// repository.
pub fn remove_build_output(dir: &Path) {
    for junk in ["app.bin", "target"] {
        let p = dir.join(junk);
        if p.is_dir() {
            std::fs::remove_dir_all(&p).unwrap()
        } else if p.exists() {
            std::fs::remove_file(&p).unwrap()
        }
    }
}
