//! Language-aware detection: credential-named literals, connection strings, config values that
//! belong with a credential, and deployment-file environment entries, found with tree-sitter and
//! line grammars where a provider regex can't judge. `analyze` dispatches on the file format.

pub mod cmdline;
pub mod config;
pub mod docs;
pub mod dsn;
pub mod embedded;
mod extra;
pub mod group;
pub mod judge;
pub mod lang;
pub mod sniff;
pub mod sql;
pub mod words;

use crate::format::FileFormat;
use crate::model::Detection;
use std::path::Path;

/// The rule id of a deployment site: an environment entry of a deployment file (ECS container,
/// Kubernetes workload, compose service…) that no detector reported. Not a finding: the scanner
/// gives its name and deployment context to a provider rule's finding at the same bytes
/// (`STRIPE_KEY: sk_live_…` in a CronJob's `env`), so the planner knows where it is injected,
/// and drops the site otherwise.
pub const SITE: &str = "deploy.site";

/// True for a [`SITE`] detection (no finding of its own; other detectors' overlap checks pass it by).
pub fn is_site(d: &Detection) -> bool {
    d.rule == SITE
}

/// The detections without the [`SITE`]s.
pub(crate) fn without_sites(mut out: Vec<Detection>) -> Vec<Detection> {
    out.retain(|d| !is_site(d));
    out
}

/// Detects credentials and their config companions in one UTF-8 file.
/// `rel` is the path relative to the scanned root.
pub fn analyze(rel: &Path, format: FileFormat, text: &str) -> Vec<Detection> {
    without_sites(analyze_sited(rel, format, text, false))
}

/// [`analyze`] and the deployment [`SITE`]s among the detections, for the scanner's merge with
/// the provider rules. `rules_found`: the rules found something in this file, so a deployment
/// file is read for its sites even when no credential word would make it worth parsing.
pub fn analyze_sited(rel: &Path, format: FileFormat, text: &str, rules_found: bool) -> Vec<Detection> {
    if is_hoist_output(rel) {
        return Vec::new();
    }
    words::scope(text, None, || analyze_file(rel, format, text, rules_found))
}

/// [`analyze_sited`] within the file's keyword-pass scope.
fn analyze_file(rel: &Path, format: FileFormat, text: &str, rules_found: bool) -> Vec<Detection> {
    let mut out = analyze_format(rel, format, text, rules_found);
    extra::extend(rel, format, text, &mut out);
    if out.is_empty() {
        return out;
    }
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

/// `s` without every leading repetition of `prefix`: `str::trim_start_matches(prefix)` without
/// building a substring searcher, which costs more than the trim on the short words detectors
/// ask about per line or token.
pub(crate) fn trim_start_all<'a>(mut s: &'a str, prefix: &str) -> &'a str {
    while let Some(rest) = s.strip_prefix(prefix) {
        s = rest;
    }
    s
}

/// `s` without every trailing repetition of `suffix` (see [`trim_start_all`]).
pub(crate) fn trim_end_all<'a>(mut s: &'a str, suffix: &str) -> &'a str {
    while let Some(rest) = s.strip_suffix(suffix) {
        s = rest;
    }
    s
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

fn analyze_format(rel: &Path, format: FileFormat, text: &str, rules_found: bool) -> Vec<Detection> {
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
        _ if sniffs(rel, format) => unknown(rel, text),
        // Code without a grammar here, named so (`.rs`, `.c`): read as Kotlin and C# are, its
        // credential-named string literals (an unquoted value in code is an expression:
        // `token => token`, `let token = self[0]`, `<I as Stream>::Token: Clone`).
        _ if tokenized(rel, format) => sorted(config::generic_text(text, config::Values::Quoted)),
        // `*.config` holding `key = value` lines, not markup: read by what its content is.
        FileFormat::Xml if !FileFormat::is_template(rel) && sniff::is_not_xml(text) => unknown(rel, text),
        _ => config::analyze_sited(rel, format, text, rules_found),
    }
}

/// True for a file whose name says nothing about its format (plain text, no or an unknown
/// extension; not docs, templates or [`FileFormat::names_code`]): [`unknown`] reads it, sniffing
/// its content.
pub fn sniffs(rel: &Path, format: FileFormat) -> bool {
    tokenized(rel, format) && !FileFormat::names_code(rel)
}

/// True for a file no grammar reads unless its content names one: those [`sniffs`] reads by
/// content, and code of a language without a grammar here (`.rs`, `.c`), which the tolerant
/// tokenizer alone reads.
pub fn tokenized(rel: &Path, format: FileFormat) -> bool {
    format == FileFormat::Text && !docs::is_doc(rel) && !FileFormat::is_template(rel)
}

fn sorted(mut out: Vec<Detection>) -> Vec<Detection> {
    out.sort_by_key(|d| d.span.start);
    out
}

/// A file whose name says nothing: the sniffed format's detector, and the tolerant tokenizer for
/// what no grammar reads (its findings only where the first found nothing). A sniffed grammar
/// is not run over pathological nesting ([`crate::scan::limit::too_deep`]; noted).
fn unknown(rel: &Path, text: &str) -> Vec<Detection> {
    use crate::scan::limit;
    let sniffed = sniff::sniff(text).filter(|f| {
        let deep = !matches!(f, FileFormat::Json | FileFormat::Xml) && limit::too_deep(text.as_bytes());
        if deep {
            limit::note(limit::Limit::Depth);
        }
        !deep
    });
    let mut out = match sniffed {
        Some(f) => analyze(rel, f, text),
        None => Vec::new(),
    };
    for d in config::generic_text(text, config::Values::Any) {
        if !out.iter().any(|o| !is_site(o) && o.span.overlaps(&d.span)) {
            out.push(d);
        }
    }
    sorted(out)
}

/// The line detectors alone (`key: value`, `KEY=value`, `"key": "value"` lines), for a file the
/// language-aware detectors pass over (over the work budget, generated, minified).
pub fn lines_only(text: &str) -> Vec<Detection> {
    words::scope(text, None, || without_sites(drop_fakes(config::lines_only(text), text, false)))
}
