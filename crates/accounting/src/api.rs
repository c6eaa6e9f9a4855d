//! HTTP API: `POST /v1/usage`, `GET /v1/usage`, `GET /healthz`.
//!
//! Intent: a thin JSON layer over [`Store`]. Every response is JSON; every
//! error is OpenAI-shaped ([`ApiError`]), including unknown paths (404) and
//! wrong methods (405).
//!
//! Invariants:
//! - request bodies are never logged; the only per-batch log line carries the
//!   accepted/duplicate counts;
//! - a batch is validated as a whole before anything is written, so a 4xx
//!   response means nothing from that request was stored;
//! - at most [`MAX_BATCH_RECORDS`] records and [`MAX_BODY_BYTES`] bytes per
//!   request (413 `batch_too_large` beyond either).

use crate::error::ApiError;
use crate::model::{parse_batch, BatchError, MAX_BATCH_RECORDS};
use crate::store::Store;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{Method, StatusCode, Uri};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::future::Future;
use std::time::{SystemTime, UNIX_EPOCH};

/// Byte limit for a request body: comfortably above 1000 realistic records.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// `GET /v1/usage` page size when `limit` is absent.
pub const DEFAULT_LIMIT: u32 = 100;
/// Largest `limit` honoured by `GET /v1/usage`; larger values are clamped.
pub const MAX_LIMIT: u32 = 1000;

/// Shared state of the HTTP handlers.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The usage database.
    pub store: Store,
}

impl AppState {
    /// State backed by `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl From<Store> for AppState {
    fn from(store: Store) -> Self {
        Self::new(store)
    }
}

/// Builds the service's router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/usage", get(list_usage).post(post_usage))
        .route("/healthz", get(healthz))
        .fallback(unknown_endpoint)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves `router(state)` on `listener` (TCP_NODELAY on every accepted
/// socket) until `shutdown` resolves, then drains in-flight requests.
pub async fn serve<F>(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        if let Err(err) = tcp.set_nodelay(true) {
            tracing::debug!("failed to set TCP_NODELAY: {err}");
        }
    });
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or_default()
}

fn storage_error(err: crate::store::StoreError, status: StatusCode) -> ApiError {
    tracing::error!(error = %err, "usage storage failure");
    ApiError::storage(status)
}

async fn post_usage(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::batch_too_large(format!(
                "request body exceeds {MAX_BODY_BYTES} bytes; send at most \
                 {MAX_BATCH_RECORDS} records per request"
            ))
        } else {
            ApiError::invalid_record("could not read request body")
        }
    })?;
    let batch = parse_batch(&body).map_err(|err| {
        // Only the kind of failure is logged: parser messages may quote input.
        match &err {
            BatchError::Invalid(_) => {
                tracing::warn!("usage batch rejected: invalid record");
                ApiError::invalid_record(err.to_string())
            }
            BatchError::TooLarge(n) => {
                tracing::warn!(records = n, "usage batch rejected: too large");
                ApiError::batch_too_large(err.to_string())
            }
        }
    })?;
    let outcome = state
        .store
        .insert_batch(&batch.records, now_ms())
        .await
        .map_err(|e| storage_error(e, StatusCode::INTERNAL_SERVER_ERROR))?;
    tracing::info!(
        accepted = outcome.accepted,
        duplicates = outcome.duplicates,
        "usage batch stored"
    );
    Ok(Json(json!({
        "accepted": outcome.accepted,
        "duplicates": outcome.duplicates,
    })))
}

/// Query string of `GET /v1/usage`. Unknown parameters are ignored.
#[derive(Debug, Deserialize)]
struct UsageQuery {
    request_id: Option<String>,
    limit: Option<String>,
}

fn parse_limit(raw: Option<&str>) -> Result<u32, ApiError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_LIMIT);
    };
    match raw.parse::<u64>() {
        Ok(0) | Err(_) => Err(ApiError::invalid_query(
            "`limit` must be a positive integer",
        )),
        Ok(n) => Ok(u32::try_from(n.min(u64::from(MAX_LIMIT))).unwrap_or(MAX_LIMIT)),
    }
}

async fn list_usage(
    State(state): State<AppState>,
    query: Result<Query<UsageQuery>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(query) = query.map_err(|_| ApiError::invalid_query("malformed query string"))?;
    let records = if let Some(id) = query.request_id {
        state
            .store
            .get(&id)
            .await
            .map_err(|e| storage_error(e, StatusCode::INTERNAL_SERVER_ERROR))?
            .into_iter()
            .collect()
    } else {
        let limit = parse_limit(query.limit.as_deref())?;
        state
            .store
            .recent(limit)
            .await
            .map_err(|e| storage_error(e, StatusCode::INTERNAL_SERVER_ERROR))?
    };
    Ok(Json(json!({ "records": records })))
}

async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state
        .store
        .ping()
        .await
        .map_err(|e| storage_error(e, StatusCode::SERVICE_UNAVAILABLE))?;
    Ok(Json(json!({ "status": "ok" })))
}

async fn unknown_endpoint(method: Method, uri: Uri) -> ApiError {
    ApiError::unsupported_endpoint(method.as_str(), uri.path())
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::method_not_allowed(method.as_str(), uri.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_parsing() {
        assert_eq!(parse_limit(None).unwrap(), DEFAULT_LIMIT);
        assert_eq!(parse_limit(Some("5")).unwrap(), 5);
        assert_eq!(parse_limit(Some("1000")).unwrap(), 1000);
        assert_eq!(parse_limit(Some("1001")).unwrap(), MAX_LIMIT);
        assert!(parse_limit(Some("99999999999999999999999")).is_err());
        assert!(parse_limit(Some("0")).is_err());
        assert!(parse_limit(Some("-1")).is_err());
        assert!(parse_limit(Some("ten")).is_err());
    }
}
