//! Resolving a plan into payloads: read every site the one way hoist reads sites
//! ([`crate::site::locate`]: the recorded spelling, the keyed fingerprint, the apply journal) and
//! check the value there is still the one planned. Shared by `upload` and `apply`. A stale plan is
//! refused with the file and line; no message ever holds a value. A secret whose sites an earlier
//! apply already rewrote is left out (its value lives in Secrets Manager now).

use crate::model::{Fingerprinter, Plan, SecretValue, Shape};
use crate::paths::safe_join;
use crate::rewrite::journal::Journal;
use crate::site::{SiteState, locate};
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
    #[error("{path}:{line}: the value for {secret} ({key}) is no longer what the plan recorded: {why}")]
    Stale {
        /// The file.
        path: String,
        /// The line.
        line: usize,
        /// The secret.
        secret: String,
        /// The key.
        key: String,
        /// How the file changed, and the fix.
        why: String,
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

/// Reads every site of `plan` under `root` and builds the payload of each secret to upload
/// ([`Plan::active_secrets`]) whose values are still in the tree.
pub fn resolve_plan(root: &Path, plan: &Plan) -> anyhow::Result<Resolved> {
    let fp = Fingerprinter::from_hex(&plan.salt).map_err(|e| anyhow::anyhow!("the plan's salt is not hex: {e}"))?;
    let journal = Journal::load(root)?;
    // A file that can't be read is reported once, not once per site.
    let mut files: HashMap<PathBuf, Result<String, Option<ResolveError>>> = HashMap::new();
    let mut errors = Vec::new();
    let mut resolved = Resolved::new();
    // Secrets whose every site is `skip` are not uploaded, so their sites aren't read either.
    for secret in plan.active_secrets() {
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
                let stale = |why: String| ResolveError::Stale {
                    path: shown(),
                    line: site.line,
                    secret: secret.name.clone(),
                    key: key.key.clone(),
                    why,
                };
                // A key file is read whole, as bytes (it may be binary).
                if crate::keyfile::is_whole_file(&site.rule) {
                    match crate::keyfile::tree::site_state(root, site, &fp, &journal) {
                        (SiteState::Pending, Some(v)) => match &value {
                            Some(prev) if prev != &v => {
                                errors.push(stale("two sites of the key hold different values".into()))
                            }
                            Some(_) => {}
                            None => value = Some(v),
                        },
                        (SiteState::Stale(why), _) => errors.push(stale(why)),
                        _ => {}
                    }
                    continue;
                }
                let text =
                    files.entry(site.path.clone()).or_insert_with(|| read_site_file(root, &site.path).map_err(Some));
                let text = match text {
                    Ok(text) => text,
                    // A file an earlier apply removed is done; any other is reported once.
                    Err(_) if journal.contains(site) => continue,
                    Err(e) => {
                        errors.extend(e.take());
                        continue;
                    }
                };
                let at = locate(text, site, &fp, &journal);
                match (at.state, at.reading) {
                    (SiteState::Pending, Some(r)) => match &value {
                        Some(prev) if prev != &r.value => {
                            errors.push(stale("two sites of the key hold different values".into()))
                        }
                        Some(_) => {}
                        None => value = Some(r.value),
                    },
                    (SiteState::Stale(why), _) => errors.push(stale(why)),
                    _ => {} // applied: the value lives in Secrets Manager now
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
            // Errors already recorded, or an earlier apply moved the values to Secrets Manager.
            continue;
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
            // A binary key file's value is the base64 of its bytes; anything else is its text.
            Shape::Binary => {
                let rule = secret.keys.first().and_then(|k| k.sites.first()).map_or("", |s| s.rule.as_str());
                Payload::Binary(crate::keyfile::value_bytes(rule, &values.into_values().next().expect("one value")))
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

fn read_site_file(root: &Path, rel: &Path) -> Result<String, ResolveError> {
    let full = safe_join(root, rel)?;
    let bytes = std::fs::read(&full)
        .map_err(|e| ResolveError::Read { path: rel.display().to_string(), message: e.to_string() })?;
    String::from_utf8(bytes)
        .map_err(|_| ResolveError::Read { path: rel.display().to_string(), message: "not UTF-8 text".into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PlannedSecret, SecretKey, Site, Span, Strategy};

    struct Repo {
        dir: tempfile::TempDir,
        plan: Plan,
        fp: Fingerprinter,
    }

    impl Repo {
        fn new() -> Self {
            let salt = Fingerprinter::random_salt();
            let fp = Fingerprinter::from_hex(&salt).unwrap();
            let plan = Plan { version: 1, salt, app: "t".into(), env: None, secrets: vec![] };
            Self { dir: tempfile::tempdir().unwrap(), plan, fp }
        }

        fn write(&self, rel: &str, text: &str) {
            let p = self.dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }

        fn site(&self, rel: &str, value: &str) -> Site {
            let text = std::fs::read_to_string(self.dir.path().join(rel)).unwrap_or_default();
            let start = text.find(value).unwrap_or(0);
            Site {
                path: rel.into(),
                line: text[..start].matches('\n').count() + 1,
                span: Span::new(start, start + value.len()),
                fingerprint: self.fp.fingerprint(value),
                encoding: None,
                raw_fingerprint: None,
                rule: "t".into(),
                format: "text".into(),
                strategy: Strategy::Env,
                env_var: None,
                name: None,
                deploy: None,
                reason: None,
            }
        }

        fn add(&mut self, name: &str, shape: Shape, keys: &[(&str, &[(&str, &str)])]) {
            let keys = keys
                .iter()
                .map(|(key, sites)| SecretKey {
                    key: (*key).into(),
                    fingerprint: self.fp.fingerprint(sites[0].1),
                    sites: sites.iter().map(|(rel, v)| self.site(rel, v)).collect(),
                })
                .collect();
            self.plan.secrets.push(PlannedSecret {
                name: name.into(),
                shape,
                description: None,
                tags: BTreeMap::new(),
                kms_key_id: None,
                keys,
                inject: Vec::new(),
                mounts: Vec::new(),
            });
        }

        fn resolve(&self) -> Result<Resolved, String> {
            resolve_plan(self.dir.path(), &self.plan).map_err(|e| format!("{e:#}"))
        }
    }

    #[test]
    fn builds_json_with_a_real_encoder_and_one_value_from_several_sites() {
        let mut r = Repo::new();
        let tricky = "p\"w\\d\u{e9}\n<x>";
        r.write("a.txt", &format!("user=alice-planted\npass={tricky}\n"));
        r.write("b.txt", &format!("again {tricky} here\n"));
        r.add(
            "t/db",
            Shape::Json,
            &[("username", &[("a.txt", "alice-planted")]), ("password", &[("a.txt", tricky), ("b.txt", tricky)])],
        );
        let got = r.resolve().unwrap();
        let Body::String(body) = got["t/db"].to_body() else { panic!("not a string") };
        let parsed: BTreeMap<String, String> = serde_json::from_str(body.expose()).unwrap();
        assert_eq!(parsed["password"], tricky);
        assert_eq!(parsed["username"], "alice-planted");
        assert!(body.expose().starts_with("{\"password\""), "keys sorted");
        assert!(!format!("{got:?}").contains("alice-planted"), "Debug redacts");
    }

    #[test]
    fn string_and_binary_shapes_take_exactly_one_key() {
        let mut r = Repo::new();
        r.write("k.pem", "-----BEGIN KEY-----\nMIIplanted\n-----END KEY-----\n");
        r.add("t/one", Shape::String, &[("value", &[("k.pem", "MIIplanted")])]);
        r.add("t/bin", Shape::Binary, &[("value", &[("k.pem", "MIIplanted")])]);
        let got = r.resolve().unwrap();
        assert_eq!(got["t/one"].to_body(), Body::String(SecretValue::new("MIIplanted")));
        assert_eq!(got["t/bin"].to_body(), Body::Binary(b"MIIplanted".to_vec()));
        r.add("t/two", Shape::String, &[("a", &[("k.pem", "BEGIN")]), ("b", &[("k.pem", "END")])]);
        let e = r.resolve().unwrap_err();
        assert!(e.contains("t/two: a string secret has exactly one key, not 2"), "{e}");
    }

    #[test]
    fn a_changed_site_is_stale_naming_file_and_line_without_the_value() {
        let mut r = Repo::new();
        r.write("a.txt", "x\ntoken=old-planted-token\n");
        r.write("b.txt", "token=old-planted-token\n");
        r.add("t/tok", Shape::Json, &[("token", &[("a.txt", "old-planted-token"), ("b.txt", "old-planted-token")])]);
        assert!(r.resolve().is_ok());
        r.write("a.txt", "x\ntoken=new-planted-token\n");
        let e = r.resolve().unwrap_err();
        assert!(e.contains("a.txt:2: the value for t/tok (token) is no longer what the plan recorded"), "{e}");
        assert!(e.contains("re-run `hoist plan`"));
        assert!(!e.contains("b.txt"), "the unchanged site is fine: {e}");
        assert!(!e.contains("planted"), "{e}");
    }

    #[test]
    fn missing_files_escaping_paths_and_disagreeing_fingerprints_are_refused() {
        let mut r = Repo::new();
        r.write("a.txt", "v=planted-1\n");
        r.add("t/a", Shape::Json, &[("v", &[("gone.txt", "planted-1"), ("gone.txt", "planted-1")])]);
        r.add("t/b", Shape::Json, &[("v", &[("../outside.txt", "planted-1")])]);
        r.add("t/c", Shape::Json, &[("v", &[("a.txt", "planted-1")])]);
        r.plan.secrets[2].keys[0].fingerprint = r.fp.fingerprint("something else");
        let e = r.resolve().unwrap_err();
        assert_eq!(e.matches("gone.txt: cannot read").count(), 1, "a missing file is reported once: {e}");
        assert!(e.contains("../outside.txt: `..` is not allowed"), "{e}");
        assert!(e.contains("a.txt:1: site fingerprint differs from key v of t/c"), "{e}");
    }

    #[test]
    fn payloads_over_64_kib_are_refused() {
        // `{"key":"…"}` adds 10 bytes: 65,526 x's is exactly the limit, one more is over.
        let mut r = Repo::new();
        let fits = "x".repeat(MAX_SECRET_BYTES - 10);
        r.write("big.txt", &format!("k={fits}\n"));
        r.add("t/big", Shape::Json, &[("key", &[("big.txt", &fits)])]);
        assert_eq!(r.resolve().unwrap()["t/big"].to_body().len(), MAX_SECRET_BYTES);
        let over = "x".repeat(MAX_SECRET_BYTES - 9);
        r.write("big.txt", &format!("k={over}\n"));
        r.plan.secrets.clear();
        r.add("t/big", Shape::Json, &[("key", &[("big.txt", &over)])]);
        let e = r.resolve().unwrap_err();
        assert!(e.contains(&format!("t/big: payload is {} bytes", MAX_SECRET_BYTES + 1)), "{e}");
    }
}
