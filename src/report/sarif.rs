//! SARIF 2.1.0 output, in the shape GitHub code scanning accepts.

use crate::model::{CommitInfo, Finding, HistoryFinding, Kind, Severity};
use crate::rules::Rule;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Writes a SARIF log with one run. `rules` names the rules that findings may reference;
/// findings from detectors without a rule entry get a generated descriptor.
pub fn write_sarif<'a>(
    out: &mut dyn Write,
    findings: &[Finding],
    rules: impl Iterator<Item = &'a Rule>,
) -> io::Result<()> {
    let items: Vec<(&Finding, Option<&CommitInfo>)> = findings.iter().map(|f| (f, None)).collect();
    write_log(out, &items, rules)
}

/// Writes a history scan's findings as SARIF: each result names the commit that first added the
/// value (`properties.commit`, author and date) besides its path and line as of that commit.
pub fn write_sarif_history<'a>(
    out: &mut dyn Write,
    findings: &[HistoryFinding],
    rules: impl Iterator<Item = &'a Rule>,
) -> io::Result<()> {
    let items: Vec<(&Finding, Option<&CommitInfo>)> = findings.iter().map(|h| (&h.finding, Some(&*h.commit))).collect();
    write_log(out, &items, rules)
}

fn write_log<'a>(
    out: &mut dyn Write,
    items: &[(&Finding, Option<&CommitInfo>)],
    rules: impl Iterator<Item = &'a Rule>,
) -> io::Result<()> {
    let findings: Vec<&Finding> = items.iter().map(|(f, _)| *f).collect();
    let known: BTreeMap<&str, &Rule> = rules.map(|r| (r.id.as_str(), r)).collect();
    let mut used: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    used.sort();
    used.dedup();
    let descriptors: Vec<Value> = used
        .iter()
        .map(|id| {
            let name = known.get(id).map_or_else(|| id.to_string(), |r| r.name.clone());
            json!({
                "id": id,
                "name": camel(id),
                "shortDescription": { "text": name },
                "fullDescription": { "text": format!("{name}: a hardcoded credential that belongs in AWS Secrets Manager.") },
                "help": { "text": "Move the value to AWS Secrets Manager with `hoist migrate`, or allow it inline with `hoist:allow`." },
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["security", "secrets"] }
            })
        })
        .collect();
    let results: Vec<Value> = items
        .iter()
        .map(|&(f, commit)| {
            let level = match (f.kind, f.severity) {
                (Kind::Config, _) => "note",
                (_, Severity::Low) => "warning",
                _ => "error",
            };
            let what = match &f.name {
                Some(n) => format!("{} in `{n}` ({})", f.rule, f.preview),
                None => format!("{} ({})", f.rule, f.preview),
            };
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": used.iter().position(|u| *u == f.rule).unwrap_or(0),
                "level": level,
                "message": { "text": format!("Hardcoded {}: {what}", if f.kind == Kind::Secret { "secret" } else { "config value" }) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_path(&crate::scan::slash_path(&f.path)), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": f.line, "startColumn": f.column }
                    }
                }],
                "partialFingerprints": { "hoist/v1": f.fingerprint.0 }
            });
            if let Some(c) = commit {
                result["properties"] = json!({ "commit": c.id, "author": c.author, "email": c.email, "date": c.date });
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "hoist",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors
            }},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

/// A relative path as a URI reference: bytes outside RFC 3986's path characters are percent-encoded
/// (a space in a folder name would otherwise make the log invalid; `:` too, lest `c:x` read as a scheme).
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn camel(id: &str) -> String {
    id.split(['.', '-', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_path("a b/caf\u{e9}.py"), "a%20b/caf%C3%A9.py");
        assert_eq!(uri_path("src/app.py"), "src/app.py");
        assert_eq!(uri_path("x/100%.txt"), "x/100%25.txt");
    }
}
