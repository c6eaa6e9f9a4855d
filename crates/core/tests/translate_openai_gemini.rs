//! Golden tests for the OpenAI → Gemini pair (requests, answers, errors),
//! plus the behaviours that span several calls: paths, the thought-signature
//! round trip, tool-result names, usage read back.
//!
//! Every file `tests/fixtures/translate/openai_gemini/<kind>.<case>.in.{json,txt}`
//! of kind `request`, `response` or `error` is fed to the translator and
//! compared, as parsed JSON, with its sibling:
//! - `request.<case>.out.json`: the expected Gemini body;
//! - `response.<case>.out.json`: the expected `chat.completion`;
//! - `<kind>.<case>.err.json`: the expected `GatewayError` as `{"status","code","param"}`;
//! - `error.<status>.<case>.out.json`: the expected OpenAI error body.
//!
//! Request cases whose name contains `gemini3` target `gemini-3-pro-preview`,
//! the others `gemini-2.5-flash`. Stream fixtures live beside these and are
//! run by `translate_openai_gemini_stream.rs`. With `BLESS=1`, missing
//! expectation files are written from the current output (review them!).

// Test code: a failed unwrap or index *is* the assertion. (Clippy's
// allow-*-in-tests settings cover #[test] fns, not helpers beside them.)
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
use switchboard_core::translate::{
    translate_error, translate_request, translate_response_at, ProviderSchema, TargetModel,
};

const GEMINI: ProviderSchema = ProviderSchema::Gemini;
const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "gemini-2.5-flash",
    default_max_tokens: 0,
};
const TARGET_3: TargetModel<'static> = TargetModel {
    upstream_model: "gemini-3-pro-preview",
    default_max_tokens: 0,
};
const SERVED_AS: &str = "gemini-flash";
const CREATED: u64 = 1_700_000_000;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate/openai_gemini")
}

