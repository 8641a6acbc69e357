//! `hoist apply`: refuses on a dirty tree or a stale plan; shows the plan summary and the exact
//! redacted diff and asks (unless `--yes`); only then uploads the secrets, writes every file
//! atomically with the real ARNs, verifies (each migrated value is gone, every rewritten file still
//! parses), writes the IAM policies and lists what is left to do. Re-running after success changes
//! nothing.

use super::diff::{Redaction, arn_for, fingerprinter, load_state, print_manual, print_stale, resolve_region};
use super::review;
use crate::cli::{ApplyArgs, AwsArgs, UploadOpts};
use crate::model::{Plan, SecretValue, Span, State, Strategy};
use crate::rewrite::changes::{Change, ManualSite, SiteCheck, SiteState, check_sites, compute_changes};
use crate::rewrite::journal::{AppliedSite, Journal, MovedSite};
use crate::rewrite::verify::{Migrated, check_file};
use crate::rewrite::write::{maybe_abort, write_atomic};
use crate::site::locate;
use crate::{EXIT_CLEAN, EXIT_ERROR, Ui};
use anyhow::Context;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What `apply` may do without asking.
#[derive(Clone, Debug, Default)]
pub struct ApplyOptions {
    /// Don't ask.
    pub yes: bool,
    /// Ask per file.
    pub interactive: bool,
    /// Write files with uncommitted changes too.
    pub allow_dirty: bool,
    /// AWS connection.
    pub aws: AwsArgs,
    /// Upload options.
    pub upload: UploadOpts,
}

/// Runs `hoist apply`.
pub fn run(args: &ApplyArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let plan_path = super::diff::plan_path(&args.path, args.plan.as_deref());
    let Some(plan) = super::diff::load_valid_plan(&args.path, &plan_path, ui)? else {
        return Ok(EXIT_ERROR);
    };
    let opts = ApplyOptions {
        yes: args.yes,
        interactive: args.interactive,
        allow_dirty: args.allow_dirty,
        aws: args.aws.clone(),
        upload: args.upload.clone(),
    };
    apply_plan(&args.path, &plan_path, &plan, &opts, ui)
}

