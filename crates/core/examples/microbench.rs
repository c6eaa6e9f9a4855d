//! Micro-benchmarks of the core's request path, natively in release mode:
//!
//! ```text
//! cargo run --release -p switchboard-core --example microbench [-- --quick] [-- --json FILE] [-- --only PREFIX]
//! ```
//!
//! `--only PREFIX` runs only the cases whose name starts with `PREFIX` (e.g.
//! `--only classify`), for quick back-to-back comparisons of one area.
//!
//! Cases: config load (500 models, 10k keys), authentication, request parse,
//! routing, classification, request translation (OpenAI → OpenAI model splice
//! and OpenAI → Anthropic) and response translation (Anthropic → OpenAI) at
//! 2 KB, 100 KB and 1 MB, usage extraction, and streaming per event (the
//! Anthropic stream translator, and the OpenAI watcher the policy filter runs
//! on every stream). `scripts/bench.sh` runs it and puts the table in
//! BENCHMARKS.md.
//!
//! Each case is calibrated to ~`SAMPLE_MS` per sample; the figure is the median
//! of several samples. Time is this thread's CPU time (`/proc/thread-self/
//! schedstat`) when the kernel offers it, so other processes competing for the
//! cores do not inflate it; wall time otherwise. Every result goes through
//! `black_box`. One line per case on stdout:
//! `bench <name> bytes=<n> ns_per_op=<n> [per_event_ns=<n>]`.

// A benchmark tool: failing loudly on a broken fixture is what we want.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Instant;

use serde_json::{json, Value};
use switchboard_core::auth::{self, KeyDigest};
use switchboard_core::classify::classify_chat_request;
use switchboard_core::config::Config;
use switchboard_core::translate::{
    self, stream_translator, ProviderSchema, StreamContext, TargetModel,
};
use switchboard_core::{request, route, usage};

const MODELS: usize = 500;
const KEYS: usize = 10_000;
const EVENTS: usize = 200;

struct Bench {
    sample_ms: u128,
    samples: usize,
    results: Vec<Value>,
    only: Option<String>,
}

fn cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Runs `f` `iters` times; elapsed ns (CPU time when available).
fn timed(iters: u64, f: &mut impl FnMut()) -> f64 {
    let cpu0 = cpu_ns();
    let wall0 = Instant::now();
    for _ in 0..iters {
        f();
    }
    let wall = wall0.elapsed().as_nanos() as f64;
    match (cpu0, cpu_ns()) {
        (Some(a), Some(b)) if b > a => (b - a) as f64,
        _ => wall,
    }
}

impl Bench {
    /// Whether the case `name` was selected (`--only`).
    fn wants(&self, name: &str) -> bool {
        self.only.as_deref().is_none_or(|p| name.starts_with(p))
    }

    /// Median ns per call of `f`.
    fn ns_per_op(&self, mut f: impl FnMut()) -> f64 {
        // Warm up and calibrate: double until one batch takes ≥ 1/4 sample.
        let mut iters = 1u64;
        loop {
            let ns = timed(iters, &mut f);
            if ns >= (self.sample_ms as f64) * 250_000.0 || iters >= 1 << 30 {
                let per = ns / iters as f64;
                iters = ((self.sample_ms as f64 * 1e6) / per.max(1.0)).max(1.0) as u64;
                break;
            }
            iters *= 2;
        }
        let mut samples: Vec<f64> = (0..self.samples)
            .map(|_| timed(iters, &mut f) / iters as f64)
            .collect();
        samples.sort_by(|a, b| a.total_cmp(b));
        samples[samples.len() / 2]
    }

    fn report(&mut self, name: &str, bytes: usize, ns: f64, per_event: Option<f64>) {
        let mut line = format!("bench {name} bytes={bytes} ns_per_op={ns:.0}");
        if let Some(e) = per_event {
            line.push_str(&format!(" per_event_ns={e:.0}"));
        }
        println!("{line}");
        self.results.push(json!({
            "name": name, "bytes": bytes, "ns_per_op": ns, "per_event_ns": per_event,
        }));
    }

