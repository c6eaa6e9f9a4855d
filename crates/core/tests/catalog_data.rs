#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The shipped catalog: `data/catalog/catalog.json` is exactly what the facts
//! files produce, it is large and sourced enough, and its lookups work.

use std::path::{Path, PathBuf};
use std::time::Instant;

use switchboard_core::catalog::{build_from_files, Capability, Catalog, PriceSource, ZdrPolicy};
use switchboard_core::classify::TaskKind;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/catalog")
}

fn facts_files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(data_dir().join("facts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            (format!("facts/{name}"), std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn built() -> Catalog {
    let files = facts_files();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(l, b)| (l.as_str(), b.as_slice()))
        .collect();
    Catalog::from_doc(build_from_files(&refs).unwrap()).unwrap()
}

fn shipped_bytes() -> Vec<u8> {
    std::fs::read(data_dir().join("catalog.json")).unwrap()
}

fn shipped() -> Catalog {
    Catalog::from_json(&shipped_bytes()).unwrap()
}

#[test]
fn catalog_json_is_produced_from_the_facts() {
    let produced = built().to_json();
    assert!(
        produced == shipped_bytes(),
        "data/catalog/catalog.json is stale: run `switchboard catalog build`"
    );
}

#[test]
fn building_twice_and_in_any_file_order_gives_the_same_bytes() {
    let mut files = facts_files();
    files.reverse();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(l, b)| (l.as_str(), b.as_slice()))
        .collect();
    let reversed = Catalog::from_doc(build_from_files(&refs).unwrap()).unwrap();
    assert_eq!(reversed.to_json(), built().to_json());
}

#[test]
fn stored_catalog_round_trips() {
    assert_eq!(shipped().to_json(), shipped_bytes());
}

#[test]
fn at_least_200_sourced_models_from_at_least_8_providers() {
    let c = shipped();
    let sourced: Vec<_> = c.models().iter().filter(|m| m.is_sourced()).collect();
    assert!(
        sourced.len() >= 200,
        "only {} sourced models",
        sourced.len()
    );
    let mut providers: Vec<&str> = sourced.iter().map(|m| m.provider.as_str()).collect();
    providers.sort_unstable();
    providers.dedup();
    assert!(providers.len() >= 8, "only {providers:?}");
    for vendor in [
        "openai",
        "anthropic",
        "google",
        "meta",
        "xai",
        "deepseek",
        "alibaba",
        "zhipu",
        "mistral",
        "cohere",
        "amazon",
        "moonshot",
        "minimax",
    ] {
        assert!(
            sourced.iter().any(|m| m.vendor == vendor),
            "no sourced model from {vendor}"
        );
    }
    // Unverified entries exist but are flagged, never counted.
    assert!(c
        .models()
        .iter()
        .any(|m| m.price_source == PriceSource::Unverified && !m.is_sourced()));
}

#[test]
fn every_provider_records_sources_date_and_zdr_basis() {
    for p in shipped().providers() {
        assert!(!p.source.is_empty() && p.source.iter().all(|u| u.starts_with("https://")));
        assert_eq!(p.as_of.len(), 10, "{}", p.provider);
        assert!(!p.zdr.basis.is_empty());
    }
}

#[test]
fn compact_enough_to_embed() {
    assert!(shipped_bytes().len() <= 300 * 1024);
}

