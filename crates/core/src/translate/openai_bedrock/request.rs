//! Request parameters → Bedrock `inferenceConfig`, `toolConfig`,
//! `additionalModelRequestFields`, and the URL path. The parameter policy is
//! in the module doc of [`super`]; message conversion is in
//! [`super::messages`].

use std::fmt::Write as _;

use serde_json::value::RawValue;

use super::client::ChatRequest;
use super::messages;
use crate::error::GatewayError;
use crate::schema::bedrock::{
    AdditionalFields, ContentBlock, ConverseRequest, InferenceConfig, InputSchema,
    JsonSchemaDefinition, Message, OutputConfig, OutputFormat, OutputStructure, Role, Thinking,
    Tool, ToolChoice as BedrockToolChoice, ToolConfig, ToolSpec,
};
use crate::schema::openai::{Stop, ToolChoice};
use crate::translate::openai_anthropic::thinking;
use crate::translate::openai_error::json_schema_object;
use crate::translate::TargetModel;

/// Schema of a stub tool, and of a function declared without `parameters`.
const EMPTY_SCHEMA: &str = r#"{"type":"object","properties":{}}"#;
/// Bedrock's limit on tool names (pattern `[a-zA-Z0-9_-]+`).
const MAX_TOOL_NAME_CHARS: usize = 64;

fn unsupported(param: &str) -> GatewayError {
    GatewayError::unsupported_parameter(
        param,
        &format!("'{param}' is not supported for this model; remove it or choose another model."),
    )
}

/// `/model/{modelId}/converse` or `/converse-stream`; the id is one path
/// segment, percent-encoded once (pitfall 17: `:` → `%3A`, `/` → `%2F`).
pub(super) fn path_suffix(model_id: &str, stream: bool) -> String {
    let mut out = String::with_capacity(model_id.len() + 32);
    out.push_str("/model/");
    for &b in model_id.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out.push_str(if stream {
        "/converse-stream"
    } else {
        "/converse"
    });
    out
}

/// The Converse request for a parsed client request.
pub(super) fn build<'r>(
    req: &'r ChatRequest<'_>,
    target: &TargetModel<'_>,
) -> Result<ConverseRequest<'r>, GatewayError> {
    refuse_unsupported(req)?;
    let input = req
        .messages
        .as_deref()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            GatewayError::invalid_field("messages", "messages must be a non-empty array.")
        })?;
    let converted = messages::convert(input)?;
    if converted.messages.is_empty() {
        return Err(GatewayError::invalid_field(
            "messages",
            "At least one user or assistant message must have content.",
        ));
    }
    let tool_config = tool_config(req, &converted.history_tools, converted.has_tool_blocks)?;
    let forces_tool = tool_config.as_ref().is_some_and(|c| {
        matches!(
            c.tool_choice,
            Some(BedrockToolChoice::Any {} | BedrockToolChoice::Tool { .. })
        )
    });
    let (inference_config, additional) =
        inference(req, target, forces_tool, in_tool_loop(&converted.messages))?;
    Ok(ConverseRequest {
        messages: converted.messages,
        system: converted.system,
        inference_config,
        tool_config,
        additional_model_request_fields: additional,
        output_config: output_config(req)?,
    })
}

