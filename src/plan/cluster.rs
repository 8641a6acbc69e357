//! Grouping and dedupe: findings of one detector group (a credential and its config companions)
//! form a unit; units that share a credential value (same fingerprint) merge into one cluster,
//! which becomes one secret — unless they belong to different environments or disagree on a
//! companion value (a `host` that differs means a different database that shares a password).

use super::naming;
use crate::detect::judge;
use crate::model::{Finding, Fingerprint, Kind};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A finding and the JSON key it feeds.
#[derive(Clone, Debug)]
pub(crate) struct Member<'a> {
    /// The finding.
    pub f: &'a Finding,
    /// Its key in the secret's payload.
    pub key: String,
}

/// Findings that become one secret.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cluster<'a> {
    /// The environment its paths name, if any.
    pub env: Option<String>,
    /// Members in path and position order.
    pub members: Vec<Member<'a>>,
}

impl<'a> Cluster<'a> {
    /// The fingerprint a key holds in this cluster.
    fn fingerprint_of(&self, key: &str) -> Option<&'a Fingerprint> {
        self.members.iter().find(|m| m.key == key).map(|m| &m.f.fingerprint)
    }

    /// The key a credential value is already under (credential members first).
    fn key_of_secret(&self, fp: &Fingerprint) -> Option<&str> {
        self.members
            .iter()
            .filter(|m| &m.f.fingerprint == fp)
            .min_by_key(|m| m.f.kind != Kind::Secret)
            .map(|m| m.key.as_str())
    }

    /// The findings, for naming.
    pub fn findings(&self) -> Vec<&'a Finding> {
        self.members.iter().map(|m| m.f).collect()
    }

    /// The distinct keys in first-seen order.
    pub fn keys(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for m in &self.members {
            if !seen.contains(&m.key.as_str()) {
                seen.push(m.key.as_str());
            }
        }
        seen
    }
}

/// What clustering produced.
pub(crate) struct Clustering<'a> {
    /// The clusters, in order of their first finding.
    pub clusters: Vec<Cluster<'a>>,
    /// Config findings left out because no credential sits with them.
    pub lone_config: usize,
    /// Findings dropped because another finding covers the same bytes.
    pub duplicates: usize,
}

/// Groups findings into clusters (see the module doc).
pub(crate) fn cluster(findings: &[Finding]) -> Clustering<'_> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| (&a.path, a.span.start, a.kind).cmp(&(&b.path, b.span.start, b.kind)));
    // Sorted by path and start, so an overlap can only be with the furthest-reaching span so far.
    let mut reach: Option<(&std::path::Path, usize)> = None;
    let mut duplicates = 0;
    let mut units: Vec<Vec<&Finding>> = Vec::new();
    let mut by_group: BTreeMap<&str, usize> = BTreeMap::new();
    for f in sorted {
        // A second finding over the same bytes would give one span two sites (apply can't edit
        // overlapping spans); the first (a credential before config) wins.
        match reach {
            Some((p, end)) if p == f.path.as_path() && f.span.start < end => {
                duplicates += 1;
                continue;
            }
            Some((p, end)) if p == f.path.as_path() => reach = Some((p, end.max(f.span.end))),
            _ => reach = Some((f.path.as_path(), f.span.end)),
        }
        match f.group.as_deref() {
            Some(g) => {
                let i = *by_group.entry(g).or_insert_with(|| {
                    units.push(Vec::new());
                    units.len() - 1
                });
                units[i].push(f);
            }
            None => units.push(vec![f]),
        }
    }
    let mut lone_config = 0;
    let mut clusters: Vec<Cluster<'_>> = Vec::new();
    // Which clusters hold each credential value.
    let mut holders: HashMap<&Fingerprint, Vec<usize>> = HashMap::new();
    for unit in units {
        if !unit.iter().any(|f| f.kind == Kind::Secret) {
            lone_config += unit.len();
            continue;
        }
        let unit = keyed(unit);
        let env = unit.iter().find_map(|m| naming::env_of_path(&crate::scan::slash_path(&m.f.path)));
        let linked: BTreeSet<usize> = unit
            .iter()
            .filter(|m| m.f.kind == Kind::Secret)
            .filter_map(|m| holders.get(&m.f.fingerprint))
            .flatten()
            .copied()
            .collect();
        let target = linked.into_iter().find_map(|c| try_join(&clusters[c], &env, &unit).map(|u| (c, u)));
        let (c, added) = match target {
            Some((c, joined)) => {
                if clusters[c].env.is_none() {
                    clusters[c].env = env;
                }
                let from = clusters[c].members.len();
                clusters[c].members.extend(joined);
                (c, from)
            }
            None => {
                clusters.push(Cluster { env, members: unit });
                (clusters.len() - 1, 0)
            }
        };
        for m in clusters[c].members[added..].iter().filter(|m| m.f.kind == Kind::Secret) {
            let h = holders.entry(&m.f.fingerprint).or_default();
            if !h.contains(&c) {
                h.push(c);
            }
        }
    }
    Clustering { clusters, lone_config, duplicates }
}

