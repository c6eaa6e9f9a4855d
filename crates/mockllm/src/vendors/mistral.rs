//! Mistral La Plateforme: `POST /v1/chat/completions`, strict like the real
//! API.
//!
//! - Members outside the request schema (mistralai/client-python
//!   `ChatCompletionRequest`) are refused with 422 and a pydantic
//!   `extra_forbidden` detail — at the top level (`stream_options`,
//!   `max_completion_tokens`, `seed`, `logprobs`, `user`…) and in messages
//!   (`name` outside tool messages, `reasoning_content`…); an unknown role is
//!   refused likewise.
//! - A tool-call id (assistant `tool_calls[].id`, tool `tool_call_id`) that
//!   is not nine `[a-zA-Z0-9]` gets Mistral's 400 `Tool call id was … but must
//!   be a-z, A-Z, 0-9, with a length of 9.` (type `invalid_function_call`,
//!   code `"3280"`).
//! - Answers: 32-hex ids, 9-character tool ids, streams with the usage on
//!   the finish chunk (no `stream_options`). The finish reason is
//!   `model_length` when the model name contains `model-length`, `error`
//!   when it contains `finish-error`.
//!
//! Errors are Mistral's top-level `{"object":"error","message","type","param","code"}`.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::render::{self, Answer, UsageAt};
use super::{authorize, openai_finish, parse, CompatRequest};
use crate::dispatch::{json_response, ApiError, ErrorKind, Provider};
use crate::ids::unix_now;
use crate::state::{AppState, Config};

pub(crate) struct Mistral;

const TOP_LEVEL: [&str; 22] = [
    "model",
    "messages",
    "temperature",
    "top_p",
    "max_tokens",
    "stream",
    "stop",
    "random_seed",
    "metadata",
    "response_format",
    "tools",
    "tool_choice",
    "presence_penalty",
    "frequency_penalty",
    "n",
    "prediction",
    "parallel_tool_calls",
    "reasoning_effort",
    "prompt_mode",
    "guardrails",
    "prompt_cache_key",
    "safe_prompt",
];

/// The message every `extra_forbidden` error carries (also the marker that
/// makes [`Mistral::error`] answer 422).
const EXTRA_FORBIDDEN: &str = "Extra inputs are not permitted";

impl Provider for Mistral {
    type Request = CompatRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        authorize(headers, config)
    }

    fn parse(body: &Value, _headers: &HeaderMap) -> Result<CompatRequest, ApiError> {
        check(body)?;
        parse("mistral", body, &["max_tokens"])
    }

    fn answer(request: CompatRequest, state: &AppState, midstream_reset: bool) -> Response {
        let id = state.ids().next("").replace("mock", "");
        let finish = if request.model.contains("model-length") {
            "model_length"
        } else if request.model.contains("finish-error") {
            "error"
        } else {
            openai_finish(&request.plan)
        };
        let answer = Answer {
            id: &id,
            model: &request.model,
            created: unix_now(),
            plan: &request.plan,
            finish,
            tool_id: id.chars().rev().take(9).collect(),
            object_arguments: false,
            whole_tool_call: true,
            reasoning: None,
            usage: render::base_usage(&request.plan, 0),
            extra: Map::new(),
        };
        let stream = (UsageAt::LastChunk, false);
        render::respond(
            &answer,
            request.stream.then_some(stream),
            midstream_reset,
            "x-request-id",
        )
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        let id = state.ids().next("");
        if error.message == EXTRA_FORBIDDEN {
            let loc: Vec<Value> = error
                .param
                .as_deref()
                .unwrap_or("body")
                .split('.')
                .map(|p| p.parse::<u64>().map_or_else(|_| json!(p), |n| json!(n)))
                .collect();
            let body = json!({
                "object": "error",
                "message": {"detail": [{"type": "extra_forbidden", "loc": loc, "msg": EXTRA_FORBIDDEN}]},
                "type": "invalid_request_error",
                "param": null,
                "code": null,
            });
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return json_response(status, &body, "x-request-id", &id);
        }
        let (kind, code) = match error.kind {
            ErrorKind::InvalidRequest if error.message.starts_with("Tool call id") => {
                ("invalid_function_call", json!("3280"))
            }
            ErrorKind::InvalidRequest => ("invalid_request_error", Value::Null),
            ErrorKind::Authentication => ("invalid_request_error", Value::Null),
            ErrorKind::RateLimit => ("rate_limited", Value::Null),
            _ => ("internal_error", Value::Null),
        };
        let body = json!({
            "object": "error",
            "message": error.message,
            "type": kind,
            "param": null,
            "code": code,
        });
        json_response(error.kind.status(), &body, "x-request-id", &id)
    }
}

