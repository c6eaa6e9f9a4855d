//! Anthropic Messages request → OpenAI chat request: the top-level fields
//! (the rules are in the parent module's doc; messages are in `messages.rs`).

use serde_json::value::RawValue;

use super::messages;
use super::openai::{
    ChatRequestOut, FunctionDefOut, FunctionNameOut, JsonSchemaOut, ResponseFormatOut,
    StreamOptionsOut, ToolChoiceOut, ToolOut,
};
use super::InboundRequest;
use crate::error::GatewayError;
use crate::schema::anthropic::{
    ClientOutputConfig, ClientRequest, ClientThinking, ClientTool, ClientToolChoice,
};
use crate::translate::openai_error::{client_parse_error, require_object};

/// Longest field path quoted back in an error (paths can hold client keys).
const MAX_PATH_CHARS: usize = 128;

/// Thinking budgets at or above these choose `medium` / `high` effort; the
/// inverse of the Bedrock translator's effort → budget table (1024, 4096,
/// 16384), so a budget survives the round trip to an Anthropic model.
const MEDIUM_BUDGET: u64 = 4096;
const HIGH_BUDGET: u64 = 16_384;

pub(super) fn convert(body: &[u8]) -> Result<InboundRequest, GatewayError> {
    require_object(body)?;
    let mut de = serde_json::Deserializer::from_slice(body);
    let req: ClientRequest<'_> = serde_path_to_error::deserialize(&mut de).map_err(parse_error)?;
    de.end().map_err(|e| client_parse_error(&e))?;
    let out = build(&req)?;
    let openai_body = serde_json::to_vec(&out).map_err(|_| {
        GatewayError::internal("translation_failed", "OpenAI request not encodable")
    })?;
    Ok(InboundRequest {
        openai_body,
        model: out.model.to_owned(),
        stream: out.stream == Some(true),
    })
}

/// A parse failure → 400 naming the field. serde's own message is not
/// passed on: it can quote the offending value, which may be prompt text.
fn parse_error(e: serde_path_to_error::Error<serde_json::Error>) -> GatewayError {
    use serde_json::error::Category;
    let inner = e.inner();
    if inner.classify() != Category::Data {
        return client_parse_error(inner);
    }
    let path: String = e.path().to_string().chars().take(MAX_PATH_CHARS).collect();
    let text = inner.to_string();
    if text.starts_with("unknown field") {
        return GatewayError::invalid_field(
            &path,
            &format!("{path}: Extra inputs are not permitted."),
        );
    }
    // `duplicate field `name``: the name is one of ours, safe to show.
    if let Some(name) = text
        .strip_prefix("duplicate field `")
        .and_then(|rest| rest.split('`').next())
    {
        let param = if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return GatewayError::invalid_field(&param, &format!("{param}: duplicate field."));
    }
    if path == "." {
        return GatewayError::invalid_request(
            "The request body does not match the Messages API schema.",
        );
    }
    GatewayError::invalid_field(
        &path,
        &format!("{path}: the value has the wrong type or shape."),
    )
}

fn required(param: &str) -> GatewayError {
    GatewayError::invalid_field(param, &format!("{param}: Field required."))
}

pub(super) fn unsupported(param: &str, why: &str) -> GatewayError {
    GatewayError::unsupported_parameter(param, &format!("{param}: {why}"))
}

fn build<'r>(req: &'r ClientRequest<'_>) -> Result<ChatRequestOut<'r>, GatewayError> {
    let model = req
        .model
        .as_deref()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| required("model"))?;
    let max_tokens = match req.max_tokens {
        None => return Err(required("max_tokens")),
        Some(0) => {
            return Err(unsupported(
                "max_tokens",
                "must be at least 1 here (0, for warming the prompt cache, is not supported).",
            ))
        }
        Some(n) => n,
    };
    let refused = [
        ("container", req.container.is_some()),
        ("mcp_servers", req.mcp_servers.is_some()),
        ("inference_geo", req.inference_geo.is_some()),
    ];
    if let Some((param, _)) = refused.iter().find(|(_, set)| *set) {
        return Err(unsupported(
            param,
            "this Anthropic-only feature is not supported by the gateway.",
        ));
    }
    let input = req
        .messages
        .as_deref()
        .filter(|m| !m.is_empty())
        .ok_or_else(|| required("messages"))?;
    let messages = messages::convert(req.system.as_ref(), input)?;
    let tools = tools(req.tools.as_deref().unwrap_or_default())?;
    let (tool_choice, parallel_tool_calls) = match (&req.tool_choice, tools.is_empty()) {
        // OpenAI refuses a tool_choice without tools (pitfall 15).
        (Some(choice), false) => tool_choice(choice)?,
        (Some(choice), true) => {
            tool_choice(choice)?;
            (None, None)
        }
        (None, _) => (None, None),
    };
    let stream = req.stream == Some(true);
    Ok(ChatRequestOut {
        model,
        messages,
        max_completion_tokens: max_tokens,
        temperature: req.temperature,
        top_p: req.top_p,
        stop: req
            .stop_sequences
            .iter()
            .flatten()
            .map(|s| s.as_ref())
            .filter(|s| !s.is_empty())
            .collect(),
        tools,
        tool_choice,
        parallel_tool_calls,
        user: req
            .metadata
            .as_ref()
            .and_then(|m| m.user_id.as_deref())
            .filter(|u| !u.is_empty()),
        reasoning_effort: reasoning_effort(req.thinking.as_ref(), req.output_config.as_ref())?,
        response_format: response_format(req.output_config.as_ref())?,
        stream: stream.then_some(true),
        stream_options: stream.then_some(StreamOptionsOut {
            include_usage: true,
        }),
    })
}

