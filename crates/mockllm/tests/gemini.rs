//! Gemini over real HTTP: bodies, SSE framing, JSON-array streams, tools,
//! thought signatures, keys, validation, faults and recording.

// Test crate: helpers outside #[test] fns may unwrap/panic like the tests do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::time::{Duration, Instant};

use common::{read_stream, start, start_gemini, Mock};
use mockllm::Config;
use serde_json::{json, Value};

const KEY: &str = "g-test-key";
const SIGNATURE: &str = "bW9jay10aG91Z2h0LXNpZ25hdHVyZQ==";

/// A server requiring [`KEY`].
async fn keyed() -> Mock {
    start_gemini(KEY).await
}

/// `POST /v1beta/models/<model>:<method>` with the key header; `headers`
/// add to or replace it (an empty `x-goog-api-key` sends none).
async fn gemini(
    mock: &Mock,
    model_and_method: &str,
    body: &Value,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = mock.gemini_request(model_and_method, body);
    if !headers.iter().any(|(n, _)| *n == "x-goog-api-key") {
        request = request.header("x-goog-api-key", KEY);
    }
    for (name, value) in headers {
        // An empty key means "send no key".
        if *name != "x-goog-api-key" || !value.is_empty() {
            request = request.header(*name, *value);
        }
    }
    request.send().await.unwrap()
}

fn ask(text: &str) -> Value {
    json!({
        "systemInstruction": {"parts": [{"text": "You are a test."}]},
        "contents": [{"role": "user", "parts": [{"text": text}]}],
        "generationConfig": {"temperature": 0.5}
    })
}

fn with_tool(mut body: Value) -> Value {
    body["tools"] = json!([{"functionDeclarations": [
        {"name": "get_weather", "parametersJsonSchema": {"type": "object"}}]}]);
    body
}

/// Gemini framing: `data: {json}\r\n\r\n` per event, no `[DONE]`.
fn sse_events(text: &str) -> Vec<Value> {
    assert!(text.ends_with("\r\n\r\n"), "{text:?}");
    text.split_terminator("\r\n\r\n")
        .map(|event| {
            let data = event
                .strip_prefix("data: ")
                .unwrap_or_else(|| panic!("bad event {event:?}"));
            assert!(!data.contains('\n'), "one line per event");
            serde_json::from_str(data).unwrap()
        })
        .collect()
}

fn parts(response: &Value) -> &Vec<Value> {
    response["candidates"][0]["content"]["parts"]
        .as_array()
        .unwrap()
}

#[tokio::test]
async fn generate_content() {
    let mock = keyed().await;
    let response = gemini(
        &mock,
        "gemini-2.5-flash:generateContent",
        &ask("Say hello please"),
        &[],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let id = response.headers()["x-mock-response-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "candidates": [{
                "content": {"parts": [{"text": "Mock reply from gemini model gemini-2.5-flash."}], "role": "model"},
                "finishReason": "STOP",
                "index": 0
            }],
            "usageMetadata": {"promptTokenCount": 7, "candidatesTokenCount": 6, "totalTokenCount": 13},
            "modelVersion": "gemini-2.5-flash",
            "responseId": id
        })
    );
}

#[tokio::test]
async fn max_output_tokens_truncates() {
    let mock = keyed().await;
    let mut body = ask("x");
    body["generationConfig"]["maxOutputTokens"] = json!(2);
    let response = gemini(&mock, "m:generateContent", &body, &[]).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(parts(&body)[0]["text"], "Mock reply");
    assert_eq!(body["candidates"][0]["finishReason"], "MAX_TOKENS");
}

