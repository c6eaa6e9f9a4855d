//! Model catalog: which models exist, who serves them, what they cost, what
//! they can do, how good and how fast they typically are, and whether their
//! provider offers zero data retention.
//!
//! Data flow: hand-curated public facts (`data/catalog/facts/<provider>.json`,
//! [`ProviderFacts`]) → [`build`] (validation + the documented quality/latency
//! rules) → the shipped document `data/catalog/catalog.json` ([`CatalogDoc`]) →
//! [`Catalog::from_json`] at configure time (parse, re-validate, index once) →
//! [`Catalog::merge_overrides`] applies the plugin configuration's additions,
//! price changes and disables. Sources, dates and rules: docs/catalog.md.
//!
//! Invariants: a `Catalog` only exists validated (positive prices, context ≥
//! max output, unique `provider/name` ids, known capabilities, quality in
//! 0..=100); lookups are hash-map reads on indexes built once; nothing here does
//! I/O, and nothing panics on any input.

mod build;
mod error;
mod facts;
mod model;
mod overrides;
mod rules;

use hashbrown::HashMap;

pub use build::{build, build_from_files, CATALOG_VERSION};
pub use error::CatalogError;
pub use facts::{ModelFacts, ProviderFacts};
pub use model::{
    Capability, CapabilitySet, CatalogDoc, Dialect, Latency, Model, Price, PriceSource, PriceTier,
    ProviderInfo, Quality, Rates, Specialty, SpeedClass, Tier, Zdr, ZdrPolicy,
};
pub use overrides::{CatalogOverrides, ModelAdd, ModelPatch, ProviderAdd, QualityPatch};

use error::At;

/// The validated, indexed catalog.
#[derive(Debug, Clone)]
pub struct Catalog {
    doc: CatalogDoc,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, Vec<usize>>,
    by_provider: HashMap<String, usize>,
}

impl Catalog {
    /// Parses and validates a catalog document (`catalog.json`) and indexes it.
    pub fn from_json(bytes: &[u8]) -> Result<Self, CatalogError> {
        let doc: CatalogDoc = serde_json::from_slice(bytes)
            .map_err(|e| CatalogError::new("catalog.json", e.to_string()))?;
        Self::from_doc(doc)
    }

    /// Builds the catalog straight from facts (what `catalog.json` is made of).
    pub fn from_facts(facts: &[ProviderFacts]) -> Result<Self, CatalogError> {
        Self::from_doc(build(facts)?)
    }

    /// Validates a document and builds the lookup indexes.
    pub fn from_doc(doc: CatalogDoc) -> Result<Self, CatalogError> {
        let at = At::file("catalog.json");
        if doc.version != CATALOG_VERSION {
            return Err(at.key("version").err(format!(
                "version {} is not supported (expected {CATALOG_VERSION})",
                doc.version
            )));
        }
        if rules::month_index(&doc.reference_date, true).is_none() {
            return Err(at.key("reference_date").err("not a YYYY-MM-DD date"));
        }
        let mut by_provider = HashMap::with_capacity(doc.providers.len());
        for (i, p) in doc.providers.iter().enumerate() {
            let pat = at.index("providers", i);
            build::check_id(&pat.key("provider"), &p.provider)?;
            if p.zdr.basis.trim().is_empty() {
                return Err(pat.key("zdr").key("basis").err("must not be empty"));
            }
            if by_provider.insert(p.provider.clone(), i).is_some() {
                return Err(pat.key("provider").err("duplicate provider"));
            }
        }
        let mut by_id = HashMap::with_capacity(doc.models.len());
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::with_capacity(doc.models.len());
        for (i, m) in doc.models.iter().enumerate() {
            let mat = at.index("models", i);
            check_model(&mat, m, &by_provider)?;
            if let Some(first) = by_id.insert(m.id.clone(), i) {
                return Err(mat
                    .key("id")
                    .err(format!("`{}` duplicates models[{first}]", m.id)));
            }
            by_name.entry(m.name.clone()).or_default().push(i);
        }
        Ok(Self {
            doc,
            by_id,
            by_name,
            by_provider,
        })
    }

    /// The document, pretty-printed with a trailing newline (the form
    /// `catalog.json` is stored in).
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(&self.doc).unwrap_or_default();
        out.push(b'\n');
        out
    }

    pub fn doc(&self) -> &CatalogDoc {
        &self.doc
    }

    /// Newest facts date of all providers (YYYY-MM-DD).
    pub fn reference_date(&self) -> &str {
        &self.doc.reference_date
    }

    /// Every model, disabled ones included, in catalog order.
    pub fn models(&self) -> &[Model] {
        &self.doc.models
    }

    /// Models a route may use.
    pub fn enabled_models(&self) -> impl Iterator<Item = &Model> {
        self.doc.models.iter().filter(|m| m.enabled)
    }

    pub fn len(&self) -> usize {
        self.doc.models.len()
    }

    pub fn is_empty(&self) -> bool {
        self.doc.models.is_empty()
    }

    /// The model with id `<provider>/<name>`.
    pub fn get(&self, id: &str) -> Option<&Model> {
        self.by_id.get(id).and_then(|&i| self.doc.models.get(i))
    }

    /// The model `name` as served by `provider`.
    pub fn get_by(&self, provider: &str, name: &str) -> Option<&Model> {
        self.by_name_iter(name).find(|m| m.provider == provider)
    }

    /// Every provider's entry for the upstream name `name`.
    pub fn by_name(&self, name: &str) -> impl Iterator<Item = &Model> {
        self.by_name_iter(name)
    }

    fn by_name_iter<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a Model> + 'a {
        self.by_name
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| self.doc.models.get(i))
    }

    pub fn providers(&self) -> &[ProviderInfo] {
        &self.doc.providers
    }

    pub fn provider(&self, id: &str) -> Option<&ProviderInfo> {
        self.by_provider
            .get(id)
            .and_then(|&i| self.doc.providers.get(i))
    }
}

/// Re-checks one catalog entry (the stored file may have been edited by hand).
fn check_model(
    at: &At<'_>,
    m: &Model,
    providers: &HashMap<String, usize>,
) -> Result<(), CatalogError> {
    if !providers.contains_key(&m.provider) {
        return Err(at
            .key("provider")
            .err(format!("unknown provider `{}`", m.provider)));
    }
    build::check_name(&at.key("name"), &m.name)?;
    if m.id != format!("{}/{}", m.provider, m.name) {
        return Err(at.key("id").err("id must be `<provider>/<name>`"));
    }
    if rules::month_index(&m.released, false).is_none() {
        return Err(at.key("released").err("not a YYYY-MM month"));
    }
    build::check_limits(at, m.context_window, m.max_output)?;
    build::check_price(&at.key("price"), &m.price, m.context_window)?;
    build::check_quality(&at.key("quality"), &m.quality)?;
    if m.latency.ttft_ms == 0 || m.latency.output_tokens_per_s == 0 {
        return Err(at.key("latency").err("latency figures must be > 0"));
    }
    Ok(())
}
