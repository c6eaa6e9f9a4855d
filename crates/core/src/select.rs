//! Model selection for automatic routes (`"model": "auto"`, `"cheapest"`, …):
//! recognise the task, drop candidates that cannot serve the request, score
//! the rest under the route's policy, and explain the choice.
//!
//! Invariants: deterministic (ties break by model name); a request nothing can
//! serve is a 400 that says why; candidates that are unavailable (cooling down
//! after a provider's `Retry-After`, or failing: see `health`) are never
//! chosen, and when every candidate that fits is unavailable the answer is a
//! 503 that says so. Scores use min–max
//! normalisation across the candidates that fit, so each objective ranks the
//! candidates against each other rather than against fixed scales.
//!
//! Live data from the data plane (see `health`) enters the score: a model's
//! measured time to first byte replaces its catalog latency once it has
//! served traffic, and its error rate lowers its availability. The ranked
//! list, best first, becomes the request's failover chain (`ranked`).

use serde::{Deserialize, Serialize};

use crate::catalog::Quality;
use crate::classify::{classify_chat_request, TaskKind};
use crate::config::{Config, ModelRoute};
use crate::error::GatewayError;

/// Output tokens assumed when the client sets no cap (for context fit and cost).
const DEFAULT_OUTPUT_TOKENS: u64 = 1024;

/// What routing needs to know about a model (from the catalog, via the CLI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelProfile {
    pub context_window: u64,
    pub max_output: u64,
    /// USD per million input / output tokens.
    pub input_price: f64,
    pub output_price: f64,
    pub quality: Quality,
    pub ttft_ms: u32,
    pub output_tokens_per_s: u32,
    #[serde(default)]
    pub tools: bool,
    #[serde(default)]
    pub vision: bool,
    /// Structured outputs (`response_format: json_schema`).
    #[serde(default)]
    pub json_schema: bool,
    /// The provider offers zero data retention (by default or on request).
    #[serde(default)]
    pub zdr: bool,
}

/// What the data plane knows about a model right now (shared by workers).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LiveStats {
    /// Cooling down after `Retry-After`, or failing: never chosen.
    pub unavailable: bool,
    /// Recent error rate in `[0, 1]` (decayed EWMA).
    pub error_rate: f64,
    /// Measured time to first byte (EWMA), once the model has served traffic.
    pub ttfb_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoutePolicy {
    /// Quality weighs more for demanding tasks (code, reasoning, agents, data),
    /// cost more for chat and summaries.
    Balanced,
    Cheapest,
    Fastest,
    Best,
}

impl RoutePolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Balanced => "balanced",
            Self::Cheapest => "cheapest",
            Self::Fastest => "fastest",
            Self::Best => "best",
        }
    }

    /// Weights of (quality, cost, latency, availability). Availability is
    /// added on top of the three static objectives so that, with every
    /// model healthy, rankings equal those of the static weights.
    fn weights(self, task: TaskKind) -> Weights {
        let (quality, cost, latency, availability) = match self {
            Self::Balanced => match task {
                TaskKind::Chat | TaskKind::Summarize => (0.3, 0.45, 0.25, 0.1),
                _ => (0.6, 0.25, 0.15, 0.1),
            },
            Self::Cheapest => (0.1, 0.8, 0.1, 0.1),
            Self::Fastest => (0.1, 0.1, 0.8, 0.1),
            Self::Best => (0.9, 0.05, 0.05, 0.1),
        };
        Weights {
            quality,
            cost,
            latency,
            availability,
        }
    }
}

struct Weights {
    quality: f64,
    cost: f64,
    latency: f64,
    availability: f64,
}

/// An automatic route: a name clients ask for, a policy, candidate models.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoRoute {
    pub name: String,
    pub policy: RoutePolicy,
    pub candidates: Vec<String>,
    /// How many ranked models form the failover chain (the CLI generates a
    /// cluster for every ordered choice of up to this many candidates).
    /// 1: only the chosen model (and its own provider chain).
    #[serde(default = "one")]
    pub failover_depth: usize,
}

fn one() -> usize {
    1
}

#[derive(Debug, Clone)]
pub struct Decision<'c> {
    /// The chosen model: `ranked[0]`.
    pub model: &'c ModelRoute,
    /// Available candidates that fit, best first (at least one).
    pub ranked: Vec<&'c ModelRoute>,
    pub task: TaskKind,
    pub policy: RoutePolicy,
    /// Short, fixed-vocabulary explanation (never request text).
    pub reason: String,
}

struct Fit<'c> {
    route: &'c ModelRoute,
    live: LiveStats,
    quality: f64,
    cost: f64,
    latency_ms: f64,
}

fn normalise(value: f64, min: f64, max: f64) -> f64 {
    if max > min {
        (value - min) / (max - min)
    } else {
        0.0
    }
}

