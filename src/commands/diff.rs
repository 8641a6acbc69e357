//! `hoist diff`: the exact unified diff `apply` would write, secret values redacted. Also the
//! pieces `apply` and `migrate` share: loading plan and state, site checks, ARNs, printing.

use crate::cli::DiffArgs;
use crate::diff::{DiffOptions, line_counts, mask, write_file_diff, write_stat};
use crate::model::{Fingerprinter, Plan, SecretKey, Span, State};
use crate::rewrite::changes::{Change, Changes, ManualSite, SiteCheck, SiteState};
use crate::{EXIT_CLEAN, EXIT_ERROR, Ui};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The upload state file, relative to the repository root.
pub const STATE_FILE: &str = ".hoist/state.yaml";

/// Runs `hoist diff`.
pub fn run(args: &DiffArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let root = args.path.clone();
    let plan_path = plan_path(&root, args.plan.as_deref());
    let Some(plan) = load_valid_plan(&root, &plan_path, ui)? else {
        return Ok(EXIT_ERROR);
    };
    let fp = fingerprinter(&plan)?;
    let checks =
        crate::rewrite::changes::check_sites(&root, &plan, &fp, &crate::rewrite::journal::Journal::load(&root)?);
    let stale = print_stale(ui.errors, &checks)?;
    let state = load_state(&plan_path)?;
    let region = resolve_region(args.region.as_deref());
    let arn_of = |name: &str| arn_for(&state, name, &region);
    let changes = crate::rewrite::changes::compute_changes(&root, &checks, &arn_of)?;
    let redaction = if args.show_secrets { Redaction::none() } else { Redaction::of(&checks) };
    print_changes(ui.out, &changes, ui.color, &redaction, args.stat)?;
    print_manual(ui.err, &changes.manual)?;
    let applied = checks.iter().filter(|c| c.state == SiteState::Applied).count();
    if changes.files.is_empty() && changes.removals.is_empty() && stale == 0 {
        let what = if applied > 0 { "every site is already rewritten" } else { "no site to rewrite" };
        writeln!(ui.err, "hoist: nothing to change ({what})")?;
    }
    if state.secrets.is_empty() && !changes.files.is_empty() {
        writeln!(
            ui.err,
            "hoist: not uploaded yet: ARNs are shown as `…:secret:NAME-??????`; `hoist apply` uses the real ones"
        )?;
    }
    Ok(if stale > 0 { EXIT_ERROR } else { EXIT_CLEAN })
}

/// The plan file: `--plan`, else `.hoist/plan.yaml` in the repository.
pub fn plan_path(root: &Path, flag: Option<&Path>) -> PathBuf {
    flag.map(Path::to_path_buf).unwrap_or_else(|| root.join(super::plan::DEFAULT_PLAN))
}

/// Loads the plan and validates it against `root`; prints the problems and returns `None` when it
/// is invalid.
pub fn load_valid_plan(root: &Path, path: &Path, ui: &mut Ui<'_>) -> anyhow::Result<Option<Plan>> {
    if !root.is_dir() {
        anyhow::bail!("{}: expected the repository's folder", root.display());
    }
    if !path.exists() {
        anyhow::bail!("{}: no plan; run `hoist plan {}` first (or `hoist migrate`)", path.display(), root.display());
    }
    let plan = crate::plan::load_plan(path).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Err(errors) = crate::plan::validate(&plan, root) {
        let errors: Vec<_> =
            errors.into_iter().filter(|e| !matches!(e, crate::plan::PlanError::TooLarge { .. })).collect();
        if !errors.is_empty() {
            writeln!(ui.errors, "hoist: the plan {} needs fixing:", path.display())?;
            for e in &errors {
                writeln!(ui.errors, "  error: {e}")?;
            }
            return Ok(None);
        }
    }
    Ok(Some(plan))
}

/// The plan's fingerprinter (its salt keys every fingerprint in it).
pub fn fingerprinter(plan: &Plan) -> anyhow::Result<Fingerprinter> {
    Fingerprinter::from_hex(&plan.salt).map_err(|e| anyhow::anyhow!("the plan's salt is not hex: {e}"))
}

/// Reads the state file beside the plan (empty when absent).
pub fn load_state(plan_path: &Path) -> anyhow::Result<State> {
    Ok(State::load(&State::path_for_plan(plan_path))?)
}

/// The ARN for a secret: the state file's full ARN, else the pattern matching exactly one suffix.
pub fn arn_for(state: &State, name: &str, region: &str) -> String {
    match state.secrets.get(name) {
        Some(r) => r.arn.clone(),
        None => format!("arn:aws:secretsmanager:{region}:ACCOUNT:secret:{name}-??????"),
    }
}

/// The region for ARN patterns: `--region`, `AWS_REGION`, `AWS_DEFAULT_REGION`, the AWS config
/// file's profile, else the word `REGION`.
pub fn resolve_region(flag: Option<&str>) -> String {
    if let Some(r) = flag {
        return r.to_string();
    }
    for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        if let Ok(r) = std::env::var(var)
            && !r.is_empty()
        {
            return r;
        }
    }
    let file = std::env::var_os("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".aws/config")));
    let profile = std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".into());
    let header = if profile == "default" { "[default]".to_string() } else { format!("[profile {profile}]") };
    if let Some(text) = file.and_then(|f| std::fs::read_to_string(f).ok()) {
        let mut in_section = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with('[') {
                in_section = line == header;
            } else if in_section
                && let Some((k, v)) = line.split_once('=')
                && k.trim() == "region"
            {
                return v.trim().to_string();
            }
        }
    }
    "REGION".into()
}

