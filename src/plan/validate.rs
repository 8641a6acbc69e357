//! Plan validation, shared by every command that reads a plan: each error names the entry and
//! the fix. Payload sizes are estimated here from span lengths (the plan holds no values); the
//! exact check, [`check_payload_size`], runs where values are in memory (planning, upload).

use super::identifiers::{env_var_problem, key_problem};
use super::naming;
use crate::model::plan::PLAN_VERSION;
use crate::model::{Plan, Shape, Strategy};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Secrets Manager's limit on SecretString / SecretBinary, in bytes.
pub const MAX_PAYLOAD: usize = 65_536;

/// Why a plan can't be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The file can't be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// Not YAML, a wrong type, or an unknown field.
    #[error("{path}: not a valid plan: {message} (fix the entry, or delete the file and re-run `hoist plan`)")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message, with line and column.
        message: String,
    },
    /// A plan format this hoist doesn't read.
    #[error(
        "plan version {found} is not supported (this hoist reads version {supported}); re-run `hoist plan --fresh` \
         to write a current plan"
    )]
    Version {
        /// The version in the file.
        found: String,
        /// The version this build reads.
        supported: u32,
    },
    /// The salt is missing or not hex.
    #[error(
        "salt: {0}; it must be the 64 hex characters `hoist plan` wrote (restore it from git, or re-plan with \
         `hoist plan --fresh`, which makes new fingerprints)"
    )]
    Salt(String),
    /// The name template can't make distinct, valid names.
    #[error("{0}")]
    Template(String),
    /// A secret name Secrets Manager would refuse or mistake for an ARN.
    #[error("secret {name:?}: {problem}; rename it, e.g. to {fix:?}")]
    Name {
        /// The name.
        name: String,
        /// What is wrong.
        problem: String,
        /// A valid name close to it.
        fix: String,
    },
    /// Two secrets with one name.
    #[error("secret {name:?} is named {count} times; names must be unique: rename the others (e.g. {fix:?})")]
    Duplicate {
        /// The name.
        name: String,
        /// How often.
        count: usize,
        /// A free name.
        fix: String,
    },
    /// A problem with a secret's own fields (keys, shape, tags, KMS key, description).
    #[error("secret {secret:?}: {problem}")]
    Secret {
        /// The secret.
        secret: String,
        /// What is wrong and the fix.
        problem: String,
    },
    /// A problem with one key.
    #[error("secret {secret:?} key {key:?}: {problem}")]
    Key {
        /// The secret.
        secret: String,
        /// The key.
        key: String,
        /// What is wrong and the fix.
        problem: String,
    },
    /// A problem with one site.
    #[error("secret {secret:?} key {key:?}, site {path}:{line}: {problem}")]
    Site {
        /// The secret.
        secret: String,
        /// The key.
        key: String,
        /// The site's path as written.
        path: String,
        /// The site's line.
        line: usize,
        /// What is wrong and the fix.
        problem: String,
    },
    /// Two sites share bytes of one file: apply can't edit both.
    #[error(
        "{path}: sites overlap: bytes {first} ({first_entry}) and {second} ({second_entry}); a span can feed one \
         key only: delete one of the two sites"
    )]
    Overlap {
        /// The file.
        path: String,
        /// The first span, `start..end`.
        first: String,
        /// `secret/key` of the first.
        first_entry: String,
        /// The second span.
        second: String,
        /// `secret/key` of the second.
        second_entry: String,
    },
    /// A payload over Secrets Manager's limit.
    #[error(
        "secret {secret:?}: payload {how} {size} bytes, over Secrets Manager's 65,536-byte limit: split its keys \
         into two secrets"
    )]
    TooLarge {
        /// The secret.
        secret: String,
        /// `is` (exact) or `is about` (estimated from spans).
        how: &'static str,
        /// The size.
        size: usize,
    },
}

/// The exact size check, for callers that hold the serialised payload.
pub fn check_payload_size(secret: &str, payload_len: usize) -> Result<(), PlanError> {
    if payload_len > MAX_PAYLOAD {
        return Err(PlanError::TooLarge { secret: secret.into(), how: "is", size: payload_len });
    }
    Ok(())
}

