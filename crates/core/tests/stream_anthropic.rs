//! Golden tests for the Anthropic SSE → OpenAI chunk stream translator.
//!
//! Every `tests/fixtures/stream/anthropic.<case>.in.sse` is fed whole, one
//! byte at a time and in random splits; every split must give the same bytes,
//! and those must match `anthropic.<case>.out.sse` event by event (as parsed
//! JSON, comments as text, exact `data: [DONE]` ending). Each case runs with
//! and without the client's `include_usage` (without it, the usage chunk is
//! the only difference); `anthropic.<case>.usage.json` is what accounting
//! must read either way.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;
mod stream_support;

use serde_json::{json, Value};
use stream_support::{
    assert_closed, cases, is_usage_chunk, items, read, run, splits, usage_json, Item,
};
use switchboard_core::translate::{stream_translator, ProviderSchema, StreamContext};

const SCHEMA: ProviderSchema = ProviderSchema::Anthropic;

fn fixture(case: &str) -> (Vec<u8>, Vec<Item>, Value) {
    let input = read(&format!("anthropic.{case}.in.sse")).unwrap();
    let expected = items(&read(&format!("anthropic.{case}.out.sse")).unwrap());
    let usage: Value =
        serde_json::from_slice(&read(&format!("anthropic.{case}.usage.json")).unwrap()).unwrap();
    (input, expected, usage)
}

#[test]
fn golden_fixtures_in_every_split() {
    let cases = cases("anthropic");
    assert!(cases.len() >= 8, "fixtures missing: {cases:?}");
    for case in &cases {
        let (input, expected, usage) = fixture(case);
        for wants_usage in [true, false] {
            let expected: Vec<&Item> = expected
                .iter()
                .filter(|i| wants_usage || !is_usage_chunk(i))
                .collect();
            let what = format!("{case} (include_usage: {wants_usage})");
            let (whole, whole_usage) = run(SCHEMA, wants_usage, &input, &[input.len()]);
            assert_closed(&whole, &what);
            let got = items(&whole);
            assert_eq!(
                got.iter().collect::<Vec<_>>(),
                expected,
                "{what}: output\n{}",
                String::from_utf8_lossy(&whole)
            );
            assert_eq!(usage_json(whole_usage), usage, "{what}: usage");
            for sizes in splits(input.len()) {
                let (out, split_usage) = run(SCHEMA, wants_usage, &input, &sizes);
                assert_eq!(out, whole, "{what}: split {sizes:?} differs");
                assert_eq!(split_usage, whole_usage, "{what}: split usage");
            }
        }
    }
}

fn error_code(item: &Item) -> Option<&str> {
    match item {
        Item::Json(v) => v["error"]["code"].as_str(),
        _ => None,
    }
}

/// Pitfall 15: whatever byte the provider's stream stops at, the client's
/// stream is closed: what was complete is sent as in the full run, followed
/// by an `upstream_stream_interrupted` error and `[DONE]` unless the answer
/// was finished.
#[test]
fn every_cut_point_closes_the_stream() {
    for case in cases("anthropic") {
        let (input, _, _) = fixture(&case);
        let full = items(&run(SCHEMA, true, &input, &[input.len()]).0);
        for cut in 0..=input.len() {
            let (out, _) = run(SCHEMA, true, &input[..cut], &[cut]);
            let what = format!("{case} cut at {cut}");
            assert_closed(&out, &what);
            let got = items(&out);
            if got == full {
                continue;
            }
            let n = got.len();
            assert!(n >= 2, "{what}");
            assert_eq!(
                error_code(&got[n - 2]),
                Some("upstream_stream_interrupted"),
                "{what}"
            );
            assert_eq!(got[..n - 2], full[..n - 2], "{what}: not a prefix");
        }
    }
}

#[test]
fn a_cut_before_message_stop_is_an_error_even_after_the_finish_chunk() {
    let (input, _, usage) = fixture("tool_use_parallel");
    let text = String::from_utf8(input).unwrap();
    let cut = text.find("event: message_stop").unwrap();
    let (out, got_usage) = run(SCHEMA, true, &text.as_bytes()[..cut], &[cut]);
    let got = items(&out);
    let n = got.len();
    assert_eq!(got[n - 1], Item::Done);
    let Item::Json(error) = &got[n - 2] else {
        panic!("no error event")
    };
    assert_eq!(
        error,
        &json!({"error": {
            "message": "The provider's stream ended before the answer was complete.",
            "type": "server_error", "param": null, "code": "upstream_stream_interrupted"}})
    );
    assert!(
        !got.iter().any(is_usage_chunk),
        "no usage chunk on a cut stream"
    );
    // What was counted so far still reaches accounting.
    assert_eq!(usage_json(got_usage), usage);
}

