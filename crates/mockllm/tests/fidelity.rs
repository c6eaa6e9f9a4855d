//! The answer features the fidelity matrix needs, over real HTTP, in each
//! provider's published shape: reasoning (Anthropic `thinking` blocks with
//! `thinking_delta` + `signature_delta`, Bedrock `reasoningContent`, Gemini
//! thought parts and `thoughtsTokenCount`, OpenAI `reasoning_tokens`), cache
//! reads (`cached-<n>`), parallel calls (`parallel-tools`), stop sequences.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bedrock_support;
mod common;

use common::{parse_sse, read_stream, start};
use mockllm::{BedrockAuth, Config};
use serde_json::{json, Value};

const SIGNATURE: &str = "bW9jay10aGlua2luZy1zaWduYXR1cmU=";
const THOUGHT: &str = "Thinking about the request.";

fn anthropic_request() -> Value {
    json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 4096,
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "messages": [{"role": "user", "content": "one two three four"}]
    })
}

#[tokio::test]
async fn anthropic_thinking_block_cache_reads_and_stop_sequence() {
    let mock = start(Config::default()).await;
    let mut body = anthropic_request();
    body["stop_sequences"] = json!([" model"]);
    let answer: Value = mock
        .anthropic(&body, &[("x-mock-scenario", "cached-3")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["content"],
        json!([
            {"type": "thinking", "thinking": THOUGHT, "signature": SIGNATURE},
            {"type": "text", "text": "Mock reply from anthropic"}
        ])
    );
    assert_eq!(answer["stop_reason"], "stop_sequence");
    assert_eq!(answer["stop_sequence"], " model");
    assert_eq!(
        answer["usage"],
        json!({"input_tokens": 1, "output_tokens": 8, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 3})
    );
}

#[tokio::test]
async fn anthropic_streams_thinking_then_parallel_tool_uses() {
    let mock = start(Config::default()).await;
    let mut body = anthropic_request();
    body["stream"] = json!(true);
    body["tools"] = json!([
        {"name": "a", "input_schema": {"type": "object"}},
        {"name": "b", "input_schema": {"type": "object"}}
    ]);
    let response = mock
        .anthropic(&body, &[("x-mock-scenario", "parallel-tools")])
        .await;
    let (text, broken) = read_stream(response).await;
    assert!(!broken);
    let events: Vec<Value> = parse_sse(&text).iter().map(common::Event::json).collect();
    let starts: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "content_block_start")
        .map(|e| &e["content_block"])
        .collect();
    assert_eq!(
        starts[0],
        &json!({"type": "thinking", "thinking": "", "signature": ""})
    );
    assert_eq!(starts[1]["name"], "a");
    assert_eq!(starts[2]["name"], "b");
    assert_ne!(starts[1]["id"], starts[2]["id"]);
    let thinking: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "content_block_delta" && e["index"] == 0)
        .map(|e| &e["delta"])
        .collect();
    assert_eq!(
        thinking,
        [
            &json!({"type": "thinking_delta", "thinking": THOUGHT}),
            &json!({"type": "signature_delta", "signature": SIGNATURE})
        ]
    );
    let stop = events
        .iter()
        .find(|e| e["type"] == "message_delta")
        .unwrap();
    assert_eq!(stop["delta"]["stop_reason"], "tool_use");
    assert_eq!(stop["usage"]["output_tokens"], 2 * 5 + 4);
}

#[tokio::test]
async fn anthropic_refuses_an_unsigned_tool_turn_with_thinking() {
    let mock = start(Config::default()).await;
    let mut body = anthropic_request();
    body["messages"] = json!([
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "a", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "sun"}]}
    ]);
    let response = mock.anthropic(&body, &[]).await;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("must start with a thinking block"));
}

#[tokio::test]
async fn openai_reports_reasoning_and_cached_tokens() {
    let mock = start(Config::default()).await;
    let body = json!({
        "model": "o4-mini",
        "reasoning_effort": "low",
        "messages": [{"role": "user", "content": "one two three"}]
    });
    let answer: Value = mock
        .openai(&body, &[("x-mock-scenario", "cached-2")])
        .await
        .json()
        .await
        .unwrap();
    let usage = &answer["usage"];
    assert_eq!(usage["prompt_tokens"], 3);
    assert_eq!(usage["prompt_tokens_details"]["cached_tokens"], 2);
    assert_eq!(usage["completion_tokens"], 6 + 4);
    assert_eq!(usage["completion_tokens_details"]["reasoning_tokens"], 4);
    assert!(answer["choices"][0]["message"]
        .get("reasoning_content")
        .is_none());
}

