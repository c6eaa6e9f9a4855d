//! The Anthropic shapes written back to an Anthropic client: a Message,
//! stream events and error bodies.
//!
//! Invariant: only serde attributes and the SSE event names here; the values
//! are decided in `response.rs`, `stream.rs` and `errors.rs`.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::value::RawValue;

/// A Messages answer (`"type":"message"`); also the `message` of
/// `message_start`, with empty `content` and null `stop_reason`.
#[derive(Debug, Serialize)]
pub(super) struct MessageOut<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub role: &'static str,
    pub model: &'a str,
    pub content: Vec<ContentBlockOut<'a>>,
    pub stop_reason: Option<&'static str>,
    pub stop_sequence: Option<&'a str>,
    pub usage: UsageOut,
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum ContentBlockOut<'a> {
    Text {
        text: Cow<'a, str>,
    },
    Thinking {
        thinking: Cow<'a, str>,
        /// Always empty: no OpenAI-shaped answer carries one.
        signature: &'static str,
    },
    ToolUse {
        id: Cow<'a, str>,
        name: &'a str,
        input: ToolInput<'a>,
    },
}

/// A `tool_use` input: always a JSON object.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub(super) enum ToolInput<'a> {
    /// A JSON object, passed through as text.
    Raw(&'a RawValue),
    /// A JSON object that had to be unescaped first (OpenAI's `arguments`).
    Owned(Box<RawValue>),
    /// `{}`.
    Empty(EmptyObject),
}

#[derive(Debug, Serialize)]
pub(super) struct EmptyObject {}

/// Token counts; `input_tokens` excludes cache reads, as Anthropic's does.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub(super) struct UsageOut {
    pub input_tokens: u64,
    pub cache_creation_input_tokens: u64,
    pub cache_read_input_tokens: u64,
    pub output_tokens: u64,
}

/// One stream event (the `data:` of `event: <type>`).
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(super) enum StreamEventOut<'a> {
    MessageStart {
        message: MessageOut<'a>,
    },
    ContentBlockStart {
        index: u32,
        content_block: ContentBlockOut<'a>,
    },
    ContentBlockDelta {
        index: u32,
        delta: BlockDeltaOut<'a>,
    },
    ContentBlockStop {
        index: u32,
    },
    MessageDelta {
        delta: MessageDeltaOut,
        /// Cumulative.
        usage: UsageOut,
    },
    MessageStop,
    Ping,
}

impl StreamEventOut<'_> {
    /// The SSE `event:` name, equal to the `type` in the data.
    pub(super) fn name(&self) -> &'static str {
        match self {
            Self::MessageStart { .. } => "message_start",
            Self::ContentBlockStart { .. } => "content_block_start",
            Self::ContentBlockDelta { .. } => "content_block_delta",
            Self::ContentBlockStop { .. } => "content_block_stop",
            Self::MessageDelta { .. } => "message_delta",
            Self::MessageStop => "message_stop",
            Self::Ping => "ping",
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "type")]
pub(super) enum BlockDeltaOut<'a> {
    #[serde(rename = "text_delta")]
    Text { text: &'a str },
    #[serde(rename = "thinking_delta")]
    Thinking { thinking: &'a str },
    #[serde(rename = "input_json_delta")]
    InputJson { partial_json: &'a str },
}

#[derive(Debug, Serialize)]
pub(super) struct MessageDeltaOut {
    pub stop_reason: &'static str,
    pub stop_sequence: Option<&'static str>,
}

/// `{"type":"error","error":{"type","message"}}`.
#[derive(Debug, Serialize)]
pub(super) struct ErrorEnvelopeOut<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub error: ErrorBodyOut<'a>,
}

#[derive(Debug, Serialize)]
pub(super) struct ErrorBodyOut<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub message: &'a str,
}
