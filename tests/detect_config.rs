//! Fixture tests for the config and deployment-file detectors: every file under
//! `testdata/detect/config/<format>/` has a sibling `<file>.expected` listing exactly the findings
//! it must produce, one per line (tab-separated):
//!
//! `line  name  kind  key  group  deploy  text`
//!
//! `group` is a letter standing for the file-local group label (findings with the same letter
//! share a group, different letters differ), `deploy` is `kind/container` or `-`, and `text` is
//! the exact bytes of the finding's span. Decoy files have an empty `.expected`.
//! `HOIST_BLESS=1` rewrites the `.expected` files from the current output (review the diff!).

use hoist::detect::config::analyze;
use hoist::format::FileFormat;
use hoist::model::{Detection, Kind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/detect/config");
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).expect("testdata/detect/config exists") {
        let dir = dir.unwrap().path();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "expected") {
                continue;
            }
            out.push(f);
        }
    }
    out.sort();
    out
}

fn expected_path(f: &Path) -> PathBuf {
    let mut name = f.file_name().unwrap().to_os_string();
    name.push(".expected");
    f.with_file_name(name)
}

fn render(text: &str, dets: &[Detection]) -> String {
    let mut letters: BTreeMap<String, char> = BTreeMap::new();
    let mut next = b'A';
    let mut out = String::new();
    for d in dets {
        let line = text[..d.span.start].matches('\n').count() + 1;
        let group = match &d.group {
            Some(g) => *letters.entry(g.clone()).or_insert_with(|| {
                let c = next as char;
                next += 1;
                c
            }),
            None => '-',
        };
        let deploy = d
            .deploy
            .as_ref()
            .map(|i| format!("{}/{}", i.kind, i.container.as_deref().unwrap_or("")))
            .unwrap_or_else(|| "-".into());
        let kind = if d.kind == Kind::Secret { "secret" } else { "config" };
        out.push_str(&format!(
            "{line}\t{}\t{kind}\t{}\t{group}\t{deploy}\t{}\n",
            d.name.as_deref().unwrap_or("-"),
            d.key.as_deref().unwrap_or("-"),
            &text[d.span.start..d.span.end],
        ));
    }
    out
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let bless = std::env::var_os("HOIST_BLESS").is_some();
    let files = fixtures();
    assert!(files.len() >= 30, "fixture suite shrank: {} files", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let rel = Path::new(f.file_name().unwrap());
        let format = FileFormat::of(rel);
        let dets = analyze(rel, format, &text);
        for d in &dets {
            assert!(d.span.end <= text.len() && !d.value.is_empty(), "{}: bad span", f.display());
        }
        let got = render(&text, &dets);
        let exp_path = expected_path(f);
        if bless {
            std::fs::write(&exp_path, &got).unwrap();
            continue;
        }
        let want =
            std::fs::read_to_string(&exp_path).unwrap_or_else(|_| panic!("{} has no .expected file", f.display()));
        if got != want {
            failures.push(format!("== {}\n-- want\n{want}-- got\n{got}", f.display()));
        }
        let name = f.file_name().unwrap().to_string_lossy();
        if name.starts_with("decoy") {
            assert!(want.is_empty(), "{name}: decoys must expect nothing");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn decoys_exist_for_every_structured_format() {
    let files = fixtures();
    for dir in ["yaml", "json", "hcl", "xml", "dotenv", "properties", "dockerfile", "template"] {
        assert!(
            files
                .iter()
                .any(|f| f.parent().unwrap().ends_with(dir)
                    && f.file_name().unwrap().to_string_lossy().starts_with("decoy")),
            "no decoy for {dir}"
        );
    }
}

#[test]
fn secret_values_never_appear_in_debug_output() {
    let text = "DB_PASSWORD=Zq8-unprintable-71\n";
    let dets = analyze(Path::new(".env"), FileFormat::Dotenv, text);
    assert_eq!(dets.len(), 1);
    assert!(!format!("{dets:?}").contains("unprintable"));
}
