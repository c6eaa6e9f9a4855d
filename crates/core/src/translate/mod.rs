//! Translation between the client's schema (OpenAI chat completions) and each
//! provider's wire schema. This is the whole contract the upstream filter
//! calls; each (client schema, provider schema) pair lives in its own module.
//!
//! Invariants:
//! - every function is total and panic-free on any bytes: bad client input is
//!   a 400 [`GatewayError`], an unreadable provider answer a 502, and error
//!   translation always yields a valid OpenAI error body;
//! - a body is parsed once into borrowed types and serialised once; when the
//!   provider already speaks OpenAI, nothing is re-serialised at all (the
//!   request gets its `model` value spliced in, answers are forwarded as is);
//! - nothing here reads a clock: the filter passes `created` to
//!   [`translate_response_at`].

pub mod anthropic_in;
pub mod openai_anthropic;
pub mod openai_bedrock;
pub mod openai_compat;
mod openai_error;
pub mod openai_gemini;
pub mod openai_openai;
mod stream;
mod tool_id;

pub use openai_gemini::EmbeddingsContext;
pub use stream::{stream_translator, StreamContext, StreamTranslator};

use crate::error::GatewayError;

/// The wire schema an upstream endpoint speaks (from the endpoint's metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderSchema {
    Openai,
    Anthropic,
    /// Google Gemini `generateContent` / `streamGenerateContent?alt=sse`.
    Gemini,
    /// AWS Bedrock `Converse` / `ConverseStream` (binary event stream).
    Bedrock,
}

/// What the upstream endpoint needs, besides the body.
#[derive(Debug, Clone, Copy)]
pub struct TargetModel<'a> {
    /// The provider's own name for the model; replaces the client's `model`.
    pub upstream_model: &'a str,
    /// Output cap sent when the client gives none (providers such as
    /// Anthropic require one). 0 means "not configured".
    pub default_max_tokens: u32,
}

/// What to send upstream for one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamRequest {
    pub body: Vec<u8>,
    /// Appended to the provider's `base_path`; may depend on the model and on
    /// streaming (Gemini: `/models/{m}:streamGenerateContent?alt=sse`).
    pub path_suffix: String,
    /// The client asked for a stream (`"stream": true`).
    pub stream: bool,
    /// The client asked for the final usage chunk
    /// (`stream_options.include_usage`). The gateway may ask the provider for
    /// usage regardless (to count tokens) and drops that chunk when this is false.
    pub client_wants_usage: bool,
}

/// Client body (an OpenAI chat-completions request) → what to send upstream.
///
/// The policy filter has already checked that the body is an object with a
/// `model` string and a non-empty `messages` array; this is defensive anyway.
pub fn translate_request(
    schema: ProviderSchema,
    client_body: &[u8],
    target: &TargetModel<'_>,
) -> Result<UpstreamRequest, GatewayError> {
    match schema {
        ProviderSchema::Openai => openai_openai::request(client_body, target.upstream_model),
        ProviderSchema::Anthropic => openai_anthropic::request(client_body, target),
        ProviderSchema::Gemini => openai_gemini::request(client_body, target),
        ProviderSchema::Bedrock => openai_bedrock::request(client_body, target),
    }
}

/// Client body (an OpenAI embeddings request) → what to send upstream, and
/// what [`translate_embeddings_response`] will need from it. OpenAI-dialect
/// and Gemini providers offer embeddings; others answer a named 400.
pub fn translate_embeddings_request(
    schema: ProviderSchema,
    client_body: &[u8],
    target: &TargetModel<'_>,
) -> Result<(UpstreamRequest, EmbeddingsContext), GatewayError> {
    match schema {
        ProviderSchema::Openai => {
            let mut upstream = openai_openai::request(client_body, target.upstream_model)?;
            upstream.path_suffix = "/embeddings".to_owned();
            upstream.stream = false;
            upstream.client_wants_usage = false;
            Ok((upstream, EmbeddingsContext::default()))
        }
        ProviderSchema::Gemini => openai_gemini::embeddings_request(client_body, target),
        ProviderSchema::Anthropic | ProviderSchema::Bedrock => {
            Err(GatewayError::unsupported_parameter(
                "model",
                "Embeddings are not available for this model's provider.",
            ))
        }
    }
}

