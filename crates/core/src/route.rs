//! Step 4 of the flow: choose where a request goes.
//!
//! In this first slice a request names a concrete model and the routing table
//! maps it to one Envoy cluster whose priority levels are that model's failover
//! chain (see docs/design.md). Capability filtering and scoring come later and
//! will produce the same `RouteDecision`.

use serde::Serialize;

use crate::config::{Config, ModelRoute};
use crate::error::GatewayError;

#[derive(Serialize)]
struct ModelObject<'a> {
    id: &'a str,
    object: &'static str,
    created: u64,
    owned_by: &'static str,
}

#[derive(Serialize)]
struct ModelList<'a> {
    object: &'static str,
    data: Vec<ModelObject<'a>>,
}

fn model_object(route: &ModelRoute) -> ModelObject<'_> {
    ModelObject {
        id: &route.name,
        object: "model",
        created: 0,
        owned_by: "switchboard",
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

/// `GET /v1/models`: the routing table in OpenAI's list shape, sorted by id.
pub fn models_list_json(config: &Config) -> Vec<u8> {
    let list = ModelList {
        object: "list",
        data: config
            .models_sorted()
            .into_iter()
            .map(model_object)
            .collect(),
    };
    serde_json::to_vec(&list).unwrap_or_default()
}

/// `GET /v1/models/{id}`.
pub fn model_json(config: &Config, id: &str) -> Result<Vec<u8>, GatewayError> {
    let route = resolve(config, id)?;
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
        let v: serde_json::Value = serde_json::from_slice(&models_list_json(&c)).unwrap();
        assert_eq!(v["object"], "list");
        assert_eq!(v["data"][0]["id"], "a");
        assert_eq!(v["data"][1]["id"], "b");
        assert_eq!(v["data"][0]["object"], "model");
        let one: serde_json::Value = serde_json::from_slice(&model_json(&c, "b").unwrap()).unwrap();
        assert_eq!(one["id"], "b");
        assert_eq!(model_json(&c, "zzz").unwrap_err().status, 404);
    }
}
