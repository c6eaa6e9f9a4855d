//! Plugin-configuration overrides of the shipped catalog: add providers and
//! models, change prices/limits/capabilities/quality/latency/ZDR of existing
//! models, disable models.
//!
//! Invariants: pure (the base catalog is untouched; a new one is returned);
//! applied in a fixed order — `providers`, then `add`, then `update`, then
//! `disable` — so a model added here can be updated or disabled in the same
//! overrides; all-or-nothing: the first fault aborts with its exact path
//! (`overrides: update[2].price.input`) and nothing is applied.

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use super::build;
use super::error::{At, CatalogError};
use super::facts::ModelFacts;
use super::model::{Dialect, Latency, Price, ProviderInfo, Quality, SpeedClass, Zdr, ZdrPolicy};
use super::rules;
use super::Catalog;
use crate::classify::TaskKind;

/// What a plugin configuration may change in the catalog.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogOverrides {
    /// Providers the shipped catalog does not know (self-hosted, private deals).
    #[serde(default)]
    pub providers: Vec<ProviderAdd>,
    /// New models; quality and latency follow the catalog rules unless given.
    #[serde(default)]
    pub add: Vec<ModelAdd>,
    /// Changes to existing models, by id.
    #[serde(default)]
    pub update: Vec<ModelPatch>,
    /// Ids of models no route may use.
    #[serde(default)]
    pub disable: Vec<String>,
}

/// A provider added by configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderAdd {
    pub provider: String,
    pub display_name: String,
    pub api: Dialect,
    pub zdr: ZdrPolicy,
    #[serde(default = "standard")]
    pub speed: SpeedClass,
}

fn standard() -> SpeedClass {
    SpeedClass::Standard
}

/// A model added by configuration, with the same facts a facts file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelAdd {
    pub provider: String,
    pub model: ModelFacts,
    #[serde(default)]
    pub quality: Option<Quality>,
    #[serde(default)]
    pub latency: Option<Latency>,
}

/// Changes to one model; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPatch {
    /// `<provider>/<name>`.
    pub id: String,
    /// Replaces the whole price (e.g. a negotiated rate).
    #[serde(default)]
    pub price: Option<Price>,
    #[serde(default)]
    pub context_window: Option<u64>,
    #[serde(default)]
    pub max_output: Option<u64>,
    /// Replaces the capability list.
    #[serde(default)]
    pub capabilities: Option<Vec<String>>,
    #[serde(default)]
    pub quality: Option<QualityPatch>,
    #[serde(default)]
    pub latency: Option<Latency>,
    /// E.g. `on_request` → `default` once a ZDR agreement is signed.
    #[serde(default)]
    pub zdr: Option<ZdrPolicy>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// Per-task quality changes; absent tasks keep their score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualityPatch {
    #[serde(default)]
    pub chat: Option<u8>,
    #[serde(default)]
    pub summarize: Option<u8>,
    #[serde(default)]
    pub code: Option<u8>,
    #[serde(default)]
    pub data_analysis: Option<u8>,
    #[serde(default)]
    pub agent: Option<u8>,
    #[serde(default)]
    pub reasoning: Option<u8>,
}

impl QualityPatch {
    fn entries(&self) -> [(TaskKind, Option<u8>); 6] {
        [
            (TaskKind::Chat, self.chat),
            (TaskKind::Summarize, self.summarize),
            (TaskKind::Code, self.code),
            (TaskKind::DataAnalysis, self.data_analysis),
            (TaskKind::Agent, self.agent),
            (TaskKind::Reasoning, self.reasoning),
        ]
    }
}

