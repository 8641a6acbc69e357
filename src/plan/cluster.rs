//! Grouping and dedupe: findings of one detector group (a credential and its config companions)
//! form a unit; units that share a credential value (same fingerprint) merge into one cluster,
//! which becomes one secret — unless their paths name different environments. Where merged
//! units disagree on a companion (`.env` says `DB_HOST=localhost`, the task definition names the
//! RDS host), the deployment file's value wins, then code's, then other config's, then `.env`'s;
//! the others are not secrets and stay where they are.

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
    /// Companion values left out because a better-placed value for the same key won.
    pub conflicting: usize,
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
        // overlapping spans); the first (a credential before config) wins. A whole connection
        // string covers its parts on purpose (they fill their own keys and stay in place).
        match reach {
            _ if super::whole::is_whole(f) => {}
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
    let mut conflicting = 0;
    for c in &mut clusters {
        conflicting += resolve(c);
    }
    Clustering { clusters, lone_config, duplicates, conflicting }
}

/// Where a companion value is most likely the deployed truth: deployment files, then code, then
/// other config, then `.env` (usually a developer's local settings), test files last.
fn rank(f: &Finding) -> u8 {
    if f.severity == crate::model::Severity::Low {
        return 4;
    }
    match super::sites::place(f) {
        super::sites::Place::Deploy => 0,
        super::sites::Place::Code => 1,
        super::sites::Place::Config => 2,
        super::sites::Place::Dotenv => 3,
    }
}

/// Keeps one value per key: for a key whose config members disagree, the best-ranked value
/// wins and the others are dropped. Returns how many were dropped.
fn resolve(c: &mut Cluster<'_>) -> usize {
    let mut winner: HashMap<String, (u8, usize, &Fingerprint)> = HashMap::new();
    for (i, m) in c.members.iter().enumerate() {
        let cand = (rank(m.f), i, &m.f.fingerprint);
        let w = winner.entry(m.key.clone()).or_insert(cand);
        // Credentials always keep their value (they were given distinct keys on joining).
        if m.f.kind == Kind::Secret || (cand.0, cand.1) < (w.0, w.1) {
            *w = if m.f.kind == Kind::Secret { (0, 0, &m.f.fingerprint) } else { cand };
        }
    }
    let keep: Vec<bool> = c.members.iter().map(|m| winner[&m.key].2 == &m.f.fingerprint).collect();
    let before = c.members.len();
    let mut it = keep.iter();
    c.members.retain(|_| *it.next().unwrap_or(&true));
    before - c.members.len()
}

/// The unit's members renamed to the cluster's keys for shared credentials, or `None` when the
/// unit's path names another environment. A credential whose key holds another credential in
/// the cluster gets `_2`, `_3`…; companion disagreements are settled later by [`resolve`].
fn try_join<'a>(c: &Cluster<'a>, env: &Option<String>, unit: &[Member<'a>]) -> Option<Vec<Member<'a>>> {
    if let (Some(a), Some(b)) = (&c.env, env)
        && a != b
    {
        return None;
    }
    if !same_meaning(c, unit) {
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
    for i in 0..out.len() {
        if out[i].f.kind != Kind::Secret {
            continue;
        }
        let fp = out[i].f.fingerprint.clone();
        let taken = |key: &str, earlier: &[Member<'a>]| {
            c.members.iter().chain(earlier).any(|o| o.key == key && o.f.kind == Kind::Secret && o.f.fingerprint != fp)
        };
        let base = out[i].key.clone();
        let mut key = base.clone();
        let mut n = 2;
        while taken(&key, &out[..i]) {
            key = format!("{base}_{n}");
            n += 1;
        }
        out[i].key = key;
    }
    Some(out)
}

/// Settings that name *which* credential a value is: two databases, or two logins, are two
/// secrets even when their passwords are equal. A host is not one of them (a laptop's `.env`
/// says `localhost` where the task definition names the RDS endpoint of the same database).
const IDENTITY_KEYS: &[&str] = &["dbname", "username"];

/// True when a unit may join a cluster by meaning: both talk to the same kind of service (no two
/// different database engines or providers) and agree on the database and the login wherever both
/// spell them.
fn same_meaning(c: &Cluster<'_>, unit: &[Member<'_>]) -> bool {
    let ours: Vec<&Finding> = unit.iter().map(|m| m.f).collect();
    let theirs = c.findings();
    let kind = |fs: &[&Finding]| naming::engine_of_findings(fs).map(str::to_string);
    if let (Some(a), Some(b)) = (kind(&ours), kind(&theirs))
        && a != b
    {
        return false;
    }
    IDENTITY_KEYS.iter().all(|k| {
        let values = |ms: &mut dyn Iterator<Item = &Member<'_>>| -> Vec<Fingerprint> {
            ms.filter(|m| m.key == *k).map(|m| m.f.fingerprint.clone()).collect()
        };
        let a = values(&mut unit.iter());
        let b = values(&mut c.members.iter());
        a.is_empty() || b.is_empty() || a.iter().any(|v| b.contains(v))
    })
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
    fn environments_stay_apart_and_the_deployed_companion_wins() {
        let fs = vec![
            secret("deploy/prod/task.json", 1, "pw", Some("deploy/prod/task.json#a"), "DB_PASSWORD", None),
            cfg("deploy/prod/task.json", 20, "rds-host", Some("deploy/prod/task.json#a"), "DB_HOST", "host"),
            secret("deploy/staging/task.json", 1, "pw", Some("deploy/staging/task.json#a"), "DB_PASSWORD", None),
            secret("a/.env", 1, "pw", Some("a/.env#db"), "DB_PASSWORD", None),
            cfg("a/.env", 20, "localhost", Some("a/.env#db"), "DB_HOST", "host"),
        ];
        let mut fs = fs;
        fs[0].deploy =
            Some(crate::model::DeployInfo { kind: "ecs-task-definition".into(), container: None, embedded: false });
        fs[1].deploy = fs[0].deploy.clone();
        let c = cluster(&fs);
        // a/.env starts a cluster; the prod task definition joins it (and makes it prod); the
        // staging one can't. The task definition's host beats the .env's.
        let shape: Vec<(usize, Option<&str>)> =
            c.clusters.iter().map(|c| (c.members.len(), c.env.as_deref())).collect();
        assert_eq!(shape, [(3, Some("prod")), (1, Some("staging"))]);
        assert_eq!(c.conflicting, 1);
        let host = c.clusters[0].members.iter().find(|m| m.key == "host").unwrap();
        assert_eq!(host.f.path, std::path::Path::new("deploy/prod/task.json"));
    }

    #[test]
    fn two_credentials_under_one_key_stay_two_keys() {
        let fs = vec![
            secret("a.py", 1, "shared", Some("a.py#x"), "API_TOKEN", Some("token")),
            secret("a.py", 20, "pw-a", Some("a.py#x"), "PASSWORD", Some("password")),
            secret("b.py", 1, "shared", Some("b.py#x"), "API_TOKEN", Some("token")),
            secret("b.py", 20, "pw-b", Some("b.py#x"), "PASSWORD", Some("password")),
        ];
        let c = cluster(&fs);
        assert_eq!(c.clusters.len(), 1);
        assert_eq!(c.clusters[0].keys(), ["token", "password", "password_2"]);
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
