//! Google Gemini: `POST /v1beta/models/{model}:generateContent` and
//! `…:streamGenerateContent` (`?alt=sse`: SSE events framed `data: {…}\r\n\r\n`
//! with no `[DONE]`; without it, a JSON array of the same responses), and the
//! embedding methods `:batchEmbedContents` / `:embedContent` ([`embed`]).
//!
//! The model and the method are in the path (the route is a wildcard split on
//! the last `:`); other methods get Gemini's 404. The key is `x-goog-api-key`
//! or `?key=`; as the real API does, a *missing* key is 403
//! `PERMISSION_DENIED` and a *wrong* one 400 `INVALID_ARGUMENT` with
//! `ErrorInfo.reason: API_KEY_INVALID` (Gemini does not use 401). With no
//! `--gemini-key`, any non-empty key is accepted. Faults come from the
//! `x-mock-fault` header or the model in the path.
//!
//! Errors are `{"error":{"code","message","status"}}`: 400 `INVALID_ARGUMENT`,
//! 429 `RESOURCE_EXHAUSTED`, 500 `INTERNAL`, 503 `UNAVAILABLE` (also for
//! `fault-529`: Gemini has no 529). Request checks are in [`request`],
//! success bodies in [`render`].

mod embed;
mod render;
mod request;
#[cfg(test)]
mod tests;
mod tools;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use crate::dispatch::{self, json_response, ApiError, ErrorKind, Provider};
use crate::faults::{Fault, FAULT_HEADER};
use crate::state::{AppState, Config};

pub(crate) use request::GenerateRequest;

/// Header carrying the `responseId` of each answer (mock-specific; lets
/// tests correlate an answer with its recording).
const RESPONSE_ID_HEADER: &str = "x-mock-response-id";

/// The error for a request without any key.
const MISSING_KEY: &str = "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";

/// The error for a wrong key.
const INVALID_KEY: &str = "API key not valid. Please pass a valid API key.";

/// Marker type selecting the Gemini behaviour in the shared pipeline.
pub(crate) struct Gemini;

/// How the answer is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Generate,
    /// `streamGenerateContent?alt=sse`
    StreamSse,
    /// `streamGenerateContent` without `alt=sse`: a JSON array.
    StreamJson,
}

/// What the URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Call {
    pub model: String,
    pub method: Method,
}

impl Call {
    /// `/v1beta/models/<model>:<method>`; `None` for any other path or method.
    pub(crate) fn from_uri(uri: &Uri) -> Option<Self> {
        let rest = uri.path().strip_prefix("/v1beta/models/")?;
        let (model, method) = rest.rsplit_once(':')?;
        let model = percent_decode(model);
        if model.is_empty() || model.contains('/') {
            return None;
        }
        let sse = query_param(uri, "alt").as_deref() == Some("sse");
        let method = match method {
            "generateContent" => Method::Generate,
            "streamGenerateContent" if sse => Method::StreamSse,
            "streamGenerateContent" => Method::StreamJson,
            _ => return None,
        };
        Some(Self { model, method })
    }
}

/// `%XX` sequences decoded (invalid ones kept as they are), lossily as UTF-8.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The first value of a query parameter, percent-decoded.
fn query_param(uri: &Uri, name: &str) -> Option<String> {
    uri.query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| percent_decode(&value.replace('+', " ")))
}

/// Axum handler: Gemini's methods go through the shared pipeline, any other
/// path under `/v1beta/models/` gets Gemini's 404.
pub(crate) async fn route(state: State<AppState>, request: Request) -> Response {
    if embed::EmbedCall::from_uri(request.uri()).is_some() {
        return dispatch::handle::<embed::GeminiEmbed>(state, request).await;
    }
    if Call::from_uri(request.uri()).is_none() {
        let body = json!({"error": {
            "code": 404,
            "message": format!("Method not found: {}", request.uri().path()),
            "status": "NOT_FOUND",
        }});
        return error_response(StatusCode::NOT_FOUND, &body);
    }
    dispatch::handle::<Gemini>(state, request).await
}

