//! OpenAI `messages[]` → Gemini `systemInstruction` + `contents[]`.
//!
//! Rules (numbers are pitfalls in the provider fact sheet):
//! - `system`/`developer` messages are hoisted, in order, into
//!   `systemInstruction.parts`, wherever they appear;
//! - `user` → role `user`; `assistant` → role `model`: its text (and past
//!   refusals, kept as text) first, then one `functionCall{id, name, args}` per
//!   tool call, args parsed to an object (empty arguments mean `{}`);
//! - each call's thought signature is restored from `extra_content` or from
//!   its id (see [`super::signature`]); the first call of a message without
//!   one gets `skip_thought_signature_validator` (8). Later calls of the same
//!   message are parallel calls, which Gemini signs only on the first;
//! - `tool` messages → `functionResponse{id, name, response}` in a **user**
//!   turn, `name` looked up from the latest earlier assistant tool call with
//!   that `tool_call_id` (2); output that is a JSON object is passed as is,
//!   anything else is wrapped as `{"result": "<text>"}`;
//! - ids sent to Gemini are the client's ids without an encoded signature;
//! - empty text parts are dropped and a turn left without parts disappears;
//!   consecutive turns of the same role are merged by concatenating their
//!   parts (3);
//! - images: base64 `data:` URLs → `inlineData`; http(s) URLs are refused,
//!   the gateway does not fetch them (12).
//!
//! Every output string borrows from the parsed request; only restored
//! signatures and joined multi-part tool outputs are allocated.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::client::{Message, ToolCall};
use super::signature::{split_id, SKIP_VALIDATOR};
use crate::error::GatewayError;
use crate::schema::gemini::{
    Blob, Content, FunctionCall, FunctionCallPart, FunctionResponse, FunctionResponsePart,
    FunctionResult, InlineDataPart, Part, Role, TextPart,
};
use crate::schema::openai::{self, ContentPart};

/// `args` for a tool call sent with empty arguments.
const EMPTY_OBJECT: &str = "{}";

/// MIME types Gemini documents for images; `image/jpg` is read as JPEG.
const IMAGE_TYPES: [&str; 5] = [
    "image/png",
    "image/jpeg",
    "image/webp",
    "image/heic",
    "image/heif",
];

pub(super) struct Converted<'r> {
    /// Non-empty system texts, in document order.
    pub system: Vec<TextPart<'r>>,
    pub contents: Vec<Content<'r>>,
}

/// A tool call seen so far: the id the client uses, and the function name.
struct SeenCall<'r> {
    id: &'r str,
    name: &'r str,
}

pub(super) fn convert<'r>(input: &'r [Message<'_>]) -> Result<Converted<'r>, GatewayError> {
    let mut out = Converted {
        system: Vec::new(),
        contents: Vec::with_capacity(input.len()),
    };
    let mut calls: Vec<SeenCall<'r>> = Vec::new();
    for (i, msg) in input.iter().enumerate() {
        match msg.role.as_ref() {
            "system" | "developer" => system_texts(msg.content.as_ref(), i, &mut out.system)?,
            "user" => {
                let parts = user_parts(msg.content.as_ref(), i)?;
                push_turn(&mut out.contents, Role::User, parts);
            }
            "assistant" => {
                let parts = model_parts(msg, i, &mut calls)?;
                push_turn(&mut out.contents, Role::Model, parts);
            }
            "tool" => {
                let part = function_response(msg, i, &calls)?;
                push_turn(&mut out.contents, Role::User, vec![part]);
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

/// Appends a turn, or extends the previous one when the role repeats.
fn push_turn<'r>(contents: &mut Vec<Content<'r>>, role: Role, mut parts: Vec<Part<'r>>) {
    if parts.is_empty() {
        return;
    }
    match contents.last_mut() {
        Some(last) if last.role == role => last.parts.append(&mut parts),
        _ => contents.push(Content { role, parts }),
    }
}

fn unsupported_part(i: usize, j: usize) -> GatewayError {
    GatewayError::unsupported_parameter(
        &format!("messages[{i}].content[{j}].type"),
        "This content part type is not supported for this message and model.",
    )
}

fn system_texts<'r>(
    content: Option<&'r openai::Content<'_>>,
    i: usize,
    system: &mut Vec<TextPart<'r>>,
) -> Result<(), GatewayError> {
    match content {
        None => {}
        Some(openai::Content::Text(text)) if text.is_empty() => {}
        Some(openai::Content::Text(text)) => system.push(TextPart { text }),
        Some(openai::Content::Parts(parts)) => {
            for (j, part) in parts.iter().enumerate() {
                match (part.kind.as_ref(), part.text.as_deref()) {
                    ("text", Some(text)) if !text.is_empty() => system.push(TextPart { text }),
                    ("text", _) => {}
                    _ => return Err(unsupported_part(i, j)),
                }
            }
        }
    }
    Ok(())
}

fn push_text<'r>(parts: &mut Vec<Part<'r>>, text: &'r str) {
    if !text.is_empty() {
        parts.push(Part::Text(TextPart { text }));
    }
}

fn user_parts<'r>(
    content: Option<&'r openai::Content<'_>>,
    i: usize,
) -> Result<Vec<Part<'r>>, GatewayError> {
    let mut parts = Vec::new();
    match content {
        None => {}
        Some(openai::Content::Text(text)) => push_text(&mut parts, text),
        Some(openai::Content::Parts(list)) => {
            parts.reserve(list.len());
            for (j, part) in list.iter().enumerate() {
                match part.kind.as_ref() {
                    "text" => push_text(&mut parts, part.text.as_deref().unwrap_or("")),
                    "image_url" => parts.push(image(part, i, j)?),
                    _ => return Err(unsupported_part(i, j)),
                }
            }
        }
    }
    Ok(parts)
}

fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    s.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .and_then(|_| s.get(prefix.len()..))
}

/// A base64 `data:` URL → `inlineData` (pitfall 12: URLs are not fetched).
fn image<'r>(part: &'r ContentPart<'_>, i: usize, j: usize) -> Result<Part<'r>, GatewayError> {
    let param = || format!("messages[{i}].content[{j}].image_url");
    let url = part
        .image_url
        .as_ref()
        .map(|u| u.url.as_ref())
        .ok_or_else(|| GatewayError::invalid_field(&param(), "image_url.url is required."))?;
    let Some(rest) = strip_prefix_ignore_case(url, "data:") else {
        let remote = ["https://", "http://"]
            .iter()
            .any(|scheme| strip_prefix_ignore_case(url, scheme).is_some());
        if remote {
            return Err(GatewayError::unsupported_parameter(
                &param(),
                "Images by URL are not supported for this model: the gateway does not fetch \
                 URLs. Send the image inline as a base64 data: URL.",
            ));
        }
        return Err(GatewayError::invalid_field(
            &param(),
            "image_url.url must be a base64 data: URL for this model.",
        ));
    };
    let (meta, data) = rest.split_once(',').ok_or_else(|| {
        GatewayError::invalid_field(&param(), "The data URL has no ',' before its data.")
    })?;
    let mut meta_parts = meta.split(';');
    let declared = meta_parts.next().unwrap_or_default();
    if !meta_parts.any(|p| p.eq_ignore_ascii_case("base64")) || data.is_empty() {
        return Err(GatewayError::invalid_field(
            &param(),
            "Only non-empty base64 data URLs are supported for images.",
        ));
    }
    let mime_type = IMAGE_TYPES
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
                "Images must be PNG, JPEG, WebP, HEIC or HEIF for this model.",
            )
        })?;
    Ok(Part::InlineData(InlineDataPart {
        inline_data: Blob { mime_type, data },
    }))
}

/// Text first, then one `functionCall` per tool call.
fn model_parts<'r>(
    msg: &'r Message<'_>,
    i: usize,
    calls: &mut Vec<SeenCall<'r>>,
) -> Result<Vec<Part<'r>>, GatewayError> {
    if msg.function_call.is_some() {
        return Err(GatewayError::unsupported_parameter(
            &format!("messages[{i}].function_call"),
            "Legacy function_call history is not supported for this model; use tool_calls.",
        ));
    }
    let mut parts = Vec::new();
    match &msg.content {
        None => {}
        Some(openai::Content::Text(text)) => push_text(&mut parts, text),
        Some(openai::Content::Parts(list)) => {
            for (j, part) in list.iter().enumerate() {
                let text = match part.kind.as_ref() {
                    "text" => part.text.as_deref(),
                    "refusal" => part.refusal.as_deref(),
                    _ => return Err(unsupported_part(i, j)),
                };
                push_text(&mut parts, text.unwrap_or(""));
            }
        }
    }
    for (k, call) in msg.tool_calls.iter().flatten().enumerate() {
        parts.push(function_call(call, i, k, calls)?);
    }
    Ok(parts)
}

