//! Runs the built `switchboard-accounting` binary as a child process: reads
//! the `LISTENING` line, talks HTTP to it, and stops it by pid.

// Test crate: helpers outside #[test] fns may unwrap/panic like the tests do
// (clippy.toml's allow-*-in-tests only covers #[test] bodies).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{client, db_url, record};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const STARTUP: Duration = Duration::from_secs(30);
const SHUTDOWN: Duration = Duration::from_secs(15);

fn base_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard-accounting"));
    cmd.env_remove("SWITCHBOARD_ACCOUNTING_LISTEN")
        .env_remove("SWITCHBOARD_ACCOUNTING_DATABASE")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Reads the first stdout line on a helper thread, bounded by `STARTUP`.
/// Returns the line and the rest of stdout (drained by the same thread).
fn first_line(child: &mut Child) -> (String, mpsc::Receiver<String>) {
    let stdout = child.stdout.take().unwrap();
    let (line_tx, line_rx) = mpsc::channel();
    let (rest_tx, rest_rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = line_tx.send(line);
        let mut rest = String::new();
        let _ = reader.read_to_string(&mut rest);
        let _ = rest_tx.send(rest);
    });
    let line = line_rx.recv_timeout(STARTUP).unwrap_or_default();
    (line, rest_rx)
}

/// Polls `try_wait` until the child exits or `limit` passes.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Sends SIGTERM to the child's pid; falls back to SIGKILL (`Child::kill`,
/// also by pid) if it does not exit in time.
fn terminate(child: &mut Child) -> Option<ExitStatus> {
    let pid = child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .is_ok_and(|s| s.success());
    let status = if sent {
        wait_bounded(child, SHUTDOWN)
    } else {
        None
    };
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    status
}

fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut s);
    }
    s
}

#[tokio::test]
async fn binary_serves_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bin.db");
    let mut child = base_command()
        .args(["--listen", "127.0.0.1:0", "--database", &db_url(&db)])
        .spawn()
        .unwrap();

    let (line, rest) = first_line(&mut child);
    let addr = match line.trim_end().strip_prefix("LISTENING ") {
        Some(addr) => addr.to_owned(),
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("bad first line {line:?}; stderr: {}", stderr_of(&mut child));
        }
    };
    let sock: std::net::SocketAddr = addr.parse().unwrap();
    assert!(sock.ip().is_loopback());
    assert_ne!(sock.port(), 0);

    let http = client();
    let health: Value = http
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health, json!({ "status": "ok" }));

    let mut rec = record("bin-1", 7);
    rec["team"] = json!("team-secret-marker");
    let body = json!({ "records": [rec] });
    for expected in [
        json!({"accepted":1,"duplicates":0}),
        json!({"accepted":0,"duplicates":1}),
    ] {
        let resp = http
            .post(format!("http://{addr}/v1/usage"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.json::<Value>().await.unwrap(), expected);
    }

    let status = terminate(&mut child);
    let stderr = stderr_of(&mut child);
    assert!(
        status.is_some_and(|s| s.success()),
        "exit {status:?}; stderr: {stderr}"
    );
    // stdout carried exactly the one LISTENING line.
    assert_eq!(rest.recv_timeout(SHUTDOWN).unwrap(), "");
    // Logs carry counts, never record contents.
    assert!(stderr.contains("accepted=1"), "{stderr}");
    assert!(!stderr.contains("team-secret-marker"), "{stderr}");
    assert!(!stderr.contains("bin-1"), "{stderr}");

    // The row is on disk after the process is gone.
    let store = switchboard_accounting::open_store(&db_url(&db))
        .await
        .unwrap();
    assert_eq!(store.get("bin-1").await.unwrap().unwrap().record.ts_ms, 7);
    store.close().await;
}

#[tokio::test]
async fn binary_reads_config_from_env() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.db");
    let mut child = base_command()
        .env("SWITCHBOARD_ACCOUNTING_LISTEN", "127.0.0.1:0")
        .env("SWITCHBOARD_ACCOUNTING_DATABASE", db_url(&db))
        .spawn()
        .unwrap();
    let (line, _rest) = first_line(&mut child);
    let ok = line.starts_with("LISTENING 127.0.0.1:");
    let status = terminate(&mut child);
    assert!(ok, "first line {line:?}; stderr: {}", stderr_of(&mut child));
    assert!(status.is_some_and(|s| s.success()));
    assert!(db.exists());
}

#[test]
fn binary_refuses_non_loopback_listen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    let mut child = base_command()
        .args(["--listen", "0.0.0.0:0", "--database", &db_url(&db)])
        .spawn()
        .unwrap();
    let (line, _rest) = first_line(&mut child);
    let status = wait_bounded(&mut child, STARTUP);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert_eq!(line, "");
    assert!(status.is_some_and(|s| !s.success()));
    assert!(stderr_of(&mut child).contains("loopback"));
    assert!(!db.exists(), "database must not be touched");
}
