//! One way to read a site, and re-runs that converge, end to end against moto:
//! - every connection-string shape hoist normalises (`postgresql`, `postgresql+psycopg2`,
//!   `mongodb`, `mongodb+srv`, JDBC `?user=&password=`; Python, Java, JS, Go, compose) and every
//!   escaped spelling (`\n`, `\t`, `\uXXXX`, YAML `''`, percent-encoding, JSON, ECS JSON) plans,
//!   passes `plan --check`, applies with exit 0, leaves no value behind, and a second apply is a no-op;
//! - every repository under `testdata/` that hoist can plan, and every repository of
//!   `../shared/corpora/migrate-dev`: apply on the untouched tree never reports stale; after a
//!   commit, apply again exits 0 and leaves `git status --porcelain` empty; `hoist plan` on the
//!   applied tree keeps every secret;
//! - an apply killed at many points (after each file write, and SIGKILL at several delays) on a
//!   repository with DSNs in code, a Terraform variable default and 20+ files: every re-run
//!   converges to the tree of one clean run, every file being its original or its final text.

mod common;

use common::git::{commit, git};

use common::cli::{Hoist, text};
use common::moto::Moto;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn porcelain(dir: &Path) -> String {
    git(dir, &["status", "--porcelain", "--untracked-files=all"])
}

/// A git repository in `parent/name` holding `files`, committed.
fn repo_from(parent: &Path, name: &str, files: &[(&str, String)]) -> PathBuf {
    let root = parent.join(name);
    for (rel, text) in files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    git_init(&root);
    root
}

fn git_init(root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    git(root, &["init", "-q"]);
    commit(root, "original");
}

fn copy_dir(from: &Path, to: &Path, skip: &dyn Fn(&Path) -> bool) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if skip(&e.path()) || e.file_name() == ".git" || e.file_name() == ".hoist" {
            continue;
        }
        let target = to.join(e.file_name());
        let ty = e.file_type().unwrap();
        if ty.is_dir() {
            copy_dir(&e.path(), &target, skip);
        } else if ty.is_file() {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// The hoist binary against `moto`: cargo's, or `CONVERGE_HOIST` (a copy of a build, for a
/// shared target directory that other builds overwrite while the test runs).
fn hoist_bin() -> PathBuf {
    std::env::var_os("CONVERGE_HOIST").map_or_else(common::moto::hoist_bin, PathBuf::from)
}

fn hoist_cmd(moto: &Moto) -> Command {
    let mut cmd = Command::new(hoist_bin());
    moto.hoist_env(&mut cmd);
    cmd
}

/// hoist in `dir` against `moto` under the leak harness for `secrets` (stdout, stderr, `.hoist/`,
/// every changed file, pieces included).
fn checked_hoist(moto: &Moto, dir: &Path, secrets: &[String]) -> Hoist {
    let mut h = Hoist::new_at(&hoist_bin(), secrets);
    h.env("AWS_ENDPOINT_URL", &moto.endpoint).current_dir(dir);
    h
}

/// Runs hoist in `dir`; with `secrets`, under the leak harness; without (a repository whose
/// values the test doesn't know), only what it prints is returned.
fn hoist(moto: &Moto, dir: &Path, args: &[&str], secrets: &[String]) -> (Option<i32>, String) {
    let out: Output = if secrets.is_empty() {
        hoist_cmd(moto).current_dir(dir).args(args).stdin(Stdio::null()).output().unwrap()
    } else {
        checked_hoist(moto, dir, secrets).args(args).write_stdin("").output().unwrap()
    };
    (out.status.code(), text(&out))
}

/// Every project file (not `.git`, not `.hoist`) and its text.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            if e.file_name() == ".git" || e.file_name() == ".hoist" {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(root, &e.path(), out);
            } else {
                let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// Secret names moto holds, and every string value in them (whole strings and JSON fields).
fn moto_values(moto: &Moto) -> Vec<String> {
    let mut values = Vec::new();
    for name in moto.secret_names() {
        let s = moto.secret_string(&name);
        match serde_json::from_str::<serde_json::Value>(&s) {
            Ok(serde_json::Value::Object(m)) => {
                values.extend(m.values().filter_map(|v| v.as_str().map(str::to_string)));
            }
            _ => values.push(s),
        }
    }
    values
}

// ---------------------------------------------------------------------------------------------
// (a) DSN shapes and escaped spellings

/// One minimal repository: files, and the credential values (as the program sees them, and as
/// the file spells them) that must leave the tree and land in Secrets Manager.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, String)>,
    /// (value, spelling in the file)
    secrets: Vec<(&'static str, &'static str)>,
    /// A plain config file: hoist can't know whether its reader expands `${VAR}`, so the site is
    /// left manual (uploaded, not rewritten) — it must still never look stale.
    manual: bool,
}

