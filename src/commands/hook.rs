//! `hoist hook`.

use crate::Ui;
use crate::cli::HookCommand;

/// Runs `hoist hook`.
pub fn run(args: &HookCommand, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist hook` is not built yet")
}
