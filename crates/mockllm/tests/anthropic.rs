//! Anthropic Messages over real HTTP: bodies, event order, tools, auth and 400s.

// Test crate: helpers outside #[test] fns may unwrap/panic like the tests do
// (clippy.toml's allow-*-in-tests only covers #[test] bodies).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{parse_sse, read_stream, start};
use mockllm::Config;
use serde_json::{json, Value};

fn request(model: &str) -> Value {
    json!({
        "model": model,
        "max_tokens": 256,
        "system": [{"type": "text", "text": "You are a test."}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Say hello please"}]}]
    })
}

fn keyed() -> Config {
    Config {
        openai_key: None,
        anthropic_key: Some("sk-ant-test".into()),
    }
}

#[tokio::test]
async fn non_streaming_message() {
    let mock = start(keyed()).await;
    let response = mock.anthropic(&request("claude-haiku-4-5"), &[]).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["request-id"]
        .to_str()
        .unwrap()
        .starts_with("req_"));
    let body: Value = response.json().await.unwrap();
    assert!(body["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(
        body,
        json!({
            "id": body["id"],
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5",
            "content": [{"type": "text", "text": "Mock reply from anthropic model claude-haiku-4-5."}],
            "stop_reason": "end_turn",
            "stop_sequence": null,
            "usage": {"input_tokens": 7, "output_tokens": 6, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        })
    );
}

fn names(events: &[common::Event]) -> Vec<&str> {
    events.iter().map(|e| e.name.as_deref().unwrap()).collect()
}

#[tokio::test]
async fn streaming_event_order_and_fields() {
    let mock = start(Config::default()).await;
    let mut body = request("claude-haiku-4-5");
    body["stream"] = json!(true);
    body["max_tokens"] = json!(4);
    let response = mock.anthropic(&body, &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let (text, broken) = read_stream(response).await;
    assert!(!broken);
    let events = parse_sse(&text);
    assert_eq!(
        names(&events),
        [
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop"
        ]
    );
    for event in &events {
        assert_eq!(
            event.json()["type"],
            event.name.as_deref().unwrap(),
            "type field matches event name"
        );
    }
    let start = events[0].json();
    let message = &start["message"];
    assert!(message["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(message["type"], "message");
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["model"], "claude-haiku-4-5");
    assert_eq!(message["content"], json!([]));
    assert_eq!(message["stop_reason"], Value::Null);
    assert_eq!(message["stop_sequence"], Value::Null);
    assert_eq!(
        message["usage"],
        json!({"input_tokens": 7, "output_tokens": 1, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0})
    );
    assert_eq!(
        events[1].json(),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})
    );
    let text: String = events[3..7]
        .iter()
        .map(|e| {
            let delta = e.json();
            assert_eq!(delta["index"], 0);
            assert_eq!(delta["delta"]["type"], "text_delta");
            delta["delta"]["text"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(text, "Mock reply from anthropic");
    assert_eq!(
        events[7].json(),
        json!({"type": "content_block_stop", "index": 0})
    );
    assert_eq!(
        events[8].json(),
        json!({"type": "message_delta", "delta": {"stop_reason": "max_tokens", "stop_sequence": null}, "usage": {"output_tokens": 4}})
    );
    assert_eq!(events[9].json(), json!({"type": "message_stop"}));
}

fn tool_request() -> Value {
    let mut body = request("claude-sonnet-4-5");
    body["tools"] =
        json!([{"name": "get_weather", "description": "d", "input_schema": {"type": "object"}}]);
    body
}

#[tokio::test]
async fn tool_use_non_streaming() {
    let mock = start(Config::default()).await;
    let body: Value = mock
        .anthropic(&tool_request(), &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["stop_reason"], "tool_use");
    let content = body["content"].as_array().unwrap();
    assert_eq!(content.len(), 1);
    assert_eq!(content[0]["type"], "tool_use");
    assert!(content[0]["id"].as_str().unwrap().starts_with("toolu_"));
    assert_eq!(content[0]["name"], "get_weather");
    assert_eq!(content[0]["input"], json!({"mock": true}));
    assert_eq!(body["usage"]["output_tokens"], 5);
}

#[tokio::test]
async fn tool_use_streaming() {
    let mock = start(Config::default()).await;
    let mut body = tool_request();
    body["stream"] = json!(true);
    let (text, _) = read_stream(mock.anthropic(&body, &[]).await).await;
    let events = parse_sse(&text);
    let block = events[1].json();
    assert_eq!(block["content_block"]["type"], "tool_use");
    assert!(block["content_block"]["id"]
        .as_str()
        .unwrap()
        .starts_with("toolu_"));
    assert_eq!(block["content_block"]["name"], "get_weather");
    assert_eq!(block["content_block"]["input"], json!({}));
    let partial: String = events
        .iter()
        .filter(|e| e.name.as_deref() == Some("content_block_delta"))
        .map(|e| {
            let delta = e.json();
            assert_eq!(delta["delta"]["type"], "input_json_delta");
            delta["delta"]["partial_json"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&partial).unwrap(),
        json!({"mock": true})
    );
    let delta = events
        .iter()
        .find(|e| e.name.as_deref() == Some("message_delta"))
        .unwrap()
        .json();
    assert_eq!(delta["delta"]["stop_reason"], "tool_use");
    assert_eq!(delta["usage"]["output_tokens"], 5);
    assert_eq!(names(&events).last(), Some(&"message_stop"));
}

#[tokio::test]
async fn tool_result_turn_gets_text() {
    let mock = start(Config::default()).await;
    let mut body = tool_request();
    body["messages"] = json!([
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny all day"}]}
    ]);
    let body: Value = mock.anthropic(&body, &[]).await.json().await.unwrap();
    assert_eq!(body["stop_reason"], "end_turn");
    assert_eq!(body["usage"]["input_tokens"], 4 + 1 + 3);
}

#[tokio::test]
async fn unauthorized_in_anthropic_shape() {
    let mock = start(keyed()).await;
    let wrong = mock
        .anthropic(&request("claude"), &[("x-api-key", "wrong")])
        .await;
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "authentication_error");
    assert!(body["error"]["message"].is_string());
    assert!(body["request_id"].as_str().unwrap().starts_with("req_"));

    let missing = mock
        .client
        .post(mock.url("/v1/messages"))
        .header("anthropic-version", "2023-06-01")
        .json(&request("claude"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 401);
}

#[tokio::test]
async fn bad_requests_in_anthropic_shape() {
    let mock = start(Config::default()).await;
    let malformed = mock
        .client
        .post(mock.url("/v1/messages"))
        .header("x-api-key", "k")
        .header("anthropic-version", "2023-06-01")
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["type"], "error");
    assert_eq!(body["error"]["type"], "invalid_request_error");

    let mut system_role = request("claude");
    system_role["messages"] =
        json!([{"role": "system", "content": "x"}, {"role": "user", "content": "y"}]);
    let mut no_max = request("claude");
    no_max.as_object_mut().unwrap().remove("max_tokens");
    for body in [system_role, no_max] {
        let response = mock.anthropic(&body, &[]).await;
        assert_eq!(response.status(), 400);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["type"], "invalid_request_error");
    }

    let no_version = mock
        .client
        .post(mock.url("/v1/messages"))
        .header("x-api-key", "k")
        .json(&request("claude"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_version.status(), 400);
}
