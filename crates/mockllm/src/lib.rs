//! mockllm: the far side of the network for Switchboard's tests.
//!
//! An HTTP server that speaks the OpenAI Chat Completions, Anthropic Messages and
//! Google Gemini `generateContent` wire formats as published, answers
//! deterministically (reply text and token counts are a pure function of the
//! request), records every provider request for later inspection, and injects
//! faults chosen by the request itself (header `x-mock-fault` or a token inside
//! the model name), so a test can drive any failure without configuring the server.
//!
//! Entry points: [`app`] builds the router, [`serve`] runs it on a listener with the
//! connection handling that connection-level faults need.

pub mod cli;
mod dispatch;
mod faults;
mod ids;
mod plan;
mod record;
mod server;
mod sse;
mod state;
mod tokens;

mod anthropic;
mod azure;
mod bedrock;
mod embeddings;
mod gemini;
mod openai;
mod vendors;

use axum::routing::{get, post};
use axum::Router;

pub use bedrock::BedrockAuth;
pub use faults::{Fault, FaultKind};
pub use server::serve;
pub use state::{AppState, Config};
pub use vendors::MockVendor;

/// The full router: provider endpoints, recording endpoints and health check.
pub fn app(state: AppState) -> Router {
    Router::new()
        // OpenAI, or the OpenAI-compatible vendor chosen with `--vendor`
        // (Groq and Zhipu under their own base paths).
        .route("/v1/chat/completions", post(vendors::chat))
        .route("/openai/v1/chat/completions", post(vendors::chat))
        .route("/api/paas/v4/chat/completions", post(vendors::chat))
        .route(
            "/v1/embeddings",
            post(dispatch::handle::<embeddings::OpenAiEmbeddings>),
        )
        .route(
            "/v1/messages",
            post(dispatch::handle::<anthropic::Anthropic>),
        )
        .route(
            "/openai/deployments/{deployment}/chat/completions",
            post(dispatch::handle::<azure::Azure>),
        )
        // The Bedrock model id is one percent-encoded segment.
        .route(
            "/model/{model_id}/converse",
            post(dispatch::handle::<bedrock::Bedrock>),
        )
        .route(
            "/model/{model_id}/converse-stream",
            post(dispatch::handle::<bedrock::Bedrock>),
        )
        // `{model}:{method}` is one segment; `gemini::route` splits it.
        .route("/v1beta/models/{*rest}", post(gemini::route))
        .route("/_mock/requests", get(record::list).delete(record::clear))
        .route(
            "/_mock/fault",
            axum::routing::put(record::set_fault).delete(record::clear_fault),
        )
        .route("/healthz", get(health))
        .with_state(state)
}

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({"status": "ok"}))
}