#[test]
fn lookups_by_id_provider_and_name() {
    let c = shipped();
    let m = c.get("openai/gpt-4.1").unwrap();
    assert_eq!((m.price.input, m.price.output), (2.0, 8.0));
    assert_eq!(m.price.cached_input, Some(0.5));
    assert!(m.has(Capability::Tools) && m.has(Capability::Vision));
    assert_eq!(c.get_by("openai", "gpt-4.1").unwrap().id, "openai/gpt-4.1");
    assert!(c.get("openai/no-such-model").is_none());
    assert!(c.get_by("groq", "gpt-4.1").is_none());

    let groq = c.get("groq/llama-3.3-70b-versatile").unwrap();
    assert_eq!(groq.vendor, "meta");
    let names: Vec<&str> = c
        .by_name("gpt-oss-120b")
        .map(|m| m.provider.as_str())
        .collect();
    assert_eq!(names, ["cerebras"]);
    // Names may contain slashes; the id splits at the first one.
    assert!(c
        .get("together/meta-llama/Llama-3.3-70B-Instruct-Turbo")
        .is_some());
    assert_eq!(
        c.provider("bedrock").unwrap().display_name,
        "Amazon Bedrock"
    );
    assert_eq!(c.enabled_models().count(), c.len());
}

#[test]
fn long_prompt_bands_change_the_rate_for_the_whole_request() {
    let c = shipped();
    let pro = &c.get("google/gemini-2.5-pro").unwrap().price;
    assert_eq!(pro.rates_for(200_000).input, 1.25);
    assert_eq!(pro.rates_for(200_001).input, 2.5);
    let cost = pro.cost_usd(300_000, 0, 1_000);
    assert!((cost - (300_000.0 * 2.5 + 1_000.0 * 15.0) / 1e6).abs() < 1e-12);

    let qwen = &c.get("alibaba/qwen3-max").unwrap().price;
    assert_eq!(qwen.rates_for(10_000).output, 6.0);
    assert_eq!(qwen.rates_for(64_000).output, 12.0);
    assert_eq!(qwen.rates_for(200_000).output, 15.0);
    // Without a published cache rate, cache hits cost the input rate.
    assert_eq!(qwen.rates_for(10_000).cached_input, 1.2);
}

#[test]
fn zdr_follows_the_provider_statement() {
    let c = shipped();
    assert!(c
        .models()
        .iter()
        .filter(|m| m.provider == "bedrock")
        .all(|m| m.zdr.offers_zdr()));
    assert_eq!(
        c.get("deepseek/deepseek-v4-flash").unwrap().zdr,
        ZdrPolicy::Unknown
    );
    assert_eq!(
        c.get("anthropic/claude-sonnet-4-5").unwrap().zdr,
        ZdrPolicy::OnRequest
    );
}

#[test]
fn quality_and_latency_follow_the_rules() {
    let c = shipped();
    let coder = c.get("openai/gpt-5.1-codex").unwrap();
    assert!(coder.quality.for_task(TaskKind::Code) > coder.quality.for_task(TaskKind::Chat));
    let no_tools = c.get("openai/gpt-5-chat-latest").unwrap();
    assert!(no_tools.quality.agent + 20 < no_tools.quality.chat);
    let frontier = c.get("anthropic/claude-opus-4-5").unwrap();
    let small = c.get("openai/gpt-4o-mini").unwrap();
    for task in TaskKind::ALL {
        assert!(
            frontier.quality.for_task(task) > small.quality.for_task(task),
            "{task}"
        );
    }
    let groq = c.get("groq/llama-3.3-70b-versatile").unwrap();
    let bedrock = c.get("bedrock/meta.llama3-3-70b-instruct-v1:0").unwrap();
    assert!(groq.latency.output_tokens_per_s > bedrock.latency.output_tokens_per_s);
    for m in c.models() {
        for task in TaskKind::ALL {
            assert!(m.quality.for_task(task) <= 100);
        }
        assert!(m.context_window >= m.max_output);
    }
}

#[test]
#[ignore = "timing print; run with --ignored --nocapture"]
fn load_time() {
    let bytes = shipped_bytes();
    let runs = 50u32;
    let start = Instant::now();
    for _ in 0..runs {
        let c = Catalog::from_json(&bytes).unwrap();
        assert!(c.len() >= 200);
    }
    let each = start.elapsed() / runs;
    println!(
        "Catalog::from_json ({} bytes): {each:?} per load",
        bytes.len()
    );
}
