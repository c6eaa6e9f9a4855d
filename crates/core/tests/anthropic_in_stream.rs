//! Golden tests for the OpenAI chunk stream → Anthropic SSE translator
//! (`anthropic_in::stream_to_anthropic`).
//!
//! Every `tests/fixtures/anthropic_in/stream.<case>.in.sse` is fed whole, one
//! byte at a time and in random splits (empty pieces included); every split
//! must give the same bytes, which must match `stream.<case>.out.sse` event
//! by event (event name + parsed JSON), and `usage()` must match
//! `stream.<case>.usage.json`. Every output, and the output for every cut
//! point of every input, must follow Anthropic's published event grammar
//! (fact sheet section 2), checked by [`check_grammar`].
//!
//! Set `ANTHROPIC_IN_BLESS=1` to write missing expectations (then review them).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use switchboard_core::translate::anthropic_in::stream_to_anthropic;
use switchboard_core::usage::Usage;

const MODEL: &str = "m-client";

/// Cases whose input breaks OpenAI's rules on purpose; their output may send
/// a delta to a block already stopped (see the translator's module doc).
const NON_CONFORMING: &[&str] = &["interleaved_tools"];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/anthropic_in")
}

fn cases() -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_prefix("stream.")?
                .strip_suffix(".in.sse")
                .map(str::to_owned)
        })
        .collect();
    out.sort();
    out
}

struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x % n.max(1) as u64) as usize
    }
}

fn splits(len: usize) -> Vec<Vec<usize>> {
    let mut out = vec![vec![len.max(1)], vec![1; len]];
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for round in 0..40 {
        let max = [3, 17, 64, 300][round % 4];
        let mut sizes = Vec::new();
        let mut left = len;
        while left > 0 {
            if rng.below(8) == 0 {
                sizes.push(0);
            }
            let n = (1 + rng.below(max)).min(left);
            sizes.push(n);
            left -= n;
        }
        out.push(sizes);
    }
    out
}

fn run(input: &[u8], sizes: &[usize]) -> (Vec<u8>, Option<Usage>) {
    let mut t = stream_to_anthropic(MODEL);
    let mut out = Vec::new();
    let mut rest = input;
    for &n in sizes {
        let (piece, tail) = rest.split_at(n.min(rest.len()));
        t.on_chunk(piece, &mut out);
        rest = tail;
    }
    assert!(rest.is_empty());
    t.on_end(&mut out);
    (out, t.usage())
}

/// `(event name, data)` for each event; asserts the wire format: exactly an
/// `event:` line and a `data:` line whose `type` equals the event name.
fn events(sse: &[u8]) -> Vec<(String, Value)> {
    let text = std::str::from_utf8(sse).expect("output is UTF-8");
    assert!(text.is_empty() || text.ends_with("\n\n"), "{text:?}");
    text.split_terminator("\n\n")
        .map(|event| {
            let (name_line, data_line) = event.split_once('\n').expect("two lines");
            let name = name_line.strip_prefix("event: ").expect("event line");
            let data = data_line.strip_prefix("data: ").expect("data line");
            assert!(!data.contains('\n'), "one data line: {event:?}");
            let value: Value = serde_json::from_str(data).expect("data is JSON");
            assert_eq!(value["type"], name, "type matches the event name");
            (name.to_owned(), value)
        })
        .collect()
}

/// Anthropic's stream grammar: `message_start`, then blocks numbered from 0
/// (`content_block_start`, deltas of the block's own kind,
/// `content_block_stop`; one open at a time), then `message_delta` with a
/// stop reason and usage, then `message_stop`. `ping` anywhere; `error`
/// ends the stream at any point. The stream must end with `message_stop` or
/// `error`.
fn check_grammar(events: &[(String, Value)], lenient: bool, what: &str) {
    let mut started = false;
    let mut blocks: Vec<String> = Vec::new();
    let mut open: Option<usize> = None;
    let mut delta_seen = false;
    let mut ended = false;
    for (name, v) in events {
        assert!(!ended, "{what}: {name} after the end");
        match name.as_str() {
            "ping" => {}
            "error" => {
                let kind = v["error"]["type"].as_str().unwrap();
                assert!(
                    !kind.is_empty() && v["error"]["message"].is_string(),
                    "{what}"
                );
                ended = true;
            }
            "message_start" => {
                assert!(!started, "{what}: second message_start");
                started = true;
                let m = &v["message"];
                assert_eq!(m["type"], "message");
                assert_eq!(m["role"], "assistant");
                assert_eq!(m["model"], MODEL);
                assert!(m["id"].as_str().unwrap().starts_with("msg_"), "{what}");
                assert_eq!(m["content"], serde_json::json!([]));
                assert!(m["stop_reason"].is_null());
                assert!(m["usage"]["input_tokens"].is_u64());
                assert!(m["usage"]["output_tokens"].is_u64());
            }
            "content_block_start" => {
                assert!(started && !delta_seen, "{what}: block outside the message");
                assert!(open.is_none(), "{what}: two blocks open");
                let index = v["index"].as_u64().unwrap() as usize;
                assert_eq!(index, blocks.len(), "{what}: block index");
                let block = &v["content_block"];
                let kind = block["type"].as_str().unwrap().to_owned();
                match kind.as_str() {
                    "text" => assert_eq!(block["text"], ""),
                    "thinking" => assert_eq!(block["thinking"], ""),
                    "tool_use" => {
                        assert!(block["id"].as_str().is_some_and(|i| !i.is_empty()));
                        assert!(block["name"].is_string());
                        assert_eq!(block["input"], serde_json::json!({}));
                    }
                    other => panic!("{what}: block type {other}"),
                }
                blocks.push(kind);
                open = Some(index);
            }
            "content_block_delta" => {
                let index = v["index"].as_u64().unwrap() as usize;
                if !lenient {
                    assert_eq!(open, Some(index), "{what}: delta for a closed block");
                }
                let expected = match blocks[index].as_str() {
                    "text" => "text_delta",
                    "thinking" => "thinking_delta",
                    _ => "input_json_delta",
                };
                assert_eq!(v["delta"]["type"], expected, "{what}");
            }
            "content_block_stop" => {
                let index = v["index"].as_u64().unwrap() as usize;
                assert_eq!(open, Some(index), "{what}: stop for a block not open");
                open = None;
            }
            "message_delta" => {
                assert!(started && open.is_none() && !delta_seen, "{what}");
                delta_seen = true;
                let reason = v["delta"]["stop_reason"].as_str().unwrap();
                assert!(
                    ["end_turn", "max_tokens", "tool_use", "refusal"].contains(&reason),
                    "{what}: {reason}"
                );
                assert!(v["delta"]["stop_sequence"].is_null());
                for field in [
                    "input_tokens",
                    "output_tokens",
                    "cache_read_input_tokens",
                    "cache_creation_input_tokens",
                ] {
                    assert!(v["usage"][field].is_u64(), "{what}: usage.{field}");
                }
            }
            "message_stop" => {
                assert!(delta_seen, "{what}: message_stop without message_delta");
                ended = true;
            }
            other => panic!("{what}: unknown event {other}"),
        }
    }
    assert!(ended, "{what}: stream not closed");
}