fn cases() -> Vec<Case> {
    let c = |name: &'static str, files: Vec<(&'static str, &str)>, secrets| Case {
        manual: name.starts_with("config-"),
        name,
        files: files.into_iter().map(|(p, t)| (p, t.to_string())).collect(),
        secrets,
    };
    vec![
        c(
            "py-postgresql",
            vec![(
                "settings.py",
                "DATABASE_URL = \"postgresql://app:Qw9rTz2Lm8Xp@orders-db.prod.internal:5432/orders\"\n",
            )],
            vec![("Qw9rTz2Lm8Xp", "Qw9rTz2Lm8Xp")],
        ),
        c(
            "py-psycopg2",
            vec![(
                "settings.py",
                "SQLALCHEMY_DATABASE_URI = \"postgresql+psycopg2://app:Hn3vB8kLp2Qw@orders-db.prod.internal/orders\"\n",
            )],
            vec![("Hn3vB8kLp2Qw", "Hn3vB8kLp2Qw")],
        ),
        c(
            "js-mongodb",
            vec![(
                "db.js",
                "const MONGO_URL = \"mongodb://svc:Zk4pW9sLq2Vn@mongo.prod.internal:27017/jobs\";\nmodule.exports = { MONGO_URL };\n",
            )],
            vec![("Zk4pW9sLq2Vn", "Zk4pW9sLq2Vn")],
        ),
        c(
            "js-mongodb-srv",
            vec![(
                "db.js",
                "const MONGO_URL = \"mongodb+srv://svc:Rt5yU8iOp3As@cluster0.jobs.internal/jobs\";\nmodule.exports = { MONGO_URL };\n",
            )],
            vec![("Rt5yU8iOp3As", "Rt5yU8iOp3As")],
        ),
        c(
            "java-jdbc",
            vec![(
                "src/main/java/app/Db.java",
                "package app;\n\npublic class Db {\n    static final String URL = \"jdbc:postgresql://orders-db.prod.internal:5432/orders?user=app&password=Jd8fG3hK5lMn\";\n}\n",
            )],
            vec![("Jd8fG3hK5lMn", "Jd8fG3hK5lMn")],
        ),
        c(
            "compose-postgresql",
            vec![(
                "docker-compose.yml",
                "services:\n  api:\n    image: example/api:1\n    environment:\n      DATABASE_URL: postgresql://app:Cp2vX7bN4mQs@db:5432/orders\n",
            )],
            vec![("Cp2vX7bN4mQs", "Cp2vX7bN4mQs")],
        ),
        c(
            "go-postgresql",
            vec![(
                "main.go",
                "package main\n\nimport \"fmt\"\n\nvar dsn = \"postgresql://app:Gp6nM3kL9sWq@orders-db.prod.internal:5432/orders\"\n\nfunc main() { fmt.Println(len(dsn)) }\n",
            )],
            vec![("Gp6nM3kL9sWq", "Gp6nM3kL9sWq")],
        ),
        c(
            "go-mongodb",
            vec![(
                "main.go",
                "package main\n\nimport \"fmt\"\n\nvar mongoURI = \"mongodb+srv://svc:Gm4bV7cX2zLk@cluster0.jobs.internal/jobs\"\n\nfunc main() { fmt.Println(len(mongoURI)) }\n",
            )],
            vec![("Gm4bV7cX2zLk", "Gm4bV7cX2zLk")],
        ),
        c(
            "percent-encoded",
            vec![(
                "settings.py",
                "DATABASE_URL = \"postgresql://app:Pc%40nt8Rw2Lq@orders-db.prod.internal:5432/orders\"\n",
            )],
            vec![("Pc@nt8Rw2Lq", "Pc%40nt8Rw2Lq")],
        ),
        c(
            "py-newline-escape",
            vec![("settings.py", "DB_PASSWORD = \"Xy7Qw9\\nLm2Rt4\"\n")],
            vec![("Xy7Qw9\nLm2Rt4", "Xy7Qw9\\nLm2Rt4")],
        ),
        c(
            "js-unicode-escape",
            vec![("config.js", "const dbPassword = \"Kz8Lq2\\u0041Pw5Nv\";\nmodule.exports = { dbPassword };\n")],
            vec![("Kz8Lq2APw5Nv", "Kz8Lq2\\u0041Pw5Nv")],
        ),
        c(
            "compose-tab-escape",
            vec![(
                "docker-compose.yml",
                "services:\n  api:\n    image: example/api:1\n    environment:\n      DB_TOKEN: \"Gh5Jk8\\tLz2Xc\"\n",
            )],
            vec![("Gh5Jk8\tLz2Xc", "Gh5Jk8\\tLz2Xc")],
        ),
        c(
            "compose-single-quote",
            vec![(
                "docker-compose.yml",
                "services:\n  api:\n    image: example/api:1\n    environment:\n      DB_PASSWORD: 'Op9''Iu7Yt6Re'\n",
            )],
            vec![("Op9'Iu7Yt6Re", "Op9''Iu7Yt6Re")],
        ),
        c(
            "config-json-tab-escape",
            vec![("config.json", "{\n  \"db_password\": \"Vb6Nm3\\tQw8Lp\"\n}\n")],
            vec![("Vb6Nm3\tQw8Lp", "Vb6Nm3\\tQw8Lp")],
        ),
        c(
            "config-yaml-double-escape",
            vec![("config.yml", "database:\n  password: \"Gh5Jk8\\nLz2Xc\"\n")],
            vec![("Gh5Jk8\nLz2Xc", "Gh5Jk8\\nLz2Xc")],
        ),
        c(
            "config-yaml-single-quote",
            vec![("config.yml", "database:\n  password: 'Op9''Iu7Yt6Re'\n")],
            vec![("Op9'Iu7Yt6Re", "Op9''Iu7Yt6Re")],
        ),
        c(
            "ecs-json-escape",
            vec![(
                "deploy/task-definition.json",
                "{\n  \"family\": \"api\",\n  \"containerDefinitions\": [\n    {\n      \"name\": \"api\",\n      \"image\": \"example/api:1\",\n      \"environment\": [\n        { \"name\": \"DB_PASSWORD\", \"value\": \"Ec5\\u0021Rt8Yu2Io\" }\n      ]\n    }\n  ]\n}\n",
            )],
            vec![("Ec5!Rt8Yu2Io", "Ec5\\u0021Rt8Yu2Io")],
        ),
    ]
}

