//! Property-style robustness for the Gemini pair: every public function gets
//! random, truncated and mutated bytes (seeded from the Gemini fixtures) and
//! must answer without panicking: requests and answers Ok or a 4xx/5xx
//! error, error translation a valid OpenAI error, and the stream translator
//! a stream that ends with exactly one `data: [DONE]` whatever the pieces.
//! A plain xorshift generator keeps it deterministic and dependency-free.

// Test code: a failed unwrap or index *is* the assertion.
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
use switchboard_core::translate::{
    stream_translator, translate_error, translate_request, translate_response_at, ProviderSchema,
    StreamContext, TargetModel,
};

const TARGETS: [TargetModel<'static>; 2] = [
    TargetModel {
        upstream_model: "gemini-2.5-flash",
        default_max_tokens: 256,
    },
    TargetModel {
        upstream_model: "gemini-3-pro",
        default_max_tokens: 0,
    },
];

fn stream(bytes: &[u8], rng: &mut XorShift) {
    let mut t = stream_translator(
        ProviderSchema::Gemini,
        StreamContext {
            served_as: "g".to_owned(),
            created: 1,
            client_wants_usage: rng.below(2) == 0,
        },
    );
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = (rng.below(40) + 1).min(rest.len());
        let (piece, tail) = rest.split_at(n);
        t.on_chunk(piece, &mut out);
        rest = tail;
    }
    t.on_end(&mut out);
    let text = String::from_utf8(out).expect("output is UTF-8");
    assert!(text.ends_with("data: [DONE]\n\n"), "{text}");
    assert_eq!(text.matches("data: [DONE]").count(), 1, "{text}");
    let _ = t.usage();
}

/// Calls every public function on `bytes`; panics only on contract breaks.
fn exercise(bytes: &[u8], rng: &mut XorShift) {
    for target in &TARGETS {
        match translate_request(ProviderSchema::Gemini, bytes, target) {
            Ok(out) => {
                serde_json::from_slice::<Value>(&out.body).expect("translated request is JSON");
                assert!(out.path_suffix.starts_with("/models/"));
            }
            Err(e) => assert!((400..600).contains(&e.status), "bad status {}", e.status),
        }
    }
    match translate_response_at(ProviderSchema::Gemini, bytes, "served", 1) {
        Ok(Some(out)) => {
            let v: Value = serde_json::from_slice(&out).expect("translated answer is JSON");
            assert_eq!(v["object"], "chat.completion");
        }
        Ok(None) => panic!("Gemini answers are always translated"),
        Err(e) => assert!((400..600).contains(&e.status)),
    }
    for status in [400u16, 403, 429, 500, 503] {
        let out = translate_error(ProviderSchema::Gemini, status, bytes);
        let v: Value = serde_json::from_slice(&out).expect("error body is JSON");
        assert!(v["error"]["message"].is_string(), "{v}");
        assert!(v["error"]["code"].is_string(), "{v}");
    }
    stream(bytes, rng);
}

fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate/openai_gemini");
    let mut out: Vec<Vec<u8>> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().is_some_and(|s| s.contains(".in.")))
        .map(|p| fs::read(p).unwrap())
        .collect();
    out.sort();
    out
}

#[test]
fn truncated_fixtures_never_panic() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for seed in seeds() {
        for prefix in prefixes(&seed, 16) {
            exercise(prefix, &mut rng);
        }
    }
}

#[test]
fn mutated_fixtures_never_panic() {
    let interesting = b"{}[]\",:\\0123456789-eE.tfn \r\n\xff\xc3";
    each_mutation(seeds(), 12, interesting, 4, exercise);
}

#[test]
fn random_bytes_never_panic() {
    each_random(1_000, 256, |bytes, rng| {
        exercise(bytes, rng);
        let mut framed = b"data: ".to_vec();
        framed.extend_from_slice(bytes);
        framed.extend_from_slice(b"\r\n\r\n");
        stream(&framed, rng);
    });
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut rng = XorShift(7);
    for depth in [200usize, 10_000] {
        let inner = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let body = format!(
            r#"{{"model":"m","messages":[{{"role":"user","content":"x"}}],"tools":{inner}}}"#
        );
        exercise(body.as_bytes(), &mut rng);
        let answer = format!(
            r#"{{"candidates":[{{"content":{{"parts":[{{"functionCall":{{"name":"f","args":{inner}}}}}]}}}}]}}"#
        );
        exercise(answer.as_bytes(), &mut rng);
        exercise(format!("data: {answer}\r\n\r\n").as_bytes(), &mut rng);
    }
}
