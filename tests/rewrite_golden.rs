//! Golden rewrite tests: each `testdata/rewrite/<case>/` holds `case.yaml` (the file and the values
//! planned in it), `input/<file>` and `expected/<files>` (the rewritten file plus any generated
//! helper). The rewrite must produce exactly the expected files, every expected file must pass the
//! language's real toolchain (`python3 -m py_compile`, `node --check`, `javac`, `ruby -c`, `php -l`,
//! `gofmt -e`, `bash -n`), and no planned value may survive. `HOIST_BLESS=1` rewrites the goldens.

use hoist::model::{Fingerprint, Shape, Site, Span, Strategy, apply_edits};
use hoist::rewrite::helpers::helper_file;
use hoist::rewrite::{FileContext, SiteRewrite, rewrite_file};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Deserialize)]
struct Case {
    file: String,
    #[serde(default)]
    python_package: bool,
    /// How many sites must end up manual.
    #[serde(default)]
    manual: usize,
    sites: Vec<CaseSite>,
}

#[derive(Deserialize)]
struct CaseSite {
    /// The literal text of the value in the input (its span is found by search).
    value: String,
    /// Which occurrence (0-based).
    #[serde(default)]
    nth: usize,
    #[serde(default = "default_key")]
    key: String,
    env_var: String,
    #[serde(default)]
    strategy: Strategy,
    #[serde(default = "default_secret")]
    secret: String,
    #[serde(default)]
    shape: Shape,
}

fn default_key() -> String {
    "password".into()
}
fn default_secret() -> String {
    "shop/prod/db".into()
}

const ARN_PREFIX: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rewrite");
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.join("case.yaml").exists()).collect();
    out.sort();
    out
}

/// Rewrites one case; returns (relative path, new text) for every file written.
fn run_case(dir: &Path) -> (Case, Vec<(PathBuf, String)>) {
    let case: Case = serde_yaml::from_str(&std::fs::read_to_string(dir.join("case.yaml")).unwrap()).unwrap();
    let rel = PathBuf::from(&case.file);
    let text = std::fs::read_to_string(dir.join("input").join(&rel)).unwrap();
    let sites: Vec<Site> = case
        .sites
        .iter()
        .map(|c| {
            let start = text
                .match_indices(&c.value)
                .nth(c.nth)
                .unwrap_or_else(|| panic!("{}: value {:?} #{} not in input", dir.display(), c.value, c.nth))
                .0;
            Site {
                path: rel.clone(),
                line: text[..start].matches('\n').count() + 1,
                span: Span::new(start, start + c.value.len()),
                fingerprint: Fingerprint("f".into()),
                encoding: None,
                raw_fingerprint: None,
                rule: "test".into(),
                format: "test".into(),
                strategy: c.strategy,
                env_var: Some(c.env_var.clone()),
                name: None,
                deploy: None,
                reason: None,
            }
        })
        .collect();
    let rewrites: Vec<SiteRewrite<'_>> = case
        .sites
        .iter()
        .zip(&sites)
        .map(|(c, site)| SiteRewrite {
            site,
            secret_name: &c.secret,
            key: &c.key,
            shape: c.shape,
            arn: format!("{ARN_PREFIX}{}-AbCdEf", c.secret),
            env_var: c.env_var.clone(),
        })
        .collect();
    let ctx = FileContext { python_package: case.python_package };
    let out = rewrite_file(&rel, &text, &rewrites, ctx).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    assert_eq!(out.file.manual.len(), case.manual, "{}: manual sites {:?}", dir.display(), out.file.manual);
    let new = String::from_utf8(apply_edits(text.as_bytes(), &out.file.edits).unwrap()).unwrap();
    let mut files = vec![(rel, new)];
    let mut helpers = out.helpers.clone();
    helpers.sort();
    helpers.dedup();
    files.extend(helpers.iter().map(helper_file));
    (case, files)
}

