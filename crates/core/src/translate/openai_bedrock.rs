//! OpenAI chat-completions client → AWS Bedrock `Converse` /
//! `ConverseStream` provider.
//!
//! Request: parsed once into borrowed types ([`client`]), mapped field by
//! field, serialised once. Messages are converted in [`messages`]
//! (roles, merging, tool results, images), parameters in [`request`]. The
//! model goes in the URL: `path_suffix` is `/model/{modelId}/converse`, or
//! `/converse-stream` for `stream: true`, with the model id percent-encoded
//! once as a single path segment (`:` → `%3A`, `/` → `%2F`; ARNs and
//! inference-profile ids included, pitfall 17). Bedrock streams always carry
//! usage, so nothing extra is asked for; `client_wants_usage` is
//! `stream_options.include_usage`.
//!
//! Authentication is the filter's job, after translation, on the final path
//! and body: SigV4 with service `bedrock` ([`crate::sigv4::sign`]: the path
//! segment is encoded a second time only inside the signature), or a Bedrock
//! API key sent as `authorization: Bearer <key>` with nothing signed.
//!
//! Parameter policy (a parameter is never silently dropped if dropping it
//! changes the answer the client asked for):
//! - mapped: `max_completion_tokens` / `max_tokens` → `inferenceConfig.maxTokens`
//!   (else the catalog default, else none: Bedrock applies the model's own),
//!   `temperature`, `top_p` → `topP`, `stop` → `stopSequences` (empty strings
//!   dropped), `tools` → `toolConfig.tools[].toolSpec` (`inputSchema.json` is
//!   the client's JSON Schema untouched; names must be 1–64 characters of
//!   `[A-Za-z0-9_-]`, else 400 naming the tool), `tool_choice` → `toolChoice`
//!   (`auto` → `auto`, `required` → `any`, a named function → `tool`;
//!   dropped without tools, pitfall 15);
//! - `tool_choice: "none"` (Bedrock has no such choice): the client's tools
//!   are withheld, so the model is not offered them. When history holds
//!   `toolUse`/`toolResult` blocks, Bedrock refuses a request without
//!   `toolConfig` (pitfall 16), so a `toolConfig` is *always* sent then: the
//!   client's tools when offered, else stubs named after the tools used in
//!   history, each with an empty object schema and no description (with
//!   `none`, a model could still call a stub; that is the price of a valid
//!   request);
//! - `reasoning_effort` on an Anthropic model (model id containing
//!   `anthropic.` or `claude`) → `additionalModelRequestFields.thinking =
//!   {type: enabled, budget_tokens}`, with Anthropic's rules
//!   (`openai_anthropic::thinking`, shared with the Messages pair): `low`
//!   1024, `medium` 4096, `high` / `xhigh` 16384 tokens; the budget stays
//!   below `maxTokens` (a client cap at or under it lowers the budget to
//!   cap − 1, 400 under 1024; a default cap at or under it, or none, is
//!   raised to budget + 4096); `temperature` other than 1, `top_p` under
//!   0.95 and a forced `tool_choice` are 400s naming them; a request whose
//!   final assistant turn holds tool calls goes without thinking (the signed
//!   reasoning block Claude requires there cannot come back through OpenAI
//!   history). `none` / `minimal` send nothing;
//! - `response_format: json_schema` → `outputConfig.textFormat`
//!   (`json_schema`, the schema as a string, Bedrock's type for it, plus
//!   `name` and `description`);
//! - dropped as harmless: `seed`, `user`, `safety_identifier`, `metadata`,
//!   `store`, `service_tier`, `prompt_cache_key`, `prompt_cache_retention`,
//!   `prediction`, `verbosity`, `stream_options` (read), `n: 1`,
//!   `logprobs: false`, `top_logprobs: 0`, empty `logit_bias`, zero
//!   penalties, `response_format: text`, `modalities: ["text"]`,
//!   `parallel_tool_calls` without tools or `true`; unknown fields *inside*
//!   messages are ignored;
//! - refused with 400 `unsupported_parameter` naming the parameter: `n > 1`,
//!   `logprobs`, `top_logprobs`, non-zero penalties, `logit_bias`,
//!   `response_format: json_object` (Converse has JSON output only with a
//!   schema), `audio`, non-text `modalities`,
//!   `web_search_options`, legacy `functions` / `function_call`,
//!   `parallel_tool_calls: false` with tools (Bedrock cannot forbid parallel
//!   calls), `reasoning_effort` above `minimal` on a non-Anthropic model,
//!   non-function tools, image URLs (pitfall 12: Bedrock takes bytes or S3
//!   only, and the gateway does not fetch), non-image content parts, and
//!   **any unknown top-level field**.
//!
//! Tool results are sent as text content without `status` (OpenAI tool
//! messages carry no error flag, and `status` is only accepted by some
//! models); an empty result is sent as the text `(no output)`, since Bedrock
//! rejects blank text and empty content.
//!
//! Response: text blocks → `content` (concatenated), `toolUse` →
//! `tool_calls` (`arguments` = the input object as JSON text, id unchanged so
//! it round-trips), `reasoningContent.reasoningText` → `reasoning_content`.
//! The `id` is derived from the body (Bedrock answers carry none).
//! `finish_reason` (fact sheet section 6): `end_turn`, `stop_sequence` →
//! `stop`; `max_tokens`, `model_context_window_exceeded` → `length`;
//! `tool_use` → `tool_calls`; `guardrail_intervened`, `content_filtered` →
//! `content_filter`; `malformed_model_output`, `malformed_tool_use` and
//! anything unknown → `stop` (pitfall 10: never `content_filter`). Usage:
//! prompt = `inputTokens + cacheReadInputTokens + cacheWriteInputTokens`,
//! cached = `cacheReadInputTokens`, completion = `outputTokens`, total =
//! prompt + completion (pitfall 7). A 2xx body without `output.message` is a
//! 502 (mapped from its `message` when it has one, else
//! `bad_upstream_response`).
//!
//! Errors: Bedrock sends `{"message":…}` and names the exception in the
//! `x-amzn-ErrorType` header, which translators do not see; the exception is
//! taken from the status (or a `__type` in the body) and refined by the
//! message (`errors.rs`). Mid-stream exception frames use their
//! `:exception-type`.
//!
//! | exception (status) | type | code |
//! |---|---|---|
//! | `ValidationException` (400) | `invalid_request_error` | `context_length_exceeded` when the message says the input is too long, else `invalid_request` |
//! | `AccessDeniedException` (403) | `invalid_request_error` | `invalid_api_key` when the message is about credentials (token, signature, key), else `permission_denied` |
//! | `UnrecognizedClientException`, `InvalidSignatureException`, `ExpiredTokenException`, … | `invalid_request_error` | `invalid_api_key` |
//! | `ResourceNotFoundException` (404) | `invalid_request_error` | `model_not_found` if the message names a model, else `not_found` |
//! | `ModelTimeoutException` (408) | `server_error` | `timeout` |
//! | `ThrottlingException` (429), `ServiceQuotaExceededException` | `requests` | `rate_limit_exceeded` |
//! | `ServiceUnavailableException` (503), `ModelNotReadyException` | `server_error` | `overloaded` |
//! | `InternalServerException` (500), `ModelErrorException` (424), `ModelStreamErrorException` | `server_error` | `upstream_error` |
//! | anything else / not JSON | by HTTP status (see `openai_error`) | |
//!
//! Streaming: see [`stream`].

mod client;
mod errors;
mod messages;
mod request;
mod response;
mod stream;

use super::openai_error::{client_parse_error, require_object};
use crate::error::GatewayError;
use crate::translate::{StreamContext, StreamTranslator, TargetModel, UpstreamRequest};

/// Translates an OpenAI request into a Converse request and its URL path.
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
            "The endpoint names no Bedrock model.",
        ));
    }
    let stream = req.stream == Some(true);
    let out = request::build(&req, target)?;
    let body = serde_json::to_vec(&out).map_err(|_| {
        GatewayError::internal("translation_failed", "Bedrock request not encodable")
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

/// Translates a 2xx `Converse` answer into a `chat.completion`.
pub fn response(body: &[u8], served_as: &str, created: u64) -> Result<Vec<u8>, GatewayError> {
    response::translate(body, served_as, created)
}

/// Translates a non-2xx Bedrock body (any bytes) into an OpenAI error body.
pub fn error(status: u16, body: &[u8]) -> Vec<u8> {
    errors::error(status, body)
}

/// The translator for a `converse-stream` answer (binary event stream).
pub fn stream_translator(context: StreamContext) -> Box<dyn StreamTranslator> {
    Box::new(stream::BedrockStream::new(context))
}
