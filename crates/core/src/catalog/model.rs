//! Wire types of the generated catalog (`data/catalog/catalog.json`) and the
//! small value types shared with the facts files.
//!
//! Invariants: every struct refuses unknown fields; prices are USD per million
//! tokens; a price's `tiers` are ordered by threshold and each replaces the base
//! rates for the whole request once the prompt exceeds it (the providers' own
//! billing rule); capability and specialty names are a closed set.

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::classify::TaskKind;

/// The request dialect a provider speaks (which translator serves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    Openai,
    Anthropic,
    Gemini,
    Bedrock,
    Cohere,
}

/// The provider's positioning of a model inside its own lineup; the input of
/// the quality and latency rules (docs/catalog.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Tiny,
    Small,
    Medium,
    Large,
    Frontier,
}

/// Serving-hardware class of a provider, the other input of the latency rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeedClass {
    /// GPU serving at ordinary speed.
    Standard,
    /// Inference-specific chips, a few times faster (Groq LPU).
    Fast,
    /// Wafer-scale serving, close to an order of magnitude faster (Cerebras).
    Ultra,
}

/// Whether the provider offers zero data retention for API traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZdrPolicy {
    /// Prompts and outputs are not stored, without any arrangement.
    Default,
    /// Available, but must be arranged or switched on for the account.
    OnRequest,
    /// Not offered, or not documented in the sources read.
    Unknown,
}

impl ZdrPolicy {
    /// True when a tenant that requires ZDR may use this provider (given the
    /// arrangement where one is needed).
    pub fn offers_zdr(self) -> bool {
        matches!(self, ZdrPolicy::Default | ZdrPolicy::OnRequest)
    }
}

/// How a model's price was confirmed (docs/catalog.md, "Sources").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    /// Read on the provider's own pricing or model page.
    Official,
    /// The provider's list price as recorded identically by at least two
    /// independent, dated price trackers that cite the provider's page.
    Tracker,
    /// One source only, or sources disagree: kept for completeness, never
    /// counted as sourced.
    Unverified,
}

/// What a model is built or marketed for beyond general use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Specialty {
    /// Named or marketed by its provider as a coding model.
    Code,
}

/// One request feature a model supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    Tools,
    Vision,
    JsonSchema,
    Reasoning,
    Streaming,
}

impl Capability {
    /// Every capability, in wire order.
    pub const ALL: [Capability; 5] = [
        Capability::Tools,
        Capability::Vision,
        Capability::JsonSchema,
        Capability::Reasoning,
        Capability::Streaming,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Capability::Tools => "tools",
            Capability::Vision => "vision",
            Capability::JsonSchema => "json_schema",
            Capability::Reasoning => "reasoning",
            Capability::Streaming => "streaming",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    const fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of capabilities, one bit each; on the wire a list of names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CapabilitySet(u8);

impl CapabilitySet {
    pub const fn empty() -> Self {
        Self(0)
    }

    pub fn with(self, c: Capability) -> Self {
        Self(self.0 | c.bit())
    }

    pub fn has(self, c: Capability) -> bool {
        self.0 & c.bit() != 0
    }

    /// True when every capability of `needed` is present.
    pub fn contains(self, needed: CapabilitySet) -> bool {
        self.0 & needed.0 == needed.0
    }

    pub fn iter(self) -> impl Iterator<Item = Capability> {
        Capability::ALL.into_iter().filter(move |c| self.has(*c))
    }
}

impl FromIterator<Capability> for CapabilitySet {
    fn from_iter<I: IntoIterator<Item = Capability>>(iter: I) -> Self {
        iter.into_iter().fold(Self::empty(), Self::with)
    }
}

impl Serialize for CapabilitySet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for c in self.iter() {
            seq.serialize_element(c.as_str())?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for CapabilitySet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> Visitor<'de> for Names {
            type Value = CapabilitySet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of capability names")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CapabilitySet, A::Error> {
                let mut set = CapabilitySet::empty();
                while let Some(name) = seq.next_element::<&str>()? {
                    let c = Capability::from_name(name)
                        .ok_or_else(|| de::Error::custom(format!("unknown capability `{name}`")))?;
                    set = set.with(c);
                }
                Ok(set)
            }
        }
        deserializer.deserialize_seq(Names)
    }
}

/// USD per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    /// Cache-hit input; absent when the provider publishes no cache rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    /// Long-prompt bands, ascending; see [`Price::rates_for`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<PriceTier>,
}

