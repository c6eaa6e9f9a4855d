//! Anthropic `system` + `messages[]` → OpenAI `messages[]` (rules in the
//! parent module's doc).
//!
//! Every output string borrows from the parsed request; only joined texts,
//! `Error: `-prefixed tool results and `data:` URLs are allocated.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::openai::{ContentOut, ImageUrlOut, MessageOut, PartOut};
use super::request::unsupported;
use crate::error::GatewayError;
use crate::schema::anthropic::{ClientBlock, ClientContent, ClientImageSource, ClientMessage};
use crate::schema::openai::{FunctionCallOut, ToolCallOut};

/// `input` of a `tool_use` block that has none.
const EMPTY_OBJECT: &str = "{}";

/// Media types Anthropic accepts for base64 images.
const IMAGE_MEDIA_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/gif", "image/webp"];

pub(super) fn convert<'r>(
    system: Option<&'r ClientContent<'_>>,
    input: &'r [ClientMessage<'_>],
) -> Result<Vec<MessageOut<'r>>, GatewayError> {
    let mut out = Vec::with_capacity(input.len().saturating_add(1));
    if let Some(content) = system_content(system)? {
        out.push(message("system", content));
    }
    for (i, msg) in input.iter().enumerate() {
        let content = msg
            .content
            .as_ref()
            .ok_or_else(|| missing(&format!("messages[{i}].content")))?;
        match msg.role.as_deref() {
            Some("user") => user_turn(content, i, &mut out)?,
            Some("assistant") => assistant_turn(content, i, &mut out)?,
            Some(_) => {
                return Err(GatewayError::invalid_field(
                    &format!("messages[{i}].role"),
                    &format!("messages[{i}].role must be user or assistant."),
                ))
            }
            None => return Err(missing(&format!("messages[{i}].role"))),
        }
    }
    Ok(out)
}

fn missing(param: &str) -> GatewayError {
    GatewayError::invalid_field(param, &format!("{param}: Field required."))
}

fn message<'r>(role: &'static str, content: ContentOut<'r>) -> MessageOut<'r> {
    MessageOut {
        role,
        content: Some(content),
        tool_calls: Vec::new(),
        tool_call_id: None,
    }
}

fn kind<'b>(block: &'b ClientBlock<'_>, param: &str) -> Result<&'b str, GatewayError> {
    block
        .kind
        .as_deref()
        .ok_or_else(|| missing(&format!("{param}.type")))
}

/// One text → a string; several → text parts; none → `None`.
fn texts_content(texts: Vec<&str>) -> Option<ContentOut<'_>> {
    match texts.as_slice() {
        [] => None,
        [one] => Some(ContentOut::Text(Cow::Borrowed(one))),
        _ => Some(ContentOut::Parts(
            texts
                .into_iter()
                .map(|text| PartOut::Text { text })
                .collect(),
        )),
    }
}

fn system_content<'r>(
    system: Option<&'r ClientContent<'_>>,
) -> Result<Option<ContentOut<'r>>, GatewayError> {
    match system {
        None => Ok(None),
        Some(ClientContent::Text(text)) => {
            Ok((!text.is_empty()).then_some(ContentOut::Text(Cow::Borrowed(text))))
        }
        Some(ClientContent::Blocks(blocks)) => {
            let mut texts = Vec::with_capacity(blocks.len());
            for (j, block) in blocks.iter().enumerate() {
                let param = format!("system[{j}]");
                match kind(block, &param)? {
                    "text" => texts.extend(block.text.as_deref().filter(|t| !t.is_empty())),
                    _ => {
                        return Err(unsupported(
                            &format!("{param}.type"),
                            "only text blocks are allowed in system.",
                        ))
                    }
                }
            }
            Ok(texts_content(texts))
        }
    }
}

