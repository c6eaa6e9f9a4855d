use axum::body::to_bytes;
use axum::http::HeaderValue;
use serde_json::json;

use super::*;
use crate::plan::Reply;

fn base() -> Value {
    json!({
        "model": "claude-sonnet-4-5",
        "max_tokens": 1024,
        "system": "be kind",
        "messages": [{"role": "user", "content": "hello mock"}]
    })
}

fn versioned() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
    headers
}

#[test]
fn parses_a_minimal_request() {
    let request = Anthropic::parse(&base(), &versioned()).unwrap();
    assert_eq!(request.model, "claude-sonnet-4-5");
    assert!(!request.stream);
    assert_eq!(request.plan.input_tokens, 4);
}

#[test]
fn requires_the_version_header() {
    let error = Anthropic::parse(&base(), &HeaderMap::new()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidRequest);
    assert!(error.message.contains("anthropic-version"));
}

#[test]
fn rejects_bad_bodies() {
    let bad = [
        json!({"max_tokens": 1, "messages": [{"role": "user", "content": "x"}]}),
        json!({"model": "m", "messages": [{"role": "user", "content": "x"}]}),
        json!({"model": "m", "max_tokens": 0, "messages": [{"role": "user", "content": "x"}]}),
        json!({"model": "m", "max_tokens": 1.5, "messages": [{"role": "user", "content": "x"}]}),
        json!({"model": "m", "max_tokens": 1, "messages": []}),
        json!({"model": "m", "max_tokens": 1, "messages": [{"role": "system", "content": "x"}]}),
        json!({"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": 3}]}),
        json!({"model": "m", "max_tokens": 1, "messages": [{"role": "user", "content": "x"}], "system": 3}),
    ];
    for body in bad {
        let error = parse(&body, &HeaderMap::new()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::InvalidRequest, "{body}");
    }
    let system_role =
        json!({"model": "m", "max_tokens": 1, "messages": [{"role": "system", "content": "x"}]});
    assert!(parse(&system_role, &HeaderMap::new())
        .unwrap_err()
        .message
        .contains("top-level `system`"));
}

#[test]
fn tools_answer_only_a_fresh_user_turn() {
    let mut body = base();
    body["tools"] = json!([{"name": "get_weather", "input_schema": {"type": "object"}}]);
    assert_eq!(
        parse(&body, &HeaderMap::new()).unwrap().plan.reply,
        Reply::ToolCall {
            name: "get_weather".into()
        }
    );

    body["messages"] = json!([
        {"role": "user", "content": "weather?"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "get_weather", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "sunny"}]}
    ]);
    assert!(matches!(
        parse(&body, &HeaderMap::new()).unwrap().plan.reply,
        Reply::Text { .. }
    ));

    body["messages"] = json!([{"role": "user", "content": "again"}]);
    body["tool_choice"] = json!({"type": "none"});
    assert!(matches!(
        parse(&body, &HeaderMap::new()).unwrap().plan.reply,
        Reply::Text { .. }
    ));
}

#[test]
fn authorization_requires_the_key_header() {
    let open = Config::default();
    let locked = Config {
        openai_key: None,
        anthropic_key: Some("sk-ant".into()),
    };
    let mut headers = HeaderMap::new();
    assert!(Anthropic::authorize(&headers, &open).is_err());
    headers.insert("x-api-key", HeaderValue::from_static("whatever"));
    assert!(Anthropic::authorize(&headers, &open).is_ok());
    assert!(Anthropic::authorize(&headers, &locked).is_err());
    headers.insert("x-api-key", HeaderValue::from_static("sk-ant"));
    assert!(Anthropic::authorize(&headers, &locked).is_ok());
}

#[test]
fn error_types_follow_the_status_table() {
    let cases = [
        (ErrorKind::InvalidRequest, 400, "invalid_request_error"),
        (ErrorKind::Authentication, 401, "authentication_error"),
        (ErrorKind::RateLimit, 429, "rate_limit_error"),
        (ErrorKind::Server, 500, "api_error"),
        (ErrorKind::Unavailable, 503, "overloaded_error"),
        (ErrorKind::Overloaded, 529, "overloaded_error"),
    ];
    for (kind, status, name) in cases {
        assert_eq!(kind.status().as_u16(), status);
        let body = error_body(&ApiError::new(kind, "m"), "req_1");
        assert_eq!(
            body,
            json!({"type": "error", "error": {"type": name, "message": "m"}, "request_id": "req_1"})
        );
    }
}

#[tokio::test]
async fn message_has_every_published_field() {
    let state = AppState::new(Config::default());
    let mut request = base();
    request["max_tokens"] = json!(3);
    let response = Anthropic::answer(parse(&request, &HeaderMap::new()).unwrap(), &state, false);
    assert!(response.headers().contains_key("request-id"));
    let bytes = to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(body["id"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(
        body,
        json!({
            "id": body["id"],
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": "Mock reply from"}],
            "stop_reason": "max_tokens",
            "stop_sequence": null,
            "usage": {"input_tokens": 4, "output_tokens": 3, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        })
    );
}