/// The unit's members renamed to the cluster's keys for shared credentials, or `None` when it
/// can't join: another environment, or a key that would hold two different values.
fn try_join<'a>(c: &Cluster<'a>, env: &Option<String>, unit: &[Member<'a>]) -> Option<Vec<Member<'a>>> {
    if let (Some(a), Some(b)) = (&c.env, env)
        && a != b
    {
        return None;
    }
    let mut out: Vec<Member<'a>> = unit.to_vec();
    for m in &mut out {
        if m.f.kind == Kind::Secret
            && let Some(k) = c.key_of_secret(&m.f.fingerprint)
        {
            m.key = k.to_string();
        }
    }
    for (i, m) in out.iter().enumerate() {
        if c.fingerprint_of(&m.key).is_some_and(|fp| fp != &m.f.fingerprint) {
            return None;
        }
        if out[..i].iter().any(|o| o.key == m.key && o.f.fingerprint != m.f.fingerprint) {
            return None;
        }
    }
    Some(out)
}

/// Gives each finding of a unit its JSON key; two different values under one key in a unit get
/// `_2`, `_3`… (two passwords in one dict stay two keys).
fn keyed(unit: Vec<&Finding>) -> Vec<Member<'_>> {
    let mut out: Vec<Member<'_>> = Vec::with_capacity(unit.len());
    for f in unit {
        let base = key_of(f);
        let mut key = base.clone();
        let mut n = 2;
        while out.iter().any(|m| m.key == key && m.f.fingerprint != f.fingerprint) {
            key = format!("{base}_{n}");
            n += 1;
        }
        out.push(Member { f, key });
    }
    out
}