/// Why a model may not serve this caller (`access`), if it may not.
pub type AccessCheck<'a> = &'a dyn Fn(&ModelRoute) -> Option<&'static str>;

/// Whether `response_format` asks for a JSON schema. The token `"json_schema"`
/// with an unescaped opening quote cannot occur inside a JSON string, so the
/// byte scan only ever finds keys and values; a parse confirms it is the
/// `response_format.type`.
fn wants_json_schema(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Head {
        response_format: Option<Format>,
    }
    #[derive(Deserialize)]
    struct Format {
        #[serde(rename = "type")]
        kind: Option<String>,
    }
    const TOKEN: &[u8] = b"\"json_schema\"";
    let mentioned = body
        .windows(TOKEN.len())
        .enumerate()
        .any(|(i, w)| w == TOKEN && i.checked_sub(1).and_then(|j| body.get(j)) != Some(&b'\\'));
    mentioned
        && serde_json::from_slice::<Head>(body).is_ok_and(|h| {
            h.response_format
                .and_then(|f| f.kind)
                .is_some_and(|k| k == "json_schema")
        })
}

/// Choose the model for `body` among the route's candidates: `access` says
/// which models the caller may use, `live` what the data plane measured.
pub fn select<'c>(
    config: &'c Config,
    route: &AutoRoute,
    body: &[u8],
    access: AccessCheck<'_>,
    mut live: impl FnMut(&ModelRoute) -> LiveStats,
) -> Result<Decision<'c>, GatewayError> {
    let class = classify_chat_request(body)?;
    let f = &class.features;
    let output = f.max_output_tokens.map_or(DEFAULT_OUTPUT_TOKENS, u64::from);
    let input = u64::from(f.prompt_tokens_estimate);
    let needed = input.saturating_add(output);
    let json_schema = f.wants_json && wants_json_schema(body);

    let mut why_not = Vec::new();
    let mut fits: Vec<Fit<'c>> = Vec::new();
    for name in &route.candidates {
        let Some(model) = config.model(name) else {
            continue;
        };
        let Some(profile) = model.profile.as_ref() else {
            continue;
        };
        let refusal = access(model).or(if profile.context_window < needed {
            Some("context window too small")
        } else if profile.max_output < output {
            Some("output cap too small")
        } else if f.has_tools && !profile.tools {
            Some("no tool use")
        } else if f.has_images && !profile.vision {
            Some("no vision")
        } else if json_schema && !profile.json_schema {
            Some("no JSON schema output")
        } else {
            None
        });
        if let Some(r) = refusal {
            why_not.push(format!("{name}: {r}"));
            continue;
        }
        let stats = live(model);
        let tps = f64::from(profile.output_tokens_per_s.max(1));
        let ttfb = stats
            .ttfb_ms
            .filter(|ms| ms.is_finite() && *ms >= 0.0)
            .unwrap_or(f64::from(profile.ttft_ms));
        fits.push(Fit {
            route: model,
            live: stats,
            quality: f64::from(profile.quality.for_task(class.kind)),
            cost: (profile.input_price * input as f64 + profile.output_price * output as f64)
                / 1_000_000.0,
            latency_ms: ttfb + output as f64 / tps * 1000.0,
        });
    }
    if fits.is_empty() {
        let detail = if why_not.is_empty() {
            "no candidate has a routing profile".to_owned()
        } else {
            why_not.join("; ")
        };
        let mut e = GatewayError::invalid_field(
            "model",
            &format!(
                "No model of route '{}' can serve this request (about {needed} tokens with output): {detail}.",
                route.name
            ),
        );
        e.code = "no_model_fits".to_owned();
        return Err(e);
    }

    let pool: Vec<&Fit<'c>> = fits.iter().filter(|x| !x.live.unavailable).collect();
    if pool.is_empty() {
        return Err(GatewayError::upstream(
            503,
            "server_error",
            "no_healthy_model",
            &format!(
                "Every model of route '{}' that fits this request is failing or rate limited right now; retry shortly.",
                route.name
            ),
        ));
    }
    let range = |key: fn(&Fit<'c>) -> f64| {
        pool.iter()
            .map(|x| key(x))
            .fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (q_lo, q_hi) = range(|x| x.quality);
    let (c_lo, c_hi) = range(|x| x.cost);
    let (l_lo, l_hi) = range(|x| x.latency_ms);
    let w = route.policy.weights(class.kind);
    let score = |x: &Fit<'c>| {
        let availability = 1.0 - x.live.error_rate.clamp(0.0, 1.0);
        w.quality * normalise(x.quality, q_lo, q_hi)
            - w.cost * normalise(x.cost, c_lo, c_hi)
            - w.latency * normalise(x.latency_ms, l_lo, l_hi)
            + w.availability * availability
    };
    let mut ranked: Vec<(f64, &Fit<'c>)> = pool.iter().map(|x| (score(x), *x)).collect();
    ranked.sort_by(|(sa, a), (sb, b)| {
        sb.total_cmp(sa)
            .then_with(|| a.route.name.cmp(&b.route.name))
    });
    let ranked: Vec<&'c ModelRoute> = ranked.into_iter().map(|(_, x)| x.route).collect();
    let model = *ranked
        .first()
        .ok_or_else(|| GatewayError::internal("route_failed", "No candidate to route to."))?;
    Ok(Decision {
        model,
        ranked,
        task: class.kind,
        policy: route.policy,
        reason: format!(
            "{} of {} candidates fit; best {} score for {}",
            fits.len(),
            route.candidates.len(),
            route.policy.as_str(),
            class.kind.as_str()
        ),
    })
}

