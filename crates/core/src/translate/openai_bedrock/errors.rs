//! Bedrock errors → OpenAI errors (the table is in the parent module's doc).
//!
//! Bedrock names the exception in the `x-amzn-ErrorType` response header and
//! puts only `{"message":…}` in the body. The translate contract passes the
//! status and body but not headers, so a non-2xx answer is classified by
//! its status (each Converse exception has its own), an exception name found
//! in the body (`__type`, as some proxies add) taking precedence, and refined
//! by the message (context length, credentials). Mid-stream exception frames
//! carry the name in `:exception-type`, and go through the same table.

use std::borrow::Cow;

use super::super::openai_error::{
    class_for_status, clip, from_foreign_body, opaque_message, render,
};
use crate::schema::bedrock::ErrorBody;

/// The exception each Converse error status stands for.
fn exception_for_status(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "ValidationException",
        403 => "AccessDeniedException",
        404 => "ResourceNotFoundException",
        408 => "ModelTimeoutException",
        424 => "ModelErrorException",
        429 => "ThrottlingException",
        500 => "InternalServerException",
        503 => "ServiceUnavailableException",
        _ => return None,
    })
}

/// `com.amazonaws.bedrock#ValidationException` or
/// `ValidationException:http://…` → `ValidationException`.
fn short_name(name: &str) -> &str {
    let name = name.rsplit('#').next().unwrap_or(name);
    name.split(':').next().unwrap_or(name).trim()
}

/// OpenAI `(type, code)` for a Bedrock exception (`name`, any case, else the
/// one `status` stands for) and its message.
pub(super) fn map_exception(
    name: Option<&str>,
    status: u16,
    message: &str,
) -> (&'static str, &'static str) {
    let lower = message.to_ascii_lowercase();
    let name = name
        .map(short_name)
        .filter(|n| !n.is_empty())
        .or_else(|| exception_for_status(status))
        .map(str::to_ascii_lowercase);
    let credentials = [
        "security token",
        "signature",
        "credential",
        "api key",
        "authorization",
        "bearer",
    ]
    .iter()
    .any(|w| lower.contains(w));
    match name.as_deref() {
        Some("validationexception") if context_too_long(&lower) => {
            ("invalid_request_error", "context_length_exceeded")
        }
        Some("validationexception") => ("invalid_request_error", "invalid_request"),
        Some(
            "unrecognizedclientexception"
            | "invalidsignatureexception"
            | "incompletesignatureexception"
            | "missingauthenticationtokenexception"
            | "expiredtokenexception",
        ) => ("invalid_request_error", "invalid_api_key"),
        Some("accessdeniedexception") if credentials => {
            ("invalid_request_error", "invalid_api_key")
        }
        Some("accessdeniedexception") => ("invalid_request_error", "permission_denied"),
        Some("resourcenotfoundexception") if lower.contains("model") => {
            ("invalid_request_error", "model_not_found")
        }
        Some("resourcenotfoundexception") => ("invalid_request_error", "not_found"),
        Some("throttlingexception" | "servicequotaexceededexception") => {
            ("requests", "rate_limit_exceeded")
        }
        Some("modeltimeoutexception") => ("server_error", "timeout"),
        Some("serviceunavailableexception" | "modelnotreadyexception") => {
            ("server_error", "overloaded")
        }
        Some("internalserverexception" | "modelerrorexception" | "modelstreamerrorexception") => {
            ("server_error", "upstream_error")
        }
        _ => class_for_status(status),
    }
}

fn context_too_long(lower: &str) -> bool {
    [
        "too long",
        "too many input tokens",
        "context window",
        "context length",
        "maximum context",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// The message, or a sentence saying there was none.
pub(super) fn message_or<'m>(message: &'m str, what: &str) -> Cow<'m, str> {
    if message.trim().is_empty() {
        Cow::Owned(format!(
            "The upstream provider reported an {what} with no message."
        ))
    } else {
        clip(message)
    }
}

/// A non-2xx Bedrock body (any bytes) → an OpenAI error body.
pub(super) fn error(status: u16, body: &[u8]) -> Vec<u8> {
    let trimmed = body.trim_ascii_start();
    let parsed = match trimmed.first() {
        Some(b'{') => serde_json::from_slice::<ErrorBody<'_>>(trimmed).ok(),
        _ => None,
    };
    match parsed {
        Some(ErrorBody {
            message: Some(message),
            kind,
        }) => {
            let (kind, code) = map_exception(kind.as_deref(), status, &message);
            render(&message_or(&message, "error"), kind, None, code)
        }
        // JSON of another shape (an OpenAI-style proxy error, say).
        Some(ErrorBody { message: None, .. }) => from_foreign_body(status, body),
        None => {
            let (kind, code) = map_exception(None, status, "");
            render(&opaque_message(status, body), kind, None, code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_win_over_statuses() {
        assert_eq!(
            map_exception(Some("throttlingException"), 400, ""),
            ("requests", "rate_limit_exceeded")
        );
        assert_eq!(
            map_exception(Some("com.amazonaws.x#ModelTimeoutException"), 400, ""),
            ("server_error", "timeout")
        );
        assert_eq!(
            map_exception(None, 424, ""),
            ("server_error", "upstream_error")
        );
        assert_eq!(
            map_exception(
                None,
                403,
                "The security token included in the request is invalid."
            ),
            ("invalid_request_error", "invalid_api_key")
        );
        assert_eq!(
            map_exception(None, 400, "Input is too long for requested model."),
            ("invalid_request_error", "context_length_exceeded")
        );
        assert_eq!(
            map_exception(Some("Brand:New"), 418, "").1,
            "invalid_request"
        );
    }
}