fn read(name: &str) -> Option<Vec<u8>> {
    fs::read(dir().join(name)).ok()
}

#[test]
fn golden_fixtures_in_every_split() {
    let bless = std::env::var_os("ANTHROPIC_IN_BLESS").is_some();
    let cases = cases();
    assert!(cases.len() >= 15, "fixtures missing: {cases:?}");
    for case in &cases {
        let input = read(&format!("stream.{case}.in.sse")).unwrap();
        let (whole, usage) = run(&input, &[input.len()]);
        let got = events(&whole);
        check_grammar(&got, NON_CONFORMING.contains(&case.as_str()), case);
        for sizes in splits(input.len()) {
            let (out, split_usage) = run(&input, &sizes);
            assert_eq!(out, whole, "{case}: split {sizes:?} differs");
            assert_eq!(split_usage, usage, "{case}: split usage");
        }
        let usage_json = serde_json::to_value(usage).unwrap();
        match (
            read(&format!("stream.{case}.out.sse")),
            read(&format!("stream.{case}.usage.json")),
        ) {
            (Some(out), Some(u)) => {
                assert_eq!(
                    got,
                    events(&out),
                    "{case}: output\n{}",
                    String::from_utf8_lossy(&whole)
                );
                let expected: Value = serde_json::from_slice(&u).unwrap();
                assert_eq!(usage_json, expected, "{case}: usage");
            }
            _ if bless => {
                fs::write(dir().join(format!("stream.{case}.out.sse")), &whole).unwrap();
                let text = serde_json::to_string_pretty(&usage_json).unwrap() + "\n";
                fs::write(dir().join(format!("stream.{case}.usage.json")), text).unwrap();
            }
            _ => panic!(
                "{case}: no expectation; got\n{}",
                String::from_utf8_lossy(&whole)
            ),
        }
    }
}

/// Whatever byte the stream stops at, the client's stream is closed
/// grammatically, and what came before the cut is what the full run sent;
/// only closing events (`content_block_stop`, `message_delta`,
/// `message_stop`, `error`, or a `message_start` for an empty answer) differ.
#[test]
fn every_cut_point_closes_the_stream() {
    for case in cases() {
        let input = read(&format!("stream.{case}.in.sse")).unwrap();
        let full = events(&run(&input, &[input.len()]).0);
        for cut in 0..input.len() {
            let what = format!("{case} cut at {cut}");
            let got = events(&run(&input[..cut], &[cut]).0);
            check_grammar(&got, NON_CONFORMING.contains(&case.as_str()), &what);
            let same = got.iter().zip(&full).take_while(|(a, b)| a == b).count();
            for (name, _) in &got[same..] {
                assert!(
                    [
                        "content_block_stop",
                        "message_delta",
                        "message_stop",
                        "error",
                        "message_start"
                    ]
                    .contains(&name.as_str()),
                    "{what}: unexpected {name} after the common prefix"
                );
            }
        }
    }
}

/// The cut before any finish ends with an `api_error`; after the finish the
/// answer is closed normally.
#[test]
fn cut_streams_end_with_api_error() {
    let input = read("stream.cut.in.sse").unwrap();
    let got = events(&run(&input, &[input.len()]).0);
    let (name, last) = got.last().unwrap();
    assert_eq!(name, "error");
    assert_eq!(last["error"]["type"], "api_error");
    let text: String = got
        .iter()
        .filter(|(n, _)| n == "content_block_delta")
        .map(|(_, v)| v["delta"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(text, "Partial");
}

/// Nothing is written after the stream is closed, whatever follows.
#[test]
fn nothing_after_the_end() {
    let mut t = stream_to_anthropic(MODEL);
    let mut out = Vec::new();
    t.on_chunk(b"data: [DONE]\n\n", &mut out);
    let closed = out.len();
    t.on_chunk(
        b"data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n: ping\n\n",
        &mut out,
    );
    t.on_end(&mut out);
    t.on_end(&mut out);
    assert_eq!(out.len(), closed);
}
