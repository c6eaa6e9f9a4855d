//! Checks of a `GenerateContentRequest`, as strict as the real API where a
//! translator is likely to go wrong, so tests catch it:
//! - unknown fields at the top level, in parts and in `generationConfig` are
//!   refused (`Unknown name "…"`), as Google's JSON parser does (camelCase
//!   and snake_case names are both accepted);
//! - `contents` is a non-empty array; roles are `user` or `model` (absent:
//!   `user`); two turns of the same role in a row are refused (pitfall 3);
//!   each part has exactly one data field;
//! - `functionCall` parts only in `model` turns; `functionResponse` parts
//!   only in `user` turns, with a `name` and an object `response` (pitfall 2);
//! - for models whose name contains `gemini-3`, the first `functionCall` of
//!   each model turn must carry a `thoughtSignature` (pitfall 8); signatures
//!   must be base64;
//! - at most 5 `stopSequences` (pitfall 13); `thinkingBudget` and
//!   `thinkingLevel` are exclusive; tools are checked in [`super::tools`].
//!
//! Input tokens are the words of every text part (system instruction
//! included) and of the strings inside function responses.
//!
//! The answer thinks (a thought part, `thoughtsTokenCount`) for models named
//! with `thinking` and for requests with `thinkingConfig.includeThoughts`
//! and a budget other than 0; `stopSequences` cut the text; scenario tokens
//! ([`crate::plan::scenario`]) come from the `x-mock-scenario` header or the
//! model in the URL.

use serde_json::{Map, Value};

use axum::http::HeaderMap;

use super::tools::{check_tool_config, check_tools, tool_to_call, Choice};
use super::{Call, Method};
use crate::dispatch::ApiError;
use crate::plan::{Plan, Scenario};
use crate::tokens::words;

const TOP_LEVEL: [&str; 8] = [
    "contents",
    "model",
    "systemInstruction",
    "tools",
    "toolConfig",
    "safetySettings",
    "generationConfig",
    "cachedContent",
];

const GENERATION_CONFIG: [&str; 21] = [
    "candidateCount",
    "stopSequences",
    "maxOutputTokens",
    "temperature",
    "topP",
    "topK",
    "seed",
    "responseMimeType",
    "responseSchema",
    "responseJsonSchema",
    "presencePenalty",
    "frequencyPenalty",
    "responseLogprobs",
    "logprobs",
    "enableEnhancedCivicAnswers",
    "responseModalities",
    "speechConfig",
    "thinkingConfig",
    "imageConfig",
    "mediaResolution",
    "audioTimestamp",
];

/// The `data` oneof of a part: exactly one must be set.
const PART_DATA: [&str; 7] = [
    "text",
    "inlineData",
    "functionCall",
    "functionResponse",
    "fileData",
    "executableCode",
    "codeExecutionResult",
];

const PART_META: [&str; 4] = [
    "thought",
    "thoughtSignature",
    "videoMetadata",
    "partMetadata",
];

const THINKING_LEVELS: [&str; 4] = ["minimal", "low", "medium", "high"];

const MAX_STOP_SEQUENCES: usize = 5;

/// A validated request, ready to answer.
#[derive(Debug)]
pub(crate) struct GenerateRequest {
    pub model: String,
    pub method: Method,
    pub plan: Plan,
    /// `thinking` in the model name, or thought summaries asked for: a
    /// thought part, `thoughtsTokenCount` and a signature on the answer.
    pub thinking: bool,
    /// `gemini-3` in the model name: calls carry a signature and history
    /// must return it.
    pub gemini3: bool,
}

pub(super) fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid(None, message)
}

/// `fooBar` → `foo_bar`.
fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A field by its camelCase name, or its snake_case one.
pub(super) fn get<'v>(object: &'v Map<String, Value>, camel: &str) -> Option<&'v Value> {
    object.get(camel).or_else(|| object.get(&snake(camel)))
}

pub(super) fn check_known(
    object: &Map<String, Value>,
    known: &[&str],
    at: &str,
) -> Result<(), ApiError> {
    match object.keys().find(|k| {
        !known
            .iter()
            .any(|n| *n == k.as_str() || snake(n) == k.as_str())
    }) {
        Some(key) => Err(invalid(format!(
            "Invalid JSON payload received. Unknown name \"{key}\" at '{at}': Cannot find field."
        ))),
        None => Ok(()),
    }
}

pub(super) fn object<'v>(value: &'v Value, at: &str) -> Result<&'v Map<String, Value>, ApiError> {
    value.as_object().ok_or_else(|| {
        invalid(format!(
            "Invalid JSON payload received. Expected an object at '{at}'."
        ))
    })
}

