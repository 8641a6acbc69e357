//! The `hoist` binary: parse arguments, run, exit with the code `run` decided.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = hoist::cli::Cli::parse();
    ExitCode::from(hoist::run_main(cli))
}
