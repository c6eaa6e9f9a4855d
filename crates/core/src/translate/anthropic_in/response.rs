//! OpenAI `chat.completion` → Anthropic Message (rules in the parent
//! module's doc).

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::openai::{CompletionIn, FunctionIn, MessageIn};
use super::out::{ContentBlockOut, EmptyObject, MessageOut, ToolInput, UsageOut};
use crate::error::GatewayError;
use crate::translate::openai_error::{bad_upstream_response, read_loose};
use crate::usage::{from_openai_usage, Usage};

pub(super) fn convert(body: &[u8], model: &str) -> Result<Vec<u8>, GatewayError> {
    let unreadable = || bad_upstream_response("OpenAI-shaped");
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(unreadable());
    }
    let completion: CompletionIn<'_> = serde_json::from_slice(body).map_err(|_| unreadable())?;
    if completion.error.is_some() {
        // A 2xx body that is an error: the caller answers with this error.
        let fields = read_loose(body).unwrap_or_default();
        return Err(GatewayError::upstream(
            502,
            fields.kind.as_deref().unwrap_or("server_error"),
            fields.code.as_deref().unwrap_or("upstream_error"),
            fields
                .message
                .as_deref()
                .unwrap_or("The upstream provider answered with an error."),
        ));
    }
    let choice = completion
        .choices
        .as_deref()
        .unwrap_or_default()
        .iter()
        .find(|c| c.index.unwrap_or(0) == 0)
        .ok_or_else(unreadable)?;
    let id = message_id(completion.id.as_deref(), body);
    let empty = MessageIn {
        content: None,
        reasoning_content: None,
        reasoning: None,
        refusal: None,
        tool_calls: None,
    };
    let message = choice.message.as_ref().unwrap_or(&empty);
    let refused = message.refusal.as_deref().is_some_and(|r| !r.is_empty());
    let mut content = Vec::new();
    let reasoning = message
        .reasoning_content
        .as_deref()
        .or(message.reasoning.as_deref());
    if let Some(thinking) = reasoning.filter(|t| !t.is_empty()) {
        content.push(ContentBlockOut::Thinking {
            thinking: Cow::Borrowed(thinking),
            signature: "",
        });
    }
    for text in [message.content.as_deref(), message.refusal.as_deref()]
        .into_iter()
        .flatten()
        .filter(|t| !t.is_empty())
    {
        content.push(ContentBlockOut::Text {
            text: Cow::Borrowed(text),
        });
    }
    for (k, call) in message.tool_calls.iter().flatten().enumerate() {
        let function = call.function.as_ref();
        content.push(ContentBlockOut::ToolUse {
            id: match call.id.as_deref().filter(|i| !i.is_empty()) {
                Some(call_id) => Cow::Borrowed(call_id),
                None => Cow::Owned(format!("toolu_{}_{k}", id.trim_start_matches("msg_"))),
            },
            name: function.and_then(|f| f.name.as_deref()).unwrap_or_default(),
            input: arguments(function),
        });
    }
    let stop_reason = stop_reason(choice.finish_reason.as_deref(), refused);
    let answer = MessageOut {
        id: &id,
        kind: "message",
        role: "assistant",
        model,
        content,
        stop_reason: Some(stop_reason),
        stop_sequence: None,
        usage: usage(
            completion
                .usage
                .and_then(|raw| from_openai_usage(raw.get().as_bytes()))
                .unwrap_or_default(),
        ),
    };
    serde_json::to_vec(&answer).map_err(|_| unreadable())
}

/// The tool input object: OpenAI's JSON-text `arguments` parsed, or the
/// object some vendors send directly. Empty, unreadable or non-object
/// arguments become `{}` (Anthropic's `input` is always an object; the
/// client's tool then reports the missing fields to the model).
fn arguments<'a>(function: Option<&FunctionIn<'a>>) -> ToolInput<'a> {
    let Some(raw) = function.and_then(|f| f.arguments) else {
        return ToolInput::Empty(EmptyObject {});
    };
    if raw.get().starts_with('{') {
        return ToolInput::Raw(raw);
    }
    // A JSON string holding JSON text (always escaped, so never borrowable).
    let parsed = serde_json::from_str::<String>(raw.get())
        .ok()
        .and_then(|text| RawValue::from_string(text.trim().to_owned()).ok())
        .filter(|inner| inner.get().starts_with('{'));
    match parsed {
        Some(inner) => ToolInput::Owned(inner),
        None => ToolInput::Empty(EmptyObject {}),
    }
}

/// Fact sheet section 6, in reverse.
pub(super) fn stop_reason(finish_reason: Option<&str>, refused: bool) -> &'static str {
    match finish_reason {
        Some("length" | "model_length") => "max_tokens",
        Some("tool_calls" | "function_call") => "tool_use",
        Some("content_filter") => "refusal",
        _ if refused => "refusal",
        _ => "end_turn",
    }
}

/// Anthropic's `input_tokens` excludes cache reads; OpenAI's
/// `prompt_tokens` includes them (pitfall 7 in reverse). Cache writes are
/// not reported by OpenAI-shaped answers: they stay inside `input_tokens`.
pub(super) fn usage(u: Usage) -> UsageOut {
    let cached = u.cached_input_tokens.min(u.input_tokens);
    UsageOut {
        input_tokens: u.input_tokens.saturating_sub(cached),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: cached,
        output_tokens: u.output_tokens,
    }
}

/// `msg_…` from the OpenAI id (kept as is when it already is one, as from
/// the gateway's Anthropic translator); an answer without an id gets one
/// derived from `seed` (the body), so it is stable.
pub(super) fn message_id(openai_id: Option<&str>, seed: &[u8]) -> String {
    match openai_id.filter(|i| !i.is_empty()) {
        Some(id) if id.starts_with("msg_") => id.to_owned(),
        Some(id) => format!("msg_{id}"),
        None => {
            let mut out = String::from("msg_");
            for byte in Sha256::digest(seed).iter().take(12) {
                // Writing to a String cannot fail.
                let _ = write!(out, "{byte:02x}");
            }
            out
        }
    }
}
