//! Fault injection over real HTTP and raw TCP, for both providers.

// Test crate: helpers outside #[test] fns may unwrap/panic like the tests do
// (clippy.toml's allow-*-in-tests only covers #[test] bodies).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::time::{Duration, Instant};

use common::{parse_sse, read_stream, start, Mock};
use mockllm::Config;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn openai_body(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "hi"}]})
}

fn anthropic_body(model: &str) -> Value {
    json!({"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]})
}

async fn openai_error(
    mock: &Mock,
    model: &str,
    fault: Option<&str>,
) -> (u16, Option<String>, Value) {
    let headers: Vec<(&str, &str)> = fault.map(|f| ("x-mock-fault", f)).into_iter().collect();
    let response = mock.openai(&openai_body(model), &headers).await;
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        retry,
        response.json().await.unwrap(),
    )
}

async fn anthropic_error(
    mock: &Mock,
    model: &str,
    fault: Option<&str>,
) -> (u16, Option<String>, Value) {
    let headers: Vec<(&str, &str)> = fault.map(|f| ("x-mock-fault", f)).into_iter().collect();
    let response = mock.anthropic(&anthropic_body(model), &headers).await;
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (
        response.status().as_u16(),
        retry,
        response.json().await.unwrap(),
    )
}

#[tokio::test]
async fn openai_status_faults() {
    let mock = start(Config::default()).await;
    let cases = [
        (
            "fault-429",
            429,
            "requests",
            Value::from("rate_limit_exceeded"),
        ),
        ("fault-500", 500, "server_error", Value::Null),
        ("fault-503", 503, "server_error", Value::Null),
        ("fault-529", 529, "server_error", Value::Null),
    ];
    for (token, status, kind, code) in cases {
        // Once from the model name, once from the header (which wins over a clean model).
        for (model, header) in [
            (format!("gpt-4o-{token}"), None),
            ("gpt-4o".to_owned(), Some(token)),
        ] {
            let (got, retry, body) = openai_error(&mock, &model, header).await;
            assert_eq!(got, status, "{token}");
            assert_eq!(retry.as_deref(), (status == 429).then_some("1"));
            assert_eq!(body["error"]["type"], kind);
            assert_eq!(body["error"]["code"], code);
            assert!(body["error"]["message"].is_string());
            assert!(body["error"].as_object().unwrap().contains_key("param"));
        }
    }
}

#[tokio::test]
async fn anthropic_status_faults() {
    let mock = start(Config::default()).await;
    let cases = [
        ("fault-429", 429, "rate_limit_error"),
        ("fault-500", 500, "api_error"),
        ("fault-503", 503, "overloaded_error"),
        ("fault-529", 529, "overloaded_error"),
    ];
    for (token, status, kind) in cases {
        for (model, header) in [
            (format!("claude-{token}"), None),
            ("claude".to_owned(), Some(token)),
        ] {
            let (got, retry, body) = anthropic_error(&mock, &model, header).await;
            assert_eq!(got, status, "{token}");
            assert_eq!(retry.as_deref(), (status == 429).then_some("1"));
            assert_eq!(body["type"], "error");
            assert_eq!(body["error"]["type"], kind);
            assert!(body["request_id"].as_str().unwrap().starts_with("req_"));
        }
    }
}

#[tokio::test]
async fn header_overrides_the_model() {
    let mock = start(Config::default()).await;
    let response = mock
        .openai(&openai_body("gpt-fault-500"), &[("x-mock-fault", "none")])
        .await;
    assert_eq!(response.status(), 200);
}

/// Sends a raw HTTP/1.1 request and returns what reading the socket gives.
async fn raw_exchange(
    mock: &Mock,
    path: &str,
    extra: &str,
    body: &Value,
) -> std::io::Result<Vec<u8>> {
    let body = body.to_string();
    let mut stream = TcpStream::connect(mock.addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    stream.read_to_end(&mut received).await.map(|_| received)
}

#[tokio::test]
async fn fault_reset_sends_an_rst_without_a_response() {
    let mock = start(Config::default()).await;
    let cases = [
        (
            "/v1/chat/completions",
            "",
            openai_body("gpt-4o-fault-reset"),
        ),
        (
            "/v1/messages",
            "x-api-key: k\r\nanthropic-version: 2023-06-01\r\nx-mock-fault: fault-reset\r\n",
            anthropic_body("claude"),
        ),
    ];
    for (path, extra, body) in cases {
        let error = raw_exchange(&mock, path, extra, &body).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset, "{path}");
    }
    // An HTTP client sees a failed request, not a response.
    assert!(mock
        .client
        .post(mock.url("/v1/chat/completions"))
        .json(&openai_body("gpt-4o-fault-reset"))
        .send()
        .await
        .is_err());
    // The server keeps serving.
    assert_eq!(mock.openai(&openai_body("gpt-4o"), &[]).await.status(), 200);
}

#[tokio::test]
async fn slow_delays_the_headers() {
    let mock = start(Config::default()).await;
    let started = Instant::now();
    let response = mock.openai(&openai_body("gpt-4o-slow-300"), &[]).await;
    assert_eq!(response.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    let started = Instant::now();
    let (status, _, _) = anthropic_error(&mock, "claude", Some("slow-200,fault-500")).await;
    assert_eq!(status, 500);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn openai_midstream_reset() {
    let mock = start(Config::default()).await;
    let mut body = openai_body("gpt-4o-midstream-reset");
    body["stream"] = json!(true);
    let response = mock.openai(&body, &[]).await;
    assert_eq!(response.status(), 200);
    let (text, broken) = read_stream(response).await;
    assert!(broken, "the stream must end in an error");
    let events = parse_sse(&text);
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].json()["choices"][0]["delta"]["content"], "Mock ");
    assert!(!text.contains("[DONE]"));

    // Non-streaming requests ignore the fault.
    body["stream"] = json!(false);
    assert_eq!(mock.openai(&body, &[]).await.status(), 200);
}

#[tokio::test]
async fn anthropic_midstream_reset() {
    let mock = start(Config::default()).await;
    let mut body = anthropic_body("claude");
    body["stream"] = json!(true);
    let response = mock
        .anthropic(&body, &[("x-mock-fault", "midstream-reset")])
        .await;
    assert_eq!(response.status(), 200);
    let (text, broken) = read_stream(response).await;
    assert!(broken, "the stream must end in an error");
    let names: Vec<_> = parse_sse(&text)
        .into_iter()
        .map(|e| e.name.unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta"
        ]
    );
}
