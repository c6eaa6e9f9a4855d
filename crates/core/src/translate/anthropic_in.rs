//! Anthropic-format clients (`POST /v1/messages`) on any model.
//!
//! The policy filter converts an Anthropic Messages request into the
//! gateway's internal OpenAI chat request once ([`request_to_openai`]), so
//! routing, every provider dialect and usage accounting work unchanged, and
//! converts the unified OpenAI answer back on the way out: JSON
//! ([`response_from_openai`]), SSE ([`stream_to_anthropic`]) and errors
//! ([`error_from_openai`], [`gateway_error_body`]).
//!
//! # Request (Anthropic → OpenAI)
//!
//! Parsed once into borrowed types ([`crate::schema::anthropic::ClientRequest`]),
//! mapped, serialised once.
//! - required: `model` (passed through: the router resolves it), `max_tokens`
//!   (≥ 1) → `max_completion_tokens` (which, like Anthropic's cap, counts
//!   reasoning tokens; OpenAI reasoning models refuse `max_tokens`; every
//!   provider translator reads either), `messages` (non-empty). A missing one
//!   is a 400 naming it;
//! - `system` (string or text blocks) → one leading `system` message;
//! - user turns: text → text, `image` (`base64` → `data:` URL, `url` → URL)
//!   → `image_url` parts; one text alone becomes a plain string. Each
//!   `tool_result` → one `tool` message (`tool_call_id` = `tool_use_id`), in
//!   order, *before* the user message with the turn's other blocks; its
//!   content (string or text blocks, joined with `\n`) becomes the text, and
//!   `is_error: true` is made visible as an `Error: ` prefix (OpenAI has no
//!   error flag). Images inside a tool result move into that following user
//!   message, first (OpenAI tool messages hold text only);
//! - assistant turns: text blocks joined (no separator) → `content`;
//!   `tool_use` → `tool_calls` (`arguments` = the `input` object's JSON text,
//!   id passed through unchanged; the Anthropic translator sanitises it if
//!   needed). `thinking` / `redacted_thinking` blocks are dropped: OpenAI has
//!   no place for them. When the request is then routed to an Anthropic model
//!   their signatures are lost, which Anthropic may refuse for tool loops with
//!   thinking on (the error is passed back);
//! - `stop_sequences` → `stop` (empty strings dropped; OpenAI itself takes
//!   at most 4, other providers more: the provider decides), `temperature`
//!   and `top_p` as they are (Anthropic's 0–1 temperature lies inside
//!   OpenAI's 0–2 range and is not rescaled); `top_k` is dropped (a sampling
//!   hint OpenAI lacks);
//! - `tools` (client tools: `name`, `description`, `input_schema`, `strict`)
//!   → function tools; server tools (any other `type`) → 400
//!   `unsupported_parameter`. `tool_choice` `auto` / `any` / `tool{name}` /
//!   `none` → `auto` / `required` / named function / `none`, and
//!   `disable_parallel_tool_use: true` → `parallel_tool_calls: false`; both
//!   are dropped when no tools are sent (pitfall 15);
//! - `metadata.user_id` → `user`;
//! - reasoning → `reasoning_effort`: `output_config.effort` when given
//!   (`low`, `medium`, `high`, `xhigh`; `max` → `xhigh`), else from
//!   `thinking`: `enabled` by `budget_tokens` (< 4096 `low`, < 16384
//!   `medium`, else `high`: the inverse of the Bedrock translator's table),
//!   `adaptive` → `medium`, `disabled` → none (and `effort` ignored).
//!   `thinking.display` is accepted; reasoning text is shown either way;
//! - `output_config.format` (`json_schema`) → `response_format`
//!   `json_schema` (`name: "output"`, `strict: true`);
//! - `stream: true` → `stream` + `stream_options.include_usage: true` (the
//!   gateway and the Anthropic client both need the final usage);
//! - accepted and ignored: `service_tier`, `cache_control` (top level and on
//!   blocks; OpenAI-shaped providers cache by themselves), `citations` on
//!   text blocks, `context_management` (server-side pruning of old tool
//!   results: without it the model sees the whole history, so the answer
//!   still fits the request), unknown fields inside tool definitions;
//! - refused with 400 `unsupported_parameter` naming the field, because
//!   dropping them would change what the client gets: `container`,
//!   `mcp_servers` (server-side tools), `inference_geo` (data residency),
//!   `max_tokens: 0`, `document` and other block types, `file` image sources;
//! - any other unknown field, anywhere but in tool definitions → 400
//!   `invalid_request_error` naming its path (`messages[0].content[1].foo`),
//!   as Anthropic does. serde's messages are never passed on (they can quote
//!   prompt text).
//!
//! # Answer (OpenAI → Anthropic)
//!
//! `id` = `msg_<OpenAI id>` (an id already starting with `msg_` is kept, so
//! an Anthropic-served answer keeps its own); `model` = the name the client
//! asked for. Content blocks in Anthropic's order: `reasoning_content` (or
//! `reasoning`) → one `thinking` block with an empty `signature`; `content`,
//! then `refusal` → `text` blocks; `tool_calls` → `tool_use` blocks (`input`
//! = the parsed `arguments`; empty, unreadable or non-object arguments →
//! `{}`; a missing id → `toolu_<message>_<n>`). `stop_reason`: `stop` →
//! `end_turn` (OpenAI does not say whether a stop sequence matched, so never
//! `stop_sequence`; `stop_sequence` is always null), `length` → `max_tokens`,
//! `tool_calls` → `tool_use`, `content_filter` or a refusal → `refusal`,
//! anything else → `end_turn`. Usage: `input_tokens` = prompt − cached,
//! `cache_read_input_tokens` = cached, `cache_creation_input_tokens` = 0
//! (OpenAI-shaped answers do not report cache writes; they stay in
//! `input_tokens`), `output_tokens` = completion (reasoning included).
//! A 2xx body that is not a readable `chat.completion` is a 502
//! `bad_upstream_response`; a 2xx body that is an error is a 502 with its
//! type and code.
//!
//! Streams: `anthropic_in/stream.rs`; errors: `anthropic_in/errors.rs`.

