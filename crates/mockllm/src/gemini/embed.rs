//! Gemini embeddings: `POST /v1beta/models/{model}:batchEmbedContents` and
//! `…:embedContent`, in the shapes of `generative_service.proto`
//! (`BatchEmbedContentsRequest{requests[]}` → `{"embeddings":[{"values"}]}`,
//! `EmbedContentRequest` → `{"embedding":{"values"}}`; no token counts, as in
//! the published response messages). Same key check, faults and error
//! envelope as `generateContent`; every request is recorded by the pipeline.
//!
//! Checks, as strict as the real API where a translator is likely to go wrong:
//! unknown field names are refused (`Unknown name "…"`); a batch holds 1 to
//! 100 requests ("at most 100 requests can be in one batch"), each with a
//! `model` equal to `models/{model of the URL}`; `content.parts` is a
//! non-empty list of text parts; `taskType` is a `TaskType` name;
//! `outputDimensionality` a positive integer (also accepted inside
//! `embedContentConfig`).
//!
//! Vectors are a pure function of the text, so a test can recompute them:
//! the state starts at the FNV-1a 64-bit hash of the text's UTF-8 bytes (1 if
//! that is 0); for each value it steps xorshift64 (`x ^= x << 13; x ^= x >> 7;
//! x ^= x << 17`) and the value is `((x >> 56) - 128) / 128` (exact in `f32`).
//! The full vector has [`DEFAULT_DIMENSIONS`] values (as `gemini-embedding-001`);
//! `outputDimensionality` keeps the first N.

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::request::{check_known, get, invalid, object};
use super::{check_key, percent_decode, presented_key, Gemini, RESPONSE_ID_HEADER};
use crate::dispatch::{json_response, ApiError, Provider};
use crate::faults::{Fault, FAULT_HEADER};
use crate::state::{AppState, Config};

/// Length of a vector without `outputDimensionality`.
pub(crate) const DEFAULT_DIMENSIONS: usize = 3072;

/// Gemini's limit on one `batchEmbedContents` call.
const MAX_BATCH: usize = 100;

const TASK_TYPES: [&str; 9] = [
    "TASK_TYPE_UNSPECIFIED",
    "RETRIEVAL_QUERY",
    "RETRIEVAL_DOCUMENT",
    "SEMANTIC_SIMILARITY",
    "CLASSIFICATION",
    "CLUSTERING",
    "QUESTION_ANSWERING",
    "FACT_VERIFICATION",
    "CODE_RETRIEVAL_QUERY",
];

const EMBED_REQUEST: [&str; 6] = [
    "model",
    "content",
    "taskType",
    "title",
    "outputDimensionality",
    "embedContentConfig",
];

const EMBED_CONFIG: [&str; 4] = ["taskType", "title", "outputDimensionality", "autoTruncate"];

/// Marker type selecting the Gemini embeddings behaviour in the pipeline.
pub(crate) struct GeminiEmbed;

/// What the URL asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EmbedCall {
    pub model: String,
    /// `batchEmbedContents` (else `embedContent`).
    pub batch: bool,
}

impl EmbedCall {
    /// `/v1beta/models/<model>:(batchEmbedContents|embedContent)`.
    pub(crate) fn from_uri(uri: &Uri) -> Option<Self> {
        let rest = uri.path().strip_prefix("/v1beta/models/")?;
        let (model, method) = rest.rsplit_once(':')?;
        let batch = match method {
            "batchEmbedContents" => true,
            "embedContent" => false,
            _ => return None,
        };
        let model = percent_decode(model);
        if model.is_empty() || model.contains('/') {
            return None;
        }
        Some(Self { model, batch })
    }
}

/// A validated request: one (text, dimensions) per embedding to return.
#[derive(Debug)]
pub(crate) struct EmbedRequest {
    batch: bool,
    items: Vec<(String, usize)>,
}

/// The deterministic vector of `text` (module doc).
pub(crate) fn vector(text: &str, dimensions: usize) -> Vec<f64> {
    let mut state: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        state = (state ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    if state == 0 {
        state = 1;
    }
    (0..dimensions)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            ((state >> 56) as f64 - 128.0) / 128.0
        })
        .collect()
}

