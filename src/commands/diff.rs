//! `hoist diff`.

use crate::Ui;
use crate::cli::DiffArgs;

/// Runs `hoist diff`.
pub fn run(args: &DiffArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist diff` is not built yet")
}
