//! The `switchboard` binary: argument parsing lives in the library (`cli`).

use std::process::ExitCode;

fn main() -> ExitCode {
    switchboard_cli::cli::main()
}
