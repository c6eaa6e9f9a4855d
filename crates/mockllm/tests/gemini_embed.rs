//! Gemini embeddings over real HTTP: `:batchEmbedContents` and
//! `:embedContent` bodies, keys, validation, faults and recording.

// Test crate: helpers outside #[test] fns may unwrap/panic like the tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{start_gemini, Mock};
use serde_json::{json, Value};

const KEY: &str = "g-test-key";
const MODEL: &str = "gemini-embedding-001";

/// A server requiring [`KEY`].
async fn keyed() -> Mock {
    start_gemini(KEY).await
}

/// `POST /v1beta/models/<model_and_method>` with `key` (none if empty).
async fn post(
    mock: &Mock,
    model_and_method: &str,
    body: &Value,
    key: &str,
    fault: Option<&str>,
) -> reqwest::Response {
    let mut request = mock.gemini_request(model_and_method, body);
    if !key.is_empty() {
        request = request.header("x-goog-api-key", key);
    }
    if let Some(fault) = fault {
        request = request.header("x-mock-fault", fault);
    }
    request.send().await.unwrap()
}

fn item(text: &str) -> Value {
    json!({"model": format!("models/{MODEL}"), "content": {"parts": [{"text": text}]}})
}

#[tokio::test]
async fn batch_embeddings_in_order_with_dimensions() {
    let mock = keyed().await;
    let mut short = item("two");
    short["outputDimensionality"] = json!(8);
    let body = json!({"requests": [item("one"), short]});
    let response = post(
        &mock,
        &format!("{MODEL}:batchEmbedContents"),
        &body,
        KEY,
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    let embeddings = answer["embeddings"].as_array().unwrap();
    assert_eq!(embeddings.len(), 2);
    let first = embeddings[0]["values"].as_array().unwrap();
    assert_eq!(first.len(), 3072);
    let second = embeddings[1]["values"].as_array().unwrap();
    assert_eq!(second.len(), 8);
    assert_ne!(first[..8], second[..]);
    // No token counts, as in the published response message.
    assert!(answer.get("usageMetadata").is_none());

    let again: Value = post(
        &mock,
        &format!("{MODEL}:batchEmbedContents"),
        &body,
        KEY,
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again, answer, "vectors are a pure function of the text");
}

#[tokio::test]
async fn single_embedding() {
    let mock = keyed().await;
    let body = json!({"content": {"parts": [{"text": "one"}]}, "outputDimensionality": 4});
    let response = post(&mock, &format!("{MODEL}:embedContent"), &body, KEY, None).await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["embedding"]["values"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn keys_as_for_generate_content() {
    let mock = keyed().await;
    let body = json!({"requests": [item("x")]});
    let path = format!("{MODEL}:batchEmbedContents");
    let missing = post(&mock, &path, &body, "", None).await;
    assert_eq!(missing.status(), 403);
    let wrong = post(&mock, &path, &body, "nope", None).await;
    assert_eq!(wrong.status(), 400);
    let error: Value = wrong.json().await.unwrap();
    assert_eq!(error["error"]["details"][0]["reason"], "API_KEY_INVALID");
    let query = mock
        .client
        .post(mock.url(&format!("/v1beta/models/{path}?key={KEY}")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 200);
}

#[tokio::test]
async fn validation_errors_are_google_shaped() {
    let mock = keyed().await;
    let path = format!("{MODEL}:batchEmbedContents");
    let many: Vec<Value> = (0..101).map(|i| item(&i.to_string())).collect();
    let mut other_model = item("x");
    other_model["model"] = json!("models/text-embedding-004");
    for body in [
        json!({"requests": many}),
        json!({"requests": []}),
        json!({"requests": [other_model]}),
        json!({"requests": [item("x")], "dimensions": 8}),
        json!({"input": "x"}),
    ] {
        let response = post(&mock, &path, &body, KEY, None).await;
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["status"], "INVALID_ARGUMENT", "{body}");
    }
}

#[tokio::test]
async fn faults_and_recording() {
    let mock = keyed().await;
    let body = json!({"requests": [item("x")]});
    let limited = post(
        &mock,
        &format!("{MODEL}:batchEmbedContents"),
        &body,
        KEY,
        Some("fault-429"),
    )
    .await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().get("retry-after").is_some());
    let error: Value = limited.json().await.unwrap();
    assert_eq!(error["error"]["status"], "RESOURCE_EXHAUSTED");
    let broken = post(
        &mock,
        "embed-fault-500:batchEmbedContents",
        &json!({"requests": [{"model": "models/embed-fault-500", "content": {"parts": [{"text": "x"}]}}]}),
        KEY,
        None,
    )
    .await;
    assert_eq!(broken.status(), 500);

    let listing = mock.requests().await;
    let entry = &listing["requests"][0];
    assert_eq!(
        entry["path"],
        format!("/v1beta/models/{MODEL}:batchEmbedContents")
    );
    assert_eq!(entry["headers"]["x-goog-api-key"], KEY);
    assert_eq!(entry["body"], body);
    assert_eq!(entry["fault"], "fault-429");
    assert_eq!(listing["requests"][1]["fault"], "fault-500");
}