#[test]
fn golden_rewrites_match_and_remove_every_value() {
    let bless = std::env::var_os("HOIST_BLESS").is_some();
    let all = cases();
    assert!(all.len() >= 15, "expected the golden cases under testdata/rewrite, found {}", all.len());
    for dir in all {
        let (case, files) = run_case(&dir);
        for (rel, text) in &files {
            let want = dir.join("expected").join(rel);
            if bless {
                std::fs::create_dir_all(want.parent().unwrap()).unwrap();
                std::fs::write(&want, text).unwrap();
            }
            let expected = std::fs::read_to_string(&want).unwrap_or_else(|e| panic!("{}: {e}", want.display()));
            assert_eq!(text, &expected, "{}: output differs from {}", dir.display(), want.display());
        }
        let rewritten = &files[0].1;
        for s in &case.sites {
            // Short config values (a user name, a port) legitimately occur elsewhere in the file.
            if case.manual == 0 && s.value.len() >= 8 {
                assert!(!rewritten.contains(&s.value), "{}: value {:?} survived the rewrite", dir.display(), s.value);
            }
        }
    }
}

/// Runs `cmd` and fails the test with its output when it fails or is missing.
fn check_tool(dir: &Path, what: &str, cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!(
            "{}: `{what}` is required to check rewritten files and is not installed ({e}); run scripts/test",
            dir.display()
        )
    });
    assert!(
        out.status.success(),
        "{}: `{what}` rejects the rewritten file:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn expected_outputs_pass_the_real_toolchains() {
    let mut checked = 0;
    for dir in cases() {
        let expected = dir.join("expected");
        let tmp = tempfile::tempdir().unwrap();
        for entry in walk(&expected) {
            let rel = entry.strip_prefix(&expected).unwrap();
            let name = rel.to_string_lossy().to_string();
            let ext = entry.extension().and_then(|e| e.to_str()).unwrap_or("");
            let p = entry.as_os_str();
            match ext {
                "py" => check_tool(
                    &dir,
                    "python3 -m py_compile",
                    Command::new("python3").env("PYTHONPYCACHEPREFIX", tmp.path()).args(["-m", "py_compile"]).arg(p),
                ),
                "js" | "mjs" | "cjs" => check_tool(&dir, "node --check", Command::new("node").arg("--check").arg(p)),
                // With the other files of its directory (a generated HoistSecrets.java) and the
                // SDK stub of tests/stubs/java (no registry here carries the AWS SDK for Java).
                "java" => check_tool(
                    &dir,
                    "javac",
                    Command::new("javac")
                        .arg("-d")
                        .arg(tmp.path())
                        .arg("-sourcepath")
                        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/stubs/java"))
                        .args(
                            walk(entry.parent().unwrap())
                                .into_iter()
                                .filter(|f| f.extension().is_some_and(|e| e == "java")),
                        ),
                ),
                "rb" => check_tool(&dir, "ruby -c", Command::new("ruby").arg("-c").arg(p)),
                "php" => check_tool(&dir, "php -l", Command::new("php").arg("-l").arg(p)),
                "go" => check_tool(&dir, "gofmt -e", Command::new("gofmt").arg("-e").arg(p)),
                "sh" => check_tool(&dir, "bash -n", Command::new("bash").arg("-n").arg(p)),
                "ts" | "tsx" => {
                    let lang = if ext == "ts" {
                        hoist::rewrite::lang::Lang::TypeScript
                    } else {
                        hoist::rewrite::lang::Lang::Tsx
                    };
                    let text = std::fs::read_to_string(&entry).unwrap();
                    let tree = lang.parse(&text).unwrap();
                    assert_eq!(hoist::rewrite::lang::error_count(&tree), 0, "{name}: TypeScript parse errors");
                }
                _ => continue,
            }
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} files were checked by a toolchain");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() { out.extend(walk(&p)) } else { out.push(p) }
    }
    out
}
