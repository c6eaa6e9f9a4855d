//! Golden tests for the OpenAI → Bedrock Converse pair, then one named test
//! per fact-sheet pitfall the pair must handle (1, 11, 12, 16, 17).
//!
//! Every file `tests/fixtures/translate/openai_bedrock/<kind>.<case>.in.{json,txt}`
//! is fed to the translator and compared, as parsed JSON, with its sibling:
//! - `request.<case>.out.json` / `response.<case>.out.json`: the expected body
//!   (a response's derived `id` is checked for its shape, then compared as
//!   `"<id>"`);
//! - `request.<case>.err.json` / `response.<case>.err.json`: the expected
//!   `GatewayError` as `{"status","code","param"}`;
//! - `error.<status>.<case>.out.json`: the expected OpenAI error body.
//!
//! `BLESS=1 cargo test` writes the sibling of a case that has none (review
//! it before keeping it); it never overwrites one.

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

const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "anthropic.claude-sonnet-4-5-20250929-v1:0",
    default_max_tokens: 1024,
};
const SERVED_AS: &str = "claude-sonnet-bedrock";
const CREATED: u64 = 1_700_000_000;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate/openai_bedrock")
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
        out.push(Case {
            kind: stem.split('.').next().unwrap().to_owned(),
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

/// Parses an output; tool-call `arguments` (JSON text in a string) are
/// compared as JSON, and a derived completion id as `"<id>"`.
fn parse_out(bytes: &[u8], case: &str) -> Value {
    let mut v: Value =
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{case}: output is not JSON: {e}"));
    if let Some(id) = v.get("id").and_then(Value::as_str) {
        assert!(
            id.starts_with("chatcmpl-bedrock-") && id.len() == 29,
            "{case}: id {id}"
        );
        v["id"] = json!("<id>");
    }
    parse_arguments(&mut v, case);
    v
}

fn parse_arguments(v: &mut Value, case: &str) {
    match v {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match (key.as_str(), &*value) {
                    ("arguments", Value::String(text)) => {
                        let parsed: Value = serde_json::from_str(text)
                            .unwrap_or_else(|e| panic!("{case}: arguments not JSON: {e}"));
                        assert!(parsed.is_object(), "{case}: arguments not an object");
                        *value = parsed;
                    }
                    _ => parse_arguments(value, case),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| parse_arguments(i, case)),
        _ => {}
    }
}

fn bless(path: &Path, value: &Value) {
    if std::env::var_os("BLESS").is_some() {
        fs::write(path, serde_json::to_string_pretty(value).unwrap() + "\n").unwrap();
    }
}

/// Runs one case; `Err` describes a mismatch.
fn run(case: &Case) -> Result<(), String> {
    let out_path = sibling(&case.stem, ".out.json");
    let err_path = sibling(&case.stem, ".err.json");
    let (actual, expected) = match case.kind.as_str() {
        "request" | "response" => {
            let result = if case.kind == "request" {
                translate_request(ProviderSchema::Bedrock, &case.input, &TARGET).map(|r| r.body)
            } else {
                translate_response_at(ProviderSchema::Bedrock, &case.input, SERVED_AS, CREATED)
                    .map(|body| body.expect("Bedrock answers are always translated"))
            };
            match (result, read_json(&out_path), read_json(&err_path)) {
                (Ok(body), Some(mut expected), None) => {
                    parse_arguments(&mut expected, &case.name);
                    (parse_out(&body, &case.name), expected)
                }
                (Err(e), None, Some(expected)) => {
                    let body = parse_out(&e.to_json(), &case.name);
                    assert!(body["error"]["message"].is_string(), "{}", case.name);
                    (error_summary(&e), expected)
                }
                (Ok(body), None, None) => {
                    bless(&out_path, &parse_out(&body, &case.name));
                    return Err("no .out.json or .err.json (BLESS=1 writes one)".to_owned());
                }
                (Err(e), None, None) => {
                    bless(&err_path, &error_summary(&e));
                    return Err(format!("no .err.json for {e:?} (BLESS=1 writes one)"));
                }
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
            let body = parse_out(
                &translate_error(ProviderSchema::Bedrock, status, &case.input),
                &case.name,
            );
            let Some(expected) = read_json(&out_path) else {
                bless(&out_path, &body);
                return Err("missing .out.json (BLESS=1 writes one)".to_owned());
            };
            (body, expected)
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
            "too few {kind} fixtures in {}",
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
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(stem) = name
            .strip_suffix(".out.json")
            .or_else(|| name.strip_suffix(".err.json"))
        else {
            continue;
        };
        let dir = fixture_dir();
        assert!(
            dir.join(format!("{stem}.in.json")).exists()
                || dir.join(format!("{stem}.in.txt")).exists(),
            "{name} has no input"
        );
    }
}

// ------------------------------------------------------------ pitfalls

fn body_of(client: Value) -> Value {
    let bytes = serde_json::to_vec(&client).unwrap();
    let req = translate_request(ProviderSchema::Bedrock, &bytes, &TARGET).unwrap();
    serde_json::from_slice(&req.body).unwrap()
}

fn error_of(client: Value) -> GatewayError {
    let bytes = serde_json::to_vec(&client).unwrap();
    translate_request(ProviderSchema::Bedrock, &bytes, &TARGET).unwrap_err()
}

/// Pitfall 1: parallel tool results become one user turn, results first.
#[test]
fn pitfall_1_parallel_tool_results_share_one_user_turn() {
    let body = body_of(json!({"model": "m", "messages": [
        {"role": "user", "content": "both?"},
        {"role": "assistant", "tool_calls": [
            {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}},
            {"id": "b", "type": "function", "function": {"name": "g", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "a", "content": "A"},
        {"role": "user", "content": "and also"},
        {"role": "tool", "tool_call_id": "b", "content": "B"}
    ]}));
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "{body}");
    let last = &messages[2];
    assert_eq!(last["role"], "user");
    let content = last["content"].as_array().unwrap();
    assert_eq!(content[0]["toolResult"]["toolUseId"], "a");
    assert_eq!(content[1]["toolResult"]["toolUseId"], "b");
    assert_eq!(content[2]["text"], "and also");
}

/// Pitfall 11: no empty text block and no empty message reach Bedrock.
#[test]
fn pitfall_11_empty_text_and_messages_are_dropped() {
    let body = body_of(json!({"model": "m", "messages": [
        {"role": "user", "content": [{"type": "text", "text": ""}, {"type": "text", "text": "q"}]},
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "a", "type": "function", "function": {"name": "f", "arguments": ""}}]},
        {"role": "tool", "tool_call_id": "a", "content": ""},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": ""}
    ]}));
    let text = body.to_string();
    assert!(!text.contains(r#""text":"""#), "{text}");
    for message in body["messages"].as_array().unwrap() {
        assert!(!message["content"].as_array().unwrap().is_empty(), "{text}");
    }
    assert_eq!(body["messages"].as_array().unwrap().len(), 3, "{text}");
}

/// Pitfall 12: image URLs are refused (no fetch); formats are lower case.
#[test]
fn pitfall_12_image_urls_refused_formats_lower_case() {
    let e = error_of(
        json!({"model": "m", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "HTTPS://example.com/a.png"}}]}]}),
    );
    assert_eq!((e.status, e.code.as_str()), (400, "unsupported_parameter"));
    assert_eq!(e.param.as_deref(), Some("messages[0].content[0].image_url"));
    let body = body_of(
        json!({"model": "m", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "data:image/GIF;base64,R0lGOD"}}]}]}),
    );
    assert_eq!(
        body["messages"][0]["content"][0],
        json!({"image": {"format": "gif", "source": {"bytes": "R0lGOD"}}})
    );
}

