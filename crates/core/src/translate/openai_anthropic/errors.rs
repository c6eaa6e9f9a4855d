//! Anthropic error bodies → OpenAI error bodies (the table is in the parent
//! module's doc). Shared by non-2xx answers, 2xx `{"type":"error"}` bodies and
//! mid-stream `error` events, so the three never disagree.

use super::super::openai_error::{
    class_for_status, clip, from_foreign_body, opaque_message, render,
};
use crate::schema::anthropic;

/// OpenAI `(type, code)` for an Anthropic `error.type` (table in the parent
/// module's doc); `None` for a type not in the table.
pub(super) fn map_error_type(
    kind: Option<&str>,
    message: &str,
) -> Option<(&'static str, &'static str)> {
    let lower = message.to_ascii_lowercase();
    let mapped = match kind? {
        "invalid_request_error"
            if lower.contains("prompt is too long")
                || lower.contains("context limit")
                || lower.contains("context window") =>
        {
            ("invalid_request_error", "context_length_exceeded")
        }
        "invalid_request_error" => ("invalid_request_error", "invalid_request"),
        "authentication_error" => ("invalid_request_error", "invalid_api_key"),
        "permission_error" => ("invalid_request_error", "permission_denied"),
        "not_found_error" if lower.contains("model") => {
            ("invalid_request_error", "model_not_found")
        }
        "not_found_error" => ("invalid_request_error", "not_found"),
        "request_too_large" => ("invalid_request_error", "request_too_large"),
        "rate_limit_error" => ("requests", "rate_limit_exceeded"),
        "billing_error" => ("insufficient_quota", "insufficient_quota"),
        "timeout_error" => ("server_error", "timeout"),
        "overloaded_error" => ("server_error", "overloaded"),
        "api_error" => ("server_error", "upstream_error"),
        _ => return None,
    };
    Some(mapped)
}

/// Translates a non-2xx Anthropic body into an OpenAI error body.
pub fn error(status: u16, provider_body: &[u8]) -> Vec<u8> {
    let parsed = match provider_body.trim_ascii_start().first() {
        Some(b'{') => serde_json::from_slice::<anthropic::ErrorResponse<'_>>(provider_body).ok(),
        _ => None,
    };
    let Some(parsed) = parsed else {
        // Not Anthropic's shape (a proxy, a load balancer page…): read what we can.
        return from_foreign_body(status, provider_body);
    };
    let message = clip(parsed.error.message.as_deref().unwrap_or(""));
    let (kind, code) = map_error_type(parsed.error.kind.as_deref(), &message)
        .unwrap_or_else(|| class_for_status(status));
    if message.is_empty() {
        return render(&opaque_message(status, b""), kind, None, code);
    }
    render(&message, kind, None, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_types_without_message_hints() {
        assert_eq!(
            map_error_type(Some("not_found_error"), "model: claude-x"),
            Some(("invalid_request_error", "model_not_found"))
        );
        assert_eq!(
            map_error_type(Some("invalid_request_error"), "Prompt is too long"),
            Some(("invalid_request_error", "context_length_exceeded"))
        );
        assert_eq!(map_error_type(Some("brand_new_error"), ""), None);
        assert_eq!(map_error_type(None, ""), None);
    }
}
