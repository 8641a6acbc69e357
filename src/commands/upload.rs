//! `hoist upload`.

use crate::Ui;
use crate::cli::UploadArgs;

/// Runs `hoist upload`.
pub fn run(args: &UploadArgs, ui: &mut Ui<'_>) -> anyhow::Result<u8> {
    let _ = (args, ui);
    anyhow::bail!("`hoist upload` is not built yet")
}
