//! `mockllm` binary: bind, announce the port on stdout, serve until SIGTERM/SIGINT.
//!
//! The one stdout line, `LISTENING <ip>:<port>`, is the contract with test harnesses
//! (which start the server on port 0); all logging goes to stderr.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use mockllm::cli::Cli;
use mockllm::serve;
use tokio::net::TcpListener;
use tracing::{error, info};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();

    let listener = match TcpListener::bind(cli.listen).await {
        Ok(listener) => listener,
        Err(err) => {
            error!(listen = %cli.listen, error = %err, "cannot bind");
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(err) => {
            error!(error = %err, "no local address");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = writeln!(stdout, "LISTENING {addr}").and_then(|()| stdout.flush()) {
        error!(error = %err, "cannot announce the address");
        return ExitCode::FAILURE;
    }
    drop(stdout);
    info!(%addr, "mockllm listening");

    match serve(listener, cli.state(), shutdown_signal()).await {
        Ok(()) => {
            info!("mockllm stopped");
            ExitCode::SUCCESS
        }
        Err(err) => {
            error!(error = %err, "server failed");
            ExitCode::FAILURE
        }
    }
}

/// Completes on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::pin!(terminate);
    tokio::select! {
        result = tokio::signal::ctrl_c() => {
            if let Err(err) = result {
                error!(error = %err, "cannot listen for SIGINT");
                terminate.await;
            }
        }
        () = &mut terminate => {}
    }
}
