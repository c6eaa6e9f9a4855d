//! OpenAI Chat Completions wire types (the client-facing contract).
//!
//! Request types are *borrowed* views of the client body: strings are `Cow`
//! (borrowed unless the JSON string had escapes) and opaque sub-trees (tool
//! schemas, metadata) are `&RawValue`, so reading a request copies almost
//! nothing. Only the fields a translator acts on are listed; serde skips the
//! rest. Response and error types are the shapes Switchboard *emits*.
//!
//! Invariant: these types carry no logic beyond serde attributes; what a field
//! means for a provider is decided in `translate/`.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

// ---------------------------------------------------------------- request

/// `POST /v1/chat/completions` body, as far as translators need it.
///
/// Parameters that no provider other than OpenAI honours are kept as raw
/// values: a translator only needs to know whether they are set.
#[derive(Debug, Deserialize)]
pub struct ChatRequest<'a> {
    #[serde(borrow, default)]
    pub messages: Option<Vec<Message<'a>>>,
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
    #[serde(borrow, default)]
    pub tools: Option<Vec<Tool<'a>>>,
    #[serde(borrow, default)]
    pub tool_choice: Option<ToolChoice<'a>>,
    #[serde(default)]
    pub parallel_tool_calls: Option<bool>,
    #[serde(borrow, default)]
    pub user: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub safety_identifier: Option<Cow<'a, str>>,
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
    /// `{"include_usage": bool, …}`; raw so that an odd value never fails the
    /// parse of a request that does not stream.
    #[serde(borrow, default)]
    pub stream_options: Option<&'a RawValue>,
}

/// One chat message. `role` stays a string so an unknown role is a named
/// 400, not an opaque parse failure.
#[derive(Debug, Deserialize)]
pub struct Message<'a> {
    #[serde(borrow)]
    pub role: Cow<'a, str>,
    #[serde(borrow, default)]
    pub content: Option<Content<'a>>,
    #[serde(borrow, default)]
    pub tool_calls: Option<Vec<ToolCall<'a>>>,
    #[serde(borrow, default)]
    pub tool_call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function_call: Option<&'a RawValue>,
}

/// `content`: a plain string or an array of typed parts.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Content<'a> {
    Text(#[serde(borrow)] Cow<'a, str>),
    Parts(#[serde(borrow)] Vec<ContentPart<'a>>),
}

/// One content part. Flat rather than a tagged enum: an unknown `type` must
/// become a named 400, and tagged enums would buffer the whole part.
#[derive(Debug, Deserialize)]
pub struct ContentPart<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub refusal: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub image_url: Option<ImageUrl<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct ImageUrl<'a> {
    #[serde(borrow)]
    pub url: Cow<'a, str>,
}

/// An assistant's tool call, as the client sends it back in history.
#[derive(Debug, Deserialize)]
pub struct ToolCall<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function: Option<FunctionCall<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct FunctionCall<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    /// A JSON text inside a JSON string; parsed only by translators that need
    /// an object.
    #[serde(borrow, default)]
    pub arguments: Option<Cow<'a, str>>,
}

/// `stop`: one string or up to four.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Stop<'a> {
    One(#[serde(borrow)] Cow<'a, str>),
    Many(#[serde(borrow)] Vec<Cow<'a, str>>),
}

#[derive(Debug, Deserialize)]
pub struct Tool<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow, default)]
    pub function: Option<FunctionDef<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct FunctionDef<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow, default)]
    pub description: Option<Cow<'a, str>>,
    /// JSON Schema, passed through untouched.
    #[serde(borrow, default)]
    pub parameters: Option<&'a RawValue>,
}

/// `tool_choice`: `"auto" | "none" | "required"` or a named choice object.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ToolChoice<'a> {
    Mode(#[serde(borrow)] Cow<'a, str>),
    Named(#[serde(borrow)] NamedToolChoice<'a>),
}

#[derive(Debug, Deserialize)]
pub struct NamedToolChoice<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow, default)]
    pub function: Option<FunctionName<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct FunctionName<'a> {
    #[serde(borrow)]
    pub name: Cow<'a, str>,
}

/// `response_format`: `text`, `json_object` or `json_schema{name, schema, …}`.
#[derive(Debug, Deserialize)]
pub struct ResponseFormat<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(borrow, default)]
    pub json_schema: Option<JsonSchemaFormat<'a>>,
}

/// `response_format.json_schema`.
#[derive(Debug, Deserialize)]
pub struct JsonSchemaFormat<'a> {
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub description: Option<Cow<'a, str>>,
    /// The JSON Schema itself, passed through untouched.
    #[serde(borrow, default)]
    pub schema: Option<&'a RawValue>,
}

// ---------------------------------------------------------------- response

