//! Gemini success bodies: one `GenerateContentResponse`, or the same answer
//! as a stream of them (SSE `data: {…}\r\n\r\n`, or a JSON array).
//!
//! Shape of an answer (the plan decides text or call):
//! - thinking answers (see [`super::request`]) first get a thought part
//!   (`thought: true`) and report `thoughtsTokenCount`; their text answer
//!   carries a `thoughtSignature` on its last part;
//! - a function call is one `functionCall{name, args:{"mock":true}}` part
//!   (no `id`, as the Developer API sends them), several with
//!   `parallel-tools`; the first is signed for `gemini-3` and thinking
//!   answers (Gemini signs only the first of parallel calls);
//! - `finishReason`: `STOP` (stop sequences too), `MAX_TOKENS`, or
//!   `SAFETY` (`content-filter`);
//! - usage: `promptTokenCount` (input words, cache included),
//!   `cachedContentTokenCount` (with `cached-<n>`), `candidatesTokenCount`,
//!   `thoughtsTokenCount` (thinking), `totalTokenCount` = their sum.
//!
//! Streams: the thought part, then one event per word of text, each with the
//! usage so far; the last text event carries `finishReason`. A call comes
//! whole in one event and `finishReason: STOP` in a *separate* final event
//! with an empty text part (pitfall 9). With `midstream-reset`, the
//! connection drops after the first event.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::{GenerateRequest, Method, RESPONSE_ID_HEADER};
use crate::dispatch::json_response;
use crate::plan::{pieces, text, Reply, THOUGHT};
use crate::sse;

/// Base64 of `mock-thought-signature`.
pub(crate) const SIGNATURE: &str = "bW9jay10aG91Z2h0LXNpZ25hdHVyZQ==";

/// Events sent before a `midstream-reset` break.
const EVENTS_BEFORE_BREAK: usize = 1;

pub(super) fn answer(
    request: &GenerateRequest,
    response_id: &str,
    midstream_reset: bool,
) -> Response {
    match request.method {
        Method::Generate => json_response(
            StatusCode::OK,
            &whole(request, response_id),
            RESPONSE_ID_HEADER,
            response_id,
        ),
        Method::StreamSse => {
            let events = events(request, response_id)
                .iter()
                .map(|e| format!("data: {e}\r\n\r\n"))
                .collect();
            let break_after = midstream_reset.then_some(EVENTS_BEFORE_BREAK);
            sse::response(events, break_after, RESPONSE_ID_HEADER, response_id)
        }
        Method::StreamJson => {
            let all = events(request, response_id);
            let last = all.len().saturating_sub(1);
            let pieces: Vec<String> = all
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let open = if i == 0 { "[" } else { ",\r\n" };
                    let close = if i == last { "]" } else { "" };
                    format!("{open}{e}{close}")
                })
                .collect();
            let break_after = midstream_reset.then_some(EVENTS_BEFORE_BREAK);
            let mut response = sse::response(pieces, break_after, RESPONSE_ID_HEADER, response_id);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
    }
}

/// Adds a field to a JSON object (built just before, so always an object).
pub(super) fn set(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

fn signed(request: &GenerateRequest) -> bool {
    request.gemini3 || request.thinking
}

fn usage(request: &GenerateRequest, candidates: u64) -> Value {
    let prompt = request.plan.input_tokens;
    let thoughts = request.plan.reasoning_tokens();
    let mut usage = json!({
        "promptTokenCount": prompt,
        "candidatesTokenCount": candidates,
        "totalTokenCount": prompt + candidates + thoughts,
    });
    if request.thinking {
        set(&mut usage, "thoughtsTokenCount", json!(thoughts));
    }
    if request.plan.cached_tokens > 0 {
        set(
            &mut usage,
            "cachedContentTokenCount",
            json!(request.plan.cached_tokens),
        );
    }
    usage
}

fn finish_reason(request: &GenerateRequest) -> &'static str {
    match request.plan.reply {
        Reply::Text { .. } if request.plan.filtered => "SAFETY",
        Reply::Text {
            truncated: true, ..
        } => "MAX_TOKENS",
        _ => "STOP",
    }
}

/// Every call of the answer; only the first carries the signature.
fn call_parts(request: &GenerateRequest) -> Vec<Value> {
    request
        .plan
        .calls()
        .into_iter()
        .enumerate()
        .map(|(k, name)| {
            let mut part = json!({"functionCall": {"name": name, "args": {"mock": true}}});
            if k == 0 && signed(request) {
                set(&mut part, "thoughtSignature", json!(SIGNATURE));
            }
            part
        })
        .collect()
}

fn response(
    request: &GenerateRequest,
    response_id: &str,
    parts: Vec<Value>,
    finish: Option<&str>,
    candidates: u64,
) -> Value {
    let mut candidate = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
    if let Some(finish) = finish {
        set(&mut candidate, "finishReason", json!(finish));
    }
    json!({
        "candidates": [candidate],
        "usageMetadata": usage(request, candidates),
        "modelVersion": request.model,
        "responseId": response_id,
    })
}

/// The non-streaming answer.
fn whole(request: &GenerateRequest, response_id: &str) -> Value {
    let mut parts = Vec::new();
    if request.thinking {
        parts.push(json!({"text": THOUGHT, "thought": true}));
    }
    match &request.plan.reply {
        Reply::Text { words, .. } => {
            let mut part = json!({"text": text(words)});
            if request.thinking {
                set(&mut part, "thoughtSignature", json!(SIGNATURE));
            }
            parts.push(part);
        }
        Reply::ToolCall { .. } => parts.extend(call_parts(request)),
    }
    let output = request.plan.output_tokens();
    response(
        request,
        response_id,
        parts,
        Some(finish_reason(request)),
        output,
    )
}

/// The streamed answer, one `GenerateContentResponse` per event.
fn events(request: &GenerateRequest, response_id: &str) -> Vec<Value> {
    let mut events = Vec::new();
    if request.thinking {
        let thought = json!({"text": THOUGHT, "thought": true});
        events.push(response(request, response_id, vec![thought], None, 0));
    }
    match &request.plan.reply {
        Reply::Text { words, .. } => {
            let pieces = pieces(words);
            let last = pieces.len().saturating_sub(1);
            for (i, piece) in pieces.iter().enumerate() {
                let mut part = json!({"text": piece});
                let finish = (i == last).then(|| finish_reason(request));
                if i == last && request.thinking {
                    set(&mut part, "thoughtSignature", json!(SIGNATURE));
                }
                let so_far = u64::try_from(i + 1).unwrap_or(u64::MAX);
                events.push(response(request, response_id, vec![part], finish, so_far));
            }
        }
        Reply::ToolCall { .. } => {
            let output = request.plan.output_tokens();
            events.push(response(
                request,
                response_id,
                call_parts(request),
                None,
                output,
            ));
            events.push(response(
                request,
                response_id,
                vec![json!({"text": ""})],
                Some("STOP"),
                output,
            ));
        }
    }
    events
}