#[test]
fn every_dsn_shape_and_escaped_spelling_applies_and_reapplies_as_a_no_op() {
    // Hosts are real-looking: a login at a reserved example host (`example.com`) is a stand-in by
    // design (detect::judge), in code as in config.
    let moto = Moto::start();
    let parent = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in cases() {
        moto.reset();
        let files: Vec<(&str, String)> = case.files.iter().map(|(p, t)| (*p, t.clone())).collect();
        let root = repo_from(parent.path(), case.name, &files);
        // The value and its spelling in the file; a manual case keeps them in its files by design.
        let hidden: Vec<String> = case.secrets.iter().flat_map(|(v, s)| [v.to_string(), s.to_string()]).collect();
        let run = |args: &[&str]| {
            let mut h = checked_hoist(&moto, &root, &hidden);
            if case.manual {
                h.keeps_in_files(&hidden);
            }
            let out = h.args(args).write_stdin("").output().unwrap();
            (out.status.code(), text(&out))
        };
        let (code, text) = run(&["plan", "."]);
        if code != Some(0) {
            failures.push(format!("{}: plan exit {code:?}: {text}", case.name));
            continue;
        }
        // The test is about reading sites back, not about the planner's choice of strategy: a
        // site the planner leaves `sdk` or `manual` in code (sync JS, Java, Go without a
        // deployment file) is switched to `env`, which every code rewriter does.
        let plan_path = root.join(".hoist/plan.yaml");
        let plan_text = std::fs::read_to_string(&plan_path).unwrap();
        let plan_text = plan_text.replace("strategy: sdk", "strategy: env");
        let plan_text = if case.manual { plan_text } else { plan_text.replace("strategy: manual", "strategy: env") };
        std::fs::write(&plan_path, plan_text).unwrap();
        commit(&root, "plan");
        let (code, text) = run(&["plan", "--check", ".hoist/plan.yaml"]);
        if code != Some(0) {
            failures.push(format!("{}: plan --check exit {code:?}: {text}", case.name));
            continue;
        }
        // A secret whose every site is manual is created only when asked.
        let apply: &[&str] =
            if case.manual { &["apply", ".", "--yes", "--include-manual"] } else { &["apply", ".", "--yes"] };
        let (code, text) = run(apply);
        if code != Some(0) || text.contains("stale") {
            failures.push(format!("{}: apply exit {code:?}: {text}", case.name));
            continue;
        }
        let after = tree(&root);
        let stored = moto_values(&moto);
        for (value, spelled) in &case.secrets {
            for (path, bytes) in &after {
                let t = String::from_utf8_lossy(bytes);
                if !case.manual && (t.contains(value) || t.contains(spelled)) {
                    failures.push(format!("{}: the value is still in {path}", case.name));
                }
            }
            // A percent-encoded DSN part may be stored as spelled (spliced back into the URL).
            if !stored.iter().any(|s| s == value || s == spelled) {
                failures.push(format!("{}: no secret in moto holds the value", case.name));
            }
        }
        commit(&root, "applied");
        let (code, text) = run(&["apply", ".", "--yes"]);
        if code != Some(0) {
            failures.push(format!("{}: second apply exit {code:?}: {text}", case.name));
        }
        let dirty = porcelain(&root);
        if !dirty.is_empty() {
            failures.push(format!("{}: second apply changed files:\n{dirty}", case.name));
        }
        let (code, text) = run(&["migrate", ".", "--apply", "--yes"]);
        if code != Some(0) || !porcelain(&root).is_empty() {
            failures.push(format!("{}: migrate --apply after apply exit {code:?}: {text}", case.name));
        }
    }
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// (b) every repository hoist can plan

/// Repositories under `testdata/` (the demo, the apps, the planner fixtures, the rewrite inputs
/// and the deployment-file inputs) and under `../shared/corpora/migrate-dev/repos`.
fn repositories() -> Vec<(String, PathBuf)> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let td = manifest.join("testdata");
    let mut out = vec![("demo".to_string(), td.join("demo"))];
    let subdirs = |d: PathBuf| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(&d)
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect())
            .unwrap_or_default();
        v.sort();
        v
    };
    for group in ["apps", "plan", "deploy"] {
        for d in subdirs(td.join(group)) {
            out.push((format!("{group}/{}", d.file_name().unwrap().to_string_lossy()), d));
        }
    }
    for d in subdirs(td.join("rewrite")) {
        if d.join("input").is_dir() {
            out.push((format!("rewrite/{}", d.file_name().unwrap().to_string_lossy()), d.join("input")));
        }
    }
    let corpus = manifest.join("../shared/corpora/migrate-dev/repos");
    if corpus.is_dir() {
        for d in subdirs(corpus) {
            out.push((format!("migrate-dev/{}", d.file_name().unwrap().to_string_lossy()), d));
        }
    } else {
        println!("note: {} is absent; the migrate-dev corpus repositories were not tried", corpus.display());
    }
    out
}

