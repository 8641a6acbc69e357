//! What `apply` shows and asks before it changes anything: the plan summary, the full redacted
//! diff, then one question (or, with `--interactive`, one per file: y/n/a/q with a `(2/7)`
//! counter). Nothing is uploaded or written before the answer. A file that imports a generated
//! helper can't be accepted when the helper was declined: that combination would not run.

use super::diff::{Redaction, print_changes};
use crate::Ui;
use crate::rewrite::changes::{Change, Changes};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// What the person accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// Go ahead with these files (all of them unless `--interactive`); may be empty when there
    /// are only secrets to upload.
    Accept(BTreeSet<PathBuf>),
    /// Nothing: upload nothing, write nothing.
    Decline,
}

/// Prints what apply is about to do, before the diff: secrets to upload, files to write.
pub fn write_summary(out: &mut dyn Write, uploads: &[&str], changes: &Changes) -> std::io::Result<()> {
    // A new `.gitignore` (key files) is not a helper module.
    let helpers = changes
        .files
        .iter()
        .filter(|c| c.old.is_none() && c.path != Path::new(crate::keyfile::tree::GITIGNORE))
        .count();
    writeln!(out, "hoist apply will:")?;
    if uploads.is_empty() {
        writeln!(out, "  upload nothing (every secret is already in Secrets Manager)")?;
    } else {
        writeln!(out, "  upload {} secret(s) to Secrets Manager: {}", uploads.len(), uploads.join(", "))?;
    }
    write!(out, "  rewrite {} file(s)", changes.files.len() - helpers)?;
    if helpers > 0 {
        write!(out, " and create {helpers} helper module(s)")?;
    }
    writeln!(out)?;
    if !changes.removals.is_empty() {
        let paths: Vec<String> = changes.removals.iter().map(|r| crate::scan::slash_path(&r.site.path)).collect();
        writeln!(
            out,
            "  take {} key file(s) out of the tree (moved whole to Secrets Manager, listed in .gitignore): {}",
            paths.len(),
            paths.join(", ")
        )?;
    }
    if !changes.manual.is_empty() {
        writeln!(out, "  leave {} site(s) for you to change by hand (listed at the end)", changes.manual.len())?;
    }
    Ok(())
}

/// Shows the diff and asks; `--yes` shows the diff and accepts everything.
pub fn confirm(
    changes: &Changes,
    uploads: usize,
    yes: bool,
    interactive: bool,
    redaction: &Redaction,
    ui: &mut Ui<'_>,
) -> anyhow::Result<Answer> {
    let all: BTreeSet<PathBuf> = changes.files.iter().map(|c| c.path.clone()).collect();
    let patterns = changes.files.iter().any(|c| c.new.contains("-??????"));
    let note = |ui: &mut Ui<'_>| -> std::io::Result<()> {
        if patterns {
            writeln!(
                ui.err,
                "hoist: note: secrets not uploaded yet appear as `…:secret:NAME-??????`; the files are written with the real ARNs after the upload"
            )?;
        }
        Ok(())
    };
    if yes || !interactive || changes.files.is_empty() {
        writeln!(ui.out)?;
        print_changes(ui.out, changes, ui.color, redaction, false)?;
        ui.out.flush()?;
        note(ui)?;
        if yes {
            return Ok(Answer::Accept(all));
        }
        let q = match (uploads, changes.files.len()) {
            (0, n) => format!("write these {n} file(s)?"),
            (u, 0) => format!("upload {u} secret(s)?"),
            (u, n) => format!("upload {u} secret(s) and write these {n} file(s)?"),
        };
        return Ok(match ask(ui, &format!("{q} [y/N] "))?.as_deref() {
            Some("y" | "yes") => Answer::Accept(all),
            _ => Answer::Decline,
        });
    }
    note(ui)?;
    let needs = helper_needs(&changes.files);
    let total = changes.files.len();
    let mut keep = BTreeSet::new();
    let mut declined: BTreeSet<&Path> = BTreeSet::new();
    let mut rest_all = false;
    for (i, c) in changes.files.iter().enumerate() {
        let missing = needs.get(c.path.as_path()).filter(|h| declined.contains(h.as_path()));
        if let Some(helper) = missing {
            writeln!(
                ui.err,
                "hoist: ({}/{total}) skipping {}: it imports {}, which you declined, and would not run without it",
                i + 1,
                c.path.display(),
                helper.display()
            )?;
            declined.insert(&c.path);
            continue;
        }
        if rest_all {
            keep.insert(c.path.clone());
            continue;
        }
        let one = Changes { files: vec![c.clone()], ..Default::default() };
        writeln!(ui.out)?;
        print_changes(ui.out, &one, ui.color, redaction, false)?;
        ui.out.flush()?;
        let q = format!("({}/{total}) write {}? [y,n,a,q,?] ", i + 1, c.path.display());
        loop {
            match ask(ui, &q)?.as_deref() {
                Some("y" | "yes") => {
                    keep.insert(c.path.clone());
                }
                Some("a" | "all") => {
                    keep.insert(c.path.clone());
                    rest_all = true;
                }
                Some("n" | "no") => {
                    declined.insert(&c.path);
                }
                None | Some("q" | "quit") => return Ok(finish(keep)),
                Some(_) => {
                    writeln!(
                        ui.err,
                        "y - write this file\nn - skip this file\na - write this and every remaining file\nq - stop here: skip this and every remaining file\n? - this help"
                    )?;
                    continue;
                }
            }
            break;
        }
    }
    Ok(finish(keep))
}

