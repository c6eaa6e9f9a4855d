//! OpenAI chat-completions client → Anthropic Messages provider.
//!
//! Request: parsed once into borrowed types ([`crate::schema::openai`]),
//! mapped field by field, serialised once. Message conversion lives in
//! [`messages`]; `stream: true` is passed on, and the event stream is
//! translated by `openai_anthropic/stream.rs` (Anthropic always reports usage
//! in a stream, so `stream_options` only tells whether the client sees the
//! usage chunk).
//!
//! Parameter policy (a parameter is never silently dropped if dropping it
//! changes the answer the client asked for):
//! - mapped: `max_completion_tokens`/`max_tokens` → `max_tokens` (else the
//!   catalog default, pitfall 14), `stop` → `stop_sequences`, `temperature`,
//!   `top_p`, `tools`, `tool_choice` (dropped without tools, pitfall 15),
//!   `parallel_tool_calls:false` → `disable_parallel_tool_use`,
//!   `safety_identifier` (else `user`) → `metadata.user_id`,
//!   `response_format: json_schema` → `output_config.format` (structured
//!   outputs, the schema untouched), `reasoning_effort` `low` / `medium` /
//!   `high` / `xhigh` → `thinking` (budgets and Anthropic's constraints in
//!   [`thinking`]);
//! - dropped as harmless: `seed`, `store`, `metadata`, `service_tier`,
//!   `prediction`, `prompt_cache_key`, `verbosity`, `stream_options`,
//!   zero penalties, empty `logit_bias`, `n:1`, `logprobs:false`,
//!   `response_format:text`, `modalities:["text"]`,
//!   `reasoning_effort` `none`/`minimal`, and unknown fields;
//! - refused with 400 `unsupported_parameter` naming the parameter: `n>1`,
//!   `logprobs`, `top_logprobs`, non-zero penalties, `logit_bias`,
//!   `response_format: json_object` (Anthropic has JSON output only with a
//!   schema), audio output, `web_search_options`, legacy `functions` /
//!   `function_call`, non-function tools; with `reasoning_effort` on, a
//!   `temperature` other than 1, `top_p` under 0.95 and a forced
//!   `tool_choice`.
//!
//! Response: `id` is Anthropic's message id; `model` is the catalog name the
//! client asked for; text blocks are concatenated; `tool_use` → `tool_calls`
//! with the id passed back unchanged (so it round-trips); `thinking` →
//! `reasoning_content`. `finish_reason`: `end_turn`, `stop_sequence`,
//! `pause_turn` → `stop`; `max_tokens`, `model_context_window_exceeded` →
//! `length`; `tool_use` → `tool_calls`; `refusal` → `content_filter`; anything
//! else → `stop` (pitfall 10). Usage: prompt = input + cache writes + cache
//! reads, cached = cache reads, total = prompt + completion (pitfall 7).
//!
//! Errors (`error.type` of Anthropic → OpenAI `type` / `code`; in `errors.rs`,
//! also used for mid-stream `error` events):
//!
//! | Anthropic | type | code |
//! |---|---|---|
//! | `invalid_request_error` | `invalid_request_error` | `invalid_request`, or `context_length_exceeded` when the message says the prompt is too long |
//! | `authentication_error` | `invalid_request_error` | `invalid_api_key` |
//! | `permission_error` | `invalid_request_error` | `permission_denied` |
//! | `not_found_error` | `invalid_request_error` | `model_not_found` if the message names a model, else `not_found` |
//! | `request_too_large` | `invalid_request_error` | `request_too_large` |
//! | `rate_limit_error` | `requests` | `rate_limit_exceeded` |
//! | `billing_error` | `insufficient_quota` | `insufficient_quota` |
//! | `timeout_error` | `server_error` | `timeout` |
//! | `overloaded_error` | `server_error` | `overloaded` |
//! | `api_error` | `server_error` | `upstream_error` |
//! | anything else / not JSON | by HTTP status (see `openai_error`) | |
//!
//! A 2xx body that is not a readable Messages answer is a 502
//! `bad_upstream_response`; a 2xx `{"type":"error"}` body is a 502 with the
//! mapped type and code.

mod errors;
mod messages;
mod stream;
pub(crate) mod thinking;

