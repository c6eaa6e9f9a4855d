//! Google error envelopes → OpenAI `(type, code)` (table in the module doc
//! of [`super`]), for error bodies, 2xx bodies carrying an `error`, and
//! `error` events inside a stream.

use std::borrow::Cow;

use super::super::openai_error::{
    class_for_status, clip, from_foreign_body, opaque_message, render,
};
use crate::error::GatewayError;
use crate::schema::gemini::{ErrorDetail, ErrorResponse};

/// OpenAI `(type, code)` for a Google `status` (and `ErrorInfo.reason`);
/// `None` for a status not in the table.
pub(super) fn map_status(
    detail: &ErrorDetail<'_>,
    message: &str,
) -> Option<(&'static str, &'static str)> {
    let lower = message.to_ascii_lowercase();
    let key_problem = detail
        .details
        .iter()
        .flatten()
        .filter_map(|d| d.reason.as_deref())
        .any(|r| r.starts_with("API_KEY_"))
        || lower.contains("api key not valid")
        || lower.contains("api key not found")
        || lower.contains("api key expired");
    if key_problem {
        return Some(("invalid_request_error", "invalid_api_key"));
    }
    let mapped = match detail.status.as_deref()? {
        "INVALID_ARGUMENT" | "OUT_OF_RANGE"
            if lower.contains("exceeds the maximum number of tokens")
                || lower.contains("input token count") =>
        {
            ("invalid_request_error", "context_length_exceeded")
        }
        "INVALID_ARGUMENT" | "FAILED_PRECONDITION" | "OUT_OF_RANGE" => {
            ("invalid_request_error", "invalid_request")
        }
        "UNAUTHENTICATED" => ("invalid_request_error", "invalid_api_key"),
        "PERMISSION_DENIED"
            if lower.contains("api key") || lower.contains("unregistered callers") =>
        {
            ("invalid_request_error", "invalid_api_key")
        }
        "PERMISSION_DENIED" => ("invalid_request_error", "permission_denied"),
        "NOT_FOUND" if lower.contains("model") => ("invalid_request_error", "model_not_found"),
        "NOT_FOUND" => ("invalid_request_error", "not_found"),
        "RESOURCE_EXHAUSTED" => ("requests", "rate_limit_exceeded"),
        "DEADLINE_EXCEEDED" => ("server_error", "timeout"),
        "UNAVAILABLE" => ("server_error", "overloaded"),
        "INTERNAL" | "UNKNOWN" | "DATA_LOSS" | "ABORTED" | "CANCELLED" | "UNIMPLEMENTED" => {
            ("server_error", "upstream_error")
        }
        _ => return None,
    };
    Some(mapped)
}

/// The first Google error envelope in a body: an object, or (from the
/// non-SSE streaming method) an array of them.
fn read_envelope(body: &[u8]) -> Option<ErrorResponse<'_>> {
    let trimmed = body.trim_ascii_start();
    match trimmed.first() {
        Some(b'{') => serde_json::from_slice(trimmed).ok(),
        Some(b'[') => serde_json::from_slice::<Vec<ErrorResponse<'_>>>(trimmed)
            .ok()?
            .into_iter()
            .next(),
        _ => None,
    }
}

/// Translates a non-2xx Gemini body into an OpenAI error body.
pub(super) fn error(status: u16, body: &[u8]) -> Vec<u8> {
    let Some(envelope) = read_envelope(body).filter(|e| e.error.status.is_some()) else {
        // Not Google's shape (a proxy, a load balancer page, an
        // OpenAI-style error…): read what we can.
        return from_foreign_body(status, body);
    };
    let message = clip(envelope.error.message.as_deref().unwrap_or(""));
    let (kind, code) =
        map_status(&envelope.error, &message).unwrap_or_else(|| class_for_status(status));
    if message.is_empty() {
        return render(&opaque_message(status, b""), kind, None, code);
    }
    render(&message, kind, None, code)
}

/// `(type, code, message)` for an `error` found where an answer was expected.
pub(super) fn describe<'d>(
    detail: &'d ErrorDetail<'_>,
) -> (&'static str, &'static str, Cow<'d, str>) {
    let message = clip(detail.message.as_deref().unwrap_or(""));
    let (kind, code) = map_status(detail, &message).unwrap_or(("server_error", "upstream_error"));
    let message = if message.is_empty() {
        Cow::Borrowed("The upstream provider answered with an error and no message.")
    } else {
        message
    };
    (kind, code, message)
}

/// A 2xx body that is an error: 502 with the mapped type and code.
pub(super) fn upstream_error(detail: &ErrorDetail<'_>) -> GatewayError {
    let (kind, code, message) = describe(detail);
    GatewayError::upstream(502, kind, code, &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(status: &str, reason: Option<&str>) -> ErrorDetail<'static> {
        let details = reason.map(|r| {
            vec![crate::schema::gemini::ErrorInfo {
                reason: Some(Cow::Owned(r.to_owned())),
            }]
        });
        ErrorDetail {
            message: None,
            status: Some(Cow::Owned(status.to_owned())),
            details,
        }
    }

    #[test]
    fn statuses_and_hints() {
        let table = [
            ("INVALID_ARGUMENT", None, "", "invalid_request"),
            ("INVALID_ARGUMENT", Some("API_KEY_INVALID"), "", "invalid_api_key"),
            (
                "INVALID_ARGUMENT",
                None,
                "The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).",
                "context_length_exceeded",
            ),
            ("PERMISSION_DENIED", None, "Method doesn't allow unregistered callers", "invalid_api_key"),
            ("PERMISSION_DENIED", None, "no", "permission_denied"),
            ("NOT_FOUND", None, "models/x is not found", "model_not_found"),
            ("NOT_FOUND", None, "nothing", "not_found"),
            ("RESOURCE_EXHAUSTED", None, "", "rate_limit_exceeded"),
            ("UNAVAILABLE", None, "", "overloaded"),
            ("DEADLINE_EXCEEDED", None, "", "timeout"),
            ("INTERNAL", None, "", "upstream_error"),
        ];
        for (status, reason, message, code) in table {
            let mapped = map_status(&detail(status, reason), message).map(|(_, c)| c);
            assert_eq!(mapped, Some(code), "{status} {message}");
        }
        assert_eq!(map_status(&detail("SOMETHING_NEW", None), ""), None);
    }
}
