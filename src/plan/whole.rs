//! Whole connection strings: a URL or DSN in a deployment environment entry that can't
//! interpolate (an ECS task definition's `environment`, a Kubernetes container's `env`,
//! CloudFormation `Environment`) moves as **one key holding the whole string** (`database_url`),
//! beside the rotation-shaped parts (`password`, `host`…) that still fill their keys. The entry
//! then becomes a `valueFrom` / `secretKeyRef` of that key. Formats that interpolate (compose,
//! Terraform) keep the string and move only the password, so they get no whole-value finding.

use crate::model::{Finding, Fingerprinter, Kind, SecretValue, Span};
use crate::site::{Encoding, Quoting, encoding_of};
use std::collections::BTreeMap;
use std::path::Path;

/// The rule id of a synthetic whole-string finding.
pub const RULE: &str = "whole.connection-string";

/// True for a whole-string finding made here.
pub fn is_whole(f: &Finding) -> bool {
    f.rule == RULE
}

/// Deployment kinds whose environment values are literal (no `${…}` expansion by the deployer).
const LITERAL_ENV: &[&str] = &["ecs-task-definition", "kubernetes", "cloudformation"];

/// Adds one whole-string finding for every connection string whose credential sits in a literal
/// deployment environment entry (see the module doc). `root` is where the findings' paths live;
/// a file that can't be read adds nothing.
pub fn add_whole_urls(root: &Path, findings: &mut Vec<Finding>, fp: &Fingerprinter) {
    // The parts of one connection string share a detector group.
    let mut groups: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings.iter() {
        if let Some(g) = f.group.as_deref() {
            groups.entry(g).or_default().push(f);
        }
    }
    let mut texts: BTreeMap<&Path, Option<String>> = BTreeMap::new();
    let mut out: Vec<Finding> = Vec::new();
    for parts in groups.values() {
        let Some(cred) = parts.iter().find(|f| f.kind == Kind::Secret && !is_whole(f) && super::sites::in_url(f))
        else {
            continue;
        };
        let Some(d) = cred.deploy.as_ref().filter(|d| LITERAL_ENV.contains(&d.kind.as_str())) else { continue };
        let Some(name) = cred.name.as_deref().filter(|n| crate::plan::naming::is_env_var(n)) else { continue };
        let text = texts
            .entry(cred.path.as_path())
            .or_insert_with(|| std::fs::read_to_string(root.join(&cred.path)).ok())
            .as_deref();
        let Some(text) = text else { continue };
        let same_line: Vec<Span> =
            parts.iter().filter(|p| p.path == cred.path && p.line == cred.line).map(|p| p.span).collect();
        let Some((span, raw, quoting)) = enclosing_scalar(text, &same_line) else { continue };
        let value = match quoting {
            Quoting::Raw => raw.to_string(),
            q => match (Encoding { quoting: q, part: crate::site::Part::Whole }).decode(raw) {
                Some(v) => v,
                None => continue,
            },
        };
        // A template keeps its placeholders: the deployer fills them, so the string isn't a
        // constant hoist could store.
        if value.contains("${") || value.contains("{{") || !value.contains("://") {
            continue;
        }
        if out.iter().chain(findings.iter()).any(|o| is_whole(o) && o.path == cred.path && o.span == span) {
            continue;
        }
        let encoding = encoding_of(raw, &value);
        let v = SecretValue::new(value);
        let key = crate::plan::naming::snake_key(name);
        out.push(Finding {
            path: cred.path.clone(),
            line: cred.line,
            column: cred.column,
            span,
            rule: RULE.into(),
            kind: Kind::Secret,
            severity: cred.severity,
            name: Some(name.to_string()),
            group: cred.group.clone(),
            key: Some(if key.is_empty() { "url".into() } else { key }),
            format: cred.format.clone(),
            deploy: Some(d.clone()),
            fingerprint: fp.fingerprint(v.expose()),
            encoding,
            raw_fingerprint: (raw != v.expose()).then(|| fp.fingerprint(raw)),
            preview: v.preview(),
            value: v,
        });
    }
    findings.extend(out);
}

