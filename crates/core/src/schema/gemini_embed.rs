//! Google Gemini embedding wire types: `models/{m}:batchEmbedContents`
//! (request and answer; the Google error envelope is in [`super::gemini`]).
//!
//! Sources: the `EmbedContentRequest` / `BatchEmbedContentsRequest` /
//! `BatchEmbedContentsResponse` messages of googleapis
//! `google/ai/generativelanguage/v1beta/generative_service.proto`, and
//! https://ai.google.dev/api/embeddings. The request is what Switchboard
//! *sends* and borrows every string; the answer is a borrowed view of what
//! Gemini *returns*, with every field optional and unknown fields tolerated.
//!
//! Invariant: no logic here beyond serde attributes.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::gemini::{ErrorDetail, TextPart};

// ---------------------------------------------------------------- request

/// `BatchEmbedContentsRequest` (the model is in the URL too).
#[derive(Debug, Serialize)]
pub struct BatchEmbedContentsRequest<'r> {
    pub requests: Vec<EmbedContentRequest<'r>>,
}

/// One `EmbedContentRequest` of a batch. `taskType` and `title` are not
/// sent: OpenAI's API has no counterpart, and Gemini picks its default.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbedContentRequest<'r> {
    /// `models/{model}`; must be the model of the URL.
    pub model: &'r str,
    pub content: EmbedContent<'r>,
    /// Keeps the first N values of the vector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_dimensionality: Option<u32>,
}

/// A `Content` without a role: only `parts[].text` is embedded.
#[derive(Debug, Serialize)]
pub struct EmbedContent<'r> {
    pub parts: Vec<TextPart<'r>>,
}

// ---------------------------------------------------------------- response

/// `BatchEmbedContentsResponse`: one embedding per request, in order.
/// `usageMetadata` is newer than the published proto and may be absent; it
/// stays raw so that an odd one (a count as a string) cannot make the
/// vectors unreadable. `error` is set when something in front of Gemini
/// answered 2xx with an error body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchEmbedContentsResponse<'a> {
    #[serde(default)]
    pub embeddings: Option<Vec<ContentEmbedding>>,
    #[serde(borrow, default)]
    pub usage_metadata: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub error: Option<ErrorDetail<'a>>,
}

/// `ContentEmbedding`: `repeated float values`.
#[derive(Debug, Deserialize)]
pub struct ContentEmbedding {
    #[serde(default)]
    pub values: Option<Vec<f32>>,
}

/// `EmbeddingUsageMetadata` (read from `usageMetadata`): the prompt's token
/// count, when reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddingUsageMetadata {
    #[serde(default)]
    pub prompt_token_count: Option<u64>,
}
