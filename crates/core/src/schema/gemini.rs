//! Google Gemini wire types (`models/{m}:generateContent`,
//! `:streamGenerateContent?alt=sse`, and the Google error envelope).
//!
//! Request types are what Switchboard *sends*: they borrow every string from
//! the parsed client request, and only values the translation had to invent
//! (restored thought signatures, wrapped tool results) are owned. Field names
//! are the REST (camelCase) names. Response and error types are borrowed views
//! of what Gemini *returns*; every field is optional and unknown fields and
//! part kinds are tolerated, so a new Gemini feature never turns into a 502.
//! A stream event (`data:` of `alt=sse`) is a whole [`GenerateContentResponse`].
//!
//! Invariant: no logic here beyond serde attributes.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

// ---------------------------------------------------------------- request

/// `GenerateContentRequest` (the model is in the URL, not the body).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateContentRequest<'r> {
    pub contents: Vec<Content<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_instruction: Option<SystemInstruction<'r>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_config: Option<ToolConfig<'r>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation_config: Option<GenerationConfig<'r>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Model,
}

/// One turn of the conversation.
#[derive(Debug, Serialize)]
pub struct Content<'r> {
    pub role: Role,
    pub parts: Vec<Part<'r>>,
}

/// `systemInstruction`: a `Content` without a role, text parts only.
#[derive(Debug, Serialize)]
pub struct SystemInstruction<'r> {
    pub parts: Vec<TextPart<'r>>,
}

/// One part of a turn. Untagged: Gemini tells parts apart by which field is
/// present (the `data` oneof), so each variant serialises as its own object.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Part<'r> {
    Text(TextPart<'r>),
    InlineData(InlineDataPart<'r>),
    FunctionCall(FunctionCallPart<'r>),
    FunctionResponse(FunctionResponsePart<'r>),
}

#[derive(Debug, Serialize)]
pub struct TextPart<'r> {
    pub text: &'r str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineDataPart<'r> {
    pub inline_data: Blob<'r>,
}

/// Inline media: IANA MIME type and base64 bytes.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Blob<'r> {
    pub mime_type: &'r str,
    pub data: &'r str,
}

/// A `functionCall` part of a `model` turn, with the thought signature the
/// model attached to it (Gemini 3 requires it back on the first call of each
/// step).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCallPart<'r> {
    pub function_call: FunctionCall<'r>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thought_signature: Option<Cow<'r, str>>,
}

#[derive(Debug, Serialize)]
pub struct FunctionCall<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'r str>,
    pub name: &'r str,
    /// Always a JSON object, passed through as raw text.
    pub args: &'r RawValue,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionResponsePart<'r> {
    pub function_response: FunctionResponse<'r>,
}

/// A tool result; belongs in a `user` turn, with the *function name* of the
/// call it answers.
#[derive(Debug, Serialize)]
pub struct FunctionResponse<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'r str>,
    pub name: &'r str,
    pub response: FunctionResult<'r>,
}

