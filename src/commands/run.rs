//! `hoist run`.

use crate::Ui;
use crate::cli::RunArgs;

/// Runs `hoist run`.
pub fn run(args: &RunArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist run` is not built yet")
}
