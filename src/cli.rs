//! Command-line arguments (clap derive). The only file that knows clap; commands turn these into
//! the options each stage takes.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// hoist: move hardcoded secrets into AWS Secrets Manager and patch code and deployment files to
/// reference them.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, about, long_about = None)]
pub struct Cli {
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// The config file to use instead of `.hoist.toml` at the repository root.
    #[arg(long, global = true, env = "HOIST_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find hardcoded credentials and the config values that belong with them.
    Scan(ScanArgs),
    /// List the built-in rules, or check a rule file of your own.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Propose a migration plan (YAML, no secret values) from the findings.
    Plan(PlanArgs),
    /// Create the plan's secrets in AWS Secrets Manager (no file changes).
    Upload(UploadArgs),
    /// Show the exact diff `apply` would write.
    Diff(DiffArgs),
    /// Upload the secrets, then rewrite code and deployment files to reference them.
    Apply(ApplyArgs),
    /// One shot: scan, plan, diff — and with --apply, upload and rewrite.
    Migrate(MigrateArgs),
    /// Run a command with the plan's secrets resolved into its environment.
    Run(RunArgs),
    /// Print the least-privilege IAM policy for the task execution roles.
    Policy(PolicyArgs),
    /// Validate every `valueFrom` and `resolve:secretsmanager` reference in the repository.
    Check(CheckArgs),
    /// Install or remove the git pre-commit hook.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Write or update the baseline of accepted findings.
    Baseline(BaselineArgs),
}

/// `hoist plan` (owned by the plan stage).
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Repository to plan for.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where to write the plan (default `.hoist/plan.yaml` in the repository).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the plan YAML on stdout instead of writing it (the summary goes to stderr).
    #[arg(long, conflicts_with = "out")]
    pub stdout: bool,
    /// Validate an existing plan against the repository instead of planning.
    #[arg(long, value_name = "PLAN")]
    pub check: Option<PathBuf>,
    /// `{app}` in secret names (default: `[plan] app` in .hoist.toml, the previous plan, or the folder name).
    #[arg(long)]
    pub app: Option<String>,
    /// `{env}` for paths that name no environment (`prod`, `staging`, …).
    #[arg(long)]
    pub env: Option<String>,
    /// Secret name template (default `{app}/{env}/{group}`).
    #[arg(long, value_name = "TEMPLATE")]
    pub name_template: Option<String>,
    /// A tag for every secret, `KEY=VALUE` (repeatable; `managed-by=hoist` is always added).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<(String, String)>,
    /// KMS key id, ARN or alias for every secret (default: the account's aws/secretsmanager key).
    #[arg(long)]
    pub kms_key_id: Option<String>,
    /// Ignore the previous plan: new salt, no edits carried over.
    #[arg(long)]
    pub fresh: bool,
    /// Exclude paths matching this gitignore-style glob (repeatable).
    #[arg(long, short = 'e')]
    pub exclude: Vec<String>,
    /// Extra rule file(s) to load (same format as patterns/*.yaml).
    #[arg(long = "rules")]
    pub rule_files: Vec<PathBuf>,
}

