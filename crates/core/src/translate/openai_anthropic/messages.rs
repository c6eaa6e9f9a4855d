//! OpenAI `messages[]` → Anthropic `system` + `messages[]`.
//!
//! Rules (numbers are pitfalls in the provider fact sheet):
//! - `system`/`developer` messages are hoisted, in order, into the top-level
//!   system prompt wherever they appear;
//! - `tool` messages become `tool_result` blocks in a *user* turn; consecutive
//!   ones share one turn, and results always precede other blocks of the turn
//!   they land in (1);
//! - tool ids go through [`sanitize`] on both sides of the pairing (4);
//! - empty text blocks are dropped and a turn left without blocks disappears,
//!   so `content:""` next to `tool_calls` never becomes an empty block (11);
//! - consecutive turns of the same role are merged into one.
//!
//! Every output string borrows from the parsed request; only sanitised ids
//! are allocated.

use serde_json::value::RawValue;

use super::super::tool_id::sanitize;
use crate::error::GatewayError;
use crate::schema::anthropic::{Block, ImageSource, Message, Role, TextBlock, ToolResultContent};
use crate::schema::openai::{self, Content, ContentPart};

/// `input` for a tool call sent with empty arguments.
const EMPTY_OBJECT: &str = "{}";

/// Media types Anthropic accepts for base64 images.
const IMAGE_MEDIA_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

pub(super) struct Converted<'r> {
    /// Non-empty system texts, in document order.
    pub system: Vec<&'r str>,
    pub messages: Vec<Message<'r>>,
}

pub(super) fn convert<'r>(input: &'r [openai::Message<'_>]) -> Result<Converted<'r>, GatewayError> {
    let mut out = Converted {
        system: Vec::new(),
        messages: Vec::with_capacity(input.len()),
    };
    for (i, msg) in input.iter().enumerate() {
        match msg.role.as_ref() {
            "system" | "developer" => system_texts(msg, i, &mut out.system)?,
            "user" => {
                let blocks = user_blocks(msg.content.as_ref(), i)?;
                push_turn(&mut out.messages, Role::User, blocks);
            }
            "assistant" => {
                let blocks = assistant_blocks(msg, i)?;
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
    Ok(out)
}

/// Appends a turn, merging it into the previous one when the role repeats.
/// `tool_result` blocks are inserted after the leading results already there,
/// so results come first whatever order the client used.
fn push_turn<'r>(messages: &mut Vec<Message<'r>>, role: Role, blocks: Vec<Block<'r>>) {
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
        if matches!(block, Block::ToolResult { .. }) {
            let at = content
                .iter()
                .take_while(|b| matches!(b, Block::ToolResult { .. }))
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
    system: &mut Vec<&'r str>,
) -> Result<(), GatewayError> {
    match &msg.content {
        None => {}
        Some(Content::Text(text)) => push_text(system, text),
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                match (part.kind.as_ref(), part.text.as_deref()) {
                    ("text", Some(text)) => push_text(system, text),
                    ("text", None) => {}
                    _ => return Err(unsupported_part(i, j)),
                }
            }
        }
    }
    Ok(())
}

fn push_text<'r>(texts: &mut Vec<&'r str>, text: &'r str) {
    if !text.is_empty() {
        texts.push(text);
    }
}

fn user_blocks<'r>(
    content: Option<&'r Content<'_>>,
    i: usize,
) -> Result<Vec<Block<'r>>, GatewayError> {
    let mut blocks = Vec::new();
    match content {
        None => {}
        Some(Content::Text(text)) => push_text_block(&mut blocks, text),
        Some(Content::Parts(parts)) => {
            blocks.reserve(parts.len());
            for (j, part) in parts.iter().enumerate() {
                match part.kind.as_ref() {
                    "text" => push_text_block(&mut blocks, part.text.as_deref().unwrap_or("")),
                    "image_url" => blocks.push(image_block(part, i, j)?),
                    _ => return Err(unsupported_part(i, j)),
                }
            }
        }
    }
    Ok(blocks)
}

fn push_text_block<'r>(blocks: &mut Vec<Block<'r>>, text: &'r str) {
    if !text.is_empty() {
        blocks.push(Block::Text { text });
    }
}

