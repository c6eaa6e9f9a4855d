//! Step 4 of the flow: choose where a request goes, and say what can be chosen.
//!
//! A request naming a concrete model (or one of its aliases) goes to the Envoy
//! cluster whose priority levels are that model's failover chain (see
//! docs/design.md); automatic routes (`select`) pick the model first.
//!
//! `GET /v1/models` lists, in OpenAI's shape, what the caller's key may use:
//! every model with its catalog facts (context window, output cap, prices,
//! capabilities, ZDR) and aliases, and every automatic route with its policy
//! and candidates. Extra members beside OpenAI's four are ignored by SDKs.

use serde::Serialize;

use crate::access::{self, Role};
use crate::config::{Config, ModelRoute};
use crate::error::GatewayError;
use crate::select::{AutoRoute, ModelProfile};

#[derive(Serialize)]
struct Pricing {
    /// USD per million tokens, at the provider's list price.
    input_per_million: f64,
    output_per_million: f64,
}

#[derive(Serialize)]
struct ModelObject<'a> {
    id: &'a str,
    object: &'static str,
    created: u64,
    owned_by: &'static str,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    context_window: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_output_tokens: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pricing: Option<Pricing>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    capabilities: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    zero_data_retention: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    routing: Option<Routing<'a>>,
}

/// An automatic route's entry: how it chooses and among what.
#[derive(Serialize)]
struct Routing<'a> {
    policy: &'static str,
    candidates: Vec<&'a str>,
}

#[derive(Serialize)]
struct ModelList<'a> {
    object: &'static str,
    data: Vec<ModelObject<'a>>,
}

fn capabilities(p: &ModelProfile) -> Vec<&'static str> {
    [
        (p.tools, "tools"),
        (p.vision, "vision"),
        (p.json_schema, "json_schema"),
    ]
    .into_iter()
    .filter_map(|(has, name)| has.then_some(name))
    .collect()
}

fn model_object(route: &ModelRoute) -> ModelObject<'_> {
    let p = route.profile.as_ref();
    ModelObject {
        id: &route.name,
        object: "model",
        created: 0,
        owned_by: "switchboard",
        aliases: &route.aliases,
        context_window: p.map(|p| p.context_window),
        max_output_tokens: p.map(|p| p.max_output),
        pricing: p.map(|p| Pricing {
            input_per_million: p.input_price,
            output_per_million: p.output_price,
        }),
        capabilities: p.map(capabilities).unwrap_or_default(),
        zero_data_retention: p.map(|p| p.zdr),
        routing: None,
    }
}

fn auto_route_object<'a>(
    config: &'a Config,
    route: &'a AutoRoute,
    role: Option<&Role>,
) -> ModelObject<'a> {
    ModelObject {
        id: &route.name,
        object: "model",
        created: 0,
        owned_by: "switchboard",
        aliases: &[],
        context_window: None,
        max_output_tokens: None,
        pricing: None,
        capabilities: Vec::new(),
        zero_data_retention: None,
        routing: Some(Routing {
            policy: route.policy.as_str(),
            candidates: route
                .candidates
                .iter()
                .filter(|c| {
                    config
                        .model(c)
                        .is_some_and(|m| access::refusal(role, m).is_none())
                })
                .map(String::as_str)
                .collect(),
        }),
    }
}

/// The cluster to route to: the chain from its first step that is not cooling
/// down after a provider's `Retry-After`. When every step is cooling, the full
/// chain is used and its first provider's cool-down answers 429 with the wait.
pub fn pick_cluster(route: &ModelRoute, mut is_cooling: impl FnMut(&str) -> bool) -> &str {
    if route.chain.len() < 2 {
        return &route.cluster;
    }
    route
        .chain
        .iter()
        .find(|step| !is_cooling(&step.cooldown_key))
        .map_or(route.cluster.as_str(), |step| step.cluster.as_str())
}

/// `GET /v1/models`: what `role` may use, in OpenAI's list shape, sorted by
/// id (models, then automatic routes that keep at least one candidate).
pub fn models_list_json(config: &Config, role: Option<&Role>) -> Vec<u8> {
    let mut data: Vec<ModelObject<'_>> = config
        .models_sorted()
        .into_iter()
        .filter(|m| access::refusal(role, m).is_none())
        .map(model_object)
        .collect();
    data.extend(
        config
            .auto_routes_sorted()
            .into_iter()
            .map(|r| auto_route_object(config, r, role))
            .filter(|o| o.routing.as_ref().is_some_and(|r| !r.candidates.is_empty())),
    );
    data.sort_by(|a, b| a.id.cmp(b.id));
    serde_json::to_vec(&ModelList {
        object: "list",
        data,
    })
    .unwrap_or_default()
}

/// `GET /v1/models/{id}`: a model (by name or alias) or automatic route the
/// caller may use; anything else is a 404, so a key cannot probe for models
/// it is not allowed to see.
pub fn model_json(config: &Config, id: &str, role: Option<&Role>) -> Result<Vec<u8>, GatewayError> {
    if let Some(auto) = config.auto_route(id) {
        return Ok(serde_json::to_vec(&auto_route_object(config, auto, role)).unwrap_or_default());
    }
    let route = resolve(config, id)?;
    if access::refusal(role, route).is_some() {
        return Err(GatewayError::model_not_found(id));
    }
    Ok(serde_json::to_vec(&model_object(route)).unwrap_or_default())
}

