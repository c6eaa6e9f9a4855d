//! Property-style robustness for the embeddings pair: random, truncated and
//! mutated bytes (seeded from valid requests and answers) go through the
//! request, answer and error translations, which must answer without
//! panicking: Ok with valid JSON of the right shape, or a 4xx/5xx error.
//! A plain xorshift generator keeps it deterministic and dependency-free.

// Test code: a failed unwrap or index *is* the assertion.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;

use fuzz_support::{each_mutation, each_random, prefixes, XorShift};
use serde_json::Value;
use switchboard_core::translate::{
    translate_embeddings_request, translate_embeddings_response, translate_error,
    EmbeddingsContext, ProviderSchema, TargetModel,
};

const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "gemini-embedding-001",
    default_max_tokens: 0,
};

const SEEDS: [&str; 6] = [
    r#"{"model":"e","input":"hello world","user":"u"}"#,
    r#"{"model":"e","input":["a","b \"c\" \u00e9"],"dimensions":8,"encoding_format":"base64"}"#,
    r#"{"model":"e","input":[[1,2],[3]],"encoding_format":"float"}"#,
    r#"{"embeddings":[{"values":[0.5,-0.25,1e-3]},{"values":[1,2,3]}]}"#,
    r#"{"embeddings":[{"values":[0.5]}],"usageMetadata":{"promptTokenCount":3}}"#,
    r#"{"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED","details":[{"reason":"RATE"}]}}"#,
];

/// Calls every embeddings entry point on `bytes`; panics only on contract breaks.
fn exercise(bytes: &[u8], rng: &mut XorShift) {
    match translate_embeddings_request(ProviderSchema::Gemini, bytes, &TARGET) {
        Ok((out, context)) => {
            let v: Value = serde_json::from_slice(&out.body).expect("request is JSON");
            assert_eq!(v["requests"].as_array().map(Vec::len), Some(context.inputs));
            assert!(out.path_suffix.ends_with(":batchEmbedContents"));
        }
        Err(e) => assert!((400..600).contains(&e.status), "bad status {}", e.status),
    }
    let context = EmbeddingsContext {
        base64: rng.below(2) == 0,
        inputs: rng.below(3),
        estimated_prompt_tokens: rng.next() % 1000,
    };
    match translate_embeddings_response(ProviderSchema::Gemini, bytes, "served", &context) {
        Ok(Some(out)) => {
            let v: Value = serde_json::from_slice(&out).expect("answer is JSON");
            assert_eq!(v["object"], "list");
            assert_eq!(v["data"].as_array().map(Vec::len), Some(context.inputs));
        }
        Ok(None) => panic!("Gemini answers are always translated"),
        Err(e) => assert!((400..600).contains(&e.status)),
    }
    for status in [400u16, 429, 500] {
        let v: Value =
            serde_json::from_slice(&translate_error(ProviderSchema::Gemini, status, bytes))
                .expect("error body is JSON");
        assert!(v["error"]["code"].is_string(), "{v}");
    }
}

#[test]
fn truncated_seeds_never_panic() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for seed in SEEDS {
        for prefix in prefixes(seed.as_bytes(), seed.len()) {
            exercise(prefix, &mut rng);
        }
    }
}

#[test]
fn mutated_seeds_never_panic() {
    let interesting = b"{}[]\",:\\0123456789-eE.tfn \r\n\xff\xc3";
    each_mutation(SEEDS, 200, interesting, 4, exercise);
}

#[test]
fn random_bytes_never_panic() {
    each_random(2_000, 256, exercise);
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let mut rng = XorShift(7);
    for depth in [200usize, 10_000] {
        let inner = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        exercise(
            format!(r#"{{"model":"m","input":{inner}}}"#).as_bytes(),
            &mut rng,
        );
        exercise(format!(r#"{{"embeddings":{inner}}}"#).as_bytes(), &mut rng);
        exercise(
            format!(r#"{{"usageMetadata":{inner}}}"#).as_bytes(),
            &mut rng,
        );
    }
}
