//! `hoist apply`.

use crate::Ui;
use crate::cli::ApplyArgs;

/// Runs `hoist apply`.
pub fn run(args: &ApplyArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist apply` is not built yet")
}