/// Parses `KEY=VALUE`.
fn parse_tag(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// AWS connection options shared by commands that call Secrets Manager.
#[derive(Debug, Args, Clone, Default)]
pub struct AwsArgs {
    /// AWS profile (default: the SDK's chain, `AWS_PROFILE`).
    #[arg(long)]
    pub profile: Option<String>,
    /// AWS region (default: the SDK's chain, `AWS_REGION`).
    #[arg(long)]
    pub region: Option<String>,
    /// Endpoint URL (emulators; also `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL`).
    #[arg(long)]
    pub endpoint_url: Option<String>,
}

/// Upload options shared by `upload`, `apply` and `migrate` (owned by the upload stage).
#[derive(Debug, Args, Clone)]
pub struct UploadOpts {
    /// Put a new version when a secret hoist created holds a different value.
    #[arg(long)]
    pub update: bool,
    /// KMS key (id, ARN or alias/NAME) for secrets whose plan entry names none (default: aws/secretsmanager).
    #[arg(long, value_name = "KEY")]
    pub kms_key_id: Option<String>,
    /// Extra tag on every secret, KEY=VALUE (repeatable; `managed-by=hoist` is always added).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    pub tags: Vec<(String, String)>,
    /// Attach this resource policy (JSON file) to every secret.
    #[arg(long, value_name = "FILE", conflicts_with = "allow_principals")]
    pub resource_policy: Option<PathBuf>,
    /// Attach a least-privilege policy letting this principal (IAM ARN or account id) read the
    /// secret's value (repeatable).
    #[arg(long = "allow-principal", value_name = "ARN")]
    pub allow_principals: Vec<String>,
    /// Replicate new secrets to this region (repeatable).
    #[arg(long = "replica-region", value_name = "REGION")]
    pub replica_regions: Vec<String>,
    /// Turn on rotation with this Lambda for database-shaped secrets (engine/host/username/password).
    #[arg(long, value_name = "ARN")]
    pub rotation_lambda_arn: Option<String>,
    /// Days between rotations (with --rotation-lambda-arn).
    #[arg(long, value_name = "DAYS", requires = "rotation_lambda_arn", value_parser = clap::value_parser!(i64).range(1..=1000))]
    pub rotate_after_days: Option<i64>,
    /// Secrets uploaded at once (1–16; writes are also paced under the account's quota).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub concurrency: u16,
    /// `apply`/`migrate`: also create secrets whose every site is `manual` (by default a secret is
    /// created only when a rewritten file will reference it, so nothing is left orphaned).
    #[arg(long)]
    pub include_manual: bool,
}

impl Default for UploadOpts {
    fn default() -> Self {
        Self {
            update: false,
            kms_key_id: None,
            tags: Vec::new(),
            resource_policy: None,
            allow_principals: Vec::new(),
            replica_regions: Vec::new(),
            rotation_lambda_arn: None,
            rotate_after_days: None,
            concurrency: 4,
            include_manual: false,
        }
    }
}

/// `hoist upload` (owned by the upload stage).
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// Repository whose plan to upload.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The plan (default: PATH/.hoist/plan.yaml). The state is written beside it.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// AWS options.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Upload options.
    #[command(flatten)]
    pub upload: UploadOpts,
}

/// `hoist diff` (owned by the rewrite stage).
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Plan file (default `.hoist/plan.yaml` in the repository).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// A per-file summary instead of the diff.
    #[arg(long)]
    pub stat: bool,
    /// Show secret values on removed lines instead of `<redacted>`.
    #[arg(long)]
    pub show_secrets: bool,
    /// Region for ARNs not uploaded yet (default: AWS_REGION / the AWS config).
    #[arg(long)]
    pub region: Option<String>,
}

/// `hoist apply` (owned by the rewrite stage).
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// Repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Plan file (default `.hoist/plan.yaml` in the repository).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Don't ask for confirmation (required when not on a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Ask file by file.
    #[arg(long, short = 'i', conflicts_with = "yes")]
    pub interactive: bool,
    /// Also rewrite files that have uncommitted changes (or outside a git repository).
    #[arg(long)]
    pub allow_dirty: bool,
    /// AWS options.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Upload options.
    #[command(flatten)]
    pub upload: UploadOpts,
}

/// `hoist migrate` (owned by the rewrite stage).
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Upload and rewrite (default: a dry run that writes nothing).
    #[arg(long)]
    pub apply: bool,
    /// With --apply: don't ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// With --apply: ask file by file.
    #[arg(long, short = 'i', conflicts_with = "yes")]
    pub interactive: bool,
    /// With --apply: also rewrite files with uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Plan again from a new scan even if `.hoist/plan.yaml` exists.
    #[arg(long)]
    pub fresh: bool,
    /// Dry run: a per-file summary instead of the diff.
    #[arg(long)]
    pub stat: bool,
    /// Dry run: show secret values on removed lines.
    #[arg(long)]
    pub show_secrets: bool,
    /// `{app}` in secret names (default: the folder name).
    #[arg(long)]
    pub app: Option<String>,
    /// `{env}` for paths that name no environment.
    #[arg(long)]
    pub env: Option<String>,
    /// Secret name template (default `{app}/{env}/{group}`).
    #[arg(long, value_name = "TEMPLATE")]
    pub name_template: Option<String>,
    /// Exclude paths matching this gitignore-style glob (repeatable).
    #[arg(long, short = 'e')]
    pub exclude: Vec<String>,
    /// Extra rule file(s).
    #[arg(long = "rules")]
    pub rule_files: Vec<PathBuf>,
    /// AWS options.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Upload options.
    #[command(flatten)]
    pub upload: UploadOpts,
}

/// `hoist run` (owned by the rewrite stage).
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Repository root (where `.hoist/plan.yaml` and `.hoist/state.yaml` live).
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub repo: PathBuf,
    /// Plan file (default `.hoist/plan.yaml` in the repository).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// AWS options.
    #[command(flatten)]
    pub aws: AwsArgs,
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    pub command: Vec<String>,
}

