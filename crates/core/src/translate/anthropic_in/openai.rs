//! The OpenAI shapes this pair writes (the chat request handed to the rest of
//! the gateway) and reads (the unified `chat.completion` answer and its
//! `chat.completion.chunk` stream).
//!
//! Written types borrow from the parsed Anthropic request; read types borrow
//! from the answer (`Cow` for strings, raw JSON for what is only forwarded).
//! Invariant: only serde attributes here.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::schema::openai::ToolCallOut;

// ---------------------------------------------------------------- request (written)

#[derive(Debug, Serialize)]
pub(super) struct ChatRequestOut<'r> {
    pub model: &'r str,
    pub messages: Vec<MessageOut<'r>>,
    /// Counts reasoning and visible tokens, like Anthropic's `max_tokens`.
    pub max_completion_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<&'r str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<ToolOut<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoiceOut<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormatOut<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream_options: Option<StreamOptionsOut>,
}

#[derive(Debug, Serialize)]
pub(super) struct MessageOut<'r> {
    pub role: &'static str,
    /// Null only for an assistant turn made of tool calls alone.
    pub content: Option<ContentOut<'r>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCallOut<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<&'r str>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum ContentOut<'r> {
    Text(Cow<'r, str>),
    Parts(Vec<PartOut<'r>>),
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum PartOut<'r> {
    Text { text: &'r str },
    ImageUrl { image_url: ImageUrlOut<'r> },
}

#[derive(Debug, Serialize)]
pub(super) struct ImageUrlOut<'r> {
    /// An http(s) URL, or a `data:` URL built from base64 data.
    pub url: Cow<'r, str>,
}

#[derive(Debug, Serialize)]
pub(super) struct ToolOut<'r> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub function: FunctionDefOut<'r>,
}

#[derive(Debug, Serialize)]
pub(super) struct FunctionDefOut<'r> {
    pub name: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'r str>,
    pub parameters: &'r RawValue,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum ToolChoiceOut<'r> {
    /// `auto`, `required` or `none`.
    Mode(&'static str),
    Named {
        #[serde(rename = "type")]
        kind: &'static str,
        function: FunctionNameOut<'r>,
    },
}

#[derive(Debug, Serialize)]
pub(super) struct FunctionNameOut<'r> {
    pub name: &'r str,
}

#[derive(Debug, Serialize)]
pub(super) struct ResponseFormatOut<'r> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub json_schema: JsonSchemaOut<'r>,
}

#[derive(Debug, Serialize)]
pub(super) struct JsonSchemaOut<'r> {
    pub name: &'static str,
    pub schema: &'r RawValue,
    pub strict: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct StreamOptionsOut {
    pub include_usage: bool,
}

// ---------------------------------------------------------------- answer (read)

/// A `chat.completion`, as far as an Anthropic Message needs it.
#[derive(Debug, Deserialize)]
pub(super) struct CompletionIn<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub choices: Option<Vec<ChoiceIn<'a>>>,
    /// Raw: read by [`crate::usage::from_openai_usage`], which tolerates odd counts.
    #[serde(borrow, default)]
    pub usage: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub error: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ChoiceIn<'a> {
    #[serde(default)]
    pub index: Option<u64>,
    #[serde(borrow, default)]
    pub message: Option<MessageIn<'a>>,
    #[serde(borrow, default)]
    pub finish_reason: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct MessageIn<'a> {
    #[serde(borrow, default)]
    pub content: Option<Cow<'a, str>>,
    /// DeepSeek, Qwen, xAI and the gateway's own translators.
    #[serde(borrow, default)]
    pub reasoning_content: Option<Cow<'a, str>>,
    /// vLLM, Groq, OpenRouter.
    #[serde(borrow, default)]
    pub reasoning: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub tool_calls: Option<Vec<ToolCallIn<'a>>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ToolCallIn<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function: Option<FunctionIn<'a>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct FunctionIn<'a> {
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    /// A JSON text in a string (OpenAI) or, from some vendors, the object itself.
    #[serde(borrow, default)]
    pub arguments: Option<&'a RawValue>,
}

// ---------------------------------------------------------------- stream (read)

#[derive(Debug, Deserialize)]
pub(super) struct ChunkIn<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub choices: Option<Vec<ChunkChoiceIn<'a>>>,
    #[serde(borrow, default)]
    pub usage: Option<&'a RawValue>,
    /// Groq's older placement of stream usage.
    #[serde(borrow, default)]
    pub x_groq: Option<GroqIn<'a>>,
    #[serde(borrow, default)]
    pub error: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
pub(super) struct GroqIn<'a> {
    #[serde(borrow, default)]
    pub usage: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ChunkChoiceIn<'a> {
    #[serde(default)]
    pub index: Option<u64>,
    #[serde(borrow, default)]
    pub delta: Option<DeltaIn<'a>>,
    #[serde(borrow, default)]
    pub finish_reason: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct DeltaIn<'a> {
    #[serde(borrow, default)]
    pub content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub reasoning_content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub reasoning: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub tool_calls: Option<Vec<ToolCallDeltaIn<'a>>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ToolCallDeltaIn<'a> {
    #[serde(default)]
    pub index: Option<u64>,
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function: Option<FunctionDeltaIn<'a>>,
}

#[derive(Debug, Deserialize)]
pub(super) struct FunctionDeltaIn<'a> {
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub arguments: Option<Cow<'a, str>>,
}
