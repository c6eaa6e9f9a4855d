//! Routing profiles from the shipped catalog: a gateway-file model that names
//! its catalog id gets that entry's limits, prices, capabilities, per-task
//! quality and latency in the policy config, which makes it a candidate of
//! automatic routes.

use std::sync::OnceLock;

use switchboard_core::catalog::{Capability, Catalog};
use switchboard_core::select::ModelProfile;

use crate::gateway::Model;

static CATALOG_JSON: &[u8] = include_bytes!("../../core/data/catalog/catalog.json");

fn catalog() -> Option<&'static Catalog> {
    static CATALOG: OnceLock<Option<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| Catalog::from_json(CATALOG_JSON).ok())
        .as_ref()
}

/// The routing profile of catalog model `id`, if the catalog has it.
pub fn profile(id: &str) -> Option<ModelProfile> {
    let m = catalog()?.get(id)?;
    Some(ModelProfile {
        context_window: m.context_window,
        max_output: m.max_output,
        input_price: m.price.input,
        output_price: m.price.output,
        quality: m.quality,
        ttft_ms: m.latency.ttft_ms,
        output_tokens_per_s: m.latency.output_tokens_per_s,
        tools: m.has(Capability::Tools),
        vision: m.has(Capability::Vision),
        json_schema: m.has(Capability::JsonSchema),
        zdr: m.zdr.offers_zdr(),
    })
}

/// A gateway-file model's routing profile: its catalog entry with the model's
/// `profile` fields laid over it (or that `profile` alone, complete, when it
/// names no catalog entry). Errors name the faulty field.
pub fn model_profile(model: &Model) -> Result<Option<ModelProfile>, String> {
    let base = match model.catalog.as_deref() {
        Some(id) => Some(profile(id).ok_or_else(|| format!("unknown catalog model '{id}'"))?),
        None => None,
    };
    let Some(patch) = &model.profile else {
        return Ok(base);
    };
    let serde_json::Value::Object(fields) = patch else {
        return Err("must be a mapping of profile fields".to_owned());
    };
    let mut merged = match &base {
        Some(b) => serde_json::to_value(b).map_err(|e| e.to_string())?,
        None => serde_json::Value::Object(serde_json::Map::new()),
    };
    if let serde_json::Value::Object(target) = &mut merged {
        for (k, v) in fields {
            target.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(merged)
        .map(Some)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_models_have_profiles() {
        let p = profile("openai/gpt-4o-mini").unwrap();
        assert_eq!(p.context_window, 128_000);
        assert!(p.tools);
        assert!(profile("nobody/nothing").is_none());
        assert!(p.json_schema && p.zdr, "{p:?}");
    }

    fn model(yaml: &str) -> Model {
        serde_norway::from_str(yaml).unwrap()
    }

    #[test]
    fn profile_fields_override_the_catalog() {
        let m = model("{name: m, chain: [], catalog: openai/gpt-4o-mini, profile: {input_price: 0.01, zdr: false}}");
        let p = model_profile(&m).unwrap().unwrap();
        assert_eq!(p.input_price, 0.01);
        assert!(!p.zdr);
        assert_eq!(p.context_window, 128_000);
        let typo =
            model("{name: m, chain: [], catalog: openai/gpt-4o-mini, profile: {input_prise: 1}}");
        assert!(model_profile(&typo).unwrap_err().contains("input_prise"));
        let partial = model("{name: m, chain: [], profile: {input_price: 1}}");
        assert!(
            model_profile(&partial).is_err(),
            "without a catalog entry the profile must be whole"
        );
        let none = model("{name: m, chain: []}");
        assert_eq!(model_profile(&none).unwrap(), None);
    }
}
