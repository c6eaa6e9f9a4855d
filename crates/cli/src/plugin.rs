//! The two plugin configurations (the JSON the filter's `on_configure` reads)
//! derived from a gateway file, and the Wasm filter config around them.
//!
//! Every generated plugin config is run through `Config::parse`, the filter's
//! own validation, so generation cannot emit a config the filter refuses.

use serde_json::{json, Value};
use switchboard_core::config::{Config, LogLevel};
use switchboard_core::translate::openai_compat::Vendor;

use crate::gateway::{step_cluster, Gateway, ACCOUNTING_CLUSTER};

pub const POLICY_FILTER: &str = "switchboard.policy";
pub const TRANSLATE_FILTER: &str = "switchboard.translate";
pub const VM_ID: &str = "switchboard";
pub const WASM_TYPE: &str = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm";

pub fn log_level_name(level: LogLevel) -> &'static str {
    match level {
        LogLevel::Trace => "trace",
        LogLevel::Debug => "debug",
        LogLevel::Info => "info",
        LogLevel::Warn => "warn",
        LogLevel::Error => "error",
    }
}

/// The `policy` role's config: keys, the model → cluster table, accounting.
pub fn policy_config(g: &Gateway, accounting_cluster: &str) -> Value {
    let keys: Vec<Value> = g
        .keys
        .iter()
        .map(|k| {
            let mut key = json!({"id": k.id, "sha256": k.sha256});
            if let Some(obj) = key.as_object_mut() {
                if let Some(team) = &k.team {
                    obj.insert("team".into(), json!(team));
                }
                if let Some(role) = &k.role {
                    obj.insert("role".into(), json!(role));
                }
            }
            key
        })
        .collect();
    let models: Vec<Value> = g
        .models
        .iter()
        .map(|m| {
            let base = m.cluster();
            let mut model = json!({"name": m.name, "cluster": base});
            if m.cluster.is_none() && m.chain.len() > 1 {
                let chain: Vec<Value> = m
                    .chain
                    .iter()
                    .enumerate()
                    .map(|(step, entry)| {
                        json!({
                            "provider": entry.provider,
                            "model": entry.model,
                            "cluster": step_cluster(&base, step),
                        })
                    })
                    .collect();
                if let Some(obj) = model.as_object_mut() {
                    obj.insert("chain".into(), json!(chain));
                }
            }
            if let (Some(max), Some(obj)) = (m.default_max_tokens, model.as_object_mut()) {
                obj.insert("default_max_tokens".into(), json!(max));
            }
            if let (Ok(Some(profile)), Some(obj)) =
                (crate::profile::model_profile(m), model.as_object_mut())
            {
                obj.insert("profile".into(), json!(profile));
            }
            if let (false, Some(obj)) = (m.aliases.is_empty(), model.as_object_mut()) {
                obj.insert("aliases".into(), json!(m.aliases));
            }
            if let (Some(ms), Some(obj)) = (m.per_try_timeout_ms, model.as_object_mut()) {
                obj.insert("per_try_timeout_ms".into(), json!(ms));
            }
            model
        })
        .collect();
    let auto_routes: Vec<Value> = g
        .auto_routes
        .iter()
        .map(|r| {
            json!({"name": r.name, "policy": r.policy, "candidates": r.candidates,
                   "failover_depth": r.depth()})
        })
        .collect();
    let mut config = json!({
        "auto_routes": auto_routes,
        "roles": g.roles,
        "role": "policy",
        "log_level": log_level_name(g.log_level),
        "max_request_body_bytes": g.limits.max_request_body_bytes,
        "keys": keys,
        "models": models,
    });
    if let (Some(a), Some(obj)) = (&g.accounting, config.as_object_mut()) {
        let mut acc = json!({
            "cluster": accounting_cluster,
            "authority": a.authority,
            "path": a.path,
        });
        if let Some(acc_obj) = acc.as_object_mut() {
            for (name, value) in [
                ("flush_interval_ms", a.flush_interval_ms.map(|v| json!(v))),
                ("batch_max", a.batch_max.map(|v| json!(v))),
                ("timeout_ms", a.timeout_ms.map(|v| json!(v))),
            ] {
                if let Some(v) = value {
                    acc_obj.insert(name.into(), v);
                }
            }
        }
        obj.insert("accounting".into(), acc);
    }
    config
}

/// The standalone accounting cluster name.
pub fn default_policy_config(g: &Gateway) -> Value {
    policy_config(g, ACCOUNTING_CLUSTER)
}

/// The `translate` role's config: every provider's dialect and credentials.
pub fn translate_config(g: &Gateway) -> Value {
    let providers: Vec<Value> = g
        .providers
        .iter()
        .map(|p| {
            let mut provider = json!({
                "name": p.name,
                "schema": p.schema,
                "base_path": p.base_path,
                "authority": p.authority,
                "api_key_env": p.api_key_env,
            });
            if let Some(obj) = provider.as_object_mut() {
                for (field, value) in [("auth_header", &p.auth_header), ("path", &p.path)] {
                    if let Some(v) = value {
                        obj.insert(field.into(), json!(v));
                    }
                }
                if let Some(aws) = &p.aws {
                    obj.insert("aws".into(), json!(aws));
                }
                // Defaults are left out, so plain providers' configs do not change.
                if p.vendor != Vendor::Openai {
                    obj.insert("vendor".into(), json!(p.vendor));
                }
                if p.drop_unsupported {
                    obj.insert("drop_unsupported".into(), json!(true));
                }
            }
            provider
        })
        .collect();
    json!({
        "role": "translate",
        "log_level": log_level_name(g.log_level),
        "providers": providers,
    })
}

/// Runs a generated plugin config through the filter's own validation.
pub fn check_with_filter(what: &str, config: &Value) -> Result<(), Vec<String>> {
    Config::parse(config.to_string().as_bytes())
        .map(|_| ())
        .map_err(|e| {
            e.problems
                .into_iter()
                .map(|p| format!("generated {what} config: {p}"))
                .collect()
        })
}

/// The shared VM definition: both roles use one `vm_id` and the same code, so
/// Envoy runs one VM per worker for both.
pub fn vm_config(g: &Gateway) -> Value {
    json!({
        "vm_id": VM_ID,
        "runtime": "envoy.wasm.runtime.v8",
        "code": {"local": {"filename": g.wasm.path}},
        "environment_variables": {"host_env_keys": g.key_env_vars()},
    })
}

/// A complete `envoy.extensions.filters.http.wasm.v3.Wasm` for one role.
pub fn wasm_filter(name: &str, root_id: &str, vm: Value, plugin: &Value) -> Value {
    json!({
        "@type": WASM_TYPE,
        "config": {
            "name": name,
            "root_id": root_id,
            "vm_config": vm,
            // Headers stay paused until the body is read: the only state in
            // which request headers (cluster, path, credentials) can be written.
            "allow_on_headers_stop_iteration": true,
            "failure_policy": "FAIL_RELOAD",
            "configuration": {
                "@type": "type.googleapis.com/google.protobuf.StringValue",
                "value": plugin.to_string(),
            },
        },
    })
}
