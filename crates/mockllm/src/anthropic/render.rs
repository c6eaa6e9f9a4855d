//! Anthropic success bodies: the `message` object and its SSE event stream.
//!
//! Blocks, in order: a `thinking` block (`thinking`, `signature`) when the
//! request enabled thinking; then the text, or one `tool_use` block per call
//! (`parallel-tools`: several). Streamed, a thinking block is
//! `content_block_start` (empty `thinking` and `signature`), `thinking_delta`,
//! `signature_delta` just before `content_block_stop`, as published; text is
//! one `text_delta` per word, tool input one `input_json_delta` per piece.
//!
//! `stop_reason`: `end_turn`, `max_tokens`, `stop_sequence` (with the
//! matched `stop_sequence`), `tool_use`, or `refusal` (`content-filter`). Usage: `input_tokens` excludes the
//! `cache_read_input_tokens` of a `cached-<n>` scenario; thinking is billed
//! inside `output_tokens` (Anthropic reports no separate count).

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{MessagesRequest, REQUEST_ID_HEADER};
use crate::dispatch::json_response;
use crate::plan::{pieces, text, Plan, Reply, THINKING_SIGNATURE, THOUGHT, TOOL_ARGUMENT_PIECES};
use crate::sse;

/// Events sent before a `midstream-reset` break: message_start, content_block_start,
/// ping and the first content_block_delta.
const EVENTS_BEFORE_BREAK: usize = 4;

/// Ids of one answer.
pub(super) struct Ids<'a> {
    pub message: &'a str,
    pub tool_use: &'a str,
    pub request: &'a str,
}

/// The id of the `k`-th call of one answer.
fn tool_use_id(ids: &Ids<'_>, k: usize) -> String {
    if k == 0 {
        ids.tool_use.to_owned()
    } else {
        format!("{}_{k}", ids.tool_use)
    }
}

/// The answer's blocks, complete (non-streaming shape).
fn blocks(plan: &Plan, ids: &Ids<'_>) -> Vec<Value> {
    let mut out = Vec::new();
    if plan.reasoning {
        out.push(json!({"type": "thinking", "thinking": THOUGHT, "signature": THINKING_SIGNATURE}));
    }
    match &plan.reply {
        Reply::Text { words, .. } => out.push(json!({"type": "text", "text": text(words)})),
        Reply::ToolCall { .. } => {
            for (k, name) in plan.calls().into_iter().enumerate() {
                out.push(json!({
                    "type": "tool_use",
                    "id": tool_use_id(ids, k),
                    "name": name,
                    "input": {"mock": true},
                }));
            }
        }
    }
    out
}

/// Non-streaming `message`.
pub(super) fn message(request: &MessagesRequest, ids: &Ids<'_>) -> Response {
    let plan = &request.plan;
    let body = json!({
        "id": ids.message,
        "type": "message",
        "role": "assistant",
        "model": request.model,
        "content": blocks(plan, ids),
        "stop_reason": stop_reason(plan),
        "stop_sequence": plan.stop_sequence,
        "usage": usage(plan, output_tokens(plan)),
    });
    json_response(StatusCode::OK, &body, REQUEST_ID_HEADER, ids.request)
}

/// A block's start (with empty content) and its deltas.
fn streamed_block(block: &Value) -> (Value, Vec<Value>) {
    match block.get("type").and_then(Value::as_str) {
        Some("thinking") => (
            json!({"type": "thinking", "thinking": "", "signature": ""}),
            vec![
                json!({"type": "thinking_delta", "thinking": THOUGHT}),
                json!({"type": "signature_delta", "signature": THINKING_SIGNATURE}),
            ],
        ),
        Some("tool_use") => {
            let mut start = block.clone();
            if let Some(object) = start.as_object_mut() {
                object.insert("input".to_owned(), json!({}));
            }
            let deltas = TOOL_ARGUMENT_PIECES
                .iter()
                .map(|piece| json!({"type": "input_json_delta", "partial_json": piece}))
                .collect();
            (start, deltas)
        }
        _ => {
            let text = block.get("text").and_then(Value::as_str).unwrap_or("");
            let words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
            let deltas = pieces(&words)
                .into_iter()
                .map(|piece| json!({"type": "text_delta", "text": piece}))
                .collect();
            (json!({"type": "text", "text": ""}), deltas)
        }
    }
}

/// Streaming answer in the published event order.
pub(super) fn stream(request: &MessagesRequest, ids: &Ids<'_>, midstream_reset: bool) -> Response {
    let plan = &request.plan;
    let mut events = vec![sse::event(
        "message_start",
        &json!({
            "type": "message_start",
            "message": {
                "id": ids.message,
                "type": "message",
                "role": "assistant",
                "model": request.model,
                "content": [],
                "stop_reason": null,
                "stop_sequence": null,
                "usage": usage(plan, 1),
            },
        }),
    )];
    for (index, block) in blocks(plan, ids).iter().enumerate() {
        let (start, deltas) = streamed_block(block);
        events.push(sse::event(
            "content_block_start",
            &json!({"type": "content_block_start", "index": index, "content_block": start}),
        ));
        if index == 0 {
            events.push(sse::event("ping", &json!({"type": "ping"})));
        }
        for delta in deltas {
            events.push(sse::event(
                "content_block_delta",
                &json!({"type": "content_block_delta", "index": index, "delta": delta}),
            ));
        }
        events.push(sse::event(
            "content_block_stop",
            &json!({"type": "content_block_stop", "index": index}),
        ));
    }
    events.push(sse::event(
        "message_delta",
        &json!({
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason(plan), "stop_sequence": plan.stop_sequence},
            "usage": {"output_tokens": output_tokens(plan)},
        }),
    ));
    events.push(sse::event("message_stop", &json!({"type": "message_stop"})));
    let break_after = midstream_reset.then_some(EVENTS_BEFORE_BREAK);
    sse::response(events, break_after, REQUEST_ID_HEADER, ids.request)
}

fn stop_reason(plan: &Plan) -> &'static str {
    match plan.reply {
        Reply::ToolCall { .. } => "tool_use",
        Reply::Text { .. } if plan.filtered => "refusal",
        Reply::Text {
            truncated: true, ..
        } => "max_tokens",
        Reply::Text { .. } if plan.stop_sequence.is_some() => "stop_sequence",
        Reply::Text { .. } => "end_turn",
    }
}

/// Visible answer plus thinking: Anthropic bills both as output.
fn output_tokens(plan: &Plan) -> u64 {
    plan.output_tokens() + plan.reasoning_tokens()
}

fn usage(plan: &Plan, output_tokens: u64) -> Value {
    json!({
        "input_tokens": plan.uncached_input_tokens(),
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": plan.cached_tokens,
    })
}
