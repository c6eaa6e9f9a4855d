use axum::body::to_bytes;
use axum::http::HeaderValue;
use serde_json::json;

use super::*;
use crate::plan::Reply;

fn base() -> Value {
    json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi there"}]})
}

async fn body_of(response: Response) -> Value {
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn parses_a_minimal_request() {
    let request = parse(&base(), &HeaderMap::new()).unwrap();
    assert_eq!(request.model, "gpt-4o");
    assert!(!request.stream);
    assert!(!request.include_usage);
    assert_eq!(request.plan.input_tokens, 2);
}

#[test]
fn rejects_bad_requests_with_param() {
    let cases = [
        (json!([1]), None),
        (json!({"messages": []}), Some("model")),
        (json!({"model": "m"}), Some("messages")),
        (json!({"model": "m", "messages": []}), Some("messages")),
        (
            json!({"model": "m", "messages": [{"role": "robot", "content": "x"}]}),
            Some("messages.[0].role"),
        ),
        (
            json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "max_tokens": 0}),
            Some("max_tokens"),
        ),
        (
            json!({"model": "m", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}),
            Some("stream"),
        ),
    ];
    for (body, param) in cases {
        let error = parse(&body, &HeaderMap::new()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidRequest, "{body}");
        assert_eq!(error.param.as_deref(), param, "{body}");
    }
}

#[test]
fn max_completion_tokens_wins_over_max_tokens() {
    let mut body = base();
    body["max_tokens"] = json!(100);
    body["max_completion_tokens"] = json!(3);
    let request = parse(&body, &HeaderMap::new()).unwrap();
    assert!(
        matches!(request.plan.reply, Reply::Text { truncated: true, ref words } if words.len() == 3)
    );
}

#[test]
fn tools_answer_only_a_user_turn() {
    let tools =
        json!([{"type": "function", "function": {"name": "get_weather", "parameters": {}}}]);
    let mut body = base();
    body["tools"] = tools.clone();
    assert_eq!(
        parse(&body, &HeaderMap::new()).unwrap().plan.reply,
        Reply::ToolCall {
            name: "get_weather".into()
        }
    );
    body["tool_choice"] = json!("none");
    assert!(matches!(
        parse(&body, &HeaderMap::new()).unwrap().plan.reply,
        Reply::Text { .. }
    ));

    let after_tool = json!({
        "model": "m",
        "tools": tools,
        "messages": [
            {"role": "user", "content": "weather?"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "c", "content": "sunny"}
        ]
    });
    assert!(matches!(
        parse(&after_tool, &HeaderMap::new()).unwrap().plan.reply,
        Reply::Text { .. }
    ));
}

#[test]
fn error_bodies_follow_the_published_shape() {
    let auth = error_body(&ApiError::new(ErrorKind::Authentication, "bad key"));
    assert_eq!(
        auth,
        json!({"error": {"message": "bad key", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}})
    );
    let limited = error_body(&ApiError::new(ErrorKind::RateLimit, "slow down"));
    assert_eq!(limited["error"]["type"], "requests");
    assert_eq!(limited["error"]["code"], "rate_limit_exceeded");
    for kind in [
        ErrorKind::Server,
        ErrorKind::Unavailable,
        ErrorKind::Overloaded,
    ] {
        assert_eq!(
            error_body(&ApiError::new(kind, "x"))["error"]["type"],
            "server_error"
        );
    }
    let invalid = error_body(&ApiError::invalid(Some("model"), "missing"));
    assert_eq!(invalid["error"]["param"], "model");
}

#[test]
fn authorization_checks_the_bearer_key() {
    let config = Config {
        openai_key: Some("sk-test".into()),
        anthropic_key: None,
    };
    let mut headers = HeaderMap::new();
    assert!(OpenAi::authorize(&headers, &config).is_err());
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_static("Bearer nope"),
    );
    assert!(OpenAi::authorize(&headers, &config).is_err());
    headers.insert(
        header::AUTHORIZATION,
        HeaderValue::from_static("Bearer sk-test"),
    );
    assert!(OpenAi::authorize(&headers, &config).is_ok());
    assert!(OpenAi::authorize(&HeaderMap::new(), &Config::default()).is_ok());
}

#[tokio::test]
async fn completion_has_every_published_field() {
    let state = AppState::new(Config::default());
    let request = parse(&base(), &HeaderMap::new()).unwrap();
    let body = body_of(OpenAi::answer(request, &state, false)).await;
    assert!(body["id"].as_str().unwrap().starts_with("chatcmpl-"));
    assert!(body["created"].as_u64().unwrap() > 1_600_000_000);
    let expected = json!({
        "id": body["id"],
        "object": "chat.completion",
        "created": body["created"],
        "model": "gpt-4o",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": "Mock reply from openai model gpt-4o.", "refusal": null},
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": 2, "completion_tokens": 6, "total_tokens": 8,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
        },
        "system_fingerprint": "fp_mock"
    });
    assert_eq!(body, expected);
}

#[tokio::test]
async fn tool_call_completion() {
    let state = AppState::new(Config::default());
    let mut body = base();
    body["tools"] = json!([{"type": "function", "function": {"name": "lookup"}}]);
    let body = body_of(OpenAi::answer(
        parse(&body, &HeaderMap::new()).unwrap(),
        &state,
        false,
    ))
    .await;
    let choice = &body["choices"][0];
    assert_eq!(choice["finish_reason"], "tool_calls");
    assert_eq!(choice["message"]["content"], Value::Null);
    let call = &choice["message"]["tool_calls"][0];
    assert!(call["id"].as_str().unwrap().starts_with("call_"));
    assert_eq!(call["type"], "function");
    assert_eq!(
        call["function"],
        json!({"name": "lookup", "arguments": "{\"mock\":true}"})
    );
    assert_eq!(body["usage"]["completion_tokens"], 5);
}
