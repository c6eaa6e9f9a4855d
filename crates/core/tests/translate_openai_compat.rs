//! OpenAI-compatible vendors (`schema: openai` + `vendor`): request rules,
//! answer fixes, and streams fed whole, one byte at a time and in random
//! splits. Expected outputs are written out in full (golden), so a change in
//! any byte the gateway emits shows up here.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fuzz_support;
mod stream_support;

use serde_json::{json, Value};
use stream_support::{assert_closed, items, splits, Item, XorShift};
use switchboard_core::error::GatewayError;
use switchboard_core::translate::openai_compat::{
    stream_translator, translate_request, translate_response_at, translates_answer, Vendor,
};
use switchboard_core::translate::{translate_error, ProviderSchema, StreamContext, TargetModel};
use switchboard_core::usage::Usage;

const OPENAI: ProviderSchema = ProviderSchema::Openai;
const TARGET: TargetModel<'static> = TargetModel {
    upstream_model: "up-model",
    default_max_tokens: 1024,
};

fn request(vendor: Vendor, drop: bool, body: &str) -> Result<(Value, bool), GatewayError> {
    translate_request(OPENAI, vendor, drop, body.as_bytes(), &TARGET).map(|r| {
        (
            serde_json::from_slice(&r.body).unwrap(),
            r.client_wants_usage,
        )
    })
}

fn refused(vendor: Vendor, body: &str) -> GatewayError {
    let e = request(vendor, false, body).unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (400, "unsupported_parameter"));
    e
}

const HELLO: &str = r#""messages":[{"role":"user","content":"hi"}]"#;

// ---------------------------------------------------------------- requests