struct Case {
    kind: String,
    name: String,
    input: Vec<u8>,
    stem: PathBuf,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for entry in fs::read_dir(fixture_dir()).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(stem) = file
            .strip_suffix(".in.json")
            .or_else(|| file.strip_suffix(".in.txt"))
        else {
            continue;
        };
        let kind = stem.split('.').next().unwrap().to_owned();
        if kind == "stream" {
            continue;
        }
        out.push(Case {
            kind,
            name: stem.to_owned(),
            input: fs::read(&path).unwrap(),
            stem: fixture_dir().join(stem),
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn read_json(path: &Path) -> Option<Value> {
    let text = fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn sibling(stem: &Path, suffix: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn error_summary(e: &GatewayError) -> Value {
    json!({"status": e.status, "code": e.code, "param": e.param})
}

fn parse_out(bytes: &[u8], case: &str) -> Value {
    let mut v =
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{case}: output is not JSON: {e}"));
    parse_arguments(&mut v, case);
    v
}

/// Tool-call `arguments` are JSON texts inside strings; they are compared as
/// JSON. Each must parse to an object.
fn parse_arguments(v: &mut Value, case: &str) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "arguments" {
                    if let Value::String(text) = value {
                        let parsed: Value = serde_json::from_str(text)
                            .unwrap_or_else(|e| panic!("{case}: arguments not JSON: {e}"));
                        assert!(parsed.is_object(), "{case}: arguments not an object");
                        *value = parsed;
                    }
                } else {
                    parse_arguments(value, case);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| parse_arguments(i, case)),
        _ => {}
    }
}

fn bless(path: &Path, value: &Value) -> bool {
    if std::env::var_os("BLESS").is_none() || path.exists() {
        return false;
    }
    fs::write(path, serde_json::to_string_pretty(value).unwrap() + "\n").unwrap();
    true
}

fn target_for(case: &str) -> &'static TargetModel<'static> {
    if case.contains("gemini3") {
        &TARGET_3
    } else {
        &TARGET
    }
}

/// Runs one case; `Err` describes a mismatch.
fn run(case: &Case) -> Result<(), String> {
    let out_path = sibling(&case.stem, ".out.json");
    let err_path = sibling(&case.stem, ".err.json");
    let (actual, expected) = match case.kind.as_str() {
        "request" | "response" => {
            let result = if case.kind == "request" {
                translate_request(GEMINI, &case.input, target_for(&case.name)).map(|r| r.body)
            } else {
                translate_response_at(GEMINI, &case.input, SERVED_AS, CREATED)
                    .map(|body| body.expect("Gemini answers are always translated"))
            };
            match (result, read_json(&out_path), read_json(&err_path)) {
                (Ok(body), Some(mut expected), None) => {
                    parse_arguments(&mut expected, &case.name);
                    (parse_out(&body, &case.name), expected)
                }
                (Err(e), None, Some(expected)) => {
                    // Error bodies must always be valid OpenAI errors too.
                    let body = parse_out(&e.to_json(), &case.name);
                    assert!(body["error"]["message"].is_string(), "{}", case.name);
                    (error_summary(&e), expected)
                }
                (Ok(body), None, None) if bless(&out_path, &parse_out(&body, &case.name)) => {
                    return Ok(())
                }
                (Err(e), None, None) if bless(&err_path, &error_summary(&e)) => return Ok(()),
                (Ok(body), None, Some(expected)) => {
                    return Err(format!(
                        "expected error {expected}, got body {}",
                        String::from_utf8_lossy(&body)
                    ))
                }
                (Err(e), Some(_), None) => return Err(format!("unexpected error {e:?}")),
                _ => return Err("needs exactly one of .out.json / .err.json".to_owned()),
            }
        }
        "error" => {
            let status: u16 = case
                .name
                .split('.')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or("error fixtures are named error.<status>.<case>")?;
            let body = parse_out(&translate_error(GEMINI, status, &case.input), &case.name);
            match read_json(&out_path) {
                Some(expected) => (body, expected),
                None if bless(&out_path, &body) => return Ok(()),
                None => return Err("missing .out.json".to_owned()),
            }
        }
        other => return Err(format!("unknown fixture kind {other}")),
    };
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "mismatch\n--- expected\n{}\n--- actual\n{}",
            serde_json::to_string_pretty(&expected).unwrap(),
            serde_json::to_string_pretty(&actual).unwrap()
        ))
    }
}

