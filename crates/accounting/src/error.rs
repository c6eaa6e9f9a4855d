//! OpenAI-shaped JSON errors for every non-2xx response.
//!
//! Intent: callers (the Envoy filter, operators with curl) always get
//! `{"error":{"message","type","param","code"}}` as JSON — never HTML or an
//! empty body — with a stable machine-readable `code`.
//!
//! Invariant: `message` never contains data taken from a stored record; it
//! describes the rule that was broken (parser errors may quote the caller's
//! own malformed input back to the caller, but are never logged).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A JSON API error with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// OpenAI error `type`.
    pub kind: &'static str,
    /// Stable error `code`.
    pub code: &'static str,
    /// Human-readable description.
    pub message: String,
}

impl ApiError {
    fn new(
        status: StatusCode,
        kind: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            code,
            message: message.into(),
        }
    }

    /// 400: the usage batch is not valid JSON or breaks the record schema.
    pub fn invalid_record(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_usage_record",
            message,
        )
    }

    /// 413: too many records, or a body over the byte limit.
    pub fn batch_too_large(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            "batch_too_large",
            message,
        )
    }

    /// 400: a query-string parameter is malformed.
    pub fn invalid_query(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_query_parameter",
            message,
        )
    }

    /// 404: no such endpoint.
    pub fn unsupported_endpoint(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "unsupported_endpoint",
            format!("no endpoint {method} {path}"),
        )
    }

    /// 405: known path, wrong method.
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request_error",
            "method_not_allowed",
            format!("method {method} is not allowed on {path}"),
        )
    }

    /// 500/503: the database failed. Details go to the log, not the caller.
    pub fn storage(status: StatusCode) -> Self {
        Self::new(
            status,
            "server_error",
            "storage_unavailable",
            "usage storage is unavailable",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "message": self.message,
                "type": self.kind,
                "param": null,
                "code": self.code,
            }
        });
        (self.status, Json(body)).into_response()
    }
}