/// What a diff hides: the values of secret keys — by their exact spans in the file, and as a safety
/// net by their text (at least [`crate::diff::MIN_SUBSTRING_REDACT`] bytes, as a whole word) on any
/// line. A secret's config companions (host, port, user, database, engine: keys found only as
/// `config.*` or DSN parts other than the password) are not secret and print as they are, so the
/// secret name `demo/postgres`, `image: postgres:16` and a URL's scheme and port stay readable.
#[derive(Clone, Debug, Default)]
pub struct Redaction {
    /// Secret values, decoded and as spelled.
    values: Vec<String>,
    /// Exact spans of secret values in the current files.
    spans: BTreeSet<(PathBuf, Span)>,
    /// `--show-secrets`.
    reveal: bool,
}

impl Redaction {
    /// The redaction for these checked sites.
    pub fn of(checks: &[SiteCheck<'_>]) -> Self {
        let mut r = Redaction::default();
        for c in checks.iter().filter(|c| !is_companion(c.key)) {
            if let Some((decoded, raw)) = &c.value {
                r.values.extend([decoded.expose().to_string(), raw.expose().to_string()]);
                r.spans.insert((c.site.path.clone(), c.current.span));
            }
        }
        r.values.retain(|v| !v.is_empty());
        r.values.sort();
        r.values.dedup();
        r
    }

    /// `--show-secrets`: hide nothing.
    pub fn none() -> Self {
        Self { reveal: true, ..Self::default() }
    }

    /// The diff options for these values.
    pub fn options(&self, color: bool) -> DiffOptions {
        DiffOptions { color, redact: self.values.clone(), reveal: self.reveal }
    }

    /// Spans of `c.old` and of `c.new` to mask.
    fn spans_of(&self, c: &Change) -> (Vec<Span>, Vec<Span>) {
        let secret = |s: &Span| self.spans.contains(&(c.path.clone(), *s));
        let old = c.values_old.iter().filter(|s| secret(s)).copied().collect();
        let new = c.moved.iter().filter(|(o, _)| secret(o)).map(|(_, n)| *n).collect();
        (old, new)
    }
}

/// A key that only config companions fill (see [`Redaction`]).
pub fn is_companion(key: &SecretKey) -> bool {
    !key.sites.is_empty()
        && key
            .sites
            .iter()
            .all(|s| s.rule.starts_with("config.") || (s.rule.starts_with("dsn.") && s.rule != "dsn.password"))
        // Everything in a Kubernetes Secret is secret by declaration.
        && !key.sites.iter().any(|s| s.deploy.as_ref().is_some_and(|d| d.kind == "kubernetes-secret"))
}

/// Prints stale sites; returns how many.
pub fn print_stale(err: &mut dyn Write, checks: &[SiteCheck<'_>]) -> anyhow::Result<usize> {
    let mut n = 0;
    for c in checks {
        if let SiteState::Stale(why) = &c.state {
            n += 1;
            writeln!(
                err,
                "hoist: stale: {}:{}: {} / {}: {why}",
                c.site.path.display(),
                c.site.line,
                c.secret.name,
                c.key.key
            )?;
        }
    }
    Ok(n)
}

/// Prints the diff of every change (or the `--stat` summary).
pub fn print_changes(
    out: &mut dyn Write,
    changes: &Changes,
    color: bool,
    redaction: &Redaction,
    stat: bool,
) -> anyhow::Result<()> {
    let opts = &redaction.options(color);
    if stat {
        let rows: Vec<(String, usize, usize)> = changes
            .files
            .iter()
            .map(|c| {
                let (a, r) = line_counts(c.old.as_deref().unwrap_or(""), &c.new);
                (crate::scan::slash_path(&c.path), a, r)
            })
            .collect();
        if !rows.is_empty() {
            write_stat(out, &rows, opts.color)?;
        }
        return Ok(());
    }
    for c in &changes.files {
        let (old_spans, new_spans) = redaction.spans_of(c);
        let (old, new) = (c.old.as_deref().map(|o| mask(o, &old_spans)), mask(&c.new, &new_spans));
        write_file_diff(out, &crate::scan::slash_path(&c.path), old.as_deref(), &new, opts)?;
    }
    super::keyfiles::print_removals(out, &changes.removals, opts.color)?;
    Ok(())
}

/// Prints the sites the user must change by hand.
pub fn print_manual(err: &mut dyn Write, manual: &[ManualSite]) -> anyhow::Result<()> {
    if manual.is_empty() {
        return Ok(());
    }
    writeln!(err, "hoist: {} site(s) to change by hand:", manual.len())?;
    for m in manual {
        writeln!(err, "  {}:{}: {} / {}: {}", m.path.display(), m.line, m.secret, m.key, m.reason)?;
    }
    Ok(())
}