/// The JSON key of one finding: the detector's key, else one derived from the holding name, else
/// from the rule id. Only `[A-Za-z0-9_.-]` survive, so the key is safe in an ECS `ARN:key::`.
pub(crate) fn key_of(f: &Finding) -> String {
    let raw = match (&f.key, &f.name, f.kind) {
        (Some(k), _, _) => k.clone(),
        (None, Some(n), Kind::Secret) => judge::secret_key(n),
        (None, Some(n), Kind::Config) => {
            judge::config_key(n).map(str::to_string).unwrap_or_else(|| naming::snake_key(n))
        }
        (None, None, _) => naming::snake_key(f.rule.rsplit('.').next().unwrap_or(&f.rule)),
    };
    let key: String =
        raw.chars().map(|c| if c.is_ascii_alphanumeric() || "_.-".contains(c) { c } else { '_' }).collect();
    if key.trim_matches('_').is_empty() { "value".into() } else { key }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testutil::{cfg, secret};

    #[test]
    fn a_group_becomes_one_cluster_and_lone_config_is_dropped() {
        let fs = vec![
            secret("app/db.py", 10, "pw1", Some("app/db.py#db"), "DB_PASSWORD", Some("password")),
            cfg("app/db.py", 40, "host1", Some("app/db.py#db"), "DB_HOST", "host"),
            cfg("app/other.py", 5, "h", None, "CACHE_HOST", "host"),
        ];
        let c = cluster(&fs);
        assert_eq!(c.clusters.len(), 1);
        assert_eq!(c.clusters[0].keys(), ["password", "host"]);
        assert_eq!(c.lone_config, 1);
    }

    #[test]
    fn one_value_in_three_places_is_one_key_with_three_sites() {
        let fs = vec![
            secret(".env", 12, "pw", Some(".env#db"), "DB_PASSWORD", Some("password")),
            cfg(".env", 30, "dbhost", Some(".env#db"), "DB_HOST", "host"),
            secret("deploy/task.json", 80, "pw", Some("deploy/task.json#app"), "POSTGRES_PASSWORD", Some("password")),
            secret("app/settings.py", 99, "pw", Some("app/settings.py#databases"), "password", Some("password")),
            cfg("app/settings.py", 120, "dbhost", Some("app/settings.py#databases"), "HOST", "host"),
        ];
        let c = cluster(&fs);
        assert_eq!(c.clusters.len(), 1, "{:?}", c.clusters);
        let pw: Vec<_> = c.clusters[0].members.iter().filter(|m| m.key == "password").collect();
        assert_eq!(pw.len(), 3);
        assert_eq!(c.clusters[0].keys(), ["password", "host"]);
    }

    #[test]
    fn different_environments_or_conflicting_companions_stay_apart() {
        let fs = vec![
            secret("deploy/prod/task.json", 1, "pw", Some("deploy/prod/task.json#a"), "DB_PASSWORD", None),
            secret("deploy/staging/task.json", 1, "pw", Some("deploy/staging/task.json#a"), "DB_PASSWORD", None),
            secret("a/.env", 1, "pw", Some("a/.env#db"), "DB_PASSWORD", None),
            cfg("a/.env", 20, "host-a", Some("a/.env#db"), "DB_HOST", "host"),
            secret("b/.env", 1, "pw", Some("b/.env#db"), "DB_PASSWORD", None),
            cfg("b/.env", 20, "host-b", Some("b/.env#db"), "DB_HOST", "host"),
        ];
        let c = cluster(&fs);
        // Sorted by path: a/.env starts a cluster; b/.env shares the password but not the host, so
        // it starts another; the prod task definition joins the first, staging the second.
        let shape: Vec<(usize, Option<&str>)> =
            c.clusters.iter().map(|c| (c.members.len(), c.env.as_deref())).collect();
        assert_eq!(shape, [(3, Some("prod")), (3, Some("staging"))]);
        assert_eq!(c.clusters[0].members[0].f.path, std::path::Path::new("a/.env"));
    }

    #[test]
    fn overlapping_findings_keep_the_first() {
        let fs = vec![
            secret("a.py", 10, "tok", None, "API_TOKEN", None),
            secret("a.py", 10, "tok", None, "API_TOKEN", None),
        ];
        let c = cluster(&fs);
        assert_eq!(c.duplicates, 1);
        assert_eq!(c.clusters.len(), 1);
        assert_eq!(c.clusters[0].members.len(), 1);
    }

    #[test]
    fn keys_from_names_and_rules() {
        let f = secret("a.js", 1, "x", None, "jwtSigningKey", None);
        assert_eq!(key_of(&f), "jwt_signing_key");
        let f = secret("a.js", 1, "x", None, "dbPassword", None);
        assert_eq!(key_of(&f), "password");
        let mut f = secret("a.js", 1, "x", None, "x", None);
        f.name = None;
        f.rule = "stripe.secret-key".into();
        assert_eq!(key_of(&f), "secret_key");
    }
}
