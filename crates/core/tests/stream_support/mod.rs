//! Shared driver for the stream tests: fixtures, feeding a translator in
//! different splits, and reading its SSE output back.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use switchboard_core::translate::{stream_translator, ProviderSchema, StreamContext};
use switchboard_core::usage::Usage;

pub const SERVED_AS: &str = "claude-sonnet";
pub const CREATED: u64 = 1_700_000_000;
pub const DONE: &[u8] = b"data: [DONE]\n\n";

pub fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stream")
}

/// Case names of `<prefix>.<case>.in.sse` fixtures, sorted.
pub fn cases(prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = fs::read_dir(fixture_dir())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_prefix(&format!("{prefix}."))?
                .strip_suffix(".in.sse")
                .map(str::to_owned)
        })
        .collect();
    out.sort();
    out
}

pub fn read(name: &str) -> Option<Vec<u8>> {
    fs::read(fixture_dir().join(name)).ok()
}

pub fn usage_json(usage: Option<Usage>) -> Value {
    serde_json::to_value(usage).unwrap()
}

/// The generator of the robustness tests (declare `mod fuzz_support;` beside
/// this module).
pub use crate::fuzz_support::XorShift;

/// Piece sizes to cut an input with: whole, one byte at a time, and random
/// splits from a fixed seed, with some empty pieces (Envoy can hand over an
/// empty body).
pub fn splits(len: usize) -> Vec<Vec<usize>> {
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

/// Runs a translator over `input` cut into `sizes`, then ends the stream.
pub fn run(
    schema: ProviderSchema,
    client_wants_usage: bool,
    input: &[u8],
    sizes: &[usize],
) -> (Vec<u8>, Option<Usage>) {
    let mut t = stream_translator(
        schema,
        StreamContext {
            served_as: SERVED_AS.to_owned(),
            created: CREATED,
            client_wants_usage,
        },
    );
    let mut out = Vec::new();
    let mut rest = input;
    for &n in sizes {
        let (piece, tail) = rest.split_at(n.min(rest.len()));
        let mut piece_out = Vec::new();
        t.on_chunk(piece, &mut piece_out);
        out.extend_from_slice(&piece_out);
        rest = tail;
    }
    assert!(rest.is_empty(), "sizes do not cover the input");
    t.on_end(&mut out);
    (out, t.usage())
}

/// One event of a translator's output (events separated by a blank line).
#[derive(Debug, PartialEq)]
pub enum Item {
    Comment(String),
    Done,
    Json(Value),
}

/// Reads SSE written with `\n` line ends, one line per event.
pub fn items(sse: &[u8]) -> Vec<Item> {
    let text = std::str::from_utf8(sse).expect("output is UTF-8");
    assert!(
        text.is_empty() || text.ends_with("\n\n"),
        "output does not end with a blank line: {text:?}"
    );
    text.split_terminator("\n\n")
        .map(|event| {
            assert!(!event.contains('\n'), "one line per event: {event:?}");
            if let Some(c) = event.strip_prefix(':') {
                Item::Comment(c.trim().to_owned())
            } else if event == "data: [DONE]" {
                Item::Done
            } else {
                let data = event
                    .strip_prefix("data:")
                    .map(|d| d.strip_prefix(' ').unwrap_or(d))
                    .unwrap_or_else(|| panic!("not a data line: {event:?}"));
                Item::Json(
                    serde_json::from_str(data).unwrap_or_else(|e| panic!("not JSON ({e}): {data}")),
                )
            }
        })
        .collect()
}

/// The closing contract: exactly one `[DONE]`, and it is the very end.
pub fn assert_closed(out: &[u8], what: &str) {
    assert!(out.ends_with(DONE), "{what}: does not end with [DONE]");
    let count = out.windows(DONE.len()).filter(|w| *w == DONE).count();
    assert_eq!(count, 1, "{what}: {count} [DONE] markers");
}

pub fn is_usage_chunk(item: &Item) -> bool {
    matches!(item, Item::Json(v) if v["choices"].as_array().is_some_and(Vec::is_empty) && v["usage"].is_object())
}
