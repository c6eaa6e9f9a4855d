//! Azure OpenAI (classic deployment URLs):
//! `POST /openai/deployments/{deployment}/chat/completions?api-version=…`.
//!
//! The body and answers are OpenAI's (delegated to [`OpenAi`]); what differs is
//! the URL (the deployment picks the model, `api-version` is mandatory) and the
//! key header, `api-key`, checked against the `--openai-key` value.

use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::Value;

use crate::dispatch::{ApiError, ErrorKind, Provider};
use crate::openai::{ChatRequest, OpenAi};
use crate::state::{AppState, Config};

pub(crate) struct Azure;

impl Provider for Azure {
    type Request = ChatRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        let Some(key) = &config.openai_key else {
            return Ok(());
        };
        match headers.get("api-key").and_then(|v| v.to_str().ok()) {
            Some(given) if given == key => Ok(()),
            _ => Err(ApiError::new(
                ErrorKind::Authentication,
                "Access denied due to invalid subscription key or wrong API endpoint.",
            )),
        }
    }

    fn authorize_request(uri: &Uri, headers: &HeaderMap, state: &AppState) -> Result<(), ApiError> {
        let has_version = uri
            .query()
            .unwrap_or_default()
            .split('&')
            .any(|pair| pair.starts_with("api-version=") && pair.len() > "api-version=".len());
        if !has_version {
            return Err(ApiError::invalid(
                Some("api-version"),
                "Missing required query parameter: api-version",
            ));
        }
        Self::authorize(headers, state.config())
    }

    fn parse(body: &Value, headers: &HeaderMap) -> Result<ChatRequest, ApiError> {
        OpenAi::parse(body, headers)
    }

    fn answer(request: ChatRequest, state: &AppState, midstream_reset: bool) -> Response {
        OpenAi::answer(request, state, midstream_reset)
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        OpenAi::error(error, state)
    }
}
