//! Language-aware detection: credential-named literals, connection strings, config values that
//! belong with a credential, and deployment-file environment entries, found with tree-sitter and
//! line grammars where a provider regex can't judge. `analyze` dispatches on the file format.

pub mod cmdline;
pub mod config;
pub mod docs;
pub mod dsn;
mod extra;
pub mod group;
pub mod judge;
pub mod lang;
pub mod sniff;
pub mod sql;

use crate::format::FileFormat;
use crate::model::Detection;
use std::path::Path;

/// Detects credentials and their config companions in one UTF-8 file.
/// `rel` is the path relative to the scanned root.
pub fn analyze(rel: &Path, format: FileFormat, text: &str) -> Vec<Detection> {
    if is_hoist_output(rel) {
        return Vec::new();
    }
    let mut out = analyze_format(rel, format, text);
    extra::extend(rel, format, text, &mut out);
    let fakes_too = crate::scan::is_test_path(rel) || docs::is_doc(rel);
    drop_fakes(out, text, fakes_too)
}

/// Drops the secrets the judge says are no credential at their site ([`judge::is_no_credential`]:
/// `test_or_doc` for tests, fixtures and docs; the URL login around the value, read from `text`)
/// and the config values grouped with a dropped secret.
fn drop_fakes(mut out: Vec<Detection>, text: &str, test_or_doc: bool) -> Vec<Detection> {
    let fake = |d: &Detection| {
        if d.kind != crate::model::Kind::Secret {
            return false;
        }
        let mut buf = Default::default();
        let name = d.name.as_deref().or(d.key.as_deref());
        let site =
            judge::Site { name, test_or_doc, ..judge::Site::at(text.as_bytes(), d.span.start, d.span.end, &mut buf) };
        judge::is_no_credential(d.value.expose(), &site)
    };
    let dropped: std::collections::HashSet<String> =
        out.iter().filter(|d| fake(d)).filter_map(|d| d.group.clone()).collect();
    let kept_groups: std::collections::HashSet<String> = out
        .iter()
        .filter(|d| d.kind == crate::model::Kind::Secret && !fake(d))
        .filter_map(|d| d.group.clone())
        .collect();
    out.retain(|d| {
        let orphan = d.kind == crate::model::Kind::Config
            && d.group.as_ref().is_some_and(|g| dropped.contains(g) && !kept_groups.contains(g));
        !(fake(d) || orphan)
    });
    out
}

/// hoist's own files: its state directory and the `hoist_secrets` helpers it writes. They name
/// secrets (ids, keys) and never hold one.
fn is_hoist_output(rel: &Path) -> bool {
    let stem = rel.file_stem().map(|s| s.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    rel.components().any(|c| c.as_os_str() == ".hoist")
        || stem == "hoist_secrets"
        || stem == "hoistsecrets"
        || stem == "hoist-secrets"
}

fn analyze_format(rel: &Path, format: FileFormat, text: &str) -> Vec<Detection> {
    match format {
        FileFormat::Python
        | FileFormat::JavaScript
        | FileFormat::TypeScript
        | FileFormat::Tsx
        | FileFormat::Go
        | FileFormat::Java
        | FileFormat::Ruby
        | FileFormat::Php
        | FileFormat::Shell => lang::analyze(format, text),
        // No grammar for these: credential-named string literals by the tolerant tokenizer.
        FileFormat::Kotlin | FileFormat::CSharp => config::generic_text(text, config::Values::Quoted),
        FileFormat::Text if docs::is_doc(rel) => docs::analyze(rel, text),
        FileFormat::Text if !FileFormat::is_template(rel) => unknown(rel, text),
        _ => config::analyze(rel, format, text),
    }
}

/// A file whose name says nothing: the sniffed format's detector, and the tolerant tokenizer for
/// what no grammar reads (its findings only where the first found nothing).
fn unknown(rel: &Path, text: &str) -> Vec<Detection> {
    let mut out = match sniff::sniff(text) {
        Some(f) => analyze(rel, f, text),
        None => Vec::new(),
    };
    for d in config::generic_text(text, config::Values::Any) {
        if !out.iter().any(|o| o.span.overlaps(&d.span)) {
            out.push(d);
        }
    }
    out.sort_by_key(|d| d.span.start);
    out
}

/// The line detectors alone (`key: value`, `KEY=value`, `"key": "value"` lines), for a file the
/// language-aware detectors pass over (over the work budget, generated, minified).
pub fn lines_only(text: &str) -> Vec<Detection> {
    drop_fakes(config::lines_only(text), text, false)
}