/// The key a request presents: the header, else `?key=`.
fn presented_key(uri: &Uri, headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-goog-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| query_param(uri, "key"))
        .filter(|k| !k.is_empty())
}

fn check_key(given: Option<&str>, expected: Option<&str>) -> Result<(), ApiError> {
    match (given, expected) {
        (None, _) => Err(ApiError::new(ErrorKind::Authentication, MISSING_KEY)),
        (Some(given), Some(key)) if given != key => {
            Err(ApiError::new(ErrorKind::Authentication, INVALID_KEY))
        }
        _ => Ok(()),
    }
}

impl Provider for Gemini {
    type Request = GenerateRequest;

    /// Without the URL and state only the header's presence can be checked;
    /// the pipeline calls [`Provider::authorize_request`] instead.
    fn authorize(headers: &HeaderMap, _config: &Config) -> Result<(), ApiError> {
        let given = headers.get("x-goog-api-key").and_then(|v| v.to_str().ok());
        check_key(given.filter(|k| !k.is_empty()), None)
    }

    /// Gemini names the model in the URL; the pipeline calls
    /// [`Provider::parse_request`] instead.
    fn parse(_body: &Value, _headers: &HeaderMap) -> Result<GenerateRequest, ApiError> {
        Err(ApiError::invalid(
            None,
            "The model must be named in the URL.",
        ))
    }

    fn answer(request: GenerateRequest, state: &AppState, midstream_reset: bool) -> Response {
        let response_id = state.ids().next("resp_");
        render::answer(&request, &response_id, midstream_reset)
    }

    fn error(error: &ApiError, _state: &AppState) -> Response {
        let (status, body) = error_body(error);
        error_response(status, &body)
    }

    fn fault(uri: &Uri, headers: &HeaderMap, body: Option<&Value>) -> Fault {
        if headers.contains_key(FAULT_HEADER) {
            return Fault::from_request(headers, body);
        }
        Call::from_uri(uri)
            .map(|call| Fault::parse(&call.model))
            .unwrap_or_default()
    }

    fn authorize_request(uri: &Uri, headers: &HeaderMap, state: &AppState) -> Result<(), ApiError> {
        check_key(presented_key(uri, headers).as_deref(), state.gemini_key())
    }

    fn parse_request(
        uri: &Uri,
        body: &Value,
        headers: &HeaderMap,
    ) -> Result<GenerateRequest, ApiError> {
        let call = Call::from_uri(uri).ok_or_else(|| ApiError::invalid(None, "Unknown method."))?;
        request::parse(call, body, headers)
    }
}

/// A JSON error answer (errors carry no response id).
fn error_response(status: StatusCode, body: &Value) -> Response {
    let mut response = json_response(status, body, RESPONSE_ID_HEADER, "");
    response.headers_mut().remove(RESPONSE_ID_HEADER);
    response
}

/// Google's error envelope for an error class.
fn error_body(error: &ApiError) -> (StatusCode, Value) {
    let (status, name) = match error.kind {
        ErrorKind::InvalidRequest => (StatusCode::BAD_REQUEST, "INVALID_ARGUMENT"),
        ErrorKind::Authentication if error.message == MISSING_KEY => {
            (StatusCode::FORBIDDEN, "PERMISSION_DENIED")
        }
        ErrorKind::Authentication => (StatusCode::BAD_REQUEST, "INVALID_ARGUMENT"),
        ErrorKind::RateLimit => (StatusCode::TOO_MANY_REQUESTS, "RESOURCE_EXHAUSTED"),
        ErrorKind::Server => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL"),
        ErrorKind::Unavailable | ErrorKind::Overloaded => {
            (StatusCode::SERVICE_UNAVAILABLE, "UNAVAILABLE")
        }
    };
    let mut detail = json!({
        "code": status.as_u16(),
        "message": error.message,
        "status": name,
    });
    if error.kind == ErrorKind::Authentication && error.message == INVALID_KEY {
        render::set(
            &mut detail,
            "details",
            json!([{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": "generativelanguage.googleapis.com"},
            }]),
        );
    }
    (status, json!({ "error": detail }))
}
