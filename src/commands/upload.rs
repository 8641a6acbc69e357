//! `hoist upload`: connect to AWS (credentials and region checked first), resolve the plan's values
//! from the tree, check every secret client-side, then create or reconcile them all, recording each
//! ARN in the state file beside the plan. Also the library entry `apply` and `migrate` call.

use super::resolve::{Payload, resolve_plan};
use crate::Ui;
use crate::cli::{AwsArgs, UploadArgs, UploadOpts};
use crate::model::{Fingerprinter, Plan, SecretRef, State};
use crate::upload::secret::{Context, Done, Pacer, Rotation};
use crate::upload::standing::Standing;
use crate::upload::{
    AwsSettings, BatchOptions, Connected, MANAGED_BY_KEY, MANAGED_BY_VALUE, Outcome, Progress, Tokens, UploadError,
    UploadItem, policy, run_batch, validate,
};
use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the plan lives by default, relative to the repository root.
pub const DEFAULT_PLAN: &str = ".hoist/plan.yaml";
/// Write calls per second across all secrets: well under the ~50/s account quota, leaving room
/// for other writers in the same account.
pub const WRITES_PER_SECOND: u32 = 20;
/// Default days between rotations.
pub const DEFAULT_ROTATION_DAYS: i64 = 30;

/// A connected AWS session with the runtime that drives it.
pub struct Session {
    rt: tokio::runtime::Runtime,
    conn: Connected,
}

impl Session {
    /// Builds the client from `--profile`/`--region`/`--endpoint-url` and the default chain, and
    /// resolves credentials once: no region or no credentials is an error here, before anything
    /// else is read.
    pub fn connect(aws: &AwsArgs) -> anyhow::Result<Session> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let settings = AwsSettings::from_args(aws);
        let conn = rt.block_on(crate::upload::connect(&settings))?;
        Ok(Session { rt, conn })
    }

    /// The region secrets are created in.
    pub fn region(&self) -> &str {
        &self.conn.region
    }

    /// The Secrets Manager client (for other commands' calls, e.g. checking that ARNs exist).
    pub fn client(&self) -> &aws_sdk_secretsmanager::Client {
        &self.conn.client
    }

    /// Runs a future on the session's runtime.
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

/// What an upload did.
#[derive(Debug, Default)]
pub struct UploadSummary {
    /// Secrets created.
    pub created: usize,
    /// Secrets given a new version (`--update`).
    pub updated: usize,
    /// Secrets already in place.
    pub unchanged: usize,
    /// Failures (secret name, message).
    pub failed: Vec<(String, String)>,
    /// Every secret now in place, by name (also in the state file).
    pub refs: BTreeMap<String, SecretRef>,
    /// The state file written.
    pub state_path: PathBuf,
}

/// Reads a plan file and validates it against the repository at `root` (names, keys, tags,
/// site paths), reporting every problem at once.
pub fn load_plan(path: &Path, root: &Path) -> anyhow::Result<Plan> {
    let plan = crate::plan::load_plan(path).map_err(|e| match e {
        crate::plan::PlanError::Io { .. } => anyhow::anyhow!("{e} (run `hoist plan` first)"),
        e => e.into(),
    })?;
    if let Err(errors) = crate::plan::validate(&plan, root) {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow::bail!("{} has problems; nothing was uploaded:\n  {}", path.display(), lines.join("\n  "));
    }
    Ok(plan)
}

/// Runs `hoist upload`.
pub fn run(args: &UploadArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let root = super::root_of(&args.path)?;
    let plan_path = args.plan.clone().unwrap_or_else(|| root.join(DEFAULT_PLAN));
    let _lock = crate::lock::RepoLock::acquire(&root)?;
    let session = Session::connect(&args.aws)?;
    let plan = load_plan(&plan_path, &root)?;
    let summary = upload_plan(&session, &root, &plan_path, &plan, &args.upload, ui)?;
    Ok(if summary.failed.is_empty() { crate::EXIT_CLEAN } else { crate::EXIT_ERROR })
}

