//! OpenAI Chat Completions over real HTTP: bodies, streams, tools, auth and 400s.

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
        "messages": [
            {"role": "system", "content": "You are a test."},
            {"role": "user", "content": "Say hello please"}
        ]
    })
}

fn keyed() -> Config {
    Config {
        openai_key: Some("sk-openai".into()),
        anthropic_key: None,
    }
}

#[tokio::test]
async fn non_streaming_completion() {
    let mock = start(keyed()).await;
    let response = mock
        .openai(&request("gpt-4o"), &[("authorization", "Bearer sk-openai")])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["system_fingerprint"], "fp_mock");
    let choice = &body["choices"][0];
    assert_eq!(choice["index"], 0);
    assert_eq!(choice["finish_reason"], "stop");
    assert_eq!(choice["logprobs"], Value::Null);
    assert_eq!(
        choice["message"],
        json!({"role": "assistant", "content": "Mock reply from openai model gpt-4o.", "refusal": null})
    );
    assert_eq!(body["usage"]["prompt_tokens"], 7);
    assert_eq!(body["usage"]["completion_tokens"], 6);
    assert_eq!(body["usage"]["total_tokens"], 13);
    assert_eq!(body["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
    assert_eq!(
        body["usage"]["completion_tokens_details"]["reasoning_tokens"],
        0
    );
}

#[tokio::test]
async fn length_finish_when_capped() {
    let mock = start(Config::default()).await;
    let mut body = request("gpt-4o");
    body["max_completion_tokens"] = json!(2);
    let body: Value = mock.openai(&body, &[]).await.json().await.unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "Mock reply");
    assert_eq!(body["choices"][0]["finish_reason"], "length");
    assert_eq!(body["usage"]["completion_tokens"], 2);
}

#[tokio::test]
async fn streaming_without_usage() {
    let mock = start(Config::default()).await;
    let mut body = request("gpt-4o-mini");
    body["stream"] = json!(true);
    let response = mock.openai(&body, &[]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let (text, broken) = read_stream(response).await;
    assert!(!broken);
    let events = parse_sse(&text);
    let (last, chunks) = events.split_last().unwrap();
    assert_eq!(last.data, "[DONE]");
    assert!(events.iter().all(|e| e.name.is_none()));

    let chunks: Vec<Value> = chunks.iter().map(|e| e.json()).collect();
    // role chunk + 6 words + finish chunk
    assert_eq!(chunks.len(), 8);
    let id = &chunks[0]["id"];
    for chunk in &chunks {
        assert_eq!(chunk["object"], "chat.completion.chunk");
        assert_eq!(&chunk["id"], id);
        assert_eq!(chunk["created"], chunks[0]["created"]);
        assert_eq!(chunk["model"], "gpt-4o-mini");
        assert!(
            chunk.get("usage").is_none(),
            "no usage key without include_usage"
        );
        assert_eq!(chunk["choices"][0]["index"], 0);
    }
    assert_eq!(
        chunks[0]["choices"][0]["delta"],
        json!({"role": "assistant", "content": ""})
    );
    let content: String = chunks[1..7]
        .iter()
        .map(|c| c["choices"][0]["delta"]["content"].as_str().unwrap())
        .collect();
    assert_eq!(content, "Mock reply from openai model gpt-4o-mini.");
    assert_eq!(chunks[1]["choices"][0]["delta"]["content"], "Mock ");
    for chunk in &chunks[..7] {
        assert_eq!(chunk["choices"][0]["finish_reason"], Value::Null);
    }
    assert_eq!(chunks[7]["choices"][0]["delta"], json!({}));
    assert_eq!(chunks[7]["choices"][0]["finish_reason"], "stop");
}

#[tokio::test]
async fn streaming_with_include_usage() {
    let mock = start(Config::default()).await;
    let mut body = request("gpt-4o");
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true});
    let (text, _) = read_stream(mock.openai(&body, &[]).await).await;
    let events = parse_sse(&text);
    let (done, rest) = events.split_last().unwrap();
    assert_eq!(done.data, "[DONE]");
    let (usage_chunk, chunks) = rest.split_last().unwrap();
    for chunk in chunks {
        let chunk = chunk.json();
        assert_eq!(chunk["usage"], Value::Null);
        assert!(chunk.as_object().unwrap().contains_key("usage"));
        assert_eq!(chunk["choices"].as_array().unwrap().len(), 1);
    }
    let usage_chunk = usage_chunk.json();
    assert_eq!(usage_chunk["choices"], json!([]));
    assert_eq!(usage_chunk["object"], "chat.completion.chunk");
    assert_eq!(usage_chunk["id"], chunks[0].json()["id"]);
    assert_eq!(usage_chunk["usage"]["prompt_tokens"], 7);
    assert_eq!(usage_chunk["usage"]["completion_tokens"], 6);
    assert_eq!(usage_chunk["usage"]["total_tokens"], 13);
}