#[tokio::test]
async fn sse_stream_framing_and_usage() {
    let mock = keyed().await;
    let response = gemini(
        &mock,
        "gemini-2.5-flash:streamGenerateContent?alt=sse",
        &ask("hi"),
        &[],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let (text, broken) = read_stream(response).await;
    assert!(!broken);
    assert!(!text.contains("[DONE]"));
    let events = sse_events(&text);
    assert_eq!(events.len(), 6, "one event per word");
    let joined: String = events
        .iter()
        .map(|e| parts(e)[0]["text"].as_str().unwrap())
        .collect();
    assert_eq!(joined, "Mock reply from gemini model gemini-2.5-flash.");
    for (i, event) in events.iter().enumerate() {
        let last = i == events.len() - 1;
        assert_eq!(event["candidates"][0].get("finishReason").is_some(), last);
        assert_eq!(event["usageMetadata"]["candidatesTokenCount"], i + 1);
        assert_eq!(event["usageMetadata"]["promptTokenCount"], 5);
    }
    assert_eq!(events[5]["candidates"][0]["finishReason"], "STOP");
}

#[tokio::test]
async fn streamed_call_and_stop_come_separately() {
    let mock = keyed().await;
    let response = gemini(
        &mock,
        "gemini-3-pro-preview:streamGenerateContent?alt=sse",
        &with_tool(ask("weather?")),
        &[],
    )
    .await;
    let (text, _) = read_stream(response).await;
    let events = sse_events(&text);
    assert_eq!(events.len(), 2);
    let call = &parts(&events[0])[0];
    assert_eq!(
        call["functionCall"],
        json!({"name": "get_weather", "args": {"mock": true}})
    );
    assert_eq!(call["thoughtSignature"], SIGNATURE);
    assert!(events[0]["candidates"][0].get("finishReason").is_none());
    assert_eq!(events[1]["candidates"][0]["finishReason"], "STOP");
    assert_eq!(parts(&events[1])[0], json!({"text": ""}));
}

#[tokio::test]
async fn stream_without_sse_is_a_json_array() {
    let mock = keyed().await;
    let response = gemini(&mock, "m:streamGenerateContent", &ask("hi"), &[]).await;
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    let list = body.as_array().unwrap();
    assert_eq!(list.len(), 6);
    assert_eq!(list[5]["candidates"][0]["finishReason"], "STOP");
}

#[tokio::test]
async fn thinking_models_think_and_sign() {
    let mock = keyed().await;
    let response = gemini(
        &mock,
        "gemini-2.5-thinking:generateContent",
        &ask("hi"),
        &[],
    )
    .await;
    let body: Value = response.json().await.unwrap();
    let parts = parts(&body);
    assert_eq!(parts[0]["thought"], true);
    assert_eq!(parts[1]["thoughtSignature"], SIGNATURE);
    let usage = &body["usageMetadata"];
    assert_eq!(usage["thoughtsTokenCount"], 4);
    assert_eq!(usage["totalTokenCount"], 5 + 6 + 4);
}

#[tokio::test]
async fn tool_round_trip_on_gemini_3() {
    let mock = keyed().await;
    let first = gemini(
        &mock,
        "gemini-3-pro-preview:generateContent",
        &with_tool(ask("weather?")),
        &[],
    )
    .await;
    let first: Value = first.json().await.unwrap();
    let call = parts(&first)[0].clone();
    assert_eq!(call["thoughtSignature"], SIGNATURE);
    let mut history = with_tool(ask("weather?"));
    history["contents"] = json!([
        {"role": "user", "parts": [{"text": "weather?"}]},
        {"role": "model", "parts": [call]},
        {"role": "user", "parts": [{"functionResponse": {"name": "get_weather", "response": {"result": "sunny"}}}]}
    ]);
    let second = gemini(&mock, "gemini-3-pro-preview:generateContent", &history, &[]).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.unwrap();
    assert!(
        parts(&second)[0]["text"].is_string(),
        "answers the results in text"
    );

    // The same history without the signature is refused, as Gemini 3 does.
    history["contents"][1]["parts"][0]
        .as_object_mut()
        .unwrap()
        .remove("thoughtSignature");
    let refused = gemini(&mock, "gemini-3-pro-preview:generateContent", &history, &[]).await;
    assert_eq!(refused.status(), 400);
    let error: Value = refused.json().await.unwrap();
    assert_eq!(error["error"]["status"], "INVALID_ARGUMENT");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("missing a thought_signature"));
}

