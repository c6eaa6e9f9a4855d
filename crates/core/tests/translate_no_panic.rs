//! Property-style robustness: every public translation function gets random,
//! truncated and mutated bytes and must answer (Ok or a 4xx/5xx error) without
//! panicking; error translation must always produce a valid OpenAI error.
//! A plain xorshift generator keeps it deterministic and dependency-free.

// Test code: a failed unwrap or index *is* the assertion. (Clippy's
// allow-*-in-tests settings cover #[test] fns, not helpers beside them.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;

use std::fs;
use std::path::Path;

use fuzz_support::{each_mutation, each_random, prefixes};
use serde_json::Value;
use switchboard_core::translate::{
    translate_error, translate_request, translate_response_at, ProviderSchema, TargetModel,
};
use switchboard_core::usage::from_openai_body;

const SCHEMAS: [ProviderSchema; 2] = [ProviderSchema::Openai, ProviderSchema::Anthropic];
const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "upstream",
    default_max_tokens: 256,
};

/// Calls every public function on `bytes`; panics only on contract breaks.
fn exercise(bytes: &[u8]) {
    for schema in SCHEMAS {
        match translate_request(schema, bytes, &TARGET) {
            Ok(out) if schema == ProviderSchema::Anthropic => {
                serde_json::from_slice::<Value>(&out.body).expect("translated request is JSON");
            }
            Ok(_) => {}
            Err(e) => assert!((400..600).contains(&e.status), "bad status {}", e.status),
        }
        match translate_response_at(schema, bytes, "served", 1) {
            Ok(Some(out)) => {
                let v: Value = serde_json::from_slice(&out).expect("translated answer is JSON");
                assert_eq!(v["object"], "chat.completion");
            }
            Ok(None) => assert_eq!(schema, ProviderSchema::Openai),
            Err(e) => assert!((400..600).contains(&e.status)),
        }
        for status in [400u16, 429, 500, 529] {
            let out = translate_error(schema, status, bytes);
            let v: Value = serde_json::from_slice(&out).expect("error body is JSON");
            assert!(v["error"]["message"].is_string(), "{v}");
            assert!(v["error"]["type"].is_string(), "{v}");
        }
    }
    let _ = from_openai_body(bytes);
}

fn seeds() -> Vec<Vec<u8>> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate/openai_anthropic");
    let mut out: Vec<Vec<u8>> = fs::read_dir(dir)
        .unwrap()
        .map(|e| fs::read(e.unwrap().path()).unwrap())
        .collect();
    out.push(
        br#"{"usage":{"prompt_tokens":1,"completion_tokens_details":{"reasoning_tokens":2}}}"#
            .to_vec(),
    );
    out.sort();
    out
}

#[test]
fn truncated_fixtures_never_panic() {
    for seed in seeds() {
        prefixes(&seed, 24).for_each(exercise);
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let interesting = b"{}[]\",:\\0123456789-eE.tfn \xff\xc3";
    each_mutation(seeds(), 25, interesting, 4, |bytes, _| exercise(bytes));
}

#[test]
fn random_bytes_never_panic() {
    each_random(2_000, 256, |bytes, _| exercise(bytes));
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for depth in [200usize, 10_000] {
        let inner = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!(
            r#"{{"model":"m","messages":[{{"role":"user","content":"x"}}],"tools":{inner}}}"#
        );
        exercise(body.as_bytes());
        let body = format!(r#"{{"model":"m","x":{inner},"messages":[]}}"#);
        exercise(body.as_bytes());
    }
}
