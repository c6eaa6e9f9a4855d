//! Zhipu GLM / Z.AI: `POST /api/paas/v4/chat/completions`.
//!
//! As in the reference example of docs.z.ai (chat-completion), a tool call's
//! `function.arguments` is a JSON *object*, and the body carries a
//! `request_id`. Streams put the usage on the finish chunk and send a tool
//! call whole in one delta. Only `tool_choice: "auto"` is accepted (400,
//! code `1210`). Errors are `{"error":{"code","message"}}` with Zhipu's
//! string codes.

use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::render::{self, set, Answer, UsageAt};
use super::{authorize, openai_finish, parse, CompatRequest};
use crate::dispatch::{json_response, ApiError, ErrorKind, Provider};
use crate::ids::unix_now;
use crate::state::{AppState, Config};

pub(crate) struct Zhipu;

impl Provider for Zhipu {
    type Request = CompatRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        authorize(headers, config)
    }

    fn parse(body: &Value, _headers: &HeaderMap) -> Result<CompatRequest, ApiError> {
        if body
            .get("tool_choice")
            .is_some_and(|c| c.as_str() != Some("auto"))
        {
            return Err(ApiError::invalid(
                Some("tool_choice"),
                "tool_choice only supports auto",
            ));
        }
        parse("zhipu", body, &["max_tokens"])
    }

    fn answer(request: CompatRequest, state: &AppState, midstream_reset: bool) -> Response {
        let id = state.ids().next("");
        let mut usage = render::base_usage(&request.plan, 0);
        set(
            &mut usage,
            "prompt_tokens_details",
            json!({"cached_tokens": 0}),
        );
        let answer = Answer {
            id: &id,
            model: &request.model,
            created: unix_now(),
            plan: &request.plan,
            finish: openai_finish(&request.plan),
            tool_id: format!("call_{id}"),
            object_arguments: true,
            whole_tool_call: true,
            reasoning: None,
            usage,
            extra: Map::from_iter([("request_id".to_owned(), json!(id))]),
        };
        let stream = (UsageAt::LastChunk, false);
        render::respond(
            &answer,
            request.stream.then_some(stream),
            midstream_reset,
            "x-log-id",
        )
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        let id = state.ids().next("");
        let code = match error.kind {
            ErrorKind::InvalidRequest => "1210",
            ErrorKind::Authentication => "1000",
            ErrorKind::RateLimit => "1302",
            _ => "500",
        };
        let body = json!({"error": {"code": code, "message": error.message}});
        json_response(error.kind.status(), &body, "x-log-id", &id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_auto_tool_choice() {
        let mut body = json!({"model": "glm-4.6", "messages": [{"role": "user", "content": "hi"}]});
        body["tool_choice"] = json!("auto");
        assert!(Zhipu::parse(&body, &HeaderMap::new()).is_ok());
        body["tool_choice"] = json!("required");
        let e = Zhipu::parse(&body, &HeaderMap::new()).unwrap_err();
        assert_eq!(e.param.as_deref(), Some("tool_choice"));
    }
}
