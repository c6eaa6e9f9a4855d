//! Edge cases of task recognition: request shapes, rules that override scoring,
//! role weighting, sizes, errors, and totality on arbitrary bytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use switchboard_core::classify::{classify_chat_request, Classification, TaskKind};
use switchboard_core::estimate::{estimate_request_tokens, estimate_tokens};

fn classify(v: Value) -> Classification {
    classify_chat_request(&serde_json::to_vec(&v).unwrap()).unwrap()
}

fn user(text: &str) -> Value {
    json!({"model": "auto", "messages": [{"role": "user", "content": text}]})
}

#[test]
fn kinds_round_trip_through_their_names() {
    for k in TaskKind::ALL {
        assert_eq!(TaskKind::from_name(k.as_str()), Some(k));
        assert_eq!(serde_json::to_value(k).unwrap(), json!(k.as_str()));
    }
    assert_eq!(TaskKind::from_name("poetry"), None);
}

#[test]
fn tools_make_an_agent_unless_disabled() {
    let tools = json!([{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]);
    let mut body = user("Summarise this article: the council voted on Tuesday.");
    body["tools"] = tools.clone();
    let c = classify(body.clone());
    assert_eq!((c.kind, c.reason), (TaskKind::Agent, "tools offered"));
    assert!(c.features.has_tools);
    assert_eq!(
        c.scores[TaskKind::Agent.index()],
        c.scores.iter().copied().fold(0.0, f32::max)
    );

    body["tool_choice"] = json!("none");
    let c = classify(body.clone());
    assert_eq!(c.kind, TaskKind::Summarize);
    assert!(!c.features.has_tools);

    body["tools"] = json!([]);
    body.as_object_mut().unwrap().remove("tool_choice");
    assert_eq!(classify(body).kind, TaskKind::Summarize);
}

#[test]
fn a_tool_loop_is_an_agent_even_without_tools() {
    let body = json!({"model": "m", "messages": [
        {"role": "user", "content": "weather in Oslo?"},
        {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "{\"temp_c\": 3}"}
    ]});
    let c = classify(body);
    assert_eq!(
        (c.kind, c.reason),
        (TaskKind::Agent, "tool loop in progress")
    );
    assert!(c.features.in_tool_loop);
}

#[test]
fn the_last_user_message_outweighs_the_history() {
    let code = "```python\ndef f(x):\n    return x[0]\n```\n".repeat(3);
    let body = json!({"model": "m", "messages": [
        {"role": "user", "content": format!("Why does this fail?\n{code}")},
        {"role": "assistant", "content": format!("Because the list is empty.\n{code}")},
        {"role": "user", "content": "Thanks! Unrelated: can you recommend a podcast about history?"}
    ]});
    assert_eq!(classify(body).kind, TaskKind::Chat);
}

#[test]
fn the_material_decides_over_the_verb() {
    let table = "| region | q1 | q2 |\n|---|---|---|\n| north | 120 | 150 |\n| south | 90 | 80 |\n| east | 60 | 75 |";
    assert_eq!(
        classify(user(&format!("Summarize this table:\n{table}"))).kind,
        TaskKind::DataAnalysis
    );
    let code = "```rust\nfn main() {\n    let v = vec![1, 2];\n    println!(\"{:?}\", v);\n}\n```";
    assert_eq!(
        classify(user(&format!("Summarize what this does:\n{code}"))).kind,
        TaskKind::Code
    );
}

#[test]
fn non_english_prompts_are_recognised() {
    for (text, kind) in [
        ("请总结以下文章的主要内容。", TaskKind::Summarize),
        ("次の文章を要約してください。", TaskKind::Summarize),
        ("다음 글을 요약해 주세요.", TaskKind::Summarize),
        ("用Python写一个函数，把字符串反转。", TaskKind::Code),
        ("証明してください：√2は無理数である。", TaskKind::Reasoning),
        ("Résume ce texte en trois phrases.", TaskKind::Summarize),
        (
            "Beweise, dass es unendlich viele Primzahlen gibt.",
            TaskKind::Reasoning,
        ),
        (
            "Analiza estos datos de ventas por región.",
            TaskKind::DataAnalysis,
        ),
    ] {
        assert_eq!(classify(user(text)).kind, kind, "{text}");
    }
}

#[test]
fn request_facts_are_extracted() {
    let body = json!({
        "model": "auto",
        "max_completion_tokens": 800,
        "response_format": {"type": "json_object"},
        "reasoning_effort": "high",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
            ]}
        ]
    });
    let f = classify(body).features;
    assert!(f.has_images && f.wants_json && f.reasoning_requested);
    assert_eq!(f.max_output_tokens, Some(800));
    assert_eq!(f.messages, 2);
    assert_eq!(
        f.last_user_chars,
        "What is in this picture?".chars().count() as u32
    );
    assert!(
        f.prompt_tokens_estimate > 765,
        "an image counts: {}",
        f.prompt_tokens_estimate
    );
}

