use axum::http::Uri;
use serde_json::json;

use super::request::parse;
use super::*;
use crate::plan::Reply;

fn uri(text: &str) -> Uri {
    text.parse().unwrap()
}

fn call(model: &str) -> Call {
    Call {
        model: model.to_owned(),
        method: Method::Generate,
    }
}

fn base() -> Value {
    json!({
        "systemInstruction": {"parts": [{"text": "be kind"}]},
        "contents": [{"role": "user", "parts": [{"text": "hello mock"}]}]
    })
}

fn rejected(model: &str, body: &Value) -> String {
    let error = parse(call(model), body, &HeaderMap::new()).unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidRequest, "{body}");
    error.message
}

#[test]
fn calls_from_paths() {
    let generate = Call::from_uri(&uri("/v1beta/models/gemini-2.5-flash:generateContent")).unwrap();
    assert_eq!(generate, call("gemini-2.5-flash"));
    let sse = Call::from_uri(&uri("/v1beta/models/m:streamGenerateContent?alt=sse&key=k")).unwrap();
    assert_eq!(sse.method, Method::StreamSse);
    let array = Call::from_uri(&uri("/v1beta/models/m:streamGenerateContent")).unwrap();
    assert_eq!(array.method, Method::StreamJson);
    let encoded = Call::from_uri(&uri("/v1beta/models/a%3Ab-fault-500:generateContent")).unwrap();
    assert_eq!(encoded.model, "a:b-fault-500");
    for bad in [
        "/v1beta/models/m:countTokens",
        "/v1beta/models/m",
        "/v1beta/models/:generateContent",
        "/v1beta/models/a/b:generateContent",
        "/v1/models/m:generateContent",
    ] {
        assert_eq!(Call::from_uri(&uri(bad)), None, "{bad}");
    }
}

#[test]
fn keys_from_header_or_query() {
    let mut headers = HeaderMap::new();
    assert_eq!(
        presented_key(&uri("/x?key=q%2B1"), &headers).as_deref(),
        Some("q+1")
    );
    headers.insert("x-goog-api-key", "h".parse().unwrap());
    assert_eq!(
        presented_key(&uri("/x?key=q"), &headers).as_deref(),
        Some("h")
    );
    assert!(check_key(None, None).is_err());
    assert!(check_key(Some("a"), None).is_ok());
    assert!(check_key(Some("a"), Some("b")).is_err());
}

#[test]
fn parses_a_minimal_request() {
    let request = parse(call("gemini-2.5-flash"), &base(), &HeaderMap::new()).unwrap();
    assert_eq!(request.model, "gemini-2.5-flash");
    assert_eq!(request.plan.input_tokens, 4);
    assert!(!request.thinking && !request.gemini3);
    assert!(matches!(request.plan.reply, Reply::Text { .. }));
}

#[test]
fn snake_case_fields_are_accepted() {
    let body = json!({
        "system_instruction": {"parts": [{"text": "x"}]},
        "contents": [{"parts": [{"text": "a b"}]}],
        "generation_config": {"max_output_tokens": 2, "stop_sequences": ["z"]}
    });
    let request = parse(call("m"), &body, &HeaderMap::new()).unwrap();
    assert!(matches!(
        request.plan.reply,
        Reply::Text {
            truncated: true,
            ..
        }
    ));
}

#[test]
fn rejects_bad_shapes() {
    let user = |parts: Value| json!({"role": "user", "parts": parts});
    let bad = [
        json!([]),
        json!({"contents": []}),
        json!({"contents": "x"}),
        json!({"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}),
        json!({"contents": [user(json!([]))]}),
        json!({"contents": [user(json!([{}]))]}),
        json!({"contents": [user(json!([{"text": "a", "inlineData": {}}]))]}),
        json!({"contents": [user(json!([{"text": 3}]))]}),
        json!({"contents": [user(json!([{"txt": "a"}]))]}),
        json!({"contents": [user(json!([{"text": "a"}]))], "temperature": 1}),
        json!({"contents": [user(json!([{"text": "a"}]))], "generationConfig": {"max_tokens": 3}}),
        json!({"contents": [user(json!([{"text": "a"}]))], "generationConfig": {"maxOutputTokens": 0}}),
        json!({"contents": [user(json!([{"text": "a"}]))],
            "generationConfig": {"thinkingConfig": {"thinkingBudget": 1, "thinkingLevel": "low"}}}),
        json!({"contents": [user(json!([{"text": "a"}]))],
            "generationConfig": {"responseSchema": {}, "responseJsonSchema": {}}}),
        json!({"contents": [user(json!([{"text": "a"}]))],
            "systemInstruction": {"parts": [{"inlineData": {}}]}}),
        json!({"contents": [user(json!([{"text": "a", "thoughtSignature": "not base64!"}]))]}),
    ];
    for body in bad {
        rejected("m", &body);
    }
}

#[test]
fn roles_must_alternate() {
    let body = json!({"contents": [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "user", "parts": [{"text": "b"}]}]});
    assert!(rejected("m", &body).contains("alternate"));
}

#[test]
fn function_parts_belong_to_their_roles() {
    let response_in_model = json!({"contents": [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "model", "parts": [{"functionResponse": {"name": "f", "response": {}}}]}]});
    assert!(rejected("m", &response_in_model).contains("user turn"));
    let call_in_user = json!({"contents": [
        {"role": "user", "parts": [{"functionCall": {"name": "f", "args": {}}}]}]});
    assert!(rejected("m", &call_in_user).contains("model turns"));
    let unnamed = json!({"contents": [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "model", "parts": [{"functionCall": {"name": "f"}}]},
        {"role": "user", "parts": [{"functionResponse": {"response": {}}}]}]});
    assert!(rejected("m", &unnamed).contains("Name cannot be empty"));
    let not_object = json!({"contents": [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "model", "parts": [{"functionCall": {"name": "f"}}]},
        {"role": "user", "parts": [{"functionResponse": {"name": "f", "response": "ok"}}]}]});
    assert!(rejected("m", &not_object).contains("JSON object"));
}

