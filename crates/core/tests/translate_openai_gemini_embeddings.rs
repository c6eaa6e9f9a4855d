//! Golden tests for OpenAI embeddings → Gemini `batchEmbedContents`:
//! the request body and path, the parameter policy (token arrays, dimensions,
//! encoding format, unknown fields, the batch limit), the answer as floats
//! and as base64, where the token count comes from, and errors.

// Test code: a failed unwrap or index *is* the assertion.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use switchboard_core::estimate::estimate_tokens;
use switchboard_core::translate::openai_gemini::embeddings::MAX_INPUTS;
use switchboard_core::translate::{
    translate_embeddings_request, translate_embeddings_response, translate_error,
    EmbeddingsContext, ProviderSchema, TargetModel, UpstreamRequest,
};

const GEMINI: ProviderSchema = ProviderSchema::Gemini;
const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "gemini-embedding-001",
    default_max_tokens: 0,
};

fn request(body: Value) -> (UpstreamRequest, EmbeddingsContext, Value) {
    let (upstream, context) =
        translate_embeddings_request(GEMINI, body.to_string().as_bytes(), &TARGET).unwrap();
    let sent: Value = serde_json::from_slice(&upstream.body).unwrap();
    (upstream, context, sent)
}

/// `(status, code, param)` of a refused request.
fn refused(body: &str) -> (u16, String, Option<String>) {
    let e = translate_embeddings_request(GEMINI, body.as_bytes(), &TARGET).unwrap_err();
    (e.status, e.code, e.param)
}

fn answer(body: Value, context: &EmbeddingsContext) -> Value {
    let out =
        translate_embeddings_response(GEMINI, body.to_string().as_bytes(), "gemini-embed", context)
            .unwrap()
            .unwrap();
    serde_json::from_slice(&out).unwrap()
}

fn context(inputs: usize, base64: bool) -> EmbeddingsContext {
    EmbeddingsContext {
        base64,
        inputs,
        estimated_prompt_tokens: 7,
    }
}

#[test]
fn a_single_text_becomes_a_batch_of_one() {
    let (upstream, context, sent) = request(json!({
        "model": "my-embedder", "input": "The food was delicious", "user": "u-1"
    }));
    assert_eq!(
        upstream.path_suffix,
        "/models/gemini-embedding-001:batchEmbedContents"
    );
    assert!(!upstream.stream && !upstream.client_wants_usage);
    assert_eq!(
        sent,
        json!({"requests": [{
            "model": "models/gemini-embedding-001",
            "content": {"parts": [{"text": "The food was delicious"}]}
        }]})
    );
    assert_eq!(
        context,
        EmbeddingsContext {
            base64: false,
            inputs: 1,
            estimated_prompt_tokens: u64::from(estimate_tokens("The food was delicious")),
        }
    );
    assert!(context.estimated_prompt_tokens > 0);
}

#[test]
fn a_batch_keeps_order_and_dimensions() {
    let (_, context, sent) = request(json!({
        "model": "m", "input": ["one", "two \"quoted\" é", ""], "dimensions": 256,
        "encoding_format": "base64"
    }));
    let requests = sent["requests"].as_array().unwrap();
    let texts: Vec<&str> = requests
        .iter()
        .map(|r| r["content"]["parts"][0]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["one", "two \"quoted\" é", ""]);
    for r in requests {
        assert_eq!(r["outputDimensionality"], 256);
        assert_eq!(r["model"], "models/gemini-embedding-001");
        assert!(r.get("taskType").is_none() && r.get("title").is_none());
    }
    assert!(context.base64);
    assert_eq!(context.inputs, 3);
    let expected: u64 = ["one", "two \"quoted\" é"]
        .iter()
        .map(|t| u64::from(estimate_tokens(t)))
        .sum();
    assert_eq!(context.estimated_prompt_tokens, expected);
}