/// What the answer needs from `generationConfig`.
#[derive(Debug, Default)]
struct Generation {
    max_tokens: Option<u64>,
    stops: Vec<String>,
    /// `thinkingConfig.includeThoughts` with a budget other than 0.
    thoughts: bool,
}

pub(crate) fn parse(
    call: Call,
    body: &Value,
    headers: &HeaderMap,
) -> Result<GenerateRequest, ApiError> {
    let top = object(body, "")?;
    check_known(top, &TOP_LEVEL, "")?;
    let gemini3 = call.model.contains("gemini-3");
    let contents = match get(top, "contents") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) | None => {
            return Err(invalid(
                "* GenerateContentRequest.contents: contents is not specified",
            ))
        }
        Some(_) => return Err(invalid("Invalid value at 'contents': expected a list.")),
    };
    let mut previous: Option<&str> = None;
    for (i, content) in contents.iter().enumerate() {
        let role = check_content(i, content, gemini3)?;
        if previous == Some(role) {
            return Err(invalid(
                "Please ensure that multiturn requests alternate between user and model.",
            ));
        }
        previous = Some(role);
    }
    if let Some(system) = get(top, "systemInstruction") {
        check_system(system)?;
    }
    let generation = match get(top, "generationConfig") {
        Some(config) => check_generation_config(config)?,
        None => Generation::default(),
    };
    let declared = match get(top, "tools") {
        Some(tools) => check_tools(tools)?,
        None => Vec::new(),
    };
    let choice = match get(top, "toolConfig") {
        Some(config) => check_tool_config(config, &declared)?,
        None => Choice::default(),
    };
    let tool = tool_to_call(contents, &declared, &choice);
    let thinking = call.model.contains("thinking") || generation.thoughts;
    let plan = Plan::new(
        "gemini",
        &call.model,
        generation.max_tokens,
        tool,
        input_tokens(top),
    )
    .with_stop(&generation.stops)
    .with_reasoning(thinking)
    .with_scenario(Scenario::from_request(headers, &call.model), &declared);
    Ok(GenerateRequest {
        thinking,
        gemini3,
        model: call.model,
        method: call.method,
        plan,
    })
}

/// Checks one turn; returns its role.
fn check_content(i: usize, content: &Value, gemini3: bool) -> Result<&'static str, ApiError> {
    let at = format!("contents[{i}]");
    let content = object(content, &at)?;
    check_known(content, &["role", "parts"], &at)?;
    let role = match content.get("role") {
        None => "user",
        Some(Value::String(r)) if r == "user" => "user",
        Some(Value::String(r)) if r == "model" => "model",
        Some(_) => return Err(invalid("Please use a valid role: user, model.")),
    };
    let parts = match content.get("parts") {
        Some(Value::Array(parts)) if !parts.is_empty() => parts,
        _ => {
            return Err(invalid(format!(
                "* GenerateContentRequest.{at}.parts: contents.parts must not be empty."
            )))
        }
    };
    let mut first_call = true;
    for (j, part) in parts.iter().enumerate() {
        let at = format!("{at}.parts[{j}]");
        let part = object(part, &at)?;
        check_known(part, &[&PART_DATA[..], &PART_META[..]].concat(), &at)?;
        let data: Vec<&str> = PART_DATA
            .iter()
            .copied()
            .filter(|k| get(part, k).is_some())
            .collect();
        let [kind] = data.as_slice() else {
            return Err(invalid(format!(
                "* GenerateContentRequest.{at}.data: required oneof field 'data' must have one initialized field"
            )));
        };
        if let Some(signature) = get(part, "thoughtSignature") {
            check_signature(signature, &at)?;
        }
        match *kind {
            "text" if !get(part, "text").is_some_and(Value::is_string) => {
                return Err(invalid(format!(
                    "Invalid value at '{at}.text': expected a string."
                )))
            }
            "functionCall" => {
                if role != "model" {
                    return Err(invalid(format!(
                        "* GenerateContentRequest.{at}: function calls are only allowed in model turns."
                    )));
                }
                let call = object(get(part, "functionCall").unwrap_or(&Value::Null), &at)?;
                let name = named(call, &format!("{at}.function_call"))?;
                if call.get("args").is_some_and(|a| !a.is_object()) {
                    return Err(invalid(format!(
                        "Invalid value at '{at}.function_call.args': expected an object."
                    )));
                }
                if gemini3 && first_call && get(part, "thoughtSignature").is_none() {
                    return Err(invalid(format!(
                        "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call `default_api:{name}` , position {}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.",
                        j + 1
                    )));
                }
                first_call = false;
            }
            "functionResponse" => {
                if role != "user" {
                    return Err(invalid(format!(
                        "* GenerateContentRequest.{at}: function responses must be in a user turn."
                    )));
                }
                let response = object(get(part, "functionResponse").unwrap_or(&Value::Null), &at)?;
                named(response, &format!("{at}.function_response"))?;
                if !response.get("response").is_some_and(Value::is_object) {
                    return Err(invalid(format!(
                        "* GenerateContentRequest.{at}.function_response.response: must be a JSON object."
                    )));
                }
            }
            _ => {}
        }
    }
    Ok(role)
}

