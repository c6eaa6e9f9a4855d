//! End-to-end HTTP tests of the router over a real socket and a file DB.

// Test crate: helpers outside #[test] fns may unwrap/panic like the tests do
// (clippy.toml's allow-*-in-tests only covers #[test] bodies).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{assert_error, record, App};
use serde_json::{json, Value};

fn ids(body: &Value) -> Vec<String> {
    body["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["request_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn insert_then_query_by_request_id() {
    let app = App::start().await;
    let batch = [record("a", 1_000), record("b", 2_000), record("c", 3_000)];
    let (status, body) = app.post(&batch).await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({ "accepted": 3, "duplicates": 0 }));

    let (status, body) = app.get("/v1/usage?request_id=b").await;
    assert_eq!(status, 200);
    let records = body["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    let mut got = records[0].clone();
    let received = got
        .as_object_mut()
        .unwrap()
        .remove("received_at_ms")
        .unwrap();
    assert!(received.as_u64().unwrap() > 0);
    assert_eq!(got, batch[1]);

    let (status, body) = app.get("/v1/usage?request_id=nope").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({ "records": [] }));
}

#[tokio::test]
async fn optional_fields_default_and_nulls_round_trip() {
    let app = App::start().await;
    let minimal = json!({
        "request_id": "min", "key_id": "k", "model_requested": "m",
        "model_served": null, "status": 502, "input_tokens": 0,
        "output_tokens": 0, "ts_ms": 5
    });
    assert_eq!(app.post(&[minimal]).await.0, 200);
    let (_, body) = app.get("/v1/usage?request_id=min").await;
    let r = &body["records"][0];
    assert_eq!(r["team"], Value::Null);
    assert_eq!(r["model_served"], Value::Null);
    assert_eq!(r["provider"], Value::Null);
    assert_eq!(r["cached_input_tokens"], 0);
    assert_eq!(r["reasoning_tokens"], 0);
    assert_eq!(r["attempts"], 1);
    assert_eq!(r["status"], 502);
}

#[tokio::test]
async fn redelivery_is_idempotent() {
    let app = App::start().await;
    let batch = [record("a", 1), record("b", 2)];
    assert_eq!(
        app.post(&batch).await.1,
        json!({ "accepted": 2, "duplicates": 0 })
    );
    let (_, before) = app.get("/v1/usage?request_id=a").await;

    // Same batch again: all duplicates.
    assert_eq!(
        app.post(&batch).await,
        (200, json!({ "accepted": 0, "duplicates": 2 }))
    );
    // A redelivery with altered values plus one new record: the stored row
    // keeps its first values (including received_at_ms).
    let mut altered = record("a", 999);
    altered["input_tokens"] = json!(1_000_000);
    altered["status"] = json!(500);
    assert_eq!(
        app.post(&[altered, record("c", 3)]).await,
        (200, json!({ "accepted": 1, "duplicates": 1 }))
    );
    // Duplicates inside one batch count too.
    assert_eq!(
        app.post(&[record("d", 4), record("d", 4)]).await,
        (200, json!({ "accepted": 1, "duplicates": 1 }))
    );

    let (_, after) = app.get("/v1/usage?request_id=a").await;
    assert_eq!(before, after);
    let (_, all) = app.get("/v1/usage").await;
    let mut all_ids = ids(&all);
    all_ids.sort();
    assert_eq!(all_ids, ["a", "b", "c", "d"]);
}

#[tokio::test]
async fn empty_batch_is_accepted() {
    let app = App::start().await;
    assert_eq!(
        app.post(&[]).await,
        (200, json!({ "accepted": 0, "duplicates": 0 }))
    );
}

#[tokio::test]
async fn limit_returns_newest_first() {
    let app = App::start().await;
    // Delivered out of order: ordering is by ts_ms, not arrival.
    let batch: Vec<_> = [5u64, 1, 4, 2, 3]
        .iter()
        .map(|t| record(&format!("r{t}"), t * 1_000))
        .collect();
    assert_eq!(app.post(&batch).await.0, 200);

    let (status, body) = app.get("/v1/usage?limit=3").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&body), ["r5", "r4", "r3"]);

    let (_, body) = app.get("/v1/usage").await;
    assert_eq!(ids(&body), ["r5", "r4", "r3", "r2", "r1"]);

    // Above the maximum is clamped, not refused.
    let (status, body) = app.get("/v1/usage?limit=5000").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&body).len(), 5);

    for bad in ["0", "-1", "abc"] {
        let (status, body) = app.get(&format!("/v1/usage?limit={bad}")).await;
        assert_eq!(status, 400, "limit={bad}");
        assert_error(&body, "invalid_query_parameter");
    }
}

#[tokio::test]
async fn default_limit_is_100() {
    let app = App::start().await;
    let batch: Vec<_> = (0..150u64).map(|i| record(&format!("r{i}"), i)).collect();
    assert_eq!(app.post(&batch).await.1["accepted"], 150);
    let (_, body) = app.get("/v1/usage").await;
    let got = ids(&body);
    assert_eq!(got.len(), 100);
    assert_eq!(got[0], "r149");
    assert_eq!(got[99], "r50");
}

#[tokio::test]
async fn malformed_json_is_400() {
    let app = App::start().await;
    for body in ["{not json", "", "[]", "{}", r#"{"records":{}}"#] {
        let (status, resp) = app.post_raw(body).await;
        assert_eq!(status, 400, "body {body:?}");
        assert_error(&resp, "invalid_usage_record");
        assert_eq!(resp["error"]["type"], "invalid_request_error");
    }
}