/// Separator of model clusters in a ranked chain's cluster name; `cluster_name`
/// output never contains it.
pub const RANKED_SEPARATOR: char = '+';

/// The Envoy cluster whose priorities are these models' chains, in order
/// (the CLI generates one for every ordered choice of up to `failover_depth`
/// candidates of an automatic route). One model: its own cluster.
pub fn ranked_cluster_name(model_clusters: &[&str]) -> String {
    let mut name = String::new();
    for (i, cluster) in model_clusters.iter().enumerate() {
        if i > 0 {
            name.push(RANKED_SEPARATOR);
        }
        name.push_str(cluster);
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn profile(
        ctx: u64,
        price: (f64, f64),
        quality: u8,
        ttft: u32,
        tools: bool,
    ) -> serde_json::Value {
        json!({"context_window": ctx, "max_output": 16384, "input_price": price.0, "output_price": price.1,
               "quality": {"chat": quality, "summarize": quality, "code": quality, "data_analysis": quality,
                           "agent": quality, "reasoning": quality},
               "ttft_ms": ttft, "output_tokens_per_s": 100, "tools": tools, "vision": true})
    }

    fn config(policy: &str) -> Config {
        let doc = json!({"role": "policy",
            "models": [
                {"name": "small", "cluster": "c_small", "profile": profile(128_000, (0.15, 0.6), 66, 350, true)},
                {"name": "mid", "cluster": "c_mid", "profile": profile(1_000_000, (0.3, 2.5), 79, 1350, true)},
                {"name": "big", "cluster": "c_big", "profile": profile(200_000, (3.0, 15.0), 87, 1800, false)}
            ],
            "auto_routes": [{"name": "auto", "policy": policy, "candidates": ["small", "mid", "big"]}]});
        Config::parse(doc.to_string().as_bytes()).unwrap()
    }

    fn pick(policy: &str, body: serde_json::Value) -> Result<String, GatewayError> {
        let c = config(policy);
        let route = c.auto_route("auto").unwrap();
        select(&c, route, body.to_string().as_bytes(), &|_| None, |_| {
            LiveStats::default()
        })
        .map(|d| d.model.name.clone())
    }

    fn chat(text: &str) -> serde_json::Value {
        json!({"model": "auto", "messages": [{"role": "user", "content": text}]})
    }

    const CODE: &str = "Write a Rust function `fn parse(input: &str) -> Result<Vec<u32>, Error>` that splits on commas, \
        trims, and parses each item; add unit tests with #[test] and handle errors with ? and map_err.";

    #[test]
    fn chat_goes_cheap_and_code_goes_stronger() {
        assert_eq!(
            pick("balanced", chat("hi, how are you today?")).unwrap(),
            "small"
        );
        assert_eq!(pick("balanced", chat(CODE)).unwrap(), "mid");
        assert_eq!(pick("best", chat(CODE)).unwrap(), "big");
        assert_eq!(pick("cheapest", chat(CODE)).unwrap(), "small");
        assert_eq!(pick("fastest", chat(CODE)).unwrap(), "small");
    }

    #[test]
    fn long_documents_need_a_long_context() {
        let doc = "The quarterly report discusses revenue. ".repeat(60_000);
        let body = chat(&format!("Summarize this document:\n{doc}"));
        assert_eq!(pick("balanced", body.clone()).unwrap(), "mid");
        assert_eq!(pick("cheapest", body).unwrap(), "mid");
    }

    #[test]
    fn tools_need_a_tool_capable_model() {
        let body = json!({"model": "auto", "messages": [{"role": "user", "content": CODE}],
            "tools": [{"type": "function", "function": {"name": "run", "parameters": {"type": "object"}}}]});
        assert_ne!(pick("best", body).unwrap(), "big");
    }

    #[test]
    fn nothing_fits_is_a_400_that_says_why() {
        let huge = "word ".repeat(1_300_000);
        let e = pick("balanced", chat(&huge)).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "no_model_fits"));
        assert!(
            e.message.contains("context window too small"),
            "{}",
            e.message
        );
    }

    #[test]
    fn unavailable_models_are_avoided_and_all_unavailable_is_a_503() {
        let c = config("balanced");
        let route = c.auto_route("auto").unwrap();
        let body = chat("hello there").to_string();
        let d = select(&c, route, body.as_bytes(), &|_| None, |m| LiveStats {
            unavailable: m.name == "small",
            ..LiveStats::default()
        })
        .unwrap();
        assert_ne!(d.model.name, "small");
        assert!(d.ranked.iter().all(|m| m.name != "small"));
        assert_eq!(d.task, TaskKind::Chat);
        assert!(d.reason.contains("balanced"));
        let e = select(&c, route, body.as_bytes(), &|_| None, |_| LiveStats {
            unavailable: true,
            ..LiveStats::default()
        })
        .unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (503, "no_healthy_model"));
    }

    fn ranked(
        policy: &str,
        body: &serde_json::Value,
        access: AccessCheck<'_>,
        live: impl FnMut(&ModelRoute) -> LiveStats,
    ) -> Result<Vec<String>, GatewayError> {
        let c = config(policy);
        let route = c.auto_route("auto").unwrap();
        select(&c, route, body.to_string().as_bytes(), access, live)
            .map(|d| d.ranked.iter().map(|m| m.name.clone()).collect())
    }

    #[test]
    fn the_ranking_is_the_failover_order_best_first() {
        let order = ranked("best", &chat(CODE), &|_| None, |_| LiveStats::default()).unwrap();
        assert_eq!(order, ["big", "mid", "small"]);
        let order = ranked("cheapest", &chat(CODE), &|_| None, |_| LiveStats::default()).unwrap();
        assert_eq!(order, ["small", "mid", "big"]);
    }

    #[test]
    fn measured_latency_replaces_the_catalog_figure() {
        // By catalog latency `small` is fastest; measured, it is the slowest.
        let slow_small = |m: &ModelRoute| LiveStats {
            ttfb_ms: (m.name == "small").then_some(30_000.0),
            ..LiveStats::default()
        };
        assert_eq!(
            ranked("fastest", &chat("hi"), &|_| None, |_| LiveStats::default()).unwrap()[0],
            "small"
        );
        assert_ne!(
            ranked("fastest", &chat("hi"), &|_| None, slow_small).unwrap()[0],
            "small"
        );
    }

    #[test]
    fn a_model_with_recent_errors_ranks_lower() {
        let clean = ranked("balanced", &chat("hello there"), &|_| None, |_| {
            LiveStats::default()
        })
        .unwrap();
        assert_eq!(clean[0], "small");
        let flaky = ranked("balanced", &chat("hello there"), &|_| None, |m| LiveStats {
            error_rate: if m.name == "small" { 0.49 } else { 0.0 },
            ..LiveStats::default()
        })
        .unwrap();
        assert_ne!(flaky[0], "small", "{flaky:?}");
        assert_eq!(
            flaky.len(),
            3,
            "a flaky model stays in the chain: {flaky:?}"
        );
    }

    #[test]
    fn access_refusals_are_hard_filters_and_named() {
        let no_small = |m: &ModelRoute| (m.name == "small").then_some("not allowed for this key");
        let order = ranked("cheapest", &chat("hi"), &no_small, |_| LiveStats::default()).unwrap();
        assert_eq!(order, ["mid", "big"]);
        let none = |_: &ModelRoute| Some("no zero data retention");
        let e = ranked("cheapest", &chat("hi"), &none, |_| LiveStats::default()).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (400, "no_model_fits"));
        assert!(
            e.message.contains("small: no zero data retention"),
            "{}",
            e.message
        );
    }

    #[test]
    fn json_schema_needs_structured_outputs() {
        let body = json!({"model": "auto", "messages": [{"role": "user", "content": "list three colours"}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "c", "schema": {"type": "object"}}}});
        let e = ranked("balanced", &body, &|_| None, |_| LiveStats::default()).unwrap_err();
        assert!(e.message.contains("no JSON schema output"), "{}", e.message);
        // The word inside a message is text, not a request for a schema.
        let text = chat("what is \"json_schema\" in the OpenAI API?");
        assert!(ranked("balanced", &text, &|_| None, |_| LiveStats::default()).is_ok());
        let object = json!({"model": "auto", "messages": [{"role": "user", "content": "hi"}],
            "response_format": {"type": "json_object"}});
        assert!(ranked("balanced", &object, &|_| None, |_| LiveStats::default()).is_ok());
    }

    #[test]
    fn ranked_cluster_names_join_model_clusters() {
        assert_eq!(ranked_cluster_name(&["sb_a"]), "sb_a");
        assert_eq!(
            ranked_cluster_name(&["sb_a", "sb_b", "sb_c"]),
            "sb_a+sb_b+sb_c"
        );
    }
}