pub use errors::error;
use errors::map_error_type;

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::openai_error::{
    bad_upstream_response, client_parse_error, clip, json_schema_object, require_object,
};
use super::openai_openai::client_wants_usage;
use super::{StreamContext, StreamTranslator, TargetModel, UpstreamRequest};
use crate::error::GatewayError;
use crate::schema::anthropic::{
    self, Block, MessagesRequest, MessagesResponse, OutputConfig, OutputFormat, Role, System,
    TextBlock, Thinking, ToolChoice as AnthropicToolChoice,
};
use crate::schema::openai::{
    AssistantMessage, ChatCompletion, ChatRequest, Choice, CompletionTokensDetails,
    CompletionUsage, FunctionCallOut, PromptTokensDetails, Stop, ToolCallOut, ToolChoice,
};

/// Used when neither the client nor the catalog gives an output cap
/// (Anthropic requires one; a catalog default of 0 means "not configured").
pub const FALLBACK_MAX_TOKENS: u64 = 4096;

/// `input_schema` for a function declared without `parameters`.
const EMPTY_SCHEMA: &str = r#"{"type":"object","properties":{}}"#;

/// Translates an OpenAI request into an Anthropic Messages request.
/// Anthropic streams always report usage, so nothing extra is asked for.
pub fn request(
    client_body: &[u8],
    target: &TargetModel<'_>,
) -> Result<UpstreamRequest, GatewayError> {
    require_object(client_body)?;
    let req: ChatRequest<'_> =
        serde_json::from_slice(client_body).map_err(|e| client_parse_error(&e))?;
    let stream = req.stream == Some(true);
    let mut out = build_request(&req, target)?;
    out.stream = stream.then_some(true);
    let body = serde_json::to_vec(&out).map_err(|_| {
        GatewayError::internal("translation_failed", "Anthropic request not encodable")
    })?;
    Ok(UpstreamRequest {
        body,
        path_suffix: "/messages".to_owned(),
        stream,
        client_wants_usage: stream && client_wants_usage(req.stream_options),
    })
}

/// The streaming answer's translator (`openai_anthropic/stream.rs`).
pub fn stream_translator(context: StreamContext) -> Box<dyn StreamTranslator> {
    Box::new(stream::AnthropicStream::new(context))
}

/// The Anthropic request for a parsed client request, without `stream`.
pub(crate) fn build_request<'r>(
    req: &'r ChatRequest<'_>,
    target: &TargetModel<'r>,
) -> Result<MessagesRequest<'r>, GatewayError> {
    refuse_unsupported(req)?;
    let input = req
        .messages
        .as_deref()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            GatewayError::invalid_field("messages", "messages must be a non-empty array.")
        })?;
    let converted = messages::convert(input)?;
    if converted.messages.is_empty() {
        return Err(GatewayError::invalid_field(
            "messages",
            "At least one user or assistant message must have content.",
        ));
    }
    let system = match converted.system.as_slice() {
        [] => None,
        [one] => Some(System::Text(one)),
        many => Some(System::Blocks(
            many.iter().map(|t| TextBlock::new(t)).collect(),
        )),
    };
    let tools = tools(req)?;
    let tool_choice = if tools.is_empty() {
        None
    } else {
        tool_choice(req)?
    };
    let requested = requested_max_tokens(req)?;
    let default = match target.default_max_tokens {
        0 => FALLBACK_MAX_TOKENS,
        n => u64::from(n),
    };
    let (thinking, max_tokens) = match thinking::budget(req.reasoning_effort.as_deref())? {
        None => (None, requested.unwrap_or(default)),
        Some(budget) => {
            let forces_tool = matches!(
                tool_choice,
                Some(AnthropicToolChoice::Any { .. } | AnthropicToolChoice::Tool { .. })
            );
            thinking::check_compatible(req.temperature, req.top_p, forces_tool)?;
            let (budget, cap) = thinking::fit(budget, requested, Some(default))?;
            if in_tool_loop(&converted.messages) {
                // The signed thinking block of this tool turn cannot be sent
                // back (see `thinking`): this step runs without thinking.
                (None, requested.unwrap_or(default))
            } else {
                (
                    Some(Thinking {
                        kind: "enabled",
                        budget_tokens: budget,
                    }),
                    cap,
                )
            }
        }
    };
    Ok(MessagesRequest {
        model: target.upstream_model,
        max_tokens,
        system,
        messages: converted.messages,
        stop_sequences: stop_sequences(req.stop.as_ref()),
        temperature: req.temperature,
        top_p: req.top_p,
        tools,
        tool_choice,
        metadata: req
            .safety_identifier
            .as_deref()
            .or(req.user.as_deref())
            .filter(|u| !u.is_empty())
            .map(|user_id| anthropic::Metadata { user_id }),
        thinking,
        output_config: output_config(req)?,
        stream: None,
    })
}