#[test]
fn golden_fixtures() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| run(c).err().map(|e| format!("[{}] {e}", c.name)))
        .collect();
    for kind in ["request", "response", "error"] {
        assert!(
            cases.iter().filter(|c| c.kind == kind).count() >= 10,
            "too few {kind} fixtures found in {}",
            fixture_dir().display()
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_output_fixture_has_an_input() {
    for entry in fs::read_dir(fixture_dir()).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(stem) = file
            .strip_suffix(".out.json")
            .or_else(|| file.strip_suffix(".err.json"))
            .or_else(|| file.strip_suffix(".out.txt"))
        else {
            continue;
        };
        let dir = fixture_dir();
        assert!(
            dir.join(format!("{stem}.in.json")).exists()
                || dir.join(format!("{stem}.in.txt")).exists(),
            "{file} has no input"
        );
    }
}

fn request(body: &Value) -> switchboard_core::translate::UpstreamRequest {
    translate_request(GEMINI, body.to_string().as_bytes(), &TARGET).unwrap()
}

fn request_json(body: &Value) -> Value {
    serde_json::from_slice(&request(body).body).unwrap()
}

#[test]
fn paths_streaming_and_usage_flag() {
    let plain = request(&json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}));
    assert_eq!(
        plain.path_suffix,
        "/models/gemini-2.5-flash:generateContent"
    );
    assert!(!plain.stream && !plain.client_wants_usage);

    let streamed = request(&json!({"model": "m", "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "hi"}]}));
    assert_eq!(
        streamed.path_suffix,
        "/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    );
    assert!(streamed.stream && streamed.client_wants_usage);
    assert_eq!(
        streamed.body, plain.body,
        "stream changes the URL, not the body"
    );

    let no_usage = request(&json!({"model": "m", "stream": true,
        "messages": [{"role": "user", "content": "hi"}]}));
    assert!(no_usage.stream && !no_usage.client_wants_usage);

    let odd = TargetModel {
        upstream_model: "tuned/model:v1",
        default_max_tokens: 0,
    };
    let body = br#"{"model":"m","messages":[{"role":"user","content":"hi"}]}"#;
    let out = translate_request(GEMINI, body, &odd).unwrap();
    assert_eq!(
        out.path_suffix,
        "/models/tuned%2Fmodel%3Av1:generateContent"
    );
}

#[test]
fn catalog_default_caps_output() {
    let target = TargetModel {
        upstream_model: "gemini-2.5-flash",
        default_max_tokens: 2048,
    };
    let body = br#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#;
    let out = translate_request(GEMINI, body, &target).unwrap();
    let v: Value = serde_json::from_slice(&out.body).unwrap();
    assert_eq!(v["generationConfig"]["maxOutputTokens"], 2048);
    let none = request_json(&json!({"model": "m", "messages": [{"role": "user", "content": "x"}]}));
    assert!(none.get("generationConfig").is_none());
}

/// Pitfall 8: a signature Gemini attached to a call survives the OpenAI round
/// trip, whether the client keeps `extra_content` or only the id.
#[test]
fn thought_signature_round_trip() {
    let signature = "CiQBjz1rX+/sig==";
    let answer = json!({"candidates": [{"content": {"role": "model", "parts": [
        {"functionCall": {"id": "fc_7", "name": "get_weather", "args": {"city": "Paris"}},
         "thoughtSignature": signature},
        {"functionCall": {"name": "get_time", "args": {}}}]},
        "finishReason": "STOP"}], "responseId": "r1"});
    let out = translate_response_at(GEMINI, answer.to_string().as_bytes(), "g", 1)
        .unwrap()
        .unwrap();
    let completion: Value = serde_json::from_slice(&out).unwrap();
    let message = &completion["choices"][0]["message"];
    assert_eq!(completion["choices"][0]["finish_reason"], "tool_calls");
    let calls = message["tool_calls"].as_array().unwrap().clone();
    assert_eq!(
        calls[0]["extra_content"]["google"]["thought_signature"],
        signature
    );
    assert!(calls[1].get("extra_content").is_none());
    let id = calls[0]["id"].as_str().unwrap();
    assert!(id.starts_with("fc_7__thought__"), "{id}");
    assert!(id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    assert_eq!(calls[1]["id"], "call_1");

    let next_turn = |calls: Vec<Value>| {
        let ids: Vec<Value> = calls.iter().map(|c| c["id"].clone()).collect();
        json!({"model": "m", "messages": [
            {"role": "user", "content": "weather and time?"},
            {"role": "assistant", "content": null, "tool_calls": calls},
            {"role": "tool", "tool_call_id": ids[0], "content": "sunny"},
            {"role": "tool", "tool_call_id": ids[1], "content": "noon"}]})
    };
    // A client that keeps everything, and one that drops unknown fields.
    let stripped: Vec<Value> = calls
        .iter()
        .map(|c| json!({"id": c["id"], "type": "function", "function": c["function"]}))
        .collect();
    for history in [calls.clone(), stripped] {
        let v = request_json(&next_turn(history));
        let model_parts = &v["contents"][1]["parts"];
        assert_eq!(v["contents"][1]["role"], "model");
        assert_eq!(model_parts[0]["thoughtSignature"], signature);
        assert_eq!(model_parts[0]["functionCall"]["id"], "fc_7");
        assert!(model_parts[1].get("thoughtSignature").is_none());
        let results = &v["contents"][2];
        assert_eq!(results["role"], "user");
        assert_eq!(results["parts"][0]["functionResponse"]["id"], "fc_7");
        assert_eq!(
            results["parts"][0]["functionResponse"]["name"],
            "get_weather"
        );
        assert_eq!(results["parts"][1]["functionResponse"]["name"], "get_time");
    }
}

/// History Gemini never signed gets the documented escape value on the first
/// call of each step only.
#[test]
fn unsigned_history_gets_the_skip_value() {
    let v = request_json(&json!({"model": "m", "messages": [
        {"role": "user", "content": "go"},
        {"role": "assistant", "tool_calls": [
            {"id": "call_x", "type": "function", "function": {"name": "a", "arguments": "{}"}},
            {"id": "call_y", "type": "function", "function": {"name": "b", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_x", "content": "1"},
        {"role": "tool", "tool_call_id": "call_y", "content": "2"},
        {"role": "assistant", "tool_calls": [
            {"id": "call_z", "type": "function", "function": {"name": "a", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call_z", "content": "3"}]}));
    let contents = v["contents"].as_array().unwrap();
    assert_eq!(contents.len(), 5);
    assert_eq!(
        contents[1]["parts"][0]["thoughtSignature"],
        "skip_thought_signature_validator"
    );
    assert!(contents[1]["parts"][1].get("thoughtSignature").is_none());
    assert_eq!(
        contents[3]["parts"][0]["thoughtSignature"],
        "skip_thought_signature_validator"
    );
}

/// Pitfalls 2 and 3: tool results are user turns named after the function,
/// and the roles alternate.
#[test]
fn tool_results_are_named_user_turns_and_roles_alternate() {
    let v = request_json(&json!({"model": "m", "messages": [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "a"},
        {"role": "user", "content": "b"},
        {"role": "assistant", "content": "c", "tool_calls": [
            {"id": "id-1", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "id-1", "content": "result"},
        {"role": "user", "content": "d"}]}));
    let roles: Vec<&str> = v["contents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["user", "model", "user"]);
    let last = &v["contents"][2]["parts"];
    assert_eq!(last[0]["functionResponse"]["name"], "lookup");
    assert_eq!(
        last[0]["functionResponse"]["response"],
        json!({"result": "result"})
    );
    assert_eq!(last[1]["text"], "d");
    assert_eq!(v["systemInstruction"], json!({"parts": [{"text": "sys"}]}));
}

#[test]
fn long_provider_messages_are_clipped() {
    let message = "x".repeat(5_000);
    let body = json!({"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": message}});
    let out = translate_error(GEMINI, 400, body.to_string().as_bytes());
    let v: Value = serde_json::from_slice(&out).unwrap();
    let shown = v["error"]["message"].as_str().unwrap();
    assert!(shown.chars().count() <= 501, "{}", shown.len());
}

/// The usage a translated answer carries is what the accounting reads back.
#[test]
fn translated_usage_reads_back() {
    let body = br#"{"candidates":[{"content":{"parts":[{"text":"hi"}]},"finishReason":"STOP"}],
        "usageMetadata":{"promptTokenCount":120,"cachedContentTokenCount":100,
        "candidatesTokenCount":30,"thoughtsTokenCount":20,"totalTokenCount":170}}"#;
    let out = translate_response_at(GEMINI, body, "x", 1)
        .unwrap()
        .unwrap();
    let usage = switchboard_core::usage::from_openai_body(&out).unwrap();
    assert_eq!(
        usage,
        switchboard_core::usage::Usage {
            input_tokens: 120,
            output_tokens: 50,
            cached_input_tokens: 100,
            reasoning_tokens: 20,
        }
    );
}

#[test]
fn empty_upstream_model_is_a_gateway_error() {
    let target = TargetModel {
        upstream_model: "",
        default_max_tokens: 0,
    };
    let body = br#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#;
    let err = translate_request(GEMINI, body, &target).unwrap_err();
    assert_eq!(err.status, 500);
}
