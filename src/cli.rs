//! Command-line arguments (clap derive). The only file that knows clap; commands turn these into
//! the options each stage takes. Submodules hold the scanning commands' arguments and the help examples.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub mod examples;
mod scan;
pub use scan::{BaselineArgs, FormatArg, RulesCommand, RulesFormat, ScanArgs, SeverityArg};

/// hoist: move hardcoded secrets into AWS Secrets Manager and patch code and deployment files to
/// reference them.
#[derive(Debug, Parser)]
#[command(name = "hoist", version, about, long_about = None, after_help = examples::TOP_EXAMPLES)]
pub struct Cli {
    /// When to colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    // --- conventions (issue #15) ---
    /// Quiet: the report (or diff, plan, policy) and errors only: no summaries, notes, confirmations or progress.
    #[arg(long, short = 'q', global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: the AWS SDK's full error details.
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
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
    #[command(after_help = examples::SCAN_EXAMPLES)]
    Scan(ScanArgs),
    /// List the built-in rules, or check a rule file of your own.
    #[command(subcommand, after_help = examples::RULES_EXAMPLES)]
    Rules(RulesCommand),
    /// Propose a migration plan (YAML, no secret values) from the findings.
    #[command(after_help = examples::PLAN_EXAMPLES)]
    Plan(PlanArgs),
    /// Create the plan's secrets in AWS Secrets Manager (no file changes).
    #[command(after_help = examples::UPLOAD_EXAMPLES)]
    Upload(UploadArgs),
    /// Show the exact diff `apply` would write.
    #[command(after_help = examples::DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Upload the secrets, then rewrite code and deployment files to reference them.
    #[command(after_help = examples::APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// One shot: scan, plan, diff — and with --apply, upload and rewrite.
    #[command(after_help = examples::MIGRATE_EXAMPLES)]
    Migrate(MigrateArgs),
    /// Run a command with the plan's secrets resolved into its environment.
    #[command(after_help = examples::RUN_EXAMPLES)]
    Run(RunArgs),
    /// Print the least-privilege IAM policy for the task execution roles.
    #[command(after_help = examples::POLICY_EXAMPLES)]
    Policy(PolicyArgs),
    /// Validate every `valueFrom` and `resolve:secretsmanager` reference in the repository.
    #[command(after_help = examples::CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Install or remove the git pre-commit hook.
    #[command(subcommand, after_help = examples::HOOK_EXAMPLES)]
    Hook(HookCommand),
    /// Write or update the baseline of accepted findings.
    #[command(after_help = examples::BASELINE_EXAMPLES)]
    Baseline(BaselineArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    #[command(after_help = examples::COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
}

/// `hoist plan` (owned by the plan stage).
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Repository to plan for.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where to write the plan (default `.hoist/plan.yaml` in the repository).
    #[arg(long = "output", short = 'o', alias = "out", value_name = "FILE")]
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
    // --- history (issue #15) ---
    /// Also scan git history: list values found only there as "rotate, can't migrate" and planned
    /// values that history holds as "rotate after migrating". Off by default: it reads every commit.
    #[arg(long)]
    pub history: bool,
    /// `human` (the review table) or `markdown` (a table per secret, for a pull request or an issue;
    /// the table then goes to stderr).
    #[arg(long, short = 'f', value_enum, default_value_t = PlanFormat::Human, conflicts_with = "stdout")]
    pub format: PlanFormat,
}

/// Output format of `hoist plan`'s report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// The review table.
    Human,
    /// Markdown.
    Markdown,
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
    /// Longest one AWS call may take, retries included, in seconds (default 30).
    #[arg(long, value_name = "SECONDS", env = "HOIST_AWS_TIMEOUT", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// Attempts per AWS call, the first included (default 5; throttling, 5xx and network errors are retried).
    #[arg(long, value_name = "N", env = "HOIST_AWS_MAX_ATTEMPTS", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: Option<u32>,
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
    /// Write the diff to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    // --- history (issue #15) ---
    /// Also scan git history: values found only there are listed as "rotate, can't migrate"
    /// (nothing is uploaded for them), planned ones history also holds as "rotate after migrating".
    /// Off by default: it reads every commit.
    #[arg(long)]
    pub history: bool,
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
    #[arg(default_value = ".", value_name = "PATH")]
    pub repo: PathBuf,
    /// Plan file (default `.hoist/plan.yaml` in the repository).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Only the secrets of this environment (`{app}/ENV/{group}`) and those without one: for plans
    /// whose per-environment secrets map the same variable.
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// Write a key file from its secret while the command runs (mode 0600, removed afterwards, also
    /// on failure or Ctrl-C): PATH of a `file` site in the plan, or DEST=SECRET (a name or ARN).
    /// Relative paths are in the repository. Repeatable.
    #[arg(long = "file", value_name = "PATH[=SECRET]")]
    pub files: Vec<String>,
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
    /// Write the policies to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// Also ask Secrets Manager about each referenced secret and each one `.hoist/state.yaml`
    /// records: it exists, isn't being deleted, has the version and JSON key referenced
    /// (DescribeSecret, GetSecretValue for keys; values are never printed). On by default when an
    /// endpoint URL is configured.
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
    #[command(after_help = examples::HOOK_INSTALL_EXAMPLES)]
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
    #[command(after_help = examples::HOOK_UNINSTALL_EXAMPLES)]
    Uninstall {
        /// A directory inside the repository.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
}

// --- conventions (issue #15): rules list formats, completions, output files, examples ---

/// `hoist completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

impl Command {
    /// The file `-o/--output` sends the printed report to, for the commands whose report is their
    /// standard output (`plan` and `baseline` write their own files there instead).
    pub fn output_file(&self) -> Option<&std::path::Path> {
        match self {
            Command::Scan(a) => a.output.as_deref(),
            Command::Diff(a) => a.output.as_deref(),
            Command::Policy(a) => a.output.as_deref(),
            _ => None,
        }
    }

    /// The exit code `--exit-code` asks for when findings are reported.
    pub fn findings_exit_code(&self) -> u8 {
        match self {
            Command::Scan(a) => a.exit_code,
            _ => crate::EXIT_FINDINGS,
        }
    }
}