/// Rates that replace the base rates once a prompt exceeds `above_input_tokens`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceTier {
    pub above_input_tokens: u64,
    pub input: f64,
    pub output: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
}

/// The rates one request pays, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    pub input: f64,
    pub output: f64,
    /// Cache hits; the input rate when no cache rate is published.
    pub cached_input: f64,
}

impl Price {
    /// The rates for a request whose prompt (uncached + cached input tokens) is
    /// `prompt_tokens` long: the highest band it exceeds, else the base.
    pub fn rates_for(&self, prompt_tokens: u64) -> Rates {
        let band = self
            .tiers
            .iter()
            .rev()
            .find(|t| prompt_tokens > t.above_input_tokens);
        match band {
            Some(t) => Rates {
                input: t.input,
                output: t.output,
                cached_input: t.cached_input.or(self.cached_input).unwrap_or(t.input),
            },
            None => Rates {
                input: self.input,
                output: self.output,
                cached_input: self.cached_input.unwrap_or(self.input),
            },
        }
    }

    /// USD for one request: `input` uncached and `cached` cache-hit prompt
    /// tokens, `output` generated tokens (reasoning included).
    pub fn cost_usd(&self, input: u64, cached: u64, output: u64) -> f64 {
        let r = self.rates_for(input.saturating_add(cached));
        (input as f64 * r.input + cached as f64 * r.cached_input + output as f64 * r.output)
            / 1_000_000.0
    }
}

/// Expected answer quality per task kind, 0..=100 (docs/catalog.md, "Quality").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quality {
    pub chat: u8,
    pub summarize: u8,
    pub code: u8,
    pub data_analysis: u8,
    pub agent: u8,
    pub reasoning: u8,
}

impl Quality {
    pub fn for_task(&self, task: TaskKind) -> u8 {
        match task {
            TaskKind::Chat => self.chat,
            TaskKind::Summarize => self.summarize,
            TaskKind::Code => self.code,
            TaskKind::DataAnalysis => self.data_analysis,
            TaskKind::Agent => self.agent,
            TaskKind::Reasoning => self.reasoning,
        }
    }

    pub(crate) fn set(&mut self, task: TaskKind, value: u8) {
        match task {
            TaskKind::Chat => self.chat = value,
            TaskKind::Summarize => self.summarize = value,
            TaskKind::Code => self.code = value,
            TaskKind::DataAnalysis => self.data_analysis = value,
            TaskKind::Agent => self.agent = value,
            TaskKind::Reasoning => self.reasoning = value,
        }
    }
}

/// Typical latency (docs/catalog.md, "Latency"); live measurements replace it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    /// Time to first (visible) token, milliseconds.
    pub ttft_ms: u32,
    /// Output tokens per second once streaming.
    pub output_tokens_per_s: u32,
}

/// A provider's ZDR policy and the public statement it rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zdr {
    pub policy: ZdrPolicy,
    pub basis: String,
    pub source: String,
}

/// A provider as it appears in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderInfo {
    pub provider: String,
    pub display_name: String,
    pub api: Dialect,
    /// Date of the facts (YYYY-MM-DD).
    pub as_of: String,
    /// The provider's own pages the facts come from.
    pub source: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corroboration: Vec<String>,
    pub zdr: Zdr,
    pub speed: SpeedClass,
}

/// One routable model: a (provider, upstream model name) pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// `<provider>/<name>`, unique in the catalog.
    pub id: String,
    pub provider: String,
    /// The provider's model name, sent upstream as is.
    pub name: String,
    /// Who built the model (differs from `provider` for hosted open models).
    pub vendor: String,
    pub family: String,
    /// Release month, YYYY-MM.
    pub released: String,
    pub tier: Tier,
    pub context_window: u64,
    pub max_output: u64,
    pub price: Price,
    pub capabilities: CapabilitySet,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub specialties: Vec<Specialty>,
    pub quality: Quality,
    pub latency: Latency,
    pub zdr: ZdrPolicy,
    pub price_source: PriceSource,
    /// False when a configuration override disabled the model.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
}

impl Model {
    pub fn has(&self, c: Capability) -> bool {
        self.capabilities.has(c)
    }

    /// Counted as a sourced catalog entry (price official or tracker-confirmed).
    pub fn is_sourced(&self) -> bool {
        self.price_source != PriceSource::Unverified
    }
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// The whole catalog document as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogDoc {
    pub version: u32,
    /// Newest `as_of` of all providers; the "now" of the recency rule.
    pub reference_date: String,
    pub providers: Vec<ProviderInfo>,
    pub models: Vec<Model>,
}
