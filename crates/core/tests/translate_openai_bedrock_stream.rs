//! Bedrock `ConverseStream` → OpenAI chunks, from readable fixtures.
//!
//! `stream.<case>.in.jsonl` describes the provider's body one frame per line,
//! encoded here with the core encoder:
//! - `{"event": <type>, "payload": {…}}` — an event frame;
//! - `{"event": <type>, "raw_payload": "<text>"}` — an event with a raw payload;
//! - `{"exception": <type>, "payload": {…}}` — an exception frame;
//! - `{"error_code": …, "error_message": …}` — a `:message-type: error` frame;
//! - `{"headerless": true, "payload": {…}}` — a frame without headers;
//! - `{"corrupt": <event line>}` — that event with its message CRC broken;
//! - `{"truncate": n}` — the body so far loses its last `n` bytes (a cut).
//!
//! `stream.<case>.out.sse` is the expected client stream (usage asked for),
//! every chunk `id` written as `"<id>"` (ids are derived, and must be equal
//! within a stream). Each case runs whole, one byte at a time and in random
//! splits (with empty pieces), which must all give the same bytes; without
//! `include_usage` the output must be the same minus the usage chunk; and the
//! translator's `usage()` must match the usage chunk. `BLESS=1` writes a
//! missing `.out.sse` (review it before keeping it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use switchboard_core::eventstream::{encode, Header, HeaderValue};
use switchboard_core::translate::{stream_translator, ProviderSchema, StreamContext};
use switchboard_core::usage::Usage;

const SERVED_AS: &str = "claude-sonnet-bedrock";
const CREATED: u64 = 1_700_000_000;
const DONE: &str = "data: [DONE]";

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/translate/openai_bedrock")
}

fn event_frame(kind: &str, payload: &[u8]) -> Vec<u8> {
    encode(
        &[
            Header {
                name: ":event-type",
                value: HeaderValue::String(kind),
            },
            Header {
                name: ":content-type",
                value: HeaderValue::String("application/json"),
            },
            Header {
                name: ":message-type",
                value: HeaderValue::String("event"),
            },
        ],
        payload,
    )
    .unwrap()
}

fn frame(line: &Value) -> Vec<u8> {
    let payload = serde_json::to_vec(&line["payload"]).unwrap();
    if let Some(kind) = line["event"].as_str() {
        return match line["raw_payload"].as_str() {
            Some(raw) => event_frame(kind, raw.as_bytes()),
            None => event_frame(kind, &payload),
        };
    }
    if let Some(kind) = line["exception"].as_str() {
        return encode(
            &[
                Header {
                    name: ":exception-type",
                    value: HeaderValue::String(kind),
                },
                Header {
                    name: ":content-type",
                    value: HeaderValue::String("application/json"),
                },
                Header {
                    name: ":message-type",
                    value: HeaderValue::String("exception"),
                },
            ],
            &payload,
        )
        .unwrap();
    }
    if let Some(code) = line["error_code"].as_str() {
        return encode(
            &[
                Header {
                    name: ":error-code",
                    value: HeaderValue::String(code),
                },
                Header {
                    name: ":error-message",
                    value: HeaderValue::String(line["error_message"].as_str().unwrap()),
                },
                Header {
                    name: ":message-type",
                    value: HeaderValue::String("error"),
                },
            ],
            b"",
        )
        .unwrap();
    }
    if line["headerless"] == json!(true) {
        return encode(&[], &payload).unwrap();
    }
    if line.get("corrupt").is_some() {
        let mut bytes = frame(&line["corrupt"]);
        *bytes.last_mut().unwrap() ^= 0xFF;
        return bytes;
    }
    panic!("unknown fixture line {line}");
}

/// The provider body a fixture describes.
fn body(fixture: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for line in fixture.lines().filter(|l| !l.trim().is_empty()) {
        let line: Value = serde_json::from_str(line).unwrap();
        if let Some(n) = line["truncate"].as_u64() {
            out.truncate(out.len() - n as usize);
        } else {
            out.extend(frame(&line));
        }
    }
    out
}

fn run(input: &[u8], sizes: &[usize], wants_usage: bool) -> (Vec<u8>, Option<Usage>) {
    let mut t = stream_translator(
        ProviderSchema::Bedrock,
        StreamContext {
            served_as: SERVED_AS.to_owned(),
            created: CREATED,
            client_wants_usage: wants_usage,
        },
    );
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

fn splits(len: usize) -> Vec<Vec<usize>> {
    let mut out = vec![vec![len.max(1)], vec![1; len]];
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..40 {
        let max = [3usize, 17, 64, 300][round % 4];
        let mut sizes = Vec::new();
        let mut left = len;
        while left > 0 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            if seed.is_multiple_of(8) {
                sizes.push(0);
            }
            let n = (1 + (seed >> 8) as usize % max).min(left);
            sizes.push(n);
            left -= n;
        }
        out.push(sizes);
    }
    out
}

