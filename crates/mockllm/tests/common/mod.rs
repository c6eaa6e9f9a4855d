//! Shared helpers for the integration tests: an in-process server on port 0, and an
//! SSE parser strict enough to catch framing mistakes.

#![allow(dead_code)]

use std::net::SocketAddr;

use mockllm::{AppState, Config};
use serde_json::Value;
use tokio::net::TcpListener;

pub struct Mock {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
}

impl Mock {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// `POST /v1/chat/completions` with a JSON body and extra headers.
    pub async fn openai(&self, body: &Value, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url("/v1/chat/completions"))
            .json(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.unwrap()
    }

    /// `POST /v1/messages` with the usual Anthropic headers; `headers` add to them
    /// or replace them.
    pub async fn anthropic(&self, body: &Value, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![
            ("x-api-key", "sk-ant-test"),
            ("anthropic-version", "2023-06-01"),
        ];
        all.retain(|(name, _)| !headers.iter().any(|(n, _)| n == name));
        all.extend_from_slice(headers);
        let mut request = self.client.post(self.url("/v1/messages")).json(body);
        for (name, value) in all {
            request = request.header(name, value);
        }
        request.send().await.unwrap()
    }

    /// `POST /v1beta/models/<model_and_method>` with a JSON body; headers are
    /// the caller's to add.
    pub fn gemini_request(&self, model_and_method: &str, body: &Value) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(&format!("/v1beta/models/{model_and_method}")))
            .json(body)
    }

    /// What the mock recorded: the JSON of `GET /_mock/requests`.
    pub async fn requests(&self) -> Value {
        self.client
            .get(self.url("/_mock/requests"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

/// Starts a server on 127.0.0.1:0 in this test's runtime. The listener is bound
/// before returning, so requests can be sent at once.
pub async fn start(config: Config) -> Mock {
    start_with(AppState::new(config)).await
}

/// [`start`] with a server that requires Gemini key `key`.
pub async fn start_gemini(key: &str) -> Mock {
    start_with(AppState::with_gemini_key(
        Config::default(),
        Some(key.to_owned()),
    ))
    .await
}

/// [`start`] with a prepared state (keys, credentials, a vendor).
pub async fn start_with(state: AppState) -> Mock {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(mockllm::serve(listener, state, std::future::pending()));
    Mock {
        addr,
        client: reqwest::Client::new(),
    }
}

/// One SSE event: its `event:` name (if any) and its `data:` payload.
#[derive(Debug)]
pub struct Event {
    pub name: Option<String>,
    pub data: String,
}

impl Event {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// Parses a complete SSE body; every event must end with a blank line and carry
/// exactly one `data:` line.
pub fn parse_sse(text: &str) -> Vec<Event> {
    assert!(
        text.ends_with("\n\n"),
        "stream must end with a blank line: {text:?}"
    );
    text.split_terminator("\n\n")
        .map(|block| {
            let mut name = None;
            let mut data = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event: ") {
                    assert!(name.replace(v.to_owned()).is_none(), "two event lines");
                } else if let Some(v) = line.strip_prefix("data: ") {
                    assert!(data.replace(v.to_owned()).is_none(), "two data lines");
                } else {
                    panic!("unexpected SSE line {line:?}");
                }
            }
            Event {
                name,
                data: data.expect("event without data"),
            }
        })
        .collect()
}

/// Reads a streaming response to its end, returning the bytes received and
/// whether the stream broke with an error.
pub async fn read_stream(response: reqwest::Response) -> (String, bool) {
    use futures_util::StreamExt;
    let mut stream = response.bytes_stream();
    let mut received = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => received.extend_from_slice(&bytes),
            Err(_) => return (String::from_utf8(received).unwrap(), true),
        }
    }
    (String::from_utf8(received).unwrap(), false)
}