#[tokio::test]
async fn missing_required_field_is_400_and_nothing_is_stored() {
    let app = App::start().await;
    let mut bad = record("bad", 2);
    bad.as_object_mut().unwrap().remove("key_id");
    let (status, body) = app.post(&[record("good", 1), bad]).await;
    assert_eq!(status, 400);
    assert_error(&body, "invalid_usage_record");
    let msg = body["error"]["message"].as_str().unwrap();
    assert!(msg.contains("key_id"), "{msg}");
    // All-or-nothing: the valid record in the same batch was not stored.
    assert_eq!(app.get("/v1/usage").await.1, json!({ "records": [] }));
}

#[tokio::test]
async fn unknown_field_is_rejected() {
    let app = App::start().await;
    let mut bad = record("p", 1);
    bad["prompt"] = json!("tell me a secret");
    let (status, body) = app.post(&[bad]).await;
    assert_eq!(status, 400);
    assert_error(&body, "invalid_usage_record");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("prompt"));

    let (status, body) = app.post_raw(r#"{"records":[],"completion":"text"}"#).await;
    assert_eq!(status, 400);
    assert_error(&body, "invalid_usage_record");
    assert_eq!(app.get("/v1/usage").await.1, json!({ "records": [] }));
}

#[tokio::test]
async fn invalid_values_are_400() {
    let app = App::start().await;
    let cases = [
        ("request_id", json!("")),
        ("request_id", json!("x".repeat(129))),
        ("status", json!(70_000)),
        ("input_tokens", json!(-5)),
        ("ts_ms", json!("yesterday")),
    ];
    for (field, value) in cases {
        let mut bad = record("v", 1);
        bad[field] = value;
        let (status, body) = app.post(&[bad]).await;
        assert_eq!(status, 400, "{field}");
        assert_error(&body, "invalid_usage_record");
    }
}

#[tokio::test]
async fn oversized_batch_is_413() {
    let app = App::start().await;
    let batch: Vec<_> = (0..1001u64).map(|i| record(&format!("r{i}"), i)).collect();
    let (status, body) = app.post(&batch).await;
    assert_eq!(status, 413);
    assert_error(&body, "batch_too_large");
    assert_eq!(
        app.get("/v1/usage?limit=1").await.1,
        json!({ "records": [] })
    );

    // Exactly the maximum is fine.
    let (status, body) = app.post(&batch[..1000]).await;
    assert_eq!(status, 200);
    assert_eq!(body["accepted"], 1000);

    // A body over the byte limit is refused with the same JSON error.
    let huge = format!(
        r#"{{"records":[],"pad":"{}"}}"#,
        "x".repeat(5 * 1024 * 1024)
    );
    let (status, body) = app.post_raw(huge).await;
    assert_eq!(status, 413);
    assert_error(&body, "batch_too_large");
}

#[tokio::test]
async fn unknown_path_is_json_404() {
    let app = App::start().await;
    for path in ["/", "/v1/chat/completions", "/v1/usage/extra", "/healthz/x"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, 404, "{path}");
        assert_error(&body, "unsupported_endpoint");
    }
    let resp = app
        .client
        .post(app.url("/nope"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    assert_error(&resp.json().await.unwrap(), "unsupported_endpoint");
}

#[tokio::test]
async fn wrong_method_is_json_405() {
    let app = App::start().await;
    let resp = app
        .client
        .delete(app.url("/v1/usage"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    assert_error(&resp.json().await.unwrap(), "method_not_allowed");
}

#[tokio::test]
async fn healthz_reports_ok() {
    let app = App::start().await;
    assert_eq!(app.get("/healthz").await, (200, json!({ "status": "ok" })));
}

#[tokio::test]
async fn data_survives_reopening_the_store() {
    let app = App::start().await;
    assert_eq!(app.post(&[record("keep", 42)]).await.0, 200);
    let (_, before) = app.get("/v1/usage?request_id=keep").await;
    let (dir, db_path) = app.stop().await;
    assert!(db_path.exists());

    // Reopen the same file (migrations re-run as a no-op) and serve it again.
    let store = switchboard_accounting::open_store(&common::db_url(&db_path))
        .await
        .unwrap();
    let got = store.get("keep").await.unwrap().unwrap();
    assert_eq!(got.record.ts_ms, 42);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(switchboard_accounting::serve(
        listener,
        switchboard_accounting::AppState::new(store.clone()),
        async {
            let _ = rx.await;
        },
    ));
    let client = common::client();
    let after: Value = client
        .get(format!("http://{addr}/v1/usage?request_id=keep"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
    // Redelivery after restart is still a duplicate.
    let resp: Value = client
        .post(format!("http://{addr}/v1/usage"))
        .json(&json!({ "records": [record("keep", 42)] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resp, json!({ "accepted": 0, "duplicates": 1 }));
    let _ = tx.send(());
    server.await.unwrap().unwrap();
    store.close().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_redeliveries_store_one_row() {
    let app = App::start().await;
    let batch: Vec<_> = (0..50u64).map(|i| record(&format!("c{i}"), i)).collect();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = app.client.clone();
        let url = app.url("/v1/usage");
        let body = json!({ "records": batch.clone() });
        tasks.push(tokio::spawn(async move {
            let resp = client.post(url).json(&body).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 200);
            resp.json::<Value>().await.unwrap()
        }));
    }
    let mut accepted = 0;
    let mut duplicates = 0;
    for t in tasks {
        let v = t.await.unwrap();
        accepted += v["accepted"].as_u64().unwrap();
        duplicates += v["duplicates"].as_u64().unwrap();
    }
    assert_eq!(accepted, 50);
    assert_eq!(duplicates, 50 * 7);
    let (_, all) = app.get("/v1/usage?limit=1000").await;
    assert_eq!(ids(&all).len(), 50);
}
