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
    /// Extended thinking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking: Option<Thinking>,
    /// Structured outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_config: Option<OutputConfig<'r>>,
    /// Set only by the streaming translator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
}

/// `{"type":"enabled","budget_tokens":N}`.
#[derive(Debug, Serialize)]
pub struct Thinking {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub budget_tokens: u64,
}

/// `{"format":{"type":"json_schema","schema":{…}}}`.
#[derive(Debug, Serialize)]
pub struct OutputConfig<'r> {
    pub format: OutputFormat<'r>,
}

#[derive(Debug, Serialize)]
pub struct OutputFormat<'r> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The client's JSON Schema, untouched.
    pub schema: &'r RawValue,
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

// ---------------------------------------------------------------- client-facing request

// Anthropic Messages *in* (`POST /v1/messages` from Anthropic SDK clients):
// read by `translate::anthropic_in`. Borrowed like the OpenAI request types;
// `deny_unknown_fields` makes every field Anthropic does not define a named
// 400 (Anthropic refuses them too). Required fields are `Option` so that a
// missing one gets a message naming it, not serde's.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientRequest<'a> {
    #[serde(borrow, default)]
    pub model: Option<Cow<'a, str>>,
    #[serde(default)]
    pub max_tokens: Option<u64>,
    #[serde(borrow, default)]
    pub messages: Option<Vec<ClientMessage<'a>>>,
    #[serde(borrow, default)]
    pub system: Option<ClientContent<'a>>,
    #[serde(borrow, default)]
    pub metadata: Option<ClientMetadata<'a>>,
    #[serde(borrow, default)]
    pub stop_sequences: Option<Vec<Cow<'a, str>>>,
    #[serde(default)]
    pub temperature: Option<f64>,
    #[serde(default)]
    pub top_p: Option<f64>,
    #[serde(default)]
    pub top_k: Option<u64>,
    #[serde(borrow, default)]
    pub tools: Option<Vec<ClientTool<'a>>>,
    #[serde(borrow, default)]
    pub tool_choice: Option<ClientToolChoice<'a>>,
    #[serde(borrow, default)]
    pub thinking: Option<ClientThinking<'a>>,
    #[serde(borrow, default)]
    pub output_config: Option<ClientOutputConfig<'a>>,
    #[serde(default)]
    pub stream: Option<bool>,
    /// Hints with no OpenAI meaning; read only to be accepted.
    #[serde(borrow, default)]
    pub service_tier: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub cache_control: Option<&'a RawValue>,
    /// Server-side pruning of old context; no OpenAI equivalent.
    #[serde(borrow, default)]
    pub context_management: Option<&'a RawValue>,
    /// Anthropic-only features; read only to be refused by name.
    #[serde(borrow, default)]
    pub container: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub mcp_servers: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub inference_geo: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientMessage<'a> {
    #[serde(borrow, default)]
    pub role: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub content: Option<ClientContent<'a>>,
}

/// `content` (and `system`, and a `tool_result`'s content): a string or an
/// array of blocks. Hand-written rather than `untagged`, which would buffer
/// the value and lose the borrowed `&RawValue` of `tool_use.input`.
#[derive(Debug)]
pub enum ClientContent<'a> {
    Text(Cow<'a, str>),
    Blocks(Vec<ClientBlock<'a>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for ClientContent<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ContentVisitor(std::marker::PhantomData))
    }
}

struct ContentVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> serde::de::Visitor<'de> for ContentVisitor<'a> {
    type Value = ClientContent<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string or an array of content blocks")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(ClientContent::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(ClientContent::Text(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(ClientContent::Text(Cow::Owned(v)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut blocks = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(block) = seq.next_element()? {
            blocks.push(block);
        }
        Ok(ClientContent::Blocks(blocks))
    }
}

/// One content block of a client message. Flat (every block type's fields,
/// all optional) for the same reasons as [`ResponseBlock`]; which fields
/// matter depends on `kind`. `source` stays raw: image and document sources
/// have different shapes, and only images are read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientBlock<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub source: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub input: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub tool_use_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub content: Option<ClientContent<'a>>,
    #[serde(default)]
    pub is_error: Option<bool>,
    #[serde(borrow, default)]
    pub thinking: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub signature: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub data: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub cache_control: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub citations: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub title: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub context: Option<&'a RawValue>,
}

/// An image block's `source`: `base64{media_type,data}`, `url{url}` or
/// `file{file_id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientImageSource<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub media_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub data: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub url: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub file_id: Option<Cow<'a, str>>,
}

/// A tool definition. Not `deny_unknown_fields`: server tools
/// (`web_search_…`, `bash_…`) carry fields of their own, and are refused by
/// `type` with a better message than "unknown field".
#[derive(Debug, Deserialize)]
pub struct ClientTool<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub description: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub input_schema: Option<&'a RawValue>,
    #[serde(default)]
    pub strict: Option<bool>,
}

/// `{"type":"auto"|"any"|"tool"|"none", "name"?, "disable_parallel_tool_use"?}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientToolChoice<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(default)]
    pub disable_parallel_tool_use: Option<bool>,
}

/// `{"type":"enabled","budget_tokens"}`, `{"type":"adaptive"}` or
/// `{"type":"disabled"}`, each with an optional `display`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientThinking<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(default)]
    pub budget_tokens: Option<u64>,
    #[serde(borrow, default)]
    pub display: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientOutputConfig<'a> {
    #[serde(borrow, default)]
    pub effort: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub format: Option<ClientOutputFormat<'a>>,
}

/// `{"type":"json_schema","schema":{…}}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientOutputFormat<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub schema: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientMetadata<'a> {
    #[serde(borrow, default)]
    pub user_id: Option<Cow<'a, str>>,
}
