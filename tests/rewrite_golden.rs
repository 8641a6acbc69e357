//! Golden rewrite tests: each `testdata/rewrite/<case>/` holds `case.yaml` (the file and the values
//! planned in it), `input/<file>` and `expected/<files>` (the rewritten file plus any generated
//! helper). The rewrite must produce exactly the expected files, every expected file must pass the
//! language's real toolchain (`python3 -m py_compile`, `node --check`, `javac`, `ruby -c`, `php -l`,
//! `gofmt -e`, `bash -n`), every rewritten site's value is gone from the output (and a manual
//! site's value is still there, unchanged). `scripts/bless` rewrites the goldens (the ignored
//! `bless_rewrite_goldens` test); the normal test only compares.

mod common;

use common::bless::{self, Mode};

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

/// What the rewriter did to one case's file: its edits, its manual sites (index, reason) and
/// the span of every case site in the input.
struct Sites {
    edits: Vec<hoist::model::Edit>,
    manual: Vec<(usize, String)>,
    spans: Vec<Span>,
}

/// Rewrites one case; returns the case, its input, the edits, and (relative path, new text) for
/// every file written.
fn run_case(dir: &Path) -> (Case, String, Sites, Vec<(PathBuf, String)>) {
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
    let spans = sites.iter().map(|s| s.span).collect();
    let done = Sites { edits: out.file.edits.clone(), manual: out.file.manual.clone(), spans };
    (case, text, done, files)
}

#[test]
fn golden_rewrites_match_and_remove_every_value() {
    golden(Mode::Compare);
}

#[test]
#[ignore = "rewrites testdata/rewrite/*/expected: run scripts/bless"]
fn bless_rewrite_goldens() {
    golden(bless::guard("bless_rewrite_goldens"));
}

fn golden(mode: Mode) {
    let all = cases();
    assert!(all.len() >= 15, "expected the golden cases under testdata/rewrite, found {}", all.len());
    for dir in all {
        let (case, input, out, files) = run_case(&dir);
        // Checked before comparing or blessing: a bless can't record a rewrite that keeps a value.
        values_removed(&dir, &case, &input, &out, &files[0].1);
        for (rel, text) in &files {
            let want = dir.join("expected").join(rel);
            if mode == Mode::Bless {
                std::fs::create_dir_all(want.parent().unwrap()).unwrap();
                std::fs::write(&want, text).unwrap();
            }
            let expected = std::fs::read_to_string(&want).unwrap_or_else(|e| panic!("{}: {e}", want.display()));
            assert_eq!(text, &expected, "{}: output differs from {}", dir.display(), want.display());
        }
    }
}

/// The property every case checks, with no exceptions: a rewritten site's span is inside an edit,
/// a manual site's span is untouched and its value still there, and the value occurs
/// in the output exactly as often as in the input minus the sites rewritten (so a short value
/// like a port that also occurs elsewhere is checked precisely, not skipped).
fn values_removed(dir: &Path, case: &Case, input: &str, out: &Sites, rewritten: &str) {
    let manual: Vec<usize> = out.manual.iter().map(|(i, _)| *i).collect();
    for (i, (s, span)) in case.sites.iter().zip(&out.spans).enumerate() {
        // Edits that change the site's bytes (an insertion right before or after it doesn't).
        let covering: Vec<_> = out
            .edits
            .iter()
            .filter(|e| {
                if e.span.start == e.span.end {
                    span.start < e.span.start && e.span.start < span.end
                } else {
                    e.span.start < span.end && span.start < e.span.end
                }
            })
            .collect();
        if manual.contains(&i) {
            assert!(covering.is_empty(), "{}: manual site {i} ({:?}) was edited", dir.display(), s.value);
            assert!(rewritten.contains(&s.value), "{}: manual site {i}'s value is gone", dir.display());
        } else {
            assert!(
                covering.iter().any(|e| e.span.start <= span.start && span.end <= e.span.end),
                "{}: site {i} ({:?}) is not replaced by any edit",
                dir.display(),
                s.value
            );
        }
    }
    let mut values: Vec<&str> = case.sites.iter().map(|s| s.value.as_str()).collect();
    values.sort();
    values.dedup();
    for v in values {
        let replaced = case.sites.iter().enumerate().filter(|(i, s)| s.value == v && !manual.contains(i)).count();
        let (before, after) = (input.matches(v).count(), rewritten.matches(v).count());
        assert_eq!(
            after,
            before - replaced,
            "{}: {v:?} occurs {before}× in the input and {replaced} site(s) were rewritten, but it occurs {after}× after",
            dir.display()
        );
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
            // An extension-less script is checked as what its shebang says (`bin/console`: PHP).
            let sniffed = || {
                let text = std::fs::read_to_string(&entry).unwrap_or_default();
                match hoist::format::FileFormat::of_file(rel, &text) {
                    hoist::format::FileFormat::Python => "py",
                    hoist::format::FileFormat::JavaScript => "js",
                    hoist::format::FileFormat::Ruby => "rb",
                    hoist::format::FileFormat::Php => "php",
                    hoist::format::FileFormat::Shell => "sh",
                    _ => "",
                }
            };
            let ext = entry.extension().and_then(|e| e.to_str()).unwrap_or_else(sniffed);
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
                "sh" => {
                    check_tool(&dir, "bash -n", Command::new("bash").arg("-n").arg(p));
                    // A `#!/bin/sh` script must also parse as POSIX sh (dash here), not only bash.
                    if std::fs::read_to_string(&entry).unwrap().starts_with("#!/bin/sh") {
                        check_tool(&dir, "sh -n", Command::new("sh").arg("-n").arg(p));
                    }
                }
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
