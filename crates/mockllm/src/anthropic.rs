//! Anthropic Messages: `POST /v1/messages`.
//!
//! Request checks (`x-api-key`, `anthropic-version`, body shape) and error bodies
//! live here; success bodies, streamed and not, are in [`render`]. Errors are
//! `{"type":"error","error":{"type","message"},"request_id"}` as published.

mod render;
mod thinking;

use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use crate::dispatch::{json_response, ApiError, ErrorKind, Provider};
use crate::plan::{Plan, Scenario};
use crate::state::{AppState, Config};
use crate::tokens::input_tokens;

const REQUEST_ID_HEADER: &str = "request-id";

/// Marker type selecting the Anthropic behaviour in the shared pipeline.
pub(crate) struct Anthropic;

/// A validated Messages request.
#[derive(Debug)]
pub(crate) struct MessagesRequest {
    model: String,
    stream: bool,
    plan: Plan,
}

impl Provider for Anthropic {
    type Request = MessagesRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        let given = headers.get("x-api-key").and_then(|v| v.to_str().ok());
        match (given, &config.anthropic_key) {
            (None, _) => Err(ApiError::new(
                ErrorKind::Authentication,
                "x-api-key header is required",
            )),
            (Some(given), Some(key)) if given != key => Err(ApiError::new(
                ErrorKind::Authentication,
                "invalid x-api-key",
            )),
            _ => Ok(()),
        }
    }

    fn parse(body: &Value, headers: &HeaderMap) -> Result<MessagesRequest, ApiError> {
        if !headers.contains_key("anthropic-version") {
            return Err(ApiError::invalid(
                None,
                "anthropic-version: header is required",
            ));
        }
        parse(body, headers)
    }

    fn answer(request: MessagesRequest, state: &AppState, midstream_reset: bool) -> Response {
        let id = state.ids().next("msg_");
        let tool_id = state.ids().next("toolu_");
        let request_id = state.ids().next("req_");
        let ids = render::Ids {
            message: &id,
            tool_use: &tool_id,
            request: &request_id,
        };
        if request.stream {
            render::stream(&request, &ids, midstream_reset)
        } else {
            render::message(&request, &ids)
        }
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        let request_id = state.ids().next("req_");
        json_response(
            error.kind.status(),
            &error_body(error, &request_id),
            REQUEST_ID_HEADER,
            &request_id,
        )
    }
}

/// The published error envelope. `fault-503` is rendered as `overloaded_error`.
fn error_body(error: &ApiError, request_id: &str) -> Value {
    let kind = match error.kind {
        ErrorKind::InvalidRequest => "invalid_request_error",
        ErrorKind::Authentication => "authentication_error",
        ErrorKind::RateLimit => "rate_limit_error",
        ErrorKind::Server => "api_error",
        ErrorKind::Unavailable | ErrorKind::Overloaded => "overloaded_error",
    };
    json!({
        "type": "error",
        "error": {"type": kind, "message": error.message},
        "request_id": request_id,
    })
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::invalid(None, message)
}

fn parse(body: &Value, headers: &HeaderMap) -> Result<MessagesRequest, ApiError> {
    if !body.is_object() {
        return Err(invalid("The request body must be a JSON object."));
    }
    let model = match body.get("model") {
        Some(Value::String(model)) => model.clone(),
        Some(_) => return Err(invalid("model: Input should be a valid string")),
        None => return Err(invalid("model: Field required")),
    };
    let max_tokens = match body.get("max_tokens") {
        None => return Err(invalid("max_tokens: Field required")),
        Some(value) => match value.as_u64() {
            Some(n) if n >= 1 => n,
            _ => {
                return Err(invalid(
                    "max_tokens: Input should be an integer of at least 1",
                ))
            }
        },
    };
    let messages = match body.get("messages") {
        None => return Err(invalid("messages: Field required")),
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) => return Err(invalid("messages: at least one message is required")),
        Some(_) => return Err(invalid("messages: Input should be a valid list")),
    };
    for (i, message) in messages.iter().enumerate() {
        check_message(i, message)?;
    }
    check_system(body.get("system"))?;
    let stream = match body.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(invalid("stream: Input should be a valid boolean")),
    };
    let thinking = thinking::check(body, max_tokens, messages)?;
    let declared = declared_tools(body)?;
    let tool = tool_to_call(body, messages, &declared);
    let plan = Plan::new(
        "anthropic",
        &model,
        Some(max_tokens),
        tool,
        input_tokens(body),
    )
    .with_stop(&stop_sequences(body.get("stop_sequences"))?)
    .with_reasoning(thinking)
    .with_scenario(Scenario::from_request(headers, &model), &declared);
    Ok(MessagesRequest {
        model,
        stream,
        plan,
    })
}

