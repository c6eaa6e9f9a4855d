//! The OpenAI shapes this translator writes: `chat.completion`,
//! `chat.completion.chunk`, and tool calls that carry Gemini's thought
//! signature in `extra_content.google.thought_signature` (the field Gemini's
//! own OpenAI-compatible endpoint uses). Usage reuses
//! [`crate::schema::openai::CompletionUsage`].
//!
//! Invariant: only serde attributes and constructors here; the values are
//! decided in `response.rs` and `stream.rs`.

use std::borrow::Cow;

use serde::Serialize;

use crate::schema::openai::CompletionUsage;

/// A non-streaming answer; always exactly one choice.
#[derive(Debug, Serialize)]
pub(super) struct Completion<'a> {
    pub id: &'a str,
    pub object: &'static str,
    pub created: u64,
    pub model: &'a str,
    pub choices: [Choice<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<CompletionUsage>,
}

#[derive(Debug, Serialize)]
pub(super) struct Choice<'a> {
    pub index: u32,
    pub message: Message<'a>,
    /// Always null: Gemini's logprobs are not translated.
    pub logprobs: Option<()>,
    pub finish_reason: &'static str,
}

#[derive(Debug, Serialize)]
pub(super) struct Message<'a> {
    pub role: &'static str,
    /// Null only when the answer is tool calls without text.
    pub content: Option<Cow<'a, str>>,
    /// Always null: Gemini has no refusal part.
    pub refusal: Option<()>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCallOut<'a>>,
    /// Thought summaries (`thought: true` parts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<Cow<'a, str>>,
}

/// One tool call: whole in an answer, and whole in one delta of a stream
/// (Gemini sends complete arguments, so there are no fragments).
#[derive(Debug, Serialize)]
pub(super) struct ToolCallOut<'a> {
    /// Set in stream deltas only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<u32>,
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub function: FunctionOut<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra_content: Option<ExtraContentOut<'a>>,
}

#[derive(Debug, Serialize)]
pub(super) struct FunctionOut<'a> {
    pub name: &'a str,
    /// The arguments object as a JSON text, as OpenAI clients expect.
    pub arguments: &'a str,
}

#[derive(Debug, Serialize)]
pub(super) struct ExtraContentOut<'a> {
    pub google: GoogleOut<'a>,
}

#[derive(Debug, Serialize)]
pub(super) struct GoogleOut<'a> {
    pub thought_signature: &'a str,
}

/// One `chat.completion.chunk`. With the client's usage chunk requested,
/// every other chunk says `"usage": null`, as OpenAI does.
#[derive(Debug, Serialize)]
pub(super) struct Chunk<'a> {
    pub id: &'a str,
    pub object: &'static str,
    pub created: u64,
    pub model: &'a str,
    pub choices: &'a [ChunkChoice<'a>],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Option<&'a CompletionUsage>>,
}

#[derive(Debug, Serialize)]
pub(super) struct ChunkChoice<'a> {
    pub index: u32,
    pub delta: Delta<'a>,
    pub logprobs: Option<()>,
    /// Null until the last content chunk.
    pub finish_reason: Option<&'static str>,
}

/// What one chunk adds; absent fields are left out.
#[derive(Debug, Default, Serialize)]
pub(super) struct Delta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<[ToolCallOut<'a>; 1]>,
}
