//! Fixture tests for the config and deployment-file detectors: every file under
//! `testdata/detect/config/<format>/` has a sibling `<file>.expected` listing exactly the findings
//! it must produce, one per line (tab-separated):
//!
//! `line  name  kind  key  group  deploy  text`
//!
//! `group` is a letter standing for the file-local group label (findings with the same letter
//! share a group, different letters differ), `deploy` is `kind/container` or `-`, and `text` is
//! the exact bytes of the finding's span. Decoy files have an empty `.expected`.
//! `scripts/bless` rewrites the `.expected` files from the current output (the ignored
//! `bless_config_fixtures` test; review the diff!); the normal test only compares.

mod common;

use common::bless::{self, Mode};

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
    config_fixtures(Mode::Compare);
}

#[test]
#[ignore = "rewrites testdata/detect/config/**.expected: run scripts/bless"]
fn bless_config_fixtures() {
    config_fixtures(bless::guard("bless_config_fixtures"));
}

fn config_fixtures(mode: Mode) {
    let bless = mode == Mode::Bless;
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

#[test]
fn embedded_documents_report_file_offsets() {
    let outer = "#!/bin/sh\ncat > td.json <<'EOF'\n";
    let snippet = "{\"containerDefinitions\": [{\"name\": \"web\", \"image\": \"x\", \"environment\": [{\"name\": \"DB_PASSWORD\", \"value\": \"emb-Pw-4417q\"}]}]}\n";
    let file = format!("{outer}{snippet}EOF\n");
    let dets = hoist::detect::config::analyze_embedded(Path::new("deploy.sh"), FileFormat::Json, snippet, outer.len());
    assert_eq!(dets.len(), 1);
    assert_eq!(&file[dets[0].span.start..dets[0].span.end], "emb-Pw-4417q");
    assert_eq!(dets[0].deploy.as_ref().map(|d| d.kind.as_str()), Some("ecs-task-definition"));
}

/// Every secret value and span text the fixtures hold (the shorter ones could match by accident).
fn fixture_secrets() -> Vec<String> {
    let mut out = Vec::new();
    for f in fixtures() {
        let text = std::fs::read_to_string(&f).unwrap();
        let rel = Path::new(f.file_name().unwrap());
        for d in analyze(rel, FileFormat::of(rel), &text).into_iter().filter(|d| d.kind == Kind::Secret) {
            out.push(d.value.expose().to_string());
            out.push(text[d.span.start..d.span.end].to_string());
        }
    }
    out.retain(|v| v.len() >= 6);
    out.sort();
    out.dedup();
    out
}

#[test]
fn scan_cli_reports_config_findings_grouped_and_never_prints_a_value() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/detect/config");
    let secrets = fixture_secrets();
    assert!(secrets.len() >= 40, "too few fixture secrets: {}", secrets.len());
    for format in ["human", "json", "sarif"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoist"))
            .args(["scan", "--format", format])
            .arg(&root)
            .env("NO_COLOR", "1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}: findings exit 1");
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        for s in &secrets {
            assert!(!all.contains(s.as_str()), "{format} output leaks a fixture value");
        }
        if format == "json" {
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let findings = v.as_array().unwrap();
            let compose: Vec<_> = findings
                .iter()
                .filter(|f| f["path"] == "yaml/docker-compose.yml" && f["deploy"]["container"] == "db")
                .collect();
            assert_eq!(compose.len(), 3, "MYSQL_DATABASE, MYSQL_USER, MYSQL_PASSWORD");
            assert!(
                compose.iter().all(|f| f["group"] == compose[0]["group"] && f["deploy"]["kind"] == "docker-compose")
            );
            assert_eq!(compose.iter().filter(|f| f["kind"] == "secret").count(), 1);
        }
    }
}