/// A user turn: its `tool_result` blocks become `tool` messages, in order,
/// before one user message with everything else (images returned inside
/// tool results first, then the turn's own text and images).
fn user_turn<'r>(
    content: &'r ClientContent<'_>,
    i: usize,
    out: &mut Vec<MessageOut<'r>>,
) -> Result<(), GatewayError> {
    let blocks = match content {
        ClientContent::Text(text) => {
            if !text.is_empty() {
                out.push(message("user", ContentOut::Text(Cow::Borrowed(text))));
            }
            return Ok(());
        }
        ClientContent::Blocks(blocks) => blocks,
    };
    let mut moved_images = Vec::new();
    let mut parts = Vec::with_capacity(blocks.len());
    for (j, block) in blocks.iter().enumerate() {
        let param = format!("messages[{i}].content[{j}]");
        match kind(block, &param)? {
            "text" => {
                if let Some(text) = block.text.as_deref().filter(|t| !t.is_empty()) {
                    parts.push(PartOut::Text { text });
                }
            }
            "image" => parts.push(image(block, &param)?),
            "tool_result" => out.push(tool_result(block, &param, &mut moved_images)?),
            "tool_use" | "thinking" | "redacted_thinking" => {
                return Err(GatewayError::invalid_field(
                    &format!("{param}.type"),
                    &format!("{param}.type: this block is only allowed in assistant messages."),
                ))
            }
            _ => return Err(unsupported_block(&param)),
        }
    }
    if moved_images.is_empty() && parts.len() == 1 {
        if let Some(PartOut::Text { text }) = parts.first() {
            out.push(message("user", ContentOut::Text(Cow::Borrowed(text))));
            return Ok(());
        }
    }
    moved_images.append(&mut parts);
    if !moved_images.is_empty() {
        out.push(message("user", ContentOut::Parts(moved_images)));
    }
    Ok(())
}

fn unsupported_block(param: &str) -> GatewayError {
    unsupported(
        &format!("{param}.type"),
        "this content block type is not supported by the gateway.",
    )
}

/// An assistant turn: text blocks joined into `content` (Anthropic's text
/// blocks of one answer read as one text), `tool_use` → `tool_calls`;
/// thinking blocks are left out.
fn assistant_turn<'r>(
    content: &'r ClientContent<'_>,
    i: usize,
    out: &mut Vec<MessageOut<'r>>,
) -> Result<(), GatewayError> {
    let blocks = match content {
        ClientContent::Text(text) => {
            if !text.is_empty() {
                out.push(message("assistant", ContentOut::Text(Cow::Borrowed(text))));
            }
            return Ok(());
        }
        ClientContent::Blocks(blocks) => blocks,
    };
    let mut texts: Vec<&'r str> = Vec::new();
    let mut tool_calls = Vec::new();
    for (j, block) in blocks.iter().enumerate() {
        let param = format!("messages[{i}].content[{j}]");
        match kind(block, &param)? {
            "text" => texts.extend(block.text.as_deref().filter(|t| !t.is_empty())),
            "tool_use" => tool_calls.push(tool_use(block, &param)?),
            "thinking" | "redacted_thinking" => {}
            "tool_result" | "image" => {
                return Err(GatewayError::invalid_field(
                    &format!("{param}.type"),
                    &format!("{param}.type: this block is only allowed in user messages."),
                ))
            }
            _ => return Err(unsupported_block(&param)),
        }
    }
    let content = match texts.as_slice() {
        [] => None,
        [one] => Some(ContentOut::Text(Cow::Borrowed(one))),
        many => Some(ContentOut::Text(Cow::Owned(many.concat()))),
    };
    if content.is_some() || !tool_calls.is_empty() {
        out.push(MessageOut {
            role: "assistant",
            content,
            tool_calls,
            tool_call_id: None,
        });
    }
    Ok(())
}

fn tool_use<'r>(block: &'r ClientBlock<'_>, param: &str) -> Result<ToolCallOut<'r>, GatewayError> {
    let id = block
        .id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| missing(&format!("{param}.id")))?;
    let name = block
        .name
        .as_deref()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| missing(&format!("{param}.name")))?;
    let arguments = match block.input {
        None => EMPTY_OBJECT,
        Some(input) if input.get().starts_with('{') => input.get(),
        Some(_) => {
            return Err(GatewayError::invalid_field(
                &format!("{param}.input"),
                &format!("{param}.input must be a JSON object."),
            ))
        }
    };
    Ok(ToolCallOut {
        id,
        kind: "function",
        function: FunctionCallOut { name, arguments },
    })
}

