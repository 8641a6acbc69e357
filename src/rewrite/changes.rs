//! From a plan to the files `apply` would write: checks every site against the tree (pending,
//! already applied, or stale), runs the per-file rewriters over the pending ones, and collects the
//! new texts, the generated helpers and the sites left for the user.

use super::helpers::helper_file;
use super::journal::Journal;
use super::{FileContext, HelperNeed, RewriteError, SiteRewrite, env_var_for, rewrite_file};
use crate::model::{
    Edit, Fingerprinter, Plan, PlannedSecret, SecretKey, SecretValue, Site, Span, Strategy, apply_edits,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::site::SiteState;

/// One site with its secret, key, state and (when pending) its value as written in the file.
#[derive(Clone, Debug)]
pub struct SiteCheck<'p> {
    /// The secret.
    pub secret: &'p PlannedSecret,
    /// The key within it.
    pub key: &'p SecretKey,
    /// The site as planned (its identity in the journal).
    pub site: &'p Site,
    /// The site where it is now: the planned span, or where an earlier apply moved it.
    pub current: Site,
    /// Its state.
    pub state: SiteState,
    /// The value (pending sites only): decoded, and as spelled in the file (for redaction).
    pub value: Option<(SecretValue, SecretValue)>,
}

/// Checks every site of `plan` against the files under `root`. Fingerprints are keyed by `fp`
/// (the plan's salt); `journal` says which sites a previous apply rewrote.
pub fn check_sites<'p>(root: &Path, plan: &'p Plan, fp: &Fingerprinter, journal: &Journal) -> Vec<SiteCheck<'p>> {
    let mut texts: BTreeMap<PathBuf, Result<String, String>> = BTreeMap::new();
    plan.sites()
        .map(|(secret, key, site)| {
            // A key file is read whole, as bytes (it may be binary).
            if crate::keyfile::is_whole_file(&site.rule) {
                let (state, value) = crate::keyfile::tree::site_state(root, site, fp, journal);
                let value = value.map(|v| (v.clone(), v));
                return SiteCheck { secret, key, site, current: site.clone(), state, value };
            }
            let text = texts.entry(site.path.clone()).or_insert_with(|| read_site_file(root, &site.path));
            let (state, value, current) = match text {
                // A file an earlier apply removed (its value moved out) is done, not stale.
                Err(_) if journal.contains(site) => (SiteState::Applied, None, site.clone()),
                Err(e) => (SiteState::Stale(e.clone()), None, site.clone()),
                Ok(text) => {
                    let l = crate::site::locate(text, site, fp, journal);
                    (l.state, l.reading.map(|r| (r.value, r.raw)), l.current)
                }
            };
            SiteCheck { secret, key, site, current, state, value }
        })
        .collect()
}

fn read_site_file(root: &Path, rel: &Path) -> Result<String, String> {
    let path = crate::paths::safe_join(root, rel).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", rel.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", rel.display()))
}

/// A file `apply` writes: its old text (`None` for a new helper module) and its new text.
#[derive(Clone, Debug)]
pub struct Change {
    /// Path relative to the repository root.
    pub path: PathBuf,
    /// Current text, `None` when the file is created.
    pub old: Option<String>,
    /// Text to write.
    pub new: String,
    /// Byte spans of planned values in `old` (for redacted display).
    pub values_old: Vec<Span>,
    /// Byte spans of planned values still in `new` (sites not rewritten), for redacted display.
    pub values_new: Vec<Span>,
    /// Spans of `old` that survive in `new` (sites not rewritten): (old, new).
    pub moved: Vec<(Span, Span)>,
}

/// A site the user has to change by hand.
#[derive(Clone, Debug)]
pub struct ManualSite {
    /// File.
    pub path: PathBuf,
    /// Line.
    pub line: usize,
    /// Secret name.
    pub secret: String,
    /// JSON key.
    pub key: String,
    /// Why, and the reference to use.
    pub reason: String,
}

/// Everything `apply` would write.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// Files to write, in path order (helpers before the files importing them).
    pub files: Vec<Change>,
    /// Sites left for the user.
    pub manual: Vec<ManualSite>,
    /// Sites rewritten.
    pub rewritten: usize,
    /// Steps for "Still to do" that are not sites (a dependency to add by hand, a lock to update).
    pub notes: Vec<String>,
    /// Key files to take out of the tree (`file` sites); `.gitignore` is among `files`.
    pub removals: Vec<crate::keyfile::tree::Removal>,
}