/// The header the router's `cluster_header` reads. Stripped from client input.
pub const CLUSTER_HEADER: &str = "x-switchboard-cluster";

pub fn resolve<'c>(config: &'c Config, model: &str) -> Result<&'c ModelRoute, GatewayError> {
    config
        .model(model)
        .ok_or_else(|| GatewayError::model_not_found(model))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_model_resolves_unknown_is_404() {
        let c = Config::parse(
            br#"{"role":"policy","models":[{"name":"gpt-4o-mini","cluster":"sb_gpt"}]}"#,
        )
        .unwrap();
        assert_eq!(resolve(&c, "gpt-4o-mini").unwrap().cluster, "sb_gpt");
        let e = resolve(&c, "gpt-9").unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (404, "model_not_found"));
    }

    #[test]
    fn cooling_steps_are_skipped() {
        let c = Config::parse(
            br#"{"role":"policy","models":[{"name":"m","cluster":"c0","chain":[
                {"provider":"a","model":"x","cluster":"c0"},
                {"provider":"b","model":"y","cluster":"c1"},
                {"provider":"c","model":"z","cluster":"c2"}]}]}"#,
        )
        .unwrap();
        let m = c.model("m").unwrap();
        let a = crate::cooldown::key("a", "x");
        let b = crate::cooldown::key("b", "y");
        assert_eq!(pick_cluster(m, |_| false), "c0");
        assert_eq!(pick_cluster(m, |k| k == a), "c1");
        assert_eq!(pick_cluster(m, |k| k == a || k == b), "c2");
        assert_eq!(pick_cluster(m, |_| true), "c0");
    }

    #[test]
    fn models_are_listed_in_openai_shape() {
        let c = Config::parse(
            br#"{"role":"policy","models":[{"name":"b","cluster":"x"},{"name":"a","cluster":"y"}]}"#,
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&models_list_json(&c, None)).unwrap();
        assert_eq!(v["object"], "list");
        assert_eq!(v["data"][0]["id"], "a");
        assert_eq!(v["data"][1]["id"], "b");
        assert_eq!(v["data"][0]["object"], "model");
        let one: serde_json::Value =
            serde_json::from_slice(&model_json(&c, "b", None).unwrap()).unwrap();
        assert_eq!(one["id"], "b");
        assert_eq!(model_json(&c, "zzz", None).unwrap_err().status, 404);
    }

    fn catalog_config() -> Config {
        let doc = serde_json::json!({"role": "policy",
            "models": [
                {"name": "gpt-4o", "cluster": "a", "aliases": ["gpt4"], "profile": {
                    "context_window": 128000, "max_output": 16384, "input_price": 2.5,
                    "output_price": 10.0, "quality": {"chat": 80, "summarize": 80, "code": 80,
                    "data_analysis": 80, "agent": 80, "reasoning": 80}, "ttft_ms": 500,
                    "output_tokens_per_s": 90, "tools": true, "vision": true, "json_schema": true,
                    "zdr": true}},
                {"name": "local", "cluster": "b"}],
            "auto_routes": [{"name": "auto", "policy": "cheapest", "candidates": ["gpt-4o"]}]});
        Config::parse(doc.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn models_show_catalog_facts_aliases_and_auto_routes() {
        let c = catalog_config();
        let v: serde_json::Value = serde_json::from_slice(&models_list_json(&c, None)).unwrap();
        let ids: Vec<&str> = v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["auto", "gpt-4o", "local"]);
        let gpt = &v["data"][1];
        assert_eq!(gpt["context_window"], 128000);
        assert_eq!(gpt["pricing"]["output_per_million"], 10.0);
        assert_eq!(
            gpt["capabilities"],
            serde_json::json!(["tools", "vision", "json_schema"])
        );
        assert_eq!(gpt["zero_data_retention"], true);
        assert_eq!(gpt["aliases"], serde_json::json!(["gpt4"]));
        assert_eq!(v["data"][0]["routing"]["policy"], "cheapest");
        assert!(v["data"][2].get("pricing").is_none());
        let by_alias: serde_json::Value =
            serde_json::from_slice(&model_json(&c, "gpt4", None).unwrap()).unwrap();
        assert_eq!(by_alias["id"], "gpt-4o");
    }

    #[test]
    fn models_are_filtered_by_the_callers_role() {
        let c = catalog_config();
        let local_only = Role::new("r", &["local".into()], false);
        let v: serde_json::Value =
            serde_json::from_slice(&models_list_json(&c, Some(&local_only))).unwrap();
        let ids: Vec<&str> = v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            ["local"],
            "an auto route with no allowed candidate is hidden"
        );
        assert_eq!(
            model_json(&c, "gpt-4o", Some(&local_only))
                .unwrap_err()
                .status,
            404
        );
    }
}