/// `hoist policy` (owned by the deployment stage).
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// `human` (policy JSON per role, plus a Terraform snippet when the repo uses Terraform)
    /// or `json` (an array of {role, task_definitions, policy}).
    #[arg(long, short = 'f', value_enum, default_value_t = PolicyFormat::Human)]
    pub format: PolicyFormat,
}

/// Output format of `hoist policy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PolicyFormat {
    /// Commented policies for people.
    Human,
    /// Machine-readable JSON.
    Json,
}

/// `hoist check` (owned by the deployment stage).
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Repository.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Also ask Secrets Manager that each secret exists and holds the JSON key (GetSecretValue;
    /// values are never printed). On by default when an endpoint URL is configured.
    #[arg(long = "aws")]
    pub use_aws: bool,
    /// AWS options.
    #[command(flatten)]
    pub aws: AwsArgs,
}

/// `hoist hook …` (owned by the hook stage).
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Install the git pre-commit hook (an existing hook is kept and runs first).
    Install {
        /// A directory inside the repository.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Install even when `core.hooksPath` points outside this repository (a hooks folder
        /// shared by other repositories).
        #[arg(long)]
        force: bool,
    },
    /// Remove hoist's pre-commit hook and put back the one it chained.
    Uninstall {
        /// A directory inside the repository.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
}

/// `hoist baseline` (owned by the hook stage).
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Repository root.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only drop entries whose finding is gone; keep the rest and add nothing new.
    #[arg(long)]
    pub update: bool,
    /// Where to write (default `.hoist/baseline.json` under the repository root).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Extra rule file(s) to load, as for `hoist scan --rules`.
    #[arg(long = "rules")]
    pub rule_files: Vec<PathBuf>,
}

/// Output formats for scan results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Lines for people.
    Human,
    /// A JSON array.
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// `hoist scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Directory (or file) to scan.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Skip files larger than this many bytes (default 5 MiB, or `[scan] max_file_size`).
    #[arg(long)]
    pub max_file_size: Option<u64>,
    /// Also scan vendored directories, lockfiles and minified files.
    #[arg(long)]
    pub include_vendored: bool,
    /// Don't respect .gitignore / .ignore files.
    #[arg(long)]
    pub no_ignore: bool,
    /// Exclude paths matching this gitignore-style glob (repeatable).
    #[arg(long, short = 'e')]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', default_value_t = 0)]
    pub threads: usize,
    /// Provider rules only: skip the language-aware detectors.
    #[arg(long)]
    pub rules_only: bool,
    /// Only report findings at or above this severity.
    #[arg(long, value_enum)]
    pub min_severity: Option<SeverityArg>,
    /// Extra rule file(s) to load (same format as patterns/*.yaml).
    #[arg(long = "rules")]
    pub rule_files: Vec<PathBuf>,
    /// Scan what the next commit would add (the index), reporting only added or changed lines.
    /// PATH is any directory inside the repository.
    #[arg(long)]
    pub staged: bool,
    /// Baseline of accepted findings to leave out (default `.hoist/baseline.json`, when present).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    pub baseline: Option<PathBuf>,
    /// Report baselined findings too.
    #[arg(long)]
    pub no_baseline: bool,
    // --- history scan (issue #15) ---
    /// Scan git history instead of the tree: every commit reachable from HEAD, only the lines each
    /// commit adds; each secret once, with the commit that first added it.
    #[arg(long, conflicts_with = "staged")]
    pub history: bool,
    /// With --history: every ref (branches, tags, remotes, stash), not just HEAD. Implies --history.
    #[arg(long, conflicts_with = "staged")]
    pub all: bool,
    /// Only the commits after REV (`REV..HEAD`), or a range such as `origin/main..HEAD` (what a pull
    /// request adds). Implies --history.
    #[arg(long, value_name = "REV|RANGE", conflicts_with_all = ["staged", "all"])]
    pub since: Option<String>,
}

/// Severity filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    /// Everything.
    Low,
    /// Medium and high.
    Medium,
    /// High only.
    High,
}

impl From<SeverityArg> for crate::model::Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Low => Self::Low,
            SeverityArg::Medium => Self::Medium,
            SeverityArg::High => Self::High,
        }
    }
}

/// `hoist rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in use (built-in plus `.hoist.toml`).
    List {
        /// `human` or `json`.
        #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
    },
    /// Validate rule files and run their examples and negative examples.
    Check {
        /// Rule files (YAML, `rules:` list).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}