/// The non-empty `name` of a call or response.
fn named<'v>(object: &'v Map<String, Value>, at: &str) -> Result<&'v str, ApiError> {
    match object.get("name") {
        Some(Value::String(name)) if !name.is_empty() => Ok(name),
        _ => Err(invalid(format!(
            "* GenerateContentRequest.{at}.name: Name cannot be empty."
        ))),
    }
}

fn check_signature(signature: &Value, at: &str) -> Result<(), ApiError> {
    let valid = signature.as_str().is_some_and(|s| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
    });
    if valid {
        Ok(())
    } else {
        Err(invalid(format!(
            "Invalid value at '{at}.thought_signature' (TYPE_BYTES), Base64 decoding failed"
        )))
    }
}

fn check_system(system: &Value) -> Result<(), ApiError> {
    let system = object(system, "system_instruction")?;
    check_known(system, &["role", "parts"], "system_instruction")?;
    let parts_are_text = system
        .get("parts")
        .and_then(Value::as_array)
        .is_some_and(|parts| {
            parts
                .iter()
                .all(|p| p.get("text").is_some_and(Value::is_string))
        });
    if parts_are_text {
        Ok(())
    } else {
        Err(invalid(
            "* GenerateContentRequest.system_instruction.parts: only text parts are supported.",
        ))
    }
}

fn check_generation_config(config: &Value) -> Result<Generation, ApiError> {
    let at = "generation_config";
    let config = object(config, at)?;
    check_known(config, &GENERATION_CONFIG, at)?;
    let mut stops = Vec::new();
    if let Some(list) = get(config, "stopSequences") {
        let count = list.as_array().map(Vec::len);
        if count.is_none_or(|n| n > MAX_STOP_SEQUENCES) {
            return Err(invalid(
                "* GenerateContentRequest.generation_config.stop_sequences: the number of stop_sequences must be in range 1 to 6 exclusive.",
            ));
        }
        stops = list
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
    }
    let mut thoughts = false;
    let max_tokens = match get(config, "maxOutputTokens") {
        None => None,
        Some(v) => match v.as_u64() {
            Some(n) if n >= 1 => Some(n),
            _ => {
                return Err(invalid(
                    "* GenerateContentRequest.generation_config.max_output_tokens: must be a positive integer.",
                ))
            }
        },
    };
    if let Some(thinking) = get(config, "thinkingConfig") {
        let thinking = object(thinking, "generation_config.thinking_config")?;
        let level = get(thinking, "thinkingLevel");
        if level.is_some() && get(thinking, "thinkingBudget").is_some() {
            return Err(invalid(
                "You can only set either thinking budget or thinking level, not both.",
            ));
        }
        if level.is_some_and(|l| {
            !l.as_str()
                .is_some_and(|l| THINKING_LEVELS.iter().any(|k| k.eq_ignore_ascii_case(l)))
        }) {
            return Err(invalid(
                "Invalid value at 'generation_config.thinking_config.thinking_level'.",
            ));
        }
        thoughts = get(thinking, "includeThoughts") == Some(&Value::Bool(true))
            && get(thinking, "thinkingBudget").and_then(Value::as_i64) != Some(0);
    }
    if get(config, "responseSchema").is_some() && get(config, "responseJsonSchema").is_some() {
        return Err(invalid(
            "responseSchema and responseJsonSchema cannot both be set.",
        ));
    }
    Ok(Generation {
        max_tokens,
        stops,
        thoughts,
    })
}

/// Words of every string inside a value.
fn string_words(value: &Value) -> u64 {
    match value {
        Value::String(s) => words(s),
        Value::Array(items) => items.iter().map(string_words).sum(),
        Value::Object(map) => map.values().map(string_words).sum(),
        _ => 0,
    }
}

fn parts_words(content: &Value) -> u64 {
    content
        .get("parts")
        .and_then(Value::as_array)
        .map_or(0, |parts| {
            parts
                .iter()
                .map(|p| {
                    let text = p.get("text").and_then(Value::as_str).map_or(0, words);
                    let response = p
                        .get("functionResponse")
                        .and_then(|r| r.get("response"))
                        .map_or(0, string_words);
                    text + response
                })
                .sum()
        })
}

fn input_tokens(top: &Map<String, Value>) -> u64 {
    let system = get(top, "systemInstruction").map_or(0, parts_words);
    let contents: u64 = get(top, "contents")
        .and_then(Value::as_array)
        .map_or(0, |list| list.iter().map(parts_words).sum());
    system + contents
}
