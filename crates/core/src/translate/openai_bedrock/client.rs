//! The client's chat-completions body, as the Bedrock translator reads it.
//!
//! A borrowed view that names every top-level parameter of the
//! chat-completions API, so an *unknown* one is refused by name
//! (`deny_unknown_fields`, recovered by [`unknown_field`]) instead of being
//! dropped silently. Parameters accepted but never sent are `_`-prefixed
//! fields. Message-level types come from [`crate::schema::openai`], where
//! unknown message members are ignored.
//!
//! Invariant: only serde attributes here; meaning is decided in `request.rs`
//! and `messages.rs`.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::schema::openai::{Message, ResponseFormat, Stop, Tool, ToolChoice};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChatRequest<'a> {
    #[serde(borrow, default)]
    pub messages: Option<Vec<Message<'a>>>,
    /// Replaced by the endpoint's model id, which goes in the URL.
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
    // Dropped as harmless (see the module doc of `openai_bedrock`).
    #[serde(default, rename = "seed")]
    _seed: Option<IgnoredAny>,
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

/// The parameter named in serde's ``unknown field `x`, expected …`` error, at
/// most 64 characters of it; `None` for any other error.
pub(super) fn unknown_field(e: &serde_json::Error) -> Option<String> {
    let text = e.to_string();
    let rest = text.strip_prefix("unknown field `")?;
    let name = rest.get(..rest.find('`')?)?;
    Some(name.chars().take(64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_named_and_harmless_ones_parse() {
        let err =
            serde_json::from_str::<ChatRequest<'_>>(r#"{"messages":[],"top_k":3}"#).unwrap_err();
        assert_eq!(unknown_field(&err).as_deref(), Some("top_k"));
        let other = serde_json::from_str::<ChatRequest<'_>>(r#"{"messages":3}"#).unwrap_err();
        assert_eq!(unknown_field(&other), None);
        let ok: ChatRequest<'_> = serde_json::from_str(
            r#"{"model":"m","messages":[],"seed":1,"user":"u","metadata":{},"store":true,
                "stream_options":{"include_usage":true}}"#,
        )
        .unwrap();
        assert_eq!(ok.stream_options.and_then(|o| o.include_usage), Some(true));
    }
}
