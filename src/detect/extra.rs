//! Detectors that read any file whatever its format, beside the format's own: credentials on
//! command lines ([`super::cmdline`]) and in SQL statements ([`super::sql`]). What they find is
//! added where the format's detectors found nothing at the same bytes.

use super::{cmdline, docs, group, sql};
use crate::format::FileFormat;
use crate::model::{Detection, Severity};
use std::path::Path;

/// Adds the cross-format detections of `text` to `out` (spans the format's detectors already
/// cover are theirs).
pub fn extend(rel: &Path, format: FileFormat, text: &str, out: &mut Vec<Detection>) {
    use FileFormat::*;
    // In source code a flag and its value are separate expressions (`["--password", pw]`); the
    // grammar-aware detectors read them.
    let code = matches!(format, Python | JavaScript | TypeScript | Tsx | Go | Java | Ruby | Php | Kotlin | CSharp);
    let mut cands = if code { Vec::new() } else { cmdline::candidates(text) };
    cands.extend(sql::candidates(text));
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