/// Validates a plan against the repository at `root`: everything [`validate_shape`] checks, and
/// that no site's path escapes the repository (absolute, `..`, or through a symlink).
pub fn validate(plan: &Plan, root: &Path) -> Result<(), Vec<PlanError>> {
    let mut errors = validate_shape(plan);
    for (s, k, site) in plan.sites() {
        let problem = match crate::paths::safe_join(root, &site.path) {
            Err(e) => Some(e.to_string()),
            Ok(_) => crate::paths::alias_of(root, &site.path).map(|real| {
                format!(
                    "names {} by another spelling (`./` or a symlink), so one file could be rewritten twice: write \
                     the path as {real}",
                    site.path.display()
                )
            }),
        };
        if let Some(problem) = problem {
            errors.push(PlanError::Site {
                secret: s.name.clone(),
                key: k.key.clone(),
                path: site.path.display().to_string(),
                line: site.line,
                problem,
            });
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Every check that needs no file system: version, salt, names, keys, tags, sites, overlaps and
/// the estimated payload size.
pub fn validate_shape(plan: &Plan) -> Vec<PlanError> {
    let mut errors = Vec::new();
    if plan.version != PLAN_VERSION {
        errors.push(PlanError::Version { found: plan.version.to_string(), supported: PLAN_VERSION });
    }
    match hex::decode(plan.salt.trim()) {
        Ok(b) if b.len() >= 16 => {}
        Ok(b) => errors.push(PlanError::Salt(format!("{} bytes is too short (at least 16)", b.len()))),
        Err(e) => errors.push(PlanError::Salt(format!("not hex ({e})"))),
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &plan.secrets {
        *counts.entry(s.name.as_str()).or_default() += 1;
    }
    for (name, count) in &counts {
        if *count > 1 {
            let fix =
                (2..).map(|n| format!("{name}-{n}")).find(|c| !counts.contains_key(c.as_str())).unwrap_or_default();
            errors.push(PlanError::Duplicate { name: name.to_string(), count: *count, fix });
        }
    }
    for s in &plan.secrets {
        check_name(&s.name, &mut errors);
        check_secret(s, &mut errors);
    }
    check_overlaps(plan, &mut errors);
    errors
}

fn check_name(name: &str, errors: &mut Vec<PlanError>) {
    let problem = if name.is_empty() {
        Some("the name is empty".to_string())
    } else if let Some(c) = name.chars().find(|c| !naming::is_name_char(*c)) {
        Some(format!("{c:?} is not allowed (only letters, digits and /_+=.@-)"))
    } else if name.len() > naming::MAX_NAME_LEN {
        Some(format!("{} characters, over the 256 allowed", name.len()))
    } else if naming::has_arn_like_suffix(name) {
        Some("ends in `-` plus six characters, which partial-ARN lookups take for the random ARN suffix".to_string())
    } else {
        None
    };
    if let Some(problem) = problem {
        let fix = if name.is_empty() { "app/env/group".to_string() } else { naming::sanitise(name) };
        errors.push(PlanError::Name { name: name.into(), problem, fix });
    }
}

fn check_secret(s: &crate::model::PlannedSecret, errors: &mut Vec<PlanError>) {
    let secret = |problem: String| PlanError::Secret { secret: s.name.clone(), problem };
    if s.keys.is_empty() {
        errors.push(secret("has no keys: add one, or delete the secret".into()));
    }
    if matches!(s.shape, Shape::String | Shape::Binary) && s.keys.len() > 1 {
        errors.push(secret(format!(
            "shape {:?} holds one value but the secret has {} keys: use shape json",
            s.shape,
            s.keys.len()
        )));
    }
    if s.tags.get(super::MANAGED_BY.0).map(String::as_str) != Some(super::MANAGED_BY.1) {
        errors.push(secret(
            "tag `managed-by: hoist` is missing; hoist only updates secrets that carry it: add it back".into(),
        ));
    }
    if s.tags.len() > 50 {
        errors.push(secret(format!("{} tags, over the 50 allowed: remove some", s.tags.len())));
    }
    for (k, v) in &s.tags {
        let bad = |t: &str| t.chars().any(|c| !(c.is_alphanumeric() || " _.:/=+-@".contains(c)));
        if k.is_empty() || k.len() > 128 || bad(k) || k.to_ascii_lowercase().starts_with("aws:") {
            errors.push(secret(format!(
                "tag key {k:?}: 1–128 letters, digits, spaces or _.:/=+-@, not starting with `aws:`"
            )));
        }
        if v.len() > 256 || bad(v) {
            errors.push(secret(format!("tag {k:?}: the value must be ≤ 256 letters, digits, spaces or _.:/=+-@")));
        }
    }
    if s.kms_key_id.as_deref().is_some_and(|k| k.trim().is_empty()) {
        errors.push(secret(
            "kms_key_id is empty: remove the line for the default key, or give a key id, ARN or alias/…".into(),
        ));
    }
    if s.description.as_deref().is_some_and(|d| d.chars().count() > 2048) {
        errors.push(secret("description is over 2,048 characters: shorten it".into()));
    }
    let mut estimate = 2usize;
    let mut seen_keys: HashMap<&str, usize> = HashMap::new();
    for k in &s.keys {
        let key = |problem: String| PlanError::Key { secret: s.name.clone(), key: k.key.clone(), problem };
        *seen_keys.entry(k.key.as_str()).or_default() += 1;
        if seen_keys[k.key.as_str()] == 2 {
            errors.push(key("appears twice in this secret: rename one, or move its sites under the other".into()));
        }
        if let Some(problem) = key_problem(&k.key) {
            errors.push(key(problem));
        }
        if k.fingerprint.0.len() != 32 || !k.fingerprint.0.chars().all(|c| c.is_ascii_hexdigit()) {
            errors.push(key("the fingerprint must be the 32 hex characters `hoist plan` wrote: restore it".into()));
        }
        if k.sites.is_empty() {
            errors.push(key("has no sites, so nothing in the repository holds its value: delete the key".into()));
        }
        let smallest = k.sites.iter().map(|s| s.span.end.saturating_sub(s.span.start)).min().unwrap_or(0);
        estimate += k.key.len() + smallest + 6;
        for site in &k.sites {
            let problem = if site.span.start >= site.span.end {
                Some(format!(
                    "span {}..{} is empty or reversed: restore it from the generated plan",
                    site.span.start, site.span.end
                ))
            } else if site.fingerprint != k.fingerprint {
                Some("its fingerprint differs from the key's, so it holds another value: move it to its own key".into())
            } else if site.line == 0 {
                Some("line must be 1 or more".into())
            } else if let Some(problem) = site.env_var.as_deref().and_then(env_var_problem) {
                Some(problem)
            } else if site.strategy == Strategy::Env && site.env_var.is_none() {
                Some("strategy env needs an env_var: add one (e.g. DB_PASSWORD)".into())
            } else {
                None
            };
            if let Some(problem) = problem {
                errors.push(PlanError::Site {
                    secret: s.name.clone(),
                    key: k.key.clone(),
                    path: site.path.display().to_string(),
                    line: site.line,
                    problem,
                });
            }
        }
    }
    if estimate > MAX_PAYLOAD {
        errors.push(PlanError::TooLarge { secret: s.name.clone(), how: "is about", size: estimate });
    }
}

fn check_overlaps(plan: &Plan, errors: &mut Vec<PlanError>) {
    // `./a.py` and `a.py` are one file.
    let mut by_path: BTreeMap<std::path::PathBuf, Vec<(crate::model::Span, String)>> = BTreeMap::new();
    // A whole connection string covers its parts on purpose (`plan::whole`); those pairs are fine.
    let mut wholes: Vec<(std::path::PathBuf, crate::model::Span)> = Vec::new();
    for (s, k, site) in plan.sites() {
        let path: std::path::PathBuf =
            site.path.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
        if site.rule == super::whole::RULE {
            wholes.push((path.clone(), site.span));
            continue;
        }
        by_path.entry(path).or_default().push((site.span, format!("{}/{}", s.name, k.key)));
    }
    for (i, (p, w)) in wholes.iter().enumerate() {
        let others = by_path.get(p).into_iter().flatten().map(|(s, _)| *s);
        let clash = others
            .chain(wholes[..i].iter().filter(|(q, _)| q == p).map(|(_, s)| *s))
            .find(|s| *s == *w || (s.overlaps(w) && !w.contains(s)));
        if let Some(s) = clash {
            errors.push(PlanError::Overlap {
                path: p.display().to_string(),
                first: format!("{}..{}", w.start, w.end),
                first_entry: "a whole connection string".into(),
                second: format!("{}..{}", s.start, s.end),
                second_entry: "another site".into(),
            });
        }
    }
    for (path, mut spans) in by_path {
        spans.sort_by_key(|(s, _)| (s.start, s.end));
        // Compare each span with the one reaching furthest so far, so a long span is checked
        // against every later one it covers.
        let mut reach: Option<usize> = None;
        for i in 0..spans.len() {
            let (b, eb) = &spans[i];
            let Some(r) = reach else {
                reach = Some(i);
                continue;
            };
            let (a, ea) = &spans[r];
            if b.end > a.end {
                reach = Some(i);
            }
            if a.overlaps(b) || a == b {
                errors.push(PlanError::Overlap {
                    path: path.display().to_string(),
                    first: format!("{}..{}", a.start, a.end),
                    first_entry: ea.clone(),
                    second: format!("{}..{}", b.start, b.end),
                    second_entry: eb.clone(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injected_keys_and_dangerous_env_vars_are_refused() {
        assert!(key_problem("password").is_none());
        assert!(key_problem("aws_secret_access_key").is_none());
        assert!(key_problem("db.port-2").is_none());
        for bad in ["pw\") + __import__(\"os\").system(\"id\") + (\"", "a:b", "a b", "a\nb", "é", "", &"k".repeat(129)]
        {
            assert!(key_problem(bad).is_some(), "{bad:?} accepted");
        }
        assert!(env_var_problem("DB_PASSWORD").is_none());
        assert!(env_var_problem("_X1").is_none());
        for bad in
            ["LD_PRELOAD", "ld_library_path", "PATH", "PYTHONPATH", "NODE_OPTIONS", "DYLD_INSERT_LIBRARIES", "BASH_ENV"]
        {
            let p = env_var_problem(bad).unwrap_or_else(|| panic!("{bad} accepted"));
            assert!(p.contains("changes how programs start"), "{p}");
        }
        for bad in ["1X", "A-B", "A;id", "A B", "$(id)", ""] {
            assert!(env_var_problem(bad).unwrap().contains("not a valid variable name"), "{bad:?}");
        }
    }
}
