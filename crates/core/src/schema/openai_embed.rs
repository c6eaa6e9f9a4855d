//! OpenAI Embeddings wire types (`POST /v1/embeddings`): the client's request
//! as translators read it, and the answer they write.
//!
//! The request is a borrowed view that lists every parameter of the API
//! (`input`, `model`, `dimensions`, `encoding_format`, `user`), so that an
//! unknown one is refused by name (`deny_unknown_fields`) instead of being
//! silently dropped. `input`, `dimensions` and `encoding_format` stay raw
//! JSON: their shapes (text, texts, token arrays; a number of any kind) are
//! told apart by the translator, which can then name the parameter at fault.
//!
//! Invariant: no logic here beyond serde attributes.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

// ---------------------------------------------------------------- request

/// `CreateEmbeddingRequest`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingsRequest<'a> {
    /// A string, an array of strings, a token array or an array of token arrays.
    #[serde(borrow, default)]
    pub input: Option<&'a RawValue>,
    /// Replaced by the endpoint's model.
    #[serde(default)]
    pub model: Option<IgnoredAny>,
    /// Output vector length (newer models only).
    #[serde(borrow, default)]
    pub dimensions: Option<&'a RawValue>,
    /// `float` (the default) or `base64`.
    #[serde(borrow, default)]
    pub encoding_format: Option<&'a RawValue>,
    /// End-user id for abuse monitoring; providers without one drop it.
    #[serde(default)]
    pub user: Option<IgnoredAny>,
}

/// One text of `input`, borrowed unless it holds escapes.
#[derive(Debug, Deserialize)]
pub struct Text<'a>(#[serde(borrow)] pub Cow<'a, str>);

// ---------------------------------------------------------------- response

/// `{"object":"list","data":[…],"model":…,"usage":{…}}`.
#[derive(Debug, Serialize)]
pub struct EmbeddingsResponse<'a> {
    pub object: &'static str,
    pub data: Vec<Embedding<'a>>,
    pub model: &'a str,
    pub usage: EmbeddingsUsage,
}

/// `{"object":"embedding","index":i,"embedding":…}`.
#[derive(Debug, Serialize)]
pub struct Embedding<'a> {
    pub object: &'static str,
    pub index: usize,
    pub embedding: Vector<'a>,
}

/// A vector as the client asked for it: JSON numbers, or the base64 text of
/// its little-endian `f32` bytes.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Vector<'a> {
    Float(&'a [f32]),
    Base64(String),
}

/// Embeddings only read input: `total_tokens` equals `prompt_tokens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EmbeddingsUsage {
    pub prompt_tokens: u64,
    pub total_tokens: u64,
}
