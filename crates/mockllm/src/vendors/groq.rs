//! Groq: `POST /openai/v1/chat/completions` (base URL
//! `https://api.groq.com/openai/v1`).
//!
//! Per console.groq.com/docs/openai, `logprobs`, `logit_bias`,
//! `top_logprobs` and `messages[].name` "will result in a 400 error", and
//! `n` must be 1. Answers are OpenAI's plus Groq's `x_groq` member (its
//! request id; on the finish chunk of a stream also the usage, Groq's older
//! placement) and its timing fields in `usage`. Errors are OpenAI-shaped.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::render::{self, set, Answer, UsageAt};
use super::{authorize, openai_finish, parse, CompatRequest};
use crate::dispatch::{json_response, ApiError, ErrorKind, Provider};
use crate::ids::unix_now;
use crate::sse;
use crate::state::{AppState, Config};

pub(crate) struct Groq;

impl Provider for Groq {
    type Request = CompatRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        authorize(headers, config)
    }

    fn parse(body: &Value, _headers: &HeaderMap) -> Result<CompatRequest, ApiError> {
        for key in ["logprobs", "logit_bias", "top_logprobs"] {
            if body.get(key).is_some() {
                return Err(ApiError::invalid(
                    Some(key),
                    format!("'{key}' is not supported"),
                ));
            }
        }
        if body.get("n").is_some_and(|n| n.as_u64() != Some(1)) {
            return Err(ApiError::invalid(
                Some("n"),
                "'n' : number must be at most 1",
            ));
        }
        let messages = body.get("messages").and_then(Value::as_array);
        for (i, m) in messages.into_iter().flatten().enumerate() {
            if m.get("name").is_some() {
                return Err(ApiError::invalid(
                    Some(&format!("messages.{i}.name")),
                    format!("'messages.{i}' : property 'name' is unsupported"),
                ));
            }
        }
        parse("groq", body, &["max_completion_tokens", "max_tokens"])
    }

    fn answer(request: CompatRequest, state: &AppState, midstream_reset: bool) -> Response {
        let id = state.ids().next("chatcmpl-");
        let request_id = state.ids().next("req_");
        let mut usage = render::base_usage(&request.plan, 0);
        for field in ["queue_time", "prompt_time", "completion_time", "total_time"] {
            set(&mut usage, field, json!(0.001));
        }
        let mut extra = Map::new();
        extra.insert("x_groq".into(), json!({"id": request_id}));
        let answer = Answer {
            id: &id,
            model: &request.model,
            created: unix_now(),
            plan: &request.plan,
            finish: openai_finish(&request.plan),
            tool_id: format!("call_{}", id.strip_prefix("chatcmpl-").unwrap_or(&id)),
            object_arguments: false,
            whole_tool_call: false,
            reasoning: None,
            usage: usage.clone(),
            extra,
        };
        if !request.stream {
            let body = render::completion(&answer);
            return json_response(StatusCode::OK, &body, "x-request-id", &request_id);
        }
        let mut events = render::stream(&answer, UsageAt::OwnChunk, request.include_usage);
        // Groq's older usage placement: `x_groq.usage` on the finish chunk.
        let finish_at = events
            .len()
            .saturating_sub(2 + usize::from(request.include_usage));
        if let Some(event) = events.get_mut(finish_at) {
            let with_usage = event.replacen(
                &format!("\"x_groq\":{{\"id\":\"{request_id}\"}}"),
                &format!("\"x_groq\":{{\"id\":\"{request_id}\",\"usage\":{usage}}}"),
                1,
            );
            *event = with_usage;
        }
        sse::response(
            events,
            midstream_reset.then_some(2),
            "x-request-id",
            &request_id,
        )
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        let request_id = state.ids().next("req_");
        let (kind, code) = match error.kind {
            ErrorKind::InvalidRequest => ("invalid_request_error", Value::Null),
            ErrorKind::Authentication => ("invalid_request_error", json!("invalid_api_key")),
            ErrorKind::RateLimit => ("tokens", json!("rate_limit_exceeded")),
            _ => ("internal_server_error", Value::Null),
        };
        render::openai_error(error, kind, code, "x-request-id", &request_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_groq_refuses() {
        let base = json!({"model": "llama", "messages": [{"role": "user", "content": "hi"}]});
        for (key, value, param) in [
            ("logprobs", json!(false), "logprobs"),
            ("logit_bias", json!({}), "logit_bias"),
            ("top_logprobs", json!(1), "top_logprobs"),
            ("n", json!(2), "n"),
        ] {
            let mut body = base.clone();
            body[key] = value;
            let e = Groq::parse(&body, &HeaderMap::new()).unwrap_err();
            assert_eq!(e.param.as_deref(), Some(param));
        }
        let mut body = base.clone();
        body["messages"][0]["name"] = json!("ann");
        assert!(Groq::parse(&body, &HeaderMap::new()).is_err());
        body = base;
        body["n"] = json!(1);
        assert!(Groq::parse(&body, &HeaderMap::new()).is_ok());
    }
}
