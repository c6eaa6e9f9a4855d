#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `build` and `Catalog::from_json` refuse bad data and name the exact path.

use serde_json::{json, Value};
use switchboard_core::catalog::{build, build_from_files, Catalog, CatalogError, ProviderFacts};

fn model(name: &str) -> Value {
    json!({
        "name": name,
        "vendor": "acme",
        "family": "acme-1",
        "released": "2026-01",
        "tier": "large",
        "context_window": 128000,
        "max_output": 8192,
        "price": {"input": 1.0, "output": 4.0, "cached_input": 0.1},
        "capabilities": ["tools", "streaming"],
        "price_source": "official"
    })
}

fn facts(provider: &str) -> Value {
    json!({
        "provider": provider,
        "display_name": "Acme AI",
        "api": "openai",
        "as_of": "2026-06-01",
        "source": ["https://acme.example/pricing"],
        "zdr": {"policy": "on_request", "basis": "by contract", "source": "https://acme.example/privacy"},
        "speed": "standard",
        "models": [model("acme-large"), model("acme-small")]
    })
}

fn parse(v: &Value) -> ProviderFacts {
    ProviderFacts::from_json("facts/test.json", v.to_string().as_bytes()).unwrap()
}

fn build_err(values: &[Value]) -> CatalogError {
    let facts: Vec<ProviderFacts> = values.iter().map(parse).collect();
    build(&facts).unwrap_err()
}

/// `v` with the value at `pointer` replaced (or added, when its parent exists).
fn with(mut v: Value, pointer: &str, new: Value) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    match v.pointer_mut(parent).unwrap() {
        Value::Array(items) => items[key.parse::<usize>().unwrap()] = new,
        Value::Object(map) => {
            map.insert(key.to_string(), new);
        }
        _ => panic!("{parent} is not a container"),
    }
    v
}

#[test]
fn valid_facts_build() {
    let doc = build(&[parse(&facts("acme"))]).unwrap();
    assert_eq!(doc.models.len(), 2);
    assert_eq!(doc.models[0].id, "acme/acme-large");
    assert_eq!(doc.reference_date, "2026-06-01");
}

#[test]
fn prices_must_be_positive() {
    let e = build_err(&[with(facts("acme"), "/models/1/price/input", json!(0.0))]);
    assert_eq!(e.path(), "facts/acme.json: models[1].price.input");
    let e = build_err(&[with(facts("acme"), "/models/0/price/output", json!(-2))]);
    assert_eq!(e.path(), "facts/acme.json: models[0].price.output");
    let e = build_err(&[with(
        facts("acme"),
        "/models/0/price/cached_input",
        json!(0),
    )]);
    assert_eq!(e.path(), "facts/acme.json: models[0].price.cached_input");
    assert!(e
        .to_string()
        .starts_with("facts/acme.json: models[0].price.cached_input: "));
}

#[test]
fn price_bands_must_increase_below_the_context() {
    let band = |above: u64| json!({"above_input_tokens": above, "input": 2.0, "output": 8.0});
    let ok = with(
        facts("acme"),
        "/models/0/price/tiers",
        json!([band(32000), band(64000)]),
    );
    assert!(build(&[parse(&ok)]).is_ok());
    let e = build_err(&[with(
        facts("acme"),
        "/models/0/price/tiers",
        json!([band(64000), band(32000)]),
    )]);
    assert_eq!(
        e.path(),
        "facts/acme.json: models[0].price.tiers[1].above_input_tokens"
    );
    let e = build_err(&[with(
        facts("acme"),
        "/models/0/price/tiers",
        json!([band(128000)]),
    )]);
    assert_eq!(
        e.path(),
        "facts/acme.json: models[0].price.tiers[0].above_input_tokens"
    );
}

#[test]
fn context_must_hold_the_max_output() {
    let e = build_err(&[with(facts("acme"), "/models/1/max_output", json!(200000))]);
    assert_eq!(e.path(), "facts/acme.json: models[1].max_output");
    let e = build_err(&[with(facts("acme"), "/models/0/context_window", json!(0))]);
    assert_eq!(e.path(), "facts/acme.json: models[0].context_window");
}

#[test]
fn names_are_unique_per_provider_but_not_across_providers() {
    let e = build_err(&[with(facts("acme"), "/models/1/name", json!("acme-large"))]);
    assert_eq!(e.path(), "facts/acme.json: models[1].name");
    assert!(e.message().contains("models[0]"));
    // The same upstream name at two providers is two catalog entries.
    let doc = build(&[parse(&facts("acme")), parse(&facts("beta"))]).unwrap();
    assert_eq!(doc.models.len(), 4);
    let e = build_err(&[facts("acme"), facts("acme")]);
    assert_eq!(e.path(), "facts/acme.json: provider");
}

