use serde_json::json;

use super::validate::check;
use super::*;

#[test]
fn model_ids_are_decoded_from_one_segment() {
    let uri: Uri =
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/converse-stream"
            .parse()
            .unwrap();
    assert_eq!(
        call(&uri),
        Some((
            "arn:aws:bedrock:us-east-1:1:inference-profile/x".to_owned(),
            true
        ))
    );
    let plain: Uri = "/model/m%3A0/converse".parse().unwrap();
    assert_eq!(call(&plain), Some(("m:0".to_owned(), false)));
    for bad in [
        "/model//converse",
        "/model/m/invoke",
        "/model/a/b/converse",
        "/v1/x",
    ] {
        assert_eq!(call(&bad.parse().unwrap()), None, "{bad}");
    }
    assert_eq!(percent_decode("%zz%4"), "%zz%4");
}

fn user(text: &str) -> serde_json::Value {
    json!({"role": "user", "content": [{"text": text}]})
}

#[test]
fn validation_follows_bedrock() {
    let tool_use = json!({"role": "assistant", "content": [
        {"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}]});
    let result = |id: &str| {
        json!({"role": "user", "content": [
        {"toolResult": {"toolUseId": id, "content": [{"text": "ok"}]}}]})
    };
    let config = json!({"tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": {}}}}]});
    let cases = [
        (json!({"messages": []}), "start with a user message"),
        (json!({"messages": [user("a"), user("b")]}), "alternate"),
        (
            json!({"messages": [{"role": "assistant", "content": [{"text": "x"}]}]}),
            "start with a user",
        ),
        (json!({"messages": [user(" ")]}), "is blank"),
        (
            json!({"messages": [{"role": "user", "content": []}]}),
            "is empty",
        ),
        (
            json!({"messages": [{"role": "system", "content": [{"text": "x"}]}]}),
            "enum value set",
        ),
        (
            json!({"messages": [{"role": "user", "content": [{"type": "text", "text": "x"}]}]}),
            "exactly one",
        ),
        (
            json!({"messages": [user("q"), tool_use, result("t1")]}),
            "toolConfig field must be defined",
        ),
        (
            json!({"messages": [user("q"), tool_use, result("t2")], "toolConfig": config}),
            "following Ids: t1",
        ),
        (
            json!({"messages": [user("q")], "model": "m"}),
            "extraneous key [model]",
        ),
        (
            json!({"messages": [user("q")], "inferenceConfig": {"maxTokens": 0}}),
            "maxTokens",
        ),
        (
            json!({"messages": [user("q")], "system": [{"text": ""}]}),
            "system.0 is blank",
        ),
        (
            json!({"messages": [user("q")], "toolConfig": {"tools": []}}),
            "non-empty list",
        ),
        (
            json!({"messages": [{"role": "user", "content": [
            {"image": {"format": "PNG", "source": {"bytes": "AAAA"}}}]}]}),
            "format of png",
        ),
    ];
    for (body, expected) in cases {
        let error = check(&body).unwrap_err();
        assert!(
            error.message.contains(expected),
            "{body}: {}",
            error.message
        );
    }
    let ok = check(&json!({
        "messages": [user("one two"), tool_use, result("t1"), {"role": "assistant", "content": [{"text": "x"}]}, user("three")],
        "system": [{"text": "sys"}],
        "toolConfig": config,
        "inferenceConfig": {"maxTokens": 9},
    }))
    .unwrap();
    assert_eq!(ok.max_tokens, Some(9));
    assert_eq!(ok.tool.as_deref(), Some("f"));
    assert_eq!(ok.input_tokens, 1 + 2 + 1 + 1 + 1);
}

#[test]
fn no_tool_call_after_a_tool_result() {
    let config = json!({"tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": {}}}}]});
    let body = json!({"messages": [
        user("q"),
        {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "f", "input": {}}}]},
        {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"json": {"a": 1}}]}}, {"text": "and?"}]}
    ], "toolConfig": config});
    assert_eq!(check(&body).unwrap().tool, None);
}
