//! Robustness of `translate::anthropic_in`: every public function gets
//! random, truncated and mutated bytes and must answer without panicking:
//! requests with Ok or a 400, answers with Ok or a 5xx, errors with a valid
//! Anthropic error body, and the stream translator with well-framed SSE that
//! is closed at the end (`message_stop` or `error`). A plain xorshift
//! generator keeps it deterministic and dependency-free.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;

use std::fs;
use std::path::Path;

use fuzz_support::{each_mutation, each_random, prefixes, XorShift};
use serde_json::Value;
use switchboard_core::translate::anthropic_in::{
    error_from_openai, gateway_error_body, request_to_openai, response_from_openai,
    stream_to_anthropic,
};
use switchboard_core::translate::{translate_request, ProviderSchema, TargetModel};

const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "upstream",
    default_max_tokens: 256,
};

fn check_error_body(body: &[u8]) {
    let v: Value = serde_json::from_slice(body).expect("error body is JSON");
    assert_eq!(v["type"], "error", "{v}");
    assert!(v["error"]["type"].is_string(), "{v}");
    assert!(v["error"]["message"].is_string(), "{v}");
}

/// The stream's output: `event:` + `data:` pairs, data JSON whose `type` is
/// the event name, and a last event that closes the stream.
fn check_stream(bytes: &[u8], rng: &mut XorShift) {
    let mut t = stream_to_anthropic("m");
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let (piece, tail) = rest.split_at((1 + rng.below(40)).min(rest.len()));
        t.on_chunk(piece, &mut out);
        rest = tail;
    }
    t.on_end(&mut out);
    let text = std::str::from_utf8(&out).expect("UTF-8 output");
    assert!(text.ends_with("\n\n"), "{text:?}");
    let mut last = String::new();
    for event in text.split_terminator("\n\n") {
        let (name, data) = event.split_once('\n').expect("two lines");
        let name = name.strip_prefix("event: ").expect("event line");
        let data: Value = serde_json::from_str(data.strip_prefix("data: ").unwrap()).unwrap();
        assert_eq!(data["type"], name);
        last = name.to_owned();
    }
    assert!(last == "message_stop" || last == "error", "{text}");
}

fn exercise(bytes: &[u8], rng: &mut XorShift) {
    match request_to_openai(bytes) {
        Ok(inbound) => {
            // What the gateway then hands to every provider translator.
            serde_json::from_slice::<Value>(&inbound.openai_body).expect("JSON body");
            for schema in [
                ProviderSchema::Openai,
                ProviderSchema::Anthropic,
                ProviderSchema::Gemini,
                ProviderSchema::Bedrock,
            ] {
                if let Err(e) = translate_request(schema, &inbound.openai_body, &TARGET) {
                    assert!((400..600).contains(&e.status));
                }
            }
        }
        Err(e) => {
            assert_eq!(e.status, 400, "{e:?}");
            check_error_body(&gateway_error_body(&e));
        }
    }
    match response_from_openai(bytes, "m") {
        Ok(out) => {
            let v: Value = serde_json::from_slice(&out).expect("Message is JSON");
            assert_eq!(v["type"], "message");
        }
        Err(e) => {
            assert!((500..600).contains(&e.status), "{e:?}");
            check_error_body(&gateway_error_body(&e));
        }
    }
    for status in [400u16, 401, 429, 500, 503, 529, 0, 999] {
        check_error_body(&error_from_openai(status, bytes));
    }
    check_stream(bytes, rng);
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/anthropic_in");
    let mut out: Vec<Vec<u8>> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().unwrap().contains(".in."))
        .map(|p| fs::read(p).unwrap())
        .collect();
    out.sort();
    out
}

#[test]
fn truncated_fixtures_never_panic() {
    let mut rng = XorShift(0x1234_5678_9ABC_DEF1);
    for seed in seeds() {
        for prefix in prefixes(&seed, 24) {
            exercise(prefix, &mut rng);
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let interesting = b"{}[]\",:\\0123456789-eE.tfn \n\r\xff\xc3";
    each_mutation(seeds(), 25, interesting, 4, exercise);
}

#[test]
fn random_bytes_never_panic() {
    each_random(2_000, 256, exercise);
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut rng = XorShift(7);
    for depth in [200usize, 10_000] {
        // tool_result content nests blocks inside blocks.
        let open = r#"[{"type":"tool_result","tool_use_id":"t","content":"#.repeat(depth);
        let close = "}]".repeat(depth);
        let body = format!(
            r#"{{"model":"m","max_tokens":5,"messages":[{{"role":"user","content":{open}"x"{close}}}]}}"#
        );
        exercise(body.as_bytes(), &mut rng);
        let inner = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!(r#"{{"model":"m","max_tokens":5,"metadata":{inner},"messages":[]}}"#);
        exercise(body.as_bytes(), &mut rng);
    }
}

/// The wasm VM's stack is about 1 MiB: deep nesting must be refused well
/// within it (serde_json stops at 128 levels), even unoptimised.
#[test]
fn deep_nesting_fits_a_wasm_sized_stack() {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {
            let open = r#"[{"type":"tool_result","tool_use_id":"t","content":"#.repeat(200);
            let close = "}]".repeat(200);
            let body = format!(
                r#"{{"model":"m","max_tokens":5,"messages":[{{"role":"user","content":{open}"x"{close}}}]}}"#
            );
            let e = request_to_openai(body.as_bytes()).unwrap_err();
            assert_eq!(e.status, 400);
        })
        .unwrap()
        .join()
        .unwrap();
}
