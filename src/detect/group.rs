//! Grouping inside one file: decides which candidates are credentials, which are config values
//! that belong to one (same dict/object/call/struct/DSN, or a shared name prefix), and labels each
//! group so the planner can build one JSON secret per group. Config values with no credential
//! beside them are dropped.

use super::judge;
use crate::model::{DeployInfo, Detection, Kind, SecretValue, Severity, Span};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a candidate is, when the extractor already knows (a sink's positional argument, a DSN
/// part) rather than leaving it to the name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// Decide from the name: credential name → secret, config name → config, else nothing.
    ByName,
    /// A credential, with its JSON key (`password`, `api_key`…).
    Secret(String),
    /// A config value, with its JSON key (`host`, `port`, `username`, `dbname`, `engine`…).
    Config(String),
}

/// One (name, literal) pair an extractor found. `Debug` redacts nothing itself, so the value is
/// held as a [`SecretValue`].
#[derive(Clone, Debug)]
pub struct Candidate {
    /// The holding name: variable, key, field, kwarg, env name (may be dotted: `db.password`).
    pub name: String,
    /// The decoded literal.
    pub value: SecretValue,
    /// The value's bytes in the file (inside the quotes).
    pub span: Span,
    /// File-unique id of the literal container it sits in (dict/object/hash/call/struct/DSN);
    /// `None` at top level. Values in one scope group together.
    pub scope: Option<usize>,
    /// The container's own name when it has one (`DATABASES.default`, `dbConfig`), used for the
    /// group label and as a prefix.
    pub scope_name: Option<String>,
    /// Known role, or [`Role::ByName`].
    pub role: Role,
    /// Rule id to report; `None` picks `generic.<key>` / `config.<key>`.
    pub rule: Option<String>,
    /// Deployment-file context.
    pub deploy: Option<DeployInfo>,
    /// A hint for the group label: the database engine (`postgres`, `mysql`…) when known.
    pub engine: Option<String>,
}

impl Candidate {
    /// A candidate decided by its name, at top level.
    pub fn new(name: impl Into<String>, value: impl Into<String>, span: Span) -> Self {
        Self {
            name: name.into(),
            value: SecretValue::new(value),
            span,
            scope: None,
            scope_name: None,
            role: Role::ByName,
            rule: None,
            deploy: None,
            engine: None,
        }
    }

    /// Sets the scope (container id and optional container name).
    pub fn in_scope(mut self, scope: usize, scope_name: Option<String>) -> Self {
        self.scope = Some(scope);
        self.scope_name = scope_name;
        self
    }

    /// Sets a known role.
    pub fn with_role(mut self, role: Role) -> Self {
        self.role = role;
        self
    }
}

enum Class {
    Secret(String),
    Config(String),
}

fn classify(c: &Candidate, db_scopes: &HashSet<usize>) -> Option<Class> {
    let v = c.value.expose();
    // Django's `NAME` beside `ENGINE`/`HOST` is the database name.
    let bare_name = c.role == Role::ByName && judge::words(&c.name) == ["name"];
    if bare_name && c.scope.is_some_and(|s| db_scopes.contains(&s)) {
        return judge::is_config_value(v).then(|| Class::Config("dbname".into()));
    }
    match &c.role {
        Role::Secret(k) => judge::is_literal_value(v).then(|| Class::Secret(k.clone())),
        Role::Config(k) => judge::is_config_value(v).then(|| Class::Config(k.clone())),
        Role::ByName => {
            if judge::is_secret_name(&c.name) {
                judge::is_secret_value(&c.name, v).then(|| Class::Secret(judge::secret_key(&c.name)))
            } else {
                let k = judge::config_key(&c.name)?;
                judge::is_config_value(v).then(|| Class::Config(k.to_string()))
            }
        }
    }
}

