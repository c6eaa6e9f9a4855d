//! Helpers of `tests/bedrock.rs`: an in-process mock with Bedrock
//! credentials, requests signed with core's SigV4 signer, and readers for
//! Bedrock answers (error shape, event-stream frames, core's translation).
//! The server itself is `common`'s (declare `mod common;` beside this one).

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use mockllm::{AppState, BedrockAuth, Config};
use serde_json::{json, Value};
use switchboard_core::eventstream::Decoder;
use switchboard_core::sigv4::{sign, SigningInput};
use switchboard_core::translate::{stream_translator, ProviderSchema, StreamContext};

pub const KEY_ID: &str = "AKIDMOCKBEDROCK";
pub const SECRET: &str = "mock/secret+key";
pub const API_KEY: &str = "bedrock-api-key-1";
pub const MODEL: &str = "anthropic.claude-3-haiku-20240307-v1:0";
pub const MODEL_PATH: &str = "anthropic.claude-3-haiku-20240307-v1%3A0";
pub const DATE: &str = "20260101T120000Z";

pub use crate::common::Mock;

pub async fn start(auth: BedrockAuth) -> Mock {
    crate::common::start_with(AppState::with_keys(Config::default(), None, auth)).await
}

pub fn keyed() -> BedrockAuth {
    BedrockAuth {
        access_key_id: Some(KEY_ID.into()),
        secret_access_key: Some(SECRET.into()),
        api_key: Some(API_KEY.into()),
    }
}

pub fn converse_path(stream: bool) -> String {
    let op = if stream {
        "converse-stream"
    } else {
        "converse"
    };
    format!("/model/{MODEL_PATH}/{op}")
}

pub fn body(text: &str) -> Value {
    json!({
        "messages": [{"role": "user", "content": [{"text": text}]}],
        "system": [{"text": "Be brief."}],
        "inferenceConfig": {"maxTokens": 256}
    })
}

/// What to sign, when it differs from what is sent.
#[derive(Default, Clone, Copy)]
pub struct Signed<'a> {
    pub path: Option<&'a str>,
    pub body: Option<&'a [u8]>,
    pub secret: Option<&'a str>,
    pub key_id: Option<&'a str>,
    pub token: Option<&'a str>,
}

impl Mock {
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// POSTs `body` to `path` signed with core's SigV4 signer.
    pub async fn signed(
        &self,
        path: &str,
        body: &[u8],
        how: Signed<'_>,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let host = self.host();
        let input = SigningInput {
            method: "POST",
            host: &host,
            path: how.path.unwrap_or(path),
            query: "",
            headers_to_sign: &[("content-type", "application/json")],
            body: how.body.unwrap_or(body),
            region: "us-east-1",
            access_key_id: how.key_id.unwrap_or(KEY_ID),
            secret_access_key: how.secret.unwrap_or(SECRET),
            session_token: how.token,
            amz_date: DATE,
        };
        let mut request = self
            .client
            .post(format!("http://{host}{path}"))
            .header("content-type", "application/json")
            .body(body.to_vec());
        for (name, value) in sign(&input).pairs() {
            request = request.header(name, value);
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    pub async fn post(
        &self,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(format!("http://{}{path}", self.host()))
            .json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }
}

pub async fn expect_error(response: reqwest::Response, status: u16, exception: &str) -> String {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["x-amzn-errortype"], exception);
    assert!(response.headers().contains_key("x-amzn-requestid"));
    let body: Value = response.json().await.unwrap();
    body["message"].as_str().unwrap().to_owned()
}

/// Decodes a whole event-stream body into `(event type, payload)` pairs.
pub fn frames(bytes: &[u8]) -> Vec<(String, Value)> {
    let mut decoder = Decoder::default();
    decoder.push(bytes);
    let mut out = Vec::new();
    while let Some(frame) = decoder.next_frame().unwrap() {
        let kind = frame
            .header_str(":event-type")
            .or(frame.header_str(":exception-type"))
            .unwrap()
            .to_owned();
        out.push((kind, serde_json::from_slice(frame.payload).unwrap()));
    }
    assert_eq!(decoder.pending(), 0);
    out
}

/// Runs core's stream translator over a body (one piece per byte).
pub fn translated(bytes: &[u8]) -> String {
    let mut t = stream_translator(
        ProviderSchema::Bedrock,
        StreamContext {
            served_as: "served".into(),
            created: 1,
            client_wants_usage: true,
        },
    );
    let mut out = Vec::new();
    for byte in bytes.chunks(1) {
        t.on_chunk(byte, &mut out);
    }
    t.on_end(&mut out);
    String::from_utf8(out).unwrap()
}