/// Golden expectations and case descriptions are not part of the repository under test.
fn not_input(p: &Path) -> bool {
    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name == "case.yaml" || name.starts_with("expected")
}

#[test]
fn apply_never_reports_stale_and_a_rerun_after_commit_is_clean_on_every_repository() {
    let moto = Moto::start();
    let parent = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut tried = 0;
    for (i, (name, src)) in repositories().iter().enumerate() {
        moto.reset();
        let root = parent.path().join(format!("r{i}"));
        copy_dir(src, &root, &not_input);
        git_init(&root);
        let run = |args: &[&str]| hoist(&moto, &root, args, &[]);
        let (code, _) = run(&["plan", "."]);
        let plan_path = root.join(".hoist/plan.yaml");
        let Ok(plan) = hoist::plan::load_plan(&plan_path) else { continue };
        if code != Some(0) || plan.secrets.is_empty() {
            continue; // hoist can't plan it (or finds nothing to move)
        }
        tried += 1;
        commit(&root, "plan");
        let (code, text) = run(&["apply", ".", "--yes"]);
        if text.contains("stale") {
            failures.push(format!("{name}: apply on the untouched tree reports stale (exit {code:?}):\n{text}"));
            continue;
        }
        commit(&root, "applied");
        let (code, text) = run(&["apply", ".", "--yes"]);
        let dirty = porcelain(&root);
        if code != Some(0) || !dirty.is_empty() {
            failures.push(format!("{name}: apply after commit exit {code:?}, changed:\n{dirty}\n{text}"));
            continue;
        }
        let (code, text) = run(&["migrate", ".", "--apply", "--yes"]);
        let dirty = porcelain(&root);
        if code != Some(0) || !dirty.is_empty() {
            failures.push(format!("{name}: migrate --apply after commit exit {code:?}, changed:\n{dirty}\n{text}"));
            continue;
        }
        // Re-planning the applied tree keeps every secret (their values now live in moto).
        let (code, text) = run(&["plan", "."]);
        let replanned = hoist::plan::load_plan(&plan_path).unwrap();
        let lost: Vec<&str> =
            plan.active_secrets().filter(|s| replanned.secret(&s.name).is_none()).map(|s| s.name.as_str()).collect();
        if code != Some(0) || !lost.is_empty() {
            failures.push(format!("{name}: plan on the applied tree (exit {code:?}) dropped {lost:?}:\n{text}"));
            continue;
        }
        let (code, text) = run(&["apply", ".", "--yes"]);
        let changed: Vec<String> =
            porcelain(&root).lines().filter(|l| !l.contains(".hoist/")).map(str::to_string).collect();
        if code != Some(0) || !changed.is_empty() {
            failures.push(format!("{name}: apply after re-plan exit {code:?}, changed {changed:?}:\n{text}"));
        }
    }
    assert!(tried >= 10, "only {tried} repositories could be planned");
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n\n"));
}

