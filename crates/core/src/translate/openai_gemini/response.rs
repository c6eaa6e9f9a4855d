//! Gemini answer → OpenAI `chat.completion`, and the pieces the stream
//! translator shares: finish reasons, usage, tool calls.

use std::borrow::Cow;

use super::errors::upstream_error;
use super::out::{
    Choice, Completion, ExtraContentOut, FunctionOut, GoogleOut, Message, ToolCallOut,
};
use super::signature::encode_id;
use crate::error::GatewayError;
use crate::schema::gemini::{
    GenerateContentResponse, PromptFeedback, ResponseFunctionCall, ResponsePart, UsageMetadata,
};
use crate::schema::openai::{CompletionTokensDetails, CompletionUsage, PromptTokensDetails};
use crate::translate::openai_error::{bad_upstream_response, clip};

/// `id` of answers whose Gemini body has no `responseId`.
pub(super) const FALLBACK_ID: &str = "chatcmpl-gemini";

/// How a candidate ended, before knowing whether it called tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Finish {
    /// `STOP` (or unspecified): `tool_calls` when a function was called.
    Natural,
    Length,
    Filtered,
    /// `MALFORMED_FUNCTION_CALL`, `UNEXPECTED_TOOL_CALL`, `LANGUAGE`,
    /// `OTHER` and any reason not known yet: reported as `stop`.
    Other,
}

impl Finish {
    /// Fact sheet section 6; never `content_filter` for a malformed call
    /// (pitfall 10).
    pub(super) fn classify(reason: &str) -> Self {
        match reason {
            "STOP" | "FINISH_REASON_UNSPECIFIED" => Self::Natural,
            "MAX_TOKENS" => Self::Length,
            "SAFETY"
            | "RECITATION"
            | "BLOCKLIST"
            | "PROHIBITED_CONTENT"
            | "SPII"
            | "IMAGE_SAFETY"
            | "IMAGE_PROHIBITED_CONTENT"
            | "IMAGE_RECITATION"
            | "MODEL_ARMOR" => Self::Filtered,
            _ => Self::Other,
        }
    }

    /// The OpenAI `finish_reason`; `called_tools` covers the whole answer,
    /// every chunk of a stream included (pitfall 9).
    pub(super) fn openai(self, called_tools: bool) -> &'static str {
        match self {
            Self::Natural if called_tools => "tool_calls",
            Self::Natural | Self::Other => "stop",
            Self::Length => "length",
            Self::Filtered => "content_filter",
        }
    }
}

/// promptTokenCount already includes cached tokens; completion is candidates
/// plus thoughts; total is Gemini's own when given (it also counts tool-use
/// prompt tokens).
pub(super) fn usage(u: &UsageMetadata) -> CompletionUsage {
    let prompt = u.prompt_token_count.unwrap_or(0);
    let completion = u
        .candidates_token_count
        .unwrap_or(0)
        .saturating_add(u.thoughts_token_count.unwrap_or(0));
    let total = u.total_token_count.unwrap_or_else(|| {
        prompt
            .saturating_add(completion)
            .saturating_add(u.tool_use_prompt_token_count.unwrap_or(0))
    });
    CompletionUsage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: total,
        prompt_tokens_details: PromptTokensDetails {
            cached_tokens: u.cached_content_token_count.unwrap_or(0),
        },
        completion_tokens_details: u
            .thoughts_token_count
            .map(|reasoning_tokens| CompletionTokensDetails { reasoning_tokens }),
    }
}

/// The OpenAI tool call for a `functionCall` part; `n` numbers the calls of
/// the answer from 0 and names calls Gemini gave no id (`call_<n>`).
pub(super) fn tool_call<'a>(
    call: &'a ResponseFunctionCall<'_>,
    signature: Option<&'a str>,
    n: u32,
    index: Option<u32>,
) -> ToolCallOut<'a> {
    let base: Cow<'_, str> = match call.id.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => Cow::Borrowed(id),
        None => Cow::Owned(format!("call_{n}")),
    };
    let signature = signature.filter(|s| !s.is_empty());
    ToolCallOut {
        index,
        id: match signature {
            Some(sig) => encode_id(&base, sig),
            None => base.into_owned(),
        },
        kind: "function",
        function: FunctionOut {
            name: call.name.as_deref().unwrap_or_default(),
            arguments: call
                .args
                .map(|raw| raw.get())
                .filter(|a| *a != "null")
                .unwrap_or("{}"),
        },
        extra_content: signature.map(|thought_signature| ExtraContentOut {
            google: GoogleOut { thought_signature },
        }),
    }
}

/// Whether a part is shown as reasoning rather than as the answer.
pub(super) fn is_thought(part: &ResponsePart<'_>) -> bool {
    part.thought == Some(true)
}

