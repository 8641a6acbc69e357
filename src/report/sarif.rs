//! SARIF 2.1.0 output, in the shape GitHub code scanning accepts.

use crate::model::{CommitInfo, Finding, HistoryFinding, Kind, Severity};
use crate::rules::Rule;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// How a SARIF log is laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SarifOptions {
    /// Prepended to every finding's path so URIs are relative to the repository root even when a
    /// subdirectory was scanned (`services/api/`; empty when the scan root is the repository root).
    pub uri_prefix: String,
    /// Also report `config` findings (hosts, ports beside a credential): not alerts, so off by default.
    pub include_config: bool,
    /// The value fingerprints are keyed by a committed `.hoist/salt`, so they hold across runs and
    /// machines and can go into `partialFingerprints`; without one they change every run and are left out.
    pub stable_value_fingerprints: bool,
    /// `automationDetails.id`: which analysis this run is (`hoist/scan/`, `hoist/history/`…), so code
    /// scanning keeps separate runs apart.
    pub automation_id: String,
}

impl Default for SarifOptions {
    fn default() -> Self {
        Self {
            uri_prefix: String::new(),
            include_config: false,
            stable_value_fingerprints: false,
            automation_id: "hoist/scan/".into(),
        }
    }
}

/// Writes a SARIF log with one run and default options. `rules` names the rules that findings may
/// reference; findings from detectors without a rule entry get a generated descriptor.
pub fn write_sarif<'a>(
    out: &mut dyn Write,
    findings: &[Finding],
    rules: impl Iterator<Item = &'a Rule>,
) -> io::Result<()> {
    write_sarif_with(out, findings, rules, &SarifOptions::default())
}

/// Writes a SARIF log with one run, laid out by `opts`.
pub fn write_sarif_with<'a>(
    out: &mut dyn Write,
    findings: &[Finding],
    rules: impl Iterator<Item = &'a Rule>,
    opts: &SarifOptions,
) -> io::Result<()> {
    let items: Vec<(&Finding, Option<&CommitInfo>)> = findings.iter().map(|f| (f, None)).collect();
    write_log(out, &items, rules, opts)
}

/// Writes a history scan's findings as SARIF: each result names the commit that first added the
/// value (`properties.commit`, author and date) besides its path and line as of that commit.
pub fn write_sarif_history<'a>(
    out: &mut dyn Write,
    findings: &[HistoryFinding],
    rules: impl Iterator<Item = &'a Rule>,
    opts: &SarifOptions,
) -> io::Result<()> {
    let items: Vec<(&Finding, Option<&CommitInfo>)> = findings.iter().map(|h| (&h.finding, Some(&*h.commit))).collect();
    write_log(out, &items, rules, opts)
}

/// GitHub's `security-severity` (0–10; ≥ 9 critical, ≥ 7 high, ≥ 4 medium) for a finding.
pub fn security_severity(kind: Kind, severity: Severity) -> f64 {
    match (kind, severity) {
        (Kind::Config, _) => 1.0,
        (_, Severity::High) => 9.0,
        (_, Severity::Medium) => 7.5,
        (_, Severity::Low) => 3.0,
    }
}

fn write_log<'a>(
    out: &mut dyn Write,
    items: &[(&Finding, Option<&CommitInfo>)],
    rules: impl Iterator<Item = &'a Rule>,
    opts: &SarifOptions,
) -> io::Result<()> {
    let items: Vec<(&Finding, Option<&CommitInfo>)> =
        items.iter().copied().filter(|(f, _)| opts.include_config || f.kind != Kind::Config).collect();
    let known: BTreeMap<&str, &Rule> = rules.map(|r| (r.id.as_str(), r)).collect();
    // Each rule's descriptor carries the highest security-severity among its results.
    let mut used: BTreeMap<&str, f64> = BTreeMap::new();
    for (f, _) in &items {
        let sev = security_severity(f.kind, f.severity);
        let e = used.entry(f.rule.as_str()).or_insert(sev);
        *e = e.max(sev);
    }
    let index: BTreeMap<&str, usize> = used.keys().enumerate().map(|(i, id)| (*id, i)).collect();
    let descriptors: Vec<Value> = used
        .iter()
        .map(|(id, sev)| {
            let name = known.get(id).map_or_else(|| id.to_string(), |r| r.name.clone());
            let provider = !id.starts_with("generic.") && !id.starts_with("config.") && known.contains_key(id);
            json!({
                "id": id,
                "name": camel(id),
                "shortDescription": { "text": name },
                "fullDescription": { "text": format!("{name}: a hardcoded credential that belongs in AWS Secrets Manager.") },
                "help": {
                    "text": "Move the value to AWS Secrets Manager with `hoist migrate`, or allow it inline with `hoist:allow`. A value that was ever committed must also be rotated.",
                    "markdown": "Move the value to AWS Secrets Manager with `hoist migrate`, or allow it inline with a `hoist:allow` comment. A value that was ever committed must also be **rotated** at its provider."
                },
                "defaultConfiguration": { "level": if *sev >= 4.0 { "error" } else { "warning" } },
                "properties": {
                    "tags": ["security", "secrets"],
                    "security-severity": format!("{sev:.1}"),
                    "precision": if provider { "high" } else { "medium" }
                }
            })
        })
        .collect();
    let mut ordinals: BTreeMap<(String, &str, Option<&str>), usize> = BTreeMap::new();
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
            let uri = format!("{}{}", opts.uri_prefix, crate::scan::slash_path(&f.path));
            // A location fingerprint that holds across runs without naming the value: the rule,
            // the file, the holding name and which such finding it is in the file (no line numbers,
            // so moving code doesn't make a new alert).
            let n = ordinals.entry((uri.clone(), f.rule.as_str(), f.name.as_deref())).or_insert(0);
            *n += 1;
            let place = location_fingerprint(&uri, &f.rule, f.name.as_deref(), *n);
            let mut fingerprints = json!({ "hoist/location/v1": place });
            if opts.stable_value_fingerprints {
                fingerprints["hoist/v1"] = json!(f.fingerprint.0);
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index[f.rule.as_str()],
                "level": level,
                "message": { "text": format!("Hardcoded {}: {what}", if f.kind == Kind::Secret { "secret" } else { "config value" }) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_path(&uri), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": f.line, "startColumn": f.column }
                    }
                }],
                "partialFingerprints": fingerprints
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
            "automationDetails": { "id": opts.automation_id },
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn location_fingerprint(uri: &str, rule: &str, name: Option<&str>, ordinal: usize) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [uri, rule, name.unwrap_or(""), &ordinal.to_string()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..16])
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
