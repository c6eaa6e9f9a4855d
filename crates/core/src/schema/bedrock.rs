//! AWS Bedrock Converse / ConverseStream wire types
//! (`POST /model/{modelId}/converse`, `/converse-stream`).
//!
//! Request types are what Switchboard *sends*: they borrow every string and
//! opaque JSON sub-tree from the parsed client request, and only values the
//! translation had to invent (sanitised tool ids, stub schemas) are owned or
//! static. Bedrock's unions (`ContentBlock`, `ToolChoice`, …) are externally
//! tagged JSON objects with exactly one member, which is what serde's default
//! enum representation writes.
//!
//! Response, stream and error types are borrowed views of what Bedrock
//! *returns*. They are flat structs of optional fields rather than enums, so
//! an unknown block, delta or field (Bedrock adds them, and pads stream events
//! with a random `p` member) is skipped instead of failing the answer.
//!
//! Invariant: no logic here beyond serde attributes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

// ---------------------------------------------------------------- request

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseRequest<'r> {
    pub messages: Vec<Message<'r>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub system: Vec<SystemBlock<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inference_config: Option<InferenceConfig<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_config: Option<ToolConfig<'r>>,
    /// Model-specific parameters, passed to the model as they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_request_fields: Option<AdditionalFields>,
    /// Structured outputs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_config: Option<OutputConfig<'r>>,
}

/// `{"textFormat":{"type":"json_schema","structure":{"jsonSchema":{…}}}}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputConfig<'r> {
    pub text_format: OutputFormat<'r>,
}

#[derive(Debug, Serialize)]
pub struct OutputFormat<'r> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub structure: OutputStructure<'r>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OutputStructure<'r> {
    JsonSchema(JsonSchemaDefinition<'r>),
}