/// The final assistant turn holds tool calls: the request continues a tool
/// loop (its results follow).
fn in_tool_loop(messages: &[anthropic::Message<'_>]) -> bool {
    messages
        .iter()
        .rev()
        .find(|m| m.role == Role::Assistant)
        .is_some_and(|m| m.content.iter().any(|b| matches!(b, Block::ToolUse { .. })))
}

/// `response_format`: `json_schema` → structured outputs; `json_object` has
/// no Anthropic equivalent (JSON output needs a schema).
fn output_config<'r>(req: &'r ChatRequest<'_>) -> Result<Option<OutputConfig<'r>>, GatewayError> {
    let Some(format) = &req.response_format else {
        return Ok(None);
    };
    match format.kind.as_ref() {
        "text" => Ok(None),
        "json_schema" => {
            let schema = json_schema_object(format.json_schema.as_ref().and_then(|s| s.schema))?;
            Ok(Some(OutputConfig {
                format: OutputFormat {
                    kind: "json_schema",
                    schema,
                },
            }))
        }
        "json_object" => Err(GatewayError::unsupported_parameter(
            "response_format",
            "response_format 'json_object' is not supported for this model; use 'json_schema' \
             with a schema, or remove it.",
        )),
        _ => Err(unsupported("response_format")),
    }
}

fn unsupported(param: &str) -> GatewayError {
    GatewayError::unsupported_parameter(
        param,
        &format!("'{param}' is not supported for this model; remove it or choose another model."),
    )
}

/// Parameters Anthropic cannot honour (see the module doc).
fn refuse_unsupported(req: &ChatRequest<'_>) -> Result<(), GatewayError> {
    let nonzero = |v: Option<f64>| v.is_some_and(|x| x != 0.0);
    let checks: [(&str, bool); 10] = [
        ("n", req.n.is_some_and(|n| n > 1)),
        ("logprobs", req.logprobs == Some(true)),
        ("top_logprobs", req.top_logprobs.is_some_and(|k| k > 0)),
        ("frequency_penalty", nonzero(req.frequency_penalty)),
        ("presence_penalty", nonzero(req.presence_penalty)),
        (
            "logit_bias",
            req.logit_bias.is_some_and(|r| !is_empty_object(r)),
        ),
        (
            "modalities",
            req.modalities.iter().flatten().any(|m| m != "text"),
        ),
        ("audio", req.audio.is_some()),
        ("web_search_options", req.web_search_options.is_some()),
        (
            "functions",
            req.functions.is_some() || req.function_call.is_some(),
        ),
    ];
    match checks.iter().find(|(_, refused)| *refused) {
        Some((param, _)) => Err(unsupported(param)),
        None => Ok(()),
    }
}

fn is_empty_object(raw: &RawValue) -> bool {
    raw.get()
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .eq(*b"{}")
}

/// The client's output cap: `max_completion_tokens` wins over `max_tokens`.
fn requested_max_tokens(req: &ChatRequest<'_>) -> Result<Option<u64>, GatewayError> {
    let (param, requested) = match (req.max_completion_tokens, req.max_tokens) {
        (Some(v), _) => ("max_completion_tokens", Some(v)),
        (None, v) => ("max_tokens", v),
    };
    if requested == Some(0) {
        return Err(GatewayError::invalid_field(
            param,
            "The output token limit must be at least 1.",
        ));
    }
    Ok(requested)
}

/// Empty strings are dropped: they would stop nothing, and Anthropic rejects them.
fn stop_sequences<'r>(stop: Option<&'r Stop<'_>>) -> Vec<&'r str> {
    match stop {
        None => Vec::new(),
        Some(Stop::One(s)) => [s.as_ref()].into_iter().filter(|s| !s.is_empty()).collect(),
        Some(Stop::Many(all)) => all
            .iter()
            .map(|s| s.as_ref())
            .filter(|s| !s.is_empty())
            .collect(),
    }
}

fn tools<'r>(req: &'r ChatRequest<'_>) -> Result<Vec<anthropic::Tool<'r>>, GatewayError> {
    let mut out = Vec::new();
    for (i, tool) in req.tools.iter().flatten().enumerate() {
        if tool.kind != "function" {
            return Err(unsupported(&format!("tools[{i}].type")));
        }
        let function = tool.function.as_ref().ok_or_else(|| {
            GatewayError::invalid_field(&format!("tools[{i}].function"), "function is required.")
        })?;
        let input_schema = match function.parameters {
            Some(schema) => schema,
            None => serde_json::from_str::<&'static RawValue>(EMPTY_SCHEMA)
                .map_err(|_| GatewayError::internal("translation_failed", "empty schema"))?,
        };
        out.push(anthropic::Tool {
            name: &function.name,
            description: function.description.as_deref().filter(|d| !d.is_empty()),
            input_schema,
        });
    }
    Ok(out)
}

/// Only called when tools are sent (pitfall 15).
fn tool_choice<'r>(
    req: &'r ChatRequest<'_>,
) -> Result<Option<AnthropicToolChoice<'r>>, GatewayError> {
    let disable_parallel_tool_use = (req.parallel_tool_calls == Some(false)).then_some(true);
    let choice = match &req.tool_choice {
        None if disable_parallel_tool_use.is_some() => AnthropicToolChoice::Auto {
            disable_parallel_tool_use,
        },
        None => return Ok(None),
        Some(ToolChoice::Mode(mode)) => match mode.as_ref() {
            "auto" => AnthropicToolChoice::Auto {
                disable_parallel_tool_use,
            },
            "required" => AnthropicToolChoice::Any {
                disable_parallel_tool_use,
            },
            "none" => AnthropicToolChoice::None,
            _ => {
                return Err(GatewayError::invalid_field(
                    "tool_choice",
                    "tool_choice must be auto, none, required or a named function.",
                ))
            }
        },
        Some(ToolChoice::Named(named)) => match (named.kind.as_ref(), &named.function) {
            ("function", Some(f)) => AnthropicToolChoice::Tool {
                name: &f.name,
                disable_parallel_tool_use,
            },
            ("function", None) => {
                return Err(GatewayError::invalid_field(
                    "tool_choice.function",
                    "A named tool_choice needs function.name.",
                ))
            }
            _ => return Err(unsupported("tool_choice")),
        },
    };
    Ok(Some(choice))
}