fn extra(loc: &str) -> ApiError {
    ApiError::invalid(Some(loc), EXTRA_FORBIDDEN)
}

fn valid_id(id: &str) -> bool {
    id.len() == 9 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn bad_id(id: &str) -> ApiError {
    ApiError::invalid(
        None,
        format!("Tool call id was {id} but must be a-z, A-Z, 0-9, with a length of 9."),
    )
}

/// Mistral's schema checks, in the order its validator reports them.
fn check(body: &Value) -> Result<(), ApiError> {
    let Some(object) = body.as_object() else {
        return Ok(());
    };
    if let Some(key) = object.keys().find(|k| !TOP_LEVEL.contains(&k.as_str())) {
        return Err(extra(&format!("body.{key}")));
    }
    let messages = object.get("messages").and_then(Value::as_array);
    for (i, message) in messages.into_iter().flatten().enumerate() {
        let role = message.get("role").and_then(Value::as_str).unwrap_or("");
        let allowed: &[&str] = match role {
            "system" | "user" => &["role", "content"],
            "assistant" => &["role", "content", "tool_calls", "prefix"],
            "tool" => &["role", "content", "tool_call_id", "name"],
            _ => return Err(extra(&format!("body.messages.{i}.role"))),
        };
        if let Some(key) = message
            .as_object()
            .and_then(|m| m.keys().find(|k| !allowed.contains(&k.as_str())))
        {
            return Err(extra(&format!("body.messages.{i}.{role}.{key}")));
        }
        let ids = message
            .get("tool_calls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("id").and_then(Value::as_str))
            .chain(message.get("tool_call_id").and_then(Value::as_str));
        for id in ids {
            if !valid_id(id) {
                return Err(bad_id(id));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(extra: Value) -> Value {
        let mut b =
            json!({"model": "mistral-small", "messages": [{"role": "user", "content": "hi"}]});
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    }

    #[test]
    fn refuses_what_mistral_refuses() {
        for (extra, loc) in [
            (
                json!({"stream_options": {"include_usage": true}}),
                "body.stream_options",
            ),
            (
                json!({"max_completion_tokens": 5}),
                "body.max_completion_tokens",
            ),
            (json!({"seed": 1}), "body.seed"),
            (
                json!({"messages": [{"role": "user", "name": "a", "content": "x"}]}),
                "body.messages.0.user.name",
            ),
        ] {
            let e = Mistral::parse(&body(extra), &HeaderMap::new()).unwrap_err();
            assert_eq!(
                (e.message.as_str(), e.param.as_deref()),
                (EXTRA_FORBIDDEN, Some(loc))
            );
        }
        let history = json!({"messages": [
            {"role": "user", "content": "w?"},
            {"role": "assistant", "content": null, "tool_calls": [{"id": "call_abc", "type": "function", "function": {"name": "w", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "call_abc", "content": "sun"}]});
        let e = Mistral::parse(&body(history), &HeaderMap::new()).unwrap_err();
        assert!(e.message.contains("call_abc") && e.message.contains("length of 9"));
        let ok = json!({"messages": [
            {"role": "assistant", "content": null, "tool_calls": [{"id": "aB3dE6gH9", "type": "function", "function": {"name": "w", "arguments": "{}"}}]},
            {"role": "tool", "tool_call_id": "aB3dE6gH9", "name": "w", "content": "sun"},
            {"role": "user", "content": "thanks"}], "random_seed": 3, "max_tokens": 2});
        let request = Mistral::parse(&body(ok), &HeaderMap::new()).unwrap();
        assert_eq!(request.plan.output_tokens(), 2);
    }
}
