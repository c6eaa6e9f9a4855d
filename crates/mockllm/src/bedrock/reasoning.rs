//! Claude's extended thinking and structured outputs through Converse,
//! checked as Bedrock passes them on:
//! - `additionalModelRequestFields.thinking: {type: "enabled",
//!   budget_tokens}`: at least 1024 and below `inferenceConfig.maxTokens`;
//!   with thinking on, `temperature` may only be 1, `topP` at least 0.95,
//!   and `toolChoice` may not force a tool (`any`, `tool`);
//! - with thinking on, a final assistant message holding `toolUse` must
//!   start with a `reasoningContent` block;
//! - `reasoningContent.reasoningText` sent back must carry the signature it
//!   came with ([`THINKING_SIGNATURE`]);
//! - `outputConfig.textFormat` is `{type: "json_schema", structure:
//!   {jsonSchema: {schema: "<JSON Schema as a string>", name?,
//!   description?}}}`.
//!
//! Errors are `ValidationException`s carrying the model's own message, as
//! Bedrock forwards them.

use serde_json::{Map, Value};

use super::validate::invalid;
use crate::dispatch::ApiError;
use crate::plan::THINKING_SIGNATURE;

const MIN_BUDGET: u64 = 1024;

/// Checks the thinking settings and what they constrain; returns whether
/// thinking is on.
pub(super) fn check_thinking(
    object: &Map<String, Value>,
    max_tokens: Option<u64>,
    messages: &[Value],
) -> Result<bool, ApiError> {
    check_signatures(messages)?;
    let Some(thinking) = object
        .get("additionalModelRequestFields")
        .and_then(|f| f.get("thinking"))
    else {
        return Ok(false);
    };
    match thinking.get("type").and_then(Value::as_str) {
        Some("disabled") => return Ok(false),
        Some("enabled") => {}
        _ => {
            return Err(invalid(
                "The model returned the following errors: thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled'",
            ))
        }
    }
    let budget = thinking.get("budget_tokens").and_then(Value::as_u64);
    if budget.is_none_or(|b| b < MIN_BUDGET) {
        return Err(invalid(
            "The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
        ));
    }
    if let (Some(budget), Some(max)) = (budget, max_tokens) {
        if budget >= max {
            return Err(invalid(
                "The model returned the following errors: `max_tokens` must be greater than `thinking.budget_tokens`.",
            ));
        }
    }
    let inference = object.get("inferenceConfig");
    let number = |key: &str| inference.and_then(|c| c.get(key)).and_then(Value::as_f64);
    if number("temperature").is_some_and(|t| t != 1.0) {
        return Err(invalid(
            "The model returned the following errors: `temperature` may only be set to 1 when thinking is enabled.",
        ));
    }
    if number("topP").is_some_and(|p| p < 0.95) {
        return Err(invalid(
            "The model returned the following errors: `top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.",
        ));
    }
    let forced = object
        .get("toolConfig")
        .and_then(|c| c.get("toolChoice"))
        .is_some_and(|c| c.get("any").is_some() || c.get("tool").is_some());
    if forced {
        return Err(invalid(
            "The model returned the following errors: Thinking may not be enabled when tool_choice forces tool use.",
        ));
    }
    check_final_assistant(messages)?;
    Ok(true)
}

fn blocks(message: &Value) -> &[Value] {
    message
        .get("content")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn check_final_assistant(messages: &[Value]) -> Result<(), ApiError> {
    let last = messages
        .iter()
        .enumerate()
        .rev()
        .find(|(_, m)| m.get("role").and_then(Value::as_str) == Some("assistant"));
    let Some((i, message)) = last else {
        return Ok(());
    };
    let content = blocks(message);
    if !content.iter().any(|b| b.get("toolUse").is_some()) {
        return Ok(());
    }
    if content
        .first()
        .is_some_and(|b| b.get("reasoningContent").is_some())
    {
        return Ok(());
    }
    Err(invalid(format!(
        "The model returned the following errors: messages.{i}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`."
    )))
}

fn check_signatures(messages: &[Value]) -> Result<(), ApiError> {
    for (i, message) in messages.iter().enumerate() {
        for (j, block) in blocks(message).iter().enumerate() {
            let Some(text) = block
                .get("reasoningContent")
                .and_then(|r| r.get("reasoningText"))
            else {
                continue;
            };
            if text.get("signature").and_then(Value::as_str) != Some(THINKING_SIGNATURE) {
                return Err(invalid(format!(
                    "The model returned the following errors: messages.{i}.content.{j}: Invalid `signature` in `thinking` block"
                )));
            }
        }
    }
    Ok(())
}

/// `outputConfig.textFormat`.
pub(super) fn check_output_config(config: Option<&Value>) -> Result<(), ApiError> {
    let Some(config) = config else {
        return Ok(());
    };
    let format = config.get("textFormat");
    let kind_ok = format.and_then(|f| f.get("type")).and_then(Value::as_str) == Some("json_schema");
    let schema = format
        .and_then(|f| f.pointer("/structure/jsonSchema/schema"))
        .and_then(Value::as_str);
    let schema_ok = schema
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .is_some_and(|v| v.is_object());
    if kind_ok && schema_ok {
        Ok(())
    } else {
        Err(invalid(
            "outputConfig.textFormat must be {type: json_schema, structure: {jsonSchema: {schema}}} with the JSON Schema as a string.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn thinking_rules() {
        let user = [json!({"role": "user", "content": [{"text": "hi"}]})];
        let on = json!({"additionalModelRequestFields": {"thinking": {"type": "enabled", "budget_tokens": 1024}}});
        assert!(check_thinking(&object(on.clone()), Some(2048), &user).unwrap());
        assert!(check_thinking(&object(on.clone()), Some(1024), &user).is_err());
        let mut warm = on.clone();
        warm["inferenceConfig"] = json!({"temperature": 0.2});
        assert!(check_thinking(&object(warm), None, &user).is_err());
        assert!(!check_thinking(&object(json!({})), None, &user).unwrap());

        let tool_turn = [
            json!({"role": "user", "content": [{"text": "hi"}]}),
            json!({"role": "assistant", "content": [{"toolUse": {"toolUseId": "t", "name": "f", "input": {}}}]}),
            json!({"role": "user", "content": [{"toolResult": {"toolUseId": "t", "content": [{"text": "ok"}]}}]}),
        ];
        assert!(check_thinking(&object(on.clone()), None, &tool_turn).is_err());
        let mut signed = tool_turn.clone();
        signed[1] = json!({"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "x", "signature": THINKING_SIGNATURE}}},
            {"toolUse": {"toolUseId": "t", "name": "f", "input": {}}}
        ]});
        assert!(check_thinking(&object(on), None, &signed).is_ok());
    }

    #[test]
    fn output_config_schema_is_a_string() {
        let good = json!({"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": "{\"type\":\"object\"}"}}}});
        assert!(check_output_config(Some(&good)).is_ok());
        let object_schema = json!({"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": {"type": "object"}}}}});
        assert!(check_output_config(Some(&object_schema)).is_err());
    }
}
