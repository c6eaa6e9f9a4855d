//! OpenAI Embeddings: `POST /v1/embeddings`.
//!
//! Same key check and error shape as chat completions. `input` is a string or
//! an array of strings; each gets a deterministic 8-dimension vector derived
//! from its text, and `usage.prompt_tokens` counts its words like the other
//! mock endpoints.

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::dispatch::{json_response, ApiError, Provider};
use crate::openai::OpenAi;
use crate::state::{AppState, Config};
use crate::tokens::words;

const DIMENSIONS: usize = 8;

pub(crate) struct OpenAiEmbeddings;

pub(crate) struct EmbeddingsRequest {
    model: String,
    inputs: Vec<String>,
}

fn vector(text: &str) -> Vec<f64> {
    // FNV-1a over the text, stretched into a small stable vector.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    (0..DIMENSIONS)
        .map(|i| {
            let bits = hash.rotate_left((i * 8) as u32) & 0xffff;
            (bits as f64 / 65535.0) * 2.0 - 1.0
        })
        .collect()
}

impl Provider for OpenAiEmbeddings {
    type Request = EmbeddingsRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        OpenAi::authorize(headers, config)
    }

    fn parse(body: &Value, _headers: &HeaderMap) -> Result<EmbeddingsRequest, ApiError> {
        let model = body
            .get("model")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::invalid(Some("model"), "'model' is required."))?
            .to_owned();
        let inputs = match body.get("input") {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) if !items.is_empty() => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    ApiError::invalid(Some("input"), "'input' items must be strings.")
                })?,
            _ => {
                return Err(ApiError::invalid(
                    Some("input"),
                    "'input' must be a string or a non-empty array of strings.",
                ))
            }
        };
        Ok(EmbeddingsRequest { model, inputs })
    }

    fn answer(request: EmbeddingsRequest, state: &AppState, _midstream_reset: bool) -> Response {
        let tokens: u64 = request.inputs.iter().map(|t| words(t)).sum();
        let data: Vec<Value> = request
            .inputs
            .iter()
            .enumerate()
            .map(|(index, text)| json!({"object": "embedding", "index": index, "embedding": vector(text)}))
            .collect();
        let body = json!({
            "object": "list",
            "data": data,
            "model": request.model,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        });
        let request_id = state.ids().next("req_");
        json_response(StatusCode::OK, &body, "x-request-id", &request_id)
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        OpenAi::error(error, state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_deterministic_and_bounded() {
        assert_eq!(vector("abc"), vector("abc"));
        assert_ne!(vector("abc"), vector("abd"));
        assert!(vector("x").iter().all(|v| (-1.0..=1.0).contains(v)));
    }

    #[test]
    fn input_must_be_strings() {
        let headers = HeaderMap::new();
        assert!(OpenAiEmbeddings::parse(&json!({"model": "m", "input": "hi"}), &headers).is_ok());
        assert!(
            OpenAiEmbeddings::parse(&json!({"model": "m", "input": ["a", "b"]}), &headers).is_ok()
        );
        assert!(OpenAiEmbeddings::parse(&json!({"model": "m", "input": [1]}), &headers).is_err());
        assert!(OpenAiEmbeddings::parse(&json!({"model": "m"}), &headers).is_err());
    }
}
