//! OpenAI Chat Completions: `POST /v1/chat/completions`.
//!
//! Request checks (auth, shape) and error bodies live here; the success bodies,
//! streamed and not, are in [`render`]. Errors are `{"error":{"message","type",
//! "param","code"}}` as published.

mod render;

use axum::http::{header, HeaderMap};
use axum::response::Response;
use serde_json::{json, Value};

use crate::dispatch::{json_response, ApiError, ErrorKind, Provider};
use crate::plan::{Plan, Scenario};
use crate::state::{AppState, Config};
use crate::tokens::input_tokens;

const ROLES: [&str; 6] = [
    "developer",
    "system",
    "user",
    "assistant",
    "tool",
    "function",
];
const REQUEST_ID_HEADER: &str = "x-request-id";

/// Marker type selecting the OpenAI behaviour in the shared pipeline.
pub(crate) struct OpenAi;

/// A validated chat completion request.
#[derive(Debug)]
pub(crate) struct ChatRequest {
    model: String,
    stream: bool,
    include_usage: bool,
    plan: Plan,
}

impl Provider for OpenAi {
    type Request = ChatRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        let Some(key) = &config.openai_key else {
            return Ok(());
        };
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        match given {
            Some(given) if given == key => Ok(()),
            Some(_) => Err(ApiError::new(
                ErrorKind::Authentication,
                "Incorrect API key provided.",
            )),
            None => Err(ApiError::new(
                ErrorKind::Authentication,
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
            )),
        }
    }

    fn parse(body: &Value, headers: &HeaderMap) -> Result<ChatRequest, ApiError> {
        parse(body, headers)
    }

    fn answer(request: ChatRequest, state: &AppState, midstream_reset: bool) -> Response {
        let id = state.ids().next("chatcmpl-");
        let request_id = state.ids().next("req_");
        if request.stream {
            render::stream(&request, &id, &request_id, midstream_reset)
        } else {
            render::completion(&request, &id, &request_id)
        }
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        let request_id = state.ids().next("req_");
        json_response(
            error.kind.status(),
            &error_body(error),
            REQUEST_ID_HEADER,
            &request_id,
        )
    }
}

/// `{"error":{"message","type","param","code"}}` for an error class.
fn error_body(error: &ApiError) -> Value {
    let (kind, code) = match error.kind {
        ErrorKind::InvalidRequest => ("invalid_request_error", None),
        ErrorKind::Authentication => ("invalid_request_error", Some("invalid_api_key")),
        ErrorKind::RateLimit => ("requests", Some("rate_limit_exceeded")),
        ErrorKind::Server | ErrorKind::Unavailable | ErrorKind::Overloaded => {
            ("server_error", None)
        }
    };
    json!({
        "error": {
            "message": error.message,
            "type": kind,
            "param": error.param,
            "code": code,
        }
    })
}

fn parse(body: &Value, headers: &HeaderMap) -> Result<ChatRequest, ApiError> {
    let Some(object) = body.as_object() else {
        return Err(ApiError::invalid(
            None,
            "The request body must be a JSON object.",
        ));
    };
    let model = match object.get("model") {
        Some(Value::String(model)) => model.clone(),
        Some(_) => {
            return Err(ApiError::invalid(
                Some("model"),
                "'model' must be a string.",
            ))
        }
        None => {
            return Err(ApiError::invalid(
                Some("model"),
                "you must provide a model parameter",
            ))
        }
    };
    let messages = match object.get("messages") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        Some(Value::Array(_)) => {
            return Err(ApiError::invalid(
                Some("messages"),
                "'messages' must contain at least one message.",
            ))
        }
        _ => {
            return Err(ApiError::invalid(
                Some("messages"),
                "Missing required parameter: 'messages'.",
            ))
        }
    };
    for (i, message) in messages.iter().enumerate() {
        let role = message.get("role").and_then(Value::as_str);
        if !role.is_some_and(|r| ROLES.contains(&r)) {
            return Err(ApiError::invalid(
                Some(&format!("messages.[{i}].role")),
                format!("Invalid value for 'messages[{i}].role'."),
            ));
        }
    }
    let stream = optional_bool(body, "stream")?;
    let include_usage = match body.get("stream_options") {
        None | Some(Value::Null) => false,
        Some(options) => optional_bool(options, "include_usage")?,
    };
    let max_tokens = match optional_count(body, "max_completion_tokens")? {
        Some(max) => Some(max),
        None => optional_count(body, "max_tokens")?,
    };
    let declared = declared_tools(body)?;
    let tool = tool_to_call(body, messages, &declared);
    // Reasoning models think unless told `none`; the text is never shown.
    let reasoning = body
        .get("reasoning_effort")
        .and_then(Value::as_str)
        .is_some_and(|effort| effort != "none");
    let plan = Plan::new("openai", &model, max_tokens, tool, input_tokens(body))
        .with_stop(&stop_sequences(body.get("stop"))?)
        .with_reasoning(reasoning)
        .with_scenario(Scenario::from_request(headers, &model), &declared);
    Ok(ChatRequest {
        model,
        stream,
        include_usage,
        plan,
    })
}

/// The declared function names, in order.
fn declared_tools(body: &Value) -> Result<Vec<String>, ApiError> {
    let tools = match body.get("tools") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(tools)) => tools,
        Some(_) => {
            return Err(ApiError::invalid(
                Some("tools"),
                "'tools' must be an array.",
            ))
        }
    };
    tools
        .iter()
        .enumerate()
        .map(|(i, tool)| {
            tool.get("function")
                .and_then(|f| f.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    ApiError::invalid(
                        Some(&format!("tools[{i}].function.name")),
                        format!("Missing required parameter: 'tools[{i}].function.name'."),
                    )
                })
        })
        .collect()
}

/// The first tool's name, when tools are offered, `tool_choice` is not `"none"` and
/// the conversation ends with a user message.
fn tool_to_call(body: &Value, messages: &[Value], declared: &[String]) -> Option<String> {
    let first = declared.first()?;
    let ends_with_user = messages
        .last()
        .and_then(|m| m.get("role"))
        .and_then(Value::as_str)
        == Some("user");
    let disabled = body.get("tool_choice").and_then(Value::as_str) == Some("none");
    (ends_with_user && !disabled).then(|| first.clone())
}

/// `stop`: a string or up to four strings.
fn stop_sequences(stop: Option<&Value>) -> Result<Vec<String>, ApiError> {
    let invalid = || {
        ApiError::invalid(
            Some("stop"),
            "'stop' must be a string or an array of at most 4 strings.",
        )
    };
    match stop {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(one)) => Ok(vec![one.clone()]),
        Some(Value::Array(many)) if many.len() <= 4 => many
            .iter()
            .map(|s| s.as_str().map(str::to_owned).ok_or_else(invalid))
            .collect(),
        Some(_) => Err(invalid()),
    }
}

fn optional_bool(object: &Value, field: &str) -> Result<bool, ApiError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::invalid(
            Some(field),
            format!("'{field}' must be a boolean."),
        )),
    }
}

fn optional_count(object: &Value, field: &str) -> Result<Option<u64>, ApiError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_u64() {
            Some(n) if n >= 1 => Ok(Some(n)),
            _ => Err(ApiError::invalid(
                Some(field),
                format!("'{field}' must be an integer of at least 1."),
            )),
        },
    }
}

#[cfg(test)]
mod tests;
