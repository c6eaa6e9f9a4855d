#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `Catalog::merge_overrides`: add, change, disable — pure and all-or-nothing.

use std::path::Path;

use serde_json::json;
use switchboard_core::catalog::{Catalog, CatalogError, CatalogOverrides, ZdrPolicy};

fn shipped() -> Catalog {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/catalog/catalog.json");
    Catalog::from_json(&std::fs::read(path).unwrap()).unwrap()
}

fn overrides(v: serde_json::Value) -> CatalogOverrides {
    serde_json::from_value(v).unwrap()
}

fn merge_err(v: serde_json::Value) -> CatalogError {
    shipped().merge_overrides(&overrides(v)).unwrap_err()
}

fn new_model(name: &str) -> serde_json::Value {
    json!({
        "name": name,
        "vendor": "meta",
        "family": "llama-4",
        "released": "2027-02",
        "tier": "medium",
        "context_window": 131072,
        "max_output": 8192,
        "price": {"input": 0.02, "output": 0.02},
        "capabilities": ["tools", "streaming"],
        "price_source": "official"
    })
}

#[test]
fn empty_overrides_change_nothing() {
    let base = shipped();
    let merged = base.merge_overrides(&CatalogOverrides::default()).unwrap();
    assert_eq!(merged.to_json(), base.to_json());
}

#[test]
fn a_negotiated_price_replaces_the_list_price_without_touching_the_base() {
    let base = shipped();
    let o = overrides(json!({"update": [{
        "id": "openai/gpt-4.1",
        "price": {"input": 1.5, "output": 6.0, "cached_input": 0.3}
    }]}));
    let merged = base.merge_overrides(&o).unwrap();
    assert_eq!(merged.get("openai/gpt-4.1").unwrap().price.input, 1.5);
    assert_eq!(base.get("openai/gpt-4.1").unwrap().price.input, 2.0);
}

#[test]
fn self_hosted_provider_and_model_get_rule_derived_scores() {
    let o = overrides(json!({
        "providers": [{"provider": "onprem", "display_name": "On-prem vLLM", "api": "openai", "zdr": "default"}],
        "add": [
            {"provider": "onprem", "model": new_model("llama-4-scout")},
            {"provider": "onprem", "model": new_model("llama-4-tuned"),
             "quality": {"chat": 70, "summarize": 70, "code": 90, "data_analysis": 70, "agent": 80, "reasoning": 60},
             "latency": {"ttft_ms": 80, "output_tokens_per_s": 300}}
        ]
    }));
    let merged = shipped().merge_overrides(&o).unwrap();
    let scout = merged.get("onprem/llama-4-scout").unwrap();
    assert_eq!(scout.zdr, ZdrPolicy::Default);
    assert!(scout.quality.chat > 0 && scout.latency.ttft_ms > 0);
    let tuned = merged.get("onprem/llama-4-tuned").unwrap();
    assert_eq!(tuned.quality.code, 90);
    assert_eq!(tuned.latency.output_tokens_per_s, 300);
    assert_eq!(merged.by_name("llama-4-scout").count(), 1);
    assert_eq!(merged.len(), shipped().len() + 2);
}

#[test]
fn disable_and_reenable() {
    let o = overrides(json!({
        "disable": ["openai/gpt-4o", "xai/grok-4.3"],
        "update": [{"id": "xai/grok-4.3", "enabled": false}]
    }));
    let merged = shipped().merge_overrides(&o).unwrap();
    assert!(!merged.get("openai/gpt-4o").unwrap().enabled);
    assert_eq!(merged.enabled_models().count(), merged.len() - 2);
    assert!(merged.enabled_models().all(|m| m.id != "openai/gpt-4o"));
    // Disabled models stay visible to lookups (so a request can be told why).
    assert!(merged.get("openai/gpt-4o").is_some());

    let back = merged
        .merge_overrides(&overrides(
            json!({"update": [{"id": "openai/gpt-4o", "enabled": true}]}),
        ))
        .unwrap();
    assert!(back.get("openai/gpt-4o").unwrap().enabled);
}

#[test]
fn partial_quality_limits_capabilities_and_zdr() {
    let o = overrides(json!({"update": [{
        "id": "deepseek/deepseek-v4-flash",
        "quality": {"code": 95},
        "max_output": 8192,
        "capabilities": ["tools", "json_schema", "streaming", "reasoning"],
        "zdr": "on_request"
    }]}));
    let base = shipped();
    let before = base.get("deepseek/deepseek-v4-flash").unwrap().quality;
    let merged = base.merge_overrides(&o).unwrap();
    let m = merged.get("deepseek/deepseek-v4-flash").unwrap();
    assert_eq!(m.quality.code, 95);
    assert_eq!(m.quality.chat, before.chat);
    assert_eq!(m.max_output, 8192);
    assert!(m.zdr.offers_zdr());
    assert!(m.has(switchboard_core::catalog::Capability::Reasoning));
}

#[test]
fn faults_name_the_override_path() {
    let e = merge_err(json!({"update": [{"id": "openai/gpt-9"}]}));
    assert_eq!(e.path(), "overrides: update[0].id");
    let e = merge_err(
        json!({"update": [{"id": "openai/gpt-4.1"}, {"id": "openai/gpt-4.1", "quality": {"code": 101}}]}),
    );
    assert_eq!(e.path(), "overrides: update[1].quality.code");
    let e = merge_err(json!({"update": [{"id": "openai/gpt-4o", "max_output": 200000}]}));
    assert_eq!(e.path(), "overrides: update[0].max_output");
    let e =
        merge_err(json!({"update": [{"id": "openai/gpt-4o", "price": {"input": 0, "output": 1}}]}));
    assert_eq!(e.path(), "overrides: update[0].price.input");
    let e = merge_err(json!({"update": [{"id": "openai/gpt-4o", "capabilities": ["psychic"]}]}));
    assert_eq!(e.path(), "overrides: update[0].capabilities[0]");
    let e = merge_err(json!({"disable": ["openai/gpt-4o", "nobody/nothing"]}));
    assert_eq!(e.path(), "overrides: disable[1]");
    let e = merge_err(json!({"add": [{"provider": "nobody", "model": new_model("x")}]}));
    assert_eq!(e.path(), "overrides: add[0].provider");
    let e = merge_err(json!({"add": [{"provider": "openai", "model": new_model("gpt-4.1")}]}));
    assert_eq!(e.path(), "overrides: add[0].model.name");
    let mut bad = new_model("x");
    bad["price"]["output"] = json!(-1);
    let e = merge_err(json!({"add": [{"provider": "openai", "model": bad}]}));
    assert_eq!(e.path(), "overrides: add[0].model.price.output");
    let e = merge_err(
        json!({"providers": [{"provider": "openai", "display_name": "again", "api": "openai", "zdr": "unknown"}]}),
    );
    assert_eq!(e.path(), "overrides: providers[0].provider");
}

#[test]
fn unknown_override_fields_are_refused() {
    let r: Result<CatalogOverrides, _> =
        serde_json::from_value(json!({"update": [{"id": "openai/gpt-4o", "prize": {}}]}));
    assert!(r.is_err());
    let r: Result<CatalogOverrides, _> = serde_json::from_value(json!({"remove": []}));
    assert!(r.is_err());
}
