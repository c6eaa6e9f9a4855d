//! A 2xx `Converse` answer → OpenAI `chat.completion`; the `stopReason` and
//! usage mappings shared with the stream translator.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::errors::{map_exception, message_or};
use crate::error::GatewayError;
use crate::schema::bedrock::{ConverseResponse, TokenUsage};
use crate::schema::openai::{
    AssistantMessage, ChatCompletion, Choice, CompletionUsage, FunctionCallOut,
    PromptTokensDetails, ToolCallOut,
};
use crate::translate::openai_error::bad_upstream_response;

const PROVIDER: &str = "Bedrock";

/// `chatcmpl-bedrock-` and 12 hex digits of the SHA-256 of `seed`. Bedrock
/// answers carry no id in their body (the request id is a response header
/// translators do not see), so one is derived from the answer itself.
pub(super) fn derived_id(seed: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for part in seed {
        hash.update(part);
    }
    let mut id = String::from("chatcmpl-bedrock-");
    for byte in hash.finalize().iter().take(6) {
        // Writing to a String cannot fail.
        let _ = write!(id, "{byte:02x}");
    }
    id
}

pub(super) fn translate(
    body: &[u8],
    served_as: &str,
    created: u64,
) -> Result<Vec<u8>, GatewayError> {
    // serde would read a JSON array positionally into the struct.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(bad_upstream_response(PROVIDER));
    }
    let resp: ConverseResponse<'_> =
        serde_json::from_slice(body).map_err(|_| bad_upstream_response(PROVIDER))?;
    let Some(message) = resp.output.and_then(|o| o.message) else {
        // No answer: a 2xx error body from a proxy, or nothing readable.
        return Err(match resp.message.as_deref() {
            Some(text) => {
                let (kind, code) = map_exception(None, 502, text);
                GatewayError::upstream(502, kind, code, &message_or(text, "error"))
            }
            None => bad_upstream_response(PROVIDER),
        });
    };
    let blocks = message.content.unwrap_or_default();
    let text = concat(blocks.iter().filter_map(|b| b.text.as_deref()));
    let reasoning = concat(blocks.iter().filter_map(|b| {
        b.reasoning_content
            .as_ref()
            .and_then(|r| r.reasoning_text.as_ref())
            .and_then(|t| t.text.as_deref())
    }));
    let tool_calls: Vec<ToolCallOut<'_>> = blocks
        .iter()
        .filter_map(|b| b.tool_use.as_ref())
        .map(|u| ToolCallOut {
            id: u.tool_use_id.as_deref().unwrap_or_default(),
            kind: "function",
            function: FunctionCallOut {
                name: u.name.as_deref().unwrap_or_default(),
                arguments: u.input.map_or("{}", |raw| raw.get()),
            },
        })
        .collect();
    let content = match text {
        Some(text) => Some(text),
        None if tool_calls.is_empty() => Some(Cow::Borrowed("")),
        None => None,
    };
    let id = derived_id(&[body]);
    let completion = ChatCompletion {
        id: &id,
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
        usage: resp.usage.and_then(read_usage).map(usage),
    };
    serde_json::to_vec(&completion)
        .map_err(|_| GatewayError::internal("translation_failed", "chat.completion not encodable"))
}

/// Borrowed when there is one part, concatenated otherwise; `None` for none.
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

/// Token counts from a raw `usage` value; `None` when it is not a readable
/// object (the answer is still worth more than its counts).
pub(super) fn read_usage(raw: &RawValue) -> Option<TokenUsage> {
    if !raw.get().starts_with('{') {
        return None;
    }
    serde_json::from_str(raw.get()).ok()
}

/// Fact sheet section 6. `malformed_model_output` / `malformed_tool_use`
/// have no OpenAI value and map to `stop` (never `content_filter`, pitfall
/// 10), as does anything unknown.
pub(super) fn finish_reason(stop_reason: Option<&str>) -> &'static str {
    match stop_reason {
        Some("max_tokens" | "model_context_window_exceeded") => "length",
        Some("tool_use") => "tool_calls",
        Some("guardrail_intervened" | "content_filtered") => "content_filter",
        _ => "stop",
    }
}

/// Pitfall 7: `inputTokens` excludes cache traffic, OpenAI's
/// `prompt_tokens` includes it; the total is recomputed.
pub(super) fn usage(u: TokenUsage) -> CompletionUsage {
    let cache_read = u.cache_read_input_tokens.unwrap_or(0);
    let prompt = u
        .input_tokens
        .unwrap_or(0)
        .saturating_add(cache_read)
        .saturating_add(u.cache_write_input_tokens.unwrap_or(0));
    let completion = u.output_tokens.unwrap_or(0);
    CompletionUsage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt.saturating_add(completion),
        prompt_tokens_details: PromptTokensDetails {
            cached_tokens: cache_read,
        },
        completion_tokens_details: None,
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
            (Some("max_tokens"), "length"),
            (Some("model_context_window_exceeded"), "length"),
            (Some("tool_use"), "tool_calls"),
            (Some("guardrail_intervened"), "content_filter"),
            (Some("content_filtered"), "content_filter"),
            (Some("malformed_model_output"), "stop"),
            (Some("malformed_tool_use"), "stop"),
            (Some("brand_new"), "stop"),
            (None, "stop"),
        ];
        for (reason, expected) in table {
            assert_eq!(finish_reason(reason), expected, "{reason:?}");
        }
    }

    #[test]
    fn usage_adds_cache_and_never_overflows() {
        let u = usage(TokenUsage {
            input_tokens: Some(10),
            output_tokens: Some(5),
            total_tokens: Some(1),
            cache_read_input_tokens: Some(100),
            cache_write_input_tokens: Some(1000),
        });
        assert_eq!((u.prompt_tokens, u.total_tokens), (1110, 1115));
        assert_eq!(u.prompt_tokens_details.cached_tokens, 100);
        let max = usage(TokenUsage {
            input_tokens: Some(u64::MAX),
            output_tokens: Some(u64::MAX),
            ..TokenUsage::default()
        });
        assert_eq!(max.total_tokens, u64::MAX);
    }
}