fn unsupported_part(i: usize, j: usize) -> GatewayError {
    GatewayError::unsupported_parameter(
        &format!("messages[{i}].content[{j}].type"),
        "This content part type is not supported for this message and model.",
    )
}

/// `data:` URLs become base64 sources; http(s) URLs are passed by reference
/// (Anthropic fetches them itself).
fn image_block<'r>(
    part: &'r ContentPart<'_>,
    i: usize,
    j: usize,
) -> Result<Block<'r>, GatewayError> {
    let param = || format!("messages[{i}].content[{j}].image_url");
    let url = part
        .image_url
        .as_ref()
        .map(|u| u.url.as_ref())
        .ok_or_else(|| GatewayError::invalid_field(&param(), "image_url.url is required."))?;
    if let Some(rest) = strip_prefix_ignore_case(url, "data:") {
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
        let media_type = IMAGE_MEDIA_TYPES
            .iter()
            .copied()
            .find(|t| t.eq_ignore_ascii_case(declared))
            .or_else(|| {
                declared
                    .eq_ignore_ascii_case("image/jpg")
                    .then_some("image/jpeg")
            })
            .ok_or_else(|| {
                GatewayError::unsupported_parameter(
                    &param(),
                    "Images must be JPEG, PNG, GIF or WebP for this model.",
                )
            })?;
        return Ok(Block::Image {
            source: ImageSource::Base64 { media_type, data },
        });
    }
    if strip_prefix_ignore_case(url, "https://").is_some()
        || strip_prefix_ignore_case(url, "http://").is_some()
    {
        return Ok(Block::Image {
            source: ImageSource::Url { url },
        });
    }
    Err(GatewayError::invalid_field(
        &param(),
        "image_url.url must be an http(s) URL or a base64 data URL.",
    ))
}

fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Text first, then one `tool_use` per tool call.
fn assistant_blocks<'r>(
    msg: &'r openai::Message<'_>,
    i: usize,
) -> Result<Vec<Block<'r>>, GatewayError> {
    if msg.function_call.is_some() {
        return Err(GatewayError::unsupported_parameter(
            &format!("messages[{i}].function_call"),
            "Legacy function_call history is not supported for this model; use tool_calls.",
        ));
    }
    let mut blocks = Vec::new();
    match &msg.content {
        None => {}
        Some(Content::Text(text)) => push_text_block(&mut blocks, text),
        Some(Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                // A past refusal is kept as plain text: it is context the
                // model should see, and Anthropic has no refusal block.
                let text = match part.kind.as_ref() {
                    "text" => part.text.as_deref(),
                    "refusal" => part.refusal.as_deref(),
                    _ => return Err(unsupported_part(i, j)),
                };
                push_text_block(&mut blocks, text.unwrap_or(""));
            }
        }
    }
    for (k, call) in msg.tool_calls.iter().flatten().enumerate() {
        blocks.push(tool_use(call, i, k)?);
    }
    Ok(blocks)
}

fn tool_use<'r>(
    call: &'r openai::ToolCall<'_>,
    i: usize,
    k: usize,
) -> Result<Block<'r>, GatewayError> {
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
    let arguments = function.arguments.as_deref().unwrap_or("").trim();
    let input = parse_arguments(arguments).ok_or_else(|| {
        GatewayError::invalid_field(
            &param("function.arguments"),
            "Tool call arguments must be a JSON object encoded as a string.",
        )
    })?;
    Ok(Block::ToolUse {
        id: sanitize(id),
        name: &function.name,
        input,
    })
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

fn tool_result<'r>(msg: &'r openai::Message<'_>, i: usize) -> Result<Block<'r>, GatewayError> {
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
    let content = match &msg.content {
        None => None,
        Some(Content::Text(text)) => (!text.is_empty()).then_some(ToolResultContent::Text(text)),
        Some(Content::Parts(parts)) => {
            let mut texts = Vec::with_capacity(parts.len());
            for (j, part) in parts.iter().enumerate() {
                match (part.kind.as_ref(), part.text.as_deref()) {
                    ("text", Some(text)) if !text.is_empty() => texts.push(TextBlock::new(text)),
                    ("text", _) => {}
                    _ => return Err(unsupported_part(i, j)),
                }
            }
            (!texts.is_empty()).then_some(ToolResultContent::Blocks(texts))
        }
    };
    Ok(Block::ToolResult {
        tool_use_id: sanitize(id),
        content,
    })
}