/// Successful (2xx) provider answer to an embeddings request → OpenAI
/// embeddings list. `Ok(None)`: forward unchanged (OpenAI schema).
pub fn translate_embeddings_response(
    schema: ProviderSchema,
    provider_body: &[u8],
    served_as: &str,
    context: &EmbeddingsContext,
) -> Result<Option<Vec<u8>>, GatewayError> {
    match schema {
        ProviderSchema::Openai => Ok(None),
        ProviderSchema::Gemini => {
            openai_gemini::embeddings_response(provider_body, served_as, context).map(Some)
        }
        ProviderSchema::Anthropic | ProviderSchema::Bedrock => Err(GatewayError::internal(
            "translation_failed",
            "Embeddings are not available for this provider.",
        )),
    }
}

/// Successful (2xx) provider body → OpenAI `chat.completion` body, with
/// `created: 0`. Prefer [`translate_response_at`]: core has no clock, so this
/// form exists for callers that have no time either (tests, tools).
pub fn translate_response(
    schema: ProviderSchema,
    provider_body: &[u8],
    served_as: &str,
) -> Result<Option<Vec<u8>>, GatewayError> {
    translate_response_at(schema, provider_body, served_as, 0)
}

/// Successful (2xx) provider body → OpenAI `chat.completion` body.
///
/// `Ok(None)` means "forward the body unchanged" (OpenAI schema: it is never
/// re-serialised). `served_as` is the catalog name the client sees in `model`
/// of translated answers; `created_unix` is the answer's `created` (seconds
/// since the Unix epoch, from the host clock).
pub fn translate_response_at(
    schema: ProviderSchema,
    provider_body: &[u8],
    served_as: &str,
    created_unix: u64,
) -> Result<Option<Vec<u8>>, GatewayError> {
    match schema {
        ProviderSchema::Openai => Ok(None),
        ProviderSchema::Anthropic => {
            openai_anthropic::response(provider_body, served_as, created_unix).map(Some)
        }
        ProviderSchema::Gemini => {
            openai_gemini::response(provider_body, served_as, created_unix).map(Some)
        }
        ProviderSchema::Bedrock => {
            openai_bedrock::response(provider_body, served_as, created_unix).map(Some)
        }
    }
}

/// Non-2xx provider body (any bytes: maybe not JSON, maybe HTML) → OpenAI
/// error JSON `{"error":{"message","type","param","code"}}` with the same
/// meaning. The caller keeps the provider's status. At most
/// 500 characters of the provider's message are kept.
pub fn translate_error(schema: ProviderSchema, status: u16, provider_body: &[u8]) -> Vec<u8> {
    match schema {
        ProviderSchema::Openai => openai_openai::error(status, provider_body),
        ProviderSchema::Anthropic => openai_anthropic::error(status, provider_body),
        ProviderSchema::Gemini => openai_gemini::error(status, provider_body),
        ProviderSchema::Bedrock => openai_bedrock::error(status, provider_body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_suffixes() {
        let target = TargetModel {
            upstream_model: "m",
            default_max_tokens: 100,
        };
        let body = br#"{"model":"x","messages":[{"role":"user","content":"hi"}]}"#;
        let openai = translate_request(ProviderSchema::Openai, body, &target).unwrap();
        assert_eq!(openai.path_suffix, "/chat/completions");
        let anthropic = translate_request(ProviderSchema::Anthropic, body, &target).unwrap();
        assert_eq!(anthropic.path_suffix, "/messages");
    }

    #[test]
    fn schema_names_are_snake_case() {
        let s: ProviderSchema = serde_json::from_str("\"anthropic\"").unwrap();
        assert_eq!(s, ProviderSchema::Anthropic);
        assert_eq!(
            serde_json::to_string(&ProviderSchema::Openai).unwrap(),
            "\"openai\""
        );
    }
}