/// 400 `content_filter` for a prompt Gemini refused to answer.
pub(super) fn prompt_blocked(feedback: &PromptFeedback<'_>) -> Option<GatewayError> {
    let reason = feedback.block_reason.as_deref()?;
    let detail = feedback
        .block_reason_message
        .as_deref()
        .map(|m| format!(" {}", clip(m)))
        .unwrap_or_default();
    Some(GatewayError::upstream(
        400,
        "invalid_request_error",
        "content_filter",
        &format!(
            "The provider blocked the prompt (reason: {}).{detail}",
            clip(reason)
        ),
    ))
}

/// `None` when there are no pieces; borrowed when there is exactly one.
fn join<'a>(mut pieces: impl Iterator<Item = &'a str>) -> Option<Cow<'a, str>> {
    let first = pieces.next()?;
    match pieces.next() {
        None => Some(Cow::Borrowed(first)),
        Some(second) => {
            let mut all = String::with_capacity(first.len().saturating_add(second.len()));
            all.push_str(first);
            all.push_str(second);
            pieces.for_each(|p| all.push_str(p));
            Some(Cow::Owned(all))
        }
    }
}

/// Translates a 2xx `generateContent` answer into a `chat.completion`.
pub(super) fn translate(
    body: &[u8],
    served_as: &str,
    created: u64,
) -> Result<Vec<u8>, GatewayError> {
    if body.trim_ascii_start().first() != Some(&b'{') {
        return Err(bad_upstream_response("Gemini"));
    }
    let resp: GenerateContentResponse<'_> =
        serde_json::from_slice(body).map_err(|_| bad_upstream_response("Gemini"))?;
    if let Some(detail) = &resp.error {
        return Err(upstream_error(detail));
    }
    let Some(candidate) = resp.candidates.as_deref().and_then(<[_]>::first) else {
        return Err(resp
            .prompt_feedback
            .as_ref()
            .and_then(prompt_blocked)
            .unwrap_or_else(|| bad_upstream_response("Gemini")));
    };
    let parts = candidate
        .content
        .as_ref()
        .and_then(|c| c.parts.as_deref())
        .unwrap_or_default();
    let texts = |thought: bool| {
        parts
            .iter()
            .filter(move |p| is_thought(p) == thought)
            .filter_map(|p| p.text.as_deref())
            .filter(|t| !t.is_empty())
    };
    let mut tool_calls = Vec::new();
    for part in parts {
        if let Some(call) = &part.function_call {
            let n = u32::try_from(tool_calls.len()).unwrap_or(u32::MAX);
            tool_calls.push(tool_call(call, part.thought_signature.as_deref(), n, None));
        }
    }
    let called_tools = !tool_calls.is_empty();
    let content = match join(texts(false)) {
        Some(text) => Some(text),
        None if tool_calls.is_empty() => Some(Cow::Borrowed("")),
        None => None,
    };
    let finish = candidate
        .finish_reason
        .as_deref()
        .map_or(Finish::Natural, Finish::classify);
    let completion = Completion {
        id: resp
            .response_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .unwrap_or(FALLBACK_ID),
        object: "chat.completion",
        created,
        model: served_as,
        choices: [Choice {
            index: 0,
            message: Message {
                role: "assistant",
                content,
                refusal: None,
                reasoning_content: join(texts(true)),
                tool_calls,
            },
            logprobs: None,
            finish_reason: finish.openai(called_tools),
        }],
        usage: resp.usage_metadata.as_ref().map(usage),
    };
    serde_json::to_vec(&completion).map_err(|_| bad_upstream_response("Gemini"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_finish_reason_has_a_mapping() {
        let table = [
            ("STOP", false, "stop"),
            ("STOP", true, "tool_calls"),
            ("MAX_TOKENS", true, "length"),
            ("SAFETY", false, "content_filter"),
            ("RECITATION", false, "content_filter"),
            ("BLOCKLIST", false, "content_filter"),
            ("PROHIBITED_CONTENT", false, "content_filter"),
            ("SPII", false, "content_filter"),
            ("IMAGE_SAFETY", false, "content_filter"),
            ("MALFORMED_FUNCTION_CALL", false, "stop"),
            ("MALFORMED_FUNCTION_CALL", true, "stop"),
            ("UNEXPECTED_TOOL_CALL", false, "stop"),
            ("LANGUAGE", false, "stop"),
            ("OTHER", false, "stop"),
            ("SOMETHING_NEW", false, "stop"),
        ];
        for (reason, tools, expected) in table {
            assert_eq!(Finish::classify(reason).openai(tools), expected, "{reason}");
        }
    }

    #[test]
    fn usage_never_overflows() {
        let u = usage(&UsageMetadata {
            prompt_token_count: Some(u64::MAX),
            candidates_token_count: Some(u64::MAX),
            thoughts_token_count: Some(1),
            ..UsageMetadata::default()
        });
        assert_eq!(u.completion_tokens, u64::MAX);
        assert_eq!(u.total_tokens, u64::MAX);
    }
}
