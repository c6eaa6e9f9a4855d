//! The chat-completion body and chunk stream every OpenAI-compatible vendor
//! shares, with the knobs where they differ: finish reason, tool-call id and
//! argument form, reasoning text, usage object, where stream usage goes, and
//! extra top-level members.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::dispatch::{json_response, ApiError};
use crate::plan::{pieces, text, Plan, Reply, TOOL_ARGUMENTS, TOOL_ARGUMENT_PIECES};
use crate::sse;

/// Where a stream reports usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UsageAt {
    /// OpenAI's way: a `choices: []` chunk before `[DONE]`, when asked for.
    OwnChunk,
    /// On the chunk that carries the finish reason, always (Mistral, GLM).
    LastChunk,
}

pub(crate) struct Answer<'a> {
    pub id: &'a str,
    pub model: &'a str,
    pub created: u64,
    pub plan: &'a Plan,
    pub finish: &'a str,
    pub tool_id: String,
    /// Arguments as a JSON object instead of its text (GLM's example).
    pub object_arguments: bool,
    /// Streams send the whole tool call in one delta (Mistral, GLM).
    pub whole_tool_call: bool,
    pub reasoning: Option<String>,
    pub usage: Value,
    /// Extra top-level members of the body and of every chunk.
    pub extra: Map<String, Value>,
}

impl Answer<'_> {
    fn arguments(&self) -> Value {
        if self.object_arguments {
            serde_json::from_str(TOOL_ARGUMENTS).unwrap_or(Value::Null)
        } else {
            json!(TOOL_ARGUMENTS)
        }
    }

    fn with_extra(&self, mut body: Value) -> Value {
        if let Some(object) = body.as_object_mut() {
            for (k, v) in &self.extra {
                object.insert(k.clone(), v.clone());
            }
        }
        body
    }
}

/// The HTTP answer, with `a.id` under `id_header`: the chunk stream when
/// `stream` says where its usage goes and whether the client asked for the
/// usage chunk (cut after two events on a `midstream_reset`), else the whole
/// completion.
pub(crate) fn respond(
    a: &Answer<'_>,
    stream: Option<(UsageAt, bool)>,
    midstream_reset: bool,
    id_header: &'static str,
) -> Response {
    match stream {
        Some((usage_at, include_usage)) => sse::response(
            self::stream(a, usage_at, include_usage),
            midstream_reset.then_some(2),
            id_header,
            a.id,
        ),
        None => json_response(StatusCode::OK, &completion(a), id_header, a.id),
    }
}

/// OpenAI's error body, `{"error": {message, type, param, code}}`, with the
/// vendor's `type` and `code`, and the request id `id` under `id_header`.
pub(crate) fn openai_error(
    error: &ApiError,
    kind: &str,
    code: Value,
    id_header: &'static str,
    id: &str,
) -> Response {
    let body = json!({"error": {
        "message": error.message, "type": kind, "param": error.param, "code": code,
    }});
    json_response(error.kind.status(), &body, id_header, id)
}

/// Non-streaming `chat.completion`.
pub(crate) fn completion(a: &Answer<'_>) -> Value {
    let mut message = json!({"role": "assistant"});
    match &a.plan.reply {
        Reply::Text { words, .. } => set(&mut message, "content", json!(text(words))),
        Reply::ToolCall { name } => {
            set(&mut message, "content", Value::Null);
            set(
                &mut message,
                "tool_calls",
                json!([{
                    "id": a.tool_id,
                    "type": "function",
                    "function": {"name": name, "arguments": a.arguments()},
                }]),
            );
        }
    }
    if let Some(reasoning) = &a.reasoning {
        set(&mut message, "reasoning_content", json!(reasoning));
    }
    a.with_extra(json!({
        "id": a.id,
        "object": "chat.completion",
        "created": a.created,
        "model": a.model,
        "choices": [{"index": 0, "message": message, "finish_reason": a.finish}],
        "usage": a.usage,
    }))
}

/// The SSE events of a streamed answer, `[DONE]` included.
pub(crate) fn stream(a: &Answer<'_>, usage_at: UsageAt, include_usage: bool) -> Vec<String> {
    let chunk = |delta: Value, finish: Option<&str>, usage: Option<&Value>| {
        let mut body = json!({
            "id": a.id,
            "object": "chat.completion.chunk",
            "created": a.created,
            "model": a.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        });
        if let Some(u) = usage {
            set(&mut body, "usage", u.clone());
        }
        sse::data(&a.with_extra(body))
    };
    let mut events = Vec::new();
    if let Some(reasoning) = &a.reasoning {
        events.push(chunk(
            json!({"role": "assistant", "content": "", "reasoning_content": reasoning}),
            None,
            None,
        ));
    }
    match &a.plan.reply {
        Reply::Text { words, .. } => {
            for (i, piece) in pieces(words).into_iter().enumerate() {
                let delta = if i == 0 && a.reasoning.is_none() {
                    json!({"role": "assistant", "content": piece})
                } else {
                    json!({"content": piece})
                };
                events.push(chunk(delta, None, None));
            }
        }
        Reply::ToolCall { name } if a.whole_tool_call => {
            events.push(chunk(
                json!({"role": "assistant", "tool_calls": [{
                    "index": 0, "id": a.tool_id, "type": "function",
                    "function": {"name": name, "arguments": a.arguments()},
                }]}),
                None,
                None,
            ));
        }
        Reply::ToolCall { name } => {
            events.push(chunk(
                json!({"role": "assistant", "content": null, "tool_calls": [{
                    "index": 0, "id": a.tool_id, "type": "function",
                    "function": {"name": name, "arguments": ""},
                }]}),
                None,
                None,
            ));
            for piece in TOOL_ARGUMENT_PIECES {
                events.push(chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}),
                    None,
                    None,
                ));
            }
        }
    }
    let last_usage = (usage_at == UsageAt::LastChunk).then_some(&a.usage);
    events.push(chunk(json!({}), Some(a.finish), last_usage));
    if usage_at == UsageAt::OwnChunk && include_usage {
        events.push(sse::data(&a.with_extra(json!({
            "id": a.id,
            "object": "chat.completion.chunk",
            "created": a.created,
            "model": a.model,
            "choices": [],
            "usage": a.usage,
        }))));
    }
    events.push("data: [DONE]\n\n".to_owned());
    events
}

/// Sets `key` of a JSON object (anything else is left alone).
pub(crate) fn set(value: &mut Value, key: &str, member: Value) {
    if let Some(object) = value.as_object_mut() {
        object.insert(key.to_owned(), member);
    }
}

/// `{"prompt_tokens","completion_tokens","total_tokens"}` for a plan, plus
/// `completion_extra` output tokens (reasoning) counted as OpenAI does.
pub(crate) fn base_usage(plan: &Plan, completion_extra: u64) -> Value {
    let prompt = plan.input_tokens;
    let completion = plan.output_tokens() + completion_extra;
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    })
}