/// Checks one `EmbedContentRequest`; `at` names it in errors.
fn check_request(value: &Value, model: &str, at: &str) -> Result<(String, usize), ApiError> {
    let request = object(value, at)?;
    check_known(request, &EMBED_REQUEST, at)?;
    let expected = format!("models/{model}");
    match request.get("model") {
        Some(Value::String(m)) if *m == expected => {}
        None if at.is_empty() => {}
        _ => {
            return Err(invalid(format!(
                "* {at}.model: the model must be {expected}, the model of the URL."
            )))
        }
    }
    let text = content_text(request.get("content"), at)?;
    let mut dimensions = DEFAULT_DIMENSIONS;
    let mut settings = vec![request];
    if let Some(config) = get(request, "embedContentConfig") {
        let config_at = format!("{at}.embed_content_config");
        let config = object(config, &config_at)?;
        check_known(config, &EMBED_CONFIG, &config_at)?;
        settings.push(config);
    }
    for holder in settings {
        if let Some(task) = get(holder, "taskType") {
            if !task.as_str().is_some_and(|t| TASK_TYPES.contains(&t)) {
                return Err(invalid(format!("Invalid value at '{at}.task_type'.")));
            }
        }
        if let Some(n) = get(holder, "outputDimensionality") {
            dimensions = n
                .as_u64()
                .filter(|&n| n >= 1)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| {
                    invalid(format!(
                        "* {at}.output_dimensionality: must be a positive integer."
                    ))
                })?;
        }
    }
    Ok((text, dimensions))
}

/// The text of `content.parts` (text parts only, at least one).
fn content_text(content: Option<&Value>, at: &str) -> Result<String, ApiError> {
    let missing = || invalid(format!("* {at}.content: content is not specified"));
    let content: &Map<String, Value> = object(content.ok_or_else(missing)?, at)?;
    let parts = match content.get("parts") {
        Some(Value::Array(parts)) if !parts.is_empty() => parts,
        _ => return Err(missing()),
    };
    let mut texts = Vec::with_capacity(parts.len());
    for part in parts {
        match part.get("text") {
            Some(Value::String(text)) if part.as_object().is_some_and(|p| p.len() == 1) => {
                texts.push(text.as_str());
            }
            _ => {
                return Err(invalid(format!(
                    "* {at}.content.parts: only text parts can be embedded by this model."
                )))
            }
        }
    }
    Ok(texts.join(" "))
}

pub(crate) fn parse(call: &EmbedCall, body: &Value) -> Result<EmbedRequest, ApiError> {
    if !call.batch {
        let item = check_request(body, &call.model, "")?;
        return Ok(EmbedRequest {
            batch: false,
            items: vec![item],
        });
    }
    let top = object(body, "")?;
    check_known(top, &["requests"], "")?;
    let requests = match top.get("requests") {
        Some(Value::Array(list)) if !list.is_empty() => list,
        _ => {
            return Err(invalid(
                "* BatchEmbedContentsRequest.requests: requests is not specified",
            ))
        }
    };
    if requests.len() > MAX_BATCH {
        return Err(invalid(
            "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch",
        ));
    }
    let items = requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            check_request(
                r,
                &call.model,
                &format!("BatchEmbedContentsRequest.requests[{i}]"),
            )
        })
        .collect::<Result<_, _>>()?;
    Ok(EmbedRequest { batch: true, items })
}

impl Provider for GeminiEmbed {
    type Request = EmbedRequest;

    fn authorize(headers: &HeaderMap, config: &Config) -> Result<(), ApiError> {
        Gemini::authorize(headers, config)
    }

    fn parse(_body: &Value, _headers: &HeaderMap) -> Result<EmbedRequest, ApiError> {
        Err(ApiError::invalid(
            None,
            "The model must be named in the URL.",
        ))
    }

    fn answer(request: EmbedRequest, state: &AppState, _midstream_reset: bool) -> Response {
        let embedding =
            |(text, dimensions): &(String, usize)| json!({"values": vector(text, *dimensions)});
        let body = if request.batch {
            json!({"embeddings": request.items.iter().map(embedding).collect::<Vec<_>>()})
        } else {
            json!({"embedding": request.items.first().map(embedding)})
        };
        let id = state.ids().next("embed_");
        json_response(StatusCode::OK, &body, RESPONSE_ID_HEADER, &id)
    }

    fn error(error: &ApiError, state: &AppState) -> Response {
        Gemini::error(error, state)
    }

    fn fault(uri: &Uri, headers: &HeaderMap, body: Option<&Value>) -> Fault {
        if headers.contains_key(FAULT_HEADER) {
            return Fault::from_request(headers, body);
        }
        EmbedCall::from_uri(uri)
            .map(|call| Fault::parse(&call.model))
            .unwrap_or_default()
    }

    fn authorize_request(uri: &Uri, headers: &HeaderMap, state: &AppState) -> Result<(), ApiError> {
        check_key(presented_key(uri, headers).as_deref(), state.gemini_key())
    }

