//! Request checks of the Converse API, with Bedrock's own messages where they
//! are known: the body shape, roles that start with `user` and alternate,
//! non-blank text, known content blocks, `toolConfig` whenever history holds
//! `toolUse`/`toolResult` blocks (pitfall 16), and tool results that answer
//! exactly the previous assistant turn's `toolUse` ids (pitfall 1). Thinking
//! and `outputConfig` are checked in [`super::reasoning`].

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::dispatch::ApiError;

/// Top-level members Converse accepts; anything else is refused (a `model` in
/// the body, say, would be a translator bug).
const KNOWN_MEMBERS: [&str; 11] = [
    "messages",
    "system",
    "inferenceConfig",
    "toolConfig",
    "outputConfig",
    "guardrailConfig",
    "additionalModelRequestFields",
    "additionalModelResponseFieldPaths",
    "promptVariables",
    "requestMetadata",
    "performanceConfig",
];

/// Content block members Converse knows; each block has exactly one.
const BLOCK_KINDS: [&str; 8] = [
    "text",
    "image",
    "document",
    "video",
    "toolUse",
    "toolResult",
    "reasoningContent",
    "cachePoint",
];

const IMAGE_FORMATS: [&str; 4] = ["png", "jpeg", "gif", "webp"];

pub(super) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid(None, message)
}

/// What the answer needs from a valid request.
#[derive(Debug)]
pub(super) struct Checked {
    pub max_tokens: Option<u64>,
    /// The first declared tool, when the last turn is a user text turn.
    pub tool: Option<String>,
    /// Every declared tool, in order.
    pub declared: Vec<String>,
    /// `inferenceConfig.stopSequences`.
    pub stops: Vec<String>,
    /// Claude's extended thinking is on.
    pub thinking: bool,
    /// Words of the system prompt, texts and tool results.
    pub input_tokens: u64,
}

