//! `hoist migrate`.

use crate::Ui;
use crate::cli::MigrateArgs;

/// Runs `hoist migrate`.
pub fn run(args: &MigrateArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist migrate` is not built yet")
}
