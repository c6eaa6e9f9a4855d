//! OpenAI `messages[]` → Bedrock `system[]` + `messages[]`.
//!
//! Rules (numbers are pitfalls in the provider fact sheet):
//! - `system`/`developer` messages are hoisted, in order, into `system`
//!   text blocks wherever they appear;
//! - `tool` messages become `toolResult` blocks (text content) in a *user*
//!   turn; consecutive ones share one turn and results always precede the
//!   other blocks of the turn they land in (1);
//! - tool ids go through [`tool_id`] on both sides of the pairing, so the
//!   `toolUse.toolUseId` and the `toolResult.toolUseId` always agree (4);
//! - empty text blocks are dropped and a turn left without blocks disappears
//!   (11): Bedrock rejects blank text and empty content arrays;
//! - consecutive turns of the same role are merged, so roles alternate;
//! - images: base64 `data:` URLs become `image{format, source.bytes}` with a
//!   lower-case format; http(s) URLs are refused (12: Bedrock takes bytes or
//!   S3 only, and the gateway does not fetch).
//!
//! The names of the tools used in history are collected, for the stub
//! `toolConfig` Bedrock needs whenever history holds tool blocks (16).

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::super::tool_id::sanitize;
use crate::error::GatewayError;
use crate::schema::bedrock::{
    ContentBlock, ImageBlock, ImageSource, Message, Role, SystemBlock, ToolResultBlock,
    ToolResultContent, ToolUseBlock,
};
use crate::schema::openai::{self, Content, ContentPart};

/// `input` for a tool call sent with empty arguments.
const EMPTY_OBJECT: &str = "{}";
/// Bedrock's limit on `toolUseId` (pattern `[a-zA-Z0-9_-]+`).
const MAX_TOOL_ID_CHARS: usize = 64;
/// Text sent for a tool result without any: the block must have content and
/// Bedrock rejects blank text.
pub(super) const EMPTY_TOOL_RESULT: &str = "(no output)";

/// `data:` media types → Bedrock image formats.
const IMAGE_FORMATS: [(&str, &str); 5] = [
    ("image/png", "png"),
    ("image/jpeg", "jpeg"),
    ("image/jpg", "jpeg"),
    ("image/gif", "gif"),
    ("image/webp", "webp"),
];

pub(super) struct Converted<'r> {
    pub system: Vec<SystemBlock<'r>>,
    pub messages: Vec<Message<'r>>,
    /// Names of the tools called in history, first use first, no repeats.
    pub history_tools: Vec<&'r str>,
    /// History holds `toolUse` or `toolResult` blocks.
    pub has_tool_blocks: bool,
}

pub(super) fn convert<'r>(input: &'r [openai::Message<'_>]) -> Result<Converted<'r>, GatewayError> {
    let mut out = Converted {
        system: Vec::new(),
        messages: Vec::with_capacity(input.len()),
        history_tools: Vec::new(),
        has_tool_blocks: false,
    };
    for (i, msg) in input.iter().enumerate() {
        match msg.role.as_ref() {
            "system" | "developer" => system_texts(msg, i, &mut out.system)?,
            "user" => {
                let blocks = user_blocks(msg.content.as_ref(), i)?;
                push_turn(&mut out.messages, Role::User, blocks);
            }
            "assistant" => {
                let blocks = assistant_blocks(msg, i, &mut out.history_tools)?;
                push_turn(&mut out.messages, Role::Assistant, blocks);
            }
            "tool" => {
                let block = tool_result(msg, i)?;
                push_turn(&mut out.messages, Role::User, vec![block]);
            }
            "function" => {
                return Err(GatewayError::unsupported_parameter(
                    &format!("messages[{i}].role"),
                    "The legacy 'function' role is not supported for this model; use 'tool'.",
                ))
            }
            _ => {
                return Err(GatewayError::invalid_field(
                    &format!("messages[{i}].role"),
                    "Unknown role; expected system, developer, user, assistant or tool.",
                ))
            }
        }
    }
    out.has_tool_blocks = out.messages.iter().any(|m| {
        m.content
            .iter()
            .any(|b| matches!(b, ContentBlock::ToolUse(_) | ContentBlock::ToolResult(_)))
    });
    Ok(out)
}

/// Appends a turn, merging it into the previous one when the role repeats;
/// `toolResult` blocks go after the results already leading that turn.
fn push_turn<'r>(messages: &mut Vec<Message<'r>>, role: Role, blocks: Vec<ContentBlock<'r>>) {
    if blocks.is_empty() {
        return;
    }
    let content = match messages.last_mut() {
        Some(last) if last.role == role => &mut last.content,
        _ => {
            messages.push(Message {
                role,
                content: Vec::with_capacity(blocks.len()),
            });
            match messages.last_mut() {
                Some(last) => &mut last.content,
                None => return,
            }
        }
    };
    for block in blocks {
        if matches!(block, ContentBlock::ToolResult(_)) {
            let at = content
                .iter()
                .take_while(|b| matches!(b, ContentBlock::ToolResult(_)))
                .count();
            content.insert(at, block);
        } else {
            content.push(block);
        }
    }
}

