//! Property-style robustness for the stream translators: random bytes,
//! mutated fixtures and shuffled event sequences, cut into random pieces,
//! must never panic, and the client's stream must always be closed.
//! A plain xorshift generator keeps it deterministic and dependency-free.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;
mod stream_support;

use std::fs;

use fuzz_support::{each_mutation, XorShift};
use stream_support::{assert_closed, fixture_dir, items, run};
use switchboard_core::translate::ProviderSchema;

fn random_sizes(rng: &mut XorShift, len: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut left = len;
    while left > 0 {
        if rng.below(8) == 0 {
            sizes.push(0);
        }
        let n = (1 + rng.below(40)).min(left);
        sizes.push(n);
        left -= n;
    }
    sizes
}

/// Runs both translators in both usage modes; checks the closing contract.
fn exercise(rng: &mut XorShift, input: &[u8]) {
    for wants_usage in [true, false] {
        let sizes = random_sizes(rng, input.len());
        let (out, _) = run(ProviderSchema::Anthropic, wants_usage, input, &sizes);
        assert_closed(&out, "anthropic");
        // Translated output is always well-formed, whatever came in.
        let _ = items(&out);

        let (out, _) = run(ProviderSchema::Openai, wants_usage, input, &sizes);
        assert!(
            out.windows(6).any(|w| w == b"[DONE]"),
            "passthrough never closed: {}",
            String::from_utf8_lossy(&out)
        );
        assert!(
            out.len() <= input.len() + 400,
            "passthrough grew the stream"
        );
    }
}

fn fixtures() -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sse"))
        .map(|p| fs::read(p).unwrap())
        .collect();
    out.sort();
    out
}

#[test]
fn random_bytes_in_random_pieces() {
    let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
    let alphabet = b"data: event:{}[]\",:\\\n\r\n\n0123456789truefalsenull\xff\xc3\xa9";
    for round in 0..1_500 {
        let len = rng.below(400);
        let bytes: Vec<u8> = if round % 2 == 0 {
            (0..len).map(|_| rng.next() as u8).collect()
        } else {
            (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect()
        };
        exercise(&mut rng, &bytes);
    }
}

#[test]
fn mutated_fixtures_in_random_pieces() {
    let interesting = b"{}[]\",:\\0123456789-eE.tfn \n\r\xff\xc3";
    each_mutation(fixtures(), 40, interesting, 6, |bytes, rng| {
        exercise(rng, bytes)
    });
}

/// Well-formed events in any order, with odd values: indexes that point
/// nowhere, repeated starts and stops, usage of every type.
#[test]
fn shuffled_anthropic_events() {
    let pool: &[&str] = &[
        r#"{"type":"message_start","message":{"id":"msg_x","usage":{"input_tokens":5,"output_tokens":1}}}"#,
        r#"{"type":"message_start","message":{"id":null,"usage":null}}"#,
        r#"{"type":"message_start"}"#,
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":"hi"}}"#,
        r#"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"f","input":{}}}"#,
        r#"{"type":"content_block_start","index":7,"content_block":{"type":"tool_use"}}"#,
        r#"{"type":"content_block_start","content_block":{"type":"thinking","thinking":"z"}}"#,
        r#"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\""}}"#,
        r#"{"type":"content_block_delta","index":99,"delta":{"type":"input_json_delta","partial_json":"x"}}"#,
        r#"{"type":"content_block_delta","delta":{"type":"input_json_delta"}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\u00e9\ud83d\ude00"}}"#,
        r#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta"}}"#,
        r#"{"type":"content_block_delta","index":0}"#,
        r#"{"type":"content_block_stop","index":0}"#,
        r#"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":18446744073709551615,"cache_read_input_tokens":18446744073709551615}}"#,
        r#"{"type":"message_delta","delta":{"stop_reason":null},"usage":{"input_tokens":null}}"#,
        r#"{"type":"message_delta","usage":{"output_tokens":-1}}"#,
        r#"{"type":"message_delta","usage":{"output_tokens_details":{"thinking_tokens":3}}}"#,
        r#"{"type":"ping"}"#,
        r#"{"type":"error","error":{"type":"overloaded_error"}}"#,
        r#"{"type":"error"}"#,
        r#"{"type":"message_stop"}"#,
        r#"{"type":7}"#,
        r#"[1,2,3]"#,
        r#"{}"#,
    ];
    let mut rng = XorShift(0x0123_4567_89AB_CDEF);
    for _ in 0..3_000 {
        let mut input = String::new();
        for _ in 0..rng.below(12) {
            if rng.below(4) == 0 {
                input.push_str("event: ping\n");
            }
            input.push_str("data: ");
            input.push_str(pool[rng.below(pool.len())]);
            input.push_str(["\n\n", "\r\n\r\n", "\r\r"][rng.below(3)]);
        }
        exercise(&mut rng, input.as_bytes());
    }
}
