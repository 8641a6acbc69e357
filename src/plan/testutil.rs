//! Synthetic findings for the planner's unit tests, fingerprinted with a fixed test key.

use crate::format::FileFormat;
use crate::model::{DeployInfo, Finding, Fingerprinter, Kind, SecretValue, Severity, Span};
use std::path::PathBuf;

/// The salt the synthetic findings are keyed with.
pub const TEST_SALT: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

fn finding(
    path: &str,
    at: usize,
    value: &str,
    group: Option<&str>,
    name: &str,
    key: Option<&str>,
    kind: Kind,
) -> Finding {
    let fp = Fingerprinter::from_hex(TEST_SALT).unwrap();
    let v = SecretValue::new(value);
    Finding {
        path: PathBuf::from(path),
        line: at / 10 + 1,
        column: 1,
        span: Span::new(at, at + value.len()),
        rule: match kind {
            Kind::Secret => "generic.password".into(),
            Kind::Config => format!("config.{}", key.unwrap_or("host")),
        },
        kind,
        severity: if crate::scan::is_test_path(std::path::Path::new(path)) { Severity::Low } else { Severity::Medium },
        name: Some(name.into()),
        group: group.map(str::to_string),
        key: key.map(str::to_string),
        format: FileFormat::of(std::path::Path::new(path)).as_str().into(),
        deploy: None,
        fingerprint: fp.fingerprint(value),
        encoding: Some(crate::site::Encoding::RAW),
        raw_fingerprint: None,
        preview: v.preview(),
        value: v,
    }
}

/// A credential finding.
pub fn secret(path: &str, at: usize, value: &str, group: Option<&str>, name: &str, key: Option<&str>) -> Finding {
    finding(path, at, value, group, name, key, Kind::Secret)
}

/// A config finding.
pub fn cfg(path: &str, at: usize, value: &str, group: Option<&str>, name: &str, key: &str) -> Finding {
    finding(path, at, value, group, name, Some(key), Kind::Config)
}

/// Marks a finding as sitting in a deployment file.
pub fn deployed(mut f: Finding, kind: &str, container: &str) -> Finding {
    f.deploy = Some(DeployInfo { kind: kind.into(), container: Some(container.into()), embedded: false });
    f
}