#[test]
fn capabilities_are_a_closed_set() {
    let e = build_err(&[with(
        facts("acme"),
        "/models/0/capabilities",
        json!(["tools", "telepathy"]),
    )]);
    assert_eq!(e.path(), "facts/acme.json: models[0].capabilities[1]");
    assert!(e.message().contains("telepathy"));
    let e = build_err(&[with(
        facts("acme"),
        "/models/1/capabilities",
        json!(["vision", "vision"]),
    )]);
    assert_eq!(e.path(), "facts/acme.json: models[1].capabilities[1]");
}

#[test]
fn dates_are_checked() {
    let e = build_err(&[with(facts("acme"), "/as_of", json!("June 2026"))]);
    assert_eq!(e.path(), "facts/acme.json: as_of");
    let e = build_err(&[with(facts("acme"), "/models/0/released", json!("2026-13"))]);
    assert_eq!(e.path(), "facts/acme.json: models[0].released");
    let e = build_err(&[with(facts("acme"), "/models/0/released", json!("2026-07"))]);
    assert_eq!(e.path(), "facts/acme.json: models[0].released");
    assert!(e.message().contains("after"));
}

#[test]
fn provider_fields_are_checked() {
    let e = build_err(&[with(
        facts("acme"),
        "/source/0",
        json!("http://acme.example"),
    )]);
    assert_eq!(e.path(), "facts/acme.json: source[0]");
    let e = build_err(&[with(facts("acme"), "/source", json!([]))]);
    assert_eq!(e.path(), "facts/acme.json: source");
    let e = build_err(&[with(facts("acme"), "/zdr/basis", json!(" "))]);
    assert_eq!(e.path(), "facts/acme.json: zdr.basis");
    let e = build_err(&[facts("Acme Corp")]);
    assert_eq!(e.path(), "facts/Acme Corp.json: provider");
    let e = build_err(&[with(facts("acme"), "/models", json!([]))]);
    assert_eq!(e.path(), "facts/acme.json: models");
    assert!(build(&[]).is_err());
}

#[test]
fn unknown_fields_and_enum_values_are_refused_at_parse() {
    let mut v = facts("acme");
    v["models"][0]["colour"] = json!("blue");
    let e = ProviderFacts::from_json("facts/acme.json", v.to_string().as_bytes()).unwrap_err();
    assert_eq!(e.path(), "facts/acme.json");
    assert!(e.message().contains("colour"));
    let v = with(facts("acme"), "/models/0/tier", json!("huge"));
    assert!(ProviderFacts::from_json("facts/acme.json", v.to_string().as_bytes()).is_err());
}

#[test]
fn files_must_be_named_after_their_provider() {
    let bytes = facts("acme").to_string();
    let e = build_from_files(&[("facts/other.json", bytes.as_bytes())]).unwrap_err();
    assert_eq!(e.path(), "facts/other.json: provider");
    assert!(build_from_files(&[("facts/acme.json", bytes.as_bytes())]).is_ok());
}

fn stored(mutate: impl FnOnce(&mut Value)) -> Result<Catalog, CatalogError> {
    let doc = build(&[parse(&facts("acme"))]).unwrap();
    let mut v = serde_json::to_value(&doc).unwrap();
    mutate(&mut v);
    Catalog::from_json(v.to_string().as_bytes())
}

#[test]
fn a_hand_edited_catalog_is_revalidated() {
    assert!(stored(|_| {}).is_ok());
    let e = stored(|v| v["models"][1]["quality"]["code"] = json!(101)).unwrap_err();
    assert_eq!(e.path(), "catalog.json: models[1].quality.code");
    let e = stored(|v| v["models"][1]["id"] = json!("acme/acme-large")).unwrap_err();
    assert_eq!(e.path(), "catalog.json: models[1].id");
    let e = stored(|v| v["models"][0]["provider"] = json!("nobody")).unwrap_err();
    assert_eq!(e.path(), "catalog.json: models[0].provider");
    let e = stored(|v| v["models"][0]["price"]["input"] = json!(-1)).unwrap_err();
    assert_eq!(e.path(), "catalog.json: models[0].price.input");
    let e = stored(|v| v["models"][0]["capabilities"] = json!(["tools", "magic"])).unwrap_err();
    assert!(e.message().contains("magic"));
    let e = stored(|v| v["version"] = json!(99)).unwrap_err();
    assert_eq!(e.path(), "catalog.json: version");
    assert!(Catalog::from_json(b"not json").is_err());
}