#[tokio::test]
async fn keys_missing_wrong_and_in_the_query() {
    let mock = keyed().await;
    let missing = gemini(
        &mock,
        "m:generateContent",
        &ask("x"),
        &[("x-goog-api-key", "")],
    )
    .await;
    assert_eq!(missing.status(), 403);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["status"], "PERMISSION_DENIED");

    let wrong = gemini(
        &mock,
        "m:generateContent",
        &ask("x"),
        &[("x-goog-api-key", "nope")],
    )
    .await;
    assert_eq!(wrong.status(), 400);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["error"]["code"], 400);
    assert_eq!(body["error"]["details"][0]["reason"], "API_KEY_INVALID");

    let query = mock
        .client
        .post(mock.url(&format!("/v1beta/models/m:generateContent?key={KEY}")))
        .json(&ask("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 200);

    // Without a configured key, any key is accepted, but one is required.
    let open = start(Config::default()).await;
    assert_eq!(
        gemini(
            &open,
            "m:generateContent",
            &ask("x"),
            &[("x-goog-api-key", "any")]
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        gemini(
            &open,
            "m:generateContent",
            &ask("x"),
            &[("x-goog-api-key", "")]
        )
        .await
        .status(),
        403
    );
}

#[tokio::test]
async fn validation_errors_are_google_shaped() {
    let mock = keyed().await;
    let same_roles = json!({"contents": [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "user", "parts": [{"text": "b"}]}]});
    let model_response = json!({"contents": [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "model", "parts": [{"functionResponse": {"name": "f", "response": {}}}]}]});
    let six_stops = json!({"contents": [{"role": "user", "parts": [{"text": "a"}]}],
        "generationConfig": {"stopSequences": ["1", "2", "3", "4", "5", "6"]}});
    for body in [
        json!({"contents": []}),
        same_roles,
        model_response,
        six_stops,
        json!({"prompt": "x"}),
    ] {
        let response = gemini(&mock, "m:generateContent", &body, &[]).await;
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], 400);
        assert_eq!(error["error"]["status"], "INVALID_ARGUMENT");
        assert!(error["error"]["message"].is_string());
    }
    let not_json = mock
        .client
        .post(mock.url("/v1beta/models/m:generateContent"))
        .header("x-goog-api-key", KEY)
        .body("{oops")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
}

#[tokio::test]
async fn unknown_methods_are_not_found() {
    let mock = keyed().await;
    let response = gemini(&mock, "m:countTokens", &ask("x"), &[]).await;
    assert_eq!(response.status(), 404);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["status"], "NOT_FOUND");
}

#[tokio::test]
async fn faults_from_header_and_model() {
    let mock = keyed().await;
    let cases = [
        (
            "m:generateContent",
            Some("fault-429"),
            429,
            "RESOURCE_EXHAUSTED",
        ),
        ("gemini-fault-500:generateContent", None, 500, "INTERNAL"),
        ("gemini-fault-503:generateContent", None, 503, "UNAVAILABLE"),
        ("m:generateContent", Some("fault-529"), 503, "UNAVAILABLE"),
    ];
    for (path, header, status, name) in cases {
        let headers: Vec<(&str, &str)> = header.map(|h| ("x-mock-fault", h)).into_iter().collect();
        let response = gemini(&mock, path, &ask("x"), &headers).await;
        assert_eq!(response.status(), status, "{path} {header:?}");
        let retry = response.headers().get("retry-after").is_some();
        assert_eq!(retry, status == 429);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["status"], name);
        assert_eq!(error["error"]["code"], status);
    }
    // The header wins over the model name.
    let response = gemini(
        &mock,
        "gemini-fault-500:generateContent",
        &ask("x"),
        &[("x-mock-fault", "")],
    )
    .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn slow_and_midstream_reset() {
    let mock = keyed().await;
    let started = Instant::now();
    let response = gemini(&mock, "gemini-slow-150:generateContent", &ask("x"), &[]).await;
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));

    let response = gemini(
        &mock,
        "gemini-midstream-reset:streamGenerateContent?alt=sse",
        &ask("x"),
        &[],
    )
    .await;
    assert_eq!(response.status(), 200);
    let (text, broken) = read_stream(response).await;
    assert!(broken, "the stream must break");
    let events = sse_events(&text);
    assert_eq!(events.len(), 1);
    assert!(events[0]["candidates"][0].get("finishReason").is_none());
}

#[tokio::test]
async fn requests_are_recorded() {
    let mock = keyed().await;
    gemini(
        &mock,
        "gemini-2.5-flash:streamGenerateContent?alt=sse",
        &ask("x"),
        &[("x-mock-fault", "fault-429")],
    )
    .await;
    let listing = mock.requests().await;
    let entry = &listing["requests"][0];
    assert_eq!(entry["method"], "POST");
    assert_eq!(
        entry["path"],
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    assert_eq!(entry["headers"]["x-goog-api-key"], KEY);
    assert_eq!(entry["body"], ask("x"));
    assert_eq!(entry["fault"], "fault-429");
}
