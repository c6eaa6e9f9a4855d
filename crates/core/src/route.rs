//! Step 4 of the flow: choose where a request goes.
//!
//! In this first slice a request names a concrete model and the routing table
//! maps it to one Envoy cluster whose priority levels are that model's failover
//! chain (see docs/design.md). Capability filtering and scoring come later and
//! will produce the same `RouteDecision`.

use crate::config::{Config, ModelRoute};
use crate::error::GatewayError;

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
}
