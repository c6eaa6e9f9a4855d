//! Round trips through the gateway's two Anthropic translators: an Anthropic
//! client served by an Anthropic model goes Anthropic → OpenAI
//! (`anthropic_in`) → Anthropic (`openai_anthropic`) on the way up and back
//! on the way down. What comes out must mean what went in, up to the
//! documented losses (thinking signatures and blocks in history, cache
//! hints, `top_k`, `is_error` turned into an `Error: ` prefix, stop-sequence
//! and pause reasons read as `end_turn`, cache writes counted as input).
//!
//! Streams are compared the way the Anthropic SDK reads them: events are
//! folded into a final message (`accumulate`, after the SDK's
//! `accumulate_event`), so the test also shows that the translated stream is
//! consumable by it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use switchboard_core::translate::anthropic_in::{
    request_to_openai, response_from_openai, stream_to_anthropic,
};
use switchboard_core::translate::{
    stream_translator, translate_request, translate_response_at, ProviderSchema, StreamContext,
    TargetModel,
};

const UPSTREAM: &str = "claude-upstream";
const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: UPSTREAM,
    default_max_tokens: 0,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Anthropic request → OpenAI → Anthropic request.
fn request_round_trip(original: &Value) -> Value {
    let inbound = request_to_openai(original.to_string().as_bytes()).unwrap();
    let up = translate_request(ProviderSchema::Anthropic, &inbound.openai_body, &TARGET).unwrap();
    serde_json::from_slice(&up.body).unwrap()
}

#[test]
fn plain_request_round_trips() {
    let original = json!({
        "model": "claude-sonnet", "max_tokens": 512, "system": "Be brief.",
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello."}]},
            {"role": "user", "content": [{"type": "text", "text": "Bye"}]}
        ],
        "stop_sequences": ["END"], "temperature": 0.2, "top_p": 0.9,
        "metadata": {"user_id": "u1"}, "stream": true
    });
    let mut expected = original.clone();
    expected["model"] = json!(UPSTREAM);
    assert_eq!(request_round_trip(&original), expected);
}

#[test]
fn tool_loop_request_round_trips() {
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}}});
    let original = json!({
        "model": "claude-sonnet", "max_tokens": 1024,
        "system": [
            {"type": "text", "text": "Agent.", "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": "Careful."}
        ],
        "tools": [
            {"name": "get_weather", "description": "Weather", "input_schema": schema},
            {"name": "get_time", "input_schema": {"type": "object"}}
        ],
        "tool_choice": {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true},
        "top_k": 5,
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "Weather and time in Paris?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/x.png"}}
            ]},
            {"role": "assistant", "content": [
                {"type": "thinking", "thinking": "Two tools.", "signature": "sig"},
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "toolu_01B", "name": "get_time", "input": {}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "18C"},
                {"type": "tool_result", "tool_use_id": "toolu_01B", "content": [{"type": "text", "text": "no clock"}], "is_error": true},
                {"type": "text", "text": "Go on."}
            ]}
        ]
    });
    let expected = json!({
        "model": UPSTREAM, "max_tokens": 1024,
        "system": [{"type": "text", "text": "Agent."}, {"type": "text", "text": "Careful."}],
        "tools": [
            {"name": "get_weather", "description": "Weather", "input_schema": schema},
            {"name": "get_time", "input_schema": {"type": "object"}}
        ],
        "tool_choice": {"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true},
        "messages": [
            {"role": "user", "content": [
                {"type": "text", "text": "Weather and time in Paris?"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                {"type": "image", "source": {"type": "url", "url": "https://example.com/x.png"}}
            ]},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Paris"}},
                {"type": "tool_use", "id": "toolu_01B", "name": "get_time", "input": {}}
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "18C"},
                {"type": "tool_result", "tool_use_id": "toolu_01B", "content": "Error: no clock"},
                {"type": "text", "text": "Go on."}
            ]}
        ]
    });
    assert_eq!(request_round_trip(&original), expected);
}