/// Applies a validated plan (read from `plan_path`; the state file sits beside it) to the
/// repository at `root`.
pub fn apply_plan(
    root: &Path,
    plan_path: &Path,
    plan: &Plan,
    opts: &ApplyOptions,
    ui: &mut Ui<'_>,
) -> anyhow::Result<u8> {
    let _lock = crate::lock::RepoLock::acquire(root)?;
    let fp = fingerprinter(plan)?;
    let mut journal = Journal::load(root)?;
    let checks = check_sites(root, plan, &fp, &journal);
    if print_stale(ui.errors, &checks)? > 0 {
        writeln!(
            ui.errors,
            "hoist: refusing to apply: the plan no longer matches the files above; re-run `hoist plan`"
        )?;
        return Ok(EXIT_ERROR);
    }
    let mut state = load_state(plan_path)?;
    let all_uploads = secrets_to_upload(plan, &checks, &state, opts.upload.include_manual)?;
    let mut uploads = all_uploads.clone();
    // A secret the state already records was uploaded with these values (their fingerprints
    // still match the plan); only `--update` sends it again.
    if !opts.upload.update {
        uploads.retain(|(name, _)| !state.secrets.contains_key(name));
    }
    // The files that will be written don't depend on the ARNs: decide on dirtiness before any upload.
    let region = resolve_region(opts.aws.region.as_deref());
    let referenced = std::cell::RefCell::new(BTreeSet::new());
    let mut preview = compute_changes(root, &checks, &|n| {
        referenced.borrow_mut().insert(n.to_string());
        arn_for(&state, n, &region)
    })?;
    if preview.files.is_empty() && uploads.is_empty() && preview.removals.is_empty() {
        let applied = checks.iter().filter(|c| c.state == SiteState::Applied).count();
        writeln!(ui.err, "hoist: nothing to do: {applied} site(s) already rewritten, every secret uploaded")?;
        print_manual(ui.err, &preview.manual)?;
        return Ok(EXIT_CLEAN);
    }
    let touched: Vec<PathBuf> = preview.files.iter().map(|c| c.path.clone()).collect();
    if !opts.allow_dirty
        && let Err(why) =
            check_clean(root, &touched).and_then(|()| crate::keyfile::tree::check_removable(root, &preview.removals))
    {
        writeln!(ui.errors, "hoist: refusing to apply: {why}")?;
        return Ok(EXIT_ERROR);
    }
    if !opts.yes && !ui.interactive {
        writeln!(
            ui.errors,
            "hoist: refusing to apply without confirmation: not a terminal; review `hoist diff` and pass --yes"
        )?;
        return Ok(EXIT_ERROR);
    }
    // Every recorded ARN the files will hold is checked in this session first (#16.7).
    let mut session = None;
    let uploadable: BTreeSet<String> = all_uploads.iter().map(|(n, _)| n.clone()).collect();
    let applied = checks.iter().filter(|c| c.state == SiteState::Applied).map(|c| &c.secret.name);
    if referenced.borrow().iter().chain(&uploadable).chain(applied).any(|n| state.secrets.contains_key(n)) {
        let s = super::upload::Session::connect(&opts.aws)?;
        let recorded = referenced.borrow().clone();
        match super::recorded::check(&s, &mut state, super::diff::STATE_FILE, &recorded, &uploadable, &checks)? {
            super::recorded::Verdict::Refuse(why) => {
                writeln!(ui.errors, "hoist: refusing to apply: the state file doesn't match this session:\n  {why}")?;
                return Ok(EXIT_ERROR);
            }
            super::recorded::Verdict::Go(gone) if !gone.is_empty() => {
                for name in &gone {
                    writeln!(
                        ui.err,
                        "hoist: {name}: the ARN in {} no longer exists in Secrets Manager; creating the secret again",
                        super::diff::STATE_FILE
                    )?;
                }
                uploads.extend(all_uploads.iter().filter(|(n, _)| gone.contains(n)).cloned());
                uploads.sort_by(|a, b| a.0.cmp(&b.0));
                uploads.dedup_by(|a, b| a.0 == b.0);
                preview = compute_changes(root, &checks, &|n| arn_for(&state, n, &region))?;
            }
            super::recorded::Verdict::Go(_) => {}
        }
        session = Some(s);
    }
    // Summary, the whole diff, the answer — all before anything is uploaded.
    let redaction = Redaction::of(&checks);
    let names: Vec<&str> = uploads.iter().map(|(n, _)| n.as_str()).collect();
    review::write_summary(ui.out, &names, &preview)?;
    let selected = match review::confirm(&preview, uploads.len(), opts.yes, opts.interactive, &redaction, ui)? {
        review::Answer::Accept(files) => files,
        review::Answer::Decline => {
            writeln!(ui.err, "hoist: declined: nothing uploaded, no file written")?;
            return Ok(EXIT_CLEAN);
        }
    };
    let needed: BTreeSet<&str> = review::needed_uploads(&uploads, &checks, &preview, &selected).into_iter().collect();
    if needed.len() < uploads.len() {
        writeln!(
            ui.err,
            "hoist: uploading {} of {} secret(s): the others are only referenced by files you declined",
            needed.len(),
            uploads.len()
        )?;
    }
    if !needed.is_empty() {
        let sub = pending_subplan(plan, &checks, &needed);
        let session = match session.take() {
            Some(s) => s,
            None => super::upload::Session::connect(&opts.aws)?,
        };
        let summary = super::upload::upload_plan(&session, root, plan_path, &sub, &opts.upload, ui)?;
        if !summary.failed.is_empty() {
            writeln!(ui.errors, "hoist: {} secret(s) failed to upload; no file was rewritten", summary.failed.len())?;
            return Ok(EXIT_ERROR);
        }
        state = load_state(plan_path)?;
    }
    // The files as shown, now with the real ARNs from the state.
    let changes = compute_changes(root, &checks, &|n| arn_for(&state, n, &region))?;
    let shown: Vec<&Path> = preview.files.iter().map(|c| c.path.as_path()).collect();
    let now: Vec<&Path> = changes.files.iter().map(|c| c.path.as_path()).collect();
    anyhow::ensure!(
        shown == now,
        "the files to write changed after the upload; nothing written, run `hoist apply` again"
    );
    // Record every site's fate before writing: a crash after a file's rename must not make its
    // sites look stale, and a re-run must find each site done or where it now sits.
    let (mut done, moved) = site_fates(&changes.files, &selected, &checks);
    done.extend(changes.removals.iter().map(|r| AppliedSite::of(&r.site)));
    journal.record(root, done, moved).context("cannot write the apply journal")?;
    let mut written = Vec::new();
    for change in changes.files.iter().filter(|c| selected.contains(&c.path)) {
        let path = crate::paths::safe_join(root, &change.path)?;
        write_atomic(&path, change.new.as_bytes())
            .with_context(|| format!("cannot write {}", change.path.display()))?;
        written.push(change);
        maybe_abort(written.len());
    }
    let mut steps = written.len();
    let removed = super::keyfiles::remove_all(root, &changes.removals, &state, &mut steps, ui)?;
    let ok = verify(root, &written, &checks, &changes.manual, &fp, &journal, ui)?
        & super::keyfiles::verify(root, &removed, ui)?;
    let policies = super::finish::write_policies(root, plan, &state, &written, ui)?;
    let mut notes = changes.notes.clone();
    notes.extend(super::keyfiles::next_step(&removed));
    super::finish::next_steps(
        ui,
        plan,
        &state,
        &checks,
        &changes.manual,
        &notes,
        &policies,
        !written.is_empty() || !removed.is_empty(),
    )?;
    Ok(if ok { EXIT_CLEAN } else { EXIT_ERROR })
}

