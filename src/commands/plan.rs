//! `hoist plan`: scan with the plan's salt, build the plan, carry the previous plan's edits,
//! validate, print the review table and write the YAML (only under `.hoist/`, or `--out`).
//! `hoist plan --check PLAN` validates a plan instead.

use crate::cli::PlanArgs;
use crate::config::RepoConfig;
use crate::model::{Fingerprinter, Plan};
use crate::plan::{self, PlanError, PlanOptions, Replan};
use crate::scan::{ScanReport, Scanner, WalkOptions};
use crate::{EXIT_CLEAN, EXIT_ERROR, Ui};
use anyhow::Context;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the plan lives by default, relative to the repository root.
pub const DEFAULT_PLAN: &str = ".hoist/plan.yaml";

/// How many new / vanished sites are listed by name.
const LIST_LIMIT: usize = 20;

/// Runs `hoist plan`.
pub fn run(args: &PlanArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let root = args.path.clone();
    if !root.is_dir() {
        anyhow::bail!("{}: hoist plan takes the repository's folder", root.display());
    }
    if let Some(check) = &args.check {
        return check_plan(check, &root, ui);
    }
    let out_path = args.out.clone().unwrap_or_else(|| root.join(DEFAULT_PLAN));
    let old = previous_plan(args, &out_path)?;
    let salt = old.as_ref().map_or_else(Fingerprinter::random_salt, |p| p.salt.clone());
    let fingerprinter =
        Fingerprinter::from_hex(&salt).map_err(|e| anyhow::anyhow!("{}", PlanError::Salt(format!("not hex ({e})"))))?;
    let (scanner, cfg) = super::scanner_for(&root, &args.rule_files, Some(fingerprinter))?;
    let mut exclude = args.exclude.clone();
    // The plan being written isn't input.
    if let Some(rel) = args.out.as_ref().and_then(|o| relative_to(o, &root)) {
        exclude.push(format!("/{rel}"));
    }
    let report = scan_for_plan(&root, &scanner, &cfg, exclude, ui)?;
    let options = plan_options(args, &cfg, old.as_ref(), &root, salt);
    let mut planned = plan::build(&report.findings, &options).map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::keyfile::mounts::plan_mounts(&root, &mut planned.plan);
    plan::scripts::fetch_unattended(&root, &mut planned.plan);
    // On an applied tree, match against the previous plan as the journal says the tree stands, and
    // keep the secrets whose values an apply moved out (the scan can't see them any more).
    let journal = crate::rewrite::journal::Journal::load(&root)?;
    let seen = old.as_ref().map(|o| crate::rewrite::journal::current_view(o, &journal));
    let replan = seen.as_ref().map(|o| plan::carry_edits(o, &mut planned));
    if let Some(o) = old.as_ref() {
        crate::rewrite::journal::keep_applied(o, &mut planned.plan, &journal);
    }
    let mut errors = plan::validate(&planned.plan, &root).err().unwrap_or_default();
    errors.retain(|e| !matches!(e, PlanError::TooLarge { .. }));
    for (name, size) in &planned.payload_sizes {
        if let Err(e) = plan::check_payload_size(name, *size) {
            errors.push(e);
        }
    }

    if args.stdout {
        ui.out.write_all(plan::to_yaml(&planned.plan).as_bytes())?;
        report_plan(ui.err, &planned, replan.as_ref(), None)?;
    } else {
        plan::write_plan(&out_path, &planned.plan).map_err(|e| anyhow::anyhow!("{e}"))?;
        let markdown = args.format == crate::cli::PlanFormat::Markdown;
        let table = ui.notes(!markdown);
        report_plan(table, &planned, replan.as_ref(), Some(&out_path))?;
    }
    let rotation = match args.history {
        true => {
            Some(super::rotate::rotation_for_plan(&root, scanner.fingerprinter(), &planned.plan, &args.rule_files)?)
        }
        false => None,
    };
    if args.format == crate::cli::PlanFormat::Markdown {
        let history =
            rotation.as_ref().map_or_else(crate::report::PlanHistory::default, |r| crate::report::PlanHistory {
                history_only: &r.history_only,
                after_migrating: &r.after_migrating,
                scanned: true,
            });
        crate::report::write_plan_markdown(ui.out, &planned.plan, &history)?;
        if let Some(r) = &rotation {
            super::rotate::write_rotation(ui.err, r)?;
        }
    } else if let Some(r) = &rotation {
        let out: &mut dyn Write = if args.stdout { &mut *ui.err } else { &mut *ui.out };
        super::rotate::write_rotation(out, r)?;
    }
    if errors.is_empty() {
        return Ok(EXIT_CLEAN);
    }
    writeln!(ui.errors, "hoist: the plan needs fixing before it can be applied:")?;
    for e in &errors {
        writeln!(ui.errors, "  error: {e}")?;
    }
    Ok(EXIT_ERROR)
}