fn finish(keep: BTreeSet<PathBuf>) -> Answer {
    if keep.is_empty() { Answer::Decline } else { Answer::Accept(keep) }
}

/// Asks on stderr and reads one answer from stdin, trimmed and lower-cased; `None` at the end of
/// input (treated as no).
fn ask(ui: &mut Ui<'_>, question: &str) -> anyhow::Result<Option<String>> {
    write!(ui.err, "{question}")?;
    ui.err.flush()?;
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line)? == 0 {
        writeln!(ui.err)?;
        return Ok(None);
    }
    Ok(Some(line.trim().to_ascii_lowercase()))
}

/// For each rewritten file, the helper module created in this apply that it starts importing: the
/// nearest new helper in its folder or above whose module name the new text mentions and the old
/// text didn't.
pub fn helper_needs(files: &[Change]) -> BTreeMap<&Path, PathBuf> {
    let helpers: Vec<(&Path, &str)> = files
        .iter()
        .filter(|c| c.old.is_none())
        .filter_map(|c| Some((c.path.as_path(), c.path.file_stem()?.to_str()?)))
        .collect();
    let mut out = BTreeMap::new();
    for c in files.iter() {
        let Some(old) = &c.old else { continue };
        let dir = c.path.parent().unwrap_or(Path::new(""));
        let best = helpers
            .iter()
            .filter(|(h, stem)| {
                dir.starts_with(h.parent().unwrap_or(Path::new(""))) && c.new.contains(stem) && !old.contains(stem)
            })
            .max_by_key(|(h, _)| h.components().count());
        if let Some((h, _)) = best {
            out.insert(c.path.as_path(), h.to_path_buf());
        }
    }
    out
}

/// The secrets the accepted files need: with every file accepted, all of them; otherwise a secret
/// is left out when each file that would reference it was declined.
pub fn needed_uploads<'a>(
    uploads: &'a [(String, std::collections::BTreeMap<String, crate::model::SecretValue>)],
    checks: &[crate::rewrite::changes::SiteCheck<'_>],
    changes: &Changes,
    accepted: &BTreeSet<PathBuf>,
) -> Vec<&'a str> {
    let files: BTreeSet<&Path> = changes.files.iter().map(|c| c.path.as_path()).collect();
    uploads
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| {
            let mine: Vec<&Path> = checks
                .iter()
                .filter(|c| c.secret.name == *name && files.contains(c.site.path.as_path()))
                .map(|c| c.site.path.as_path())
                .collect();
            mine.is_empty() || mine.iter().any(|p| accepted.contains(*p))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, old: Option<&str>, new: &str) -> Change {
        Change {
            path: path.into(),
            old: old.map(String::from),
            new: new.into(),
            values_old: vec![],
            values_new: vec![],
            moved: vec![],
        }
    }

    #[test]
    fn a_file_needs_the_new_helper_it_starts_importing() {
        let files = vec![
            change("app/hoist_secrets.py", None, "def get(): ...\n"),
            change("app/settings.py", Some("PW = 'x'\n"), "import hoist_secrets\nPW = hoist_secrets.get()\n"),
            change("app/other.py", Some("A = 1\n"), "import os\nA = os.environ['A']\n"),
            change("worker/index.js", Some("x"), "require('./hoist_secrets')"),
        ];
        let needs = helper_needs(&files);
        assert_eq!(needs.get(Path::new("app/settings.py")), Some(&PathBuf::from("app/hoist_secrets.py")));
        assert_eq!(needs.get(Path::new("app/other.py")), None, "uses no helper");
        assert_eq!(needs.get(Path::new("worker/index.js")), None, "the helper is in another folder");
    }
}