/// The output as lines of normalised events; checks the SSE shape, the
/// single final `[DONE]`, and that every chunk has the same id.
fn normalise(out: &[u8], case: &str) -> Vec<String> {
    let text = std::str::from_utf8(out).unwrap();
    assert!(
        text.ends_with("data: [DONE]\n\n"),
        "{case}: no final [DONE]: {text}"
    );
    let mut ids = Vec::new();
    let events: Vec<String> = text
        .split_terminator("\n\n")
        .map(|event| {
            assert!(
                !event.contains('\n'),
                "{case}: one line per event: {event:?}"
            );
            if event == DONE {
                return DONE.to_owned();
            }
            let data = event.strip_prefix("data: ").unwrap();
            let mut v: Value = serde_json::from_str(data).unwrap();
            if let Some(id) = v.get("id").and_then(Value::as_str) {
                assert!(id.starts_with("chatcmpl-bedrock-"), "{case}: id {id}");
                ids.push(id.to_owned());
                v["id"] = json!("<id>");
            }
            format!("data: {v}")
        })
        .collect();
    assert_eq!(events.iter().filter(|e| *e == DONE).count(), 1, "{case}");
    ids.dedup();
    assert!(ids.len() <= 1, "{case}: chunk ids differ: {ids:?}");
    events
}

fn is_usage_chunk(event: &str) -> bool {
    event
        .strip_prefix("data: ")
        .and_then(|d| serde_json::from_str::<Value>(d).ok())
        .is_some_and(|v| v["choices"] == json!([]) && v["usage"].is_object())
}

#[test]
fn stream_fixtures_in_every_split() {
    let mut names: Vec<String> = fs::read_dir(fixture_dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_prefix("stream.")?
                .strip_suffix(".in.jsonl")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 15, "too few stream fixtures");
    let mut failures = Vec::new();
    for case in &names {
        let input = body(
            &fs::read_to_string(fixture_dir().join(format!("stream.{case}.in.jsonl"))).unwrap(),
        );
        let (whole, usage) = run(&input, &[input.len()], true);
        for sizes in splits(input.len()) {
            let (out, split_usage) = run(&input, &sizes, true);
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&whole),
                "{case}: split {sizes:?}"
            );
            assert_eq!(split_usage, usage, "{case}");
        }
        let events = normalise(&whole, case);

        // Without include_usage: the same, minus the usage chunk.
        let (quiet, _) = run(&input, &[input.len()], false);
        let expected_quiet: Vec<String> = events
            .iter()
            .filter(|e| !is_usage_chunk(e))
            .cloned()
            .collect();
        assert_eq!(
            normalise(&quiet, case),
            expected_quiet,
            "{case}: without usage"
        );

        // usage() agrees with the usage chunk.
        let chunk_usage = events.iter().find(|e| is_usage_chunk(e)).map(|e| {
            let v: Value = serde_json::from_str(e.strip_prefix("data: ").unwrap()).unwrap();
            switchboard_core::usage::from_openai_usage(v["usage"].to_string().as_bytes()).unwrap()
        });
        assert_eq!(chunk_usage, usage, "{case}: usage()");

        let out_path = fixture_dir().join(format!("stream.{case}.out.sse"));
        let actual = events.join("\n\n") + "\n\n";
        match fs::read_to_string(&out_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "[{case}] mismatch\n--- expected\n{expected}--- actual\n{actual}"
            )),
            Err(_) => {
                if std::env::var_os("BLESS").is_some() {
                    fs::write(&out_path, &actual).unwrap();
                }
                failures.push(format!("[{case}] missing .out.sse (BLESS=1 writes one)"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn nothing_is_written_after_done() {
    let input =
        body(&fs::read_to_string(fixture_dir().join("stream.text_in_pieces.in.jsonl")).unwrap());
    let mut t = stream_translator(
        ProviderSchema::Bedrock,
        StreamContext {
            served_as: SERVED_AS.to_owned(),
            created: CREATED,
            client_wants_usage: true,
        },
    );
    let mut out = Vec::new();
    t.on_chunk(&input, &mut out);
    assert!(out.ends_with(b"data: [DONE]\n\n"));
    let len = out.len();
    t.on_chunk(&input, &mut out);
    t.on_end(&mut out);
    t.on_end(&mut out);
    assert_eq!(out.len(), len);
}

#[test]
fn frames_far_over_the_bound_end_the_stream_at_once() {
    // A prelude announcing 1 GiB with a valid CRC: refused before buffering.
    let mut prelude = (1u32 << 30).to_be_bytes().to_vec();
    prelude.extend_from_slice(&0u32.to_be_bytes());
    let crc = {
        let mut c = 0xFFFF_FFFFu32;
        for &b in &prelude {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    };
    prelude.extend_from_slice(&crc.to_be_bytes());
    let (out, usage) = run(&prelude, &[prelude.len()], true);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("bad_upstream_response"), "{text}");
    assert!(text.ends_with("data: [DONE]\n\n"));
    assert_eq!(usage, None);
}