impl Catalog {
    /// A new catalog with `overrides` applied (see the module invariants).
    pub fn merge_overrides(&self, overrides: &CatalogOverrides) -> Result<Catalog, CatalogError> {
        let mut doc = self.doc.clone();
        let at = At::file("overrides");

        for (i, p) in overrides.providers.iter().enumerate() {
            let pat = at.index("providers", i);
            build::check_id(&pat.key("provider"), &p.provider)?;
            if p.display_name.trim().is_empty() {
                return Err(pat.key("display_name").err("must not be empty"));
            }
            if doc.providers.iter().any(|e| e.provider == p.provider) {
                return Err(pat.key("provider").err("provider already in the catalog"));
            }
            doc.providers.push(ProviderInfo {
                provider: p.provider.clone(),
                display_name: p.display_name.clone(),
                api: p.api,
                as_of: doc.reference_date.clone(),
                source: Vec::new(),
                corroboration: Vec::new(),
                zdr: Zdr {
                    policy: p.zdr,
                    basis: "set by the plugin configuration".to_string(),
                    source: String::new(),
                },
                speed: p.speed,
            });
        }

        let reference = rules::month_index(&doc.reference_date, true).unwrap_or(0);
        let mut index: HashMap<String, usize> = doc
            .models
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();

        for (i, a) in overrides.add.iter().enumerate() {
            let aat = at.index("add", i);
            let provider = doc
                .providers
                .iter()
                .find(|p| p.provider == a.provider)
                .ok_or_else(|| {
                    aat.key("provider")
                        .err(format!("unknown provider `{}`", a.provider))
                })?;
            // Configuration may add models newer than the shipped facts.
            let mut m = build::model(&aat.key("model"), provider, &a.model, u32::MAX, reference)?;
            if let Some(q) = a.quality {
                build::check_quality(&aat.key("quality"), &q)?;
                m.quality = q;
            }
            if let Some(l) = a.latency {
                check_latency(&aat.key("latency"), &l)?;
                m.latency = l;
            }
            if index.contains_key(&m.id) {
                return Err(aat.key("model").key("name").err(format!(
                    "`{}` is already in the catalog; use `update`",
                    m.id
                )));
            }
            index.insert(m.id.clone(), doc.models.len());
            doc.models.push(m);
        }

        for (i, u) in overrides.update.iter().enumerate() {
            let uat = at.index("update", i);
            let m = index
                .get(&u.id)
                .and_then(|&k| doc.models.get_mut(k))
                .ok_or_else(|| uat.key("id").err(format!("unknown model `{}`", u.id)))?;
            if let Some(c) = u.context_window {
                m.context_window = c;
            }
            if let Some(o) = u.max_output {
                m.max_output = o;
            }
            build::check_limits(&uat, m.context_window, m.max_output)?;
            if let Some(p) = &u.price {
                m.price = p.clone();
            }
            build::check_price(&uat.key("price"), &m.price, m.context_window)?;
            if let Some(names) = &u.capabilities {
                m.capabilities = build::capability_set(&uat.key("capabilities"), names)?;
            }
            if let Some(q) = &u.quality {
                for (task, value) in q.entries() {
                    if let Some(v) = value {
                        if v > 100 {
                            return Err(uat
                                .key("quality")
                                .key(task.as_str())
                                .err(format!("quality {v} is outside 0..=100")));
                        }
                        m.quality.set(task, v);
                    }
                }
            }
            if let Some(l) = u.latency {
                check_latency(&uat.key("latency"), &l)?;
                m.latency = l;
            }
            if let Some(z) = u.zdr {
                m.zdr = z;
            }
            if let Some(e) = u.enabled {
                m.enabled = e;
            }
        }

        for (i, id) in overrides.disable.iter().enumerate() {
            let m = index
                .get(id)
                .and_then(|&k| doc.models.get_mut(k))
                .ok_or_else(|| at.index("disable", i).err(format!("unknown model `{id}`")))?;
            m.enabled = false;
        }

        Catalog::from_doc(doc)
    }
}

fn check_latency(at: &At<'_>, l: &Latency) -> Result<(), CatalogError> {
    if l.ttft_ms == 0 || l.output_tokens_per_s == 0 {
        return Err(at.err("latency figures must be > 0"));
    }
    Ok(())
}
