//! `build`: curated facts in, validated catalog document out.
//!
//! Invariants: the output depends only on the facts (providers sorted by id,
//! models in file order, quality/latency from `rules`), so building the same
//! facts twice gives byte-identical JSON; every fault is reported with the exact
//! path of the offending value, first fault wins.

use hashbrown::HashMap;

use super::error::{At, CatalogError};
use super::facts::{ModelFacts, ProviderFacts};
use super::model::{
    Capability, CapabilitySet, CatalogDoc, Model, Price, ProviderInfo, Quality, Zdr,
};
use super::rules::{self, RuleInput};

/// Version of the catalog document layout (bump when the wire shape changes).
pub const CATALOG_VERSION: u32 = 1;

/// Validates every facts file and derives the catalog document.
pub fn build(facts: &[ProviderFacts]) -> Result<CatalogDoc, CatalogError> {
    if facts.is_empty() {
        return Err(CatalogError::new("facts", "no provider facts given"));
    }
    let mut sorted: Vec<&ProviderFacts> = facts.iter().collect();
    sorted.sort_by(|a, b| a.provider.cmp(&b.provider));

    let mut reference = String::new();
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for p in &sorted {
        let label = p.label();
        let at = At::file(&label);
        check_id(&at.key("provider"), &p.provider)?;
        if seen.insert(p.provider.as_str(), ()).is_some() {
            return Err(at
                .key("provider")
                .err("provider listed in more than one facts file"));
        }
        if rules::month_index(&p.as_of, true).is_none() {
            return Err(at
                .key("as_of")
                .err(format!("`{}` is not a YYYY-MM-DD date", p.as_of)));
        }
        if p.as_of > reference {
            reference.clone_from(&p.as_of);
        }
    }
    let reference_month = rules::month_index(&reference, true).unwrap_or(0);

    let mut providers = Vec::with_capacity(sorted.len());
    let mut models = Vec::new();
    for p in sorted {
        let label = p.label();
        let at = At::file(&label);
        let info = provider_info(&at, p)?;
        let as_of_month = rules::month_index(&p.as_of, true).unwrap_or(0);
        if p.models.is_empty() {
            return Err(at.key("models").err("no models"));
        }
        let mut names: HashMap<&str, usize> = HashMap::new();
        for (i, m) in p.models.iter().enumerate() {
            let mat = at.index("models", i);
            if let Some(first) = names.insert(m.name.as_str(), i) {
                return Err(mat
                    .key("name")
                    .err(format!("`{}` duplicates models[{first}]", m.name)));
            }
            models.push(model(&mat, &info, m, as_of_month, reference_month)?);
        }
        providers.push(info);
    }
    Ok(CatalogDoc {
        version: CATALOG_VERSION,
        reference_date: reference,
        providers,
        models,
    })
}

/// Parses facts files given as `(label, bytes)` pairs — the label being the
/// file's path relative to the data directory, `facts/<provider>.json` — checks
/// that each file is named after its provider, and builds the catalog.
pub fn build_from_files(files: &[(&str, &[u8])]) -> Result<CatalogDoc, CatalogError> {
    let mut facts = Vec::with_capacity(files.len());
    for (label, bytes) in files {
        let f = ProviderFacts::from_json(label, bytes)?;
        let expected = f.label();
        let named = label.rsplit('/').next().unwrap_or(label);
        if expected.rsplit('/').next() != Some(named) {
            return Err(At::file(label)
                .key("provider")
                .err(format!("file is not named after provider `{}`", f.provider)));
        }
        facts.push(f);
    }
    build(&facts)
}

fn provider_info(at: &At<'_>, p: &ProviderFacts) -> Result<ProviderInfo, CatalogError> {
    nonempty(&at.key("display_name"), &p.display_name)?;
    if p.source.is_empty() {
        return Err(at.key("source").err("at least one source URL is required"));
    }
    for (i, url) in p.source.iter().enumerate() {
        https(&at.index("source", i), url)?;
    }
    for (i, c) in p.corroboration.iter().enumerate() {
        nonempty(&at.index("corroboration", i), c)?;
    }
    check_zdr(&at.key("zdr"), &p.zdr)?;
    Ok(ProviderInfo {
        provider: p.provider.clone(),
        display_name: p.display_name.clone(),
        api: p.api,
        as_of: p.as_of.clone(),
        source: p.source.clone(),
        corroboration: p.corroboration.clone(),
        zdr: p.zdr.clone(),
        speed: p.speed,
    })
}

