//! OpenAI-schema streams: forwarded byte for byte, except the usage-only
//! chunk the gateway asked for on the client's behalf (pitfall 18).
//!
//! `tests/fixtures/stream/openai.<case>.in.sse` is what the provider sends
//! (the gateway always asks for usage); when the client asked for usage too,
//! it must arrive unchanged; when it did not, the client gets
//! `openai.<case>.stripped.sse` (or the input itself when that file is
//! absent). `openai.<case>.usage.json` is what accounting reads either way.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;
mod stream_support;

use serde_json::Value;
use stream_support::{assert_closed, cases, items, read, run, splits, usage_json, Item};
use switchboard_core::translate::ProviderSchema;

const SCHEMA: ProviderSchema = ProviderSchema::Openai;

struct Fixture {
    input: Vec<u8>,
    stripped: Vec<u8>,
    usage: Value,
}

fn fixture(case: &str) -> Fixture {
    let input = read(&format!("openai.{case}.in.sse")).unwrap();
    Fixture {
        stripped: read(&format!("openai.{case}.stripped.sse")).unwrap_or_else(|| input.clone()),
        usage: serde_json::from_slice(&read(&format!("openai.{case}.usage.json")).unwrap())
            .unwrap(),
        input,
    }
}

#[test]
fn passthrough_fixtures_in_every_split() {
    let cases = cases("openai");
    assert!(cases.len() >= 5, "fixtures missing: {cases:?}");
    for case in &cases {
        let f = fixture(case);
        for (wants_usage, expected) in [(true, &f.input), (false, &f.stripped)] {
            let what = format!("{case} (include_usage: {wants_usage})");
            for sizes in splits(f.input.len()) {
                let (out, usage) = run(SCHEMA, wants_usage, &f.input, &sizes);
                assert!(
                    &out == expected,
                    "{what}: split {sizes:?}\n--- expected\n{}\n--- got\n{}",
                    String::from_utf8_lossy(expected),
                    String::from_utf8_lossy(&out)
                );
                assert_eq!(usage_json(usage), f.usage, "{what}: usage");
            }
        }
    }
}

#[test]
fn the_usage_chunk_is_the_only_difference() {
    for case in ["basic", "tool_calls", "crlf"] {
        let f = fixture(case);
        let (kept, _) = run(SCHEMA, true, &f.input, &[f.input.len()]);
        let (dropped, _) = run(SCHEMA, false, &f.input, &[f.input.len()]);
        let at = kept
            .iter()
            .zip(&dropped)
            .take_while(|(a, b)| a == b)
            .count();
        let removed = &kept[at..at + kept.len() - dropped.len()];
        let mut rebuilt = kept[..at].to_vec();
        rebuilt.extend_from_slice(&kept[at + removed.len()..]);
        assert_eq!(rebuilt, dropped, "{case}");
        let removed = String::from_utf8_lossy(removed);
        assert!(
            removed.contains("\"choices\":[]") && removed.contains("\"usage\":{"),
            "{case}: removed {removed}"
        );
    }
}

/// Events arrive at the client as soon as they are complete.
#[test]
fn complete_events_are_not_held_back() {
    let f = fixture("basic");
    let first_end = f.input.windows(2).position(|w| w == b"\n\n").unwrap() + 2;
    let mut t = switchboard_core::translate::stream_translator(
        SCHEMA,
        switchboard_core::translate::StreamContext {
            served_as: "x".to_owned(),
            created: 0,
            client_wants_usage: false,
        },
    );
    let mut out = Vec::new();
    t.on_chunk(&f.input[..first_end + 5], &mut out);
    assert_eq!(out, &f.input[..first_end]);
}

/// Whatever byte the provider's stream stops at, the client's stream ends
/// with exactly one `[DONE]`: what was complete is forwarded unchanged, then
/// `[DONE]` alone when the answer had finished, else an error event first.
#[test]
fn every_cut_point_closes_the_stream() {
    for case in [
        "basic",
        "tool_calls",
        "usage_on_content_chunk",
        "groq_usage",
    ] {
        let f = fixture(case);
        let finish_at = find(&f.input, b"\"finish_reason\":\"");
        // The finish chunk counts once its JSON is whole, blank line or not.
        let finished_at = finish_at + find(&f.input[finish_at..], b"\n\n");
        for cut in 0..=f.input.len() {
            let what = format!("{case} cut at {cut}");
            let (out, _) = run(SCHEMA, true, &f.input[..cut], &[cut]);
            assert_closed(&out, &what);
            let got = items(&out);
            let interrupted = got.len() >= 2 && error(&got[got.len() - 2]).is_some();
            // A finished answer only misses its end marker.
            assert_eq!(interrupted, cut < finished_at, "{what}");
            let body_len = if interrupted {
                assert_eq!(
                    error(&got[got.len() - 2]),
                    Some("upstream_stream_interrupted".to_owned())
                );
                let text = String::from_utf8_lossy(&out).into_owned();
                text.rfind("data: {\"error\"").unwrap()
            } else {
                out.len() - b"data: [DONE]\n\n".len()
            };
            assert!(
                f.input.starts_with(&out[..body_len]),
                "{what}: forwarded bytes are not the provider's"
            );
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

fn error(item: &Item) -> Option<String> {
    match item {
        Item::Json(v) => v["error"]["code"].as_str().map(str::to_owned),
        _ => None,
    }
}

#[test]
fn a_last_event_without_its_blank_line_is_still_delivered() {
    let f = fixture("basic");
    let input = f.input.strip_suffix(b"\n\n").unwrap();
    let (out, usage) = run(SCHEMA, false, input, &[input.len()]);
    assert_eq!(out, f.stripped);
    assert_eq!(usage_json(usage), f.usage);
    let (out, _) = run(
        SCHEMA,
        true,
        &f.input[..f.input.len() - 1],
        &[f.input.len() - 1],
    );
    assert_eq!(out, f.input);
}

#[test]
fn a_cut_crlf_stream_closes_too() {
    let f = fixture("crlf");
    let cut = find(&f.input, b"data: {\"id\":\"or1\"") + 10;
    let (out, _) = run(SCHEMA, false, &f.input[..cut], &[cut]);
    assert_closed(&out, "crlf");
    assert!(out.starts_with(b": OPENROUTER PROCESSING\r\n\r\n"));
}
