//! Resolving a plan into payloads: re-read every site, re-scan it with the plan's salt, and check
//! the value there is still the one planned. Shared by `upload`, `apply` and `run`. A stale plan is
//! refused with the file and line; no message ever holds a value.

use crate::model::{Fingerprint, Fingerprinter, Plan, SecretValue, Shape, Site};
use crate::paths::safe_join;
use crate::scan::Scanner;
use crate::upload::Body;
use crate::upload::validate::MAX_SECRET_BYTES;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// The content of one secret, before serialization.
#[derive(Clone, PartialEq, Eq)]
pub enum Payload {
    /// A flat JSON object of strings.
    Json(BTreeMap<String, SecretValue>),
    /// One plain string.
    String(SecretValue),
    /// Binary content.
    Binary(Vec<u8>),
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Json(m) => f.debug_map().entries(m.iter()).finish(),
            Payload::String(v) => write!(f, "String({v:?})"),
            Payload::Binary(b) => write!(f, "Binary(<redacted {} bytes>)", b.len()),
        }
    }
}

impl Payload {
    /// The exact body sent to Secrets Manager (JSON through a real encoder, keys sorted).
    pub fn to_body(&self) -> Body {
        match self {
            Payload::Json(map) => {
                let plain: BTreeMap<&str, &str> = map.iter().map(|(k, v)| (k.as_str(), v.expose())).collect();
                Body::String(SecretValue::new(serde_json::to_string(&plain).expect("string map serializes")))
            }
            Payload::String(v) => Body::String(v.clone()),
            Payload::Binary(b) => Body::Binary(b.clone()),
        }
    }

    /// The value of one key (`value` for a plain-string secret).
    pub fn get(&self, key: &str) -> Option<SecretValue> {
        match self {
            Payload::Json(m) => m.get(key).cloned(),
            Payload::String(v) => Some(v.clone()),
            Payload::Binary(_) => None,
        }
    }
}

/// Every secret of a plan by name, with its payload.
pub type Resolved = BTreeMap<String, Payload>;

/// Why a plan can't be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The site's path is unsafe.
    #[error("{0}")]
    Path(#[from] crate::paths::PathError),
    /// The file can't be read.
    #[error("{path}: cannot read: {message}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        message: String,
    },
    /// The value at the site is not the one planned.
    #[error(
        "{path}:{line}: the value for {secret} ({key}) is no longer what the plan recorded (the file changed \
         since planning); re-run `hoist plan`"
    )]
    Stale {
        /// The file.
        path: String,
        /// The line.
        line: usize,
        /// The secret.
        secret: String,
        /// The key.
        key: String,
    },
    /// A site's fingerprint differs from its key's.
    #[error("{path}:{line}: site fingerprint differs from key {key} of {secret} in the plan; re-run `hoist plan`")]
    Disagree {
        /// The file.
        path: String,
        /// The line.
        line: usize,
        /// The secret.
        secret: String,
        /// The key.
        key: String,
    },
    /// A structural problem in the plan.
    #[error("{secret}: {why}")]
    Plan {
        /// The secret.
        secret: String,
        /// What is wrong.
        why: String,
    },
    /// The payload is too large.
    #[error("{secret}: payload is {bytes} bytes; Secrets Manager takes at most {MAX_SECRET_BYTES}")]
    TooLarge {
        /// The secret.
        secret: String,
        /// Its size.
        bytes: usize,
    },
}

/// All problems found while resolving (reported together).
#[derive(Debug, thiserror::Error)]
#[error("the plan can't be used as it is:\n  {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n  "))]
pub struct ResolveErrors(pub Vec<ResolveError>);