/// The quoted (or plain YAML) scalar around `parts` on their line: its content span, raw text
/// and quoting. `None` when the parts don't sit inside one scalar.
fn enclosing_scalar<'t>(text: &'t str, parts: &[Span]) -> Option<(Span, &'t str, Quoting)> {
    let start = parts.iter().map(|s| s.start).min()?;
    let end = parts.iter().map(|s| s.end).max()?;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    let before = &text[line_start..start];
    let after = &text[end..line_end];
    let quote = before.rfind(['"', '\'']);
    match quote {
        Some(q) => {
            let qc = before.as_bytes()[q];
            let open = line_start + q + 1;
            // The closing quote: the first unescaped one after the parts.
            let mut i = 0;
            let bytes = after.as_bytes();
            let close = loop {
                if i >= bytes.len() {
                    return None;
                }
                match bytes[i] {
                    b'\\' if qc == b'"' => i += 2,
                    b if b == qc => break end + i,
                    _ => i += 1,
                }
            };
            let raw = &text[open..close];
            let quoting = if qc == b'"' {
                if raw.contains('\\') { Quoting::Json } else { Quoting::Raw }
            } else if raw.contains("''") {
                Quoting::YamlSingle
            } else {
                Quoting::Raw
            };
            Some((Span::new(open, close), raw, quoting))
        }
        None => {
            // A plain YAML scalar: after `key: ` / `- `, to the end of the line or a comment.
            let colon = before.rfind(": ").map(|i| i + 2).or_else(|| before.rfind("- ").map(|i| i + 2))?;
            if before[colon..].trim().contains(' ') {
                return None;
            }
            let open = line_start + colon + (before[colon..].len() - before[colon..].trim_start().len());
            let tail = after.find(" #").map_or(after, |i| &after[..i]).trim_end();
            let close = end + tail.len();
            let raw = &text[open..close];
            (!raw.contains(char::is_whitespace)).then_some((Span::new(open, close), raw, Quoting::Raw))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scalar_around_the_parts_is_found_in_json_and_yaml() {
        let t = r#"{"name": "DATABASE_URL", "value": "postgres://u:pw@db:5432/app"}"#;
        let pw = t.find("pw").unwrap();
        let (span, raw, q) = enclosing_scalar(t, &[Span::new(pw, pw + 2)]).unwrap();
        assert_eq!(raw, "postgres://u:pw@db:5432/app");
        assert_eq!(&t[span.start..span.end], raw);
        assert_eq!(q, Quoting::Raw);
        let y = "env:\n  - name: DB_URL\n    value: mysql://u:pw@db/app # prod\n";
        let pw = y.find("pw").unwrap();
        let (_, raw, _) = enclosing_scalar(y, &[Span::new(pw, pw + 2)]).unwrap();
        assert_eq!(raw, "mysql://u:pw@db/app");
        let y = "    value: 'mysql://u:it''s@db/app'\n";
        let pw = y.find("it").unwrap();
        let (_, raw, q) = enclosing_scalar(y, &[Span::new(pw, pw + 5)]).unwrap();
        assert_eq!((raw, q), ("mysql://u:it''s@db/app", Quoting::YamlSingle));
    }
}

#[cfg(test)]
mod plan_tests {
    use crate::model::Strategy;
    use crate::plan::testutil::{TEST_SALT, cfg, deployed, secret};

    /// A DSN in an ECS environment entry: the whole string is one key whose site is `env` (the
    /// entry becomes a `valueFrom`), its parts stay `skip` and still fill the rotation keys.
    #[test]
    fn a_whole_connection_string_is_one_env_key_beside_its_parts() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"{"containerDefinitions": [{"name": "web", "environment": [{"name": "DATABASE_URL", "value": "postgres://app:Pw0rd9x@db:5432/shop"}]}]}"#;
        std::fs::write(dir.path().join("task.json"), text).unwrap();
        let at = |s: &str| text.find(s).unwrap();
        let g = Some("task.json#web:database_url");
        let mut pw = deployed(
            secret("task.json", 0, "Pw0rd9x", g, "DATABASE_URL", Some("password")),
            "ecs-task-definition",
            "web",
        );
        pw.span = crate::model::Span::new(at("Pw0rd9x"), at("Pw0rd9x") + 7);
        let mut host = deployed(cfg("task.json", 0, "db", g, "DATABASE_URL", "host"), "ecs-task-definition", "web");
        host.span = crate::model::Span::new(at("@db") + 1, at("@db") + 3);
        pw.line = 1;
        host.line = 1;
        let mut fs = vec![pw, host];
        let fp = crate::model::Fingerprinter::from_hex(TEST_SALT).unwrap();
        super::add_whole_urls(dir.path(), &mut fs, &fp);
        assert_eq!(fs.len(), 3, "one whole-string finding added");
        assert_eq!(fs[2].value.expose(), "postgres://app:Pw0rd9x@db:5432/shop");
        let opts = crate::plan::PlanOptions {
            app: "shop".into(),
            env: None,
            name_template: crate::plan::naming::DEFAULT_TEMPLATE.into(),
            tags: Default::default(),
            kms_key_id: None,
            salt: TEST_SALT.into(),
            runners: Vec::new(),
        };
        let plan = crate::plan::build(&fs, &opts).unwrap().plan;
        assert_eq!(plan.secrets.len(), 1);
        let keys: Vec<(&str, Strategy)> =
            plan.secrets[0].keys.iter().map(|k| (k.key.as_str(), k.sites[0].strategy)).collect();
        assert_eq!(keys, [("host", Strategy::Skip), ("password", Strategy::Skip), ("database_url", Strategy::Env)]);
        assert!(crate::plan::validate(&plan, dir.path()).is_ok(), "{:?}", crate::plan::validate(&plan, dir.path()));
    }
}
