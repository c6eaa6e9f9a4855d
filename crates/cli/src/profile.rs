//! Routing profiles from the shipped catalog: a gateway-file model that names
//! its catalog id gets that entry's limits, prices, capabilities, per-task
//! quality and latency in the policy config, which makes it a candidate of
//! automatic routes.

use std::sync::OnceLock;

use switchboard_core::catalog::{Capability, Catalog};
use switchboard_core::select::ModelProfile;

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
    })
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
    }
}
