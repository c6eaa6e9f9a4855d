//! Extended thinking and structured outputs, checked as the Messages API
//! documents them, so a translator that gets them wrong fails here too:
//! - `thinking: {type: "enabled", budget_tokens}`: the budget is at least
//!   1024 and below `max_tokens`; with thinking on, `temperature` may only be
//!   1, `top_p` at least 0.95, `top_k` unset, and `tool_choice` may not force
//!   a tool (`any`, `tool`);
//! - with thinking on, a final assistant message holding `tool_use` must
//!   start with a `thinking` (or `redacted_thinking`) block;
//! - a `thinking` block sent back must carry the signature it came with
//!   ([`THINKING_SIGNATURE`]);
//! - `output_config.format` is `{type: "json_schema", schema: {…}}`.
//!
//! Messages are the API's own (quoted from its 400 answers where known).

use serde_json::Value;

use crate::dispatch::ApiError;
use crate::plan::THINKING_SIGNATURE;

/// Anthropic's smallest thinking budget.
const MIN_BUDGET: u64 = 1024;

const DOCS: &str = "Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking";

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid(None, message)
}

/// Checks `thinking` and what it constrains; returns whether thinking is on.
pub(super) fn check(body: &Value, max_tokens: u64, messages: &[Value]) -> Result<bool, ApiError> {
    check_signatures(messages)?;
    check_output_config(body.get("output_config"))?;
    let on = match body.get("thinking") {
        None | Some(Value::Null) => false,
        Some(thinking) => match thinking.get("type").and_then(Value::as_str) {
            Some("disabled") => false,
            Some("adaptive") => true,
            Some("enabled") => {
                let budget = thinking
                    .get("budget_tokens")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| invalid("thinking.enabled.budget_tokens: Field required"))?;
                if budget < MIN_BUDGET {
                    return Err(invalid(
                        "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
                    ));
                }
                if budget >= max_tokens {
                    return Err(invalid(format!(
                        "`max_tokens` must be greater than `thinking.budget_tokens`. {DOCS}#max-tokens-and-context-window-size"
                    )));
                }
                true
            }
            _ => {
                return Err(invalid(
                    "thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'",
                ))
            }
        },
    };
    if on {
        check_sampling(body)?;
        check_final_assistant(messages)?;
    }
    Ok(on)
}

fn check_sampling(body: &Value) -> Result<(), ApiError> {
    if body
        .get("temperature")
        .and_then(Value::as_f64)
        .is_some_and(|t| t != 1.0)
    {
        return Err(invalid(format!(
            "`temperature` may only be set to 1 when thinking is enabled. {DOCS}#feature-compatibility"
        )));
    }
    if body
        .get("top_p")
        .and_then(Value::as_f64)
        .is_some_and(|p| p < 0.95)
    {
        return Err(invalid(format!(
            "`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled. {DOCS}#feature-compatibility"
        )));
    }
    if body.get("top_k").is_some_and(|k| !k.is_null()) {
        return Err(invalid(format!(
            "`top_k` must be unset when thinking is enabled. {DOCS}#feature-compatibility"
        )));
    }
    let forced = body
        .get("tool_choice")
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t == "any" || t == "tool");
    if forced {
        return Err(invalid(
            "Thinking may not be enabled when tool_choice forces tool use.",
        ));
    }
    Ok(())
}

fn block_type(block: &Value) -> &str {
    block.get("type").and_then(Value::as_str).unwrap_or("")
}

/// The last assistant message, when it holds `tool_use`, must start with thinking.
fn check_final_assistant(messages: &[Value]) -> Result<(), ApiError> {
    let last = messages
        .iter()
        .enumerate()
        .rev()
        .find(|(_, m)| m.get("role").and_then(Value::as_str) == Some("assistant"));
    let Some((i, message)) = last else {
        return Ok(());
    };
    let Some(blocks) = message.get("content").and_then(Value::as_array) else {
        return Ok(());
    };
    if !blocks.iter().any(|b| block_type(b) == "tool_use") {
        return Ok(());
    }
    let first = blocks.first().map(block_type).unwrap_or("");
    if first == "thinking" || first == "redacted_thinking" {
        return Ok(());
    }
    Err(invalid(format!(
        "messages.{i}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{first}`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. {DOCS}"
    )))
}

