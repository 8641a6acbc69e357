//! `hoist completions SHELL`: the completion script clap_complete generates from the CLI definition.

use crate::Ui;
use crate::cli::{Cli, CompletionsArgs};
use clap::CommandFactory;

/// Runs `hoist completions`.
pub fn run(args: &CompletionsArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "hoist", &mut *ui.out);
    Ok(crate::EXIT_CLEAN)
}