mod errors;
mod events;
mod messages;
mod openai;
mod out;
mod request;
mod response;
mod stream;

pub use errors::gateway_error_body;

use super::StreamTranslator;
use crate::error::GatewayError;

/// The path Anthropic clients post to.
pub const MESSAGES_PATH: &str = "/v1/messages";

/// An Anthropic request, converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundRequest {
    /// The equivalent OpenAI chat-completions request body.
    pub openai_body: Vec<u8>,
    /// The model the client asked for (also in `openai_body`), to be echoed
    /// in the answer's `model`.
    pub model: String,
    /// The client asked for an SSE stream.
    pub stream: bool,
}

/// Anthropic Messages request → OpenAI chat request with the same meaning.
/// Refusals are 400 [`GatewayError`]s; answer them with
/// [`gateway_error_body`].
pub fn request_to_openai(body: &[u8]) -> Result<InboundRequest, GatewayError> {
    request::convert(body)
}

/// A 2xx OpenAI `chat.completion` → Anthropic Message JSON. `model` is the
/// client's model name ([`InboundRequest::model`]).
pub fn response_from_openai(body: &[u8], model: &str) -> Result<Vec<u8>, GatewayError> {
    response::convert(body, model)
}

/// An OpenAI error body (any bytes, any status) → Anthropic error JSON
/// `{"type":"error","error":{"type","message"}}`. The caller keeps the status.
pub fn error_from_openai(status: u16, body: &[u8]) -> Vec<u8> {
    errors::from_openai(Some(status), body)
}

/// The unified OpenAI chunk stream → Anthropic SSE. It must be fed the usage
/// chunk: the request asked for it (`stream_options.include_usage`).
pub fn stream_to_anthropic(model: &str) -> Box<dyn StreamTranslator> {
    Box::new(stream::ToAnthropic::new(model))
}
