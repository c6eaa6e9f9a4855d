//! Bedrock Converse / ConverseStream over real HTTP: requests signed with
//! Switchboard's SigV4 signer are accepted by the mock's independent
//! verifier, tampered ones refused; answers, event-stream frames (decoded
//! and translated with core), validation, and every fault.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bedrock_support;
mod common;

use std::time::{Duration, Instant};

use bedrock_support::{
    body, converse_path, expect_error, frames, keyed, start, translated, Signed, API_KEY, DATE,
    KEY_ID, MODEL, SECRET,
};
use mockllm::BedrockAuth;
use serde_json::{json, Value};
use switchboard_core::sigv4::SigningInput;
use switchboard_core::translate::{translate_request, ProviderSchema, TargetModel};

#[tokio::test]
async fn signed_request_is_accepted_and_answered() {
    let mock = start(keyed()).await;
    let payload = serde_json::to_vec(&body("Say hello please")).unwrap();
    let response = mock
        .signed(&converse_path(false), &payload, Signed::default(), &[])
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-amzn-requestid"));
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer,
        json!({
            "output": {"message": {"role": "assistant", "content": [
                {"text": format!("Mock reply from bedrock model {MODEL}.")}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 5, "outputTokens": 6, "totalTokens": 11},
            "metrics": {"latencyMs": 7}
        })
    );
}

#[tokio::test]
async fn tampered_requests_are_refused() {
    let mock = start(keyed()).await;
    let payload = serde_json::to_vec(&body("original")).unwrap();
    let tampered = serde_json::to_vec(&body("tampered")).unwrap();
    let path = converse_path(false);

    // The body changed after signing.
    let how = Signed {
        body: Some(&payload),
        ..Signed::default()
    };
    let message = expect_error(
        mock.signed(&path, &tampered, how, &[]).await,
        403,
        "InvalidSignatureException",
    )
    .await;
    assert!(message.starts_with("The request signature we calculated does not match"));

    // Signed as a naive signer would: the model id encoded only once in the
    // canonical URI (pitfall 17).
    let naive = format!("/model/{MODEL}/converse");
    let how = Signed {
        path: Some(&naive),
        ..Signed::default()
    };
    expect_error(
        mock.signed(&path, &payload, how, &[]).await,
        403,
        "InvalidSignatureException",
    )
    .await;

    // A wrong secret, an unknown key id.
    let how = Signed {
        secret: Some("wrong"),
        ..Signed::default()
    };
    expect_error(
        mock.signed(&path, &payload, how, &[]).await,
        403,
        "InvalidSignatureException",
    )
    .await;
    let how = Signed {
        key_id: Some("AKIDOTHER"),
        ..Signed::default()
    };
    expect_error(
        mock.signed(&path, &payload, how, &[]).await,
        403,
        "UnrecognizedClientException",
    )
    .await;

    // A signed header that gains a value in transit.
    let message = expect_error(
        mock.signed(
            &path,
            &payload,
            Signed::default(),
            &[("content-type", "text/plain")],
        )
        .await,
        403,
        "InvalidSignatureException",
    )
    .await;
    assert!(message.starts_with("The request signature"), "{message}");

    // Signed for another service (pitfall 17: always `bedrock`).
    let host = mock.host();
    let other_service = switchboard_core::sigv4::sign_with(
        &SigningInput {
            method: "POST",
            host: &host,
            path: &path,
            query: "",
            headers_to_sign: &[],
            body: &payload,
            region: "us-east-1",
            access_key_id: KEY_ID,
            secret_access_key: SECRET,
            session_token: None,
            amz_date: DATE,
        },
        &switchboard_core::sigv4::SignOptions {
            service: "bedrock-agent-runtime",
            sign_content_sha256: true,
        },
    );
    let mut request = mock
        .client
        .post(format!("http://{host}{path}"))
        .body(payload.clone());
    for (name, value) in other_service.pairs() {
        request = request.header(name, value);
    }
    let message = expect_error(
        request.send().await.unwrap(),
        403,
        "InvalidSignatureException",
    )
    .await;
    assert!(message.contains("scoped to correct service"), "{message}");
}

#[tokio::test]
async fn session_tokens_are_signed_and_accepted() {
    let mock = start(keyed()).await;
    let payload = serde_json::to_vec(&body("hi")).unwrap();
    let how = Signed {
        token: Some("FQoGZXIvYXdzEXAMPLETOKEN//=="),
        ..Signed::default()
    };
    let response = mock.signed(&converse_path(false), &payload, how, &[]).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn api_keys_and_missing_credentials() {
    let mock = start(keyed()).await;
    let path = converse_path(false);
    let bearer = format!("Bearer {API_KEY}");
    let ok = mock
        .post(&path, &body("hi"), &[("authorization", &bearer)])
        .await;
    assert_eq!(ok.status(), 200);
    let wrong = mock
        .post(&path, &body("hi"), &[("authorization", "Bearer nope")])
        .await;
    expect_error(wrong, 403, "UnrecognizedClientException").await;
    let missing = mock.post(&path, &body("hi"), &[]).await;
    assert_eq!(
        expect_error(missing, 403, "MissingAuthenticationTokenException").await,
        "Missing Authentication Token"
    );
    let basic = mock
        .post(&path, &body("hi"), &[("authorization", "Basic eDp5")])
        .await;
    expect_error(basic, 403, "IncompleteSignatureException").await;

    // Without configured credentials any authorization is accepted.
    let open = start(BedrockAuth::default()).await;
    let any = open
        .post(&path, &body("hi"), &[("authorization", "Bearer anything")])
        .await;
    assert_eq!(any.status(), 200);
}

#[tokio::test]
async fn stream_is_real_event_stream_with_metadata_last() {
    let mock = start(keyed()).await;
    let payload = serde_json::to_vec(&body("Say hello")).unwrap();
    let response = mock
        .signed(&converse_path(true), &payload, Signed::default(), &[])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let bytes = response.bytes().await.unwrap();
    let events = frames(&bytes);
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"messageStart"));
    assert_eq!(
        &kinds[kinds.len() - 3..],
        ["contentBlockStop", "messageStop", "metadata"]
    );
    let text: String = events
        .iter()
        .filter_map(|(_, p)| p["delta"]["text"].as_str())
        .collect();
    assert_eq!(text, format!("Mock reply from bedrock model {MODEL}."));
    assert!(events.iter().all(|(_, p)| p["p"].is_string()), "padded");
    assert_eq!(events.last().unwrap().1["usage"]["outputTokens"], 6);

    let sse = translated(&bytes);
    assert!(sse.contains(r#""content":"Mock "#), "{sse}");
    assert!(sse.contains(r#""finish_reason":"stop""#));
    assert!(sse.contains(r#""completion_tokens":6"#));
    assert!(sse.ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn tools_are_called_when_the_last_turn_is_user_text() {
    let mock = start(BedrockAuth::default()).await;
    let auth = [("authorization", "Bearer x")];
    let mut request = body("Weather in Paris?");
    request["toolConfig"] = json!({"tools": [{"toolSpec": {"name": "get_weather",
        "inputSchema": {"json": {"type": "object"}}}}]});
    let answer: Value = mock
        .post(&converse_path(false), &request, &auth)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["stopReason"], "tool_use");
    let tool_use = &answer["output"]["message"]["content"][0]["toolUse"];
    assert_eq!(tool_use["name"], "get_weather");
    assert_eq!(tool_use["input"], json!({"mock": true}));

    let bytes = mock
        .post(&converse_path(true), &request, &auth)
        .await
        .bytes()
        .await
        .unwrap();
    let events = frames(&bytes);
    assert_eq!(events[1].0, "contentBlockStart");
    assert_eq!(events[1].1["start"]["toolUse"]["name"], "get_weather");
    let input: String = events
        .iter()
        .filter_map(|(_, p)| p["delta"]["toolUse"]["input"].as_str())
        .collect();
    assert_eq!(input, r#"{"mock":true}"#);
    let sse = translated(&bytes);
    assert!(sse.contains(r#""finish_reason":"tool_calls""#), "{sse}");
}

#[tokio::test]
async fn validation_errors_are_bedrock_shaped() {
    let mock = start(BedrockAuth::default()).await;
    let auth = [("authorization", "Bearer x")];
    let path = converse_path(false);
    let blank = mock.post(&path, &body(""), &auth).await;
    let message = expect_error(blank, 400, "ValidationException").await;
    assert!(message.contains("is blank"), "{message}");

    let history = json!({"messages": [
        {"role": "user", "content": [{"text": "q"}]},
        {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}]},
        {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"text": "r"}]}}]}
    ]});
    let message = expect_error(
        mock.post(&path, &history, &auth).await,
        400,
        "ValidationException",
    )
    .await;
    assert!(
        message.contains("toolConfig field must be defined"),
        "{message}"
    );

    let not_json = mock
        .client
        .post(format!("http://{}{path}", mock.host()))
        .header("authorization", "Bearer x")
        .body("{")
        .send()
        .await
        .unwrap();
    expect_error(not_json, 400, "ValidationException").await;
}

#[tokio::test]
async fn core_translations_pass_bedrock_validation() {
    let mock = start(BedrockAuth::default()).await;
    let auth = [("authorization", "Bearer x")];
    let target = TargetModel {
        upstream_model: MODEL,
        default_max_tokens: 100,
    };
    // A parallel tool round trip without tools (pitfalls 1, 11, 16), with
    // empty assistant text and a tool id other vendors mint (pitfall 4).
    let client = json!({"model": "m", "messages": [
        {"role": "system", "content": "sys"},
        {"role": "user", "content": "Both?"},
        {"role": "assistant", "content": "", "tool_calls": [
            {"id": "functions.a:0", "type": "function", "function": {"name": "a", "arguments": "{}"}},
            {"id": "call_b", "type": "function", "function": {"name": "b", "arguments": ""}}]},
        {"role": "tool", "tool_call_id": "functions.a:0", "content": "A"},
        {"role": "tool", "tool_call_id": "call_b", "content": ""},
        {"role": "user", "content": "thanks"}
    ]});
    let upstream = translate_request(
        ProviderSchema::Bedrock,
        &serde_json::to_vec(&client).unwrap(),
        &target,
    )
    .unwrap();
    assert_eq!(upstream.path_suffix, converse_path(false));
    let body: Value = serde_json::from_slice(&upstream.body).unwrap();
    let response = mock.post(&upstream.path_suffix, &body, &auth).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn status_faults_carry_the_error_type() {
    let mock = start(BedrockAuth::default()).await;
    let auth = ("authorization", "Bearer x");
    let path = converse_path(false);
    for (fault, status, exception) in [
        ("fault-429", 429, "ThrottlingException"),
        ("fault-500", 500, "InternalServerException"),
        ("fault-503", 503, "ServiceUnavailableException"),
        ("fault-529", 503, "ServiceUnavailableException"),
    ] {
        let response = mock
            .post(&path, &body("hi"), &[auth, ("x-mock-fault", fault)])
            .await;
        if status == 429 {
            assert_eq!(response.headers()["retry-after"], "1");
        }
        expect_error(response, status, exception).await;
    }
    // From the model id in the path.
    let by_model = mock
        .post("/model/m-fault-429/converse", &body("hi"), &[auth])
        .await;
    expect_error(by_model, 429, "ThrottlingException").await;
}

#[tokio::test]
async fn connection_faults_and_delays() {
    let mock = start(BedrockAuth::default()).await;
    let auth = ("authorization", "Bearer x");
    let reset = mock
        .client
        .post(format!("http://{}{}", mock.host(), converse_path(false)))
        .header(auth.0, auth.1)
        .header("x-mock-fault", "fault-reset")
        .json(&body("hi"))
        .send()
        .await;
    assert!(reset.is_err());

    let started = Instant::now();
    let slow = mock
        .post(
            &converse_path(false),
            &body("hi"),
            &[auth, ("x-mock-fault", "slow-200")],
        )
        .await;
    assert_eq!(slow.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));

    let broken = mock
        .post(
            &converse_path(true),
            &body("hi"),
            &[auth, ("x-mock-fault", "midstream-reset")],
        )
        .await;
    assert_eq!(broken.status(), 200);
    let mut received = Vec::new();
    let mut failed = false;
    let mut stream = broken.bytes_stream();
    use futures_util::StreamExt;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(bytes) => received.extend_from_slice(&bytes),
            Err(_) => failed = true,
        }
    }
    assert!(failed, "the stream must break");
    let sse = translated(&received);
    assert!(sse.contains("upstream_stream_interrupted"), "{sse}");
}

#[tokio::test]
async fn midstream_exception_sends_an_exception_frame() {
    let mock = start(BedrockAuth::default()).await;
    let response = mock
        .post(
            "/model/m-midstream-exception/converse-stream",
            &body("hi"),
            &[("authorization", "Bearer x")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap();
    let events = frames(&bytes);
    let kinds: Vec<&str> = events.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "messageStart",
            "contentBlockDelta",
            "modelStreamErrorException"
        ]
    );
    let sse = translated(&bytes);
    assert!(sse.contains(r#""code":"upstream_error""#), "{sse}");
    assert!(sse.contains("mockllm midstream-exception"));
    assert!(sse.ends_with("data: [DONE]\n\n"));
}

#[tokio::test]
async fn max_tokens_cut_the_reply_and_requests_are_recorded() {
    let mock = start(BedrockAuth::default()).await;
    let mut request = body("hi");
    request["inferenceConfig"]["maxTokens"] = json!(2);
    let answer: Value = mock
        .post(
            &converse_path(false),
            &request,
            &[("authorization", "Bearer x")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["stopReason"], "max_tokens");
    assert_eq!(
        answer["output"]["message"]["content"][0]["text"],
        "Mock reply"
    );
    let recorded = mock.requests().await;
    let text = recorded.to_string();
    assert!(text.contains(&converse_path(false)), "{text}");
}
