//! The token estimator against real tokenizers' counts on the labelled set.
//!
//! `data/prompts/reference_tokens.jsonl` holds, per prompt, the o200k_base and
//! cl100k_base counts of its message texts and of the whole request (written by
//! `data/prompts/gen/count_tokens.py` with a tokenizer that ships its vocabulary),
//! so this test needs no tokenizer. It prints the mean absolute percentage error
//! (MAPE) and the mean signed error per language group and fails above a ceiling.
//! Run with `--nocapture` to see the report.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::Path;

use serde_json::Value;
use switchboard_core::estimate::{estimate_request_tokens, estimate_tokens};

/// Ceilings, set just above what the estimator achieves (see docs/classifier.md).
const MAX_MAPE_EN_O200K: f64 = 0.08;
const MAX_MAPE_ALL_O200K: f64 = 0.09;
const MAX_MAPE_REQUEST_O200K: f64 = 0.08;

fn lines(name: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/prompts")
        .join(name);
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn message_texts(request: &Value) -> Vec<&str> {
    let mut out = vec![];
    for m in request["messages"].as_array().unwrap() {
        match &m["content"] {
            Value::String(s) => out.push(s.as_str()),
            Value::Array(parts) => {
                for p in parts {
                    if p["type"] == "text" {
                        out.push(p["text"].as_str().unwrap());
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn group(lang: &str) -> &'static str {
    match lang {
        "en" => "en",
        "zh" => "zh",
        "ja" => "ja",
        "ko" => "ko",
        _ => "es/fr/de/pt/it",
    }
}

/// (sum of |err|/ref, sum of err/ref, n) per group.
#[derive(Default, Clone, Copy)]
struct Acc {
    abs: f64,
    signed: f64,
    n: u32,
}

impl Acc {
    fn add(&mut self, estimate: u32, reference: u64) {
        if reference == 0 {
            return;
        }
        let e = (f64::from(estimate) - reference as f64) / reference as f64;
        self.abs += e.abs();
        self.signed += e;
        self.n += 1;
    }
    fn mape(&self) -> f64 {
        self.abs / f64::from(self.n.max(1))
    }
    fn bias(&self) -> f64 {
        self.signed / f64::from(self.n.max(1))
    }
}

#[test]
fn estimator_error_against_o200k_and_cl100k() {
    let refs: HashMap<String, Value> = lines("reference_tokens.jsonl")
        .into_iter()
        .map(|v| (v["id"].as_str().unwrap().to_owned(), v))
        .collect();
    let mut text: BTreeMap<(&str, &str), Acc> = BTreeMap::new();
    let mut request: BTreeMap<&str, Acc> = BTreeMap::new();
    for row in lines("labelled.jsonl") {
        let id = row["id"].as_str().unwrap();
        let r = &refs[id];
        let g = group(row["lang"].as_str().unwrap());
        let est: u32 = message_texts(&row["request"])
            .into_iter()
            .map(estimate_tokens)
            .sum();
        let body = serde_json::to_vec(&row["request"]).unwrap();
        let est_req = estimate_request_tokens(&body);
        for enc in ["o200k", "cl100k"] {
            let reference = r[enc]["text"].as_u64().unwrap();
            text.entry((enc, g)).or_default().add(est, reference);
            text.entry((enc, "all")).or_default().add(est, reference);
            let reference = r[enc]["request"].as_u64().unwrap();
            request.entry(enc).or_default().add(est_req, reference);
        }
    }
    println!("\nmessage texts: MAPE (mean signed error) per language group");
    for ((enc, g), a) in &text {
        println!(
            "  {enc:>6} {g:>15} n={:>3}  MAPE {:5.1}%  bias {:+5.1}%",
            a.n,
            100.0 * a.mape(),
            100.0 * a.bias()
        );
    }
    println!("whole requests (framing, tools, images included):");
    for (enc, a) in &request {
        println!(
            "  {enc:>6} n={:>3}  MAPE {:5.1}%  bias {:+5.1}%",
            a.n,
            100.0 * a.mape(),
            100.0 * a.bias()
        );
    }
    let en = text[&("o200k", "en")].mape();
    let all = text[&("o200k", "all")].mape();
    let req = request["o200k"].mape();
    assert!(en <= MAX_MAPE_EN_O200K, "English MAPE {en:.3}");
    assert!(all <= MAX_MAPE_ALL_O200K, "overall MAPE {all:.3}");
    assert!(req <= MAX_MAPE_REQUEST_O200K, "request MAPE {req:.3}");
}