/// Uploads every secret of `plan` (sites read under `root`), writing the state beside `plan_path`.
/// Per-secret failures are in the summary; an `Err` means nothing was sent (bad options, stale
/// plan, invalid names) or the state file can't be read.
pub fn upload_plan(
    session: &Session,
    root: &Path,
    plan_path: &Path,
    plan: &Plan,
    opts: &UploadOpts,
    ui: &mut Ui<'_>,
) -> anyhow::Result<UploadSummary> {
    let policy_text = match &opts.resource_policy {
        Some(p) => Some(std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?),
        None => None,
    };
    let resource_policy = policy::resolve(policy_text.as_deref(), &opts.allow_principals)?;
    let rotation = opts.rotation_lambda_arn.as_ref().map(|arn| Rotation {
        lambda_arn: arn.clone(),
        after_days: opts.rotate_after_days.unwrap_or(DEFAULT_ROTATION_DAYS),
    });
    let fp = Fingerprinter::from_hex(&plan.salt).map_err(|e| anyhow::anyhow!("the plan's salt is not hex: {e}"))?;
    let resolved = resolve_plan(root, plan)?;
    let items = build_items(plan, &resolved, opts);
    let problems: Vec<String> = items.iter().flat_map(validate::check_item).map(|e| e.to_string()).collect();
    anyhow::ensure!(problems.is_empty(), "nothing was uploaded:\n  {}", problems.join("\n  "));

    let state_path = State::path_for_plan(plan_path);
    let mut state = State::load(&state_path)?;
    let ctx = Arc::new(Context {
        client: session.conn.client.clone(),
        region: session.conn.region.clone(),
        tokens: Tokens::new(fp),
        update: opts.update,
        resource_policy,
        replica_regions: opts.replica_regions.clone(),
        rotation,
        writes: Pacer::new(WRITES_PER_SECOND),
    });
    let batch = BatchOptions { concurrency: usize::from(opts.concurrency) };
    let total = items.len() as u64;
    let mut progress = UiProgress::new(ui, total);
    let report = session.rt.block_on(run_batch(ctx, items, &mut state, &state_path, &batch, &mut progress));
    progress.finish();

    let summary = UploadSummary {
        created: report.count(Outcome::Created),
        updated: report.count(Outcome::Updated),
        unchanged: report.count(Outcome::Unchanged),
        refs: report.done.iter().map(|d| (d.reference.name.clone(), d.reference.clone())).collect(),
        failed: report.failed,
        state_path: state_path.clone(),
    };
    for d in &report.done {
        print_done(ui.out, d)?;
    }
    match &report.unreachable {
        // One line, not one per secret: every other call would fail the same way.
        Some(first) => writeln!(
            ui.errors,
            "hoist: upload stopped: Secrets Manager is unreachable: {first}; {} secret(s) not attempted, {} done \
             and kept in {}",
            report.not_tried,
            report.done.len(),
            state_path.display()
        )?,
        None => {
            for (_, message) in &summary.failed {
                writeln!(ui.errors, "hoist: upload failed: {message}")?;
            }
        }
    }
    writeln!(
        ui.out,
        "upload: {} created, {} updated, {} unchanged, {} failed; state in {}",
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.failed.len(),
        state_path.display()
    )?;
    Ok(summary)
}

fn print_done(out: &mut dyn Write, d: &Done) -> std::io::Result<()> {
    let word = match d.outcome {
        Outcome::Created => "created",
        Outcome::Updated => "updated",
        Outcome::Unchanged => "unchanged",
    };
    write!(out, "{word:<10} {}  {}", d.reference.name, d.reference.arn)?;
    for n in &d.notes {
        write!(out, "  ({n})")?;
    }
    writeln!(out)
}

/// The upload items of a plan: payload, tags (`managed-by=hoist` always), KMS key, description.
pub fn build_items(plan: &Plan, resolved: &BTreeMap<String, Payload>, opts: &UploadOpts) -> Vec<UploadItem> {
    plan.secrets
        .iter()
        .filter_map(|s| resolved.get(&s.name).map(|p| (s, p)))
        .map(|(s, payload)| {
            let mut tags = s.tags.clone();
            tags.extend(opts.tags.iter().cloned());
            tags.insert(MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into());
            UploadItem {
                name: s.name.clone(),
                body: payload.to_body(),
                json: matches!(payload, Payload::Json(_)),
                database: is_database(payload),
                description: Some(
                    s.description
                        .clone()
                        .unwrap_or_else(|| format!("Moved out of the {} repository by hoist", plan.app)),
                ),
                tags,
                kms_key_id: s.kms_key_id.clone().or_else(|| opts.kms_key_id.clone()),
            }
        })
        .collect()
}

/// The shape the AWS rotation functions expect: at least username and password, plus host or engine.
fn is_database(p: &Payload) -> bool {
    match p {
        Payload::Json(m) => {
            m.contains_key("username")
                && m.contains_key("password")
                && (m.contains_key("host") || m.contains_key("engine"))
        }
        _ => false,
    }
}

/// Progress on a terminal (stderr), nothing otherwise.
struct UiProgress {
    bar: Option<ProgressBar>,
}

impl UiProgress {
    fn new(ui: &Ui<'_>, total: u64) -> Self {
        let bar = ui.interactive.then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} uploading {pos}/{len} secrets {wide_bar} {elapsed}")
                    .expect("valid template"),
            );
            bar
        });
        Self { bar }
    }

    fn finish(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

impl Progress for UiProgress {
    fn finished(&mut self, _name: &str, _result: &Result<Done, UploadError>) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }
}

/// Where each recorded secret of `names` stands for this session (see
/// [`crate::upload::standing`]); only the ones not [`Standing::Live`] are returned. A call that
/// fails (unreachable, access denied) is an error: nothing is written on a guess.
pub fn check_recorded(
    session: &Session,
    state: &State,
    names: &std::collections::BTreeSet<String>,
) -> anyhow::Result<Vec<(SecretRef, Standing)>> {
    let mut out = Vec::new();
    for r in names.iter().filter_map(|n| state.secrets.get(n)) {
        let standing = session
            .block_on(crate::upload::standing::standing(session.client(), session.region(), r))
            .map_err(|e| anyhow::anyhow!("cannot check the ARNs in the state file: {e}"))?;
        if standing != Standing::Live {
            out.push((r.clone(), standing));
        }
    }
    Ok(out)
}
