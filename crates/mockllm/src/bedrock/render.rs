//! Bedrock success bodies: the `Converse` answer and the `ConverseStream`
//! answer as real event-stream frames (encoded with Switchboard's core
//! encoder), events in the published order with `metadata` *after*
//! `messageStop`, each payload padded with a `p` member as Bedrock does.

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
use crate::plan::{pieces, text, Plan, Reply, TOOL_ARGUMENT_PIECES};

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
        Reply::Text {
            truncated: false, ..
        } => "end_turn",
        Reply::Text {
            truncated: true, ..
        } => "max_tokens",
        Reply::ToolCall { .. } => "tool_use",
    }
}

fn usage(plan: &Plan) -> Value {
    let (input, output) = (plan.input_tokens, plan.output_tokens());
    json!({"inputTokens": input, "outputTokens": output, "totalTokens": input + output})
}

/// Non-streaming `Converse` answer.
pub(super) fn message(request: &ConverseRequest, tool_use_id: &str, request_id: &str) -> Response {
    let plan = &request.plan;
    let content = match &plan.reply {
        Reply::Text { words, .. } => json!([{"text": text(words)}]),
        Reply::ToolCall { name } => json!([{
            "toolUse": {"toolUseId": tool_use_id, "name": name, "input": {"mock": true}}
        }]),
    };
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
    match &plan.reply {
        Reply::Text { words, .. } => {
            for piece in pieces(words) {
                let n = out.len();
                out.push(event(
                    "contentBlockDelta",
                    json!({"contentBlockIndex": 0, "delta": {"text": piece}}),
                    n,
                ));
            }
        }
        Reply::ToolCall { name } => {
            out.push(event(
                "contentBlockStart",
                json!({"contentBlockIndex": 0,
                       "start": {"toolUse": {"toolUseId": tool_use_id, "name": name}}}),
                1,
            ));
            for piece in TOOL_ARGUMENT_PIECES {
                let n = out.len();
                out.push(event(
                    "contentBlockDelta",
                    json!({"contentBlockIndex": 0, "delta": {"toolUse": {"input": piece}}}),
                    n,
                ));
            }
        }
    }
    let n = out.len();
    out.push(event(
        "contentBlockStop",
        json!({"contentBlockIndex": 0}),
        n,
    ));
    out.push(event(
        "messageStop",
        json!({"stopReason": stop_reason(plan)}),
        n + 1,
    ));
    out.push(event(
        "metadata",
        json!({"usage": usage(plan), "metrics": {"latencyMs": LATENCY_MS}}),
        n + 2,
    ));
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