    fn case(&mut self, name: &str, bytes: usize, f: impl FnMut()) {
        if !self.wants(name) {
            return;
        }
        let ns = self.ns_per_op(f);
        self.report(name, bytes, ns, None);
    }
}

// ------------------------------------------------------------------ fixtures

const PARAGRAPH: &str = "The council voted on Tuesday to convert two lanes of Harbour Road into a \
protected bike lane and a bus lane, ending a two-year debate. Supporters said the change would \
cut commuting times for 12,000 daily passengers; shop owners worried about \"parking\".\n\n";

/// An OpenAI chat request of about `bytes`: a system prompt, then user and
/// assistant turns of ~4 KB each (fewer, shorter turns for small bodies).
fn chat_body(model: &str, bytes: usize, stream: bool) -> Vec<u8> {
    let turn = (bytes / 2).clamp(256, 4096);
    let mut messages = vec![
        json!({"role": "system", "content": "You are a helpful assistant. Answer precisely."}),
    ];
    let mut size = 200;
    let mut user = true;
    while size < bytes {
        let mut text = String::new();
        while text.len() < turn.min(bytes - size + 16) {
            text.push_str(PARAGRAPH);
        }
        size += text.len() + 40;
        messages.push(json!({"role": if user {"user"} else {"assistant"}, "content": text}));
        user = !user;
    }
    if !user {
        messages.push(
            json!({"role": "user", "content": "Summarise the above in three bullet points."}),
        );
    }
    let mut body =
        json!({"model": model, "messages": messages, "temperature": 0.2, "max_tokens": 512});
    if stream {
        body["stream"] = json!(true);
        body["stream_options"] = json!({"include_usage": true});
    }
    serde_json::to_vec(&body).expect("fixture")
}

/// A ~2 KB code question (the classifier's slowest kind of text).
fn code_body() -> Vec<u8> {
    let code = "def average(values):\n    total = 0\n    for v in values:\n        total += v\n    return total / len(values)\n\n";
    let mut user = String::from(
        "My script crashes when the list is empty. Why, and how do I fix it?\n\n```python\n",
    );
    while user.len() < 1_800 {
        user.push_str(code);
    }
    user.push_str("```\nThanks!");
    serde_json::to_vec(&json!({
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": "You are a senior software engineer."},
            {"role": "user", "content": user}
        ]
    }))
    .expect("fixture")
}

/// An Anthropic `message` answer whose text is about `bytes` long.
fn anthropic_answer(bytes: usize) -> Vec<u8> {
    let mut text = String::new();
    while text.len() < bytes {
        text.push_str(PARAGRAPH);
    }
    serde_json::to_vec(&json!({
        "id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-bench",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 512, "output_tokens": 64,
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
    }))
    .expect("fixture")
}

/// An OpenAI `chat.completion` answer whose text is about `bytes` long.
fn openai_answer(bytes: usize) -> Vec<u8> {
    let mut text = String::new();
    while text.len() < bytes {
        text.push_str(PARAGRAPH);
    }
    serde_json::to_vec(&json!({
        "id": "chatcmpl-bench", "object": "chat.completion", "created": 1_700_000_000u64,
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 512, "completion_tokens": 64, "total_tokens": 576}
    }))
    .expect("fixture")
}

/// Anthropic SSE with `EVENTS` text deltas, each event a separate element.
fn anthropic_events() -> Vec<Vec<u8>> {
    let ev = |name: &str, data: Value| format!("event: {name}\ndata: {data}\n\n").into_bytes();
    let mut out = vec![
        ev(
            "message_start",
            json!({"type": "message_start", "message": {
            "id": "msg_bench", "type": "message", "role": "assistant", "model": "claude-bench",
            "content": [], "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 512, "output_tokens": 1}}}),
        ),
        ev(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0,
            "content_block": {"type": "text", "text": ""}}),
        ),
        ev("ping", json!({"type": "ping"})),
    ];
    for i in 0..EVENTS {
        out.push(ev(
            "content_block_delta",
            json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": format!(" tok{i}")}}),
        ));
    }
    out.push(ev(
        "content_block_stop",
        json!({"type": "content_block_stop", "index": 0}),
    ));
    out.push(ev(
        "message_delta",
        json!({"type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": null},
        "usage": {"output_tokens": EVENTS}}),
    ));
    out.push(ev("message_stop", json!({"type": "message_stop"})));
    out
}

