//! Bedrock success bodies: the `Converse` answer and the `ConverseStream`
//! answer as real event-stream frames (encoded with Switchboard's core
//! encoder), events in the published order with `metadata` *after*
//! `messageStop`, each payload padded with a `p` member as Bedrock does.
//!
//! Blocks: `reasoningContent{reasoningText{text, signature}}` first when
//! thinking is on (streamed as a `reasoningContent.text` delta, then a
//! `reasoningContent.signature` delta); then the text, or one `toolUse` per
//! call (`parallel-tools`: several, each its own block index). Usage:
//! `inputTokens` excludes `cacheReadInputTokens` (`cached-<n>`);
//! `outputTokens` includes the reasoning (Bedrock reports no separate
//! count). `stopReason`: `end_turn`, `max_tokens`, `stop_sequence`,
//! `tool_use`, or `content_filtered` (`content-filter`).

use std::io;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt};
use serde_json::{json, Value};
use switchboard_core::eventstream::{encode, Header, HeaderValue as FrameValue};

use super::{ConverseRequest, REQUEST_ID_HEADER};
use crate::dispatch::json_response;
use crate::plan::{pieces, text, Plan, Reply, THINKING_SIGNATURE, THOUGHT, TOOL_ARGUMENT_PIECES};

/// Frames sent before a `midstream-reset` break or a `midstream-exception`:
/// `messageStart` and the first content frame.
const FRAMES_BEFORE_FAULT: usize = 2;
/// Latency reported in `metrics`.
const LATENCY_MS: u64 = 7;
const PADDING: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123";

/// How a stream ends early, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Break {
    /// The connection drops (`midstream-reset`).
    Reset,
    /// An exception frame, then the end of the body (`midstream-exception`).
    Exception,
}

fn stop_reason(plan: &Plan) -> &'static str {
    match plan.reply {
        Reply::ToolCall { .. } => "tool_use",
        Reply::Text { .. } if plan.filtered => "content_filtered",
        Reply::Text {
            truncated: true, ..
        } => "max_tokens",
        Reply::Text { .. } if plan.stop_sequence.is_some() => "stop_sequence",
        Reply::Text { .. } => "end_turn",
    }
}

fn usage(plan: &Plan) -> Value {
    let input = plan.uncached_input_tokens();
    let output = plan.output_tokens() + plan.reasoning_tokens();
    let mut usage = json!({
        "inputTokens": input,
        "outputTokens": output,
        "totalTokens": plan.input_tokens + output,
    });
    if let (true, Some(object)) = (plan.cached_tokens > 0, usage.as_object_mut()) {
        object.insert("cacheReadInputTokens".to_owned(), json!(plan.cached_tokens));
        object.insert("cacheWriteInputTokens".to_owned(), json!(0));
    }
    usage
}

/// The id of the `k`-th call of one answer.
fn call_id(tool_use_id: &str, k: usize) -> String {
    if k == 0 {
        tool_use_id.to_owned()
    } else {
        format!("{tool_use_id}_{k}")
    }
}

/// Non-streaming `Converse` answer.
pub(super) fn message(request: &ConverseRequest, tool_use_id: &str, request_id: &str) -> Response {
    let plan = &request.plan;
    let mut content = Vec::new();
    if plan.reasoning {
        content.push(json!({"reasoningContent": {"reasoningText": {
            "text": THOUGHT, "signature": THINKING_SIGNATURE,
        }}}));
    }
    match &plan.reply {
        Reply::Text { words, .. } => content.push(json!({"text": text(words)})),
        Reply::ToolCall { .. } => {
            for (k, name) in plan.calls().into_iter().enumerate() {
                content.push(json!({"toolUse": {
                    "toolUseId": call_id(tool_use_id, k), "name": name, "input": {"mock": true},
                }}));
            }
        }
    }
    let body = json!({
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": stop_reason(plan),
        "usage": usage(plan),
        "metrics": {"latencyMs": LATENCY_MS},
    });
    json_response(StatusCode::OK, &body, REQUEST_ID_HEADER, request_id)
}

/// One event frame; the payload gets a `p` member of varying length.
pub(crate) fn event(kind: &str, mut payload: Value, n: usize) -> Vec<u8> {
    if let Value::Object(map) = &mut payload {
        let len = 1 + n % PADDING.len();
        map.insert("p".to_owned(), json!(PADDING.get(..len).unwrap_or(PADDING)));
    }
    let headers = [
        Header {
            name: ":event-type",
            value: FrameValue::String(kind),
        },
        Header {
            name: ":content-type",
            value: FrameValue::String("application/json"),
        },
        Header {
            name: ":message-type",
            value: FrameValue::String("event"),
        },
    ];
    encode(&headers, payload.to_string().as_bytes()).unwrap_or_default()
}