/// Replayed thinking blocks must be exactly what the mock signed.
fn check_signatures(messages: &[Value]) -> Result<(), ApiError> {
    for (i, message) in messages.iter().enumerate() {
        let blocks = message
            .get("content")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (j, block) in blocks.iter().enumerate() {
            if block_type(block) != "thinking" {
                continue;
            }
            let signed = block.get("signature").and_then(Value::as_str) == Some(THINKING_SIGNATURE)
                && block.get("thinking").is_some_and(Value::is_string);
            if !signed {
                return Err(invalid(format!(
                    "messages.{i}.content.{j}: Invalid `signature` in `thinking` block"
                )));
            }
        }
    }
    Ok(())
}

fn check_output_config(config: Option<&Value>) -> Result<(), ApiError> {
    let Some(format) = config.and_then(|c| c.get("format")) else {
        return Ok(());
    };
    if format.get("type").and_then(Value::as_str) != Some("json_schema") {
        return Err(invalid(
            "output_config.format.type: Input should be 'json_schema'",
        ));
    }
    if !format.get("schema").is_some_and(Value::is_object) {
        return Err(invalid(
            "output_config.format.schema: Input should be a valid dictionary",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user() -> Vec<Value> {
        vec![json!({"role": "user", "content": "hi"})]
    }

    #[test]
    fn budget_rules() {
        let on = json!({"thinking": {"type": "enabled", "budget_tokens": 1024}});
        assert!(check(&on, 2048, &user()).unwrap());
        assert!(check(&on, 1024, &user()).is_err());
        let small = json!({"thinking": {"type": "enabled", "budget_tokens": 1000}});
        assert!(check(&small, 4096, &user()).is_err());
        assert!(!check(&json!({}), 10, &user()).unwrap());
        assert!(!check(&json!({"thinking": {"type": "disabled"}}), 10, &user()).unwrap());
    }

    #[test]
    fn sampling_and_forced_tools_are_refused_with_thinking() {
        let thinking = json!({"type": "enabled", "budget_tokens": 1024});
        for extra in [
            json!({"temperature": 0.5}),
            json!({"top_p": 0.5}),
            json!({"top_k": 5}),
            json!({"tool_choice": {"type": "any"}}),
        ] {
            let mut body = extra.clone();
            body["thinking"] = thinking.clone();
            assert!(check(&body, 4096, &user()).is_err(), "{extra}");
            assert!(check(&extra, 4096, &user()).is_ok(), "{extra}");
        }
        let mut fine = json!({"temperature": 1.0, "top_p": 0.95});
        fine["thinking"] = thinking;
        assert!(check(&fine, 4096, &user()).is_ok());
    }

    #[test]
    fn a_tool_turn_needs_its_signed_thinking() {
        let body = json!({"thinking": {"type": "enabled", "budget_tokens": 1024}});
        let tool_use = json!({"type": "tool_use", "id": "t", "name": "f", "input": {}});
        let mut history = vec![
            json!({"role": "user", "content": "hi"}),
            json!({"role": "assistant", "content": [tool_use.clone()]}),
            json!({"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t"}]}),
        ];
        let err = check(&body, 4096, &history).unwrap_err();
        assert!(err.message.contains("must start with a thinking block"));
        assert!(check(&json!({}), 4096, &history).is_ok());
        let signed = json!({"type": "thinking", "thinking": "x", "signature": THINKING_SIGNATURE});
        history[1] = json!({"role": "assistant", "content": [signed, tool_use.clone()]});
        assert!(check(&body, 4096, &history).is_ok());
        let forged = json!({"type": "thinking", "thinking": "x", "signature": "abc"});
        history[1] = json!({"role": "assistant", "content": [forged, tool_use]});
        assert!(check(&json!({}), 4096, &history).is_err());
    }

    #[test]
    fn output_format_is_a_json_schema() {
        let good = json!({"output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}}});
        assert!(check(&good, 10, &user()).is_ok());
        let bad = json!({"output_config": {"format": {"type": "json_object"}}});
        assert!(check(&bad, 10, &user()).is_err());
    }
}
