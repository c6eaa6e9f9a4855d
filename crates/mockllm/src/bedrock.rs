//! AWS Bedrock: `POST /model/{modelId}/converse` and
//! `/model/{modelId}/converse-stream`.
//!
//! The model id arrives percent-encoded once as one path segment (`a%3Ab`,
//! ARNs with `%2F`) and is decoded. Authentication, as Bedrock does it:
//! - SigV4: with `--bedrock-access-key-id` and `--bedrock-secret-access-key`
//!   set, the signature is recomputed from the received request ([`sigv4`],
//!   independent of Switchboard's signer: the path segments encoded a second
//!   time, the signed headers as listed, the body hashed) and a mismatch is
//!   403 `InvalidSignatureException`; an unknown key id is 403
//!   `UnrecognizedClientException`;
//! - API keys: `Authorization: Bearer <--bedrock-api-key>`;
//! - no `authorization` at all is 403 `MissingAuthenticationTokenException`;
//!   with no Bedrock credentials configured any `authorization` is accepted.
//!
//! Requests are validated like Bedrock ([`validate`]). Answers are the
//! deterministic mock reply ([`crate::plan`]), streamed as real event-stream
//! frames ([`render`]). Errors are `{"message":…}` with the exception name
//! in `x-amzn-ErrorType`: 400 `ValidationException`, 403 (above), 429
//! `ThrottlingException`, 500 `InternalServerException`, 503
//! `ServiceUnavailableException` (also for `fault-529`: Bedrock has no 529).
//! Faults come from `x-mock-fault` or the model id, with one more token:
//! `midstream-exception` sends an exception frame
//! (`modelStreamErrorException`) after the first content frame.

mod reasoning;
mod render;
mod sigv4;
#[cfg(test)]
mod tests;
mod validate;

use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use crate::dispatch::{json_response, ApiError, ErrorKind, Provider};
use crate::faults::{Fault, FAULT_HEADER};
use crate::plan::{Plan, Scenario};
use crate::state::{AppState, Config};

pub(crate) const REQUEST_ID_HEADER: &str = "x-amzn-requestid";
const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";
/// The fault token that ends a stream with an exception frame.
const MIDSTREAM_EXCEPTION: &str = "midstream-exception";

/// Credentials the Bedrock endpoint checks (see the module doc).
#[derive(Debug, Clone, Default)]
pub struct BedrockAuth {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub api_key: Option<String>,
}

/// Marker type selecting the Bedrock behaviour in the shared pipeline.
pub(crate) struct Bedrock;

/// A validated Converse request.
#[derive(Debug)]
pub(crate) struct ConverseRequest {
    stream: bool,
    plan: Plan,
    /// The `midstream-exception` token was given.
    midstream_exception: bool,
}

/// `(model id, streaming)` of `/model/{modelId}/converse[-stream]`.
fn call(uri: &Uri) -> Option<(String, bool)> {
    let rest = uri.path().strip_prefix("/model/")?;
    let (model, operation) = rest.split_once('/')?;
    let stream = match operation {
        "converse" => false,
        "converse-stream" => true,
        _ => return None,
    };
    let model = percent_decode(model);
    (!model.is_empty()).then_some((model, stream))
}

