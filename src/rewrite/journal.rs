//! `.hoist/applied.yaml`: the sites `apply` has rewritten (path, planned offset, keyed fingerprint —
//! no values), written before the files are. A re-run treats a recorded site whose value is gone as
//! done and any other vanished value as a stale plan, instead of guessing from the file's text.

use crate::model::{Fingerprint, Site, Span};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The journal file, relative to the repository root.
pub const JOURNAL_FILE: &str = ".hoist/applied.yaml";

/// Sites already rewritten.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// Recorded sites, sorted.
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