#[derive(Debug, Serialize)]
pub struct JsonSchemaDefinition<'r> {
    /// The JSON Schema *as a string* (Bedrock's type for it), the client's
    /// text untouched.
    pub schema: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'r str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SystemBlock<'r> {
    Text(&'r str),
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
    pub content: Vec<ContentBlock<'r>>,
}

/// One content block: `{"text":…}`, `{"image":…}`, `{"toolUse":…}` or
/// `{"toolResult":…}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ContentBlock<'r> {
    Text(&'r str),
    Image(ImageBlock<'r>),
    ToolUse(ToolUseBlock<'r>),
    ToolResult(ToolResultBlock<'r>),
}

#[derive(Debug, Serialize)]
pub struct ImageBlock<'r> {
    /// `png`, `jpeg`, `gif` or `webp` (lower case).
    pub format: &'static str,
    pub source: ImageSource<'r>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ImageSource<'r> {
    /// Base64 text: blobs are base64 in Bedrock's JSON protocol.
    Bytes(&'r str),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseBlock<'r> {
    pub tool_use_id: Cow<'r, str>,
    pub name: &'r str,
    /// A JSON object.
    pub input: &'r RawValue,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolResultBlock<'r> {
    pub tool_use_id: Cow<'r, str>,
    pub content: Vec<ToolResultContent<'r>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolResultContent<'r> {
    Text(&'r str),
    Json(&'r RawValue),
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InferenceConfig<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop_sequences: Vec<&'r str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolConfig<'r> {
    pub tools: Vec<Tool<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice<'r>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Tool<'r> {
    ToolSpec(ToolSpec<'r>),
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolSpec<'r> {
    pub name: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'r str>,
    pub input_schema: InputSchema<'r>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum InputSchema<'r> {
    /// A JSON Schema object, passed through untouched.
    Json(&'r RawValue),
}

/// `{"auto":{}}`, `{"any":{}}` or `{"tool":{"name":…}}`; Bedrock has no "none".
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ToolChoice<'r> {
    Auto {},
    Any {},
    Tool { name: &'r str },
}

/// `additionalModelRequestFields` Switchboard knows how to fill: extended
/// thinking of Anthropic models on Bedrock (Anthropic's own field names).
#[derive(Debug, Serialize)]
pub struct AdditionalFields {
    pub thinking: Thinking,
}

#[derive(Debug, Serialize)]
pub struct Thinking {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub budget_tokens: u64,
}

// ---------------------------------------------------------------- response

/// A `Converse` answer. `metrics`, `trace` and unknown members are skipped.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConverseResponse<'a> {
    #[serde(borrow, default)]
    pub output: Option<Output<'a>>,
    #[serde(borrow, default)]
    pub stop_reason: Option<Cow<'a, str>>,
    /// A [`TokenUsage`], read apart so an odd one cannot fail the answer.
    #[serde(borrow, default)]
    pub usage: Option<&'a RawValue>,
    /// Set when a proxy answered 2xx with an error body.
    #[serde(borrow, default, alias = "Message")]
    pub message: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct Output<'a> {
    #[serde(borrow, default)]
    pub message: Option<ResponseMessage<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct ResponseMessage<'a> {
    #[serde(borrow, default)]
    pub content: Option<Vec<ResponseBlock<'a>>>,
}

/// One block of an answer; exactly one member is set by Bedrock.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponseBlock<'a> {
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub tool_use: Option<ToolUseOut<'a>>,
    #[serde(borrow, default)]
    pub reasoning_content: Option<ReasoningOut<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseOut<'a> {
    #[serde(borrow, default)]
    pub tool_use_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub input: Option<&'a RawValue>,
}

/// `reasoningText{text, signature}` or `redactedContent` (not shown).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasoningOut<'a> {
    #[serde(borrow, default)]
    pub reasoning_text: Option<ReasoningText<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct ReasoningText<'a> {
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
}

/// Token counts. `inputTokens` excludes cache reads and writes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenUsage {
    #[serde(default)]
    pub input_tokens: Option<u64>,
    #[serde(default)]
    pub output_tokens: Option<u64>,
    #[serde(default)]
    pub total_tokens: Option<u64>,
    #[serde(default)]
    pub cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    pub cache_write_input_tokens: Option<u64>,
}

// ---------------------------------------------------------------- stream

/// The JSON payload of one event-stream frame. Which members are set depends
/// on the frame's `:event-type` header: `messageStart` has `role`;
/// `contentBlockStart` has `contentBlockIndex` and `start`;
/// `contentBlockDelta` has `contentBlockIndex` and `delta`;
/// `contentBlockStop` has `contentBlockIndex`; `messageStop` has
/// `stopReason`; `metadata` has `usage`. Exception frames have `message`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamPayload<'a> {
    #[serde(default)]
    pub content_block_index: Option<u64>,
    #[serde(borrow, default)]
    pub start: Option<BlockStart<'a>>,
    #[serde(borrow, default)]
    pub delta: Option<BlockDelta<'a>>,
    #[serde(borrow, default)]
    pub stop_reason: Option<Cow<'a, str>>,
    /// A [`TokenUsage`], read apart as in [`ConverseResponse`].
    #[serde(borrow, default)]
    pub usage: Option<&'a RawValue>,
    #[serde(borrow, default, alias = "Message")]
    pub message: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockStart<'a> {
    #[serde(borrow, default)]
    pub tool_use: Option<ToolUseStart<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUseStart<'a> {
    #[serde(borrow, default)]
    pub tool_use_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockDelta<'a> {
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub tool_use: Option<ToolUseDelta<'a>>,
    #[serde(borrow, default)]
    pub reasoning_content: Option<ReasoningDelta<'a>>,
}

/// `input`: the next piece of the tool input's JSON text.
#[derive(Debug, Deserialize)]
pub struct ToolUseDelta<'a> {
    #[serde(borrow, default)]
    pub input: Option<Cow<'a, str>>,
}

/// `text`, or `signature` / `redactedContent` (not shown to clients).
#[derive(Debug, Deserialize)]
pub struct ReasoningDelta<'a> {
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
}

// ---------------------------------------------------------------- errors

/// `{"message":…}`; the exception name travels in the `x-amzn-ErrorType`
/// header, and some proxies repeat it as `__type`.
#[derive(Debug, Deserialize)]
pub struct ErrorBody<'a> {
    #[serde(borrow, default, alias = "Message")]
    pub message: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "__type")]
    pub kind: Option<Cow<'a, str>>,
}
