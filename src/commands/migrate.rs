//! `hoist migrate PATH`: the one-shot. Scans, plans, and shows the plan summary and the exact diff,
//! writing nothing. With `--apply` it writes `.hoist/plan.yaml` (so `hoist run` and re-runs use the
//! same plan), then does what `hoist apply` does: upload, confirm, rewrite, verify. When a plan
//! already exists it is used as it is (re-running after a success or a crash finishes the same
//! plan); `--fresh` plans again from a new scan.

use super::apply::{ApplyOptions, apply_plan};
use super::diff::{
    Redaction, arn_for, fingerprinter, load_state, print_changes, print_manual, print_stale, resolve_region,
};
use crate::cli::MigrateArgs;
use crate::model::{Fingerprinter, Plan};
use crate::plan::{self, PlanOptions};
use crate::rewrite::changes::{check_sites, compute_changes};
use crate::{EXIT_CLEAN, EXIT_ERROR, Ui};

/// Runs `hoist migrate`.
pub fn run(args: &MigrateArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let root = args.path.clone();
    if !root.is_dir() {
        anyhow::bail!("{}: hoist migrate takes the repository's folder", root.display());
    }
    let plan_path = root.join(super::plan::DEFAULT_PLAN);
    let existing = if plan_path.exists() && !args.fresh {
        Some(plan::load_plan(&plan_path).map_err(|e| anyhow::anyhow!("{e}"))?)
    } else {
        None
    };
    let reused = existing.is_some();
    let plan = match existing {
        Some(p) => {
            writeln!(ui.err, "hoist: using the existing plan {} (`--fresh` to plan again)", plan_path.display())?;
            p
        }
        None => scan_and_plan(&root, args, ui)?,
    };
    plan::write_summary(ui.notes(true), &plan)?;
    if args.history {
        let rotation = super::rotate::rotation_for_plan(&root, &fingerprinter(&plan)?, &plan, &args.rule_files)?;
        super::rotate::write_rotation(ui.out, &rotation)?;
    }
    if let Err(errors) = plan::validate(&plan, &root) {
        let errors: Vec<_> = errors.into_iter().filter(|e| !matches!(e, plan::PlanError::TooLarge { .. })).collect();
        if !errors.is_empty() {
            writeln!(ui.errors, "hoist: the plan needs fixing (run `hoist plan` and edit .hoist/plan.yaml):")?;
            for e in &errors {
                writeln!(ui.errors, "  error: {e}")?;
            }
            return Ok(EXIT_ERROR);
        }
    }
    if !args.apply {
        return dry_run(&root, &plan, args, ui);
    }
    if plan.secrets.is_empty() {
        writeln!(ui.err, "hoist: nothing to migrate")?;
        return Ok(EXIT_CLEAN);
    }
    if !reused {
        plan::write_plan(&plan_path, &plan).map_err(|e| anyhow::anyhow!("{e}"))?;
        writeln!(ui.err, "hoist: wrote {}", plan_path.display())?;
    }
    let opts = ApplyOptions {
        yes: args.yes,
        interactive: args.interactive,
        allow_dirty: args.allow_dirty,
        aws: args.aws.clone(),
        upload: args.upload.clone(),
    };
    apply_plan(&root, &plan_path, &plan, &opts, ui)
}

/// Scan with a fresh salt and build the plan in memory.
fn scan_and_plan(root: &std::path::Path, args: &MigrateArgs, ui: &mut Ui<'_>) -> anyhow::Result<Plan> {
    let salt = Fingerprinter::random_salt();
    let fp = Fingerprinter::from_hex(&salt)?;
    let (scanner, cfg) = super::scanner_for(root, &args.rule_files, Some(fp))?;
    let report = super::plan::scan_for_plan(root, &scanner, &cfg, args.exclude.clone(), ui)?;
    let mut tags = cfg.plan.tags.clone();
    tags.extend(args.upload.tags.iter().cloned());
    let options = PlanOptions {
        app: args.app.clone().or_else(|| cfg.plan.app.clone()).unwrap_or_else(|| plan::default_app(root)),
        env: args.env.clone().or_else(|| cfg.plan.env.clone()),
        name_template: args
            .name_template
            .clone()
            .or_else(|| cfg.plan.name_template.clone())
            .unwrap_or_else(|| plan::naming::DEFAULT_TEMPLATE.into()),
        tags,
        kms_key_id: args.upload.kms_key_id.clone().or_else(|| cfg.plan.kms_key_id.clone()),
        salt,
        runners: plan::runners::discover(root),
    };
    let mut plan = plan::build(&report.findings, &options).map_err(|e| anyhow::anyhow!("{e}"))?.plan;
    crate::keyfile::mounts::plan_mounts(root, &mut plan);
    plan::scripts::fetch_unattended(root, &mut plan);
    Ok(plan)
}

/// Shows what `--apply` would write; writes nothing.
fn dry_run(root: &std::path::Path, plan: &Plan, args: &MigrateArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let fp = fingerprinter(plan)?;
    let checks = check_sites(root, plan, &fp, &crate::rewrite::journal::Journal::load(root)?);
    let stale = print_stale(ui.errors, &checks)?;
    let state = load_state(&root.join(super::plan::DEFAULT_PLAN))?;
    let region = resolve_region(args.aws.region.as_deref());
    let changes = compute_changes(root, &checks, &|n| arn_for(&state, n, &region))?;
    let redaction = if args.show_secrets { Redaction::none() } else { Redaction::of(&checks) };
    writeln!(ui.out)?;
    print_changes(ui.out, &changes, ui.color, &redaction, args.stat)?;
    print_manual(ui.err, &changes.manual)?;
    writeln!(
        ui.err,
        "hoist: dry run: nothing was written and nothing uploaded. Run `hoist migrate {} --apply` to upload the secrets and rewrite {} file(s).",
        root.display(),
        changes.files.len()
    )?;
    Ok(if stale > 0 { EXIT_ERROR } else { EXIT_CLEAN })
}
