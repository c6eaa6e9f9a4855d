//! Errors in Anthropic's shape: `{"type":"error","error":{"type","message"}}`.
//!
//! The Anthropic `error.type` is chosen from the OpenAI `code` when it says
//! something precise, else from the HTTP status (fact sheet section 2), else
//! from the OpenAI `type` (mid-stream errors have no status of their own):
//!
//! | OpenAI `code` | Anthropic type |
//! |---|---|
//! | `invalid_api_key` | `authentication_error` |
//! | `permission_denied` | `permission_error` |
//! | `model_not_found`, `not_found`, `unsupported_endpoint` | `not_found_error` |
//! | `request_too_large` | `request_too_large` |
//! | `rate_limit_exceeded` | `rate_limit_error` |
//! | `insufficient_quota` | `billing_error` |
//! | `overloaded`, `upstream_unavailable` | `overloaded_error` |
//! | `timeout`, `upstream_timeout` | `timeout_error` |
//!
//! | status | Anthropic type |
//! |---|---|
//! | 401 / 402 / 403 / 404 / 413 / 429 | `authentication_error` / `billing_error` / `permission_error` / `not_found_error` / `request_too_large` / `rate_limit_error` |
//! | 503, 529 | `overloaded_error` |
//! | 504 | `timeout_error` |
//! | other 4xx | `invalid_request_error` |
//! | other 5xx | `api_error` |
//!
//! Without a status: OpenAI type `requests` → `rate_limit_error`,
//! `insufficient_quota` → `billing_error`, `invalid_request_error` →
//! `invalid_request_error`, an Anthropic type passed through as is, anything
//! else → `api_error`. Anthropic errors have no `param`: a named field is put
//! in front of the message (`max_tokens: …`) unless the message already
//! names it. Messages are clipped to 500 characters.

use std::borrow::Cow;

use super::out::{ErrorBodyOut, ErrorEnvelopeOut};
use crate::error::GatewayError;
use crate::translate::openai_error::{clip, opaque_message, read_loose};

/// The Anthropic error type for an OpenAI error (tables in the module doc);
/// `status` is `None` for an error event inside a stream.
pub(super) fn anthropic_type(status: Option<u16>, code: &str, openai_type: &str) -> &'static str {
    let by_code = match code {
        "invalid_api_key" => Some("authentication_error"),
        "permission_denied" => Some("permission_error"),
        "model_not_found" | "not_found" | "unsupported_endpoint" => Some("not_found_error"),
        "request_too_large" => Some("request_too_large"),
        "rate_limit_exceeded" => Some("rate_limit_error"),
        "insufficient_quota" => Some("billing_error"),
        "overloaded" | "upstream_unavailable" => Some("overloaded_error"),
        "timeout" | "upstream_timeout" => Some("timeout_error"),
        _ => None,
    };
    if let Some(kind) = by_code {
        return kind;
    }
    match status {
        Some(401) => "authentication_error",
        Some(402) => "billing_error",
        Some(403) => "permission_error",
        Some(404) => "not_found_error",
        Some(413) => "request_too_large",
        Some(429) => "rate_limit_error",
        Some(503 | 529) => "overloaded_error",
        Some(504) => "timeout_error",
        Some(400..=499) => "invalid_request_error",
        Some(_) => "api_error",
        None => match openai_type {
            "requests" | "rate_limit_error" => "rate_limit_error",
            "insufficient_quota" | "billing_error" => "billing_error",
            "invalid_request_error" => "invalid_request_error",
            "authentication_error" => "authentication_error",
            "permission_error" => "permission_error",
            "not_found_error" => "not_found_error",
            "request_too_large" => "request_too_large",
            "overloaded_error" => "overloaded_error",
            "timeout_error" => "timeout_error",
            _ => "api_error",
        },
    }
}

/// The error body. Serialising plain strings cannot fail; the fallback keeps
/// the function total anyway.
pub(super) fn render(kind: &'static str, message: &str) -> Vec<u8> {
    let message = clip(message);
    let envelope = ErrorEnvelopeOut {
        kind: "error",
        error: ErrorBodyOut {
            kind,
            message: &message,
        },
    };
    serde_json::to_vec(&envelope).unwrap_or_else(|_| {
        br#"{"type":"error","error":{"type":"api_error","message":"internal error"}}"#.to_vec()
    })
}

/// `param: message`, unless the message already names the param.
fn with_param<'m>(param: Option<&str>, message: &'m str) -> Cow<'m, str> {
    match param.filter(|p| !p.is_empty() && !message.contains(p)) {
        Some(param) => Cow::Owned(format!("{param}: {message}")),
        None => Cow::Borrowed(message),
    }
}

/// One of the gateway's own refusals in Anthropic's shape.
pub fn gateway_error_body(e: &GatewayError) -> Vec<u8> {
    let kind = anthropic_type(Some(e.status), &e.code, &e.error_type);
    render(kind, &with_param(e.param.as_deref(), &e.message))
}

/// An OpenAI-shaped error body (any bytes) → Anthropic's shape; `status` is
/// the HTTP status the client gets (`None` inside a stream).
pub(super) fn from_openai(status: Option<u16>, body: &[u8]) -> Vec<u8> {
    let shown = status.unwrap_or(500);
    let Some(fields) = read_loose(body) else {
        return render(
            anthropic_type(status, "", "server_error"),
            &opaque_message(shown, body),
        );
    };
    let kind = anthropic_type(
        status,
        fields.code.as_deref().unwrap_or(""),
        fields.kind.as_deref().unwrap_or(""),
    );
    let message = match fields.message.as_deref().filter(|m| !m.is_empty()) {
        Some(message) => with_param(fields.param.as_deref(), message).into_owned(),
        None => opaque_message(shown, b""),
    };
    render(kind, &message)
}