/// The final assistant turn holds tool calls: the request continues a tool
/// loop (see `openai_anthropic::thinking` for what that means for thinking).
fn in_tool_loop(messages: &[Message<'_>]) -> bool {
    messages
        .iter()
        .rev()
        .find(|m| m.role == Role::Assistant)
        .is_some_and(|m| {
            m.content
                .iter()
                .any(|b| matches!(b, ContentBlock::ToolUse(_)))
        })
}

/// `response_format: json_schema` → `outputConfig.textFormat` (the schema
/// sent as a string, Bedrock's type for it); `json_object` has no Converse
/// equivalent.
fn output_config<'r>(req: &'r ChatRequest<'_>) -> Result<Option<OutputConfig<'r>>, GatewayError> {
    let Some(format) = &req.response_format else {
        return Ok(None);
    };
    match format.kind.as_ref() {
        "text" => Ok(None),
        "json_schema" => {
            let definition = format.json_schema.as_ref();
            let schema = json_schema_object(definition.and_then(|d| d.schema))?;
            Ok(Some(OutputConfig {
                text_format: OutputFormat {
                    kind: "json_schema",
                    structure: OutputStructure::JsonSchema(JsonSchemaDefinition {
                        schema: schema.get(),
                        name: definition.and_then(|d| d.name.as_deref()),
                        description: definition
                            .and_then(|d| d.description.as_deref())
                            .filter(|d| !d.is_empty()),
                    }),
                },
            }))
        }
        "json_object" => Err(GatewayError::unsupported_parameter(
            "response_format",
            "response_format 'json_object' is not supported for this model; use 'json_schema' \
             with a schema, or remove it.",
        )),
        _ => Err(unsupported("response_format")),
    }
}

/// Parameters Bedrock cannot honour (see the module doc of [`super`]).
fn refuse_unsupported(req: &ChatRequest<'_>) -> Result<(), GatewayError> {
    let nonzero = |v: Option<f64>| v.is_some_and(|x| x != 0.0);
    let has_tools = req.tools.as_ref().is_some_and(|t| !t.is_empty());
    let checks: [(&str, bool); 12] = [
        ("n", req.n.is_some_and(|n| n > 1)),
        ("logprobs", req.logprobs == Some(true)),
        ("top_logprobs", req.top_logprobs.is_some_and(|k| k > 0)),
        ("frequency_penalty", nonzero(req.frequency_penalty)),
        ("presence_penalty", nonzero(req.presence_penalty)),
        (
            "logit_bias",
            req.logit_bias.is_some_and(|raw| {
                !raw.get()
                    .bytes()
                    .filter(|b| !b.is_ascii_whitespace())
                    .eq(*b"{}")
            }),
        ),
        (
            "modalities",
            req.modalities.iter().flatten().any(|m| m != "text"),
        ),
        ("audio", req.audio.is_some()),
        ("web_search_options", req.web_search_options.is_some()),
        ("functions", req.functions.is_some()),
        ("function_call", req.function_call.is_some()),
        (
            "parallel_tool_calls",
            has_tools && req.parallel_tool_calls == Some(false),
        ),
    ];
    if let Some((param, _)) = checks.iter().find(|(_, refused)| *refused) {
        return Err(unsupported(param));
    }
    if req.n == Some(0) {
        return Err(GatewayError::invalid_field("n", "n must be at least 1."));
    }
    Ok(())
}

/// The client's output cap: `max_completion_tokens` wins over `max_tokens`.
fn requested_max_tokens(req: &ChatRequest<'_>) -> Result<Option<u64>, GatewayError> {
    let (param, requested) = match (req.max_completion_tokens, req.max_tokens) {
        (Some(v), _) => ("max_completion_tokens", Some(v)),
        (None, v) => ("max_tokens", v),
    };
    if requested == Some(0) {
        return Err(GatewayError::invalid_field(
            param,
            "The output token limit must be at least 1.",
        ));
    }
    Ok(requested)
}

/// `inferenceConfig` (omitted when empty) and the thinking fields
/// (rules in `openai_anthropic::thinking`).
fn inference<'r>(
    req: &'r ChatRequest<'_>,
    target: &TargetModel<'_>,
    forces_tool: bool,
    in_tool_loop: bool,
) -> Result<(Option<InferenceConfig<'r>>, Option<AdditionalFields>), GatewayError> {
    let requested = requested_max_tokens(req)?;
    let default = (target.default_max_tokens > 0).then_some(u64::from(target.default_max_tokens));
    let mut max_tokens = requested.or(default);
    let additional = match thinking_budget(req, target.upstream_model)? {
        None => None,
        Some(budget) => {
            thinking::check_compatible(req.temperature, req.top_p, forces_tool)?;
            let (budget, cap) = thinking::fit(budget, requested, default)?;
            if in_tool_loop {
                // The signed reasoning block of this tool turn cannot be sent
                // back: this step runs without thinking.
                None
            } else {
                max_tokens = Some(cap);
                Some(AdditionalFields {
                    thinking: Thinking {
                        kind: "enabled",
                        budget_tokens: budget,
                    },
                })
            }
        }
    };
    let config = InferenceConfig {
        max_tokens,
        temperature: req.temperature,
        top_p: req.top_p,
        stop_sequences: stop_sequences(req.stop.as_ref()),
    };
    let empty = config.max_tokens.is_none()
        && config.temperature.is_none()
        && config.top_p.is_none()
        && config.stop_sequences.is_empty();
    Ok(((!empty).then_some(config), additional))
}

/// Anthropic's thinking budget for `reasoning_effort` on an Anthropic model;
/// `none`/`minimal` mean no thinking; other models refuse other values.
fn thinking_budget(req: &ChatRequest<'_>, model_id: &str) -> Result<Option<u64>, GatewayError> {
    let Some(budget) = thinking::budget(req.reasoning_effort.as_deref())? else {
        return Ok(None);
    };
    let lower = model_id.to_ascii_lowercase();
    if lower.contains("anthropic.") || lower.contains("claude") {
        Ok(Some(budget))
    } else {
        Err(unsupported("reasoning_effort"))
    }
}

