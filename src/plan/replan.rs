//! Re-planning: carries a user's edits from the previous plan to the new one for every site that
//! still exists (matched by path + fingerprint, which is stable because the salt is reused), and
//! reports the sites that are new and the ones that vanished.

use super::{Planned, naming};
use crate::model::{Fingerprint, Plan};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

/// A site, as the re-plan report names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteRef {
    /// Secret name.
    pub secret: String,
    /// JSON key.
    pub key: String,
    /// Path.
    pub path: PathBuf,
    /// Line.
    pub line: usize,
}

/// What re-planning carried over and what changed.
#[derive(Clone, Debug, Default)]
pub struct Replan {
    /// Sites matched to the previous plan (their strategy and env var were kept).
    pub kept: usize,
    /// Secrets that kept the previous plan's name, tags, KMS key and description.
    pub secrets_kept: usize,
    /// Sites the previous plan didn't have.
    pub new_sites: Vec<SiteRef>,
    /// Sites of the previous plan that no longer exist (the value moved or was removed).
    pub vanished: Vec<SiteRef>,
}

type SiteIdx = (usize, usize, usize);

/// Copies edits from `old` into `new` (see the module doc). Secret-level fields (name, tags, KMS
/// key, description, shape) follow the old secret that most of a new secret's sites came from;
/// key names follow the same way. Names stay unique: a new secret whose default name a kept
/// name took gets a number.
pub fn carry_edits(old: &Plan, new: &mut Planned) -> Replan {
    let mut report = Replan::default();
    let mut index: HashMap<(&PathBuf, &Fingerprint), Vec<SiteIdx>> = HashMap::new();
    for (si, s) in old.secrets.iter().enumerate() {
        for (ki, k) in s.keys.iter().enumerate() {
            for (ti, t) in k.sites.iter().enumerate() {
                index.entry((&t.path, &t.fingerprint)).or_default().push((si, ki, ti));
            }
        }
    }
    for v in index.values_mut() {
        v.sort_by_key(|&(si, ki, ti)| old.secrets[si].keys[ki].sites[ti].span.start);
    }
    let mut used: HashSet<SiteIdx> = HashSet::new();
    // Sizes follow secrets by position while names change.
    let sizes: Vec<Option<usize>> = new.plan.secrets.iter().map(|s| new.payload_sizes.get(&s.name).copied()).collect();
    // votes[new secret][old secret] and key_votes[(new secret, new key)][old key name]
    let mut votes: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); new.plan.secrets.len()];
    let mut key_votes: HashMap<(usize, usize), BTreeMap<String, usize>> = HashMap::new();
    let plan = &mut new.plan;
    for (ni, s) in plan.secrets.iter_mut().enumerate() {
        for (nk, k) in s.keys.iter_mut().enumerate() {
            for t in &mut k.sites {
                let hit =
                    index.get(&(&t.path, &t.fingerprint)).and_then(|c| c.iter().find(|i| !used.contains(*i)).copied());
                let Some((si, ki, ti)) = hit else {
                    report.new_sites.push(SiteRef {
                        secret: s.name.clone(),
                        key: k.key.clone(),
                        path: t.path.clone(),
                        line: t.line,
                    });
                    continue;
                };
                used.insert((si, ki, ti));
                let o = &old.secrets[si].keys[ki].sites[ti];
                t.strategy = o.strategy;
                t.env_var = o.env_var.clone();
                t.reason = o.reason.clone();
                report.kept += 1;
                *votes[ni].entry(si).or_default() += 1;
                *key_votes.entry((ni, nk)).or_default().entry(old.secrets[si].keys[ki].key.clone()).or_default() += 1;
            }
        }
    }
    let mut claimed: HashSet<usize> = HashSet::new();
    let mut fixed = Vec::new();
    for (ni, v) in votes.iter().enumerate() {
        let best = v.iter().filter(|(o, _)| !claimed.contains(*o)).max_by_key(|(o, n)| (**n, std::cmp::Reverse(**o)));
        let Some((&oi, _)) = best else { continue };
        claimed.insert(oi);
        fixed.push(ni);
        report.secrets_kept += 1;
        let o = &old.secrets[oi];
        let s = &mut plan.secrets[ni];
        s.name = o.name.clone();
        s.tags = o.tags.clone();
        s.kms_key_id = o.kms_key_id.clone();
        s.description = o.description.clone();
        if s.keys.len() == 1 {
            s.shape = o.shape;
        }
        let old_keys: HashSet<&str> = o.keys.iter().map(|k| k.key.as_str()).collect();
        for nk in 0..s.keys.len() {
            let Some(kv) = key_votes.get(&(ni, nk)) else { continue };
            let Some((name, _)) = kv.iter().filter(|(k, _)| old_keys.contains(k.as_str())).max_by_key(|(_, n)| **n)
            else {
                continue;
            };
            if !s.keys.iter().any(|k| &k.key == name) {
                s.keys[nk].key = name.clone();
            }
        }
    }
    // A default name a kept name now clashes with gets a number.
    let mut taken: HashSet<String> = fixed.iter().map(|&i| plan.secrets[i].name.clone()).collect();
    for i in 0..plan.secrets.len() {
        if fixed.contains(&i) {
            continue;
        }
        let base = plan.secrets[i].name.clone();
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = naming::numbered(&base, n);
            n += 1;
        }
        taken.insert(name.clone());
        plan.secrets[i].name = name;
    }
    new.payload_sizes = plan.secrets.iter().zip(sizes).filter_map(|(s, n)| n.map(|n| (s.name.clone(), n))).collect();
    plan.secrets.sort_by(|a, b| a.name.cmp(&b.name));
    for (si, s) in old.secrets.iter().enumerate() {
        for (ki, k) in s.keys.iter().enumerate() {
            for (ti, t) in k.sites.iter().enumerate() {
                if !used.contains(&(si, ki, ti)) {
                    report.vanished.push(SiteRef {
                        secret: s.name.clone(),
                        key: k.key.clone(),
                        path: t.path.clone(),
                        line: t.line,
                    });
                }
            }
        }
    }
    report
}