#[test]
fn the_model_is_one_escaped_segment_and_never_prefixed_twice() {
    let target = TargetModel {
        upstream_model: "models/tuned:v1",
        default_max_tokens: 0,
    };
    let (upstream, _) =
        translate_embeddings_request(GEMINI, br#"{"model":"m","input":"x"}"#, &target).unwrap();
    assert_eq!(
        upstream.path_suffix,
        "/models/tuned%3Av1:batchEmbedContents"
    );
    let sent: Value = serde_json::from_slice(&upstream.body).unwrap();
    assert_eq!(sent["requests"][0]["model"], "models/tuned:v1");
}

#[test]
fn token_arrays_are_refused_naming_input() {
    for body in [
        r#"{"model":"m","input":[1,2,3]}"#,
        r#"{"model":"m","input":[[1,2],[3]]}"#,
        r#"{"model":"m","input":[-1]}"#,
    ] {
        assert_eq!(
            refused(body),
            (400, "unsupported_parameter".into(), Some("input".into())),
            "{body}"
        );
    }
}

#[test]
fn bad_inputs_are_named() {
    for body in [
        r#"{"model":"m"}"#,
        r#"{"model":"m","input":null}"#,
        r#"{"model":"m","input":3}"#,
        r#"{"model":"m","input":{}}"#,
        r#"{"model":"m","input":[]}"#,
        r#"{"model":"m","input":[null]}"#,
        r#"{"model":"m","input":[{"text":"x"}]}"#,
    ] {
        let (status, _, param) = refused(body);
        assert_eq!((status, param.as_deref()), (400, Some("input")), "{body}");
    }
}

#[test]
fn at_most_one_hundred_inputs() {
    let full: Vec<String> = (0..MAX_INPUTS).map(|i| format!("text {i}")).collect();
    let (_, context, sent) = request(json!({"model": "m", "input": full}));
    assert_eq!(context.inputs, 100);
    assert_eq!(sent["requests"].as_array().unwrap().len(), 100);
    let over: Vec<String> = (0..=MAX_INPUTS).map(|i| format!("text {i}")).collect();
    let body = json!({"model": "m", "input": over}).to_string();
    assert_eq!(
        refused(&body),
        (400, "invalid_request".into(), Some("input".into()))
    );
}

#[test]
fn dimensions_must_be_a_positive_integer() {
    let (_, _, sent) = request(json!({"model": "m", "input": "x", "dimensions": null}));
    assert!(sent["requests"][0].get("outputDimensionality").is_none());
    for bad in ["0", "-3", "1.5", "\"8\"", "[8]", "4294967296"] {
        let body = format!(r#"{{"model":"m","input":"x","dimensions":{bad}}}"#);
        let (status, _, param) = refused(&body);
        assert_eq!(
            (status, param.as_deref()),
            (400, Some("dimensions")),
            "{bad}"
        );
    }
}

#[test]
fn encoding_format_is_float_or_base64() {
    for (value, base64) in [("\"float\"", false), ("\"base64\"", true), ("null", false)] {
        let body = format!(r#"{{"model":"m","input":"x","encoding_format":{value}}}"#);
        let (_, context) = translate_embeddings_request(GEMINI, body.as_bytes(), &TARGET).unwrap();
        assert_eq!(context.base64, base64, "{value}");
    }
    for bad in ["\"int8\"", "\"Float\"", "1", "true"] {
        let body = format!(r#"{{"model":"m","input":"x","encoding_format":{bad}}}"#);
        let (status, _, param) = refused(&body);
        assert_eq!(
            (status, param.as_deref()),
            (400, Some("encoding_format")),
            "{bad}"
        );
    }
}

#[test]
fn unknown_parameters_are_refused_by_name() {
    assert_eq!(
        refused(r#"{"model":"m","input":"x","task_type":"RETRIEVAL_QUERY"}"#),
        (
            400,
            "unsupported_parameter".into(),
            Some("task_type".into())
        )
    );
    assert_eq!(refused("[]").1, "invalid_json");
    assert_eq!(refused("{\"input\":").1, "invalid_json");
    assert_eq!(refused("").0, 400);
}

#[test]
fn float_answers_are_numbers_in_order() {
    let out = answer(
        json!({"embeddings": [{"values": [0.5, -0.25, 0.1]}, {"values": [1, 0, 3.5e-3]}]}),
        &context(2, false),
    );
    assert_eq!(
        out,
        json!({
            "object": "list",
            "data": [
                {"object": "embedding", "index": 0, "embedding": [0.5, -0.25, 0.1]},
                {"object": "embedding", "index": 1, "embedding": [1.0, 0.0, 0.0035]}
            ],
            "model": "gemini-embed",
            "usage": {"prompt_tokens": 7, "total_tokens": 7}
        })
    );
}

#[test]
fn base64_answers_are_little_endian_f32() {
    let out = answer(
        json!({"embeddings": [{"values": [1.0, -2.0]}, {"values": [0.5, -0.25, 0.125]}]}),
        &context(2, true),
    );
    assert_eq!(out["data"][0]["embedding"], "AACAPwAAAMA=");
    assert_eq!(out["data"][1]["embedding"], "AAAAPwAAgL4AAAA+");
    assert_eq!(out["data"][1]["index"], 1);
}

#[test]
fn a_reported_token_count_wins_over_the_estimate() {
    let reported = answer(
        json!({"embeddings": [{"values": [0.5]}], "usageMetadata": {"promptTokenCount": 12}}),
        &context(1, false),
    );
    assert_eq!(
        reported["usage"],
        json!({"prompt_tokens": 12, "total_tokens": 12})
    );
    // An unreadable count does not cost the vectors: the estimate is used.
    let odd = answer(
        json!({"embeddings": [{"values": [0.5]}], "usageMetadata": {"promptTokenCount": "12"}}),
        &context(1, false),
    );
    assert_eq!(odd["usage"]["prompt_tokens"], 7);
    assert_eq!(odd["data"][0]["embedding"], json!([0.5]));
}

#[test]
fn unusable_answers_are_502() {
    let ctx = context(2, false);
    for body in [
        &br#"{"embeddings":[{"values":[0.5]}]}"#[..],
        br#"{"embeddings":[{"values":[0.5]},{"values":[]}]}"#,
        br#"{"embeddings":[{"values":[0.5]},{}]}"#,
        br#"{"embeddings":[{"values":[0.5]},{"values":[null]}]}"#,
        br#"{}"#,
        b"[]",
        b"<html>oops</html>",
        b"",
    ] {
        let e = translate_embeddings_response(GEMINI, body, "m", &ctx).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (502, "bad_upstream_response"),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let error =
        br#"{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}"#;
    let e = translate_embeddings_response(GEMINI, error, "m", &ctx).unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (502, "rate_limit_exceeded"));
}

#[test]
fn google_errors_are_translated_like_chat_errors() {
    let batch_limit = br#"{"error":{"code":400,"message":"* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n","status":"INVALID_ARGUMENT"}}"#;
    let v: Value = serde_json::from_slice(&translate_error(GEMINI, 400, batch_limit)).unwrap();
    assert_eq!(v["error"]["code"], "invalid_request");
    assert_eq!(v["error"]["type"], "invalid_request_error");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("at most 100"));
    let bad_key = br#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}"#;
    let v: Value = serde_json::from_slice(&translate_error(GEMINI, 400, bad_key)).unwrap();
    assert_eq!(v["error"]["code"], "invalid_api_key");
}

#[test]
fn other_schemas() {
    let body = br#"{"model":"m","input":"x","encoding_format":"base64"}"#;
    let (openai, context) =
        translate_embeddings_request(ProviderSchema::Openai, body, &TARGET).unwrap();
    assert_eq!(openai.path_suffix, "/embeddings");
    assert_eq!(context, EmbeddingsContext::default());
    assert_eq!(
        translate_embeddings_response(ProviderSchema::Openai, b"{}", "m", &context).unwrap(),
        None
    );
    for schema in [ProviderSchema::Anthropic, ProviderSchema::Bedrock] {
        let e = translate_embeddings_request(schema, body, &TARGET).unwrap_err();
        assert_eq!((e.status, e.param.as_deref()), (400, Some("model")));
        assert!(translate_embeddings_response(schema, b"{}", "m", &context).is_err());
    }
}