// ---------------------------------------------------------------------------------------------
// (c) crash convergence

/// A repository with DSNs in code, a Terraform variable default and 20+ files.
fn crash_repo_files() -> Vec<(&'static str, String)> {
    let mut files: Vec<(&'static str, String)> = vec![
        (
            "app/settings.py",
            "DATABASE_URL = \"postgresql://app:Qw9rTz2Lm8Xp@orders-db.prod.internal:5432/orders\"\nSECRET_KEY = \"dj4ng0-s3cr3t-Kq8vLm2Pz7Rt\"\n"
                .into(),
        ),
        ("app/__init__.py", String::new()),
        (
            "worker/index.js",
            "const MONGO_URL = \"mongodb+srv://svc:Zk4pW9sLq2Vn@cluster0.jobs.internal/jobs\";\nconst REDIS_URL = \"redis://:Rd5tY8uI2oPq@cache.prod.internal:6379/0\";\nmodule.exports = { MONGO_URL, REDIS_URL };\n"
                .into(),
        ),
        (
            "infra/variables.tf",
            "variable \"stripe_key\" {\n  description = \"Stripe secret key\"\n  default     = \"sk_live_9aB7cD5eF3gH1iJ2kL4mN6oP\"\n}\n"
                .into(),
        ),
        (
            "infra/main.tf",
            "resource \"aws_ecs_task_definition\" \"api\" {\n  family = \"api\"\n  container_definitions = jsonencode([\n    {\n      name  = \"api\"\n      image = \"example/api:1\"\n      environment = [\n        { name = \"STRIPE_KEY\", value = var.stripe_key }\n      ]\n    }\n  ])\n}\n"
                .into(),
        ),
        (
            "docker-compose.yml",
            "services:\n  api:\n    image: example/api:1\n    environment:\n      DATABASE_URL: postgresql://app:Qw9rTz2Lm8Xp@db:5432/orders\n      STRIPE_KEY: sk_live_4eC39HqLyjWDarjtT1zdp7dc\n"
                .into(),
        ),
    ];
    const NAMES: [&str; 20] = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
        "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    ];
    for (i, n) in NAMES.iter().enumerate() {
        let path: &'static str = Box::leak(format!("services/{n}/config.py").into_boxed_str());
        files.push((path, format!("{}_API_PASSWORD = \"Sv{i:02}x{}Qm7Lp2\"\n", n.to_uppercase(), n.len() * 7919)));
    }
    files
}

