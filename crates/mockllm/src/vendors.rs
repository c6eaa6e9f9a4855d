//! OpenAI-compatible vendors, each behaving like the real service where a
//! gateway can get it wrong: a process started with `--vendor <name>`
//! answers `POST …/chat/completions` as that vendor (published formats only):
//!
//! | vendor | request checks | answer |
//! |---|---|---|
//! | `mistral` | 422 `extra_forbidden` for members outside its schema (`stream_options`, `max_completion_tokens`, `seed`, `logprobs`, `user`, a `name` outside tool messages…); 400 code `3280` for a tool-call id that is not 9 × `[a-zA-Z0-9]` | 9-char tool ids; usage on the last chunk; `model_length` / `error` finishes chosen by the model name |
//! | `groq` | 400 for `logprobs`, `logit_bias`, `top_logprobs`, `messages[].name`, `n` ≠ 1 | `x_groq`, Groq's timing fields in `usage` |
//! | `deepseek` | — | `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens` instead of `cached_tokens`; `reasoning_content` for `*reasoner*` models |
//! | `zhipu` | `tool_choice` must be `auto` (400, code `1210`) | `function.arguments` as an object; usage on the last chunk |
//!
//! Everything else (keys, faults, recording, token counts) is the shared
//! pipeline of `dispatch.rs`, so fault tokens in the model name work as for
//! every provider.

mod deepseek;
mod groq;
mod mistral;
mod render;
mod zhipu;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use crate::dispatch::{self, ApiError, Provider as _};
use crate::openai::OpenAi;
use crate::plan::Plan;
use crate::state::{AppState, Config};
use crate::tokens::input_tokens;

/// The vendor a `mockllm` process plays on its chat-completions routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MockVendor {
    Mistral,
    Groq,
    Deepseek,
    Zhipu,
}

/// `POST …/chat/completions`: OpenAI, or the vendor this process plays.
pub(crate) async fn chat(State(state): State<AppState>, request: Request) -> Response {
    match state.vendor() {
        None => dispatch::handle::<OpenAi>(State(state), request).await,
        Some(MockVendor::Mistral) => {
            dispatch::handle::<mistral::Mistral>(State(state), request).await
        }
        Some(MockVendor::Groq) => dispatch::handle::<groq::Groq>(State(state), request).await,
        Some(MockVendor::Deepseek) => {
            dispatch::handle::<deepseek::DeepSeek>(State(state), request).await
        }
        Some(MockVendor::Zhipu) => dispatch::handle::<zhipu::Zhipu>(State(state), request).await,
    }
}

/// What every vendor reads from a chat request.
#[derive(Debug)]
pub(crate) struct CompatRequest {
    pub model: String,
    pub stream: bool,
    pub include_usage: bool,
    pub plan: Plan,
    /// Words of every message but the last (DeepSeek's cached prefix).
    pub prefix_tokens: u64,
}

/// Bearer key check, as OpenAI's.
pub(crate) fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
    OpenAi::authorize(headers, config)
}

/// The shape checks every OpenAI-compatible API makes; `max_keys` are the
/// output-cap parameters the vendor reads, first found wins.
pub(crate) fn parse(
    provider: &str,
    body: &Value,
    max_keys: &[&str],
) -> Result<CompatRequest, ApiError> {
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::invalid(Some("model"), "model is required"))?
        .to_owned();
    let messages = match body.get("messages") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => {
            return Err(ApiError::invalid(
                Some("messages"),
                "messages must be a non-empty array",
            ))
        }
    };
    let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
    let include_usage = body
        .get("stream_options")
        .and_then(|o| o.get("include_usage"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let max_tokens = max_keys
        .iter()
        .find_map(|k| body.get(*k).and_then(Value::as_u64));
    let last_is_user = messages
        .last()
        .and_then(|m| m.get("role"))
        .and_then(Value::as_str)
        == Some("user");
    let tool = body
        .get("tools")
        .and_then(Value::as_array)
        .and_then(|t| t.first())
        .and_then(|t| t.get("function"))
        .and_then(|f| f.get("name"))
        .and_then(Value::as_str)
        .filter(|_| last_is_user && body.get("tool_choice").and_then(Value::as_str) != Some("none"))
        .map(str::to_owned);
    let total = input_tokens(body);
    let last = messages
        .last()
        .and_then(|m| m.get("content"))
        .map_or(0, crate::tokens::content_words);
    Ok(CompatRequest {
        plan: Plan::new(provider, &model, max_tokens, tool, total),
        prefix_tokens: total.saturating_sub(last),
        model,
        stream,
        include_usage,
    })
}

/// The finish reason OpenAI would give for the plan.
pub(crate) fn openai_finish(plan: &Plan) -> &'static str {
    match plan.reply {
        crate::plan::Reply::ToolCall { .. } => "tool_calls",
        crate::plan::Reply::Text {
            truncated: true, ..
        } => "length",
        crate::plan::Reply::Text { .. } => "stop",
    }
}