fn tool_request() -> Value {
    let mut body = request("gpt-4o");
    body["tools"] = json!([
        {"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}},
        {"type": "function", "function": {"name": "other"}}
    ]);
    body
}

#[tokio::test]
async fn tool_call_non_streaming() {
    let mock = start(Config::default()).await;
    let body: Value = mock
        .openai(&tool_request(), &[])
        .await
        .json()
        .await
        .unwrap();
    let choice = &body["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    assert_eq!(choice["message"]["content"], Value::Null);
    let calls = choice["message"]["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1);
    assert!(calls[0]["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(calls[0]["type"], "function");
    assert_eq!(calls[0]["function"]["name"], "get_weather");
    assert_eq!(calls[0]["function"]["arguments"], "{\"mock\":true}");
    assert_eq!(body["usage"]["completion_tokens"], 5);
}

#[tokio::test]
async fn tool_call_streaming() {
    let mock = start(Config::default()).await;
    let mut body = tool_request();
    body["stream"] = json!(true);
    let (text, _) = read_stream(mock.openai(&body, &[]).await).await;
    let events = parse_sse(&text);
    let chunks: Vec<Value> = events[..events.len() - 1]
        .iter()
        .map(|e| e.json())
        .collect();
    let first = &chunks[0]["choices"][0]["delta"];
    assert_eq!(first["role"], "assistant");
    let call = &first["tool_calls"][0];
    assert_eq!(call["index"], 0);
    assert!(call["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(call["type"], "function");
    assert_eq!(
        call["function"],
        json!({"name": "get_weather", "arguments": ""})
    );
    let (finish, pieces) = chunks[1..].split_last().unwrap();
    let mut arguments = String::new();
    for piece in pieces {
        let entry = &piece["choices"][0]["delta"]["tool_calls"][0];
        assert_eq!(entry["index"], 0);
        assert!(entry.get("id").is_none() && entry["function"].get("name").is_none());
        arguments.push_str(entry["function"]["arguments"].as_str().unwrap());
    }
    assert_eq!(
        serde_json::from_str::<Value>(&arguments).unwrap(),
        json!({"mock": true})
    );
    assert_eq!(finish["choices"][0]["finish_reason"], "tool_calls");
}

#[tokio::test]
async fn tool_result_turn_gets_text() {
    let mock = start(Config::default()).await;
    let mut body = tool_request();
    body["messages"] = json!([
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "sunny all day"}
    ]);
    let body: Value = mock.openai(&body, &[]).await.json().await.unwrap();
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert_eq!(body["usage"]["prompt_tokens"], 4);
}

#[tokio::test]
async fn unauthorized_in_openai_shape() {
    let mock = start(keyed()).await;
    for headers in [vec![], vec![("authorization", "Bearer wrong")]] {
        let response = mock.openai(&request("gpt-4o"), &headers).await;
        assert_eq!(response.status(), 401);
        let body: Value = response.json().await.unwrap();
        let error = &body["error"];
        assert_eq!(error["type"], "invalid_request_error");
        assert_eq!(error["code"], "invalid_api_key");
        assert_eq!(error["param"], Value::Null);
        assert!(error["message"].is_string());
    }
}

#[tokio::test]
async fn bad_requests_in_openai_shape() {
    let mock = start(Config::default()).await;
    let malformed = mock
        .client
        .post(mock.url("/v1/chat/completions"))
        .header("content-type", "application/json")
        .body("{\"model\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["code"], Value::Null);

    let missing = mock.openai(&json!({"model": "gpt-4o"}), &[]).await;
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["param"], "messages");
    assert_eq!(
        body.as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["error"]
    );
}