fn crash_secrets() -> Vec<String> {
    let mut v: Vec<String> = [
        "Qw9rTz2Lm8Xp",
        "Zk4pW9sLq2Vn",
        "Rd5tY8uI2oPq",
        "sk_live_9aB7cD5eF3gH1iJ2kL4mN6oP",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    ]
    .map(String::from)
    .to_vec();
    v.extend(
        crash_repo_files()
            .iter()
            .filter(|(p, _)| p.starts_with("services/"))
            .map(|(_, t)| t.split('"').nth(1).unwrap().to_string()),
    );
    v
}

/// The project files, with the random suffix of secret ARNs made constant (each moto run
/// creates its secrets anew).
fn normalised(root: &Path) -> BTreeMap<String, String> {
    let arn = regex::Regex::new(r"(:secret:[A-Za-z0-9/_+=.@-]+?)-[A-Za-z0-9]{6}\b").unwrap();
    tree(root)
        .into_iter()
        .map(|(k, v)| (k, arn.replace_all(&String::from_utf8_lossy(&v), "$1-XXXXXX").into_owned()))
        .collect()
}

/// Every file is its original or its final text.
fn each_original_or_final(
    got: &BTreeMap<String, String>,
    original: &BTreeMap<String, String>,
    fin: &BTreeMap<String, String>,
) -> Result<(), String> {
    for (path, text) in got {
        if original.get(path) != Some(text) && fin.get(path) != Some(text) {
            return Err(format!("{path} is neither its original nor its final text"));
        }
    }
    for path in fin.keys().chain(original.keys()) {
        if !got.contains_key(path) && fin.contains_key(path) && original.contains_key(path) {
            return Err(format!("{path} vanished"));
        }
    }
    Ok(())
}

fn parses(root: &Path, files: &BTreeMap<String, String>) {
    for (path, text) in files {
        let full = root.join(path);
        let ok = match Path::new(path).extension().and_then(|e| e.to_str()) {
            Some("py") => Command::new("python3").args(["-m", "py_compile"]).arg(&full).status().unwrap().success(),
            Some("js") | Some("mjs") | Some("cjs") => {
                Command::new("node").arg("--check").arg(&full).status().unwrap().success()
            }
            Some("json") => serde_json::from_str::<serde_json::Value>(text).is_ok(),
            Some("yml") | Some("yaml") => serde_yaml::from_str::<serde_yaml::Value>(text).is_ok(),
            _ => true,
        };
        assert!(ok, "{path} does not parse after the rewrite");
    }
}