fn history(signature: Option<&str>) -> Value {
    let mut first = json!({"functionCall": {"name": "f", "args": {}}});
    if let Some(sig) = signature {
        first["thoughtSignature"] = json!(sig);
    }
    json!({"contents": [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "model", "parts": [first, {"functionCall": {"name": "g", "args": {}}}]},
        {"role": "user", "parts": [
            {"functionResponse": {"name": "f", "response": {"result": "one two"}}},
            {"functionResponse": {"name": "g", "response": {"result": "three"}}}]}]})
}

#[test]
fn gemini_3_requires_the_first_signature_of_each_step() {
    let message = rejected("gemini-3-pro-preview", &history(None));
    assert!(message.starts_with("Function call is missing a thought_signature"));
    assert!(message.contains("default_api:f"));
    // Parallel calls after the first need none; the documented escape value works.
    for sig in ["c2ln", "skip_thought_signature_validator"] {
        let request = parse(
            call("gemini-3-pro-preview"),
            &history(Some(sig)),
            &HeaderMap::new(),
        )
        .unwrap();
        assert_eq!(request.plan.input_tokens, 1 + 3);
    }
    // Older models do not check.
    assert!(parse(call("gemini-2.5-flash"), &history(None), &HeaderMap::new()).is_ok());
}

#[test]
fn at_most_five_stop_sequences() {
    let mut body = base();
    body["generationConfig"] = json!({"stopSequences": ["a", "b", "c", "d", "e"]});
    assert!(parse(call("m"), &body, &HeaderMap::new()).is_ok());
    body["generationConfig"] = json!({"stopSequences": ["a", "b", "c", "d", "e", "f"]});
    assert!(rejected("m", &body).contains("range 1 to 6 exclusive"));
}

fn with_tools(mut body: Value, config: Option<Value>) -> Value {
    body["tools"] = json!([{"functionDeclarations": [
        {"name": "get_weather", "parametersJsonSchema": {"type": "object"}},
        {"name": "ns.lookup:v1"}]}]);
    if let Some(config) = config {
        body["toolConfig"] = json!({"functionCallingConfig": config});
    }
    body
}

fn tool_of(body: &Value) -> Option<String> {
    match parse(call("m"), body, &HeaderMap::new())
        .unwrap()
        .plan
        .reply
    {
        Reply::ToolCall { name } => Some(name),
        Reply::Text { .. } => None,
    }
}

#[test]
fn tools_decide_the_reply() {
    assert_eq!(
        tool_of(&with_tools(base(), None)).as_deref(),
        Some("get_weather")
    );
    let named = with_tools(
        base(),
        Some(json!({"mode": "ANY", "allowedFunctionNames": ["ns.lookup:v1"]})),
    );
    assert_eq!(tool_of(&named).as_deref(), Some("ns.lookup:v1"));
    assert_eq!(
        tool_of(&with_tools(base(), Some(json!({"mode": "NONE"})))),
        None
    );
    assert_eq!(tool_of(&with_tools(history(None), None)), None);
    let bad = [
        with_tools(base(), Some(json!({"mode": "auto"}))),
        with_tools(
            base(),
            Some(json!({"mode": "AUTO", "allowedFunctionNames": ["get_weather"]})),
        ),
        with_tools(
            base(),
            Some(json!({"mode": "ANY", "allowedFunctionNames": ["nope"]})),
        ),
    ];
    for body in bad {
        rejected("m", &body);
    }
    let mut bad_name = base();
    bad_name["tools"] = json!([{"functionDeclarations": [{"name": "has space"}]}]);
    rejected("m", &bad_name);
    let mut both = base();
    both["tools"] = json!([{"functionDeclarations": [
        {"name": "f", "parameters": {}, "parametersJsonSchema": {}}]}]);
    rejected("m", &both);
}

#[test]
fn error_statuses() {
    let cases = [
        (ApiError::invalid(None, "x"), 400, "INVALID_ARGUMENT"),
        (
            ApiError::new(ErrorKind::Authentication, MISSING_KEY),
            403,
            "PERMISSION_DENIED",
        ),
        (
            ApiError::new(ErrorKind::Authentication, INVALID_KEY),
            400,
            "INVALID_ARGUMENT",
        ),
        (
            ApiError::new(ErrorKind::RateLimit, "x"),
            429,
            "RESOURCE_EXHAUSTED",
        ),
        (ApiError::new(ErrorKind::Server, "x"), 500, "INTERNAL"),
        (
            ApiError::new(ErrorKind::Unavailable, "x"),
            503,
            "UNAVAILABLE",
        ),
        (
            ApiError::new(ErrorKind::Overloaded, "x"),
            503,
            "UNAVAILABLE",
        ),
    ];
    for (error, status, name) in cases {
        let (code, body) = error_body(&error);
        assert_eq!(code.as_u16(), status);
        assert_eq!(body["error"]["code"], status);
        assert_eq!(body["error"]["status"], name);
    }
    let (_, bad_key) = error_body(&ApiError::new(ErrorKind::Authentication, INVALID_KEY));
    assert_eq!(bad_key["error"]["details"][0]["reason"], "API_KEY_INVALID");
}
