//! Golden tests for the Gemini stream translator.
//!
//! Every `tests/fixtures/translate/openai_gemini/stream.<case>.in.txt` (a
//! Gemini `alt=sse` body) is fed whole, one byte at a time and in random
//! pieces; the three outputs must be byte-identical and equal to
//! `stream.<case>.out.txt`, and every output must be a well-formed OpenAI
//! stream that ends with exactly one `data: [DONE]`. The client asked for the
//! usage chunk in every fixture; `without_usage_chunk` covers the other case.
//! With `BLESS=1`, missing expectation files are written (review them!).

// Test code: a failed unwrap or index *is* the assertion.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;

use std::fs;
use std::path::{Path, PathBuf};

use fuzz_support::XorShift;
use serde_json::Value;
use switchboard_core::translate::{stream_translator, ProviderSchema, StreamContext};
use switchboard_core::usage::Usage;

const DONE: &str = "data: [DONE]";

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate/openai_gemini")
}

fn context(client_wants_usage: bool) -> StreamContext {
    StreamContext {
        served_as: "gemini-flash".to_owned(),
        created: 1_700_000_000,
        client_wants_usage,
    }
}

/// Runs a whole stream through a fresh translator, cut into `sizes`.
fn translate(
    input: &[u8],
    wants_usage: bool,
    sizes: &mut dyn FnMut() -> usize,
) -> (String, Option<Usage>) {
    let mut t = stream_translator(ProviderSchema::Gemini, context(wants_usage));
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let n = sizes().clamp(1, rest.len());
        let (piece, tail) = rest.split_at(n);
        t.on_chunk(piece, &mut out);
        rest = tail;
    }
    t.on_chunk(b"", &mut out);
    t.on_end(&mut out);
    // Closing twice, or late bytes, change nothing.
    let len = out.len();
    t.on_end(&mut out);
    t.on_chunk(b"data: {}\r\n\r\n", &mut out);
    assert_eq!(out.len(), len, "output after the end");
    (String::from_utf8(out).unwrap(), t.usage())
}

/// Every event is `data: <json>` or the final `data: [DONE]`; all chunks
/// share one id.
fn check_well_formed(output: &str, case: &str) {
    assert!(
        output.ends_with("data: [DONE]\n\n"),
        "{case}: no final [DONE]"
    );
    assert_eq!(output.matches(DONE).count(), 1, "{case}: [DONE] count");
    let mut ids = Vec::new();
    for event in output.split_terminator("\n\n") {
        let data = event
            .strip_prefix("data: ")
            .unwrap_or_else(|| panic!("{case}: bad event {event:?}"));
        if data == "[DONE]" {
            continue;
        }
        let v: Value = serde_json::from_str(data).unwrap_or_else(|e| panic!("{case}: {e}"));
        if v.get("error").is_some() {
            assert!(v["error"]["code"].is_string(), "{case}");
            continue;
        }
        assert_eq!(v["object"], "chat.completion.chunk", "{case}");
        assert_eq!(v["model"], "gemini-flash", "{case}");
        ids.push(v["id"].as_str().unwrap().to_owned());
        for call in v["choices"][0]["delta"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let args: Value = serde_json::from_str(call["function"]["arguments"].as_str().unwrap())
                .unwrap_or_else(|e| panic!("{case}: arguments: {e}"));
            assert!(args.is_object(), "{case}");
        }
    }
    ids.dedup();
    assert!(ids.len() <= 1, "{case}: several ids {ids:?}");
}