    fn parse_request(
        uri: &Uri,
        body: &Value,
        _headers: &HeaderMap,
    ) -> Result<EmbedRequest, ApiError> {
        let call =
            EmbedCall::from_uri(uri).ok_or_else(|| ApiError::invalid(None, "Unknown method."))?;
        parse(&call, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(batch: bool) -> EmbedCall {
        EmbedCall {
            model: "gemini-embedding-001".to_owned(),
            batch,
        }
    }

    fn item(text: &str) -> Value {
        json!({"model": "models/gemini-embedding-001", "content": {"parts": [{"text": text}]}})
    }

    fn rejected(batch: bool, body: &Value) -> String {
        parse(&call(batch), body).unwrap_err().message
    }

    #[test]
    fn calls_from_paths() {
        let uri = |t: &str| t.parse::<Uri>().unwrap();
        let batch = EmbedCall::from_uri(&uri(
            "/v1beta/models/gemini-embedding-001:batchEmbedContents",
        ));
        assert_eq!(batch, Some(call(true)));
        let single = EmbedCall::from_uri(&uri("/v1beta/models/a%3Ab:embedContent?key=k")).unwrap();
        assert_eq!((single.model.as_str(), single.batch), ("a:b", false));
        for bad in [
            "/v1beta/models/m:generateContent",
            "/v1beta/models/:embedContent",
            "/v1beta/models/a/b:embedContent",
            "/v1/models/m:embedContent",
        ] {
            assert_eq!(EmbedCall::from_uri(&uri(bad)), None, "{bad}");
        }
    }

    #[test]
    fn vectors_are_deterministic_exact_and_truncatable() {
        let full = vector("hello", DEFAULT_DIMENSIONS);
        assert_eq!(full.len(), 3072);
        assert_eq!(full, vector("hello", DEFAULT_DIMENSIONS));
        assert_ne!(full, vector("hellp", DEFAULT_DIMENSIONS));
        assert_eq!(vector("hello", 8), full[..8]);
        assert!(full
            .iter()
            .all(|v| (-1.0..1.0).contains(v) && f64::from(*v as f32) == *v));
    }

    #[test]
    fn batches_are_checked() {
        let request = parse(
            &call(true),
            &json!({"requests": [item("a b"), {
                "model": "models/gemini-embedding-001",
                "content": {"parts": [{"text": "c"}]},
                "taskType": "RETRIEVAL_QUERY", "outputDimensionality": 4
            }]}),
        )
        .unwrap();
        assert_eq!(
            request.items,
            [("a b".to_owned(), DEFAULT_DIMENSIONS), ("c".to_owned(), 4)]
        );
        let configured = parse(
            &call(true),
            &json!({"requests": [{
                "model": "models/gemini-embedding-001",
                "content": {"parts": [{"text": "c"}]},
                "embedContentConfig": {"outputDimensionality": 16}
            }]}),
        )
        .unwrap();
        assert_eq!(configured.items[0].1, 16);

        assert!(rejected(true, &json!({"requests": []})).contains("not specified"));
        let many: Vec<Value> = (0..101).map(|i| item(&i.to_string())).collect();
        assert!(rejected(true, &json!({"requests": many})).contains("at most 100"));
        assert!(rejected(true, &json!({"requests": [item("a")], "x": 1})).contains("Unknown name"));
        let mut wrong_model = item("a");
        wrong_model["model"] = json!("gemini-embedding-001");
        assert!(rejected(true, &json!({"requests": [wrong_model]})).contains("model"));
        let mut no_model = item("a");
        no_model.as_object_mut().unwrap().remove("model");
        assert!(rejected(true, &json!({"requests": [no_model]})).contains("model"));
        for bad in [
            json!({"parts": []}),
            json!({"parts": [{"inlineData": {}}]}),
            json!("text"),
        ] {
            let mut r = item("a");
            r["content"] = bad;
            assert_eq!(
                parse(&call(true), &json!({"requests": [r]}))
                    .unwrap_err()
                    .kind,
                crate::dispatch::ErrorKind::InvalidRequest
            );
        }
        let mut bad_task = item("a");
        bad_task["taskType"] = json!("SEARCH");
        assert!(rejected(true, &json!({"requests": [bad_task]})).contains("task_type"));
        let mut bad_dims = item("a");
        bad_dims["outputDimensionality"] = json!(0);
        assert!(rejected(true, &json!({"requests": [bad_dims]})).contains("output_dimensionality"));
    }

    #[test]
    fn single_requests_may_omit_the_model() {
        let request = parse(
            &call(false),
            &json!({"content": {"parts": [{"text": "x"}]}}),
        )
        .unwrap();
        assert!(!request.batch);
        assert_eq!(request.items.len(), 1);
        assert!(rejected(false, &json!({"requests": [item("a")]})).contains("Unknown name"));
    }
}