#[test]
fn an_apply_killed_at_any_point_converges_to_one_clean_run() {
    let moto = Moto::start();
    let parent = tempfile::tempdir().unwrap();
    let secrets = crash_secrets();
    let fresh = |tag: &str| -> PathBuf {
        moto.reset();
        let dir = parent.path().join(tag);
        std::fs::create_dir_all(&dir).unwrap();
        // Same folder name everywhere: the app name (and so every secret name) is the same.
        let root = repo_from(&dir, "crashrepo", &crash_repo_files());
        let (code, text) = hoist(&moto, &root, &["plan", "."], &secrets);
        assert_eq!(code, Some(0), "plan: {text}");
        // Rewrite as much as possible: every code and compose site becomes `env`.
        let plan_path = root.join(".hoist/plan.yaml");
        let plan_text = std::fs::read_to_string(&plan_path).unwrap();
        let plan_text =
            plan_text.replace("strategy: sdk", "strategy: env").replace("strategy: manual", "strategy: env");
        std::fs::write(&plan_path, plan_text).unwrap();
        commit(&root, "plan");
        root
    };
    // One clean run: the tree every crashed run must converge to.
    let clean = fresh("clean");
    let original = normalised(&clean);
    let (code, text) = hoist(&moto, &clean, &["apply", ".", "--yes"], &secrets);
    assert_eq!(code, Some(0), "clean apply: {text}");
    let fin = normalised(&clean);
    parses(&clean, &fin);
    let rewritten = fin.iter().filter(|(k, v)| original.get(*k) != Some(*v)).count();
    assert!(rewritten >= 20, "the clean run rewrote only {rewritten} files");
    for (path, text) in &fin {
        for (i, s) in secrets.iter().enumerate() {
            assert!(!text.contains(s.as_str()), "the clean run left value #{i} in {path}");
        }
    }

    let converge = |root: &Path, how: &str| {
        let now = normalised(root);
        if let Err(e) = each_original_or_final(&now, &original, &fin) {
            panic!("{how}: after the crash {e}");
        }
        let (code, text) = hoist(&moto, root, &["migrate", ".", "--apply", "--yes"], &secrets);
        assert_eq!(code, Some(0), "{how}: the re-run failed:\n{text}");
        assert_eq!(normalised(root), fin, "{how}: the re-run did not converge to the clean tree");
        commit(root, "applied");
        let (code, text) = hoist(&moto, root, &["migrate", ".", "--apply", "--yes"], &secrets);
        assert_eq!(code, Some(0), "{how}: the run after commit failed:\n{text}");
        assert_eq!(porcelain(root), "", "{how}: the run after commit changed files");
    };

    // Killed right after each file write (the writes are the only steps that change the tree).
    let mut aborted = 0;
    for n in 1..=rewritten + 1 {
        let root = fresh(&format!("abort{n}"));
        let out = checked_hoist(&moto, &root, &secrets)
            .args(["apply", ".", "--yes"])
            .env("HOIST_TEST_ABORT_AFTER_WRITES", n.to_string())
            .write_stdin("")
            .output()
            .unwrap();
        if !out.status.success() {
            aborted += 1;
        }
        converge(&root, &format!("abort after {n} writes"));
    }
    assert!(aborted >= rewritten, "the abort hook fired {aborted} times for {rewritten} files");

    // SIGKILL (kill -9) at 30 moments spread over the run (before, during and after the uploads
    // and the writes): with the abort trials, 50+ interrupted applies.
    for (i, ms) in (0..30u64).map(|k| k * 40).enumerate() {
        let root = fresh(&format!("kill{i}"));
        let mut child = hoist_cmd(&moto)
            .current_dir(&root)
            .args(["apply", ".", "--yes"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        converge(&root, &format!("SIGKILL after {ms} ms"));
    }
}