#[test]
fn plain_vendors_keep_the_byte_exact_fast_path() {
    let body = format!(r#"{{"model" : "x", {HELLO}, "temperature": 1.50, "logprobs": true}}"#);
    for vendor in [Vendor::Openai, Vendor::Vllm, Vendor::Xai] {
        let out = translate_request(OPENAI, vendor, false, body.as_bytes(), &TARGET).unwrap();
        assert_eq!(
            String::from_utf8(out.body).unwrap(),
            body.replace("\"x\"", "\"up-model\""),
            "{vendor:?}"
        );
    }
}

#[test]
fn groq_refuses_what_it_rejects_and_drops_when_configured() {
    for (param, body) in [
        ("logprobs", format!(r#"{{"model":"m",{HELLO},"logprobs":true}}"#)),
        ("top_logprobs", format!(r#"{{"model":"m",{HELLO},"top_logprobs":2}}"#)),
        ("logit_bias", format!(r#"{{"model":"m",{HELLO},"logit_bias":{{"1":5}}}}"#)),
        ("n", format!(r#"{{"model":"m",{HELLO},"n":2}}"#)),
        (
            "messages[1].name",
            r#"{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","name":"ann","content":"hi"}]}"#.to_owned(),
        ),
    ] {
        let e = refused(Vendor::Groq, &body);
        assert_eq!(e.param.as_deref(), Some(param));
        assert!(e.message.contains("Groq"), "{}", e.message);
        let (out, _) = request(Vendor::Groq, true, &body).unwrap();
        let text = out.to_string();
        assert!(!text.contains("logprobs") && !text.contains("logit_bias") && !text.contains("\"n\""), "{text}");
        assert!(out["messages"][1].get("name").is_none());
    }
    // Default values cannot change the answer: dropped silently; n = 1 kept.
    let (out, _) = request(
        Vendor::Groq,
        false,
        &format!(r#"{{"model":"m",{HELLO},"logprobs":false,"logit_bias":{{}},"n":1,"top_logprobs":null}}"#),
    )
    .unwrap();
    assert_eq!(
        out,
        json!({"model":"up-model","messages":[{"role":"user","content":"hi"}],"n":1})
    );
}

#[test]
fn mistral_history_from_another_provider_is_made_acceptable() {
    let body = r#"{"model":"m","temperature":0.50,"seed":7,"max_completion_tokens":64,"max_tokens":9,"user":"u1",
        "messages":[
          {"role":"developer","content":"be brief"},
          {"role":"user","content":"weather?"},
          {"role":"assistant","content":null,"refusal":null,"reasoning_content":"think","tool_calls":[
             {"id":"call_Ab12xyz","type":"function","function":{"name":"w","arguments":"{}"}},
             {"id":"aB3dE6gH9","type":"function","function":{"name":"w","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"call_Ab12xyz","name":"w","content":"sunny"},
          {"role":"tool","tool_call_id":"aB3dE6gH9","content":"rain"}]}"#;
    let (out, _) = request(Vendor::Mistral, false, body).unwrap();
    let mapped = out["messages"][2]["tool_calls"][0]["id"].as_str().unwrap();
    assert!(
        mapped.len() == 9 && mapped.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{mapped}"
    );
    assert_eq!(out["messages"][3]["tool_call_id"], mapped);
    assert_eq!(out["messages"][2]["tool_calls"][1]["id"], "aB3dE6gH9");
    assert_eq!(out["messages"][4]["tool_call_id"], "aB3dE6gH9");
    assert_eq!(out["messages"][0]["role"], "system");
    assert_eq!(out["messages"][3]["name"], "w");
    let assistant = out["messages"][2].as_object().unwrap();
    assert!(!assistant.contains_key("refusal") && !assistant.contains_key("reasoning_content"));
    assert_eq!(out["random_seed"], 7);
    assert_eq!(out["max_tokens"], 64);
    for gone in ["seed", "max_completion_tokens", "user"] {
        assert!(out.get(gone).is_none(), "{gone}");
    }
    // Untouched values keep their bytes.
    let raw = translate_request(OPENAI, Vendor::Mistral, false, body.as_bytes(), &TARGET).unwrap();
    assert!(String::from_utf8(raw.body)
        .unwrap()
        .contains(r#""temperature":0.50"#));
    // The same history maps the same way on every replay.
    assert_eq!(request(Vendor::Mistral, false, body).unwrap().0, out);
}

#[test]
fn mistral_streams_send_no_stream_options_and_refuse_what_it_lacks() {
    let body = format!(
        r#"{{"model":"m",{HELLO},"stream":true,"stream_options":{{"include_usage":true}}}}"#
    );
    let (out, wants) = request(Vendor::Mistral, false, &body).unwrap();
    assert!(wants && out.get("stream_options").is_none());
    let e = refused(
        Vendor::Mistral,
        &format!(r#"{{"model":"m",{HELLO},"logprobs":true}}"#),
    );
    assert_eq!(e.param.as_deref(), Some("logprobs"));
    let e = refused(
        Vendor::Mistral,
        r#"{"model":"m","messages":[{"role":"user","name":"ann","content":"hi"}]}"#,
    );
    assert_eq!(e.param.as_deref(), Some("messages[0].name"));
    let (out, _) = request(
        Vendor::Mistral,
        false,
        &format!(r#"{{"model":"m",{HELLO},"seed":1,"random_seed":2}}"#),
    )
    .unwrap();
    assert_eq!(
        (out["random_seed"].clone(), out.get("seed")),
        (json!(2), None)
    );
}

#[test]
fn deepseek_zhipu_qwen_ollama_rules() {
    let (out, wants) = request(
        Vendor::Deepseek,
        false,
        &format!(
            r#"{{"model":"m",{HELLO},"max_tokens":5,"max_completion_tokens":50,"stream":true}}"#
        ),
    )
    .unwrap();
    assert_eq!(out["max_tokens"], 50);
    assert!(out.get("max_completion_tokens").is_none());
    assert_eq!(out["stream_options"], json!({"include_usage":true}));
    assert!(!wants);
    assert_eq!(
        refused(
            Vendor::Deepseek,
            &format!(r#"{{"model":"m",{HELLO},"n":3}}"#)
        )
        .param
        .as_deref(),
        Some("n")
    );
    let schema = format!(
        r#"{{"model":"m",{HELLO},"response_format":{{"type":"json_schema","json_schema":{{}}}}}}"#
    );
    assert_eq!(
        refused(Vendor::Deepseek, &schema).param.as_deref(),
        Some("response_format")
    );
    assert_eq!(
        refused(Vendor::Zhipu, &schema).param.as_deref(),
        Some("response_format")
    );
    let tool_choice = format!(r#"{{"model":"m",{HELLO},"tool_choice":"required"}}"#);
    assert_eq!(
        refused(Vendor::Zhipu, &tool_choice).param.as_deref(),
        Some("tool_choice")
    );
    assert_eq!(
        refused(Vendor::Ollama, &tool_choice).param.as_deref(),
        Some("tool_choice")
    );
    let (out, _) = request(Vendor::Zhipu, true, &tool_choice).unwrap();
    assert!(out.get("tool_choice").is_none());
    let stops = format!(r#"{{"model":"m",{HELLO},"stop":["a","b"]}}"#);
    assert_eq!(
        refused(Vendor::Zhipu, &stops).param.as_deref(),
        Some("stop")
    );
    let (out, _) = request(
        Vendor::Zhipu,
        false,
        &format!(r#"{{"model":"m",{HELLO},"max_completion_tokens":8,"tool_choice":"auto"}}"#),
    )
    .unwrap();
    assert_eq!(
        (out["max_tokens"].clone(), out["tool_choice"].clone()),
        (json!(8), json!("auto"))
    );
    let (out, _) = request(
        Vendor::Qwen,
        false,
        &format!(r#"{{"model":"m",{HELLO},"max_tokens":8}}"#),
    )
    .unwrap();
    assert_eq!(
        (out["max_completion_tokens"].clone(), out.get("max_tokens")),
        (json!(8), None)
    );
    let (out, _) = request(
        Vendor::Qwen,
        false,
        &format!(r#"{{"model":"m",{HELLO},"max_tokens":8,"max_completion_tokens":9}}"#),
    )
    .unwrap();
    assert_eq!(
        (out["max_completion_tokens"].clone(), out.get("max_tokens")),
        (json!(9), None)
    );
    // A null target is "not given": the renamed value replaces it.
    let (out, _) = request(
        Vendor::Qwen,
        false,
        &format!(r#"{{"model":"m",{HELLO},"max_completion_tokens":null,"max_tokens":8}}"#),
    )
    .unwrap();
    assert_eq!(
        (out["max_completion_tokens"].clone(), out.get("max_tokens")),
        (json!(8), None)
    );
    let (out, _) = request(
        Vendor::Ollama,
        false,
        &format!(r#"{{"model":"m",{HELLO},"tool_choice":"auto","n":1,"user":"u"}}"#),
    )
    .unwrap();
    assert_eq!(
        out,
        json!({"model":"up-model","messages":[{"role":"user","content":"hi"}]})
    );
}

#[test]
fn bad_client_bodies_are_400s_and_every_model_member_is_replaced() {
    for body in [
        "[1]",
        "{",
        "",
        "{\"model\":\"m\",\"messages\":[],\"stream\":true,\"stream_options\":3}",
    ] {
        let e = translate_request(OPENAI, Vendor::Mistral, false, body.as_bytes(), &TARGET);
        let e2 = translate_request(OPENAI, Vendor::Deepseek, false, body.as_bytes(), &TARGET);
        assert_eq!(e2.map(|_| ()).unwrap_err().status, 400, "{body}");
        if body.contains("stream_options") {
            continue; // Mistral drops stream_options altogether.
        }
        assert_eq!(e.map(|_| ()).unwrap_err().status, 400, "{body}");
    }
    let (out, _) = request(
        Vendor::Groq,
        false,
        r#"{"model":"a","messages":[],"mo\u0064el":"b"}"#,
    )
    .unwrap();
    assert_eq!(out["model"], "up-model");
}

// ---------------------------------------------------------------- answers

fn answer(vendor: Vendor, body: &str) -> Result<Option<Value>, GatewayError> {
    translate_response_at(OPENAI, vendor, body.as_bytes(), "served", 1)
        .map(|o| o.map(|b| serde_json::from_slice(&b).unwrap()))
}

#[test]
fn json_answers_are_fixed_per_vendor_and_left_alone_otherwise() {
    let mistral = r#"{"id":"a","object":"chat.completion","model":"mistral-small","choices":[{"index":0,"message":{"role":"assistant","content":"Mock reply"},"finish_reason":"model_length"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#;
    let out = answer(Vendor::Mistral, mistral).unwrap().unwrap();
    assert_eq!(out["choices"][0]["finish_reason"], "length");
    assert_eq!(out["usage"]["total_tokens"], 5);
    let e = answer(Vendor::Mistral, &mistral.replace("model_length", "error")).unwrap_err();
    assert_eq!(
        (e.status, e.code.as_str()),
        (502, "upstream_generation_failed")
    );
    assert!(
        answer(Vendor::Mistral, &mistral.replace("model_length", "stop"))
            .unwrap()
            .is_none()
    );

    let deepseek = r#"{"choices":[{"index":0,"message":{"role":"assistant","content":"hi","reasoning_content":"thought"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12,"prompt_cache_hit_tokens":8,"prompt_cache_miss_tokens":2}}"#;
    let out = answer(Vendor::Deepseek, deepseek).unwrap().unwrap();
    assert_eq!(out["usage"]["prompt_tokens_details"]["cached_tokens"], 8);
    assert_eq!(out["usage"]["prompt_cache_hit_tokens"], 8);
    assert_eq!(out["choices"][0]["message"]["reasoning_content"], "thought");
    let u = switchboard_core::usage::from_openai_body(&serde_json::to_vec(&out).unwrap()).unwrap();
    assert_eq!((u.input_tokens, u.cached_input_tokens), (10, 8));

    let zhipu = r#"{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"w","arguments":{"city":"Paris"}}}]},"finish_reason":"tool_calls"}]}"#;
    let out = answer(Vendor::Zhipu, zhipu).unwrap().unwrap();
    let args = out["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"]
        .as_str()
        .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(args).unwrap(),
        json!({"city":"Paris"})
    );

    let xai = r#"{"choices":[],"usage":{"prompt_tokens":663,"completion_tokens":50,"total_tokens":837,"completion_tokens_details":{"reasoning_tokens":124}}}"#;
    assert_eq!(
        answer(Vendor::Xai, xai).unwrap().unwrap()["usage"]["completion_tokens"],
        174
    );

    for vendor in [
        Vendor::Openai,
        Vendor::Groq,
        Vendor::Qwen,
        Vendor::Vllm,
        Vendor::Ollama,
    ] {
        assert!(!translates_answer(OPENAI, vendor));
        assert!(answer(vendor, mistral).unwrap().is_none());
    }
    assert!(answer(Vendor::Mistral, "<html>").unwrap().is_none());
}

#[test]
fn vendor_errors_come_back_openai_shaped_with_string_codes() {
    let mistral = br#"{"object":"error","message":"Tool call id was call_1 but must be a-z, A-Z, 0-9, with a length of 9.","type":"invalid_function_call","param":null,"code":"3280"}"#;
    let out: Value = serde_json::from_slice(&translate_error(OPENAI, 400, mistral)).unwrap();
    assert!(out["error"]["message"]
        .as_str()
        .unwrap()
        .contains("length of 9"));
    assert_eq!(out["error"]["code"], "invalid_request");
    let numeric = br#"{"error":{"message":"Rate limited","type":"rate_limit","code":1302}}"#;
    let out: Value = serde_json::from_slice(&translate_error(OPENAI, 429, numeric)).unwrap();
    assert_eq!(
        (
            out["error"]["code"].as_str(),
            out["error"]["message"].as_str()
        ),
        (Some("rate_limit_exceeded"), Some("Rate limited"))
    );
}

// ---------------------------------------------------------------- streams

fn run(
    vendor: Vendor,
    wants_usage: bool,
    input: &[u8],
    sizes: &[usize],
) -> (Vec<u8>, Option<Usage>) {
    let context = StreamContext {
        served_as: "served".into(),
        created: 1,
        client_wants_usage: wants_usage,
    };
    let mut t = stream_translator(OPENAI, vendor, context);
    let mut out = Vec::new();
    let mut rest = input;
    for &n in sizes {
        let (piece, tail) = rest.split_at(n.min(rest.len()));
        t.on_chunk(piece, &mut out);
        rest = tail;
    }
    t.on_end(&mut out);
    (out, t.usage())
}

/// Every split gives the golden output; returns it.
fn golden(vendor: Vendor, wants_usage: bool, input: &str, expected: &str) -> Option<Usage> {
    let mut usage = None;
    for sizes in splits(input.len()) {
        let (out, u) = run(vendor, wants_usage, input.as_bytes(), &sizes);
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            expected,
            "{vendor:?} split {sizes:?}"
        );
        assert_closed(&out, "golden");
        usage = u;
    }
    usage
}

const DONE: &str = "data: [DONE]\n\n";

#[test]
fn mistral_stream_maps_the_finish_and_moves_usage_last() {
    let head = r#"data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"mistral-small","choices":[{"index":0,"delta":{"role":"assistant","content":"Mock "},"finish_reason":null}]}"#;
    let last = r#"{"id":"c1","object":"chat.completion.chunk","created":7,"model":"mistral-small","choices":[{"index":0,"delta":{"content":"reply"},"finish_reason":"model_length"}],"usage":{"prompt_tokens":3,"total_tokens":5,"completion_tokens":2}}"#;
    let input = format!("{head}\n\ndata: {last}\n\n{DONE}");
    let fixed = r#"data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"mistral-small","choices":[{"index":0,"delta":{"content":"reply"},"finish_reason":"length"}]}"#;
    let usage = r#"data: {"id":"c1","object":"chat.completion.chunk","created":7,"model":"mistral-small","choices":[],"usage":{"prompt_tokens":3,"total_tokens":5,"completion_tokens":2}}"#;
    let u = golden(
        Vendor::Mistral,
        true,
        &input,
        &format!("{head}\n\n{fixed}\n\n{usage}\n\n{DONE}"),
    );
    assert_eq!(u.map(|u| (u.input_tokens, u.output_tokens)), Some((3, 2)));
    golden(
        Vendor::Mistral,
        false,
        &input,
        &format!("{head}\n\n{fixed}\n\n{DONE}"),
    );
    // finish_reason "error" ends the answer with an OpenAI error event.
    let failed = input.replace("model_length", "error");
    let (out, _) = run(Vendor::Mistral, false, failed.as_bytes(), &[failed.len()]);
    let events = items(&out);
    assert!(
        matches!(&events[1], Item::Json(v) if v["error"]["code"] == "upstream_generation_failed")
    );
    assert_eq!(events.last(), Some(&Item::Done));
}

#[test]
fn zhipu_stream_turns_object_arguments_into_text() {
    let input = concat!(
        "data: {\"id\":\"z\",\"created\":1,\"model\":\"glm-4.6\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"hm\"}}]}\n\n",
        "data: {\"id\":\"z\",\"created\":1,\"model\":\"glm-4.6\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":{\"city\":\"Paris\"}}}]},\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":6,\"total_tokens\":10}}\n\n",
        "data: [DONE]\n\n"
    );
    let expected = concat!(
        "data: {\"id\":\"z\",\"created\":1,\"model\":\"glm-4.6\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"hm\"}}]}\n\n",
        "data: {\"id\":\"z\",\"created\":1,\"model\":\"glm-4.6\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n",
        "data: {\"id\":\"z\",\"created\":1,\"model\":\"glm-4.6\",\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":6,\"total_tokens\":10}}\n\n",
        "data: [DONE]\n\n"
    );
    golden(Vendor::Zhipu, true, input, expected);
}

#[test]
fn deepseek_and_xai_usage_is_reported_the_openai_way() {
    let content = "data: {\"id\":\"d\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"r\",\"content\":\"\"},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n";
    let input = format!(
        "{content}data: {{\"id\":\"d\",\"choices\":[],\"usage\":{{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11,\"prompt_cache_hit_tokens\":8,\"prompt_cache_miss_tokens\":2}}}}\n\n: keep-alive\n\n{DONE}"
    );
    let expected = format!(
        "{content}: keep-alive\n\ndata: {{\"id\":\"d\",\"choices\":[],\"usage\":{{\"prompt_tokens\":10,\"completion_tokens\":1,\"total_tokens\":11,\"prompt_cache_hit_tokens\":8,\"prompt_cache_miss_tokens\":2,\"prompt_tokens_details\":{{\"cached_tokens\":8}}}}}}\n\n{DONE}"
    );
    let u = golden(Vendor::Deepseek, true, &input, &expected).unwrap();
    assert_eq!((u.input_tokens, u.cached_input_tokens), (10, 8));

    // xAI: usage on the finish chunk, then an empty chunk (litellm#17136).
    let input = format!(
        "data: {{\"id\":\"x\",\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":10,\"completion_tokens_details\":{{\"reasoning_tokens\":3}}}}}}\n\ndata: {{\"id\":\"x\",\"choices\":[]}}\n\n{DONE}"
    );
    let expected = format!(
        "data: {{\"id\":\"x\",\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}]}}\n\ndata: {{\"id\":\"x\",\"choices\":[],\"usage\":{{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10,\"completion_tokens_details\":{{\"reasoning_tokens\":3}}}}}}\n\n{DONE}"
    );
    let u = golden(Vendor::Xai, true, &input, &expected).unwrap();
    assert_eq!((u.output_tokens, u.reasoning_tokens), (5, 3));
}

#[test]
fn cut_streams_and_midstream_errors_are_closed_properly() {
    let cut = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Mo\"},\"finish_reason\":null}]}\n\ndata: {\"id\":\"c\",\"cho";
    let (out, _) = run(Vendor::Mistral, true, cut.as_bytes(), &[cut.len()]);
    let events = items(&out);
    assert!(
        matches!(&events[1], Item::Json(v) if v["error"]["code"] == "upstream_stream_interrupted")
    );
    assert_closed(&out, "cut");
    // A finished answer without [DONE] gets it, usage first.
    let unterminated = "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    let (out, _) = run(
        Vendor::Zhipu,
        true,
        unterminated.as_bytes(),
        &[unterminated.len()],
    );
    let events = items(&out);
    assert_eq!(events.len(), 3);
    assert!(stream_support::is_usage_chunk(&events[1]));
    // A vendor error event with a numeric code gets a string one.
    let error = "data: {\"error\":{\"code\":1301,\"message\":\"unsafe content\"}}\n\n";
    let (out, _) = run(Vendor::Zhipu, true, error.as_bytes(), &[3, error.len()]);
    let events = items(&out);
    assert!(
        matches!(&events[0], Item::Json(v) if v["error"]["code"].is_string() && v["error"]["message"] == "unsafe content")
    );
    assert_eq!(events, vec![events[0].clone_json(), Item::Done]);
}

trait CloneJson {
    fn clone_json(&self) -> Item;
}

impl CloneJson for Item {
    fn clone_json(&self) -> Item {
        match self {
            Item::Json(v) => Item::Json(v.clone()),
            Item::Done => Item::Done,
            Item::Comment(c) => Item::Comment(c.clone()),
        }
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let alphabet = b"{}[]\":,0123456789abcdefghijklmnopqrstuvwxyz_ \n\rdata:[DONE]nulltruefalse";
    for round in 0..400 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        for vendor in [
            Vendor::Mistral,
            Vendor::Groq,
            Vendor::Zhipu,
            Vendor::Deepseek,
            Vendor::Xai,
            Vendor::Qwen,
            Vendor::Ollama,
        ] {
            let _ = translate_request(OPENAI, vendor, round % 2 == 0, &bytes, &TARGET);
            let _ = translate_response_at(OPENAI, vendor, &bytes, "s", 0);
            let (out, _) = run(vendor, true, &bytes, &[rng.below(len + 1), len]);
            assert!(out.ends_with(DONE.as_bytes()));
        }
    }
}

/// `drop_unsupported` on a provider of another dialect: every top-level
/// parameter the translator refuses is dropped in turn; nested ones never.
#[test]
fn other_dialects_drop_refused_top_level_parameters_when_configured() {
    let body = format!(
        r#"{{"model":"x",{HELLO},"logit_bias":{{"1":2}},"n":2,"reasoning_effort":"low","temperature":0.2}}"#
    );
    for schema in [ProviderSchema::Anthropic, ProviderSchema::Bedrock] {
        let refused =
            translate_request(schema, Vendor::Openai, false, body.as_bytes(), &TARGET).unwrap_err();
        assert_eq!(refused.code, "unsupported_parameter", "{schema:?}");
        let out = translate_request(schema, Vendor::Openai, true, body.as_bytes(), &TARGET)
            .unwrap_or_else(|e| panic!("{schema:?}: {e:?}"));
        let text = String::from_utf8(out.body).unwrap();
        assert!(!text.contains("logit_bias"), "{text}");
    }
    let nested = r#"{"model":"x","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA==","format":"wav"}}]}]}"#;
    let e = translate_request(
        ProviderSchema::Anthropic,
        Vendor::Openai,
        true,
        nested.as_bytes(),
        &TARGET,
    )
    .unwrap_err();
    assert_eq!(e.status, 400, "a message part is never dropped");
}