// ---------------------------------------------------------------- answers

/// Anthropic stop reasons as they come back through OpenAI's four.
fn stop_after_round_trip(reason: &str) -> &'static str {
    match reason {
        "max_tokens" | "model_context_window_exceeded" => "max_tokens",
        "tool_use" => "tool_use",
        "refusal" => "refusal",
        _ => "end_turn",
    }
}

/// The meaning of an Anthropic message that survives a trip through the
/// OpenAI shape: thinking and text (signatures, citations and other block
/// types are lost; adjacent blocks of one kind read as one, and with
/// `merge_all` every text and every thinking block is merged, tools last),
/// tool calls, the mapped stop reason and the usage with cache writes
/// counted as input.
fn meaning(message: &Value, merge_all: bool) -> Value {
    let mut blocks: Vec<Value> = Vec::new();
    let mut tools: Vec<Value> = Vec::new();
    for block in message["content"].as_array().unwrap() {
        let (kind, field) = match block["type"].as_str().unwrap() {
            "text" => ("text", "text"),
            "thinking" => ("thinking", "thinking"),
            "tool_use" => {
                let b = json!({"type": "tool_use", "id": block["id"], "name": block["name"], "input": block["input"]});
                if merge_all {
                    tools.push(b);
                } else {
                    blocks.push(b);
                }
                continue;
            }
            _ => continue,
        };
        let text = block[field].as_str().unwrap();
        let found = if merge_all {
            blocks.iter_mut().find(|b| b["type"] == kind)
        } else {
            blocks.last_mut().filter(|b| b["type"] == kind)
        };
        match found {
            Some(b) => b[field] = json!(format!("{}{text}", b[field].as_str().unwrap())),
            None => blocks.push(json!({"type": kind, field: text})),
        }
    }
    if merge_all {
        blocks.sort_by_key(|b| b["type"] != "thinking");
    }
    blocks.extend(tools);
    blocks.retain(|b| b["type"] == "tool_use" || b["text"] != "" && b["thinking"] != "");
    let u = &message["usage"];
    let n = |v: &Value| v.as_u64().unwrap_or(0);
    json!({
        "id": message["id"],
        "content": blocks,
        "stop_reason": stop_after_round_trip(message["stop_reason"].as_str().unwrap_or("")),
        "usage": {
            "input": n(&u["input_tokens"]) + n(&u["cache_creation_input_tokens"]),
            "cache_read": n(&u["cache_read_input_tokens"]),
            "output": n(&u["output_tokens"]),
        }
    })
}

#[test]
fn answers_round_trip() {
    let dir = fixtures().join("translate/openai_anthropic");
    let mut count = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.starts_with("response.") || !name.ends_with(".in.json") {
            continue;
        }
        let body = fs::read(&path).unwrap();
        let Ok(Some(openai)) = translate_response_at(ProviderSchema::Anthropic, &body, "x", 0)
        else {
            continue;
        };
        count += 1;
        let original: Value = serde_json::from_slice(&body).unwrap();
        let back: Value =
            serde_json::from_slice(&response_from_openai(&openai, "claude-client").unwrap())
                .unwrap();
        assert_eq!(back["model"], "claude-client", "{name}");
        assert_eq!(back["type"], "message", "{name}");
        assert_eq!(meaning(&back, true), meaning(&original, true), "{name}");
    }
    assert!(count >= 10, "answers compared: {count}");
}

// ---------------------------------------------------------------- streams

/// (event name, data) of each event of any SSE text.
fn sse_events(sse: &[u8]) -> Vec<(String, Value)> {
    let text = String::from_utf8(sse.to_vec())
        .unwrap()
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let mut out = Vec::new();
    for event in text.split("\n\n") {
        let mut name = String::new();
        let mut data: Vec<&str> = Vec::new();
        for line in event.lines() {
            if let Some(v) = line.strip_prefix("event:") {
                name = v.trim().to_owned();
            } else if let Some(v) = line.strip_prefix("data:") {
                data.push(v.strip_prefix(' ').unwrap_or(v));
            }
        }
        let data = data.join("\n");
        if !data.is_empty() {
            out.push((name, serde_json::from_str(&data).unwrap()));
        }
    }
    out
}

