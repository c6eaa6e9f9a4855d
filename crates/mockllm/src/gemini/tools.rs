//! `tools` and `toolConfig`: checks, and which function the mock calls.
//!
//! Function names are 1–64 characters of `[A-Za-z0-9_.:-]` (Gemini's
//! reference), `parameters` and `parametersJsonSchema` are exclusive, modes
//! are the upper-case enum names, and `allowedFunctionNames` are declared
//! names given with mode `ANY` only.

use serde_json::Value;

use super::request::{get, invalid, object};
use crate::dispatch::ApiError;

/// `[A-Za-z0-9_.:-]{1,64}`.
fn valid_function_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'))
}

/// Returns the declared function names, in order.
pub(super) fn check_tools(tools: &Value) -> Result<Vec<String>, ApiError> {
    let tools = tools
        .as_array()
        .ok_or_else(|| invalid("Invalid value at 'tools': expected a list."))?;
    let mut names = Vec::new();
    for (i, tool) in tools.iter().enumerate() {
        let tool = object(tool, &format!("tools[{i}]"))?;
        let declarations = get(tool, "functionDeclarations")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (k, declaration) in declarations.iter().enumerate() {
            let at = format!("tools[{i}].function_declarations[{k}]");
            let declaration = object(declaration, &at)?;
            let name = declaration
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("");
            if !valid_function_name(name) {
                return Err(invalid(format!(
                    "* GenerateContentRequest.{at}.name: Invalid function name. Must be alphameric (a-z, A-Z, 0-9), underscores (_), dots (.), colons (:) or dashes (-), with a maximum length of 64."
                )));
            }
            if get(declaration, "parameters").is_some()
                && get(declaration, "parametersJsonSchema").is_some()
            {
                return Err(invalid(format!(
                    "* GenerateContentRequest.{at}: parameters and parameters_json_schema are mutually exclusive."
                )));
            }
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// `toolConfig.functionCallingConfig`.
#[derive(Debug, Default)]
pub(super) struct Choice {
    mode: Option<String>,
    allowed: Vec<String>,
}

pub(super) fn check_tool_config(config: &Value, declared: &[String]) -> Result<Choice, ApiError> {
    let config = object(config, "tool_config")?;
    let Some(calling) = get(config, "functionCallingConfig") else {
        return Ok(Choice::default());
    };
    let calling = object(calling, "tool_config.function_calling_config")?;
    let mode = match get(calling, "mode") {
        None => None,
        Some(Value::String(m)) if ["AUTO", "ANY", "NONE", "VALIDATED"].contains(&m.as_str()) => {
            Some(m.clone())
        }
        Some(_) => {
            return Err(invalid(
                "Invalid value at 'tool_config.function_calling_config.mode'.",
            ))
        }
    };
    let allowed: Vec<String> = get(calling, "allowedFunctionNames")
        .and_then(Value::as_array)
        .map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if !allowed.is_empty() && mode.as_deref() != Some("ANY") {
        return Err(invalid(
            "* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY.",
        ));
    }
    if let Some(unknown) = allowed.iter().find(|a| !declared.contains(a)) {
        return Err(invalid(format!(
            "* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: {unknown} is not a declared function."
        )));
    }
    Ok(Choice { mode, allowed })
}

/// The function to call: when functions are declared, calling is not `NONE`
/// and the last turn is the user's own (not function results).
pub(super) fn tool_to_call(
    contents: &[Value],
    declared: &[String],
    choice: &Choice,
) -> Option<String> {
    if choice.mode.as_deref() == Some("NONE") {
        return None;
    }
    let last = contents.last()?;
    let from_user = last.get("role").and_then(Value::as_str).unwrap_or("user") == "user";
    let answers_calls = last
        .get("parts")
        .and_then(Value::as_array)
        .is_some_and(|parts| {
            parts.iter().any(|p| {
                p.get("functionResponse")
                    .or_else(|| p.get("function_response"))
                    .is_some()
            })
        });
    if !from_user || answers_calls {
        return None;
    }
    choice.allowed.first().or(declared.first()).cloned()
}
