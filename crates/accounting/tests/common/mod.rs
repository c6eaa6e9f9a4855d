//! Shared helpers: run the real router on a 127.0.0.1:0 listener backed by a
//! temp-file SQLite database, and talk to it over real HTTP.

#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::PathBuf;
use switchboard_accounting::{open_store, serve, AppState, Store};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub struct App {
    pub base: String,
    pub store: Store,
    pub client: reqwest::Client,
    pub db_path: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    // Keeps the temp directory (and the DB file) alive for the test.
    dir: Option<tempfile::TempDir>,
}

pub fn db_url(path: &std::path::Path) -> String {
    format!("sqlite://{}", path.display())
}

pub fn client() -> reqwest::Client {
    // no_proxy: never route test traffic through an HTTP(S)_PROXY from the env.
    reqwest::Client::builder().no_proxy().build().unwrap()
}

impl App {
    pub async fn start() -> App {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("accounting.db");
        let store = open_store(&db_url(&db_path)).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, AppState::new(store.clone()), async {
            let _ = rx.await;
        }));
        App {
            base: format!("http://{addr}"),
            store,
            client: client(),
            db_path,
            shutdown: Some(tx),
            server: Some(server),
            dir: Some(dir),
        }
    }

    /// Graceful stop: server drained, pool closed. Returns the temp dir so
    /// the DB file outlives the service.
    pub async fn stop(mut self) -> (tempfile::TempDir, PathBuf) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.unwrap().unwrap();
        }
        self.store.close().await;
        (self.dir.take().unwrap(), self.db_path.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_raw(&self, body: impl Into<reqwest::Body>) -> (u16, Value) {
        let resp = self
            .client
            .post(self.url("/v1/usage"))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    pub async fn post(&self, records: &[Value]) -> (u16, Value) {
        self.post_raw(serde_json::to_vec(&json!({ "records": records })).unwrap())
            .await
    }

    pub async fn get(&self, path_and_query: &str) -> (u16, Value) {
        let resp = self
            .client
            .get(self.url(path_and_query))
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(ct.starts_with("application/json"), "content-type {ct:?}");
        (status, resp.json().await.unwrap())
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

pub fn record(id: &str, ts_ms: u64) -> Value {
    json!({
        "request_id": id,
        "key_id": "vk_123",
        "team": "search",
        "model_requested": "gpt-4o",
        "model_served": "gpt-4o-2024-08-06",
        "provider": "openai",
        "status": 200,
        "input_tokens": 120,
        "output_tokens": 40,
        "cached_input_tokens": 100,
        "reasoning_tokens": 0,
        "attempts": 1,
        "ts_ms": ts_ms
    })
}

/// Asserts an OpenAI-shaped error body with the given code.
pub fn assert_error(body: &Value, code: &str) {
    let err = &body["error"];
    assert_eq!(err["code"], code, "{body}");
    assert!(
        err["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(err["type"].is_string(), "{body}");
    assert!(err.get("param").is_some_and(Value::is_null), "{body}");
}