/// Validates one model's facts and derives its catalog entry.
pub(crate) fn model(
    at: &At<'_>,
    provider: &ProviderInfo,
    m: &ModelFacts,
    as_of_month: u32,
    reference_month: u32,
) -> Result<Model, CatalogError> {
    check_name(&at.key("name"), &m.name)?;
    nonempty(&at.key("vendor"), &m.vendor)?;
    nonempty(&at.key("family"), &m.family)?;
    let released = rules::month_index(&m.released, false).ok_or_else(|| {
        at.key("released")
            .err(format!("`{}` is not a YYYY-MM month", m.released))
    })?;
    if released > as_of_month {
        return Err(at
            .key("released")
            .err("release month is after the facts' as_of date"));
    }
    check_limits(at, m.context_window, m.max_output)?;
    check_price(&at.key("price"), &m.price, m.context_window)?;
    let capabilities = capability_set(&at.key("capabilities"), &m.capabilities)?;
    for (i, s) in m.specialties.iter().enumerate() {
        if m.specialties.iter().take(i).any(|e| e == s) {
            return Err(at.index("specialties", i).err("listed twice"));
        }
    }
    let input = RuleInput {
        tier: m.tier,
        released,
        reference: reference_month,
        capabilities,
        specialties: &m.specialties,
        context_window: m.context_window,
        speed: provider.speed,
    };
    let quality = rules::quality(&input);
    check_quality(&at.key("quality"), &quality)?;
    Ok(Model {
        id: format!("{}/{}", provider.provider, m.name),
        provider: provider.provider.clone(),
        name: m.name.clone(),
        vendor: m.vendor.clone(),
        family: m.family.clone(),
        released: m.released.clone(),
        tier: m.tier,
        context_window: m.context_window,
        max_output: m.max_output,
        price: m.price.clone(),
        capabilities,
        specialties: m.specialties.clone(),
        quality,
        latency: rules::latency(&input),
        zdr: provider.zdr.policy,
        price_source: m.price_source,
        enabled: true,
    })
}

pub(crate) fn check_id(at: &At<'_>, id: &str) -> Result<(), CatalogError> {
    let ok = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(at.err(format!("`{id}` is not a provider id ([a-z0-9_-]+)")))
    }
}

pub(crate) fn check_name(at: &At<'_>, name: &str) -> Result<(), CatalogError> {
    if name.is_empty() || name.chars().any(char::is_whitespace) {
        return Err(at.err("model name must be non-empty and contain no whitespace"));
    }
    Ok(())
}

fn nonempty(at: &At<'_>, s: &str) -> Result<(), CatalogError> {
    if s.trim().is_empty() {
        return Err(at.err("must not be empty"));
    }
    Ok(())
}

fn https(at: &At<'_>, url: &str) -> Result<(), CatalogError> {
    if !url.starts_with("https://") || url.len() <= "https://".len() {
        return Err(at.err(format!("`{url}` is not an https URL")));
    }
    Ok(())
}

pub(crate) fn check_zdr(at: &At<'_>, zdr: &Zdr) -> Result<(), CatalogError> {
    nonempty(&at.key("basis"), &zdr.basis)?;
    https(&at.key("source"), &zdr.source)
}

pub(crate) fn check_limits(at: &At<'_>, context: u64, max_output: u64) -> Result<(), CatalogError> {
    if context == 0 {
        return Err(at.key("context_window").err("must be > 0"));
    }
    if max_output == 0 {
        return Err(at.key("max_output").err("must be > 0"));
    }
    if max_output > context {
        return Err(at
            .key("max_output")
            .err(format!("{max_output} exceeds context_window {context}")));
    }
    Ok(())
}

fn positive(at: &At<'_>, v: f64) -> Result<(), CatalogError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(at.err(format!("price must be a positive number, got {v}")))
    }
}

pub(crate) fn check_price(at: &At<'_>, p: &Price, context: u64) -> Result<(), CatalogError> {
    positive(&at.key("input"), p.input)?;
    positive(&at.key("output"), p.output)?;
    if let Some(c) = p.cached_input {
        positive(&at.key("cached_input"), c)?;
    }
    let mut floor = 0u64;
    for (i, t) in p.tiers.iter().enumerate() {
        let tat = at.index("tiers", i);
        if t.above_input_tokens <= floor || t.above_input_tokens >= context {
            return Err(tat
                .key("above_input_tokens")
                .err("thresholds must increase and stay below the context window"));
        }
        floor = t.above_input_tokens;
        positive(&tat.key("input"), t.input)?;
        positive(&tat.key("output"), t.output)?;
        if let Some(c) = t.cached_input {
            positive(&tat.key("cached_input"), c)?;
        }
    }
    Ok(())
}

pub(crate) fn capability_set(at: &At<'_>, names: &[String]) -> Result<CapabilitySet, CatalogError> {
    let mut set = CapabilitySet::empty();
    for (i, name) in names.iter().enumerate() {
        let c = Capability::from_name(name).ok_or_else(|| {
            at.elem(i).err(format!(
                "unknown capability `{name}` (known: tools, vision, json_schema, reasoning, streaming)"
            ))
        })?;
        if set.has(c) {
            return Err(at.elem(i).err(format!("capability `{name}` listed twice")));
        }
        set = set.with(c);
    }
    Ok(set)
}

pub(crate) fn check_quality(at: &At<'_>, q: &Quality) -> Result<(), CatalogError> {
    let fields = [
        ("chat", q.chat),
        ("summarize", q.summarize),
        ("code", q.code),
        ("data_analysis", q.data_analysis),
        ("agent", q.agent),
        ("reasoning", q.reasoning),
    ];
    for (name, v) in fields {
        if v > 100 {
            return Err(at.key(name).err(format!("quality {v} is outside 0..=100")));
        }
    }
    Ok(())
}