/// Empty strings are dropped: they would stop nothing.
fn stop_sequences<'r>(stop: Option<&'r Stop<'_>>) -> Vec<&'r str> {
    match stop {
        None => Vec::new(),
        Some(Stop::One(s)) => [s.as_ref()].into_iter().filter(|s| !s.is_empty()).collect(),
        Some(Stop::Many(all)) => all
            .iter()
            .map(|s| s.as_ref())
            .filter(|s| !s.is_empty())
            .collect(),
    }
}

fn empty_schema() -> Result<&'static RawValue, GatewayError> {
    serde_json::from_str::<&'static RawValue>(EMPTY_SCHEMA)
        .map_err(|_| GatewayError::internal("translation_failed", "empty schema"))
}

fn valid_tool_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOOL_NAME_CHARS
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// How `tool_choice` reads, once tools are declared.
enum Choice<'r> {
    Default,
    None,
    Explicit(BedrockToolChoice<'r>),
}

fn choice<'r>(req: &'r ChatRequest<'_>) -> Result<Choice<'r>, GatewayError> {
    Ok(match &req.tool_choice {
        None => Choice::Default,
        Some(ToolChoice::Mode(mode)) => match mode.as_ref() {
            "auto" => Choice::Explicit(BedrockToolChoice::Auto {}),
            "required" => Choice::Explicit(BedrockToolChoice::Any {}),
            "none" => Choice::None,
            _ => {
                return Err(GatewayError::invalid_field(
                    "tool_choice",
                    "tool_choice must be auto, none, required or a named function.",
                ))
            }
        },
        Some(ToolChoice::Named(named)) => match (named.kind.as_ref(), &named.function) {
            ("function", Some(f)) => Choice::Explicit(BedrockToolChoice::Tool { name: &f.name }),
            ("function", None) => {
                return Err(GatewayError::invalid_field(
                    "tool_choice.function",
                    "A named tool_choice needs function.name.",
                ))
            }
            _ => return Err(unsupported("tool_choice")),
        },
    })
}

/// `toolConfig`: the client's tools, unless `tool_choice` is `none`; and
/// whenever history holds tool blocks, at least stubs for the tools it used
/// (pitfall 16). `tool_choice` without tools is dropped (pitfall 15).
fn tool_config<'r>(
    req: &'r ChatRequest<'_>,
    history_tools: &[&'r str],
    has_tool_blocks: bool,
) -> Result<Option<ToolConfig<'r>>, GatewayError> {
    let mut tools = Vec::new();
    for (i, tool) in req.tools.iter().flatten().enumerate() {
        if tool.kind != "function" {
            return Err(unsupported(&format!("tools[{i}].type")));
        }
        let function = tool.function.as_ref().ok_or_else(|| {
            GatewayError::invalid_field(&format!("tools[{i}].function"), "function is required.")
        })?;
        if !valid_tool_name(&function.name) {
            return Err(GatewayError::invalid_field(
                &format!("tools[{i}].function.name"),
                "Tool names must be 1 to 64 characters from a-z, A-Z, 0-9, '_' and '-' for \
                 this model.",
            ));
        }
        tools.push(Tool::ToolSpec(ToolSpec {
            name: &function.name,
            description: function.description.as_deref().filter(|d| !d.is_empty()),
            input_schema: InputSchema::Json(match function.parameters {
                Some(schema) => schema,
                None => empty_schema()?,
            }),
        }));
    }
    let choice = if tools.is_empty() {
        Choice::Default
    } else {
        choice(req)?
    };
    let tool_choice = match choice {
        Choice::Default => None,
        Choice::Explicit(c) => Some(c),
        Choice::None => {
            tools.clear();
            None
        }
    };
    if tools.is_empty() {
        if !has_tool_blocks {
            return Ok(None);
        }
        for name in history_tools {
            tools.push(Tool::ToolSpec(ToolSpec {
                name,
                description: None,
                input_schema: InputSchema::Json(empty_schema()?),
            }));
        }
        if tools.is_empty() {
            // Tool results without any call in history: still a stub.
            tools.push(Tool::ToolSpec(ToolSpec {
                name: "tool",
                description: None,
                input_schema: InputSchema::Json(empty_schema()?),
            }));
        }
    }
    Ok(Some(ToolConfig { tools, tool_choice }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_ids_are_one_segment() {
        assert_eq!(
            path_suffix("anthropic.claude-3-haiku-20240307-v1:0", false),
            "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
        );
        assert_eq!(
            path_suffix("arn:aws:bedrock:us-east-1:1:inference-profile/x", true),
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/converse-stream"
        );
        assert_eq!(path_suffix("a b%", false), "/model/a%20b%25/converse");
    }

    #[test]
    fn tool_names() {
        assert!(valid_tool_name("get_weather-2"));
        assert!(!valid_tool_name("a.b"));
        assert!(!valid_tool_name(""));
        assert!(!valid_tool_name(&"x".repeat(65)));
    }
}
