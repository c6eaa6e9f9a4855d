//! The classifier against the project's labelled prompt set
//! (`data/prompts/labelled.jsonl`, written for Switchboard; see docs/classifier.md).
//!
//! Prints accuracy, macro-F1 and the confusion matrix for the whole set, the
//! training split and the held-out split (ids whose last digit is 0, 1 or 2, never
//! looked at while tuning), and fails if either falls below its floor, so a
//! regression shows up in `cargo test`. Run with `--nocapture` to see the report;
//! set `CLASSIFY_SHOW_HELDOUT=1` to also list held-out mistakes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::needless_range_loop
)]

use std::fs;
use std::path::Path;

use serde_json::Value;
use switchboard_core::classify::{classify_chat_request, TaskKind};

/// Floors, set just below what the classifier achieves (see docs/classifier.md).
const MIN_MACRO_F1_ALL: f64 = 0.93;
const MIN_MACRO_F1_HELD_OUT: f64 = 0.90;
const MIN_ACCURACY_ALL: f64 = 0.93;

struct Row {
    id: String,
    label: TaskKind,
    lang: String,
    body: Vec<u8>,
}

fn load() -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/prompts/labelled.jsonl");
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            Row {
                id: v["id"].as_str().unwrap().to_owned(),
                label: TaskKind::from_name(v["label"].as_str().unwrap()).unwrap(),
                lang: v["lang"].as_str().unwrap().to_owned(),
                body: serde_json::to_vec(&v["request"]).unwrap(),
            }
        })
        .collect()
}

fn held_out(id: &str) -> bool {
    matches!(id.chars().last(), Some('0' | '1' | '2'))
}

/// `m[label][predicted]`
type Confusion = [[u32; 6]; 6];

fn macro_f1(m: &Confusion) -> f64 {
    let mut sum = 0.0;
    for k in 0..6 {
        let tp = f64::from(m[k][k]);
        let fp: f64 = (0..6).filter(|&i| i != k).map(|i| f64::from(m[i][k])).sum();
        let fn_: f64 = (0..6).filter(|&j| j != k).map(|j| f64::from(m[k][j])).sum();
        let f1 = if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (2.0 * tp + fp + fn_)
        };
        sum += f1;
    }
    sum / 6.0
}

fn accuracy(m: &Confusion) -> f64 {
    let total: u32 = m.iter().flatten().sum();
    let right: u32 = (0..6).map(|k| m[k][k]).sum();
    f64::from(right) / f64::from(total.max(1))
}

fn report(name: &str, m: &Confusion) -> (f64, f64) {
    let (acc, f1) = (accuracy(m), macro_f1(m));
    let n: u32 = m.iter().flatten().sum();
    println!("\n{name}: n={n} accuracy={acc:.3} macro-F1={f1:.3}");
    print!("{:>14}", "label \\ pred");
    for k in TaskKind::ALL {
        print!("{:>10}", short(k));
    }
    println!();
    for k in TaskKind::ALL {
        print!("{:>14}", k.as_str());
        for p in TaskKind::ALL {
            print!("{:>10}", m[k.index()][p.index()]);
        }
        println!();
    }
    (acc, f1)
}

fn short(k: TaskKind) -> &'static str {
    match k {
        TaskKind::DataAnalysis => "data",
        TaskKind::Summarize => "summ",
        TaskKind::Reasoning => "reason",
        other => other.as_str(),
    }
}

#[test]
fn labelled_set_accuracy_and_macro_f1() {
    let rows = load();
    assert!(rows.len() >= 300, "the set must hold at least 300 prompts");
    let show_held_out = std::env::var("CLASSIFY_SHOW_HELDOUT").is_ok();
    let (mut all, mut train, mut held) = ([[0u32; 6]; 6], [[0u32; 6]; 6], [[0u32; 6]; 6]);
    let (mut non_en_right, mut non_en) = (0u32, 0u32);
    for row in &rows {
        let c = classify_chat_request(&row.body).unwrap();
        let (l, p) = (row.label.index(), c.kind.index());
        all[l][p] += 1;
        if held_out(&row.id) {
            held[l][p] += 1;
        } else {
            train[l][p] += 1;
        }
        if row.lang != "en" {
            non_en += 1;
            non_en_right += u32::from(l == p);
        }
        if l != p && (!held_out(&row.id) || show_held_out) {
            let scores: Vec<String> = c.scores.iter().map(|s| format!("{s:.1}")).collect();
            println!(
                "miss {} [{}] {} -> {} ({}; scores {})",
                row.id,
                row.lang,
                row.label,
                c.kind,
                c.reason,
                scores.join(" ")
            );
        }
    }
    let (acc_all, f1_all) = report("all", &all);
    report("training split", &train);
    let (_, f1_held) = report("held-out split (ids ending 0-2)", &held);
    println!(
        "\nnon-English: {non_en_right}/{non_en} = {:.3}",
        f64::from(non_en_right) / f64::from(non_en.max(1))
    );
    assert!(acc_all >= MIN_ACCURACY_ALL, "accuracy {acc_all:.3}");
    assert!(f1_all >= MIN_MACRO_F1_ALL, "macro-F1 {f1_all:.3}");
    assert!(
        f1_held >= MIN_MACRO_F1_HELD_OUT,
        "held-out macro-F1 {f1_held:.3}"
    );
}

/// Python's `json.dumps` escapes every non-ASCII character by default: such a
/// body must classify exactly as its UTF-8 twin (same kind, same features).
#[test]
fn ascii_escaped_bodies_classify_like_utf8_ones() {
    for row in load().iter().filter(|r| r.lang != "en") {
        let utf8 = std::str::from_utf8(&row.body).unwrap();
        let mut escaped = String::with_capacity(utf8.len() * 2);
        for c in utf8.chars() {
            if c.is_ascii() {
                escaped.push(c);
            } else {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    escaped.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
        let a = classify_chat_request(row.body.as_slice()).unwrap();
        let b = classify_chat_request(escaped.as_bytes()).unwrap();
        assert_eq!(a.kind, b.kind, "{}", row.id);
        // Long texts are sampled by raw bytes, and escapes are longer than UTF-8,
        // so only unsampled bodies must agree exactly.
        if escaped.len() < 8 * 1024 {
            assert_eq!(a.features, b.features, "{}", row.id);
        }
    }
}