fn check_message(i: usize, message: &Value) -> Result<(), ApiError> {
    match message.get("role").and_then(Value::as_str) {
        Some("user" | "assistant") => {}
        Some("system") => {
            return Err(invalid(format!(
                "messages.{i}.role: Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role."
            )))
        }
        _ => {
            return Err(invalid(format!(
                "messages.{i}.role: Input should be 'user' or 'assistant'"
            )))
        }
    }
    match message.get("content") {
        Some(Value::String(_)) => Ok(()),
        Some(Value::Array(blocks))
            if blocks
                .iter()
                .all(|b| b.get("type").and_then(Value::as_str).is_some()) =>
        {
            Ok(())
        }
        Some(Value::Array(_)) => Err(invalid(format!(
            "messages.{i}.content: every content block needs a string `type`"
        ))),
        _ => Err(invalid(format!(
            "messages.{i}.content: Input should be a valid string or list of content blocks"
        ))),
    }
}

fn check_system(system: Option<&Value>) -> Result<(), ApiError> {
    match system {
        None | Some(Value::Null | Value::String(_)) => Ok(()),
        Some(Value::Array(blocks))
            if blocks.iter().all(|b| {
                b.get("type").and_then(Value::as_str) == Some("text")
                    && b.get("text").is_some_and(Value::is_string)
            }) =>
        {
            Ok(())
        }
        Some(_) => Err(invalid(
            "system: Input should be a valid string or list of text blocks",
        )),
    }
}

/// The declared tool names, in order.
fn declared_tools(body: &Value) -> Result<Vec<String>, ApiError> {
    let tools = match body.get("tools") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(tools)) => tools,
        Some(_) => return Err(invalid("tools: Input should be a valid list")),
    };
    tools
        .iter()
        .enumerate()
        .map(|(i, tool)| {
            tool.get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| invalid(format!("tools.{i}.name: Field required")))
        })
        .collect()
}

/// The first tool's name, when tools are offered, `tool_choice` is not `none` and
/// the last message is a user turn that carries no `tool_result`.
fn tool_to_call(body: &Value, messages: &[Value], declared: &[String]) -> Option<String> {
    let first = declared.first()?;
    let last = messages.last()?;
    let from_user = last.get("role").and_then(Value::as_str) == Some("user");
    let has_tool_result = last
        .get("content")
        .and_then(Value::as_array)
        .is_some_and(|blocks| {
            blocks
                .iter()
                .any(|b| b.get("type").and_then(Value::as_str) == Some("tool_result"))
        });
    let disabled = body
        .get("tool_choice")
        .and_then(|c| c.get("type"))
        .and_then(Value::as_str)
        == Some("none");
    (from_user && !has_tool_result && !disabled).then(|| first.clone())
}

/// `stop_sequences`: a list of strings.
fn stop_sequences(stops: Option<&Value>) -> Result<Vec<String>, ApiError> {
    match stops {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, s)| {
                s.as_str().map(str::to_owned).ok_or_else(|| {
                    invalid(format!(
                        "stop_sequences.{i}: Input should be a valid string"
                    ))
                })
            })
            .collect(),
        Some(_) => Err(invalid("stop_sequences: Input should be a valid list")),
    }
}

#[cfg(test)]
mod tests;
