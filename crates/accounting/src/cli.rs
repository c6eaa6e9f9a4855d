//! Command line and process lifecycle.
//!
//! Intent: `switchboard-accounting --listen 127.0.0.1:0 --database
//! sqlite:///path/to/file.db` (or the `SWITCHBOARD_ACCOUNTING_LISTEN` /
//! `SWITCHBOARD_ACCOUNTING_DATABASE` environment variables).
//!
//! Invariants:
//! - only loopback addresses are bound; anything else is refused before the
//!   database is touched;
//! - `LISTENING <ip>:<port>` is printed to stdout (and flushed) exactly once,
//!   after migrations ran and the socket is bound, so a reader of that line
//!   can send requests immediately; port 0 picks a free port;
//! - SIGTERM or SIGINT stops accepting, drains in-flight requests, closes the
//!   database, and exits 0.

use crate::api::{serve, AppState};
use crate::store::{open_store, StoreError};
use clap::Parser;
use std::fmt;
use std::io::Write;
use std::net::SocketAddr;

/// Switchboard accounting service: stores one usage row per gateway request.
#[derive(Debug, Clone, Parser)]
#[command(name = "switchboard-accounting", version, about)]
pub struct Cli {
    /// Address to listen on; must be loopback (port 0 picks a free port).
    #[arg(
        long,
        env = "SWITCHBOARD_ACCOUNTING_LISTEN",
        default_value = "127.0.0.1:0"
    )]
    pub listen: SocketAddr,

    /// SQLite database URL, e.g. sqlite:///var/lib/switchboard/accounting.db
    /// (created if missing).
    #[arg(long, env = "SWITCHBOARD_ACCOUNTING_DATABASE")]
    pub database: String,
}

/// Why the service could not start or stopped abnormally.
#[derive(Debug)]
pub enum RunError {
    /// `--listen` is not a loopback address.
    NotLoopback(SocketAddr),
    /// Opening or migrating the database failed.
    Store(StoreError),
    /// Binding, announcing, or serving failed.
    Io(&'static str, std::io::Error),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotLoopback(addr) => {
                write!(
                    f,
                    "refusing to listen on {addr}: only loopback addresses are allowed"
                )
            }
            Self::Store(e) => write!(f, "{e}"),
            Self::Io(what, e) => write!(f, "{what}: {e}"),
        }
    }
}

impl std::error::Error for RunError {}

/// Runs the service until a shutdown signal arrives.
pub async fn run(cli: Cli) -> Result<(), RunError> {
    if !cli.listen.ip().is_loopback() {
        return Err(RunError::NotLoopback(cli.listen));
    }
    let shutdown = shutdown_signal();
    let store = open_store(&cli.database).await.map_err(RunError::Store)?;
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .map_err(|e| RunError::Io("cannot bind listen address", e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| RunError::Io("cannot read bound address", e))?;
    announce(addr).map_err(|e| RunError::Io("cannot write to stdout", e))?;
    tracing::info!(%addr, "switchboard-accounting listening");

    let served = serve(listener, AppState::new(store.clone()), shutdown).await;
    store.close().await;
    tracing::info!("switchboard-accounting stopped");
    served.map_err(|e| RunError::Io("server error", e))
}

fn announce(addr: SocketAddr) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "LISTENING {addr}")?;
    out.flush()
}

/// Registers SIGINT/SIGTERM handlers now (so a signal that arrives right
/// after `LISTENING` is printed is not lost to the default action) and
/// returns a future that resolves on the first of them. If a handler cannot
/// be installed, that signal is simply not awaited.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{signal, Signal, SignalKind};

    async fn recv(sig: Option<Signal>) {
        match sig {
            Some(mut sig) => {
                sig.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    }

    let install = |kind: SignalKind, name: &str| match signal(kind) {
        Ok(sig) => Some(sig),
        Err(err) => {
            tracing::warn!("cannot listen for {name}: {err}");
            None
        }
    };
    let int = install(SignalKind::interrupt(), "SIGINT");
    let term = install(SignalKind::terminate(), "SIGTERM");
    async move {
        tokio::select! {
            () = recv(int) => tracing::info!("SIGINT received, shutting down"),
            () = recv(term) => tracing::info!("SIGTERM received, shutting down"),
        }
    }
}

/// Non-unix fallback: Ctrl-C only.
#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    async {
        if tokio::signal::ctrl_c().await.is_ok() {
            tracing::info!("Ctrl-C received, shutting down");
        } else {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        let cli = Cli::try_parse_from([
            "switchboard-accounting",
            "--listen",
            "127.0.0.1:0",
            "--database",
            "sqlite:///tmp/x.db",
        ])
        .unwrap();
        assert_eq!(cli.listen, "127.0.0.1:0".parse::<SocketAddr>().unwrap());
        assert_eq!(cli.database, "sqlite:///tmp/x.db");
    }

    #[tokio::test]
    async fn refuses_non_loopback() {
        let cli = Cli {
            listen: "0.0.0.0:0".parse().unwrap(),
            database: "sqlite::memory:".into(),
        };
        assert!(matches!(run(cli).await, Err(RunError::NotLoopback(_))));
    }
}
