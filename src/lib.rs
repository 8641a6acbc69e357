//! hoist: find hardcoded secrets, plan their move to AWS Secrets Manager, upload them, and rewrite
//! code and deployment files to reference them. `run` is the whole program behind a thin `main`.

pub mod cli;
pub mod commands;
pub mod config;
pub mod detect;
pub mod diff;
pub mod format;
pub mod hook;
pub mod keyfile;
pub mod lock;
pub mod model;
pub mod paths;
pub mod plan;
pub mod report;
pub mod rewrite;
pub mod rules;
pub mod salt;
pub mod scan;
pub mod site;
#[cfg(test)]
pub(crate) mod testdata;
pub mod upload;

use std::io::{self, IsTerminal, Write};

/// Exit code: nothing found / success.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings (scan, hook).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: an error.
pub const EXIT_ERROR: u8 = 2;

/// Where a command writes, and what it knows about the terminal.
pub struct Ui<'a> {
    /// Standard output.
    pub out: &'a mut dyn Write,
    /// Standard error for notes, progress and prompts: a sink with `-q/--quiet`.
    pub err: &'a mut dyn Write,
    /// Standard error for what went wrong — validation errors, refusals, failures, warnings about
    /// the input — written even with `-q` (which hides only summaries and notes).
    pub errors: &'a mut dyn Write,
    /// Colour stdout.
    pub color: bool,
    /// Standard error is a terminal (progress bars, prompts).
    pub interactive: bool,
    /// `-q/--quiet`: `err` is a sink, and so is [`Ui::notes`].
    pub quiet: bool,
}

impl Ui<'_> {
    /// Where a command's notes go (summaries, counts, hints): beside a human report on stdout,
    /// else on stderr, so JSON/SARIF/markdown stay clean; nowhere with `-q`. Errors never go here.
    pub fn notes(&mut self, human: bool) -> &mut dyn Write {
        if human && !self.quiet { &mut *self.out } else { &mut *self.err }
    }
}

/// Runs a parsed command line with real stdout/stderr and returns the exit code.
/// A closed pipe (`hoist scan | head`) is not an error.
pub fn run_main(cli: cli::Cli) -> u8 {
    let stdout = io::stdout();
    let stderr = io::stderr();
    let color = match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let interactive = stderr.is_terminal();
    if let Some(file) = &cli.config {
        config::set_explicit(file.clone());
    }
    let mut out = stdout.lock();
    // Never hold the stderr lock for the run: indicatif's ticker thread draws progress bars on
    // stderr and would block on it forever while the main thread waits for the bar (a hang on
    // every terminal). `Stderr` itself locks per write, which is what the ticker needs.
    let mut err = stderr;
    // A second handle for the errors channel (`Stderr` locks per write, so two handles interleave
    // by line).
    let mut errors = io::stderr();
    // --- conventions (issue #15): -o/--output, -q/--quiet, -v/--verbose, --exit-code ---
    VERBOSE.store(cli.verbose, std::sync::atomic::Ordering::Relaxed);
    let findings_code = cli.command.findings_exit_code();
    let mut file = match cli.command.output_file().map(std::fs::File::create).transpose() {
        Ok(f) => f.map(io::BufWriter::new),
        Err(e) => {
            let path = cli.command.output_file().map(|p| p.display().to_string()).unwrap_or_default();
            let _ = writeln!(err, "hoist: error: cannot write {path}: {e}");
            return EXIT_ERROR;
        }
    };
    let mut quiet_sink = io::sink();
    let color = color && file.is_none();
    let result = {
        let out: &mut dyn Write = match file.as_mut() {
            Some(f) => f,
            None => &mut out,
        };
        let note: &mut dyn Write = if cli.quiet { &mut quiet_sink } else { &mut err };
        let mut ui =
            Ui { out, err: note, errors: &mut errors, color, interactive: interactive && !cli.quiet, quiet: cli.quiet };
        let r = run(cli.command, &mut ui);
        r.and_then(|code| ui.out.flush().map(|()| code).map_err(anyhow::Error::from))
    };
    let code = match result {
        Ok(EXIT_FINDINGS) => findings_code,
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => EXIT_CLEAN,
        Err(e) => {
            let _ = writeln!(err, "hoist: error: {e:#}");
            EXIT_ERROR
        }
    };
    let _ = out.flush();
    hook::times::mark("done");
    code
}

/// `-v/--verbose` was given: error messages may carry the AWS SDK's full details.
static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True when `-v/--verbose` was given.
pub fn verbose() -> bool {
    VERBOSE.load(std::sync::atomic::Ordering::Relaxed)
}

/// Runs one command against the given writers; returns the exit code for success paths.
pub fn run(command: cli::Command, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    use cli::Command;
    match command {
        Command::Scan(args) => commands::scan::run(&args, ui),
        Command::Rules(cmd) => commands::rules::run(&cmd, ui),
        Command::Plan(args) => commands::plan::run(&args, ui),
        Command::Upload(args) => commands::upload::run(&args, ui),
        Command::Diff(args) => commands::diff::run(&args, ui),
        Command::Apply(args) => commands::apply::run(&args, ui),
        Command::Migrate(args) => commands::migrate::run(&args, ui),
        Command::Run(args) => commands::run::run(&args, ui),
        Command::Policy(args) => commands::policy::run(&args, ui),
        Command::Check(args) => commands::check::run(&args, ui),
        Command::Hook(cmd) => commands::hook::run(&cmd, ui),
        Command::Baseline(args) => commands::baseline::run(&args, ui),
        Command::Completions(args) => commands::completions::run(&args, ui),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}