/// A `tool` message; texts joined with a newline, `is_error` made visible as
/// an `Error: ` prefix (OpenAI tool messages have no error flag). Images go
/// to `moved_images` (OpenAI tool messages carry text only).
fn tool_result<'r>(
    block: &'r ClientBlock<'_>,
    param: &str,
    moved_images: &mut Vec<PartOut<'r>>,
) -> Result<MessageOut<'r>, GatewayError> {
    let id = block
        .tool_use_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| missing(&format!("{param}.tool_use_id")))?;
    let mut texts: Vec<&'r str> = Vec::new();
    match &block.content {
        None => {}
        Some(ClientContent::Text(text)) => texts.push(text),
        Some(ClientContent::Blocks(inner)) => {
            for (k, part) in inner.iter().enumerate() {
                let param = format!("{param}.content[{k}]");
                match kind(part, &param)? {
                    "text" => texts.extend(part.text.as_deref().filter(|t| !t.is_empty())),
                    "image" => moved_images.push(image(part, &param)?),
                    _ => return Err(unsupported_block(&param)),
                }
            }
        }
    }
    let text: Cow<'r, str> = match texts.as_slice() {
        [] => Cow::Borrowed(""),
        [one] => Cow::Borrowed(one),
        many => Cow::Owned(many.join("\n")),
    };
    let text = match (block.is_error == Some(true), text.is_empty()) {
        (true, true) => Cow::Borrowed("Error"),
        (true, false) => Cow::Owned(format!("Error: {text}")),
        (false, _) => text,
    };
    Ok(MessageOut {
        role: "tool",
        content: Some(ContentOut::Text(text)),
        tool_calls: Vec::new(),
        tool_call_id: Some(id),
    })
}

/// `base64` → a `data:` URL; `url` → the URL itself (the provider fetches
/// it, or its translator refuses it); `file` (Files API) → refused.
fn image<'r>(block: &'r ClientBlock<'_>, param: &str) -> Result<PartOut<'r>, GatewayError> {
    let source_param = format!("{param}.source");
    let raw: &'r RawValue = block.source.ok_or_else(|| missing(&source_param))?;
    let bad = || {
        GatewayError::invalid_field(
            &source_param,
            &format!("{source_param} must be a base64, url or file image source."),
        )
    };
    if !raw.get().starts_with('{') {
        return Err(bad());
    }
    let source: ClientImageSource<'r> = serde_json::from_str(raw.get()).map_err(|_| bad())?;
    let url = match source.kind.as_deref() {
        Some("base64") => {
            let media_type = source
                .media_type
                .as_deref()
                .ok_or_else(|| missing(&format!("{source_param}.media_type")))?;
            let media_type = IMAGE_MEDIA_TYPES
                .iter()
                .find(|t| t.eq_ignore_ascii_case(media_type))
                .ok_or_else(|| {
                    GatewayError::invalid_field(
                        &format!("{source_param}.media_type"),
                        "Images must be image/jpeg, image/png, image/gif or image/webp.",
                    )
                })?;
            let data = source
                .data
                .as_deref()
                .filter(|d| !d.is_empty())
                .ok_or_else(|| missing(&format!("{source_param}.data")))?;
            Cow::Owned(format!("data:{media_type};base64,{data}"))
        }
        Some("url") => match source.url {
            Some(Cow::Borrowed(url)) if !url.is_empty() => Cow::Borrowed(url),
            Some(Cow::Owned(url)) if !url.is_empty() => Cow::Owned(url),
            _ => return Err(missing(&format!("{source_param}.url"))),
        },
        Some("file") => {
            return Err(unsupported(
                &format!("{source_param}.type"),
                "file sources need Anthropic's Files API; send the image as base64 or url.",
            ))
        }
        _ => return Err(bad()),
    };
    Ok(PartOut::ImageUrl {
        image_url: ImageUrlOut { url },
    })
}
