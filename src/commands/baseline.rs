//! `hoist baseline`.

use crate::Ui;
use crate::cli::BaselineArgs;

/// Runs `hoist baseline`.
pub fn run(args: &BaselineArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist baseline` is not built yet")
}