/// Folds Anthropic stream events into the final message the way the
/// Anthropic SDK's `accumulate_event` does (pings skipped, an error ends the
/// stream); `Err(error type)` for a stream ended by an error.
fn accumulate(events: &[(String, Value)]) -> Result<Value, String> {
    let mut message: Option<Value> = None;
    let mut buffers: Vec<String> = Vec::new();
    for (name, v) in events {
        match name.as_str() {
            "ping" => continue,
            "error" => return Err(v["error"]["type"].as_str().unwrap().to_owned()),
            _ => {}
        }
        if name == "message_start" {
            message = Some(v["message"].clone());
            continue;
        }
        let m = message.as_mut().expect("event before message_start");
        match name.as_str() {
            "content_block_start" => {
                m["content"]
                    .as_array_mut()
                    .unwrap()
                    .push(v["content_block"].clone());
                buffers.push(String::new());
            }
            "content_block_delta" => {
                let i = v["index"].as_u64().unwrap() as usize;
                let block = &mut m["content"][i];
                let d = &v["delta"];
                match d["type"].as_str().unwrap() {
                    "text_delta" => {
                        let t = format!(
                            "{}{}",
                            block["text"].as_str().unwrap(),
                            d["text"].as_str().unwrap()
                        );
                        block["text"] = json!(t);
                    }
                    "thinking_delta" => {
                        let t = format!(
                            "{}{}",
                            block["thinking"].as_str().unwrap(),
                            d["thinking"].as_str().unwrap()
                        );
                        block["thinking"] = json!(t);
                    }
                    "input_json_delta" => buffers[i].push_str(d["partial_json"].as_str().unwrap()),
                    _ => {}
                }
            }
            "content_block_stop" => {
                let i = v["index"].as_u64().unwrap() as usize;
                if m["content"][i]["type"] == "tool_use" && !buffers[i].is_empty() {
                    m["content"][i]["input"] = serde_json::from_str(&buffers[i]).unwrap();
                }
            }
            "message_delta" => {
                m["stop_reason"] = v["delta"]["stop_reason"].clone();
                for (k, val) in v["usage"].as_object().unwrap() {
                    if !val.is_null() {
                        m["usage"][k] = val.clone();
                    }
                }
            }
            "message_stop" => return Ok(message.unwrap()),
            _ => {}
        }
    }
    Err("unterminated".to_owned())
}

#[test]
fn streams_round_trip() {
    let dir = fixtures().join("stream");
    let mut count = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.starts_with("anthropic.") || !name.ends_with(".in.sse") {
            continue;
        }
        count += 1;
        let input = fs::read(&path).unwrap();
        let mut up = stream_translator(
            ProviderSchema::Anthropic,
            StreamContext {
                served_as: "x".to_owned(),
                created: 0,
                client_wants_usage: true,
            },
        );
        let mut openai = Vec::new();
        up.on_chunk(&input, &mut openai);
        up.on_end(&mut openai);
        let mut down = stream_to_anthropic("claude-client");
        let mut back = Vec::new();
        down.on_chunk(&openai, &mut back);
        down.on_end(&mut back);
        let original = accumulate(&sse_events(&input));
        let got = accumulate(&sse_events(&back));
        match (original, got) {
            (Ok(o), Ok(g)) => {
                assert_eq!(g["model"], "claude-client");
                assert_eq!(meaning(&g, false), meaning(&o, false), "{name}");
                // A whole answer's usage chunk reaches the client translator.
                assert_eq!(down.usage(), up.usage(), "{name}: accounting agrees");
            }
            (Err(o), Err(g)) => assert_eq!(g, o, "{name}: error type"),
            (o, g) => panic!("{name}: {o:?} became {g:?}"),
        }
    }
    assert!(count >= 8, "streams compared: {count}");
}
