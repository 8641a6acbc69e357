//! `.hoist/applied.yaml`: the fate of every site `apply` touched (path, planned offset, keyed
//! fingerprint — no values), written before the files are: done (rewritten, or replaced with a
//! rewritten neighbour such as the other parts of a DSN or a Terraform variable default), or left in
//! place and moved to a new span. A re-run treats a recorded site whose value is gone as done and
//! any other vanished value as a stale plan, instead of guessing from the file's text.

use crate::model::{Fingerprint, Site, Span};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The journal file, relative to the repository root.
pub const JOURNAL_FILE: &str = ".hoist/applied.yaml";

/// Sites already rewritten.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// Sites whose value an apply moved out of the file, sorted.
    #[serde(default)]
    pub sites: Vec<AppliedSite>,
    /// Sites left in place in a rewritten file (manual, skip, declined), whose bytes moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub moved: Vec<MovedSite>,
}

/// Where a site that was not rewritten sits now.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovedSite {
    /// The site as planned.
    #[serde(flatten)]
    pub site: AppliedSite,
    /// Its span now.
    pub span: Span,
    /// Its line now.
    pub line: usize,
}

/// One rewritten site.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliedSite {
    /// File, relative to the root.
    pub path: PathBuf,
    /// Planned byte offset of the value.
    pub start: usize,
    /// Keyed fingerprint of the value that was there.
    pub fingerprint: Fingerprint,
}

impl AppliedSite {
    /// The record for a planned site.
    pub fn of(site: &Site) -> Self {
        Self { path: site.path.clone(), start: site.span.start, fingerprint: site.fingerprint.clone() }
    }
}

impl Journal {
    /// Reads the journal under `root` (empty when absent).
    pub fn load(root: &Path) -> std::io::Result<Journal> {
        match std::fs::read_to_string(root.join(JOURNAL_FILE)) {
            Ok(text) => serde_yaml::from_str(&text)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{JOURNAL_FILE}: {e}"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Journal::default()),
            Err(e) => Err(e),
        }
    }

    /// True when the site was recorded as rewritten.
    pub fn contains(&self, site: &Site) -> bool {
        self.sites.binary_search(&AppliedSite::of(site)).is_ok()
    }

    /// Where a site left in place by an earlier apply sits now.
    pub fn moved_to(&self, site: &Site) -> Option<(Span, usize)> {
        let key = AppliedSite::of(site);
        self.moved.iter().find(|m| m.site == key).map(|m| (m.span, m.line))
    }

    /// Records rewritten and moved sites and writes the journal atomically.
    pub fn record(
        &mut self,
        root: &Path,
        sites: impl IntoIterator<Item = AppliedSite>,
        moved: impl IntoIterator<Item = MovedSite>,
    ) -> std::io::Result<()> {
        self.sites.extend(sites);
        self.sites.sort();
        self.sites.dedup();
        for m in moved {
            self.moved.retain(|old| old.site != m.site);
            self.moved.push(m);
        }
        self.moved.sort();
        let text = format!(
            "# Sites hoist has rewritten (no values; keyed fingerprints). Commit it with the plan and state.\n{}",
            serde_yaml::to_string(self).map_err(std::io::Error::other)?
        );
        super::write::write_atomic(&root.join(JOURNAL_FILE), text.as_bytes())
    }
}

/// The previous plan as the tree now stands, for matching a new scan against it: sites an earlier
/// apply moved out are dropped (a new finding with the same value elsewhere in the file is not
/// them; [`keep_applied`] puts them back), and sites it left in place sit at their new spans.
pub fn current_view(plan: &crate::model::Plan, journal: &Journal) -> crate::model::Plan {
    let mut view = plan.clone();
    for s in &mut view.secrets {
        for k in &mut s.keys {
            k.sites.retain(|t| !journal.contains(t));
            for t in &mut k.sites {
                if let Some((span, line)) = journal.moved_to(t) {
                    t.span = span;
                    t.line = line;
                }
            }
        }
        s.keys.retain(|k| !k.sites.is_empty());
    }
    view.secrets.retain(|s| !s.keys.is_empty());
    view
}

/// Re-planning an applied tree: the sites an earlier apply rewrote no longer hold their values, so
/// a new scan can't find them; this puts each one the journal records back into `new` (under its
/// secret and key, created from `old` when the new plan lacks them), so the plan keeps every
/// applied secret and `hoist run` keeps every variable. Returns how many sites were kept.
pub fn keep_applied(old: &crate::model::Plan, new: &mut crate::model::Plan, journal: &Journal) -> usize {
    let mut kept = 0;
    for s in &old.secrets {
        for k in &s.keys {
            for t in k.sites.iter().filter(|t| journal.contains(t)) {
                let clash = new
                    .sites()
                    .any(|(_, _, n)| n.path == t.path && (n.span.overlaps(&t.span) || (n.span.start == t.span.start)));
                if clash {
                    continue;
                }
                let secret = match new.secrets.iter().position(|n| n.name == s.name) {
                    Some(i) => &mut new.secrets[i],
                    None => {
                        new.secrets.push(crate::model::PlannedSecret { keys: Vec::new(), ..s.clone() });
                        new.secrets.last_mut().expect("just pushed")
                    }
                };
                let key = match secret.keys.iter().position(|n| n.key == k.key) {
                    Some(i) => &mut secret.keys[i],
                    None => {
                        secret.keys.push(crate::model::SecretKey { sites: Vec::new(), ..k.clone() });
                        secret.keys.last_mut().expect("just pushed")
                    }
                };
                // The key now holds another value: the applied site belongs to the old one.
                if key.fingerprint != k.fingerprint {
                    continue;
                }
                key.sites.push(t.clone());
                key.sites.sort_by(|a, b| (&a.path, a.span.start).cmp(&(&b.path, b.span.start)));
                kept += 1;
            }
        }
    }
    new.secrets.retain(|s| !s.keys.is_empty());
    kept
}
