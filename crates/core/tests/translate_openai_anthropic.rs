//! Golden tests for the OpenAI → Anthropic pair.
//!
//! Every file `tests/fixtures/translate/openai_anthropic/<kind>.<case>.in.{json,txt}`
//! is fed to the translator and compared, as parsed JSON, with its sibling:
//! - `request.<case>.out.json` / `response.<case>.out.json`: the expected body;
//! - `request.<case>.err.json` / `response.<case>.err.json`: the expected
//!   `GatewayError` as `{"status","code","param"}`;
//! - `error.<status>.<case>.out.json`: the expected OpenAI error body.
//!
//! Adding a case is adding files; the driver reports every mismatch at once.

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

const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "claude-sonnet-4-5-20250929",
    default_max_tokens: 1024,
};
const SERVED_AS: &str = "claude-sonnet";
const CREATED: u64 = 1_700_000_000;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate/openai_anthropic")
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
/// JSON, since the provider's input object is passed through with its own
/// whitespace. Each must parse to an object.
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

/// Runs one case; `Err` describes a mismatch.
fn run(case: &Case) -> Result<(), String> {
    let out_path = sibling(&case.stem, ".out.json");
    let err_path = sibling(&case.stem, ".err.json");
    let (actual, expected) = match case.kind.as_str() {
        "request" | "response" => {
            let result = if case.kind == "request" {
                translate_request(ProviderSchema::Anthropic, &case.input, &TARGET).map(|r| r.body)
            } else {
                translate_response_at(ProviderSchema::Anthropic, &case.input, SERVED_AS, CREATED)
                    .map(|body| body.expect("Anthropic answers are always translated"))
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
            let body = translate_error(ProviderSchema::Anthropic, status, &case.input);
            let expected = read_json(&out_path).ok_or("missing .out.json")?;
            (parse_out(&body, &case.name), expected)
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

/// The tool-use id sanitising must give the same id on both sides of the pair
/// (pitfall 4), and every id must match Anthropic's pattern.
#[test]
fn sanitised_ids_pair_up() {
    let body = json!({"model": "m", "messages": [
        {"role": "user", "content": "go"},
        {"role": "assistant", "tool_calls": [
            {"id": "functions.Bash:0", "type": "function", "function": {"name": "Bash", "arguments": "{}"}},
            {"id": "call 1/ü", "type": "function", "function": {"name": "Bash", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "call 1/ü", "content": "b"},
        {"role": "tool", "tool_call_id": "functions.Bash:0", "content": "a"}]});
    let out = translate_request(
        ProviderSchema::Anthropic,
        body.to_string().as_bytes(),
        &TARGET,
    )
    .unwrap();
    let v: Value = serde_json::from_slice(&out.body).unwrap();
    let uses: Vec<&str> = v["messages"][1]["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    let results: Vec<&str> = v["messages"][2]["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["tool_use_id"].as_str().unwrap())
        .collect();
    assert_eq!(uses.len(), 2);
    assert_eq!(results, vec![uses[1], uses[0]]);
    for id in uses {
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "{id}"
        );
    }
}

#[test]
fn long_provider_messages_are_clipped() {
    let message = "x".repeat(5_000);
    let body =
        json!({"type": "error", "error": {"type": "invalid_request_error", "message": message}});
    let out = translate_error(ProviderSchema::Anthropic, 400, body.to_string().as_bytes());
    let v: Value = serde_json::from_slice(&out).unwrap();
    let shown = v["error"]["message"].as_str().unwrap();
    assert!(shown.chars().count() <= 501, "{}", shown.len());
    assert!(out.len() < 1_000);
}

#[test]
fn catalog_default_of_zero_falls_back() {
    let target = TargetModel {
        upstream_model: "claude",
        default_max_tokens: 0,
    };
    let body = br#"{"model":"m","messages":[{"role":"user","content":"x"}]}"#;
    let out = translate_request(ProviderSchema::Anthropic, body, &target).unwrap();
    let v: Value = serde_json::from_slice(&out.body).unwrap();
    assert_eq!(v["max_tokens"], 4096);
}

#[test]
fn translate_response_without_clock_uses_zero() {
    let body = br#"{"type":"message","id":"msg_1","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn"}"#;
    let out = switchboard_core::translate::translate_response(ProviderSchema::Anthropic, body, "x")
        .unwrap()
        .unwrap();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["created"], 0);
    assert_eq!(v["model"], "x");
    assert!(v.get("usage").is_none());
}

/// The usage a translated answer carries is what the accounting reads back.
#[test]
fn translated_usage_reads_back() {
    let body = br#"{"type":"message","id":"m","content":[],"stop_reason":"end_turn",
        "usage":{"input_tokens":10,"output_tokens":50,"cache_creation_input_tokens":5,
        "cache_read_input_tokens":100,"output_tokens_details":{"thinking_tokens":20}}}"#;
    let out = translate_response_at(ProviderSchema::Anthropic, body, "x", 1)
        .unwrap()
        .unwrap();
    let usage = switchboard_core::usage::from_openai_body(&out).unwrap();
    assert_eq!(
        usage,
        switchboard_core::usage::Usage {
            input_tokens: 115,
            output_tokens: 50,
            cached_input_tokens: 100,
            reasoning_tokens: 20,
        }
    );
}
