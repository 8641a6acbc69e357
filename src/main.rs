//! The `hoist` binary: parse arguments, run, exit with the code `run` decided.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    hoist::hook::times::start();
    let cli = hoist::cli::Cli::parse();
    ExitCode::from(hoist::run_main(cli))
}