/// Rewrites every pending `env`/`sdk` site. `arn_of` gives the ARN for a secret name (the state
/// file's after upload, the `NAME-??????` pattern before).
pub fn compute_changes(
    root: &Path,
    checks: &[SiteCheck<'_>],
    arn_of: &dyn Fn(&str) -> String,
) -> Result<Changes, RewriteError> {
    let mut changes = Changes::default();
    let mut by_file: BTreeMap<&Path, Vec<&SiteCheck<'_>>> = BTreeMap::new();
    for c in checks {
        match c.site.strategy {
            Strategy::Manual if c.state == SiteState::Pending => changes.manual.push(ManualSite {
                path: c.site.path.clone(),
                line: c.current.line,
                secret: c.secret.name.clone(),
                key: c.key.key.clone(),
                reason: c.site.reason.clone().unwrap_or_else(|| "marked manual in the plan".into()),
            }),
            Strategy::Env | Strategy::Sdk if c.state == SiteState::Pending => {
                by_file.entry(&c.site.path).or_default().push(c)
            }
            Strategy::File if c.state == SiteState::Pending => changes.removals.push(crate::keyfile::tree::Removal {
                site: c.site.clone(),
                secret: c.secret.name.clone(),
                bytes: c.site.span.len(),
            }),
            _ => {}
        }
    }
    let keyfiles: Vec<PathBuf> = changes.removals.iter().map(|r| r.site.path.clone()).collect();
    changes.files.extend(crate::keyfile::tree::gitignore_change(root, &keyfiles));
    let mut helpers: Vec<HelperNeed> = Vec::new();
    for (rel, sites) in by_file {
        let text = read_site_file(root, rel).map_err(|message| RewriteError::Stale {
            path: rel.display().to_string(),
            line: 0,
            message,
        })?;
        // Rewriters see the text after its BOM; their edits are mapped back (and given the file's
        // line endings) by `textstyle::fit_edits`.
        let bom = super::textstyle::bom_len(&text);
        let unbommed: Vec<Site> = sites
            .iter()
            .map(|c| Site { span: super::textstyle::without_bom(c.current.span, bom), ..c.current.clone() })
            .collect();
        let rewrites: Vec<SiteRewrite<'_>> = sites
            .iter()
            .zip(&unbommed)
            .map(|(c, site)| SiteRewrite {
                site,
                secret_name: &c.secret.name,
                key: &c.key.key,
                shape: c.secret.shape,
                arn: arn_of(&c.secret.name),
                env_var: env_var_for(c.site, &c.key.key),
            })
            .collect();
        let ctx =
            FileContext { python_package: rel.parent().is_some_and(|d| root.join(d).join("__init__.py").is_file()) };
        let mut out = rewrite_file(rel, &text[bom..], &rewrites, ctx)?;
        super::textstyle::fit_edits(&text, bom, &mut out.file.edits);
        for (i, reason) in &out.file.manual {
            let c = sites[*i];
            changes.manual.push(ManualSite {
                path: rel.to_path_buf(),
                line: c.current.line,
                secret: c.secret.name.clone(),
                key: c.key.key.clone(),
                reason: reason.clone(),
            });
        }
        if out.file.edits.is_empty() {
            continue;
        }
        let new = apply_edits(text.as_bytes(), &out.file.edits).map_err(|e| RewriteError::Stale {
            path: rel.display().to_string(),
            line: 0,
            message: e.to_string(),
        })?;
        changes.rewritten += sites.len() - out.file.manual.len();
        helpers.extend(out.helpers);
        let mut values_old: Vec<Span> = checks
            .iter()
            .filter(|c| c.site.path == rel && c.state == SiteState::Pending)
            .map(|c| c.current.span)
            .collect();
        values_old.sort();
        values_old.dedup();
        let moved = shift_through(&values_old, &out.file.edits);
        let values_new = moved.iter().map(|(_, new)| *new).collect();
        changes.files.push(Change {
            path: rel.to_path_buf(),
            old: Some(text),
            new: String::from_utf8(new).expect("edits keep UTF-8"),
            values_old,
            values_new,
            moved,
        });
    }
    super::inject::add_injections(root, checks, arn_of, &mut changes.files, &mut changes.manual);
    super::build_secrets::add_build_secrets(root, checks, &mut changes.files, &mut changes.manual);
    crate::keyfile::edits::add_mounts(root, checks, arn_of, &mut changes);
    helpers.sort();
    helpers.dedup();
    super::manifest::add_to_changes(root, checks, &helpers, &mut changes);
    let mut created = Vec::new();
    for need in helpers {
        let (path, text) = helper_file(&need);
        if !root.join(&path).exists() {
            created.push(Change {
                path,
                old: None,
                new: text,
                values_old: Vec::new(),
                values_new: Vec::new(),
                moved: Vec::new(),
            });
        }
    }
    created.append(&mut changes.files);
    changes.files = created;
    Ok(changes)
}

/// A deployment file's text as the steps so far leave it: the pending change's new text (with its
/// index in `files`) when an earlier step already edits the file, else the file on disk; `None`
/// when it can't be read. Injections, build secrets and key-file mounts all edit on top of it.
pub(crate) fn pending_text(files: &[Change], root: &Path, path: &Path) -> Option<(Option<usize>, String)> {
    match files.iter().position(|f| f.path == path) {
        Some(i) => Some((Some(i), files[i].new.clone())),
        None => {
            let text = crate::paths::safe_join(root, path).ok().and_then(|p| std::fs::read_to_string(p).ok())?;
            Some((None, text))
        }
    }
}

/// Applies insertions `edits` to `text` (the pending change at `existing`, or the file on disk
/// when `None`) and records the result in `files`, keeping the spans of planned values still in
/// it in step. Edits never cover such a span.
pub(crate) fn merge_edits(
    files: &mut Vec<Change>,
    checks: &[SiteCheck<'_>],
    path: &Path,
    text: String,
    existing: Option<usize>,
    edits: Vec<(Span, String)>,
) {
    if edits.is_empty() {
        return;
    }
    let mut edits: Vec<Edit> =
        edits.into_iter().map(|(span, replacement)| Edit { path: path.to_path_buf(), span, replacement }).collect();
    super::textstyle::fit_edits(&text, 0, &mut edits);
    let Ok(new) = apply_edits(text.as_bytes(), &edits) else { return };
    let Ok(new) = String::from_utf8(new) else { return };
    match existing {
        Some(i) => {
            let f = &mut files[i];
            f.values_new = f.values_new.iter().map(|s| shift(*s, &edits)).collect();
            f.moved = f.moved.iter().map(|(o, n)| (*o, shift(*n, &edits))).collect();
            f.new = new;
        }
        None => {
            let mut values_old: Vec<Span> = checks
                .iter()
                .filter(|c| c.site.path == path && c.state == SiteState::Pending)
                .map(|c| c.current.span)
                .collect();
            values_old.sort();
            values_old.dedup();
            let moved: Vec<(Span, Span)> = values_old.iter().map(|s| (*s, shift(*s, &edits))).collect();
            files.push(Change {
                path: path.to_path_buf(),
                old: Some(text),
                new,
                values_new: moved.iter().map(|(_, n)| *n).collect(),
                values_old,
                moved,
            });
        }
    }
}

/// Where a span lies after edits none of which covers it.
fn shift(s: Span, edits: &[Edit]) -> Span {
    let delta: isize = edits
        .iter()
        .filter(|e| e.span.end <= s.start)
        .map(|e| e.replacement.len() as isize - e.span.len() as isize)
        .sum();
    Span::new((s.start as isize + delta) as usize, (s.end as isize + delta) as usize)
}

/// Where the spans not touched by `edits` lie after the edits are applied, as (old, new); spans
/// an edit replaces are gone.
fn shift_through(spans: &[Span], edits: &[Edit]) -> Vec<(Span, Span)> {
    spans
        .iter()
        .filter(|s| !edits.iter().any(|e| e.span.overlaps(s) || (s.start < e.span.start && e.span.start < s.end)))
        .map(|s| {
            let delta: isize = edits
                .iter()
                .filter(|e| e.span.end <= s.start)
                .map(|e| e.replacement.len() as isize - e.span.len() as isize)
                .sum();
            (*s, Span::new((s.start as isize + delta) as usize, (s.end as isize + delta) as usize))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_spans_shift_and_replaced_ones_go() {
        let e = |a, b, r: &str| Edit { path: "f".into(), span: Span::new(a, b), replacement: r.into() };
        let edits = [e(0, 0, "import os\n"), e(10, 15, "X")];
        let out = shift_through(&[Span::new(11, 13), Span::new(20, 24)], &edits);
        assert_eq!(out, vec![(Span::new(20, 24), Span::new(20 + 10 - 4, 24 + 10 - 4))]);
    }
}