fn tools<'r>(input: &'r [ClientTool<'_>]) -> Result<Vec<ToolOut<'r>>, GatewayError> {
    let mut out = Vec::with_capacity(input.len());
    for (i, tool) in input.iter().enumerate() {
        match tool.kind.as_deref() {
            None | Some("custom") => {}
            Some(_) => {
                return Err(unsupported(
                    &format!("tools[{i}].type"),
                    "Anthropic server tools are not supported; declare a client tool \
                     (name, description, input_schema) instead.",
                ))
            }
        }
        let name = tool
            .name
            .as_deref()
            .filter(|n| !n.is_empty())
            .ok_or_else(|| required(&format!("tools[{i}].name")))?;
        let parameters: &RawValue = tool
            .input_schema
            .filter(|s| s.get().starts_with('{'))
            .ok_or_else(|| {
                GatewayError::invalid_field(
                    &format!("tools[{i}].input_schema"),
                    &format!("tools[{i}].input_schema: a JSON Schema object is required."),
                )
            })?;
        out.push(ToolOut {
            kind: "function",
            function: FunctionDefOut {
                name,
                description: tool.description.as_deref().filter(|d| !d.is_empty()),
                parameters,
                strict: tool.strict,
            },
        });
    }
    Ok(out)
}

/// `tool_choice` → (`tool_choice`, `parallel_tool_calls`).
fn tool_choice<'r>(
    choice: &'r ClientToolChoice<'_>,
) -> Result<(Option<ToolChoiceOut<'r>>, Option<bool>), GatewayError> {
    let parallel = (choice.disable_parallel_tool_use == Some(true)).then_some(false);
    let mapped = match choice.kind.as_deref() {
        Some("auto") => ToolChoiceOut::Mode("auto"),
        Some("any") => ToolChoiceOut::Mode("required"),
        Some("none") => return Ok((Some(ToolChoiceOut::Mode("none")), None)),
        Some("tool") => ToolChoiceOut::Named {
            kind: "function",
            function: FunctionNameOut {
                name: choice
                    .name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| required("tool_choice.name"))?,
            },
        },
        _ => {
            return Err(GatewayError::invalid_field(
                "tool_choice.type",
                "tool_choice.type must be auto, any, tool or none.",
            ))
        }
    };
    Ok((Some(mapped), parallel))
}

/// `thinking` and `output_config.effort` → `reasoning_effort` (table in the
/// parent module's doc).
fn reasoning_effort(
    thinking: Option<&ClientThinking<'_>>,
    config: Option<&ClientOutputConfig<'_>>,
) -> Result<Option<&'static str>, GatewayError> {
    let effort = match config.and_then(|c| c.effort.as_deref()) {
        None => None,
        Some("low") => Some("low"),
        Some("medium") => Some("medium"),
        Some("high") => Some("high"),
        Some("xhigh" | "max") => Some("xhigh"),
        Some(_) => {
            return Err(GatewayError::invalid_field(
                "output_config.effort",
                "output_config.effort must be low, medium, high, xhigh or max.",
            ))
        }
    };
    let Some(thinking) = thinking else {
        return Ok(effort);
    };
    match thinking.display.as_deref() {
        None | Some("summarized" | "omitted") => {}
        Some(_) => {
            return Err(GatewayError::invalid_field(
                "thinking.display",
                "thinking.display must be summarized or omitted.",
            ))
        }
    }
    match thinking.kind.as_deref() {
        Some("disabled") => Ok(None),
        Some("adaptive") => Ok(effort.or(Some("medium"))),
        Some("enabled") => {
            let budget = thinking
                .budget_tokens
                .ok_or_else(|| required("thinking.budget_tokens"))?;
            let by_budget = match budget {
                b if b >= HIGH_BUDGET => "high",
                b if b >= MEDIUM_BUDGET => "medium",
                _ => "low",
            };
            Ok(effort.or(Some(by_budget)))
        }
        _ => Err(GatewayError::invalid_field(
            "thinking.type",
            "thinking.type must be enabled, adaptive or disabled.",
        )),
    }
}

/// `output_config.format` (structured outputs) → `response_format`.
fn response_format<'r>(
    config: Option<&'r ClientOutputConfig<'_>>,
) -> Result<Option<ResponseFormatOut<'r>>, GatewayError> {
    let Some(format) = config.and_then(|c| c.format.as_ref()) else {
        return Ok(None);
    };
    if format.kind.as_deref() != Some("json_schema") {
        return Err(GatewayError::invalid_field(
            "output_config.format.type",
            "output_config.format.type must be json_schema.",
        ));
    }
    let schema = format
        .schema
        .filter(|s| s.get().starts_with('{'))
        .ok_or_else(|| required("output_config.format.schema"))?;
    Ok(Some(ResponseFormatOut {
        kind: "json_schema",
        json_schema: JsonSchemaOut {
            name: "output",
            schema,
            strict: true,
        },
    }))
}
