//! `switchboard-accounting` binary: parses the CLI, sets up logging to
//! stderr, and runs the service until SIGTERM/SIGINT.
//!
//! Invariant: stdout carries exactly one line, `LISTENING <ip>:<port>`,
//! printed once the database is migrated and the socket bound.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;
use switchboard_accounting::cli::{run, Cli};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            ExitCode::FAILURE
        }
    }
}
