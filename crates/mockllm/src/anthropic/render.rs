//! Anthropic success bodies: the `message` object and its SSE event stream.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{MessagesRequest, REQUEST_ID_HEADER};
use crate::dispatch::json_response;
use crate::plan::{pieces, text, Plan, Reply, TOOL_ARGUMENT_PIECES};
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

/// Non-streaming `message`.
pub(super) fn message(request: &MessagesRequest, ids: &Ids<'_>) -> Response {
    let content = match &request.plan.reply {
        Reply::Text { words, .. } => json!([{"type": "text", "text": text(words)}]),
        Reply::ToolCall { name } => json!([{
            "type": "tool_use",
            "id": ids.tool_use,
            "name": name,
            "input": {"mock": true},
        }]),
    };
    let body = json!({
        "id": ids.message,
        "type": "message",
        "role": "assistant",
        "model": request.model,
        "content": content,
        "stop_reason": stop_reason(&request.plan),
        "stop_sequence": null,
        "usage": usage(request.plan.input_tokens, request.plan.output_tokens()),
    });
    json_response(StatusCode::OK, &body, REQUEST_ID_HEADER, ids.request)
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
                "usage": usage(plan.input_tokens, 1),
            },
        }),
    )];
    let (block, deltas): (Value, Vec<Value>) = match &plan.reply {
        Reply::Text { words, .. } => (
            json!({"type": "text", "text": ""}),
            pieces(words)
                .into_iter()
                .map(|piece| json!({"type": "text_delta", "text": piece}))
                .collect(),
        ),
        Reply::ToolCall { name } => (
            json!({"type": "tool_use", "id": ids.tool_use, "name": name, "input": {}}),
            TOOL_ARGUMENT_PIECES
                .iter()
                .map(|piece| json!({"type": "input_json_delta", "partial_json": piece}))
                .collect(),
        ),
    };
    events.push(sse::event(
        "content_block_start",
        &json!({"type": "content_block_start", "index": 0, "content_block": block}),
    ));
    events.push(sse::event("ping", &json!({"type": "ping"})));
    for delta in deltas {
        events.push(sse::event(
            "content_block_delta",
            &json!({"type": "content_block_delta", "index": 0, "delta": delta}),
        ));
    }
    events.push(sse::event(
        "content_block_stop",
        &json!({"type": "content_block_stop", "index": 0}),
    ));
    events.push(sse::event(
        "message_delta",
        &json!({
            "type": "message_delta",
            "delta": {"stop_reason": stop_reason(plan), "stop_sequence": null},
            "usage": {"output_tokens": plan.output_tokens()},
        }),
    ));
    events.push(sse::event("message_stop", &json!({"type": "message_stop"})));
    let break_after = midstream_reset.then_some(EVENTS_BEFORE_BREAK);
    sse::response(events, break_after, REQUEST_ID_HEADER, ids.request)
}

fn stop_reason(plan: &Plan) -> &'static str {
    match plan.reply {
        Reply::Text {
            truncated: false, ..
        } => "end_turn",
        Reply::Text {
            truncated: true, ..
        } => "max_tokens",
        Reply::ToolCall { .. } => "tool_use",
    }
}

fn usage(input_tokens: u64, output_tokens: u64) -> Value {
    json!({
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
    })
}