/// Secrets to upload, with their payload: every secret a rewritten site will reference (or, with
/// `include_manual`, any with a site that isn't `skip`) whose every key still has its value in the
/// tree. A secret whose values are gone must already be uploaded.
fn secrets_to_upload(
    plan: &Plan,
    checks: &[SiteCheck<'_>],
    state: &State,
    include_manual: bool,
) -> anyhow::Result<Vec<(String, BTreeMap<String, SecretValue>)>> {
    let mut out = Vec::new();
    for secret in &plan.secrets {
        let mine: Vec<&SiteCheck<'_>> = checks.iter().filter(|c| c.secret.name == secret.name).collect();
        if secret.is_skipped() || !(include_manual || secret.is_referenced()) {
            continue;
        }
        let mut payload = BTreeMap::new();
        for key in &secret.keys {
            if let Some((value, _)) = mine.iter().filter(|c| c.key.key == key.key).find_map(|c| c.value.as_ref()) {
                payload.insert(key.key.clone(), value.clone());
            }
        }
        if payload.len() == secret.keys.len() {
            out.push((secret.name.clone(), payload));
        } else if !state.secrets.contains_key(&secret.name) {
            anyhow::bail!(
                "secret {}: some values are no longer in the tree and it was never uploaded ({} has no ARN); restore the files or re-plan",
                secret.name,
                super::diff::STATE_FILE
            );
        }
    }
    Ok(out)
}

/// The plan reduced to the secrets to upload, each key keeping only the sites that still hold its
/// value (the upload reads values from them).
fn pending_subplan(plan: &Plan, checks: &[SiteCheck<'_>], names: &BTreeSet<&str>) -> Plan {
    let mut sub = plan.clone();
    sub.secrets.retain(|s| names.contains(s.name.as_str()));
    for s in &mut sub.secrets {
        for k in &mut s.keys {
            k.sites = k
                .sites
                .iter()
                .filter_map(|site| {
                    checks
                        .iter()
                        .find(|c| {
                            c.secret.name == s.name
                                && c.key.key == k.key
                                && c.site == site
                                && c.state == SiteState::Pending
                        })
                        .map(|c| c.current.clone())
                })
                .collect();
        }
    }
    sub
}

/// The fate of every pending site in the files about to be written: a site whose bytes an edit
/// replaced is done (rewritten, or replaced with a rewritten neighbour: the other parts of a DSN,
/// a Terraform variable default), any other is left in place and recorded where it moves to.
fn site_fates(
    files: &[Change],
    selected: &BTreeSet<PathBuf>,
    checks: &[SiteCheck<'_>],
) -> (Vec<AppliedSite>, Vec<MovedSite>) {
    let (mut done, mut moved) = (Vec::new(), Vec::new());
    for change in files.iter().filter(|c| selected.contains(&c.path) && c.old.is_some()) {
        for c in checks.iter().filter(|c| c.site.path == change.path && c.state == SiteState::Pending) {
            match change.moved.iter().find(|(old, _)| *old == c.current.span) {
                Some((_, new)) => {
                    let line = change.new[..new.start].matches('\n').count() + 1;
                    moved.push(MovedSite { site: AppliedSite::of(c.site), span: *new, line });
                }
                None => done.push(AppliedSite::of(c.site)),
            }
        }
    }
    (done, moved)
}

/// True when the rewriter left this site to the user.
fn is_manual(manual: &[ManualSite], c: &SiteCheck<'_>) -> bool {
    manual
        .iter()
        .any(|m| m.path == c.site.path && m.line == c.current.line && m.key == c.key.key && m.secret == c.secret.name)
}

/// `git status` on the files to write: any uncommitted change refuses (git is the undo).
fn check_clean(root: &Path, paths: &[PathBuf]) -> Result<(), String> {
    let inside =
        std::process::Command::new("git").arg("-C").arg(root).args(["rev-parse", "--is-inside-work-tree"]).output();
    match inside {
        Ok(o) if o.status.success() => {}
        _ => {
            return Err(format!(
                "{} is not inside a git repository (git is hoist's undo); commit first or pass --allow-dirty",
                root.display()
            ));
        }
    }
    let existing: Vec<&PathBuf> = paths.iter().filter(|p| root.join(p).exists()).collect();
    if existing.is_empty() {
        return Ok(());
    }
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["status", "--porcelain", "--untracked-files=all", "--"])
        .args(existing)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git status failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    let dirty = String::from_utf8_lossy(&out.stdout);
    if dirty.trim().is_empty() {
        return Ok(());
    }
    let files: Vec<&str> = dirty.lines().map(|l| l.get(3..).unwrap_or(l)).collect();
    Err(format!(
        "uncommitted changes in files hoist would rewrite: {}; commit or stash them, or pass --allow-dirty",
        files.join(", ")
    ))
}

/// Re-reads the written files: each rewritten site no longer holds its value (read the one way,
/// [`crate::site::locate`]), no changed line holds a migrated value, no new syntax errors. The
/// value's word on lines the rewrite didn't touch is a note. Reports each problem.
fn verify(
    root: &Path,
    written: &[&Change],
    checks: &[SiteCheck<'_>],
    manual: &[ManualSite],
    fp: &crate::model::Fingerprinter,
    journal: &Journal,
    ui: &mut Ui<'_>,
) -> anyhow::Result<bool> {
    let mut ok = true;
    let mut values = 0;
    // The words hoist writes into references: secret names (and their parts), keys, variables.
    let mut own: Vec<&str> = Vec::new();
    for c in checks {
        own.push(&c.secret.name);
        own.extend(c.secret.name.split('/'));
        own.push(&c.key.key);
        own.extend(c.site.env_var.as_deref());
    }
    own.sort_unstable();
    own.dedup();
    for change in written {
        let mine: Vec<&SiteCheck<'_>> = checks
            .iter()
            .filter(|c| c.site.path == change.path && c.state == SiteState::Pending)
            .filter(|c| matches!(c.site.strategy, Strategy::Env | Strategy::Sdk))
            .filter(|c| !is_manual(manual, c))
            .collect();
        let migrated: Vec<Migrated> = mine
            .iter()
            .map(|c| Migrated {
                line: c.current.line,
                fingerprints: [Some(c.site.fingerprint.clone()), c.site.raw_fingerprint.clone()]
                    .into_iter()
                    .flatten()
                    .collect(),
            })
            .collect();
        let text = std::fs::read_to_string(root.join(&change.path))
            .with_context(|| format!("cannot re-read {}", change.path.display()))?;
        let mut still: Vec<usize> = mine
            .iter()
            .filter(|c| locate(&text, c.site, fp, journal).state == SiteState::Pending)
            .map(|c| c.current.line)
            .collect();
        let (kept_old, kept_new): (Vec<Span>, Vec<Span>) = change.moved.iter().copied().unzip();
        let check = check_file(&change.path, change.old.as_deref(), &text, fp, &migrated, (&kept_old, &kept_new), &own);
        still.extend(&check.values_left);
        still.sort_unstable();
        still.dedup();
        values += migrated.len().saturating_sub(still.len());
        for line in &still {
            ok = false;
            writeln!(
                ui.errors,
                "hoist: verify: {}: the value planned at line {line} is still in the file",
                change.path.display()
            )?;
        }
        if !check.elsewhere.is_empty() {
            let lines: Vec<String> = check.elsewhere.iter().map(usize::to_string).collect();
            writeln!(
                ui.err,
                "hoist: note: {}: the same text as a migrated value is also on line(s) {} that hoist didn't plan \
                 (a common word such as a user or database name?); check they aren't the secret",
                change.path.display(),
                lines.join(", ")
            )?;
        }
        if let Some((before, after)) = check.errors
            && after > before
        {
            ok = false;
            writeln!(
                ui.errors,
                "hoist: verify: {}: {after} syntax error(s) after the rewrite, {before} before",
                change.path.display()
            )?;
        }
    }
    writeln!(
        ui.out,
        "hoist: wrote {} file(s); {values} value(s) removed and verified gone{}",
        written.len(),
        if ok { "; every rewritten file parses" } else { "; PROBLEMS above" }
    )?;
    Ok(ok)
}
