//! Fixture tests for language-aware detection in source code. Every file under
//! `testdata/detect/code/<lang>/` is analysed; a file `x.py` is checked against `x.py.expected`
//! (one `line:name:kind:key:group` per finding, in order); files named `decoy*` have no
//! `.expected` and must produce nothing. No secret value may appear in a detection's `Debug`.

use hoist::detect;
use hoist::format::FileFormat;
use hoist::model::{Detection, Kind};
use std::fs;
use std::path::{Path, PathBuf};

const ROOT: &str = "testdata/detect/code";

fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for lang in fs::read_dir(ROOT).expect("fixture root exists") {
        let lang = lang.unwrap().path();
        for f in fs::read_dir(&lang).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_none_or(|e| e != "expected") {
                out.push(f);
            }
        }
    }
    out.sort();
    out
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn render(text: &str, ds: &[Detection]) -> Vec<String> {
    ds.iter()
        .map(|d| {
            let kind = match d.kind {
                Kind::Secret => "secret",
                Kind::Config => "config",
            };
            format!(
                "{}:{}:{kind}:{}:{}",
                line_of(text, d.span.start),
                d.name.as_deref().unwrap_or("-"),
                d.key.as_deref().unwrap_or("-"),
                d.group.as_deref().unwrap_or("-"),
            )
        })
        .collect()
}

fn analyze(path: &Path) -> (String, Vec<Detection>) {
    let text = fs::read_to_string(path).unwrap();
    let format = FileFormat::of(path);
    let ds = detect::analyze(path, format, &text);
    (text, ds)
}

#[test]
fn every_language_has_positives_and_decoys() {
    let langs = ["python", "javascript", "typescript", "go", "java", "ruby", "php", "shell"];
    let all = files();
    for lang in langs {
        let in_lang: Vec<_> = all.iter().filter(|f| f.parent().unwrap().ends_with(lang)).collect();
        let decoys = in_lang.iter().filter(|f| f.file_name().unwrap().to_string_lossy().starts_with("decoy")).count();
        assert!(decoys >= 1, "{lang}: no decoy fixture");
        assert!(in_lang.len() > decoys, "{lang}: no positive fixture");
    }
}

#[test]
fn fixtures_produce_exactly_the_expected_findings() {
    let mut failures = Vec::new();
    for f in files() {
        let (text, ds) = analyze(&f);
        let got = render(&text, &ds);
        let decoy = f.file_name().unwrap().to_string_lossy().starts_with("decoy");
        let expected_path = PathBuf::from(format!("{}.expected", f.display()));
        let want: Vec<String> = if decoy {
            assert!(!expected_path.exists(), "{}: decoys expect nothing", f.display());
            Vec::new()
        } else {
            fs::read_to_string(&expected_path)
                .unwrap_or_else(|_| panic!("{} has no .expected file", f.display()))
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                .map(str::to_string)
                .collect()
        };
        if !decoy {
            assert!(!want.is_empty(), "{}: a positive fixture must expect findings", f.display());
        }
        if got != want {
            failures.push(format!("{}:\n  want {want:#?}\n  got  {got:#?}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn debug_output_never_shows_a_secret() {
    let mut checked = 0;
    for f in files() {
        let (_, ds) = analyze(&f);
        let debug = format!("{ds:?}");
        for d in ds.iter().filter(|d| d.kind == Kind::Secret) {
            checked += 1;
            assert!(!debug.contains(d.value.expose()), "{}: a secret leaks in Debug", f.display());
        }
    }
    assert!(checked >= 40, "only {checked} secrets checked");
}

/// Every span reads back to its value in one of the spellings a site can record (raw, escapes,
/// percent-encoding, a normalised DSN engine…): no kind of span is skipped, so a detection whose
/// span holds other text than its value (which `diff`/`apply` would call stale) fails here.
#[test]
fn spans_cover_exactly_the_value() {
    let mut checked = 0;
    for f in files() {
        let (text, ds) = analyze(&f);
        for d in &ds {
            let raw = &text[d.span.start..d.span.end];
            let encoding = hoist::site::encoding_of(raw, d.value.expose());
            assert!(
                encoding.is_some(),
                "{}:{}: the span's text reads back to no spelling of the value (key {:?})",
                f.display(),
                line_of(&text, d.span.start),
                d.key
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} spans checked");
}

#[test]
fn truncated_sources_never_panic() {
    // Half-typed files (pre-commit hooks see them) give parse errors and unterminated literals.
    let mut parsed = 0;
    for f in files() {
        let text = fs::read_to_string(&f).unwrap();
        let format = FileFormat::of(&f);
        for cut in (1..text.len()).step_by(13).filter(|&c| text.is_char_boundary(c)) {
            let ds = detect::analyze(&f, format, &text[..cut]);
            for d in ds {
                assert!(d.span.end <= cut, "{}: span past the end", f.display());
            }
            parsed += 1;
        }
    }
    assert!(parsed > 500, "only {parsed} truncations parsed");
}
