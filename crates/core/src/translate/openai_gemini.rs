//! OpenAI chat-completions client → Google Gemini `generateContent` /
//! `streamGenerateContent?alt=sse` provider.
//!
//! Request: parsed once into borrowed types ([`client`]), mapped field by
//! field, serialised once. Messages are converted in [`contents`] (roles,
//! merging, tool results, images, thought signatures), parameters in
//! [`request`]. The model goes in the URL: `path_suffix` is
//! `/models/{model}:generateContent`, or `:streamGenerateContent?alt=sse` for
//! `stream: true` (the model percent-encoded as one path segment, a leading
//! `models/` dropped); `client_wants_usage` is `stream_options.include_usage`.
//! Gemini streams always carry usage, so nothing extra is asked for.
//!
//! Parameter policy (a parameter is never silently dropped if dropping it
//! changes the answer the client asked for):
//! - mapped: `temperature`, `top_p` → `topP`, `max_completion_tokens` /
//!   `max_tokens` → `maxOutputTokens` (else the catalog default, else none),
//!   `stop` → `stopSequences` (empty strings dropped; more than 5 → 400 naming
//!   `stop`, pitfall 13), `seed` (32-bit), `presence_penalty`,
//!   `frequency_penalty`, `response_format` (`json_object` →
//!   `responseMimeType: application/json`; `json_schema` → that plus
//!   `responseJsonSchema`, which takes JSON Schema as the client wrote it,
//!   where `responseSchema` only takes an OpenAPI subset), `tools` →
//!   `functionDeclarations` (`parametersJsonSchema`, same reason; names must
//!   be 1–64 characters of `[A-Za-z0-9_.:-]`, as Gemini's reference states,
//!   else 400 naming the tool), `tool_choice` → `functionCallingConfig`
//!   (`auto` → AUTO, `none` → NONE, `required` → ANY, a named function → ANY
//!   with `allowedFunctionNames`; dropped without tools), `reasoning_effort` →
//!   `thinkingConfig` (below);
//! - dropped as harmless: `user`, `safety_identifier`, `metadata`, `store`,
//!   `service_tier`, `prompt_cache_key`, `prompt_cache_retention`,
//!   `prediction`, `verbosity`, `stream_options` (read), `n: 1`,
//!   `logprobs: false`, `top_logprobs: 0`, empty `logit_bias`,
//!   `parallel_tool_calls: true`, `response_format: text`,
//!   `modalities: ["text"]`; unknown fields *inside* messages are ignored;
//! - refused with 400 `unsupported_parameter` naming the parameter: `n > 1`
//!   (Gemini's `candidateCount` is not translated back), `logprobs`,
//!   `top_logprobs`, `logit_bias`, `audio`, non-text `modalities`,
//!   `web_search_options`, legacy `functions` / `function_call`,
//!   `parallel_tool_calls: false` (Gemini cannot forbid parallel calls),
//!   other `response_format` types, non-function tools, image URLs (the
//!   gateway does not fetch them), and **any unknown top-level field**.
//!
//! `reasoning_effort` → `thinkingConfig` (`includeThoughts: true` unless
//! `none`, so thought summaries come back as `reasoning_content`). Gemini 3
//! and later (by model name) take a level, earlier models a token budget
//! (the budgets of Gemini's own OpenAI-compatible endpoint):
//!
//! | effort | Gemini 3+ `thinkingLevel` | older `thinkingBudget` |
//! |---|---|---|
//! | `none` | `minimal` | 0 |
//! | `minimal` | `minimal` | 512 |
//! | `low` | `low` | 1024 |
//! | `medium` | `medium` | 8192 |
//! | `high`, `xhigh` | `high` | 24576 |
//!
//! Response: `id` is Gemini's `responseId`; `model` the catalog name;
//! non-thought text → `content`, `thought: true` text → `reasoning_content`;
//! `functionCall` → `tool_calls` (arguments = the args object as JSON text; id
//! = Gemini's, else `call_<n>`, with the thought signature appended and in
//! `extra_content`, see [`signature`]). Signatures on text parts have no
//! OpenAI place and are not kept. `finish_reason` (fact sheet section 6):
//! `STOP` → `stop`, or `tool_calls` when a function was called; `MAX_TOKENS`
//! → `length`; `SAFETY`, `RECITATION`, `BLOCKLIST`, `PROHIBITED_CONTENT`,
//! `SPII`, `IMAGE_SAFETY` (and the other image/Model Armor filters) →
//! `content_filter`; `MALFORMED_FUNCTION_CALL`, `UNEXPECTED_TOOL_CALL`,
//! `LANGUAGE`, `OTHER` and unknown reasons → `stop` (pitfall 10: never
//! `content_filter` for a malformed call). Usage: prompt = `promptTokenCount`
//! (cache included), cached = `cachedContentTokenCount`, completion =
//! `candidatesTokenCount + thoughtsTokenCount`, reasoning =
//! `thoughtsTokenCount`, total = `totalTokenCount` (else the sum).
//! A blocked prompt (`promptFeedback.blockReason`, no candidate) is an error:
//! 400 `content_filter` (a status the translate filter cannot change after
//! the 200 is sent; the body says it). A 2xx body holding an `error` is a 502
//! with the mapped code; an unreadable one a 502 `bad_upstream_response`.
//!
//! Errors (`error.status` of Google → OpenAI `type` / `code`; `details[].reason`
//! `API_KEY_*` or a message about the API key → `invalid_api_key` whatever the
//! status, since Gemini answers a bad key with 400 `INVALID_ARGUMENT`):
//!
//! | Google status | type | code |
//! |---|---|---|
//! | `INVALID_ARGUMENT`, `OUT_OF_RANGE` | `invalid_request_error` | `context_length_exceeded` when the input token count exceeds the limit, else `invalid_request` |
//! | `FAILED_PRECONDITION` | `invalid_request_error` | `invalid_request` |
//! | `UNAUTHENTICATED` | `invalid_request_error` | `invalid_api_key` |
//! | `PERMISSION_DENIED` | `invalid_request_error` | `invalid_api_key` for key problems, else `permission_denied` |
//! | `NOT_FOUND` | `invalid_request_error` | `model_not_found` if the message names a model, else `not_found` |
//! | `RESOURCE_EXHAUSTED` | `requests` | `rate_limit_exceeded` |
//! | `DEADLINE_EXCEEDED` | `server_error` | `timeout` |
//! | `UNAVAILABLE` | `server_error` | `overloaded` |
//! | `INTERNAL`, `UNKNOWN`, … | `server_error` | `upstream_error` |
//! | anything else / not JSON | by HTTP status (see `openai_error`) | |
//!
//! Streaming: see [`stream`]. Embeddings (`/v1/embeddings` →
//! `:batchEmbedContents`): see [`embeddings`].