// ---------------------------------------------------------------- response

/// Translates a 2xx Anthropic Messages answer into a `chat.completion`.
pub fn response(
    provider_body: &[u8],
    served_as: &str,
    created: u64,
) -> Result<Vec<u8>, GatewayError> {
    if provider_body.trim_ascii_start().first() != Some(&b'{') {
        return Err(bad_upstream_response("Anthropic"));
    }
    let resp: MessagesResponse<'_> =
        serde_json::from_slice(provider_body).map_err(|_| bad_upstream_response("Anthropic"))?;
    if resp.kind.as_deref() == Some("error") || resp.error.is_some() {
        let detail = resp.error.as_ref();
        let message = clip(detail.and_then(|d| d.message.as_deref()).unwrap_or(""));
        let (kind, code) = map_error_type(detail.and_then(|d| d.kind.as_deref()), &message)
            .unwrap_or(("server_error", "upstream_error"));
        let message = if message.is_empty() {
            Cow::Borrowed("The upstream provider answered with an error and no message.")
        } else {
            message
        };
        return Err(GatewayError::upstream(502, kind, code, &message));
    }
    let blocks = resp.content.as_deref().unwrap_or_default();
    let text = concat(
        blocks
            .iter()
            .filter(|b| b.kind == "text")
            .filter_map(|b| b.text.as_deref()),
    );
    let reasoning = concat(
        blocks
            .iter()
            .filter(|b| b.kind == "thinking")
            .filter_map(|b| b.thinking.as_deref()),
    );
    let tool_calls: Vec<ToolCallOut<'_>> = blocks
        .iter()
        .filter(|b| b.kind == "tool_use")
        .map(|b| ToolCallOut {
            id: b.id.as_deref().unwrap_or_default(),
            kind: "function",
            function: FunctionCallOut {
                name: b.name.as_deref().unwrap_or_default(),
                arguments: b.input.map_or("{}", |raw| raw.get()),
            },
        })
        .collect();
    let content = match text {
        Some(text) => Some(text),
        None if tool_calls.is_empty() => Some(Cow::Borrowed("")),
        None => None,
    };
    let completion = ChatCompletion {
        id: resp.id.as_deref().unwrap_or_default(),
        object: "chat.completion",
        created,
        model: served_as,
        choices: [Choice {
            index: 0,
            message: AssistantMessage {
                role: "assistant",
                content,
                refusal: None,
                tool_calls,
                reasoning_content: reasoning,
            },
            logprobs: None,
            finish_reason: finish_reason(resp.stop_reason.as_deref()),
        }],
        usage: resp.usage.map(usage),
    };
    serde_json::to_vec(&completion).map_err(|_| bad_upstream_response("Anthropic"))
}

