//! `switchboard check`: validates a plugin config (the filter's JSON, either
//! role) with the filter's own `Config::parse`, so the messages are the ones
//! Envoy would log, or a gateway file with its own validation.

use switchboard_core::config::Config;

use crate::gateway::Gateway;
use crate::vars::Vars;

/// What kind of file was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PluginConfig,
    GatewayFile,
}

/// A JSON object with a top-level `role` is a plugin config; anything else is
/// read as a gateway file (YAML, or JSON, which YAML includes).
pub fn kind_of(text: &str) -> Kind {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) if map.contains_key("role") => Kind::PluginConfig,
        _ => Kind::GatewayFile,
    }
}

/// Every problem in the file, each naming the path of its field.
pub fn check(text: &str, vars: &Vars) -> (Kind, Result<(), Vec<String>>) {
    match kind_of(text) {
        Kind::PluginConfig => (
            Kind::PluginConfig,
            Config::parse(text.as_bytes())
                .map(|_| ())
                .map_err(|e| e.problems),
        ),
        Kind::GatewayFile => (Kind::GatewayFile, check_gateway(text, vars)),
    }
}

fn check_gateway(text: &str, vars: &Vars) -> Result<(), Vec<String>> {
    let gateway = Gateway::load(text, vars)?;
    // Generation runs the filter's own validation on both plugin configs.
    let ecds = crate::envoy::Ecds::new(std::path::Path::new("/"))
        .map_err(|e| vec![format!("cannot resolve a path: {e}")])?;
    crate::envoy::generate(&gateway, &ecds).map(|_| ())
}