/// The previous plan at the output path (the source of the salt and of edits), unless `--fresh`
/// or `--stdout`. A previous plan that can't be read stops the run: overwriting it would lose
/// the user's edits.
/// Scans `root` for planning (shared by `plan` and `migrate`): the config's and `extra_exclude`
/// globs plus hoist's own `.hoist/` (fingerprints, not credentials), with a progress bar; unreadable
/// files are warned about and don't stop the plan.
pub fn scan_for_plan(
    root: &Path,
    scanner: &Scanner,
    cfg: &RepoConfig,
    extra_exclude: Vec<String>,
    ui: &mut Ui<'_>,
) -> anyhow::Result<ScanReport> {
    let mut exclude: Vec<String> = cfg.scan.exclude.iter().cloned().chain(extra_exclude).collect();
    exclude.push("/.hoist".into());
    let opts = WalkOptions {
        max_file_size: cfg.scan.max_file_size.unwrap_or(crate::scan::DEFAULT_MAX_FILE_SIZE),
        include_vendored: cfg.scan.include_vendored,
        exclude,
        no_ignore: false,
        threads: 0,
    };
    let bar = super::scan::progress_bar(ui.interactive);
    let mut report = scanner.scan_tree(root, &opts, &|n| bar.set_message(format!("{n} files")));
    bar.finish_and_clear();
    plan::whole::add_whole_urls(root, &mut report.findings, scanner.fingerprinter());
    crate::keyfile::widen(root, &mut report.findings, scanner.fingerprinter());
    plan::scripts::annotate(root, &mut report.findings);
    for (path, why) in &report.errors {
        writeln!(ui.errors, "hoist: warning: {}: {why}", path.display())?;
    }
    Ok(report)
}

fn previous_plan(args: &PlanArgs, out_path: &Path) -> anyhow::Result<Option<Plan>> {
    if args.fresh || !out_path.exists() {
        return Ok(None);
    }
    match plan::load_plan(out_path) {
        Ok(p) => Ok(Some(p)),
        Err(e) => Err(anyhow::anyhow!(
            "{e}\nthe previous plan can't be read, and writing a new one would lose its edits: fix it, or re-run \
             with --fresh to start over"
        )),
    }
}

/// Planner options: flags, then `.hoist.toml` `[plan]`, then the previous plan, then defaults.
fn plan_options(args: &PlanArgs, cfg: &RepoConfig, old: Option<&Plan>, root: &Path, salt: String) -> PlanOptions {
    let mut tags = cfg.plan.tags.clone();
    tags.extend(args.tags.iter().cloned());
    PlanOptions {
        app: args
            .app
            .clone()
            .or_else(|| cfg.plan.app.clone())
            .or_else(|| old.map(|p| p.app.clone()))
            .unwrap_or_else(|| plan::default_app(root)),
        env: args.env.clone().or_else(|| cfg.plan.env.clone()).or_else(|| old.and_then(|p| p.env.clone())),
        name_template: args
            .name_template
            .clone()
            .or_else(|| cfg.plan.name_template.clone())
            .unwrap_or_else(|| plan::naming::DEFAULT_TEMPLATE.into()),
        tags,
        kms_key_id: args.kms_key_id.clone().or_else(|| cfg.plan.kms_key_id.clone()),
        salt,
        runners: plan::runners::discover(root),
    }
}