/// `None` when there are no parts; borrowed when there is exactly one.
fn concat<'a>(mut parts: impl Iterator<Item = &'a str>) -> Option<Cow<'a, str>> {
    let first = parts.next()?;
    match parts.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut all = String::with_capacity(first.len().saturating_add(second.len()));
            all.push_str(first);
            all.push_str(second);
            parts.for_each(|p| all.push_str(p));
            Some(Cow::Owned(all))
        }
    }
}

/// Fact sheet section 6; unknown reasons default to `stop` (pitfall 10).
pub(crate) fn finish_reason(stop_reason: Option<&str>) -> &'static str {
    match stop_reason {
        Some("max_tokens" | "model_context_window_exceeded") => "length",
        Some("tool_use") => "tool_calls",
        Some("refusal") => "content_filter",
        _ => "stop",
    }
}

/// Pitfall 7: Anthropic's `input_tokens` excludes cache traffic, OpenAI's
/// `prompt_tokens` includes it.
pub(crate) fn usage(u: anthropic::Usage) -> CompletionUsage {
    let cache_read = u.cache_read_input_tokens.unwrap_or(0);
    let prompt = u
        .input_tokens
        .unwrap_or(0)
        .saturating_add(u.cache_creation_input_tokens.unwrap_or(0))
        .saturating_add(cache_read);
    let completion = u.output_tokens.unwrap_or(0);
    CompletionUsage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt.saturating_add(completion),
        prompt_tokens_details: PromptTokensDetails {
            cached_tokens: cache_read,
        },
        completion_tokens_details: u
            .output_tokens_details
            .and_then(|d| d.thinking_tokens)
            .map(|reasoning_tokens| CompletionTokensDetails { reasoning_tokens }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stop_reason_has_a_finish_reason() {
        let table = [
            (Some("end_turn"), "stop"),
            (Some("stop_sequence"), "stop"),
            (Some("pause_turn"), "stop"),
            (Some("max_tokens"), "length"),
            (Some("model_context_window_exceeded"), "length"),
            (Some("tool_use"), "tool_calls"),
            (Some("refusal"), "content_filter"),
            (Some("something_new"), "stop"),
            (None, "stop"),
        ];
        for (reason, expected) in table {
            assert_eq!(finish_reason(reason), expected, "{reason:?}");
        }
    }

    #[test]
    fn usage_never_overflows() {
        let u = usage(anthropic::Usage {
            input_tokens: Some(u64::MAX),
            output_tokens: Some(u64::MAX),
            cache_creation_input_tokens: Some(1),
            cache_read_input_tokens: Some(1),
            output_tokens_details: None,
        });
        assert_eq!(u.prompt_tokens, u64::MAX);
        assert_eq!(u.total_tokens, u64::MAX);
    }
}
