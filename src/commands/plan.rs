//! `hoist plan`.

use crate::Ui;
use crate::cli::PlanArgs;

/// Runs `hoist plan`.
pub fn run(args: &PlanArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist plan` is not built yet")
}