/// An exception frame (`:message-type: exception`).
pub(crate) fn exception(kind: &str, message: &str) -> Vec<u8> {
    let headers = [
        Header {
            name: ":exception-type",
            value: FrameValue::String(kind),
        },
        Header {
            name: ":content-type",
            value: FrameValue::String("application/json"),
        },
        Header {
            name: ":message-type",
            value: FrameValue::String("exception"),
        },
    ];
    let payload = json!({"message": message, "originalStatusCode": 500});
    encode(&headers, payload.to_string().as_bytes()).unwrap_or_default()
}

/// The frames of a whole `ConverseStream` answer.
fn frames(plan: &Plan, tool_use_id: &str) -> Vec<Vec<u8>> {
    let mut out = vec![event("messageStart", json!({"role": "assistant"}), 0)];
    let mut index = 0;
    let push = |out: &mut Vec<Vec<u8>>, kind: &str, payload: Value| {
        let n = out.len();
        out.push(event(kind, payload, n));
    };
    if plan.reasoning {
        for delta in [
            json!({"text": THOUGHT}),
            json!({"signature": THINKING_SIGNATURE}),
        ] {
            push(
                &mut out,
                "contentBlockDelta",
                json!({"contentBlockIndex": index, "delta": {"reasoningContent": delta}}),
            );
        }
        push(
            &mut out,
            "contentBlockStop",
            json!({"contentBlockIndex": index}),
        );
        index += 1;
    }
    match &plan.reply {
        Reply::Text { words, .. } => {
            for piece in pieces(words) {
                push(
                    &mut out,
                    "contentBlockDelta",
                    json!({"contentBlockIndex": index, "delta": {"text": piece}}),
                );
            }
            push(
                &mut out,
                "contentBlockStop",
                json!({"contentBlockIndex": index}),
            );
        }
        Reply::ToolCall { .. } => {
            for (k, name) in plan.calls().into_iter().enumerate() {
                push(
                    &mut out,
                    "contentBlockStart",
                    json!({"contentBlockIndex": index,
                           "start": {"toolUse": {"toolUseId": call_id(tool_use_id, k), "name": name}}}),
                );
                for piece in TOOL_ARGUMENT_PIECES {
                    push(
                        &mut out,
                        "contentBlockDelta",
                        json!({"contentBlockIndex": index, "delta": {"toolUse": {"input": piece}}}),
                    );
                }
                push(
                    &mut out,
                    "contentBlockStop",
                    json!({"contentBlockIndex": index}),
                );
                index += 1;
            }
        }
    }
    push(
        &mut out,
        "messageStop",
        json!({"stopReason": stop_reason(plan)}),
    );
    push(
        &mut out,
        "metadata",
        json!({"usage": usage(plan), "metrics": {"latencyMs": LATENCY_MS}}),
    );
    out
}

/// Streaming answer, `application/vnd.amazon.eventstream`.
pub(super) fn stream(
    request: &ConverseRequest,
    tool_use_id: &str,
    request_id: &str,
    fault: Option<Break>,
) -> Response {
    let mut all = frames(&request.plan, tool_use_id);
    let body: BoxStream<'static, io::Result<Bytes>> = match fault {
        None => stream::iter(all.into_iter().map(|f| Ok(Bytes::from(f)))).boxed(),
        Some(Break::Exception) => {
            all.truncate(FRAMES_BEFORE_FAULT);
            all.push(exception(
                "modelStreamErrorException",
                "The model stream failed (mockllm midstream-exception).",
            ));
            stream::iter(all.into_iter().map(|f| Ok(Bytes::from(f)))).boxed()
        }
        Some(Break::Reset) => stream::iter(
            all.into_iter()
                .take(FRAMES_BEFORE_FAULT)
                .map(|f| Ok(Bytes::from(f))),
        )
        .chain(stream::once(async {
            tokio::task::yield_now().await;
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "mockllm midstream-reset",
            ))
        }))
        .boxed(),
    };
    let mut response = Response::new(Body::from_stream(body));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.amazon.eventstream"),
    );
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    response
}