fn system_texts<'r>(
    msg: &'r openai::Message<'_>,
    i: usize,
    system: &mut Vec<SystemBlock<'r>>,
) -> Result<(), GatewayError> {
    match &msg.content {
        None => {}
        Some(Content::Text(text)) if text.is_empty() => {}
        Some(Content::Text(text)) => system.push(SystemBlock::Text(text)),
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                match (part.kind.as_ref(), part.text.as_deref()) {
                    ("text", Some(text)) if !text.is_empty() => {
                        system.push(SystemBlock::Text(text));
                    }
                    ("text", _) => {}
                    _ => return Err(unsupported_part(i, j)),
                }
            }
        }
    }
    Ok(())
}

fn push_text<'r>(blocks: &mut Vec<ContentBlock<'r>>, text: &'r str) {
    if !text.is_empty() {
        blocks.push(ContentBlock::Text(text));
    }
}

fn unsupported_part(i: usize, j: usize) -> GatewayError {
    GatewayError::unsupported_parameter(
        &format!("messages[{i}].content[{j}].type"),
        "This content part type is not supported for this message and model.",
    )
}

fn user_blocks<'r>(
    content: Option<&'r Content<'_>>,
    i: usize,
) -> Result<Vec<ContentBlock<'r>>, GatewayError> {
    let mut blocks = Vec::new();
    match content {
        None => {}
        Some(Content::Text(text)) => push_text(&mut blocks, text),
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                match part.kind.as_ref() {
                    "text" => push_text(&mut blocks, part.text.as_deref().unwrap_or("")),
                    "image_url" => blocks.push(image_block(part, i, j)?),
                    _ => return Err(unsupported_part(i, j)),
                }
            }
        }
    }
    Ok(blocks)
}

fn image_block<'r>(
    part: &'r ContentPart<'_>,
    i: usize,
    j: usize,
) -> Result<ContentBlock<'r>, GatewayError> {
    let param = || format!("messages[{i}].content[{j}].image_url");
    let url = part
        .image_url
        .as_ref()
        .map(|u| u.url.as_ref())
        .ok_or_else(|| GatewayError::invalid_field(&param(), "image_url.url is required."))?;
    let Some(rest) = strip_prefix_ignore_case(url, "data:") else {
        let remote = strip_prefix_ignore_case(url, "https://").is_some()
            || strip_prefix_ignore_case(url, "http://").is_some();
        return Err(if remote {
            GatewayError::unsupported_parameter(
                &param(),
                "Image URLs are not supported for this model; send the image inline as a \
                 base64 data URL.",
            )
        } else {
            GatewayError::invalid_field(
                &param(),
                "image_url.url must be a base64 data URL for this model.",
            )
        });
    };
    let (meta, data) = rest.split_once(',').ok_or_else(|| {
        GatewayError::invalid_field(&param(), "The data URL has no ',' before its data.")
    })?;
    let mut meta_parts = meta.split(';');
    let declared = meta_parts.next().unwrap_or_default();
    if !meta_parts.any(|p| p.eq_ignore_ascii_case("base64")) {
        return Err(GatewayError::invalid_field(
            &param(),
            "Only base64 data URLs are supported for images.",
        ));
    }
    let format = IMAGE_FORMATS
        .iter()
        .find(|(media, _)| media.eq_ignore_ascii_case(declared))
        .map(|(_, format)| *format)
        .ok_or_else(|| {
            GatewayError::unsupported_parameter(
                &param(),
                "Images must be PNG, JPEG, GIF or WebP for this model.",
            )
        })?;
    if data.is_empty() {
        return Err(GatewayError::invalid_field(
            &param(),
            "The image data is empty.",
        ));
    }
    Ok(ContentBlock::Image(ImageBlock {
        format,
        source: ImageSource::Bytes(data),
    }))
}

fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Text first, then one `toolUse` per tool call.
fn assistant_blocks<'r>(
    msg: &'r openai::Message<'_>,
    i: usize,
    history_tools: &mut Vec<&'r str>,
) -> Result<Vec<ContentBlock<'r>>, GatewayError> {
    if msg.function_call.is_some() {
        return Err(GatewayError::unsupported_parameter(
            &format!("messages[{i}].function_call"),
            "Legacy function_call history is not supported for this model; use tool_calls.",
        ));
    }
    let mut blocks = Vec::new();
    match &msg.content {
        None => {}
        Some(Content::Text(text)) => push_text(&mut blocks, text),
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                // A past refusal stays as plain text: context the model should see.
                let text = match part.kind.as_ref() {
                    "text" => part.text.as_deref(),
                    "refusal" => part.refusal.as_deref(),
                    _ => return Err(unsupported_part(i, j)),
                };
                push_text(&mut blocks, text.unwrap_or(""));
            }
        }
    }
    for (k, call) in msg.tool_calls.iter().flatten().enumerate() {
        let block = tool_use(call, i, k)?;
        if let ContentBlock::ToolUse(u) = &block {
            if !history_tools.contains(&u.name) {
                history_tools.push(u.name);
            }
        }
        blocks.push(block);
    }
    Ok(blocks)
}

fn tool_use<'r>(
    call: &'r openai::ToolCall<'_>,
    i: usize,
    k: usize,
) -> Result<ContentBlock<'r>, GatewayError> {
    let param = |field: &str| format!("messages[{i}].tool_calls[{k}].{field}");
    if call.kind.as_deref().is_some_and(|t| t != "function") {
        return Err(GatewayError::unsupported_parameter(
            &param("type"),
            "Only function tool calls are supported for this model.",
        ));
    }
    let function = call
        .function
        .as_ref()
        .ok_or_else(|| GatewayError::invalid_field(&param("function"), "function is required."))?;
    let id = call
        .id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| GatewayError::invalid_field(&param("id"), "A tool call needs an id."))?;
    if function.name.is_empty() {
        return Err(GatewayError::invalid_field(
            &param("function.name"),
            "A tool call needs a function name.",
        ));
    }
    let arguments = function.arguments.as_deref().unwrap_or("").trim();
    let input = parse_arguments(arguments).ok_or_else(|| {
        GatewayError::invalid_field(
            &param("function.arguments"),
            "Tool call arguments must be a JSON object encoded as a string.",
        )
    })?;
    Ok(ContentBlock::ToolUse(ToolUseBlock {
        tool_use_id: tool_id(id),
        name: &function.name,
        input,
    }))
}

/// The arguments as a raw JSON object; empty arguments mean `{}`.
fn parse_arguments(arguments: &str) -> Option<&RawValue> {
    let text = if arguments.is_empty() {
        EMPTY_OBJECT
    } else {
        arguments
    };
    let raw: &RawValue = serde_json::from_str(text).ok()?;
    raw.get().starts_with('{').then_some(raw)
}

fn tool_result<'r>(
    msg: &'r openai::Message<'_>,
    i: usize,
) -> Result<ContentBlock<'r>, GatewayError> {
    let id = msg
        .tool_call_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            GatewayError::invalid_field(
                &format!("messages[{i}].tool_call_id"),
                "A tool message needs the tool_call_id it answers.",
            )
        })?;
    let mut content = Vec::new();
    match &msg.content {
        None => {}
        Some(Content::Text(text)) if text.is_empty() => {}
        Some(Content::Text(text)) => content.push(ToolResultContent::Text(text)),
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                match (part.kind.as_ref(), part.text.as_deref()) {
                    ("text", Some(text)) if !text.is_empty() => {
                        content.push(ToolResultContent::Text(text));
                    }
                    ("text", _) => {}
                    _ => return Err(unsupported_part(i, j)),
                }
            }
        }
    }
    if content.is_empty() {
        content.push(ToolResultContent::Text(EMPTY_TOOL_RESULT));
    }
    Ok(ContentBlock::ToolResult(ToolResultBlock {
        tool_use_id: tool_id(id),
        content,
    }))
}

/// A tool id Bedrock accepts: [`sanitize`]d (pitfall 4), and when still over
/// 64 characters, cut to a prefix plus a hash of the original id. A pure
/// function of the id, so both sides of a pairing agree.
pub(super) fn tool_id(id: &str) -> Cow<'_, str> {
    let clean = sanitize(id);
    if clean.len() <= MAX_TOOL_ID_CHARS {
        return clean;
    }
    let mut out: String = clean.chars().take(40).collect();
    out.push('_');
    for byte in Sha256::digest(id.as_bytes()).iter().take(6) {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_ids_fit_bedrock() {
        assert_eq!(tool_id("tooluse_abc"), "tooluse_abc");
        let long = "a".repeat(100);
        let short = tool_id(&long);
        assert!(short.len() <= MAX_TOOL_ID_CHARS, "{short}");
        assert_eq!(short, tool_id(&long));
        assert_ne!(short, tool_id(&"a".repeat(101)));
        assert!(tool_id("functions.Bash:0").len() <= MAX_TOOL_ID_CHARS);
    }
}