/// Turns one file's candidates into detections: credentials (always grouped, even alone) and the
/// config values that belong to them. Duplicate spans are reported once (first wins).
pub fn group(cands: Vec<Candidate>) -> Vec<Detection> {
    let mut seen = HashSet::new();
    let db_scopes: HashSet<usize> = cands
        .iter()
        .filter(|c| c.role == Role::ByName && matches!(judge::config_key(&c.name), Some("engine" | "host")))
        .filter_map(|c| c.scope)
        .collect();
    let classified: Vec<(Candidate, Class)> = cands
        .into_iter()
        .filter(|c| seen.insert((c.span.start, c.span.end)))
        .filter_map(|c| classify(&c, &db_scopes).map(|k| (c, k)))
        .collect();

    // Labels: one per scope holding a secret, else one per name prefix, else one per secret.
    let mut labels = Labeler::default();
    let mut by_scope: BTreeMap<usize, String> = BTreeMap::new();
    let mut by_prefix: BTreeMap<String, String> = BTreeMap::new();
    let mut bare_password: Option<String> = None;
    let mut secret_label = Vec::with_capacity(classified.len());
    for (c, class) in &classified {
        let Class::Secret(key) = class else {
            secret_label.push(None);
            continue;
        };
        let prefix = judge::name_prefix(&c.name);
        let label = if let Some(s) = c.scope {
            by_scope
                .entry(s)
                .or_insert_with(|| labels.fresh(c.scope_name.as_deref().or(prefix.as_deref()), key, c))
                .clone()
        } else if let Some(p) = &prefix {
            by_prefix.entry(p.clone()).or_insert_with(|| labels.fresh(Some(p), key, c)).clone()
        } else {
            labels.fresh(None, key, c)
        };
        if let Some(p) = prefix.or_else(|| c.scope_name.as_deref().map(prefix_of_scope)) {
            by_prefix.entry(p).or_insert_with(|| label.clone());
        }
        if c.scope.is_none() && prefix_is_none(&c.name) && key == "password" {
            bare_password.get_or_insert_with(|| label.clone());
        }
        secret_label.push(Some(label));
    }

    let mut out = Vec::new();
    for ((c, class), slabel) in classified.into_iter().zip(secret_label) {
        let (kind, key, label) = match class {
            Class::Secret(key) => (Kind::Secret, key, slabel),
            Class::Config(key) => {
                let label = c
                    .scope
                    .and_then(|s| by_scope.get(&s).cloned())
                    .or_else(|| judge::name_prefix(&c.name).and_then(|p| by_prefix.get(&p).cloned()))
                    .or_else(|| {
                        (c.scope.is_none() && prefix_is_none(&c.name)).then(|| bare_password.clone()).flatten()
                    });
                (Kind::Config, key, label)
            }
        };
        let Some(label) = label else { continue };
        let rule = c.rule.unwrap_or_else(|| match kind {
            Kind::Secret => format!("generic.{}", key.replace('_', "-")),
            Kind::Config => format!("config.{}", key.replace('_', "-")),
        });
        out.push(Detection {
            rule,
            kind,
            span: c.span,
            value: c.value,
            name: Some(c.name),
            group: Some(label),
            key: Some(key),
            deploy: c.deploy,
            severity: Severity::Medium,
        });
    }
    out.sort_by_key(|d| d.span.start);
    out
}

fn prefix_is_none(name: &str) -> bool {
    judge::name_prefix(name).is_none()
}

/// A scope name as a prefix (`dbConfig` → `db_config`), matching [`judge::name_prefix`]'s style.
fn prefix_of_scope(scope_name: &str) -> String {
    judge::words(scope_name).join("_")
}

/// Hands out file-unique group labels.
#[derive(Default)]
struct Labeler {
    used: HashSet<String>,
    /// Where the search for a free `{base}-{n}` resumes, per base: every smaller `n` is taken
    /// (counting up from 2 for each of a file's 800 `password`s was quadratic).
    next: HashMap<String, usize>,
}

impl Labeler {
    fn fresh(&mut self, base: Option<&str>, key: &str, c: &Candidate) -> String {
        let mut base = base.map(|b| judge::words(b).join("_")).filter(|b| !b.is_empty()).unwrap_or_else(|| key.into());
        if let Some(e) = &c.engine {
            base = format!("{e}:{base}");
        }
        let mut label = base.clone();
        let mut n = self.next.get(&base).copied().unwrap_or(2);
        while !self.used.insert(label.clone()) {
            label = format!("{base}-{n}");
            n += 1;
        }
        self.next.insert(base, n);
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(name: &str, value: &str, at: usize) -> Candidate {
        Candidate::new(name, value, Span::new(at, at + value.len()))
    }

    fn summary(ds: &[Detection]) -> Vec<(String, Kind, String, String)> {
        ds.iter().map(|d| (d.name.clone().unwrap(), d.kind, d.key.clone().unwrap(), d.group.clone().unwrap())).collect()
    }

    #[test]
    fn prefix_groups_config_with_its_credential() {
        let ds = group(vec![
            cand("DB_HOST", "db.internal", 0),
            cand("DB_PORT", "5432", 20),
            cand("DB_PASSWORD", "hunter2", 40),
            cand("CACHE_HOST", "redis", 60),
            cand("dbUser", "app", 80),
        ]);
        let s = summary(&ds);
        assert_eq!(
            s,
            vec![
                ("DB_HOST".into(), Kind::Config, "host".into(), "db".into()),
                ("DB_PORT".into(), Kind::Config, "port".into(), "db".into()),
                ("DB_PASSWORD".into(), Kind::Secret, "password".into(), "db".into()),
                ("dbUser".into(), Kind::Config, "username".into(), "db".into()),
            ]
        );
    }

    #[test]
    fn scope_groups_and_labels_are_unique() {
        let ds = group(vec![
            cand("host", "a", 0).in_scope(1, Some("primary".into())),
            cand("password", "s3cret-a", 10).in_scope(1, Some("primary".into())),
            cand("password", "s3cret-b", 30).in_scope(2, None),
            cand("user", "bob", 50).in_scope(2, None),
            cand("host", "lonely", 70).in_scope(3, None),
        ]);
        let s = summary(&ds);
        assert_eq!(s.len(), 4, "{s:?}");
        assert_eq!(s[0].3, "primary");
        assert_eq!(s[1].3, "primary");
        assert_eq!(s[2].3, "password");
        assert_eq!(s[3], ("user".into(), Kind::Config, "username".into(), "password".into()));
    }

    #[test]
    fn roles_override_names_and_duplicates_collapse() {
        let ds = group(vec![
            cand("getConnection", "pw-77", 0).with_role(Role::Secret("password".into())),
            cand("getConnection", "pw-77", 0).with_role(Role::Secret("password".into())),
            cand("x", "changeme", 10).with_role(Role::Secret("password".into())),
        ]);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].rule, "generic.password");
    }
}