/// `response` must be a JSON object: either the tool's own object, or its
/// output wrapped as `{"result": "<text>"}`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum FunctionResult<'r> {
    Object(&'r RawValue),
    Wrapped { result: Cow<'r, str> },
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tool<'r> {
    pub function_declarations: Vec<FunctionDeclaration<'r>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionDeclaration<'r> {
    pub name: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'r str>,
    /// JSON Schema, passed through untouched (`parametersJsonSchema` takes
    /// JSON Schema as OpenAI clients write it; `parameters` only an OpenAPI
    /// subset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters_json_schema: Option<&'r RawValue>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolConfig<'r> {
    pub function_calling_config: FunctionCallingConfig<'r>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCallingConfig<'r> {
    pub mode: FunctionCallingMode,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_function_names: Vec<&'r str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum FunctionCallingMode {
    Auto,
    Any,
    None,
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationConfig<'r> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop_sequences: Vec<&'r str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_mime_type: Option<&'static str>,
    /// JSON Schema (the alternative to the OpenAPI-subset `responseSchema`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_json_schema: Option<&'r RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_config: Option<ThinkingConfig>,
}

/// `thinkingLevel` (Gemini 3) and `thinkingBudget` (2.5) are mutually
/// exclusive: Gemini answers 400 when both are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThinkingConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_thoughts: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_budget: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_level: Option<&'static str>,
}

// ---------------------------------------------------------------- response

/// A `generateContent` answer, or one event of a stream. `error` is set when
/// something in front of Gemini answered 2xx with an error body, or when a
/// stream fails after its 200.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerateContentResponse<'a> {
    #[serde(borrow, default)]
    pub candidates: Option<Vec<Candidate<'a>>>,
    #[serde(borrow, default)]
    pub prompt_feedback: Option<PromptFeedback<'a>>,
    #[serde(default)]
    pub usage_metadata: Option<UsageMetadata>,
    #[serde(borrow, default)]
    pub response_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub error: Option<ErrorDetail<'a>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate<'a> {
    #[serde(borrow, default)]
    pub content: Option<CandidateContent<'a>>,
    /// Absent until the candidate is finished (streams).
    #[serde(borrow, default)]
    pub finish_reason: Option<Cow<'a, str>>,
}

#[derive(Debug, Deserialize)]
pub struct CandidateContent<'a> {
    #[serde(borrow, default)]
    pub parts: Option<Vec<ResponsePart<'a>>>,
}

/// One part of an answer. Flat rather than an enum: which field is present
/// decides the kind, and kinds Switchboard does not show (inline media,
/// code execution…) must be skippable.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResponsePart<'a> {
    #[serde(borrow, default)]
    pub text: Option<Cow<'a, str>>,
    /// `true` on thought-summary text.
    #[serde(default)]
    pub thought: Option<bool>,
    #[serde(borrow, default)]
    pub thought_signature: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub function_call: Option<ResponseFunctionCall<'a>>,
}

#[derive(Debug, Deserialize)]
pub struct ResponseFunctionCall<'a> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub args: Option<&'a RawValue>,
}

/// Present when the prompt itself was blocked (and then no candidates are).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptFeedback<'a> {
    #[serde(borrow, default)]
    pub block_reason: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub block_reason_message: Option<Cow<'a, str>>,
}

/// Token counts. `promptTokenCount` includes `cachedContentTokenCount`;
/// `candidatesTokenCount` excludes `thoughtsTokenCount`; `totalTokenCount`
/// also counts `toolUsePromptTokenCount`. In a stream, the last one is final.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageMetadata {
    #[serde(default)]
    pub prompt_token_count: Option<u64>,
    #[serde(default)]
    pub cached_content_token_count: Option<u64>,
    #[serde(default)]
    pub candidates_token_count: Option<u64>,
    #[serde(default)]
    pub thoughts_token_count: Option<u64>,
    #[serde(default)]
    pub tool_use_prompt_token_count: Option<u64>,
    #[serde(default)]
    pub total_token_count: Option<u64>,
}

// ---------------------------------------------------------------- errors

/// `{"error":{"code","message","status","details"}}`.
#[derive(Debug, Deserialize)]
pub struct ErrorResponse<'a> {
    #[serde(borrow)]
    pub error: ErrorDetail<'a>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorDetail<'a> {
    #[serde(borrow, default)]
    pub message: Option<Cow<'a, str>>,
    /// Canonical status name: `INVALID_ARGUMENT`, `RESOURCE_EXHAUSTED`, …
    #[serde(borrow, default)]
    pub status: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub details: Option<Vec<ErrorInfo<'a>>>,
}

/// One entry of `details`; only `google.rpc.ErrorInfo.reason` is read
/// (e.g. `API_KEY_INVALID`).
#[derive(Debug, Deserialize)]
pub struct ErrorInfo<'a> {
    #[serde(borrow, default)]
    pub reason: Option<Cow<'a, str>>,
}