pub(super) fn check(body: &Value) -> Result<Checked, ApiError> {
    let Some(object) = body.as_object() else {
        return Err(invalid("The request body must be a JSON object."));
    };
    if let Some(key) = object.keys().find(|k| !KNOWN_MEMBERS.contains(&k.as_str())) {
        return Err(invalid(format!(
            "Malformed input request: extraneous key [{key}] is not permitted, please reformat your input and try again."
        )));
    }
    let messages = match object.get("messages") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) => {
            return Err(invalid(
                "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
            ))
        }
        _ => return Err(invalid("1 validation error detected: Value at 'messages' failed to satisfy constraint: Member must not be null")),
    };
    let mut words = check_system(object.get("system"))?;
    let mut previous_role = "";
    let mut pending_tool_uses: BTreeSet<String> = BTreeSet::new();
    let mut has_tool_blocks = false;
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str).unwrap_or("");
        if role != "user" && role != "assistant" {
            return Err(invalid(format!(
                "1 validation error detected: Value at 'messages.{}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]",
                i + 1
            )));
        }
        if i == 0 && role != "user" {
            return Err(invalid(
                "A conversation must start with a user message. Try again with a conversation that starts with a user message.",
            ));
        }
        if role == previous_role {
            return Err(invalid(
                "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.",
            ));
        }
        previous_role = role;
        let blocks = match message.get("content") {
            Some(Value::Array(blocks)) if !blocks.is_empty() => blocks,
            _ => {
                return Err(invalid(format!(
                    "The content field in the Message object at messages.{i} is empty. Add a ContentBlock object to the content field and try again."
                )))
            }
        };
        let mut results: BTreeSet<String> = BTreeSet::new();
        let mut uses: BTreeSet<String> = BTreeSet::new();
        for (j, block) in blocks.iter().enumerate() {
            let (kind, value) = single_member(block).ok_or_else(|| {
                invalid(format!(
                    "The ContentBlock object at messages.{i}.content.{j} must set exactly one of: {}.",
                    BLOCK_KINDS.join(", ")
                ))
            })?;
            words += check_block(kind, value, i, j, role)?;
            match kind {
                "toolUse" => {
                    has_tool_blocks = true;
                    uses.insert(string_at(value, "toolUseId").unwrap_or_default());
                }
                "toolResult" => {
                    has_tool_blocks = true;
                    results.insert(string_at(value, "toolUseId").unwrap_or_default());
                }
                _ => {}
            }
        }
        if role == "user" && results != pending_tool_uses {
            let expected: Vec<&str> = pending_tool_uses.iter().map(String::as_str).collect();
            return Err(invalid(if expected.is_empty() {
                format!("messages.{i}.content: toolResult blocks must answer toolUse blocks of the previous assistant message.")
            } else {
                format!(
                    "Expected toolResult blocks at messages.{i}.content for the following Ids: {}",
                    expected.join(", ")
                )
            }));
        }
        pending_tool_uses = uses;
    }
    let tools = check_tool_config(object.get("toolConfig"))?;
    if has_tool_blocks && tools.is_none() {
        return Err(invalid(
            "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
        ));
    }
    let max_tokens = check_inference(object.get("inferenceConfig"))?;
    if let Some(extra) = object.get("additionalModelRequestFields") {
        if !extra.is_object() {
            return Err(invalid(
                "additionalModelRequestFields must be a JSON object.",
            ));
        }
    }
    super::reasoning::check_output_config(object.get("outputConfig"))?;
    let thinking = super::reasoning::check_thinking(object, max_tokens, messages)?;
    let stops = object
        .get("inferenceConfig")
        .and_then(|c| c.get("stopSequences"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let last_is_user_text = messages.last().is_some_and(|m| {
        m.get("role").and_then(Value::as_str) == Some("user")
            && m.get("content")
                .and_then(Value::as_array)
                .is_some_and(|blocks| {
                    blocks.iter().any(|b| b.get("text").is_some())
                        && !blocks.iter().any(|b| b.get("toolResult").is_some())
                })
    });
    let declared = tools.unwrap_or_default();
    Ok(Checked {
        max_tokens,
        tool: declared.first().filter(|_| last_is_user_text).cloned(),
        declared,
        stops,
        thinking,
        input_tokens: words,
    })
}

/// The only member of a one-member object.
fn single_member(block: &Value) -> Option<(&str, &Value)> {
    let object: &Map<String, Value> = block.as_object()?;
    let mut members = object.iter();
    let (kind, value) = members.next()?;
    (members.next().is_none() && BLOCK_KINDS.contains(&kind.as_str()))
        .then_some((kind.as_str(), value))
}

fn string_at(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// Checks one block; returns the words it adds to the input.
fn check_block(kind: &str, value: &Value, i: usize, j: usize, role: &str) -> Result<u64, ApiError> {
    let at = format!("messages.{i}.content.{j}");
    match kind {
        "text" => match value.as_str() {
            Some(text) if !blank(text) => Ok(crate::tokens::words(text)),
            _ => Err(invalid(format!(
                "The text field in the ContentBlock object at {at} is blank. Add text to the text field, and try again."
            ))),
        },
        "image" => {
            let format_ok = value
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| IMAGE_FORMATS.contains(&f));
            let bytes_ok = value
                .pointer("/source/bytes")
                .and_then(Value::as_str)
                .is_some_and(|b| !b.is_empty());
            if format_ok && bytes_ok {
                Ok(0)
            } else {
                Err(invalid(format!(
                    "The image at {at} needs a format of png, jpeg, gif or webp and base64 source.bytes."
                )))
            }
        }
        "toolUse" => {
            let ok = role == "assistant"
                && value.get("toolUseId").and_then(Value::as_str).is_some_and(valid_id)
                && value.get("name").and_then(Value::as_str).is_some_and(valid_id)
                && value.get("input").is_some_and(Value::is_object);
            if ok {
                Ok(0)
            } else {
                Err(invalid(format!(
                    "The toolUse block at {at} needs toolUseId and name matching [a-zA-Z0-9_-]+ and an object input, in an assistant message."
                )))
            }
        }
        "toolResult" => {
            let id_ok = value.get("toolUseId").and_then(Value::as_str).is_some_and(valid_id);
            let content = value.get("content").and_then(Value::as_array);
            let (Some(content), true, "user") = (content, id_ok, role) else {
                return Err(invalid(format!(
                    "The toolResult block at {at} needs a toolUseId, a content list, and a user message."
                )));
            };
            let mut words = 0;
            for item in content {
                match single_result(item) {
                    Some(("text", Value::String(text))) if !blank(text) => {
                        words += crate::tokens::words(text);
                    }
                    Some(("json", v)) if v.is_object() || v.is_array() => {}
                    Some(("image" | "document" | "video", _)) => {}
                    _ => {
                        return Err(invalid(format!(
                            "The toolResult content at {at} must be non-blank text, json, image, document or video."
                        )))
                    }
                }
            }
            if let Some(status) = value.get("status") {
                if status != "success" && status != "error" {
                    return Err(invalid(format!("The toolResult status at {at} must be success or error.")));
                }
            }
            Ok(words)
        }
        _ => Ok(0),
    }
}

fn single_result(item: &Value) -> Option<(&str, &Value)> {
    let object = item.as_object()?;
    let mut members = object.iter();
    let (kind, value) = members.next()?;
    members.next().is_none().then_some((kind.as_str(), value))
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `system`: a list of `{text}` (non-blank) or `{cachePoint}` blocks.
fn check_system(system: Option<&Value>) -> Result<u64, ApiError> {
    let Some(system) = system else {
        return Ok(0);
    };
    let Some(blocks) = system.as_array() else {
        return Err(invalid(
            "system must be a list of SystemContentBlock objects.",
        ));
    };
    let mut words = 0;
    for (i, block) in blocks.iter().enumerate() {
        match (block.get("text"), block.get("cachePoint")) {
            (Some(Value::String(text)), None) if !blank(text) => words += crate::tokens::words(text),
            (None, Some(_)) => {}
            _ => {
                return Err(invalid(format!(
                    "The text field in the SystemContentBlock object at system.{i} is blank. Add text to the text field, and try again."
                )))
            }
        }
    }
    Ok(words)
}

/// `inferenceConfig`; returns `maxTokens`.
fn check_inference(config: Option<&Value>) -> Result<Option<u64>, ApiError> {
    let Some(config) = config else {
        return Ok(None);
    };
    let Some(config) = config.as_object() else {
        return Err(invalid("inferenceConfig must be an object."));
    };
    let max_tokens = match config.get("maxTokens") {
        None => None,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => Some(n),
            _ => return Err(invalid("1 validation error detected: Value at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1")),
        },
    };
    for key in ["temperature", "topP"] {
        if let Some(v) = config.get(key) {
            if !v.as_f64().is_some_and(|x| (0.0..=1.0).contains(&x)) {
                return Err(invalid(format!(
                    "1 validation error detected: Value at 'inferenceConfig.{key}' failed to satisfy constraint: Member must have value between 0 and 1"
                )));
            }
        }
    }
    if let Some(stops) = config.get("stopSequences") {
        let ok = stops.as_array().is_some_and(|list| {
            list.iter()
                .all(|s| s.as_str().is_some_and(|s| !s.is_empty()))
        });
        if !ok {
            return Err(invalid(
                "inferenceConfig.stopSequences must be a list of non-empty strings.",
            ));
        }
    }
    if let Some(key) = config
        .keys()
        .find(|k| !["maxTokens", "temperature", "topP", "stopSequences"].contains(&k.as_str()))
    {
        return Err(invalid(format!(
            "Malformed input request: extraneous key [{key}] is not permitted in inferenceConfig."
        )));
    }
    Ok(max_tokens)
}

/// `toolConfig`; returns the declared tool names, in order.
fn check_tool_config(config: Option<&Value>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(config) = config else {
        return Ok(None);
    };
    let tools = match config.get("tools") {
        Some(Value::Array(tools)) if !tools.is_empty() => tools,
        _ => return Err(invalid("toolConfig.tools must be a non-empty list.")),
    };
    let mut names = Vec::with_capacity(tools.len());
    for (i, tool) in tools.iter().enumerate() {
        let spec = tool.get("toolSpec");
        let name = spec.and_then(|s| s.get("name")).and_then(Value::as_str);
        let schema_ok = spec
            .and_then(|s| s.pointer("/inputSchema/json"))
            .is_some_and(Value::is_object);
        match name {
            Some(name) if valid_id(name) && schema_ok => names.push(name.to_owned()),
            _ => {
                return Err(invalid(format!(
                    "toolConfig.tools.{i} needs a toolSpec with a name matching [a-zA-Z0-9_-]+ and an inputSchema.json object."
                )))
            }
        }
    }
    if let Some(choice) = config.get("toolChoice") {
        let ok = match single_result(choice) {
            Some(("auto" | "any", v)) => v.as_object().is_some_and(Map::is_empty),
            Some(("tool", v)) => v
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| names.iter().any(|t| t == n)),
            _ => false,
        };
        if !ok {
            return Err(invalid(
                "toolConfig.toolChoice must be {auto:{}}, {any:{}} or {tool:{name}} naming a declared tool.",
            ));
        }
    }
    Ok(Some(names))
}
