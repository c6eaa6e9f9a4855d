//! The one parse of a chat request the classifier needs, with borrowed types.
//!
//! Every string is kept as raw JSON (`&RawValue`): contents are decoded lazily by
//! [`super::jsonstr`] (with sampling), and fields the classifier only needs to know
//! the presence of are never decoded at all. Unknown fields are skipped by serde.
//! The only allocations are the `Vec`s of messages and of content parts.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::GatewayError;

#[derive(Deserialize)]
pub(super) struct Request<'a> {
    #[serde(borrow, default)]
    pub messages: Option<Vec<Message<'a>>>,
    #[serde(borrow, default)]
    pub tools: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub functions: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub tool_choice: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub function_call: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub response_format: Option<ResponseFormat<'a>>,
    #[serde(borrow, default)]
    pub reasoning_effort: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub max_tokens: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub max_completion_tokens: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(super) struct Message<'a> {
    #[serde(borrow, default)]
    pub role: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub content: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub name: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub tool_calls: Option<Vec<ToolCall<'a>>>,
    #[serde(borrow, default)]
    pub function_call: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(super) struct ToolCall<'a> {
    #[serde(borrow, default)]
    pub function: Option<CallFunction<'a>>,
}

#[derive(Deserialize)]
pub(super) struct CallFunction<'a> {
    #[serde(borrow, default)]
    pub name: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub arguments: Option<&'a RawValue>,
}

/// One element of an array `content`.
#[derive(Deserialize)]
pub(super) struct Part<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub text: Option<&'a RawValue>,
    /// `file.file_data` (base64) or `input_audio.data`: only its size matters.
    #[serde(borrow, default)]
    pub file: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub input_audio: Option<&'a RawValue>,
}

#[derive(Deserialize)]
pub(super) struct ResponseFormat<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: Option<&'a RawValue>,
}

/// Who wrote a message; decides how much its words count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    System,
    User,
    Assistant,
    Tool,
    Other,
}

impl Role {
    pub fn of(raw: Option<&RawValue>) -> Self {
        match raw.map(RawValue::get) {
            Some(r#""user""#) => Role::User,
            Some(r#""system""#) | Some(r#""developer""#) => Role::System,
            Some(r#""assistant""#) => Role::Assistant,
            Some(r#""tool""#) | Some(r#""function""#) => Role::Tool,
            _ => Role::Other,
        }
    }
}

/// Parse the body. Errors use the same codes as `request::parse_chat_request`.
pub(super) fn parse(body: &[u8]) -> Result<Request<'_>, GatewayError> {
    if body.is_empty() {
        return Err(GatewayError::invalid_json("the body is empty"));
    }
    let req: Request = serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            GatewayError::invalid_field(
                "messages",
                "'messages' must be an array of message objects.",
            )
        } else {
            GatewayError::invalid_json(&e.to_string())
        }
    })?;
    match &req.messages {
        None => Err(GatewayError::invalid_field(
            "messages",
            "'messages' is required.",
        )),
        Some(m) if m.is_empty() => Err(GatewayError::invalid_field(
            "messages",
            "'messages' must contain at least one message.",
        )),
        Some(_) => Ok(req),
    }
}

/// True when a raw JSON value is a non-empty array.
pub(super) fn non_empty_array(raw: Option<&RawValue>) -> bool {
    let Some(raw) = raw else { return false };
    let s = raw.get().trim();
    s.starts_with('[') && !s.trim_start_matches('[').trim_start().starts_with(']')
}

/// True when a raw JSON value is the string `s`.
pub(super) fn is_string(raw: Option<&RawValue>, s: &str) -> bool {
    raw.map(RawValue::get)
        .and_then(|r| r.strip_prefix('"'))
        .and_then(|r| r.strip_suffix('"'))
        == Some(s)
}

/// A raw JSON number as u32 (saturating), if it is a non-negative integer.
pub(super) fn as_u32(raw: Option<&RawValue>) -> Option<u32> {
    let n: u64 = raw?.get().parse().ok()?;
    Some(u32::try_from(n).unwrap_or(u32::MAX))
}
