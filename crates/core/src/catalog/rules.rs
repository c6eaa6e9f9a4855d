//! The documented, reproducible rules that derive quality and latency from
//! public facts (docs/catalog.md, "Quality" and "Latency").
//!
//! Inputs are only: the provider's tier for the model, its release month, the
//! catalog's reference date, its capabilities, specialties, context window, and
//! the provider's serving class. No benchmark table is consulted; the rules are a
//! simple tiering meant as a prior that live measurements (latency EWMA, error
//! rates) and configuration overrides refine.
//!
//! Invariants: pure and total; every quality is clamped into 0..=100 and every
//! latency is at least 1.

use super::model::{Capability, CapabilitySet, Latency, Quality, Specialty, SpeedClass, Tier};

/// Everything the rules read about one model.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuleInput<'a> {
    pub tier: Tier,
    /// Months since year 0 (see [`month_index`]).
    pub released: u32,
    pub reference: u32,
    pub capabilities: CapabilitySet,
    pub specialties: &'a [Specialty],
    pub context_window: u64,
    pub speed: SpeedClass,
}

/// Base score of a tier, before recency and task adjustments.
const fn base(tier: Tier) -> i32 {
    match tier {
        Tier::Frontier => 90,
        Tier::Large => 82,
        Tier::Medium => 74,
        Tier::Small => 66,
        Tier::Tiny => 56,
    }
}

/// +4 for a model released in the last six months, one point less per further
/// six months of age, never below -8.
fn recency(age_months: u32) -> i32 {
    let steps = i32::try_from(age_months / 6).unwrap_or(i32::MAX);
    4i32.saturating_sub(steps).max(-8)
}

fn clamp(score: i32) -> u8 {
    u8::try_from(score.clamp(0, 100)).unwrap_or(0)
}

/// Quality per task kind.
pub(crate) fn quality(m: &RuleInput<'_>) -> Quality {
    let age = m.reference.saturating_sub(m.released);
    let q = base(m.tier) + recency(age);
    let reasoning = m.capabilities.has(Capability::Reasoning);
    let tools = m.capabilities.has(Capability::Tools);
    let code = m.specialties.contains(&Specialty::Code);
    let bonus = |on: bool, points: i32| if on { points } else { 0 };

    let long = if m.context_window >= 1_000_000 {
        3
    } else if m.context_window < 32_000 {
        -15
    } else if m.context_window < 128_000 {
        -6
    } else {
        0
    };
    let agent = if tools {
        q + bonus(reasoning, 2) + bonus(code, 3)
    } else {
        q - 30
    };
    Quality {
        chat: clamp(q - bonus(code, 4)),
        summarize: clamp(q + long - bonus(code, 4)),
        code: clamp(q + bonus(code, 8) + bonus(reasoning, 3)),
        data_analysis: clamp(q + bonus(reasoning, 4)),
        agent: clamp(agent),
        reasoning: clamp(q + if reasoning { 8 } else { -4 }),
    }
}

/// Typical time to first token and output speed.
pub(crate) fn latency(m: &RuleInput<'_>) -> Latency {
    let (tps, ttft): (u32, u32) = match m.tier {
        Tier::Frontier => (45, 900),
        Tier::Large => (70, 600),
        Tier::Medium => (100, 450),
        Tier::Small => (150, 350),
        Tier::Tiny => (220, 250),
    };
    // Thinking happens before the first visible token.
    let ttft = if m.capabilities.has(Capability::Reasoning) {
        ttft.saturating_mul(3)
    } else {
        ttft
    };
    let (tps, ttft) = match m.speed {
        SpeedClass::Standard => (tps, ttft),
        SpeedClass::Fast => (tps.saturating_mul(3), ttft / 2),
        SpeedClass::Ultra => (tps.saturating_mul(8), ttft / 2),
    };
    Latency {
        ttft_ms: ttft.max(1),
        output_tokens_per_s: tps.max(1),
    }
}

/// `YYYY-MM` or `YYYY-MM-DD` as months since year 0; `None` if malformed.
pub(crate) fn month_index(date: &str, with_day: bool) -> Option<u32> {
    let mut parts = date.split('-');
    let year = digits(parts.next()?, 4)?;
    let month = digits(parts.next()?, 2)?;
    if with_day {
        let day = digits(parts.next()?, 2)?;
        if !(1..=31).contains(&day) {
            return None;
        }
    }
    if parts.next().is_some() || !(1..=12).contains(&month) || year < 1900 {
        return None;
    }
    Some(year * 12 + month - 1)
}

fn digits(s: &str, len: usize) -> Option<u32> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(tier: Tier, caps: &[Capability], ctx: u64) -> RuleInput<'static> {
        RuleInput {
            tier,
            released: 24_300,
            reference: 24_300,
            capabilities: caps.iter().copied().collect(),
            specialties: &[],
            context_window: ctx,
            speed: SpeedClass::Standard,
        }
    }

    #[test]
    fn recency_steps_and_floor() {
        assert_eq!(recency(0), 4);
        assert_eq!(recency(5), 4);
        assert_eq!(recency(6), 3);
        assert_eq!(recency(24), 0);
        assert_eq!(recency(600), -8);
    }

    #[test]
    fn tools_missing_costs_agent_and_reasoning_lifts_reasoning() {
        let plain = quality(&input(Tier::Large, &[], 200_000));
        assert_eq!(plain.chat, 86);
        assert_eq!(plain.agent, 56);
        assert_eq!(plain.reasoning, 82);
        let r = quality(&input(
            Tier::Large,
            &[Capability::Tools, Capability::Reasoning],
            1_000_000,
        ));
        assert_eq!(r.agent, 88);
        assert_eq!(r.reasoning, 94);
        assert_eq!(r.summarize, 89);
    }

    #[test]
    fn scores_stay_in_range() {
        let top = quality(&input(
            Tier::Frontier,
            &[Capability::Tools, Capability::Reasoning],
            2_000_000,
        ));
        assert!(top.reasoning <= 100);
        let mut old = input(Tier::Tiny, &[], 4_000);
        old.released = 0;
        let q = quality(&old);
        assert!(q.agent <= 100 && q.summarize <= 100);
    }

    #[test]
    fn latency_classes() {
        let mut m = input(Tier::Medium, &[Capability::Reasoning], 128_000);
        assert_eq!(latency(&m).ttft_ms, 1350);
        m.speed = SpeedClass::Ultra;
        assert_eq!(latency(&m).output_tokens_per_s, 800);
    }

    #[test]
    fn dates() {
        assert_eq!(month_index("2026-11", false), Some(2026 * 12 + 10));
        assert_eq!(month_index("2026-11-24", true), Some(2026 * 12 + 10));
        assert_eq!(month_index("2026-13", false), None);
        assert_eq!(month_index("2026-1", false), None);
        assert_eq!(month_index("2026-11-24", false), None);
        assert_eq!(month_index("2026-11", true), None);
    }
}
