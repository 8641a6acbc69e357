//! The key-file part of `diff` and `apply`: shows each key file apply takes out of the tree (its
//! size and secret, never its contents), removes them once their secret is uploaded and
//! `.gitignore` lists them, and verifies they are gone.

use crate::Ui;
use crate::keyfile::tree::{self, Removal};
use crate::model::State;
use crate::rewrite::write::maybe_abort;
use std::io::Write;
use std::path::Path;

/// Prints one deletion block per key file, in the diff's style, without the file's contents.
pub fn print_removals(out: &mut dyn Write, removals: &[Removal], color: bool) -> std::io::Result<()> {
    let (bold, cyan, reset) = if color { ("\x1b[1m", "\x1b[36m", "\x1b[0m") } else { ("", "", "") };
    for r in removals {
        let p = crate::scan::slash_path(&r.site.path);
        writeln!(out, "{bold}--- a/{p}{reset}")?;
        writeln!(out, "{bold}+++ /dev/null{reset}")?;
        writeln!(
            out,
            "{cyan}@@ key file: {} bytes move whole to secret {}; deleted from the tree (git rm --cached), listed \
             in {} (contents not shown) @@{reset}",
            r.bytes,
            r.secret,
            tree::GITIGNORE
        )?;
    }
    Ok(())
}

/// Takes every key file out of the tree whose secret the state records and `.gitignore` lists
/// (a declined `.gitignore` keeps them); `steps` counts the writes for the crash-test hook.
/// Returns the files removed.
pub fn remove_all<'r>(
    root: &Path,
    removals: &'r [Removal],
    state: &State,
    steps: &mut usize,
    ui: &mut Ui<'_>,
) -> anyhow::Result<Vec<&'r Removal>> {
    let mut removed = Vec::new();
    for r in removals {
        let shown = r.site.path.display();
        if !state.secrets.contains_key(&r.secret) {
            writeln!(ui.err, "hoist: {shown}: kept: secret {} is not uploaded", r.secret)?;
            continue;
        }
        if !tree::is_ignored(root, &r.site.path) {
            writeln!(ui.err, "hoist: {shown}: kept: {} doesn't list it", tree::GITIGNORE)?;
            continue;
        }
        tree::remove(root, &r.site.path, &mut || {
            *steps += 1;
            maybe_abort(*steps);
        })
        .map_err(|e| anyhow::anyhow!("cannot remove {shown}: {e}"))?;
        removed.push(r);
    }
    Ok(removed)
}

/// The "Still to do" step for the key files removed: how to run and deploy without them.
pub fn next_step(removed: &[&Removal]) -> Option<String> {
    if removed.is_empty() {
        return None;
    }
    let paths: Vec<String> = removed.iter().map(|r| crate::scan::slash_path(&r.site.path)).collect();
    let flags: Vec<String> = paths.iter().map(|p| format!("--file {p}")).collect();
    Some(format!(
        "Key files now live in Secrets Manager only ({}): run locally with `hoist run {} -- CMD`; have each \
         deployment mount them from their secret (the plan's reason for each says how: a Kubernetes \
         ExternalSecret volume, an ECS entrypoint). They stay in git history: replace the keys and certificates.",
        paths.join(", "),
        flags.join(" ")
    ))
}

/// Checks each removed key file: gone from the disk and the index, ignored. Reports problems.
pub fn verify(root: &Path, removed: &[&Removal], ui: &mut Ui<'_>) -> anyhow::Result<bool> {
    let mut ok = true;
    for r in removed {
        let p = &r.site.path;
        let mut problems = Vec::new();
        if root.join(p).exists() {
            problems.push("still on disk");
        }
        if !tree::untracked(root, p) {
            problems.push("still tracked by git");
        }
        if !tree::is_ignored(root, p) {
            problems.push("not in .gitignore");
        }
        if !problems.is_empty() {
            ok = false;
            writeln!(ui.err, "hoist: verify: {}: {}", p.display(), problems.join(", "))?;
        }
    }
    if !removed.is_empty() {
        writeln!(
            ui.out,
            "hoist: moved {} key file(s) to Secrets Manager: deleted from the tree and listed in {}",
            removed.len(),
            tree::GITIGNORE
        )?;
    }
    Ok(ok)
}