/// `%XX` decoded (invalid sequences kept), lossily as UTF-8.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let decoded = (b == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match decoded {
            Some(d) => {
                out.push(d);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The fault text: the `x-mock-fault` header, else the model id.
fn fault_text(uri: &Uri, headers: &HeaderMap) -> String {
    match headers.get(FAULT_HEADER) {
        Some(value) => String::from_utf8_lossy(value.as_bytes()).into_owned(),
        None => call(uri).map(|(model, _)| model).unwrap_or_default(),
    }
}

fn auth_error(exception: &str, message: &str) -> ApiError {
    ApiError {
        kind: ErrorKind::Authentication,
        message: message.to_owned(),
        // Bedrock has no `param`; it carries the exception name here.
        param: Some(exception.to_owned()),
    }
}

fn check_auth(
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    auth: &BedrockAuth,
) -> Result<(), ApiError> {
    let given = headers.get("authorization").and_then(|v| v.to_str().ok());
    let keys = auth
        .access_key_id
        .as_deref()
        .zip(auth.secret_access_key.as_deref());
    let open = keys.is_none() && auth.api_key.is_none();
    let unknown = || {
        auth_error(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    };
    match given {
        None => Err(auth_error(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )),
        Some(_) if open => Ok(()),
        Some(value) if value.starts_with("Bearer ") => {
            let key = value.trim_start_matches("Bearer ").trim();
            match &auth.api_key {
                Some(expected) if expected == key => Ok(()),
                _ => Err(auth_error(
                    "UnrecognizedClientException",
                    "Authentication failed: Please make sure your API Key is valid.",
                )),
            }
        }
        Some(value) if value.starts_with("AWS4-HMAC-SHA256") => {
            let (id, secret) = keys.ok_or_else(unknown)?;
            sigv4::verify(value, uri, headers, body, id, secret).map_err(|r| match r {
                sigv4::Refusal::UnknownKey => unknown(),
                sigv4::Refusal::Incomplete(m) => auth_error("IncompleteSignatureException", &m),
                sigv4::Refusal::Invalid(m) => auth_error("InvalidSignatureException", &m),
            })
        }
        Some(_) => Err(auth_error(
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.",
        )),
    }
}

impl Provider for Bedrock {
    type Request = ConverseRequest;

    /// Unused: Bedrock authenticates in `authorize_body` (SigV4 needs the body).
    fn authorize(_headers: &HeaderMap, _config: &Config) -> Result<(), ApiError> {
        Ok(())
    }

    /// Unused: the model id is in the URL, see `parse_request`.
    fn parse(_body: &Value, _headers: &HeaderMap) -> Result<ConverseRequest, ApiError> {
        Err(validate::invalid("The model id is missing from the path."))
    }

    fn answer(request: ConverseRequest, state: &AppState, midstream_reset: bool) -> Response {
        let tool_use_id = state.ids().next("tooluse_");
        let request_id = state.ids().next("req-");
        if request.stream {
            let fault = if midstream_reset {
                Some(render::Break::Reset)
            } else if request.midstream_exception {
                Some(render::Break::Exception)
            } else {
                None
            };
            render::stream(&request, &tool_use_id, &request_id, fault)
        } else {
            render::message(&request, &tool_use_id, &request_id)
        }
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        let (status, exception) = match error.kind {
            ErrorKind::InvalidRequest => (StatusCode::BAD_REQUEST, "ValidationException"),
            ErrorKind::Authentication => (
                StatusCode::FORBIDDEN,
                error.param.as_deref().unwrap_or("AccessDeniedException"),
            ),
            ErrorKind::RateLimit => (StatusCode::TOO_MANY_REQUESTS, "ThrottlingException"),
            ErrorKind::Server => (StatusCode::INTERNAL_SERVER_ERROR, "InternalServerException"),
            ErrorKind::Unavailable | ErrorKind::Overloaded => (
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailableException",
            ),
        };
        let request_id = state.ids().next("req-");
        let mut response = json_response(
            status,
            &json!({"message": error.message}),
            REQUEST_ID_HEADER,
            &request_id,
        );
        if let Ok(value) = HeaderValue::from_str(exception) {
            response.headers_mut().insert(ERROR_TYPE_HEADER, value);
        }
        response
    }

    fn fault(uri: &Uri, headers: &HeaderMap, _body: Option<&Value>) -> Fault {
        Fault::parse(&fault_text(uri, headers))
    }

    fn authorize_body(
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
        state: &AppState,
    ) -> Result<(), ApiError> {
        check_auth(uri, headers, body, state.bedrock_auth())
    }

    fn parse_request(
        uri: &Uri,
        body: &Value,
        headers: &HeaderMap,
    ) -> Result<ConverseRequest, ApiError> {
        let (model, stream) =
            call(uri).ok_or_else(|| validate::invalid("The model id is missing from the path."))?;
        let checked = validate::check(body)?;
        let scenario = Scenario::from_request(headers, &model);
        Ok(ConverseRequest {
            stream,
            plan: Plan::new(
                "bedrock",
                &model,
                checked.max_tokens,
                checked.tool,
                checked.input_tokens,
            )
            .with_stop(&checked.stops)
            .with_reasoning(checked.thinking)
            .with_scenario(scenario, &checked.declared),
            midstream_exception: fault_text(uri, headers).contains(MIDSTREAM_EXCEPTION),
        })
    }
}