/// `hoist plan --check PLAN`: exit 0 when valid, 2 with every problem listed otherwise.
fn check_plan(path: &Path, root: &Path, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let plan = match plan::load_plan(path) {
        Ok(p) => p,
        Err(e) => {
            writeln!(ui.errors, "hoist: error: {e}")?;
            return Ok(EXIT_ERROR);
        }
    };
    match plan::validate(&plan, root) {
        // Valid means apply can use it: every site read the one way apply reads it.
        Ok(()) if stale_sites(&plan, root, ui)? > 0 => Ok(EXIT_ERROR),
        Ok(()) => {
            let sites = plan.sites().count();
            writeln!(ui.out, "{}: valid ({} secrets, {sites} sites)", path.display(), plan.secrets.len())?;
            Ok(EXIT_CLEAN)
        }
        Err(errors) => {
            writeln!(ui.errors, "{}: {} problem(s):", path.display(), errors.len())?;
            for e in errors {
                writeln!(ui.errors, "  error: {e}")?;
            }
            Ok(EXIT_ERROR)
        }
    }
}

/// Prints the sites that no longer hold their planned values (as `apply` would refuse them).
fn stale_sites(plan: &Plan, root: &Path, ui: &mut Ui<'_>) -> anyhow::Result<usize> {
    let fp = super::diff::fingerprinter(plan)?;
    let journal = crate::rewrite::journal::Journal::load(root)?;
    let checks = crate::rewrite::changes::check_sites(root, plan, &fp, &journal);
    super::diff::print_stale(ui.errors, &checks)
}

fn report_plan(
    out: &mut dyn Write,
    planned: &plan::Planned,
    replan: Option<&Replan>,
    written: Option<&Path>,
) -> anyhow::Result<()> {
    plan::write_summary(out, &planned.plan)?;
    if planned.lone_config > 0 {
        writeln!(
            out,
            "{} config value(s) with no credential beside them left in place (nothing secret to move)",
            planned.lone_config
        )?;
    }
    if planned.conflicting > 0 {
        writeln!(
            out,
            "{} config value(s) left in place because a deployment file or code gives the same key another value",
            planned.conflicting
        )?;
    }
    if let Some(r) = replan {
        writeln!(
            out,
            "kept your previous plan's edits for {} site(s) in {} secret(s); {} new site(s), {} vanished",
            r.kept,
            r.secrets_kept,
            r.new_sites.len(),
            r.vanished.len()
        )?;
        for (label, list) in [("new", &r.new_sites), ("vanished", &r.vanished)] {
            for s in list.iter().take(LIST_LIMIT) {
                writeln!(out, "  {label}: {}:{} → {} [{}]", s.path.display(), s.line, s.secret, s.key)?;
            }
            if list.len() > LIST_LIMIT {
                writeln!(out, "  … and {} more {label}", list.len() - LIST_LIMIT)?;
            }
        }
    }
    if let Some(path) = written {
        writeln!(out, "wrote {} — review it, then run `hoist diff`", path.display())?;
    }
    Ok(())
}

/// `path` relative to `root`, `/`-separated, when it lies inside it.
fn relative_to(path: &Path, root: &Path) -> Option<String> {
    let abs = |p: &Path| -> Option<PathBuf> {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().ok()?.join(p) };
        let parent = p.parent()?.canonicalize().ok()?;
        Some(parent.join(p.file_name()?))
    };
    let (p, r) = (abs(path)?, root.canonicalize().ok()?);
    p.strip_prefix(&r).ok().map(crate::scan::slash_path)
}

/// The plan path for a repository: `--out` style override or `.hoist/plan.yaml` (for other commands).
pub fn plan_path(root: &Path, out: Option<&Path>) -> PathBuf {
    out.map(Path::to_path_buf).unwrap_or_else(|| root.join(DEFAULT_PLAN))
}

/// Loads and validates the plan other commands read, with context for the user.
pub fn load_valid_plan(path: &Path, root: &Path) -> anyhow::Result<Plan> {
    let plan = plan::load_plan(path).with_context(|| "run `hoist plan` first, or fix the plan")?;
    if let Err(errors) = plan::validate(&plan, root) {
        let list: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        anyhow::bail!("{} is not valid:\n{}\n(check it with `hoist plan --check`)", path.display(), list.join("\n"));
    }
    Ok(plan)
}
