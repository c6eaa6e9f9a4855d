//! Micro-benchmark of task recognition (ignored by default; asserts nothing).
//!
//! Prints nanoseconds per classified request for a 2 KB, a 100 KB and a 1 MB body
//! (plus a 100 KB CJK one), and for the token estimator alone. Run natively in
//! release mode:
//!
//! ```text
//! cargo test --release -p switchboard-core --test classify_bench -- --ignored --nocapture
//! ```
//!
//! Output lines have the stable form `bench <name> bytes=<n> ns_per_request=<n>`
//! so a benchmark script can parse them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use serde_json::json;
use switchboard_core::classify::classify_chat_request;
use switchboard_core::estimate::estimate_request_tokens;

const PARAGRAPH: &str = "The council voted on Tuesday to convert two lanes of Harbour Road into a protected bike lane and a bus lane, ending a two-year debate. Supporters said the change would cut commuting times for 12,000 daily passengers; shop owners worried about parking.\n\n";
const ZH_PARAGRAPH: &str = "近年来，随着城市人口持续增长，许多大城市的通勤时间不断延长。调查显示，特大城市居民的平均单程通勤时间已超过四十分钟。\n\n";

fn body_with(system: &str, user: String) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "model": "auto",
        "messages": [
            {"role": "system", "content": system},
            {"role": "user", "content": user}
        ],
        "temperature": 0.2
    }))
    .unwrap()
}

/// A ~2 KB request dense in code (the slowest kind of text to scan): system
/// prompt, a question and a code snippet.
fn two_kb() -> Vec<u8> {
    let code = "def average(values):\n    total = 0\n    for v in values:\n        total += v\n    return total / len(values)\n\n";
    let mut user = String::from(
        "My script crashes when the list is empty. Why, and how do I fix it?\n\n```python\n",
    );
    while user.len() < 1_600 {
        user.push_str(code);
    }
    user.push_str("```\nThanks!");
    body_with(
        "You are a senior software engineer. Answer with working code.",
        user,
    )
}

fn document(paragraph: &str, bytes: usize, instruction: &str) -> Vec<u8> {
    let mut user = String::from(instruction);
    while user.len() < bytes {
        user.push_str(paragraph);
    }
    user.push_str("\nPlease summarise the document above in five bullet points.");
    body_with("You are a helpful assistant.", user)
}

/// CPU time of this thread in ns (Linux), so that other processes competing for
/// the cores do not inflate the figures; wall time elsewhere.
fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn ns_per_call(body: &[u8], f: impl Fn(&[u8]) -> u32) -> f64 {
    // Calibrate the iteration count to ~0.3 s per case.
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed().as_millis() < 50 {
        black_box(f(black_box(body)));
        n += 1;
    }
    let iterations = (n * 6).max(3);
    let (wall, cpu) = (Instant::now(), cpu_ns());
    for _ in 0..iterations {
        black_box(f(black_box(body)));
    }
    let elapsed = match (cpu, cpu_ns()) {
        (Some(a), Some(b)) if b > a => (b - a) as f64,
        _ => wall.elapsed().as_nanos() as f64,
    };
    elapsed / f64::from(iterations)
}

#[test]
#[ignore = "benchmark: run in release with --ignored --nocapture"]
fn classify_ns_per_request() {
    let cases = [
        ("2kb", two_kb()),
        ("2kb_prose", document(PARAGRAPH, 1_700, "Read this.\n\n")),
        (
            "100kb",
            document(PARAGRAPH, 100 * 1024, "Read this report.\n\n"),
        ),
        (
            "1mb",
            document(PARAGRAPH, 1024 * 1024, "Read this report.\n\n"),
        ),
        (
            "100kb_cjk",
            document(ZH_PARAGRAPH, 100 * 1024, "请阅读以下报告。\n\n"),
        ),
    ];
    // CLASSIFY_BENCH_CASE=2kb runs one case only (for profiling).
    let only = std::env::var("CLASSIFY_BENCH_CASE").ok();
    let cases: Vec<_> = cases
        .into_iter()
        .filter(|(name, _)| only.as_deref().is_none_or(|o| o == *name))
        .collect();
    for (name, body) in &cases {
        let c = classify_chat_request(body).unwrap();
        let ns = ns_per_call(body, |b| {
            classify_chat_request(b).map_or(0, |c| c.kind as u32)
        });
        println!(
            "bench classify_{name} bytes={} ns_per_request={ns:.0} kind={} tokens={}",
            body.len(),
            c.kind,
            c.features.prompt_tokens_estimate
        );
    }
    for (name, body) in &cases {
        let ns = ns_per_call(body, estimate_request_tokens);
        println!(
            "bench estimate_{name} bytes={} ns_per_request={ns:.0}",
            body.len()
        );
    }
}
