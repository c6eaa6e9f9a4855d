//! The client's chat-completions body, as the Gemini translator reads it.
//!
//! A borrowed view like [`crate::schema::openai::ChatRequest`], with what
//! Gemini needs besides: `seed`, `stream_options`, the `json_schema` of
//! `response_format`, and `extra_content` on replayed tool calls (where
//! OpenAI-compatible clients keep Gemini's thought signature). Every top-level
//! parameter of the chat-completions API is listed, so that an *unknown* one
//! is refused by name (`deny_unknown_fields`) instead of silently dropped
//! (parameters accepted but not used are `_`-prefixed fields);
//! [`unknown_field`] recovers that name from serde's error.
//!
//! Invariant: only serde attributes here; what a field means for Gemini is
//! decided in `request.rs` and `contents.rs`.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::schema::openai::{Content, FunctionCall, Stop, Tool, ToolChoice};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChatRequest<'a> {
    #[serde(borrow, default)]
    pub messages: Option<Vec<Message<'a>>>,
    /// Replaced by the endpoint's model (which goes in the URL).
    #[serde(default, rename = "model")]
    _model: Option<IgnoredAny>,
    #[serde(default)]
    pub max_completion_tokens: Option<u64>,
    #[serde(default)]
    pub max_tokens: Option<u64>,
    #[serde(default)]
    pub temperature: Option<f64>,
    #[serde(default)]
    pub top_p: Option<f64>,
    #[serde(borrow, default)]
    pub stop: Option<Stop<'a>>,
    #[serde(default)]
    pub stream: Option<bool>,
    #[serde(default)]
    pub stream_options: Option<StreamOptions>,
    #[serde(borrow, default)]
    pub tools: Option<Vec<Tool<'a>>>,
    #[serde(borrow, default)]
    pub tool_choice: Option<ToolChoice<'a>>,
    #[serde(default)]
    pub parallel_tool_calls: Option<bool>,
    #[serde(default)]
    pub n: Option<u64>,
    #[serde(default)]
    pub seed: Option<i64>,
    #[serde(default)]
    pub logprobs: Option<bool>,
    #[serde(default)]
    pub top_logprobs: Option<u64>,
    #[serde(default)]
    pub frequency_penalty: Option<f64>,
    #[serde(default)]
    pub presence_penalty: Option<f64>,
    #[serde(borrow, default)]
    pub logit_bias: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub response_format: Option<ResponseFormat<'a>>,
    #[serde(borrow, default)]
    pub modalities: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow, default)]
    pub audio: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub reasoning_effort: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub web_search_options: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub functions: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub function_call: Option<&'a RawValue>,
    // Dropped as harmless (see the module doc of `openai_gemini`).
    #[serde(default, rename = "user")]
    _user: Option<IgnoredAny>,
    #[serde(default, rename = "safety_identifier")]
    _safety_identifier: Option<IgnoredAny>,
    #[serde(default, rename = "metadata")]
    _metadata: Option<IgnoredAny>,
    #[serde(default, rename = "store")]
    _store: Option<IgnoredAny>,
    #[serde(default, rename = "service_tier")]
    _service_tier: Option<IgnoredAny>,
    #[serde(default, rename = "prompt_cache_key")]
    _prompt_cache_key: Option<IgnoredAny>,
    #[serde(default, rename = "prompt_cache_retention")]
    _prompt_cache_retention: Option<IgnoredAny>,
    #[serde(default, rename = "prediction")]
    _prediction: Option<IgnoredAny>,
    #[serde(default, rename = "verbosity")]
    _verbosity: Option<IgnoredAny>,
}

#[derive(Debug, Deserialize)]
pub(super) struct StreamOptions {
    #[serde(default)]
    pub include_usage: Option<bool>,
}

/// `response_format`: `text`, `json_object` or `json_schema{schema,…}`.
#[derive(Debug, Deserialize)]
pub(super) struct ResponseFormat<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow, default)]
    pub json_schema: Option<JsonSchemaFormat<'a>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct JsonSchemaFormat<'a> {
    /// The JSON Schema itself, passed through untouched.
    #[serde(borrow, default)]
    pub schema: Option<&'a RawValue>,
}

/// One chat message; unknown message fields (`name`, `reasoning_content`
/// sent back…) are ignored.
#[derive(Debug, Deserialize)]
pub(super) struct Message<'a> {
    #[serde(borrow)]
    pub role: Cow<'a, str>,
    #[serde(borrow, default)]
    pub content: Option<Content<'a>>,
    #[serde(borrow, default)]
    pub tool_calls: Option<Vec<ToolCall<'a>>>,
    #[serde(borrow, default)]
    pub tool_call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function_call: Option<&'a RawValue>,
}

/// An assistant's tool call replayed in history.
#[derive(Debug, Deserialize)]
pub(super) struct ToolCall<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function: Option<FunctionCall<'a>>,
    #[serde(borrow, default)]
    pub extra_content: Option<ExtraContent<'a>>,
}

/// `extra_content.google.thought_signature` (Gemini's OpenAI-compatible
/// convention, kept by clients that replay tool calls verbatim).
#[derive(Debug, Deserialize)]
pub(super) struct ExtraContent<'a> {
    #[serde(borrow, default)]
    pub google: Option<GoogleExtra<'a>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GoogleExtra<'a> {
    #[serde(borrow, default)]
    pub thought_signature: Option<Cow<'a, str>>,
}

/// The parameter name in serde's `unknown field `x`, expected …` error, at
/// most 64 characters of it. `None` for any other error.
pub(super) fn unknown_field(e: &serde_json::Error) -> Option<String> {
    let text = e.to_string();
    let rest = text.strip_prefix("unknown field `")?;
    let end = rest.find("`, expected").or_else(|| rest.find('`'))?;
    let name = rest.get(..end)?;
    Some(name.chars().take(64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_named() {
        let err =
            serde_json::from_str::<ChatRequest<'_>>(r#"{"messages":[],"top_k":3}"#).unwrap_err();
        assert_eq!(unknown_field(&err).as_deref(), Some("top_k"));
        let other = serde_json::from_str::<ChatRequest<'_>>(r#"{"messages":3}"#).unwrap_err();
        assert_eq!(unknown_field(&other), None);
    }

    #[test]
    fn harmless_fields_parse() {
        let body = r#"{"model":"m","messages":[],"user":"u","metadata":{"a":"b"},"store":false,
            "service_tier":"auto","prompt_cache_key":"k","prediction":{"type":"content"},
            "verbosity":"low","safety_identifier":"s","prompt_cache_retention":"24h",
            "stream_options":{"include_usage":true},"seed":7}"#;
        let req: ChatRequest<'_> = serde_json::from_str(body).unwrap();
        assert_eq!(req.seed, Some(7));
        assert_eq!(req.stream_options.and_then(|o| o.include_usage), Some(true));
    }
}
