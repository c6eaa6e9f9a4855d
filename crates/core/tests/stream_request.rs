//! Streaming requests: `stream` and `client_wants_usage` are reported
//! truthfully, and OpenAI-schema providers are always asked for usage.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use switchboard_core::translate::{
    translate_request, ProviderSchema, TargetModel, UpstreamRequest,
};

const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "up",
    default_max_tokens: 100,
};

fn openai(body: &str) -> UpstreamRequest {
    translate_request(ProviderSchema::Openai, body.as_bytes(), &TARGET).unwrap()
}

fn text(r: &UpstreamRequest) -> &str {
    std::str::from_utf8(&r.body).unwrap()
}

#[test]
fn openai_non_streaming_is_untouched() {
    for body in [
        r#"{"model":"m","messages":[]}"#,
        r#"{"model":"m","stream":false,"messages":[]}"#,
        r#"{"model":"m","stream":null,"stream_options":{"include_usage":true},"messages":[]}"#,
    ] {
        let r = openai(body);
        assert_eq!(text(&r), body.replace("\"m\"", "\"up\""), "{body}");
        assert!(!r.stream && !r.client_wants_usage, "{body}");
        assert_eq!(r.path_suffix, "/chat/completions");
    }
}

#[test]
fn openai_stream_without_options_gets_usage_added() {
    let body = "{ \"model\": \"m\",\n \"stream\": true, \"messages\": [] }";
    let r = openai(body);
    assert!(r.stream);
    assert!(!r.client_wants_usage);
    assert_eq!(
        text(&r),
        "{\"stream_options\":{\"include_usage\":true}, \"model\": \"up\",\n \"stream\": true, \"messages\": [] }"
    );
}

#[test]
fn openai_client_usage_request_is_kept_and_reported() {
    let body =
        r#"{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#;
    let r = openai(body);
    assert!(r.stream && r.client_wants_usage);
    assert_eq!(text(&r), body.replace("\"m\"", "\"up\""));
}

#[test]
fn openai_other_stream_options_survive_and_usage_is_forced() {
    for (options, wanted) in [
        (
            r#"{"include_usage":false,"include_obfuscation":false}"#,
            false,
        ),
        (r#"{ "include_obfuscation" : false }"#, false),
        (
            r#"{"include_usage":true,"include_obfuscation":false}"#,
            true,
        ),
        ("null", false),
        ("{}", false),
    ] {
        let body =
            format!(r#"{{"model":"m","messages":[],"stream":true,"stream_options":{options}}}"#);
        let r = openai(&body);
        assert!(r.stream);
        assert_eq!(r.client_wants_usage, wanted, "{options}");
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["stream_options"]["include_usage"], true, "{options}");
        if options.contains("obfuscation") {
            assert_eq!(
                v["stream_options"]["include_obfuscation"], false,
                "{options}"
            );
        }
        // Nothing before the options changed.
        let prefix = r#"{"model":"up","messages":[],"stream":true,"stream_options":"#;
        assert!(text(&r).starts_with(prefix), "{}", text(&r));
    }
}

#[test]
fn openai_stream_options_must_be_an_object_when_streaming() {
    let e = translate_request(
        ProviderSchema::Openai,
        br#"{"model":"m","messages":[],"stream":true,"stream_options":"yes"}"#,
        &TARGET,
    )
    .unwrap_err();
    assert_eq!(
        (e.status, e.param.as_deref()),
        (400, Some("stream_options"))
    );
}

#[test]
fn openai_minimal_stream_body_stays_valid() {
    let r = openai(r#"{"stream":true}"#);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(
        v,
        json!({"model": "up", "stream_options": {"include_usage": true}, "stream": true})
    );
}

fn anthropic(body: Value) -> UpstreamRequest {
    translate_request(
        ProviderSchema::Anthropic,
        body.to_string().as_bytes(),
        &TARGET,
    )
    .unwrap()
}

#[test]
fn anthropic_stream_flags() {
    let messages = json!([{"role": "user", "content": "hi"}]);
    let cases = [
        (json!({"model": "m", "messages": messages}), false, false),
        (
            json!({"model": "m", "messages": messages, "stream": false,
                "stream_options": {"include_usage": true}}),
            false,
            false,
        ),
        (
            json!({"model": "m", "messages": messages, "stream": true}),
            true,
            false,
        ),
        (
            json!({"model": "m", "messages": messages, "stream": true,
                "stream_options": {"include_usage": false}}),
            true,
            false,
        ),
        (
            json!({"model": "m", "messages": messages, "stream": true,
                "stream_options": {"include_usage": true}}),
            true,
            true,
        ),
        (
            json!({"model": "m", "messages": messages, "stream": true,
                "stream_options": "odd"}),
            true,
            false,
        ),
    ];
    for (body, stream, wants) in cases {
        let r = anthropic(body.clone());
        assert_eq!((r.stream, r.client_wants_usage), (stream, wants), "{body}");
        assert_eq!(r.path_suffix, "/messages");
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v.get("stream"), stream.then_some(&json!(true)), "{body}");
        assert!(v.get("stream_options").is_none(), "{body}");
    }
}
