//! Anthropic Messages wire types (`POST /v1/messages`).
//!
//! Request types are what Switchboard *sends*: they borrow every string from
//! the parsed client request (`&'r str`), and only values the translation had
//! to invent (sanitised tool ids) are owned. Response and error types are
//! borrowed views of what Anthropic *returns*; unknown fields and unknown block
//! types are tolerated so a new Anthropic feature never turns into a 502.
//!
//! Invariant: no logic here beyond serde attributes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

// ---------------------------------------------------------------- request

#[derive(Debug, Serialize)]
pub struct MessagesRequest<'r> {
    pub model: &'r str,
    pub max_tokens: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<System<'r>>,
    pub messages: Vec<Message<'r>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop_sequences: Vec<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata<'r>>,
    /// Set only by the streaming translator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
}

/// Top-level system prompt: a plain string when there is one text, blocks
/// when several system/developer messages were hoisted.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum System<'r> {
    Text(&'r str),
    Blocks(Vec<TextBlock<'r>>),
}

#[derive(Debug, Serialize)]
pub struct TextBlock<'r> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: &'r str,
}

impl<'r> TextBlock<'r> {
    pub fn new(text: &'r str) -> Self {
        Self { kind: "text", text }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Serialize)]
pub struct Message<'r> {
    pub role: Role,
    pub content: Vec<Block<'r>>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block<'r> {
    Text {
        text: &'r str,
    },
    Image {
        source: ImageSource<'r>,
    },
    ToolUse {
        id: Cow<'r, str>,
        name: &'r str,
        /// Always a JSON object, passed through as raw text.
        input: &'r RawValue,
    },
    ToolResult {
        tool_use_id: Cow<'r, str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        content: Option<ToolResultContent<'r>>,
    },
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ImageSource<'r> {
    Base64 { media_type: &'r str, data: &'r str },
    Url { url: &'r str },
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ToolResultContent<'r> {
    Text(&'r str),
    Blocks(Vec<TextBlock<'r>>),
}

#[derive(Debug, Serialize)]
pub struct Tool<'r> {
    pub name: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'r str>,
    pub input_schema: &'r RawValue,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToolChoice<'r> {
    Auto {
        #[serde(skip_serializing_if = "Option::is_none")]
        disable_parallel_tool_use: Option<bool>,
    },
    Any {
        #[serde(skip_serializing_if = "Option::is_none")]
        disable_parallel_tool_use: Option<bool>,
    },
    Tool {
        name: &'r str,
        #[serde(skip_serializing_if = "Option::is_none")]
        disable_parallel_tool_use: Option<bool>,
    },
    None,
}

#[derive(Debug, Serialize)]
pub struct Metadata<'r> {
    pub user_id: &'r str,
}

// ---------------------------------------------------------------- response

/// A non-streaming Messages answer. `kind` is `"message"`, or `"error"` when a
/// proxy in front of Anthropic answered 200 with an error body.
#[derive(Debug, Deserialize)]
pub struct MessagesResponse<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub content: Option<Vec<ResponseBlock<'a>>>,
    #[serde(borrow, default)]
    pub stop_reason: Option<Cow<'a, str>>,
    #[serde(default)]
    pub usage: Option<Usage>,
    #[serde(borrow, default)]
    pub error: Option<ErrorDetail<'a>>,
}

/// One content block of an answer. Flat rather than a tagged enum: tagged
/// enums buffer their content, which would defeat the borrowed `input`, and an
/// unknown block type must be skippable.
#[derive(Debug, Deserialize)]
pub struct ResponseBlock<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub thinking: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub input: Option<&'a RawValue>,
}

/// Token counts. `input_tokens` excludes cache reads and writes; thinking is
/// inside `output_tokens`.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub input_tokens: Option<u64>,
    #[serde(default)]
    pub output_tokens: Option<u64>,
    #[serde(default)]
    pub cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    pub cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    pub output_tokens_details: Option<OutputTokensDetails>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub struct OutputTokensDetails {
    #[serde(default)]
    pub thinking_tokens: Option<u64>,
}

// ---------------------------------------------------------------- stream

/// One event of a streamed answer (the `data:` of `event: <type>`).
///
/// Flat rather than a tagged enum, for the same reasons as [`ResponseBlock`].
/// Which fields are set depends on `kind`: `message_start` has `message`;
/// `content_block_start` has `index` and `content_block`;
/// `content_block_delta` has `index` and `delta`; `message_delta` has `delta`
/// (the stop reason) and cumulative `usage`; `error` has `error`.
#[derive(Debug, Deserialize)]
pub struct StreamEvent<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(default)]
    pub index: Option<u64>,
    #[serde(borrow, default)]
    pub message: Option<MessagesResponse<'a>>,
    #[serde(borrow, default)]
    pub content_block: Option<ResponseBlock<'a>>,
    #[serde(borrow, default)]
    pub delta: Option<StreamDelta<'a>>,
    #[serde(default)]
    pub usage: Option<Usage>,
    #[serde(borrow, default)]
    pub error: Option<ErrorDetail<'a>>,
}

/// `delta` of `content_block_delta` (`text_delta`, `thinking_delta`,
/// `input_json_delta`, `signature_delta`, `citations_delta`) or of
/// `message_delta` (no `type`; `stop_reason`, `stop_sequence`).
#[derive(Debug, Deserialize)]
pub struct StreamDelta<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub thinking: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub partial_json: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub stop_reason: Option<Cow<'a, str>>,
}

// ---------------------------------------------------------------- errors

/// `{"type":"error","error":{"type","message"},"request_id"}`.
#[derive(Debug, Deserialize)]
pub struct ErrorResponse<'a> {
    #[serde(borrow)]
    pub error: ErrorDetail<'a>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorDetail<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub message: Option<Cow<'a, str>>,
}