/// Pitfall 16: history with tool blocks always carries a `toolConfig`.
#[test]
fn pitfall_16_tool_history_always_has_tool_config() {
    let history = json!([
        {"role": "user", "content": "q"},
        {"role": "assistant", "tool_calls": [
            {"id": "a", "type": "function", "function": {"name": "lookup", "arguments": "{}"}},
            {"id": "b", "type": "function", "function": {"name": "lookup", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "a", "content": "x"},
        {"role": "tool", "tool_call_id": "b", "content": "y"}
    ]);
    for extra in [
        json!({}),
        json!({"tool_choice": "none", "tools": [{"type": "function", "function": {"name": "other"}}]}),
    ] {
        let mut client = json!({"model": "m", "messages": history});
        client
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let body = body_of(client);
        assert_eq!(
            body["toolConfig"],
            json!({"tools": [{"toolSpec": {"name": "lookup",
                "inputSchema": {"json": {"type": "object", "properties": {}}}}}]}),
            "{body}"
        );
    }
    // Without tool blocks in history and without tools: no toolConfig at all.
    let plain = body_of(json!({"model": "m", "messages": [{"role": "user", "content": "q"}]}));
    assert!(plain.get("toolConfig").is_none());
}

/// Pitfall 17: the model id is one URL segment, encoded once.
#[test]
fn pitfall_17_model_id_is_one_segment_encoded_once() {
    let body = br#"{"model":"x","stream":true,"messages":[{"role":"user","content":"hi"}]}"#;
    for (model, path) in [
        (
            "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            "/model/us.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse-stream",
        ),
        (
            "arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/abc",
            "/model/arn%3Aaws%3Abedrock%3Aeu-west-1%3A111122223333%3Aapplication-inference-profile%2Fabc/converse-stream",
        ),
    ] {
        let target = TargetModel {
            upstream_model: model,
            default_max_tokens: 0,
        };
        let req = translate_request(ProviderSchema::Bedrock, body, &target).unwrap();
        assert_eq!(req.path_suffix, path);
        assert!(req.stream);
        assert!(!req.path_suffix.contains("%25"), "never encoded twice in the URL");
    }
}

#[test]
fn reasoning_is_refused_for_models_without_known_thinking_fields() {
    let target = TargetModel {
        upstream_model: "amazon.nova-pro-v1:0",
        default_max_tokens: 0,
    };
    let client =
        br#"{"model":"x","reasoning_effort":"high","messages":[{"role":"user","content":"hi"}]}"#;
    let e = translate_request(ProviderSchema::Bedrock, client, &target).unwrap_err();
    assert_eq!(e.code, "unsupported_parameter");
    assert_eq!(e.param.as_deref(), Some("reasoning_effort"));
    let minimal = br#"{"model":"x","reasoning_effort":"minimal","messages":[{"role":"user","content":"hi"}]}"#;
    let req = translate_request(ProviderSchema::Bedrock, minimal, &target).unwrap();
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    assert!(body.get("additionalModelRequestFields").is_none());
    assert!(
        body.get("inferenceConfig").is_none(),
        "no default cap: {body}"
    );
}

#[test]
fn stream_flags_follow_the_client() {
    let with = br#"{"model":"x","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#;
    let req = translate_request(ProviderSchema::Bedrock, with, &TARGET).unwrap();
    assert!(req.stream && req.client_wants_usage);
    let without = br#"{"model":"x","stream":false,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}"#;
    let req = translate_request(ProviderSchema::Bedrock, without, &TARGET).unwrap();
    assert!(!req.stream && !req.client_wants_usage);
    assert!(req.path_suffix.ends_with("/converse"));
}

#[test]
fn empty_model_id_is_an_internal_error() {
    let target = TargetModel {
        upstream_model: "",
        default_max_tokens: 0,
    };
    let e = translate_request(
        ProviderSchema::Bedrock,
        br#"{"messages":[{"role":"user","content":"hi"}]}"#,
        &target,
    )
    .unwrap_err();
    assert_eq!(e.status, 500);
}

#[test]
fn schema_name_is_bedrock() {
    let s: ProviderSchema = serde_json::from_str("\"bedrock\"").unwrap();
    assert_eq!(s, ProviderSchema::Bedrock);
    assert_eq!(serde_json::to_string(&s).unwrap(), "\"bedrock\"");
}
