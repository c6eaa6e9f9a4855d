//! OpenAI client → OpenAI-schema provider: only `model` changes, byte for byte.

// Test code: a failed unwrap or index *is* the assertion. (Clippy's
// allow-*-in-tests settings cover #[test] fns, not helpers beside them.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use switchboard_core::translate::{
    translate_error, translate_request, translate_response, ProviderSchema, TargetModel,
};

const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "gpt-4o-2024-08-06",
    default_max_tokens: 1024,
};

fn request(body: &str) -> Result<String, switchboard_core::error::GatewayError> {
    translate_request(ProviderSchema::Openai, body.as_bytes(), &TARGET)
        .map(|r| String::from_utf8(r.body).unwrap())
}

#[test]
fn only_the_model_value_changes() {
    let body = "{\n  \"model\" : \"fast\",\n  \"messages\": [{\"role\":\"user\",\"content\":\"h\\u00e9\"}],\n  \"temperature\": 1.50,\n  \"x\": {\"model\": \"nested stays\"}\n}\n";
    let out = request(body).unwrap();
    assert_eq!(out, body.replace("\"fast\"", "\"gpt-4o-2024-08-06\""));
}

#[test]
fn any_model_value_type_and_escaped_keys_are_replaced() {
    assert_eq!(
        request(r#"{"mo\u0064el":{"a":[1]},"messages":[]}"#).unwrap(),
        r#"{"mo\u0064el":"gpt-4o-2024-08-06","messages":[]}"#
    );
}

#[test]
fn duplicate_model_keys_are_all_replaced() {
    assert_eq!(
        request(r#"{"model":"a","messages":[],"model":"b"}"#).unwrap(),
        r#"{"model":"gpt-4o-2024-08-06","messages":[],"model":"gpt-4o-2024-08-06"}"#
    );
}

#[test]
fn missing_model_is_inserted() {
    assert_eq!(
        request(r#" {"messages":[]}"#).unwrap(),
        r#" {"model":"gpt-4o-2024-08-06","messages":[]}"#
    );
    assert_eq!(request("{ }").unwrap(), r#"{"model":"gpt-4o-2024-08-06" }"#);
}

#[test]
fn upstream_model_is_escaped() {
    let target = TargetModel {
        upstream_model: "we\"ird\\name",
        default_max_tokens: 0,
    };
    let out = translate_request(ProviderSchema::Openai, br#"{"model":"x"}"#, &target).unwrap();
    let v: Value = serde_json::from_slice(&out.body).unwrap();
    assert_eq!(v["model"], "we\"ird\\name");
}

#[test]
fn malformed_bodies_are_400() {
    for body in [
        "",
        "nope",
        "[1,2]",
        "{\"model\":\"x\"",
        "{\"model\":\"x\"} trailing",
        "\"str\"",
    ] {
        let e = request(body).unwrap_err();
        assert_eq!(e.status, 400, "{body}");
        assert!(
            e.code == "invalid_json" || e.code == "invalid_request",
            "{body}: {}",
            e.code
        );
    }
    let e =
        translate_request(ProviderSchema::Openai, b"{\"model\":\"\xff\"}", &TARGET).unwrap_err();
    assert_eq!(e.code, "invalid_json");
}

#[test]
fn responses_are_never_reserialised() {
    for body in [&b"{\"id\":\"x\"}"[..], b"not even json", b""] {
        assert_eq!(
            translate_response(ProviderSchema::Openai, body, "m").unwrap(),
            None
        );
    }
}

fn error_json(status: u16, body: &[u8]) -> Value {
    let out = translate_error(ProviderSchema::Openai, status, body);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert!(v["error"]["message"].is_string());
    assert!(v["error"]["type"].is_string());
    assert!(v["error"]["code"].is_string());
    v
}

#[test]
fn valid_openai_errors_pass_through_unchanged() {
    let body = br#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#;
    assert_eq!(
        translate_error(ProviderSchema::Openai, 429, body),
        body.to_vec()
    );
}

#[test]
fn a_null_code_is_filled_from_the_status_and_the_rest_kept() {
    // OpenAI's own habit; our clients always get a string code to branch on.
    let body = br#"{"error":{"message":"bad","type":"invalid_request_error","param":"messages","code":null}}"#;
    let v = error_json(400, body);
    assert_eq!(v["error"]["code"], "invalid_request");
    assert_eq!(v["error"]["message"], "bad");
    assert_eq!(v["error"]["param"], "messages");
    assert_eq!(v["error"]["type"], "invalid_request_error");
}

#[test]
fn numeric_codes_are_normalised() {
    let v = error_json(
        400,
        br#"{"error":{"code":400,"message":"Invalid value","status":"INVALID_ARGUMENT"}}"#,
    );
    assert_eq!(v["error"]["message"], "Invalid value");
    assert_eq!(v["error"]["code"], "invalid_request");
    assert_eq!(v["error"]["type"], "invalid_request_error");
    let v = error_json(
        429,
        br#"[{"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}}]"#,
    );
    assert_eq!(v["error"]["type"], "requests");
    assert_eq!(v["error"]["code"], "rate_limit_exceeded");
}

#[test]
fn foreign_shapes_are_wrapped() {
    let v = error_json(500, br#"{"error":"boom"}"#);
    assert_eq!(v["error"]["message"], "boom");
    assert_eq!(v["error"]["code"], "upstream_error");
    let v = error_json(
        400,
        br#"{"object":"error","message":"too long","type":"BadRequestError","code":400}"#,
    );
    assert_eq!(v["error"]["message"], "too long");
    let v = error_json(
        422,
        br#"{"detail":[{"loc":["body"],"msg":"field required"}]}"#,
    );
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("field required"));
    let v = error_json(503, b"<html><body>Service Unavailable</body></html>");
    assert_eq!(v["error"]["code"], "overloaded");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Service Unavailable"));
    let v = error_json(401, b"");
    assert_eq!(v["error"]["code"], "invalid_api_key");
}

#[test]
fn long_messages_are_clipped_even_for_valid_errors() {
    let long = "y".repeat(2_000);
    let body = format!(
        r#"{{"error":{{"message":"{long}","type":"invalid_request_error","param":null,"code":"x"}}}}"#
    );
    let v = error_json(400, body.as_bytes());
    assert!(v["error"]["message"].as_str().unwrap().chars().count() <= 501);
    assert_eq!(v["error"]["code"], "x");
}
