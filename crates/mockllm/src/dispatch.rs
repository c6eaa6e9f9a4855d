//! The request pipeline shared by every provider.
//!
//! Order, for every provider request: record it, apply `slow-<ms>`, apply
//! `fault-reset`, check the key (401), parse the JSON (400), apply status faults
//! (429/5xx), validate the request (400), then answer. Each provider supplies the
//! parts that differ through [`Provider`]; the order lives only here.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;
use tracing::info;

use crate::faults::{Fault, FaultKind};
use crate::record::Recorded;
use crate::server::ConnHandle;
use crate::state::{AppState, Config};

/// Largest request body read (long prompts in tests are welcome).
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// Provider-neutral error classes; each provider renders its own body for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    InvalidRequest,
    Authentication,
    RateLimit,
    Server,
    Unavailable,
    Overloaded,
}

impl ErrorKind {
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Self::InvalidRequest => StatusCode::BAD_REQUEST,
            Self::Authentication => StatusCode::UNAUTHORIZED,
            Self::RateLimit => StatusCode::TOO_MANY_REQUESTS,
            Self::Server => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Overloaded => {
                StatusCode::from_u16(529).unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
            }
        }
    }
}

/// An error answer before provider rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
    /// The offending request field, where one is to blame (OpenAI's `param`).
    pub param: Option<String>,
}

impl ApiError {
    pub(crate) fn invalid(param: Option<&str>, message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::InvalidRequest,
            message: message.into(),
            param: param.map(str::to_owned),
        }
    }

    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            param: None,
        }
    }

    /// The error a `fault-<status>` token injects.
    fn injected(status: u16) -> Self {
        let (kind, message) = match status {
            429 => (
                ErrorKind::RateLimit,
                "Rate limit exceeded (mockllm fault-429).",
            ),
            503 => (
                ErrorKind::Unavailable,
                "Service unavailable (mockllm fault-503).",
            ),
            529 => (ErrorKind::Overloaded, "Overloaded (mockllm fault-529)."),
            _ => (
                ErrorKind::Server,
                "Internal server error (mockllm fault-500).",
            ),
        };
        Self::new(kind, message)
    }
}

/// What differs between the provider endpoints.
pub(crate) trait Provider: Send + Sync + 'static {
    /// Validated request, ready to answer.
    type Request;

    /// Checks the provider's key header against the configured key.
    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError>;

    /// Validates headers and body.
    fn parse(body: &Value, headers: &HeaderMap) -> Result<Self::Request, ApiError>;

    /// The success answer; streaming answers break after the first content event
    /// when `midstream_reset` is set.
    fn answer(request: Self::Request, state: &AppState, midstream_reset: bool) -> Response;

    /// The provider-shaped error response (status, body, id headers).
    fn error(error: &ApiError, state: &AppState) -> Response;

    // Providers that put request facts in the URL (Gemini: the model, the
    // method, maybe the key) override these; the defaults ignore the URL.

    /// The fault asked for: the `x-mock-fault` header, else the body's `model`.
    fn fault(_uri: &Uri, headers: &HeaderMap, body: Option<&Value>) -> Fault {
        Fault::from_request(headers, body)
    }

    /// The key check, with the URL and the whole state at hand.
    fn authorize_request(
        _uri: &Uri,
        headers: &HeaderMap,
        state: &AppState,
    ) -> Result<(), ApiError> {
        Self::authorize(headers, state.config())
    }

    /// The key check with the raw body at hand too (Bedrock's SigV4 signs
    /// the body); the default ignores the body.
    fn authorize_body(
        uri: &Uri,
        headers: &HeaderMap,
        _body: &[u8],
        state: &AppState,
    ) -> Result<(), ApiError> {
        Self::authorize_request(uri, headers, state)
    }

    /// Validation, with the URL at hand.
    fn parse_request(
        _uri: &Uri,
        body: &Value,
        headers: &HeaderMap,
    ) -> Result<Self::Request, ApiError> {
        Self::parse(body, headers)
    }
}

/// Axum handler for a provider endpoint.
pub(crate) async fn handle<P: Provider>(
    State(state): State<AppState>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let conn = parts.extensions.get::<ConnHandle>().cloned();
    let method = parts.method;
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
    let headers = parts.headers;

    let raw = to_bytes(body, BODY_LIMIT).await.unwrap_or_default();
    let json: Option<Value> = serde_json::from_slice(&raw).ok();
    let mut fault = P::fault(&parts.uri, &headers, json.as_ref());
    if fault.is_none() {
        if let Some(global) = state.global_fault() {
            fault = Fault::parse(&global);
        }
    }
    let label = fault.label();
    state.recorder().push(Recorded::new(
        method.as_str(),
        &path,
        &headers,
        json.as_ref(),
        label.clone(),
    ));
    let label = label.as_deref().unwrap_or("-");

    if let Some(delay) = fault.delay() {
        tokio::time::sleep(delay).await;
    }
    if fault.kind == Some(FaultKind::Reset) {
        if let Some(conn) = conn {
            info!(%method, %path, status = "reset", fault = label, "request");
            conn.reset();
            // The connection task drops this future along with the connection.
            return std::future::pending().await;
        }
    }

    if let Some(FaultKind::Gateway(status)) = fault.kind {
        info!(%method, %path, status, fault = label, "request");
        return gateway_page(status);
    }

    let response = respond::<P>(
        &state,
        &parts.uri,
        &headers,
        (&raw, json),
        fault,
        conn.is_some(),
    );
    info!(%method, %path, status = response.status().as_u16(), fault = label, "request");
    response
}

/// What a provider's edge proxy answers when its API is unreachable: an HTML
/// page, not the API's JSON error.
fn gateway_page(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = code.canonical_reason().unwrap_or("Error");
    let page = format!(
        "<html><head><title>{status} {reason}</title></head><body><center><h1>{status} {reason}</h1></center></body></html>\n"
    );
    let mut response = Response::new(axum::body::Body::from(page));
    *response.status_mut() = code;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}

fn respond<P: Provider>(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    (raw, json): (&[u8], Option<Value>),
    fault: Fault,
    has_conn: bool,
) -> Response {
    let result = P::authorize_body(uri, headers, raw, state)
        .and_then(|()| {
            json.ok_or_else(|| ApiError::invalid(None, "The request body is not valid JSON."))
        })
        .and_then(|body| match fault.kind {
            Some(FaultKind::Status(status)) => Err(ApiError::injected(status)),
            Some(FaultKind::Reset) if !has_conn => Err(ApiError::new(
                ErrorKind::Server,
                "fault-reset needs the connection handling of mockllm::serve.",
            )),
            _ => P::parse_request(uri, &body, headers),
        });
    match result {
        Ok(request) => P::answer(
            request,
            state,
            fault.kind == Some(FaultKind::MidstreamReset),
        ),
        Err(error) => {
            let mut response = P::error(&error, state);
            if error.kind == ErrorKind::RateLimit {
                let secs = fault.retry_after_s.unwrap_or(1).to_string();
                if let Ok(value) = HeaderValue::from_str(&secs) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
            }
            response
        }
    }
}

/// A JSON response with the given status and one id header.
pub(crate) fn json_response(
    status: StatusCode,
    body: &Value,
    id_header: &'static str,
    id: &str,
) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Ok(value) = HeaderValue::from_str(id) {
        headers.insert(id_header, value);
    }
    response
}