fn function_call<'r>(
    call: &'r ToolCall<'_>,
    i: usize,
    k: usize,
    calls: &mut Vec<SeenCall<'r>>,
) -> Result<Part<'r>, GatewayError> {
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
    let args = parse_arguments(function.arguments.as_deref().unwrap_or("")).ok_or_else(|| {
        GatewayError::invalid_field(
            &param("function.arguments"),
            "Tool call arguments must be a JSON object encoded as a string.",
        )
    })?;
    let (base, from_id) = split_id(id);
    let from_extra = call
        .extra_content
        .as_ref()
        .and_then(|e| e.google.as_ref())
        .and_then(|g| g.thought_signature.as_deref())
        .filter(|s| !s.is_empty())
        .map(Cow::Borrowed);
    let thought_signature = from_extra
        .or(from_id.map(Cow::Owned))
        .or_else(|| (k == 0).then_some(Cow::Borrowed(SKIP_VALIDATOR)));
    calls.push(SeenCall {
        id,
        name: &function.name,
    });
    Ok(Part::FunctionCall(FunctionCallPart {
        function_call: FunctionCall {
            id: (!base.is_empty()).then_some(base),
            name: &function.name,
            args,
        },
        thought_signature,
    }))
}

/// The arguments as a raw JSON object; empty arguments mean `{}`.
fn parse_arguments(arguments: &str) -> Option<&RawValue> {
    let text = match arguments.trim() {
        "" => EMPTY_OBJECT,
        trimmed => trimmed,
    };
    let raw: &RawValue = serde_json::from_str(text).ok()?;
    raw.get().starts_with('{').then_some(raw)
}

fn function_response<'r>(
    msg: &'r Message<'_>,
    i: usize,
    calls: &[SeenCall<'r>],
) -> Result<Part<'r>, GatewayError> {
    let param = || format!("messages[{i}].tool_call_id");
    let id = msg
        .tool_call_id
        .as_deref()
        .filter(|id| !id.is_empty())
        .ok_or_else(|| {
            GatewayError::invalid_field(
                &param(),
                "A tool message needs the tool_call_id it answers.",
            )
        })?;
    let (base, _) = split_id(id);
    // The latest call with this id; then one whose id differs only by an
    // encoded signature (a client that rewrote it).
    let name = calls
        .iter()
        .rev()
        .find(|c| c.id == id)
        .or_else(|| calls.iter().rev().find(|c| split_id(c.id).0 == base))
        .map(|c| c.name)
        .ok_or_else(|| {
            GatewayError::invalid_field(
                &param(),
                "No earlier assistant tool call has this id; Gemini needs the name of the \
                 function a tool result answers.",
            )
        })?;
    Ok(Part::FunctionResponse(FunctionResponsePart {
        function_response: FunctionResponse {
            id: (!base.is_empty()).then_some(base),
            name,
            response: tool_output(msg.content.as_ref(), i)?,
        },
    }))
}

/// A JSON-object output as is; anything else as `{"result": "<text>"}`.
fn tool_output<'r>(
    content: Option<&'r openai::Content<'_>>,
    i: usize,
) -> Result<FunctionResult<'r>, GatewayError> {
    let text: Cow<'r, str> = match content {
        None => Cow::Borrowed(""),
        Some(openai::Content::Text(text)) => Cow::Borrowed(text),
        Some(openai::Content::Parts(parts)) => {
            let mut texts = Vec::with_capacity(parts.len());
            for (j, part) in parts.iter().enumerate() {
                match (part.kind.as_ref(), part.text.as_deref()) {
                    ("text", Some(text)) => texts.push(text),
                    ("text", None) => {}
                    _ => return Err(unsupported_part(i, j)),
                }
            }
            match texts.as_slice() {
                [] => Cow::Borrowed(""),
                [one] => Cow::Borrowed(*one),
                many => Cow::Owned(many.concat()),
            }
        }
    };
    if let Cow::Borrowed(text) = text {
        let object = serde_json::from_str::<&RawValue>(text.trim())
            .ok()
            .filter(|raw| raw.get().starts_with('{'));
        if let Some(raw) = object {
            return Ok(FunctionResult::Object(raw));
        }
    }
    Ok(FunctionResult::Wrapped { result: text })
}
