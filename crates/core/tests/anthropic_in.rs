//! Golden tests for Anthropic-format clients (`translate::anthropic_in`).
//!
//! Every `tests/fixtures/anthropic_in/<kind>.<case>.in.{json,txt}` is fed to
//! the translator and compared, as parsed JSON, with its sibling:
//! - `request.<case>.out.json`: the OpenAI chat request (plus `model` and
//!   `stream` of the result under `"_inbound"`);
//! - `response.<case>.out.json`: the Anthropic Message (client model `m-client`);
//! - `request|response.<case>.err.json`: the expected `GatewayError` as
//!   `{"status","code","param"}`;
//! - `error.<status>.<case>.out.json`: the Anthropic error body.
//!
//! Set `ANTHROPIC_IN_BLESS=1` to write missing expectations (then review them).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use switchboard_core::error::GatewayError;
use switchboard_core::translate::anthropic_in::{
    error_from_openai, gateway_error_body, request_to_openai, response_from_openai,
};

const CLIENT_MODEL: &str = "m-client";

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/anthropic_in")
}

fn read_json(path: &Path) -> Option<Value> {
    let text = fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn error_json(e: &GatewayError) -> Value {
    json!({"status": e.status, "code": e.code, "param": e.param})
}

/// What a case produced: `Ok(body)` or `Err(error as JSON)`.
fn run(kind: &str, status: Option<u16>, input: &[u8]) -> Result<Value, Value> {
    let parse = |b: &[u8]| serde_json::from_slice::<Value>(b).expect("output is JSON");
    match kind {
        "request" => match request_to_openai(input) {
            Ok(r) => {
                let mut body = parse(&r.openai_body);
                body["_inbound"] = json!({"model": r.model, "stream": r.stream});
                Ok(body)
            }
            Err(e) => Err(error_json(&e)),
        },
        "response" => response_from_openai(input, CLIENT_MODEL)
            .map(|b| parse(&b))
            .map_err(|e| error_json(&e)),
        "error" => Ok(parse(&error_from_openai(status.unwrap(), input))),
        other => panic!("unknown fixture kind {other}"),
    }
}

#[test]
fn golden_fixtures() {
    let bless = std::env::var_os("ANTHROPIC_IN_BLESS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut names: Vec<PathBuf> = fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(stem) = file
            .strip_suffix(".in.json")
            .or_else(|| file.strip_suffix(".in.txt"))
        else {
            continue;
        };
        count += 1;
        let mut parts = stem.split('.');
        let kind = parts.next().unwrap();
        let status = (kind == "error").then(|| parts.next().unwrap().parse::<u16>().unwrap());
        let got = run(kind, status, &fs::read(&path).unwrap());
        let out = fixture_dir().join(format!("{stem}.out.json"));
        let err = fixture_dir().join(format!("{stem}.err.json"));
        let (expected_path, got_value) = match &got {
            Ok(v) => (out, v.clone()),
            Err(v) => (err, v.clone()),
        };
        match read_json(&expected_path) {
            Some(expected) if expected == got_value => {}
            Some(expected) => failures.push(format!(
                "{stem}: expected {expected:#}\n  got {got_value:#}"
            )),
            None if bless => {
                let text = serde_json::to_string_pretty(&got_value).unwrap() + "\n";
                fs::write(&expected_path, text).unwrap();
            }
            None => failures.push(format!("{stem}: no expectation; got {got_value:#}")),
        }
    }
    assert!(count >= 60, "fixtures missing: {count}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn gateway_errors_are_anthropic_shaped() {
    let table = [
        (GatewayError::invalid_api_key(), "authentication_error"),
        (GatewayError::model_not_found("nope"), "not_found_error"),
        (GatewayError::invalid_json("x"), "invalid_request_error"),
        (
            GatewayError::invalid_field("max_tokens", "max_tokens: Field required."),
            "invalid_request_error",
        ),
        (GatewayError::body_too_large(10), "request_too_large"),
        (
            GatewayError::unsupported_endpoint("GET", "/v1/x"),
            "not_found_error",
        ),
        (
            GatewayError::provider_cooling_down(1500),
            "rate_limit_error",
        ),
        (GatewayError::from_gateway_status(503), "overloaded_error"),
        (GatewayError::from_gateway_status(504), "timeout_error"),
        (GatewayError::from_gateway_status(502), "api_error"),
        (GatewayError::internal("not_configured", "x"), "api_error"),
        (
            GatewayError::upstream(403, "invalid_request_error", "permission_denied", "no"),
            "permission_error",
        ),
        (
            GatewayError::upstream(429, "insufficient_quota", "insufficient_quota", "pay"),
            "billing_error",
        ),
    ];
    for (e, kind) in table {
        let v: Value = serde_json::from_slice(&gateway_error_body(&e)).unwrap();
        assert_eq!(v["type"], "error", "{e:?}");
        assert_eq!(v["error"]["type"], kind, "{e:?}");
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert_eq!(v.as_object().unwrap().len(), 2, "{v}");
    }
    // A named field goes in front of the message, once.
    let e = GatewayError::unsupported_parameter("tools[0].type", "not supported.");
    let v: Value = serde_json::from_slice(&gateway_error_body(&e)).unwrap();
    assert_eq!(v["error"]["message"], "tools[0].type: not supported.");
    let e = GatewayError::invalid_field("model", "model: Field required.");
    let v: Value = serde_json::from_slice(&gateway_error_body(&e)).unwrap();
    assert_eq!(v["error"]["message"], "model: Field required.");
}

/// Refusal messages never quote the request's values (they can be prompt text).
#[test]
fn parse_errors_do_not_echo_values() {
    let secret = "SECRET-PROMPT-TEXT";
    let bodies = [
        format!(r#"{{"model":"m","max_tokens":"{secret}","messages":[]}}"#),
        format!(
            r#"{{"model":"m","max_tokens":5,"messages":[{{"role":"user","content":{{"text":"{secret}"}}}}]}}"#
        ),
        format!(
            r#"{{"model":"m","max_tokens":5,"messages":[{{"role":"user","content":[{{"type":"text","text":["{secret}"]}}]}}]}}"#
        ),
        format!(
            r#"{{"model":"m","max_tokens":5,"messages":[{{"role":"{secret}","content":"x"}}]}}"#
        ),
    ];
    for body in bodies {
        let e = request_to_openai(body.as_bytes()).unwrap_err();
        assert_eq!(e.status, 400);
        let shown = String::from_utf8(gateway_error_body(&e)).unwrap();
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn very_long_unknown_field_names_are_clipped() {
    let key = "k".repeat(5000);
    let body = format!(r#"{{"model":"m","max_tokens":5,"messages":[],"{key}":1}}"#);
    let e = request_to_openai(body.as_bytes()).unwrap_err();
    assert!(e.param.unwrap().len() <= 128);
    assert!(e.message.len() < 400);
}

/// A second `model` (or any duplicated field) is refused, so a client cannot
/// smuggle a model past the router (parsers disagree on which one wins).
#[test]
fn duplicate_fields_are_refused() {
    let body = br#"{"model":"cheap","max_tokens":5,"messages":[{"role":"user","content":"x"}],"model":"dear"}"#;
    let e = request_to_openai(body).unwrap_err();
    assert_eq!(
        (e.status, e.param.as_deref()),
        (400, Some("model")),
        "{e:?}"
    );
}
