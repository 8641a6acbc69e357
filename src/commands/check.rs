//! `hoist check`.

use crate::Ui;
use crate::cli::CheckArgs;

/// Runs `hoist check`.
pub fn run(args: &CheckArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist check` is not built yet")
}