/// A non-streaming `chat.completion` answer, as Switchboard emits it after
/// translating a provider's answer. Always exactly one choice.
#[derive(Debug, Serialize)]
pub struct ChatCompletion<'a> {
    pub id: &'a str,
    pub object: &'static str,
    pub created: u64,
    pub model: &'a str,
    pub choices: [Choice<'a>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<CompletionUsage>,
}

#[derive(Debug, Serialize)]
pub struct Choice<'a> {
    pub index: u32,
    pub message: AssistantMessage<'a>,
    /// Always null: no translated provider returns OpenAI-style logprobs.
    pub logprobs: Option<()>,
    pub finish_reason: &'static str,
}

#[derive(Debug, Serialize)]
pub struct AssistantMessage<'a> {
    pub role: &'static str,
    /// Null only when the answer is tool calls without text.
    pub content: Option<Cow<'a, str>>,
    pub refusal: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCallOut<'a>>,
    /// Reasoning text (the de-facto extension DeepSeek, Qwen and xAI use).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<Cow<'a, str>>,
}

#[derive(Debug, Serialize)]
pub struct ToolCallOut<'a> {
    pub id: &'a str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub function: FunctionCallOut<'a>,
}

#[derive(Debug, Serialize)]
pub struct FunctionCallOut<'a> {
    pub name: &'a str,
    /// The arguments object as a JSON text, as OpenAI clients expect.
    pub arguments: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CompletionUsage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    pub prompt_tokens_details: PromptTokensDetails,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_tokens_details: Option<CompletionTokensDetails>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PromptTokensDetails {
    pub cached_tokens: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CompletionTokensDetails {
    pub reasoning_tokens: u64,
}

// ---------------------------------------------------------------- stream

/// One `chat.completion.chunk`, the payload of a `data:` line of a translated
/// stream. Every chunk of one answer has the same `id`, `created` and `model`;
/// the usage chunk has no choices and a `usage`.
#[derive(Debug, Serialize)]
pub struct ChatCompletionChunk<'a> {
    pub id: &'a str,
    pub object: &'static str,
    pub created: u64,
    pub model: &'a str,
    pub choices: &'a [ChunkChoice<'a>],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<CompletionUsage>,
}

#[derive(Debug, Serialize)]
pub struct ChunkChoice<'a> {
    pub index: u32,
    pub delta: ChunkDelta<'a>,
    /// Always null, as in [`Choice`].
    pub logprobs: Option<()>,
    /// Null until the last content chunk.
    pub finish_reason: Option<&'static str>,
}

/// What one chunk adds to the message; absent fields are left out.
#[derive(Debug, Default, Serialize)]
pub struct ChunkDelta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<&'a str>,
    /// Reasoning text, as in [`AssistantMessage::reasoning_content`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<[ToolCallDelta<'a>; 1]>,
}

/// A tool-call fragment: the first one for an `index` carries `id`, `type`
/// and `function.name`; later ones only `arguments` pieces.
#[derive(Debug, Serialize)]
pub struct ToolCallDelta<'a> {
    pub index: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    pub function: FunctionDelta<'a>,
}

#[derive(Debug, Serialize)]
pub struct FunctionDelta<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<&'a str>,
    pub arguments: &'a str,
}

// ---------------------------------------------------------------- errors

/// An error body as OpenAI-compatible vendors really send it: `code` may be a
/// string or a number (pitfall 20), `error` may even be a bare string, and
/// some servers put `message`/`detail` at the top level. Every field is raw and
/// optional so that inspecting a foreign error never fails on shape; `error` is
/// looked into as a [`LooseErrorObject`] only when it is an object.
#[derive(Debug, Default, Deserialize)]
pub struct LooseErrorBody<'a> {
    #[serde(borrow, default)]
    pub error: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub message: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub detail: Option<&'a RawValue>,
}

/// Each field is raw so that the *type* of every value can be checked: only a
/// body whose fields all have OpenAI's types is passed through untouched.
#[derive(Debug, Deserialize)]
pub struct LooseErrorObject<'a> {
    #[serde(borrow, default)]
    pub message: Option<&'a RawValue>,
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub param: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub code: Option<&'a RawValue>,
    /// Google-style status (`INVALID_ARGUMENT`, …) from Gemini-compatible servers.
    #[serde(borrow, default)]
    pub status: Option<&'a RawValue>,
}

/// The canonical error Switchboard emits: `{"error":{"message","type","param","code"}}`.
#[derive(Debug, Serialize)]
pub struct ErrorEnvelope<'a> {
    pub error: ErrorOut<'a>,
}

#[derive(Debug, Serialize)]
pub struct ErrorOut<'a> {
    pub message: &'a str,
    #[serde(rename = "type")]
    pub kind: &'a str,
    pub param: Option<&'a str>,
    pub code: &'a str,
}