/// OpenAI SSE with `EVENTS` content chunks, a usage chunk and `[DONE]`.
fn openai_events() -> Vec<Vec<u8>> {
    let chunk = |delta: Value, finish: Value| {
        let data = json!({"id": "chatcmpl-bench", "object": "chat.completion.chunk",
            "created": 1_700_000_000u64, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
        format!("data: {data}\n\n").into_bytes()
    };
    let mut out = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    for i in 0..EVENTS {
        out.push(chunk(json!({"content": format!(" tok{i}")}), Value::Null));
    }
    out.push(chunk(json!({}), json!("stop")));
    let usage = json!({"id": "chatcmpl-bench", "object": "chat.completion.chunk",
        "created": 1_700_000_000u64, "model": "gpt-4o-mini", "choices": [],
        "usage": {"prompt_tokens": 512, "completion_tokens": EVENTS, "total_tokens": 512 + EVENTS}});
    out.push(format!("data: {usage}\n\n").into_bytes());
    out.push(b"data: [DONE]\n\n".to_vec());
    out
}

/// A policy-role plugin config with `MODELS` models (two-step chains) and `KEYS` keys.
fn big_policy_config() -> Vec<u8> {
    let keys: Vec<Value> = (0..KEYS)
        .map(|i| {
            json!({"id": format!("key-{i}"), "team": format!("team-{}", i % 50),
                   "sha256": KeyDigest::of_key(&format!("sk-bench-{i}")).to_hex()})
        })
        .collect();
    let models: Vec<Value> = (0..MODELS)
        .map(|i| {
            let cluster = format!("sb_model-{i}");
            json!({"name": format!("model-{i}"), "cluster": cluster, "default_max_tokens": 4096,
            "chain": [
                {"provider": "openai", "model": format!("upstream-{i}"), "cluster": cluster},
                {"provider": "anthropic", "model": format!("claude-{i}"),
                 "cluster": format!("sb_model-{i}~1")}
            ]})
        })
        .collect();
    serde_json::to_vec(&json!({
        "role": "policy", "log_level": "warn", "keys": keys, "models": models,
        "accounting": {"cluster": "accounting", "authority": "accounting", "path": "/v1/usage",
                       "flush_interval_ms": 1000, "batch_max": 100, "timeout_ms": 2000},
        "max_request_body_bytes": 8_388_608
    }))
    .expect("fixture")
}

// --------------------------------------------------------------------- cases

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let json_out = args
        .iter()
        .position(|a| a == "--json")
        .and_then(|i| args.get(i + 1).cloned());
    let mut b = Bench {
        sample_ms: if quick { 40 } else { 150 },
        samples: if quick { 3 } else { 7 },
        results: Vec::new(),
        only: args
            .iter()
            .position(|a| a == "--only")
            .and_then(|i| args.get(i + 1).cloned()),
    };

    // Config load: what `on_configure` does (and every hot reload).
    let config_json = big_policy_config();
    if b.wants("config_load") {
        let mut load_ns: Vec<f64> = (0..if quick { 3 } else { 7 })
            .map(|_| {
                timed(1, &mut || {
                    drop(black_box(Config::parse(black_box(&config_json))))
                })
            })
            .collect();
        load_ns.sort_by(|a, b| a.total_cmp(b));
        let ns = load_ns[load_ns.len() / 2];
        b.report(
            "config_load_500_models_10k_keys",
            config_json.len(),
            ns,
            None,
        );
    }
    let config = Config::parse(&config_json).expect("big config parses");

    // Policy request path, step by step.
    let authorization = "Bearer sk-bench-4242";
    b.case("auth_virtual_key_10k", 0, || {
        black_box(auth::authenticate(&config, Some(black_box(authorization))).is_ok());
    });
    let body_2k = chat_body("model-321", 2_048, false);
    b.case("parse_request_head", body_2k.len(), || {
        black_box(request::parse_chat_request(black_box(&body_2k)).ok());
    });
    b.case("route_resolve_pick_500_models", 0, || {
        let target = route::resolve(&config, black_box("model-321")).expect("model");
        black_box(route::pick_cluster(target, |_| false));
    });
    b.case("policy_request_path_2k", body_2k.len(), || {
        let key = auth::authenticate(&config, Some(authorization)).expect("key");
        let head = request::parse_chat_request(black_box(&body_2k)).expect("head");
        let target = route::resolve(&config, &head.model).expect("model");
        black_box((key, route::pick_cluster(target, |_| false)));
    });

    // Classification.
    let code_2k = code_body();
    b.case("classify_code", code_2k.len(), || {
        black_box(classify_chat_request(black_box(&code_2k)).ok());
    });
    for size in [2_048usize, 102_400, 1_048_576] {
        let body = chat_body("gpt-4o-mini", size, false);
        b.case("classify_chat", body.len(), || {
            black_box(classify_chat_request(black_box(&body)).ok());
        });
    }

    // Request translation: the whole body rewritten for the provider.
    let target = TargetModel {
        upstream_model: "claude-sonnet-4-5-20250929",
        default_max_tokens: 4096,
    };
    for size in [2_048usize, 102_400, 1_048_576] {
        let body = chat_body("gpt-4o-mini", size, false);
        b.case("translate_request_openai_to_openai", body.len(), || {
            black_box(
                translate::translate_request(ProviderSchema::Openai, black_box(&body), &target)
                    .ok(),
            );
        });
        b.case("translate_request_openai_to_anthropic", body.len(), || {
            black_box(
                translate::translate_request(ProviderSchema::Anthropic, black_box(&body), &target)
                    .ok(),
            );
        });
    }

    // Response translation and usage extraction.
    for size in [2_048usize, 102_400, 1_048_576] {
        let answer = anthropic_answer(size);
        b.case(
            "translate_response_anthropic_to_openai",
            answer.len(),
            || {
                black_box(
                    translate::translate_response_at(
                        ProviderSchema::Anthropic,
                        black_box(&answer),
                        "claude",
                        1,
                    )
                    .ok(),
                );
            },
        );
        let openai = openai_answer(size);
        b.case("usage_from_openai_answer", openai.len(), || {
            black_box(usage::from_openai_body(black_box(&openai)));
        });
    }

    // Streaming: per event, events arriving one per body callback (the worst
    // case) and all in one piece.
    let context = StreamContext {
        served_as: "claude-sonnet-4-5".to_owned(),
        created: 1_700_000_000,
        client_wants_usage: true,
    };
    let streams = [
        (
            "sse_anthropic_to_openai",
            ProviderSchema::Anthropic,
            anthropic_events(),
            true,
        ),
        (
            "sse_openai_watch_drop_usage",
            ProviderSchema::Openai,
            openai_events(),
            false,
        ),
    ];
    for (name, schema, events, wants_usage) in streams {
        if !b.wants(name) {
            continue;
        }
        let whole: Vec<u8> = events.concat();
        let n = events.len() as f64;
        let mut out = Vec::with_capacity(whole.len() * 2);
        let ctx = StreamContext {
            client_wants_usage: wants_usage,
            ..context.clone()
        };
        let per_stream = b.ns_per_op(|| {
            let mut t = stream_translator(schema, ctx.clone());
            out.clear();
            for event in &events {
                t.on_chunk(black_box(event), &mut out);
            }
            t.on_end(&mut out);
            black_box((out.len(), t.usage()));
        });
        b.report(
            &format!("{name}_event_per_chunk"),
            whole.len(),
            per_stream,
            Some(per_stream / n),
        );
        let per_stream = b.ns_per_op(|| {
            let mut t = stream_translator(schema, ctx.clone());
            out.clear();
            t.on_chunk(black_box(&whole), &mut out);
            t.on_end(&mut out);
            black_box((out.len(), t.usage()));
        });
        b.report(
            &format!("{name}_one_chunk"),
            whole.len(),
            per_stream,
            Some(per_stream / n),
        );
    }

    if let Some(path) = json_out {
        let doc = json!({"cpu_time": cpu_ns().is_some(), "results": b.results});
        std::fs::write(&path, serde_json::to_vec_pretty(&doc).expect("json"))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
}