mod client;
mod contents;
pub mod embeddings;
mod errors;
mod out;
mod request;
mod response;
mod signature;
mod stream;

use super::openai_error::{client_parse_error, require_object};
use crate::error::GatewayError;
use crate::translate::{StreamContext, StreamTranslator, TargetModel, UpstreamRequest};

pub use embeddings::EmbeddingsContext;

/// Translates an OpenAI request into a Gemini request and its URL path.
pub fn request(
    client_body: &[u8],
    target: &TargetModel<'_>,
) -> Result<UpstreamRequest, GatewayError> {
    require_object(client_body)?;
    let req: client::ChatRequest<'_> =
        serde_json::from_slice(client_body).map_err(|e| match client::unknown_field(&e) {
            Some(name) => GatewayError::unsupported_parameter(
                &name,
                &format!("'{name}' is not a chat-completions parameter this model supports."),
            ),
            None => client_parse_error(&e),
        })?;
    if target.upstream_model.is_empty() {
        return Err(GatewayError::internal(
            "translation_failed",
            "The endpoint names no Gemini model.",
        ));
    }
    let stream = req.stream == Some(true);
    let out = request::build(&req, target)?;
    let body = serde_json::to_vec(&out).map_err(|_| {
        GatewayError::internal("translation_failed", "Gemini request not encodable")
    })?;
    Ok(UpstreamRequest {
        body,
        path_suffix: request::path_suffix(target.upstream_model, stream),
        stream,
        client_wants_usage: stream
            && req
                .stream_options
                .as_ref()
                .and_then(|o| o.include_usage)
                .unwrap_or(false),
    })
}

/// Translates a 2xx `generateContent` answer into a `chat.completion`.
pub fn response(body: &[u8], served_as: &str, created: u64) -> Result<Vec<u8>, GatewayError> {
    response::translate(body, served_as, created)
}

/// Translates a non-2xx Gemini body (any bytes) into an OpenAI error body.
pub fn error(status: u16, body: &[u8]) -> Vec<u8> {
    errors::error(status, body)
}

/// The translator for a `streamGenerateContent?alt=sse` answer.
pub fn stream_translator(context: StreamContext) -> Box<dyn StreamTranslator> {
    Box::new(stream::GeminiStream::new(context))
}

/// Translates an OpenAI embeddings request into a `batchEmbedContents`
/// request, with what its answer's translation will need.
pub fn embeddings_request(
    client_body: &[u8],
    target: &TargetModel<'_>,
) -> Result<(UpstreamRequest, EmbeddingsContext), GatewayError> {
    embeddings::request(client_body, target)
}

/// Translates a 2xx `batchEmbedContents` answer into an OpenAI embeddings list.
pub fn embeddings_response(
    body: &[u8],
    served_as: &str,
    context: &EmbeddingsContext,
) -> Result<Vec<u8>, GatewayError> {
    embeddings::response(body, served_as, context)
}