#[test]
fn golden_streams_in_any_split() {
    let mut cases = 0;
    let mut failures = Vec::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let Some(stem) = file
            .strip_prefix("stream.")
            .and_then(|f| f.strip_suffix(".in.txt"))
        else {
            continue;
        };
        cases += 1;
        let input = fs::read(&path).unwrap();
        let (whole, _) = translate(&input, true, &mut || usize::MAX);
        check_well_formed(&whole, stem);
        let (bytewise, _) = translate(&input, true, &mut || 1);
        assert_eq!(bytewise, whole, "{stem}: 1-byte pieces differ");
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ input.len() as u64);
        for _ in 0..50 {
            let (random, _) = translate(&input, true, &mut || (rng.next() % 23 + 1) as usize);
            assert_eq!(random, whole, "{stem}: random pieces differ");
        }
        let expected = fixture_dir().join(format!("stream.{stem}.out.txt"));
        match fs::read_to_string(&expected) {
            Ok(text) if text == whole => {}
            Ok(text) => failures.push(format!(
                "[{stem}] mismatch\n--- expected\n{text}--- actual\n{whole}"
            )),
            Err(_) if std::env::var_os("BLESS").is_some() => fs::write(&expected, &whole).unwrap(),
            Err(_) => failures.push(format!("[{stem}] missing {}", expected.display())),
        }
    }
    assert!(cases >= 10, "too few stream fixtures");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn fixture(name: &str) -> Vec<u8> {
    fs::read(fixture_dir().join(format!("stream.{name}.in.txt"))).unwrap()
}

#[test]
fn without_usage_chunk() {
    let (with, usage_with) = translate(&fixture("text_in_pieces"), true, &mut || usize::MAX);
    let (without, usage_without) = translate(&fixture("text_in_pieces"), false, &mut || usize::MAX);
    assert!(with.contains("\"choices\":[],\"usage\":{"));
    assert!(!without.contains("usage"), "{without}");
    assert_eq!(
        with.matches("\n\n").count(),
        without.matches("\n\n").count() + 1
    );
    // Accounting sees the final usage either way.
    let expected = Usage {
        input_tokens: 5,
        output_tokens: 6,
        cached_input_tokens: 2,
        reasoning_tokens: 0,
    };
    assert_eq!(usage_with, Some(expected));
    assert_eq!(usage_without, Some(expected));
}

/// Pitfall 9: a call in one event and `STOP` in a later one still finish
/// with `tool_calls`, and the call keeps its signature.
#[test]
fn separate_stop_still_means_tool_calls() {
    let (out, _) = translate(
        &fixture("call_and_stop_in_separate_events"),
        false,
        &mut || usize::MAX,
    );
    assert!(out.contains("\"finish_reason\":\"tool_calls\""), "{out}");
    assert!(
        out.contains("\"thought_signature\":\"CiQB+/8abc==\""),
        "{out}"
    );
    assert!(
        out.contains("\"id\":\"fc_1__thought__CiQB-_8abc\""),
        "{out}"
    );
}

#[test]
fn cut_streams_end_with_an_error_event() {
    for name in ["cut_before_finish", "empty_body"] {
        let (out, _) = translate(&fixture(name), false, &mut || usize::MAX);
        assert!(
            out.contains("\"code\":\"upstream_stream_interrupted\""),
            "{out}"
        );
        assert!(out.ends_with("data: [DONE]\n\n"));
    }
}

/// Pitfall 19: an event split inside a large signature produces nothing until
/// it is complete, then exactly what it would have produced whole.
#[test]
fn large_signature_split_mid_event_never_leaks() {
    let signature = "QUJD".repeat(4096);
    let event = format!(
        "data: {{\"candidates\":[{{\"content\":{{\"parts\":[{{\"functionCall\":{{\"name\":\"f\",\"args\":{{}}}},\"thoughtSignature\":\"{signature}\"}}]}},\"finishReason\":\"STOP\"}}],\"responseId\":\"r\"}}\r\n\r\n"
    );
    let (head, tail) = event.as_bytes().split_at(event.len() / 2);
    let mut t = stream_translator(ProviderSchema::Gemini, context(false));
    let mut out = Vec::new();
    t.on_chunk(head, &mut out);
    assert!(out.is_empty(), "partial event leaked");
    t.on_chunk(tail, &mut out);
    t.on_end(&mut out);
    let (whole, _) = translate(event.as_bytes(), false, &mut || usize::MAX);
    assert_eq!(String::from_utf8(out).unwrap(), whole);
    assert!(whole.contains(&signature));
}
