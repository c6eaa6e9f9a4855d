//! One error type for everything the gateway refuses or fails at.
//!
//! Every error becomes an HTTP status plus an OpenAI-shaped body
//! `{"error":{"message","type","param","code"}}`. `code` is stable: clients and
//! tests branch on it, so a code, once published, keeps its meaning.
//! Messages never contain prompt text, completion text or any key.

use serde::Serialize;

/// Which side of the exchange is at fault; decides the OpenAI `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The client sent something we refuse (4xx).
    Client,
    /// The provider failed or refused (status passed through).
    Upstream,
    /// Switchboard itself could not do its job (5xx).
    Internal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    pub status: u16,
    pub fault: Fault,
    /// OpenAI `error.type`, e.g. `invalid_request_error`.
    pub error_type: String,
    /// Stable machine-readable code, e.g. `invalid_api_key`.
    pub code: String,
    pub message: String,
    /// The request field at fault, when there is one.
    pub param: Option<String>,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Body<'a>,
}

#[derive(Serialize)]
struct Body<'a> {
    message: &'a str,
    #[serde(rename = "type")]
    error_type: &'a str,
    param: Option<&'a str>,
    code: &'a str,
}

impl GatewayError {
    fn new(status: u16, fault: Fault, error_type: &str, code: &str, message: String) -> Self {
        Self {
            status,
            fault,
            error_type: error_type.to_owned(),
            code: code.to_owned(),
            message,
            param: None,
        }
    }

    /// 401: no key, a malformed key or an unknown key (one code for all, so the
    /// answer does not tell an attacker which keys exist).
    pub fn invalid_api_key() -> Self {
        Self::new(
            401,
            Fault::Client,
            "invalid_request_error",
            "invalid_api_key",
            "Incorrect or missing API key. Send it as 'Authorization: Bearer <key>'.".to_owned(),
        )
    }

    /// 404: the requested model is not in the routing table.
    pub fn model_not_found(model: &str) -> Self {
        let shown: String = model.chars().take(128).collect();
        let mut e = Self::new(
            404,
            Fault::Client,
            "invalid_request_error",
            "model_not_found",
            format!("The model '{shown}' does not exist or you do not have access to it."),
        );
        e.param = Some("model".to_owned());
        e
    }

    /// 400: the body is not JSON, or not the JSON we expect.
    pub fn invalid_json(detail: &str) -> Self {
        Self::new(
            400,
            Fault::Client,
            "invalid_request_error",
            "invalid_json",
            format!("The request body is not valid JSON: {detail}"),
        )
    }

    /// 400: a required field is absent or has the wrong type.
    pub fn invalid_field(param: &str, message: &str) -> Self {
        let mut e = Self::new(
            400,
            Fault::Client,
            "invalid_request_error",
            "invalid_request",
            message.to_owned(),
        );
        e.param = Some(param.to_owned());
        e
    }

    /// 413: the body exceeds what the gateway buffers.
    pub fn body_too_large(limit: usize) -> Self {
        Self::new(
            413,
            Fault::Client,
            "invalid_request_error",
            "request_too_large",
            format!("The request body exceeds the gateway's limit of {limit} bytes."),
        )
    }

    /// 404/405: a path the gateway does not serve.
    pub fn unsupported_endpoint(method: &str, path: &str) -> Self {
        let shown: String = path.chars().take(128).collect();
        Self::new(
            404,
            Fault::Client,
            "invalid_request_error",
            "unsupported_endpoint",
            format!("Switchboard does not serve {method} {shown}."),
        )
    }

    /// A provider error, already mapped to OpenAI vocabulary, with the provider's status.
    pub fn upstream(status: u16, error_type: &str, code: &str, message: &str) -> Self {
        Self::new(
            status,
            Fault::Upstream,
            error_type,
            code,
            message.to_owned(),
        )
    }

    /// 5xx raised by the gateway itself (misconfiguration, translation failure).
    pub fn internal(code: &str, message: &str) -> Self {
        Self::new(
            500,
            Fault::Internal,
            "server_error",
            code,
            message.to_owned(),
        )
    }

    /// An error Envoy produced itself (no healthy upstream, upstream timeout,
    /// connection failure…) and sent as plain text: same status, OpenAI shape.
    pub fn from_gateway_status(status: u16) -> Self {
        let (error_type, code, message) = match status {
            413 => (
                "invalid_request_error",
                "request_too_large",
                "The request body is too large.",
            ),
            429 => (
                "requests",
                "rate_limit_exceeded",
                "Every provider for this model is rate limited. Retry later.",
            ),
            502 => (
                "server_error",
                "upstream_error",
                "The provider's connection failed.",
            ),
            503 => (
                "server_error",
                "upstream_unavailable",
                "No provider for this model is available right now.",
            ),
            504 => (
                "server_error",
                "upstream_timeout",
                "The provider did not answer in time.",
            ),
            400..=499 => (
                "invalid_request_error",
                "invalid_request",
                "The gateway refused the request.",
            ),
            _ => (
                "server_error",
                "upstream_error",
                "The request failed upstream.",
            ),
        };
        let fault = if status < 500 {
            Fault::Client
        } else {
            Fault::Upstream
        };
        Self::new(status, fault, error_type, code, message.to_owned())
    }

    /// 400: a parameter the chosen provider cannot honour. Refused rather than
    /// silently dropped, so the client never gets an answer it did not ask for.
    pub fn unsupported_parameter(param: &str, message: &str) -> Self {
        let mut e = Self::new(
            400,
            Fault::Client,
            "invalid_request_error",
            "unsupported_parameter",
            message.to_owned(),
        );
        e.param = Some(param.to_owned());
        e
    }

    /// 400: the body is JSON but does not have the shape of the API it was sent to,
    /// and no single field can be named.
    pub fn invalid_request(message: &str) -> Self {
        Self::new(
            400,
            Fault::Client,
            "invalid_request_error",
            "invalid_request",
            message.to_owned(),
        )
    }

    /// 429 answered by the gateway for an endpoint still cooling down after
    /// the provider's own `Retry-After`; retriable, so Envoy moves on to the
    /// next provider in the chain.
    pub fn provider_cooling_down(remaining_ms: u64) -> Self {
        Self::new(
            429,
            Fault::Upstream,
            "requests",
            "rate_limit_exceeded",
            format!(
                "The provider asked to wait; retry in {} s.",
                remaining_ms.div_ceil(1000)
            ),
        )
    }

    /// The OpenAI error body. Serialising these plain strings cannot fail; the
    /// fallback keeps the function total anyway.
    pub fn to_json(&self) -> Vec<u8> {
        let envelope = Envelope {
            error: Body {
                message: &self.message,
                error_type: &self.error_type,
                param: self.param.as_deref(),
                code: &self.code,
            },
        };
        serde_json::to_vec(&envelope).unwrap_or_else(|_| {
            br#"{"error":{"message":"internal error","type":"server_error","param":null,"code":"internal"}}"#
                .to_vec()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_is_openai_shaped() {
        let v: serde_json::Value =
            serde_json::from_slice(&GatewayError::model_not_found("nope").to_json()).unwrap();
        assert_eq!(v["error"]["code"], "model_not_found");
        assert_eq!(v["error"]["type"], "invalid_request_error");
        assert_eq!(v["error"]["param"], "model");
        assert!(v["error"]["message"].as_str().unwrap().contains("nope"));
    }

    #[test]
    fn long_model_names_are_truncated_in_messages() {
        let e = GatewayError::model_not_found(&"x".repeat(10_000));
        assert!(e.message.len() < 300);
    }
}
