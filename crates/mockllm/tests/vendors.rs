//! `--vendor` mocks over real HTTP: each answers in its vendor's published
//! shape, on its vendor's path.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::{parse_sse, start_with};
use mockllm::{AppState, Config, MockVendor};
use serde_json::{json, Value};

async fn start(vendor: MockVendor) -> String {
    let state = AppState::new(Config::default()).with_vendor(Some(vendor));
    start_with(state).await.url("")
}

async fn post(url: &str, body: Value) -> (u16, String) {
    let r = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn hello(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "hi there"}]})
}

#[tokio::test]
async fn mistral_finishes_puts_usage_last_and_refuses_extras() {
    let base = start(MockVendor::Mistral).await;
    let url = format!("{base}/v1/chat/completions");
    let (status, body) = post(&url, hello("mistral-small-model-length")).await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["choices"][0]["finish_reason"], "model_length");
    assert_eq!(answer["usage"]["prompt_tokens"], 2);

    let mut stream = hello("mistral-small");
    stream["stream"] = json!(true);
    let (status, body) = post(&url, stream.clone()).await;
    assert_eq!(status, 200);
    let events = parse_sse(&body);
    let last = events[events.len() - 2].json();
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    assert_eq!(last["usage"]["prompt_tokens"], 2);
    assert!(events[..events.len() - 2]
        .iter()
        .all(|e| e.json().get("usage").is_none()));

    stream["stream_options"] = json!({"include_usage": true});
    let (status, body) = post(&url, stream).await;
    assert_eq!(status, 422);
    let error: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(error["object"], "error");
    assert_eq!(error["message"]["detail"][0]["type"], "extra_forbidden");

    let mut tools = hello("mistral-small");
    tools["tools"] = json!([{"type": "function", "function": {"name": "w", "parameters": {}}}]);
    let (_, body) = post(&url, tools).await;
    let id = serde_json::from_str::<Value>(&body).unwrap()["choices"][0]["message"]["tool_calls"]
        [0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        id.len() == 9 && id.chars().all(|c| c.is_ascii_alphanumeric()),
        "{id}"
    );
}

#[tokio::test]
async fn groq_deepseek_and_zhipu_answer_in_their_shapes() {
    let groq = start(MockVendor::Groq).await;
    let (status, body) = post(
        &format!("{groq}/openai/v1/chat/completions"),
        hello("llama"),
    )
    .await;
    assert_eq!(status, 200);
    let answer: Value = serde_json::from_str(&body).unwrap();
    assert!(answer["x_groq"]["id"].is_string() && answer["usage"]["queue_time"].is_number());
    let mut refused = hello("llama");
    refused["logprobs"] = json!(true);
    let (status, body) = post(&format!("{groq}/openai/v1/chat/completions"), refused).await;
    assert_eq!(status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["error"]["param"],
        "logprobs"
    );

    let deepseek = start(MockVendor::Deepseek).await;
    let mut body = hello("deepseek-reasoner");
    body["messages"] =
        json!([{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi there"}]);
    let (_, text) = post(&format!("{deepseek}/v1/chat/completions"), body).await;
    let answer: Value = serde_json::from_str(&text).unwrap();
    let usage = &answer["usage"];
    assert_eq!(
        (
            usage["prompt_cache_hit_tokens"].as_u64(),
            usage["prompt_cache_miss_tokens"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert!(usage.get("prompt_tokens_details").is_none());
    assert!(answer["choices"][0]["message"]["reasoning_content"].is_string());
    assert!(usage["completion_tokens_details"]["reasoning_tokens"].as_u64() > Some(0));

    let zhipu = start(MockVendor::Zhipu).await;
    let mut tools = hello("glm-4.6");
    tools["tools"] = json!([{"type": "function", "function": {"name": "w", "parameters": {}}}]);
    let (_, text) = post(&format!("{zhipu}/api/paas/v4/chat/completions"), tools).await;
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        answer["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"],
        json!({"mock": true})
    );
    assert!(answer["request_id"].is_string());
}