/// Reads every site of `plan` under `root` and builds each secret's payload.
pub fn resolve_plan(root: &Path, plan: &Plan) -> anyhow::Result<Resolved> {
    let fp = Fingerprinter::from_hex(&plan.salt).map_err(|e| anyhow::anyhow!("the plan's salt is not hex: {e}"))?;
    let (scanner, _) = super::scanner_for(root, &[], Some(fp))?;
    // A file that can't be read is reported once, not once per site.
    let mut files: HashMap<PathBuf, Option<ReadFile>> = HashMap::new();
    let mut errors = Vec::new();
    let mut resolved = Resolved::new();
    for secret in &plan.secrets {
        let mut values: BTreeMap<String, SecretValue> = BTreeMap::new();
        for key in &secret.keys {
            if key.sites.is_empty() {
                errors.push(ResolveError::Plan {
                    secret: secret.name.clone(),
                    why: format!("key {} has no site", key.key),
                });
                continue;
            }
            let mut value: Option<SecretValue> = None;
            for site in &key.sites {
                let shown = || site.path.display().to_string();
                if site.fingerprint != key.fingerprint {
                    errors.push(ResolveError::Disagree {
                        path: shown(),
                        line: site.line,
                        secret: secret.name.clone(),
                        key: key.key.clone(),
                    });
                    continue;
                }
                let file = files
                    .entry(site.path.clone())
                    .or_insert_with(|| read_site_file(&scanner, root, &site.path).map_err(|e| errors.push(e)).ok());
                let Some(file) = file else { continue };
                let stale = || ResolveError::Stale {
                    path: shown(),
                    line: site.line,
                    secret: secret.name.clone(),
                    key: key.key.clone(),
                };
                match value_at(&scanner, site, file) {
                    Some((v, f)) if f == site.fingerprint => match &value {
                        Some(prev) if prev != &v => errors.push(stale()),
                        Some(_) => {}
                        None => value = Some(v),
                    },
                    _ => errors.push(stale()),
                }
            }
            if let Some(v) = value
                && values.insert(key.key.clone(), v).is_some()
            {
                errors.push(ResolveError::Plan {
                    secret: secret.name.clone(),
                    why: format!("key {} appears twice", key.key),
                });
            }
        }
        if values.len() != secret.keys.len() {
            continue; // errors already recorded
        }
        let payload = match secret.shape {
            Shape::Json => Payload::Json(values),
            Shape::String | Shape::Binary if values.len() != 1 => {
                errors.push(ResolveError::Plan {
                    secret: secret.name.clone(),
                    why: format!("a {:?} secret has exactly one key, not {}", secret.shape, values.len())
                        .to_lowercase(),
                });
                continue;
            }
            Shape::String => Payload::String(values.into_values().next().expect("one value")),
            Shape::Binary => {
                Payload::Binary(values.into_values().next().expect("one value").expose().as_bytes().to_vec())
            }
        };
        let bytes = payload.to_body().len();
        if bytes > MAX_SECRET_BYTES {
            errors.push(ResolveError::TooLarge { secret: secret.name.clone(), bytes });
            continue;
        }
        if resolved.insert(secret.name.clone(), payload).is_some() {
            errors.push(ResolveError::Plan {
                secret: secret.name.clone(),
                why: "the name appears twice in the plan".into(),
            });
        }
    }
    if errors.is_empty() { Ok(resolved) } else { Err(ResolveErrors(errors).into()) }
}

/// One file as read and scanned once, however many sites it holds.
struct ReadFile {
    bytes: Vec<u8>,
    findings: Vec<crate::model::Finding>,
}

fn read_site_file(scanner: &Scanner, root: &Path, rel: &Path) -> Result<ReadFile, ResolveError> {
    let full = safe_join(root, rel)?;
    let bytes = std::fs::read(&full)
        .map_err(|e| ResolveError::Read { path: rel.display().to_string(), message: e.to_string() })?;
    let findings = scanner.scan_bytes(rel, &bytes).findings;
    Ok(ReadFile { bytes, findings })
}

/// The value at the site's exact span: the scanner's (decoded) value when a finding sits there,
/// else the raw bytes of the span; with its fingerprint under the plan's salt.
fn value_at(scanner: &Scanner, site: &Site, file: &ReadFile) -> Option<(SecretValue, Fingerprint)> {
    if let Some(f) = file.findings.iter().find(|f| f.span == site.span) {
        return Some((f.value.clone(), f.fingerprint.clone()));
    }
    let raw = file.bytes.get(site.span.start..site.span.end)?;
    let text = std::str::from_utf8(raw).ok()?;
    let v = SecretValue::new(text);
    let f = scanner.fingerprinter().fingerprint(v.expose());
    Some((v, f))
}
