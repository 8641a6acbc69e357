//! Fixture tests for detection outside the grammars, through `detect::analyze` as the scanner
//! calls it: weak values and placeholders, files of unknown format (content sniffing and the
//! tolerant assignment tokenizer), language constructs, credentials nested in strings, docs, and
//! the false positives to avoid. Every file under `testdata/detect/text/` (recursively; the path
//! below that root is the file's relative path, so `fixtures/` means a test path) has a sibling
//! `<file>.expected` with exactly its findings, one per line (tab-separated):
//!
//! `line  name  kind  key  group  severity  text  [deploy]`
//!
//! `group` is a letter standing for the file-local label; `deploy` (`kind/container`) is written
//! only for findings that carry deployment context. Files named `decoy*` expect nothing.
//! `scripts/bless` rewrites the `.expected` files (the ignored `bless_text_fixtures` test; review
//! the diff!); the normal test only compares.

mod common;

use common::bless::{self, Mode};

use hoist::detect::analyze;
use hoist::format::FileFormat;
use hoist::model::{Detection, Kind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/detect/text");

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_none_or(|e| e != "expected") {
            out.push(p);
        }
    }
}

fn render(text: &str, dets: &[Detection]) -> String {
    let mut letters: BTreeMap<String, char> = BTreeMap::new();
    let mut out = String::new();
    for d in dets {
        let line = text[..d.span.start].matches('\n').count() + 1;
        let n = letters.len();
        let group = d.group.as_ref().map(|g| *letters.entry(g.clone()).or_insert((b'A' + n as u8) as char));
        let kind = if d.kind == Kind::Secret { "secret" } else { "config" };
        out.push_str(&format!(
            "{line}\t{}\t{kind}\t{}\t{}\t{:?}\t{}\n",
            d.name.as_deref().unwrap_or("-"),
            d.key.as_deref().unwrap_or("-"),
            group.unwrap_or('-'),
            d.severity,
            &text[d.span.start..d.span.end],
        ));
        if let Some(dep) = &d.deploy {
            out.insert_str(out.len() - 1, &format!("\t{}/{}", dep.kind, dep.container.as_deref().unwrap_or("")));
        }
    }
    out
}

#[test]
fn text_fixtures_produce_exactly_the_expected_findings() {
    text_fixtures(Mode::Compare);
}

#[test]
#[ignore = "rewrites testdata/detect/text/**.expected: run scripts/bless"]
fn bless_text_fixtures() {
    text_fixtures(bless::guard("bless_text_fixtures"));
}

fn text_fixtures(mode: Mode) {
    let bless = mode == Mode::Bless;
    let mut files = Vec::new();
    walk(Path::new(ROOT), &mut files);
    files.sort();
    assert!(files.len() >= 20, "fixture suite shrank: {}", files.len());
    let mut failures = Vec::new();
    let mut positives = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let rel = f.strip_prefix(ROOT).unwrap();
        let dets = analyze(rel, FileFormat::of(rel), &text);
        for d in &dets {
            assert!(d.span.end <= text.len() && !d.value.is_empty(), "{}: bad span", f.display());
            // (Weak values like `password` may coincide with a rule id; check the distinctive ones.)
            let dbg = format!("{d:?}");
            let v = d.value.expose();
            let named = d.rule.contains(v) || d.name.as_deref().is_some_and(|n| n.contains(v));
            assert!(
                d.kind != Kind::Secret || v.len() < 4 || named || !dbg.contains(v),
                "{}: a value leaks through Debug",
                f.display()
            );
        }
        let got = render(&text, &dets);
        let exp = PathBuf::from(format!("{}.expected", f.display()));
        if bless {
            std::fs::write(&exp, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&exp).unwrap_or_else(|_| panic!("{} has no .expected", f.display()));
        let decoy = f.file_name().unwrap().to_string_lossy().starts_with("decoy") || rel.starts_with("fp");
        if decoy {
            assert!(want.is_empty(), "{}: decoys expect nothing", f.display());
        } else {
            positives += 1;
            assert!(!want.is_empty(), "{}: a positive fixture must expect findings", f.display());
        }
        if got != want {
            failures.push(format!("== {}\n-- want\n{want}-- got\n{got}", f.display()));
        }
    }
    assert!(bless || positives >= 12, "too few positive fixtures: {positives}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
