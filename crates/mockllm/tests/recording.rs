//! The recording endpoints, the health check, and the `mockllm` binary itself.

// Test crate: helpers outside #[test] fns may unwrap/panic like the tests do
// (clippy.toml's allow-*-in-tests only covers #[test] bodies).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::process::Stdio;

use common::start;
use mockllm::Config;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn records_requests_in_arrival_order() {
    let mock = start(Config::default()).await;
    let openai = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]});
    let response = mock
        .client
        .post(mock.url("/v1/chat/completions?trace=1"))
        .header("Authorization", "Bearer sk-x")
        .header("X-Custom", "yes")
        .json(&openai)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let anthropic = json!({"model": "claude-fault-529", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]});
    assert_eq!(mock.anthropic(&anthropic, &[]).await.status(), 529);
    let garbage = mock
        .client
        .post(mock.url("/v1/messages"))
        .body("<xml/>")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 401);

    let listing = mock.requests().await;
    let requests = listing["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 3);

    let first = &requests[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], "/v1/chat/completions?trace=1");
    assert_eq!(first["headers"]["authorization"], "Bearer sk-x");
    assert_eq!(first["headers"]["x-custom"], "yes");
    assert_eq!(first["headers"]["content-type"], "application/json");
    assert_eq!(first["body"], openai);
    assert_eq!(first["fault"], Value::Null);

    assert_eq!(requests[1]["path"], "/v1/messages");
    assert_eq!(requests[1]["headers"]["anthropic-version"], "2023-06-01");
    assert_eq!(requests[1]["body"], anthropic);
    assert_eq!(requests[1]["fault"], "fault-529");

    assert_eq!(requests[2]["body"], Value::Null);

    let cleared = mock
        .client
        .delete(mock.url("/_mock/requests"))
        .send()
        .await
        .unwrap();
    assert!(cleared.status().is_success());
    let listing = mock.requests().await;
    assert_eq!(listing, json!({"requests": []}));
}

#[tokio::test]
async fn health_check() {
    let mock = start(Config::default()).await;
    let response = mock.client.get(mock.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
}

#[tokio::test]
async fn binary_announces_its_port_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mockllm"))
        .args(["--listen", "127.0.0.1:0"])
        .env("MOCKLLM_OPENAI_KEY", "sk-from-env")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .unwrap()
        .unwrap();
    let addr = line.strip_prefix("LISTENING ").unwrap();
    assert!(addr.starts_with("127.0.0.1:"), "{line}");

    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let body = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]});
    let url = format!("http://{addr}/v1/chat/completions");
    let denied = client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(denied.status(), 401);
    let allowed = client
        .post(&url)
        .bearer_auth("sk-from-env")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);

    let pid = child.id().unwrap().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    let status = child.wait().await.unwrap();
    assert!(status.success(), "exit status {status:?}");
}
