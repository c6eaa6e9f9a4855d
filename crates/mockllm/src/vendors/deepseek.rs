//! DeepSeek: `POST /v1/chat/completions` (also served at
//! `https://api.deepseek.com/chat/completions`).
//!
//! Answers are OpenAI's except for usage: cache hits are reported in
//! DeepSeek's own `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens`,
//! with no `prompt_tokens_details`. The mock counts every message but the
//! last as a cache hit (the prefix a multi-turn conversation repeats), so
//! the numbers are deterministic. Models whose name contains `reasoner`
//! answer with `reasoning_content` (counted in `completion_tokens` and in
//! `completion_tokens_details.reasoning_tokens`). Streams report usage in
//! OpenAI's usage chunk (`stream_options.include_usage`).

use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::render::{self, set, Answer, UsageAt};
use super::{authorize, openai_finish, parse, CompatRequest};
use crate::dispatch::{ApiError, ErrorKind, Provider};
use crate::ids::unix_now;
use crate::state::{AppState, Config};

pub(crate) struct DeepSeek;

/// The reasoning text of `*reasoner*` models.
const REASONING: &str = "The user greets me; answer briefly.";

impl Provider for DeepSeek {
    type Request = CompatRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        authorize(headers, config)
    }

    fn parse(body: &Value, _headers: &HeaderMap) -> Result<CompatRequest, ApiError> {
        parse("deepseek", body, &["max_tokens"])
    }

    fn answer(request: CompatRequest, state: &AppState, midstream_reset: bool) -> Response {
        let id = state.ids().next("");
        let reasoning = request
            .model
            .contains("reasoner")
            .then(|| REASONING.to_owned());
        let reasoning_tokens = reasoning
            .as_deref()
            .map_or(0, |r| r.split_whitespace().count() as u64);
        let mut usage = render::base_usage(&request.plan, reasoning_tokens);
        let hit = request.prefix_tokens;
        set(&mut usage, "prompt_cache_hit_tokens", json!(hit));
        let miss = request.plan.input_tokens.saturating_sub(hit);
        set(&mut usage, "prompt_cache_miss_tokens", json!(miss));
        if reasoning.is_some() {
            let details = json!({"reasoning_tokens": reasoning_tokens});
            set(&mut usage, "completion_tokens_details", details);
        }
        let answer = Answer {
            id: &id,
            model: &request.model,
            created: unix_now(),
            plan: &request.plan,
            finish: openai_finish(&request.plan),
            tool_id: format!("call_0_{id}"),
            object_arguments: false,
            whole_tool_call: false,
            reasoning,
            usage,
            extra: Map::from_iter([("system_fingerprint".to_owned(), json!("fp_mock"))]),
        };
        let stream = (UsageAt::OwnChunk, request.include_usage);
        render::respond(
            &answer,
            request.stream.then_some(stream),
            midstream_reset,
            "x-ds-trace-id",
        )
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        let id = state.ids().next("");
        let kind = match error.kind {
            ErrorKind::InvalidRequest => "invalid_request_error",
            ErrorKind::Authentication => "authentication_error",
            ErrorKind::RateLimit => "rate_limit_error",
            _ => "server_error",
        };
        render::openai_error(error, kind, json!(kind), "x-ds-trace-id", &id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cached_prefix_is_every_message_but_the_last() {
        let body = json!({"model": "deepseek-chat", "messages": [
            {"role": "system", "content": "be brief please"},
            {"role": "user", "content": "hi there"}]});
        let request = DeepSeek::parse(&body, &HeaderMap::new()).unwrap();
        assert_eq!((request.plan.input_tokens, request.prefix_tokens), (5, 3));
    }
}