fn translator(wants_usage: bool) -> Box<dyn switchboard_core::translate::StreamTranslator> {
    stream_translator(
        SCHEMA,
        StreamContext {
            served_as: "m".to_owned(),
            created: 5,
            client_wants_usage: wants_usage,
        },
    )
}

#[test]
fn an_empty_stream_still_closes() {
    let mut t = translator(true);
    let mut out = Vec::new();
    t.on_end(&mut out);
    let got = items(&out);
    assert_eq!(error_code(&got[0]), Some("upstream_stream_interrupted"));
    assert_eq!(got[1], Item::Done);
    assert_eq!(t.usage(), None);
}

#[test]
fn nothing_is_written_after_the_end() {
    let (input, _, _) = fixture("text");
    let mut t = translator(false);
    let mut out = Vec::new();
    t.on_chunk(&input, &mut out);
    assert!(out.ends_with(b"data: [DONE]\n\n"));
    let mut more = Vec::new();
    t.on_chunk(b"event: ping\ndata: {\"type\":\"ping\"}\n\n", &mut more);
    t.on_end(&mut more);
    t.on_end(&mut more);
    assert!(more.is_empty(), "{}", String::from_utf8_lossy(&more));
}

#[test]
fn message_stop_without_a_stop_reason_still_finishes() {
    let mut t = translator(false);
    let mut out = Vec::new();
    t.on_chunk(
        b"data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}\n\ndata: {\"type\":\"message_stop\"}\n\n",
        &mut out,
    );
    let got = items(&out);
    // No message_start: the role chunk is still first (with an empty id).
    let Item::Json(first) = &got[0] else { panic!() };
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    assert_eq!(first["id"], "");
    let Item::Json(last) = &got[got.len() - 2] else {
        panic!()
    };
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    assert_eq!(got.last(), Some(&Item::Done));
}

#[test]
fn an_unreadable_event_ends_the_stream_with_an_error() {
    let mut t = translator(true);
    let mut out = Vec::new();
    t.on_chunk(
        b"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        &mut out,
    );
    t.on_end(&mut out);
    assert_closed(&out, "unreadable");
    let got = items(&out);
    assert_eq!(got.len(), 2);
    assert_eq!(error_code(&got[0]), Some("bad_upstream_response"));
}

#[test]
fn error_events_keep_anthropic_meaning() {
    for (kind, code) in [
        ("overloaded_error", "overloaded"),
        ("rate_limit_error", "rate_limit_exceeded"),
        ("api_error", "upstream_error"),
        ("brand_new_error", "upstream_error"),
    ] {
        let mut t = translator(true);
        let mut out = Vec::new();
        let event = json!({"type": "error", "error": {"type": kind, "message": "m".repeat(900)}});
        t.on_chunk(
            format!("event: error\ndata: {event}\n\n").as_bytes(),
            &mut out,
        );
        t.on_end(&mut out);
        assert_closed(&out, kind);
        let got = items(&out);
        assert_eq!(error_code(&got[0]), Some(code), "{kind}");
        let Item::Json(v) = &got[0] else { panic!() };
        assert!(v["error"]["message"].as_str().unwrap().chars().count() <= 501);
    }
}

/// The same chunk envelope on every chunk, and `finish_reason` only on the last
/// choice chunk (checked on every fixture, beyond the golden comparison).
#[test]
fn chunk_envelopes_are_uniform() {
    for case in cases("anthropic") {
        let (input, _, _) = fixture(&case);
        let got = items(&run(SCHEMA, true, &input, &[input.len()]).0);
        let chunks: Vec<&Value> = got
            .iter()
            .filter_map(|i| match i {
                Item::Json(v) if v.get("error").is_none() => Some(v),
                _ => None,
            })
            .collect();
        let id = &chunks[0]["id"];
        assert!(id.as_str().unwrap().starts_with("msg_"), "{case}");
        let with_choices: Vec<&&Value> = chunks
            .iter()
            .filter(|c| !c["choices"].as_array().unwrap().is_empty())
            .collect();
        for (n, c) in with_choices.iter().enumerate() {
            assert_eq!(&c["id"], id, "{case}");
            assert_eq!(c["object"], "chat.completion.chunk");
            assert_eq!(c["created"], stream_support::CREATED);
            assert_eq!(c["model"], stream_support::SERVED_AS);
            assert_eq!(c["choices"][0]["index"], 0);
            let last = n + 1 == with_choices.len() && case != "error_midstream";
            assert_eq!(
                c["choices"][0]["finish_reason"].is_string(),
                last,
                "{case}: {c}"
            );
        }
    }
}