#[tokio::test]
async fn openai_parallel_calls_are_indexed() {
    let mock = start(Config::default()).await;
    let body = json!({
        "model": "gpt-4o",
        "stream": true,
        "tools": [
            {"type": "function", "function": {"name": "a"}},
            {"type": "function", "function": {"name": "b"}}
        ],
        "messages": [{"role": "user", "content": "go"}]
    });
    let (text, _) = read_stream(
        mock.openai(&body, &[("x-mock-scenario", "parallel-tools")])
            .await,
    )
    .await;
    let firsts: Vec<(u64, String)> = parse_sse(&text)
        .iter()
        .filter(|e| e.data != "[DONE]")
        .flat_map(|e| {
            let chunk = e.json();
            chunk["choices"][0]["delta"]["tool_calls"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|call| call.get("id").is_some())
        .map(|call| {
            (
                call["index"].as_u64().unwrap(),
                call["function"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(firsts, [(0, "a".to_owned()), (1, "b".to_owned())]);
}

#[tokio::test]
async fn gemini_thoughts_when_asked_and_cached_content() {
    let mock = start(Config::default()).await;
    let body = json!({
        "contents": [{"role": "user", "parts": [{"text": "one two three"}]}],
        "generationConfig": {"thinkingConfig": {"includeThoughts": true, "thinkingBudget": 1024}}
    });
    let response = mock
        .client
        .post(mock.url("/v1beta/models/gemini-2.5-flash:generateContent"))
        .header("x-goog-api-key", "k")
        .header("x-mock-scenario", "cached-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    let answer: Value = response.json().await.unwrap();
    let parts = &answer["candidates"][0]["content"]["parts"];
    assert_eq!(parts[0], json!({"text": THOUGHT, "thought": true}));
    assert_eq!(
        answer["usageMetadata"],
        json!({
            "promptTokenCount": 3,
            "cachedContentTokenCount": 1,
            "candidatesTokenCount": 6,
            "thoughtsTokenCount": 4,
            "totalTokenCount": 13
        })
    );
}

#[tokio::test]
async fn bedrock_reasoning_block_and_cache_reads() {
    let mock = bedrock_support::start(BedrockAuth::default()).await;
    let mut body = bedrock_support::body("one two three");
    body["additionalModelRequestFields"] =
        json!({"thinking": {"type": "enabled", "budget_tokens": 1024}});
    body["inferenceConfig"] = json!({"maxTokens": 4096});
    let headers = [("authorization", "x"), ("x-mock-scenario", "cached-2")];
    let answer: Value = mock
        .post(&bedrock_support::converse_path(false), &body, &headers)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["output"]["message"]["content"][0],
        json!({"reasoningContent": {"reasoningText": {"text": THOUGHT, "signature": SIGNATURE}}})
    );
    let usage = &answer["usage"];
    assert_eq!(usage["inputTokens"], 5 - 2);
    assert_eq!(usage["cacheReadInputTokens"], 2);
    assert_eq!(usage["outputTokens"], 6 + 4);

    let response = mock
        .post(&bedrock_support::converse_path(true), &body, &headers)
        .await;
    let bytes = response.bytes().await.unwrap();
    let deltas: Vec<Value> = bedrock_support::frames(&bytes)
        .into_iter()
        .filter(|(kind, p)| kind == "contentBlockDelta" && p["contentBlockIndex"] == 0)
        .map(|(_, p)| p["delta"].clone())
        .collect();
    assert_eq!(
        deltas,
        [
            json!({"reasoningContent": {"text": THOUGHT}}),
            json!({"reasoningContent": {"signature": SIGNATURE}})
        ]
    );
}

#[tokio::test]
async fn content_filter_reasons_are_the_providers_own() {
    let mock = start(Config::default()).await;
    let scenario = [("x-mock-scenario", "content-filter")];
    let mut body = anthropic_request();
    body.as_object_mut().unwrap().remove("thinking");
    let answer: Value = mock.anthropic(&body, &scenario).await.json().await.unwrap();
    assert_eq!(answer["stop_reason"], "refusal");
    let chat = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]});
    let answer: Value = mock.openai(&chat, &scenario).await.json().await.unwrap();
    assert_eq!(answer["choices"][0]["finish_reason"], "content_filter");
}
