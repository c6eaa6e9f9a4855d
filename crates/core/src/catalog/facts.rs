//! Wire types of the hand-curated facts files, `data/catalog/facts/<provider>.json`.
//!
//! A facts file holds only public facts about one provider: where they were
//! read (`source`, `corroboration`), when (`as_of`), its ZDR statement, and per
//! model the name, limits, list prices, capabilities and the provider's own
//! tiering. Nothing derived (quality, latency) lives here; `build` derives it.
//!
//! Invariant: unknown fields are refused; capability names stay strings here so
//! that `build` can name the exact entry of an unknown one.

use serde::{Deserialize, Serialize};

use super::error::CatalogError;
use super::model::{Dialect, Price, PriceSource, Specialty, SpeedClass, Tier, Zdr};

/// Everything known about one provider, as curated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFacts {
    /// Short id, `[a-z0-9_-]+`; the facts file is `facts/<provider>.json`.
    pub provider: String,
    pub display_name: String,
    pub api: Dialect,
    /// Date of the facts, YYYY-MM-DD.
    pub as_of: String,
    /// The provider's own pricing/model pages (https URLs).
    pub source: Vec<String>,
    /// Dated third-party records used to confirm or date the facts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corroboration: Vec<String>,
    pub zdr: Zdr,
    pub speed: SpeedClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    pub models: Vec<ModelFacts>,
}

/// One model as curated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFacts {
    /// Upstream model name, exactly as the provider's API expects it.
    pub name: String,
    pub vendor: String,
    pub family: String,
    /// Release month, YYYY-MM.
    pub released: String,
    pub tier: Tier,
    pub context_window: u64,
    pub max_output: u64,
    pub price: Price,
    /// Names from `tools`, `vision`, `json_schema`, `reasoning`, `streaming`.
    pub capabilities: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specialties: Vec<Specialty>,
    pub price_source: PriceSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl ProviderFacts {
    /// Parses one facts file; `label` (e.g. `facts/openai.json`) prefixes errors.
    pub fn from_json(label: &str, bytes: &[u8]) -> Result<Self, CatalogError> {
        serde_json::from_slice(bytes).map_err(|e| CatalogError::new(label, e.to_string()))
    }

    /// The label `build` uses in error paths: `facts/<provider>.json`.
    pub fn label(&self) -> String {
        format!("facts/{}.json", self.provider)
    }
}
