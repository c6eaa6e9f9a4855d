//! Server-sent-event framing and the streaming response body.
//!
//! Every event of a mock stream is known up front, so the body is an iterator of
//! pre-framed events. With `midstream-reset`, the body stops after a prefix: it
//! yields once (so the connection flushes what was sent), then fails, which makes
//! hyper drop the connection without the end of the chunked message.

use std::io;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use futures_util::stream::{self, BoxStream, StreamExt};
use serde_json::Value;

/// `data: {json}\n\n` (OpenAI framing).
pub(crate) fn data(json: &Value) -> String {
    format!("data: {json}\n\n")
}

/// `event: <name>\ndata: {json}\n\n` (Anthropic framing).
pub(crate) fn event(name: &str, json: &Value) -> String {
    format!("event: {name}\ndata: {json}\n\n")
}

/// A 200 `text/event-stream` response sending `events`; when `break_after` is set,
/// only that many events are sent before the connection is dropped.
pub(crate) fn response(
    events: Vec<String>,
    break_after: Option<usize>,
    id_header: &'static str,
    id: &str,
) -> Response {
    let body: BoxStream<'static, io::Result<Bytes>> = match break_after {
        None => stream::iter(events.into_iter().map(|e| Ok(Bytes::from(e)))).boxed(),
        Some(n) => stream::iter(events.into_iter().take(n).map(|e| Ok(Bytes::from(e))))
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
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(id) {
        headers.insert(id_header, value);
    }
    response
}
