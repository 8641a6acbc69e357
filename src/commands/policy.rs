//! `hoist policy`.

use crate::Ui;
use crate::cli::PolicyArgs;

/// Runs `hoist policy`.
pub fn run(args: &PolicyArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist policy` is not built yet")
}