#[test]
fn sizes_count_characters_not_bytes() {
    let f = classify(user("总结总结总结")).features;
    assert_eq!(f.total_chars, 6);
    assert_eq!(f.cjk_chars, 6);
}

#[test]
fn a_megabyte_prompt_is_sampled_but_its_size_still_counts() {
    let doc = "The committee met again to review the budget and the schedule. ".repeat(16_000);
    let body = user(&format!("{doc}\nPlease summarise the text above."));
    let c = classify(body.clone());
    assert_eq!(c.kind, TaskKind::Summarize);
    let exact = estimate_tokens(&doc);
    let est = c.features.prompt_tokens_estimate;
    assert!(
        est.abs_diff(exact) * 20 < exact,
        "sampled estimate {est} vs full scan {exact}"
    );
    assert!(c.features.total_chars > 1_000_000);
    assert_eq!(
        estimate_request_tokens(&serde_json::to_vec(&body).unwrap()),
        est
    );
}

#[test]
fn malformed_bodies_are_400s() {
    for (body, code) in [
        (&b""[..], "invalid_json"),
        (b"{not json", "invalid_json"),
        (b"[1,2]", "invalid_request"),
        (br#"{"model":"m"}"#, "invalid_request"),
        (br#"{"model":"m","messages":[]}"#, "invalid_request"),
        (br#"{"model":"m","messages":"hi"}"#, "invalid_request"),
        (br#"{"model":"m","messages":[1]}"#, "invalid_request"),
    ] {
        let e = classify_chat_request(body).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (400, code),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn odd_but_valid_shapes_do_not_fail() {
    for body in [
        json!({"messages": [{"role": "user"}]}),
        json!({"messages": [{"role": "user", "content": null}]}),
        json!({"messages": [{"role": "user", "content": 42}]}),
        json!({"messages": [{"role": "user", "content": [{"type": "text"}, {"no": "type"}, 7]}]}),
        json!({"messages": [{"content": "no role at all"}]}),
        json!({"messages": [{"role": "user", "content": "\u{0}\u{1f600}\\u"}], "tools": {"not": "an array"}}),
    ] {
        let c = classify(body.clone());
        assert!(c.confidence >= 0.0 && c.confidence <= 1.0, "{body}");
    }
}

#[test]
fn classification_is_deterministic() {
    let body =
        serde_json::to_vec(&user("Prove that the sum of two even numbers is even.")).unwrap();
    let a = classify_chat_request(&body).unwrap();
    for _ in 0..10 {
        assert_eq!(classify_chat_request(&body).unwrap(), a);
    }
    assert_eq!(a.kind, TaskKind::Reasoning);
}

/// Random, truncated and mutated bodies: an answer or a 400, never a panic.
#[test]
fn arbitrary_bytes_never_panic() {
    let seed_bodies: Vec<Vec<u8>> = [
        user("Summarize: the council voted."),
        user("```js\nconst x = () => 1;\n```"),
        json!({"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "总结\\u00e9"}]}], "tools": []}),
    ]
    .iter()
    .map(|v| serde_json::to_vec(v).unwrap())
    .collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..3_000 {
        let base = &seed_bodies[i % seed_bodies.len()];
        let mut body = base.clone();
        match next() % 3 {
            0 => body.truncate((next() as usize) % (base.len() + 1)),
            1 => {
                for _ in 0..4 {
                    let at = (next() as usize) % body.len();
                    body[at] = next() as u8;
                }
            }
            _ => body = (0..(next() % 64)).map(|_| next() as u8).collect(),
        }
        if let Err(e) = classify_chat_request(&body) {
            assert_eq!(e.status, 400);
        }
        let _ = estimate_request_tokens(&body);
    }
}
