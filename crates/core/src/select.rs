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

    /// Weights of (quality, cost, latency).
    fn weights(self, task: TaskKind) -> (f64, f64, f64) {
        match self {
            Self::Balanced => match task {
                TaskKind::Chat | TaskKind::Summarize => (0.3, 0.45, 0.25),
                _ => (0.6, 0.25, 0.15),
            },
            Self::Cheapest => (0.1, 0.8, 0.1),
            Self::Fastest => (0.1, 0.1, 0.8),
            Self::Best => (0.9, 0.05, 0.05),
        }
    }
}

/// An automatic route: a name clients ask for, a policy, candidate models.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoRoute {
    pub name: String,
    pub policy: RoutePolicy,
    pub candidates: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Decision<'c> {
    pub model: &'c ModelRoute,
    pub task: TaskKind,
    pub policy: RoutePolicy,
    /// Short, fixed-vocabulary explanation (never request text).
    pub reason: String,
}

struct Fit<'c> {
    route: &'c ModelRoute,
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

/// Choose the model for `body` among the route's candidates.
pub fn select<'c>(
    config: &'c Config,
    route: &AutoRoute,
    body: &[u8],
    mut is_unavailable: impl FnMut(&ModelRoute) -> bool,
) -> Result<Decision<'c>, GatewayError> {
    let class = classify_chat_request(body)?;
    let f = &class.features;
    let output = f.max_output_tokens.map_or(DEFAULT_OUTPUT_TOKENS, u64::from);
    let input = u64::from(f.prompt_tokens_estimate);
    let needed = input.saturating_add(output);

    let mut why_not = Vec::new();
    let mut fits: Vec<Fit<'c>> = Vec::new();
    for name in &route.candidates {
        let Some(model) = config.model(name) else {
            continue;
        };
        let Some(profile) = model.profile.as_ref() else {
            continue;
        };
        let refusal = if profile.context_window < needed {
            Some("context window too small")
        } else if profile.max_output < output {
            Some("output cap too small")
        } else if f.has_tools && !profile.tools {
            Some("no tool use")
        } else if f.has_images && !profile.vision {
            Some("no vision")
        } else {
            None
        };
        if let Some(r) = refusal {
            why_not.push(format!("{name}: {r}"));
            continue;
        }
        let tps = f64::from(profile.output_tokens_per_s.max(1));
        fits.push(Fit {
            route: model,
            quality: f64::from(profile.quality.for_task(class.kind)),
            cost: (profile.input_price * input as f64 + profile.output_price * output as f64)
                / 1_000_000.0,
            latency_ms: f64::from(profile.ttft_ms) + output as f64 / tps * 1000.0,
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

    let pool: Vec<&Fit<'c>> = fits.iter().filter(|x| !is_unavailable(x.route)).collect();
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
    let (wq, wc, wl) = route.policy.weights(class.kind);
    let score = |x: &Fit<'c>| {
        wq * normalise(x.quality, q_lo, q_hi)
            - wc * normalise(x.cost, c_lo, c_hi)
            - wl * normalise(x.latency_ms, l_lo, l_hi)
    };
    let best = pool
        .iter()
        .max_by(|a, b| {
            score(a)
                .total_cmp(&score(b))
                .then_with(|| b.route.name.cmp(&a.route.name))
        })
        .ok_or_else(|| GatewayError::internal("route_failed", "No candidate to route to."))?;
    Ok(Decision {
        model: best.route,
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
        select(&c, route, body.to_string().as_bytes(), |_| false).map(|d| d.model.name.clone())
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
        let d = select(&c, route, body.as_bytes(), |m| m.name == "small").unwrap();
        assert_ne!(d.model.name, "small");
        assert_eq!(d.task, TaskKind::Chat);
        assert!(d.reason.contains("balanced"));
        let e = select(&c, route, body.as_bytes(), |_| true).unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (503, "no_healthy_model"));
    }
}
