//! OpenAI success bodies: `chat.completion` and the `chat.completion.chunk` stream.
//!
//! Reasoning is never shown (as OpenAI does): it only counts, inside
//! `completion_tokens` and as `completion_tokens_details.reasoning_tokens`.
//! Cache reads are `prompt_tokens_details.cached_tokens`, part of
//! `prompt_tokens`. Parallel calls are several `tool_calls` with indexes
//! 0, 1, …, each streamed as a first fragment (id, type, name) and then its
//! argument pieces.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::{ChatRequest, REQUEST_ID_HEADER};
use crate::dispatch::json_response;
use crate::ids::unix_now;
use crate::plan::{pieces, text, Plan, Reply, TOOL_ARGUMENTS, TOOL_ARGUMENT_PIECES};
use crate::sse;

const FINGERPRINT: &str = "fp_mock";

/// Events sent before a `midstream-reset` break: the role chunk and the first content chunk.
const EVENTS_BEFORE_BREAK: usize = 2;

/// Non-streaming `chat.completion`.
pub(super) fn completion(request: &ChatRequest, id: &str, request_id: &str) -> Response {
    let message = match &request.plan.reply {
        Reply::Text { words, .. } => json!({
            "role": "assistant",
            "content": text(words),
            "refusal": null,
        }),
        Reply::ToolCall { .. } => {
            let calls: Vec<Value> = request
                .plan
                .calls()
                .into_iter()
                .enumerate()
                .map(|(k, name)| {
                    json!({
                        "id": tool_call_id(id, k),
                        "type": "function",
                        "function": {"name": name, "arguments": TOOL_ARGUMENTS},
                    })
                })
                .collect();
            json!({
                "role": "assistant",
                "content": null,
                "refusal": null,
                "tool_calls": calls,
            })
        }
    };
    let body = json!({
        "id": id,
        "object": "chat.completion",
        "created": unix_now(),
        "model": request.model,
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": finish_reason(&request.plan),
        }],
        "usage": usage(&request.plan),
        "system_fingerprint": FINGERPRINT,
    });
    json_response(StatusCode::OK, &body, REQUEST_ID_HEADER, request_id)
}

/// Streaming answer: role chunk, content chunks, finish chunk, optional usage chunk, `[DONE]`.
pub(super) fn stream(
    request: &ChatRequest,
    id: &str,
    request_id: &str,
    midstream_reset: bool,
) -> Response {
    let chunk = Chunker {
        id,
        created: unix_now(),
        model: &request.model,
        include_usage: request.include_usage,
    };
    let mut events = Vec::new();
    match &request.plan.reply {
        Reply::Text { words, .. } => {
            events.push(chunk.delta(json!({"role": "assistant", "content": ""}), None));
            for piece in pieces(words) {
                events.push(chunk.delta(json!({"content": piece}), None));
            }
        }
        Reply::ToolCall { .. } => {
            for (k, name) in request.plan.calls().into_iter().enumerate() {
                let mut first = json!({
                    "tool_calls": [{
                        "index": k,
                        "id": tool_call_id(id, k),
                        "type": "function",
                        "function": {"name": name, "arguments": ""},
                    }],
                });
                // The role comes with the first call, as OpenAI sends it.
                if let (0, Some(object)) = (k, first.as_object_mut()) {
                    object.insert("role".to_owned(), json!("assistant"));
                    object.insert("content".to_owned(), Value::Null);
                }
                events.push(chunk.delta(first, None));
                for piece in TOOL_ARGUMENT_PIECES {
                    events.push(chunk.delta(
                        json!({"tool_calls": [{"index": k, "function": {"arguments": piece}}]}),
                        None,
                    ));
                }
            }
        }
    }
    events.push(chunk.delta(json!({}), Some(finish_reason(&request.plan))));
    if request.include_usage {
        events.push(sse::data(&json!({
            "id": id,
            "object": "chat.completion.chunk",
            "created": chunk.created,
            "model": request.model,
            "system_fingerprint": FINGERPRINT,
            "choices": [],
            "usage": usage(&request.plan),
        })));
    }
    events.push("data: [DONE]\n\n".to_owned());
    let break_after = midstream_reset.then_some(EVENTS_BEFORE_BREAK);
    sse::response(events, break_after, REQUEST_ID_HEADER, request_id)
}

/// Frames `chat.completion.chunk` events sharing one id and `created`.
struct Chunker<'a> {
    id: &'a str,
    created: u64,
    model: &'a str,
    include_usage: bool,
}

impl Chunker<'_> {
    fn delta(&self, delta: Value, finish_reason: Option<&str>) -> String {
        let mut chunk = json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": FINGERPRINT,
            "choices": [{
                "index": 0,
                "delta": delta,
                "logprobs": null,
                "finish_reason": finish_reason,
            }],
        });
        if self.include_usage {
            if let Some(object) = chunk.as_object_mut() {
                object.insert("usage".to_owned(), Value::Null);
            }
        }
        sse::data(&chunk)
    }
}

fn finish_reason(plan: &Plan) -> &'static str {
    match plan.reply {
        Reply::Text { .. } if plan.filtered => "content_filter",
        Reply::Text {
            truncated: false, ..
        } => "stop",
        Reply::Text {
            truncated: true, ..
        } => "length",
        Reply::ToolCall { .. } => "tool_calls",
    }
}

/// `call_…` derived from the completion id, so one response has stable call
/// ids; the first call is `call_<n>`, the next ones `call_<n>_<k>`.
fn tool_call_id(completion_id: &str, k: usize) -> String {
    let suffix = completion_id
        .strip_prefix("chatcmpl-")
        .unwrap_or(completion_id);
    if k == 0 {
        format!("call_{suffix}")
    } else {
        format!("call_{suffix}_{k}")
    }
}

pub(super) fn usage(plan: &Plan) -> Value {
    let prompt = plan.input_tokens;
    let completion = plan.output_tokens() + plan.reasoning_tokens();
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": plan.cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": plan.reasoning_tokens(),
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    })
}
