//! Detectors that read any file whatever its format, beside the format's own: credentials on
//! command lines ([`super::cmdline`]) and in SQL statements ([`super::sql`]), added where the
//! format's detectors found nothing at the same bytes; and documents embedded in scripts and CI
//! files ([`super::embedded`]: task definitions in heredocs and AWS CLI arguments), which replace
//! what the format's detectors found at the same bytes (they know the deployment context).

use super::{cmdline, docs, embedded, group};
use crate::format::FileFormat;
use crate::model::{Detection, Severity};
use std::path::Path;

/// Adds the cross-format detections of `text` to `out` (spans the format's detectors already
/// cover are theirs).
pub fn extend(rel: &Path, format: FileFormat, text: &str, out: &mut Vec<Detection>) {
    use FileFormat::*;
    // Source code of a language without a grammar here (`.rs`, `.c`) is code like Kotlin's.
    let grammarless_code = format == Text && FileFormat::names_code(rel);
    if matches!(format, Shell | Text | Dockerfile | Yaml) && !grammarless_code {
        embed(rel, text, matches!(format, Shell | Dockerfile), out);
    }
    // In source code a flag and its value are separate expressions (`["--password", pw]`); the
    // grammar-aware detectors and the tolerant tokenizer read them.
    let code = grammarless_code
        || matches!(format, Python | JavaScript | TypeScript | Tsx | Go | Java | Ruby | Php | Kotlin | CSharp);
    let cands = cmdline::with_sql(text, !code, true);
    let found = group::group(cands);
    if found.is_empty() {
        return;
    }
    let low = docs::is_doc(rel);
    let before = out.len();
    for mut d in found {
        if out[..before].iter().any(|o| !super::is_site(o) && o.span.overlaps(&d.span)) {
            continue;
        }
        if low {
            d.severity = Severity::Low;
        }
        // Labels are file-local: keep these apart from the format detectors' groups.
        d.group = d.group.map(|g| format!("cmd:{g}"));
        out.push(d);
    }
    out.sort_by_key(|d| d.span.start);
}

/// Adds the detections of the documents embedded in `text`; what the host format's detectors
/// found inside an embedded document gives way to them. `script`: the host is a script, whose
/// other heredocs the line detectors read too (beside what the host's detectors found there).
fn embed(rel: &Path, text: &str, script: bool, out: &mut Vec<Detection>) {
    let regions = if script { embedded::regions_in_script(text) } else { embedded::regions(text) };
    if regions.is_empty() {
        return;
    }
    let low = docs::is_doc(rel);
    let document = |r: &embedded::Region| r.is_document();
    out.retain(|d| !regions.iter().any(|r| document(r) && r.span.start <= d.span.start && d.span.end <= r.span.end));
    let host = out.len();
    for r in regions {
        let snippet = &text[r.span.start..r.span.end];
        let found = match r.format {
            FileFormat::Php => embedded::analyze_php(text, &r),
            _ => super::config::analyze_embedded(rel, r.format, snippet, r.span.start),
        };
        for mut d in found {
            if !document(&r) && out[..host].iter().any(|o| !super::is_site(o) && o.span.overlaps(&d.span)) {
                continue;
            }
            if low {
                d.severity = Severity::Low;
            }
            // Labels are file-local: keep each document's apart from the host file's.
            d.group = d.group.map(|g| format!("doc@{}:{g}", r.span.start));
            // The planner and the rewriter must know this file isn't the document.
            if let Some(info) = &mut d.deploy {
                info.embedded = true;
            }
            out.push(d);
        }
    }
    out.sort_by_key(|d| d.span.start);
}
