//! `switchboard envoy`: a complete Envoy bootstrap from a gateway file, plus the
//! two ECDS files holding the plugin configs (hot-reloadable).
//!
//! Layout (docs/design.md §1, §2, §9): listener → policy filter (ECDS) →
//! router with `cluster_header` and a retry policy that moves to the next
//! priority; one cluster per model whose priorities are its failover chain,
//! each running the translate filter (ECDS) upstream per attempt.

pub mod cluster;
mod ecds;

use std::path::Path;

use serde_json::{json, Value};
use switchboard_core::route::CLUSTER_HEADER;

pub use ecds::{discovery_response, version_of, write_atomically, Ecds};

use crate::gateway::Gateway;
use crate::plugin::{self, POLICY_FILTER, TRANSLATE_FILTER};

/// Label names and the metric-name keyword each one is taken from: a name
/// part `.model.<value>` becomes the label `switchboard_model="<value>"`.
pub const STATS_DIMENSIONS: &[&str] = &[
    "model", "served", "provider", "status", "code", "team", "task",
];

/// Everything `switchboard envoy` writes.
#[derive(Debug, Clone)]
pub struct Generated {
    pub bootstrap: Value,
    /// ECDS file contents for the policy and translate filters.
    pub policy_ecds: Value,
    pub translate_ecds: Value,
}

/// `0.001s`-style durations from milliseconds.
pub fn duration(ms: u64) -> String {
    format!("{}.{:03}s", ms / 1000, ms % 1000)
}

/// Builds the bootstrap and ECDS documents. Both plugin configs are checked
/// with the filter's own `Config::parse` first.
pub fn generate(g: &Gateway, ecds: &Ecds) -> Result<Generated, Vec<String>> {
    let policy = plugin::default_policy_config(g);
    let translate = plugin::translate_config(g);
    let mut problems = Vec::new();
    for (what, config) in [("policy", &policy), ("translate", &translate)] {
        if let Err(p) = plugin::check_with_filter(what, config) {
            problems.extend(p);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let vm = plugin::vm_config(g);
    let policy_filter = plugin::wasm_filter(POLICY_FILTER, "policy", vm.clone(), &policy);
    let translate_filter = plugin::wasm_filter(TRANSLATE_FILTER, "translate", vm, &translate);

    let mut clusters: Vec<Value> = cluster::accounting_cluster(g).into_iter().collect();
    let translate_ref = ecds.filter_reference(TRANSLATE_FILTER, &ecds.translate_path());
    clusters.extend(
        g.models
            .iter()
            .flat_map(|m| cluster::model_clusters(g, m, &translate_ref)),
    );
    clusters.extend(cluster::ranked_clusters(g, &translate_ref));

    let mut bootstrap = json!({
        // ECDS needs a node identity even when it is file-based.
        "node": {"id": "switchboard", "cluster": "switchboard"},
        "stats_config": {"stats_tags": stats_tags()},
        "static_resources": {"listeners": [listener(g, ecds)], "clusters": clusters},
    });
    if let (Some(admin), Some(obj)) = (&g.admin, bootstrap.as_object_mut()) {
        obj.insert(
            "admin".into(),
            json!({"address": {"socket_address": {"address": admin.address, "port_value": admin.port}}}),
        );
    }
    Ok(Generated {
        bootstrap,
        policy_ecds: discovery_response(POLICY_FILTER, &policy_filter),
        translate_ecds: discovery_response(TRANSLATE_FILTER, &translate_filter),
    })
}

/// `stats_config.stats_tags`: custom metrics are named
/// `switchboard.<metric>(.<dimension>.<value>)*` by the filter (Envoy adds the
/// `wasmcustom.` prefix); each known dimension becomes a label and leaves the
/// name, so `wasmcustom.switchboard.requests.model.m.status.200` is exported as
/// `wasmcustom.switchboard.requests{switchboard_model="m",switchboard_status="200"}`.
/// Values must not contain dots (the filter replaces them).
pub fn stats_tags() -> Vec<Value> {
    STATS_DIMENSIONS
        .iter()
        .map(|dim| {
            json!({
                "tag_name": format!("switchboard_{dim}"),
                "regex": format!(r"^wasmcustom\.switchboard(?:\.[^.]+)*?(\.{dim}\.([^.]+))(?:\.|$)"),
            })
        })
        .collect()
}

fn access_log(path: &str) -> Value {
    let state = |name: &str| format!("%FILTER_STATE(wasm.switchboard.{name}:PLAIN)%");
    json!([{
        "name": "envoy.access_loggers.file",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog",
            "path": path,
            // Zero data retention: ids, models, counts and timings only.
            "log_format": {"json_format": {
                "request_id": "%REQ(X-REQUEST-ID)%",
                "status": "%RESPONSE_CODE%",
                "duration_ms": "%DURATION%",
                "attempts": "%UPSTREAM_REQUEST_ATTEMPT_COUNT%",
                "key_id": state("key_id"),
                "model": state("model"),
                "input_tokens": state("input_tokens"),
                "output_tokens": state("output_tokens"),
            }},
        },
    }])
}

/// The route: cluster from the policy filter's header, failover by retrying
/// onto the next priority (`previous_priorities`).
pub fn route(g: &Gateway) -> Value {
    let r = &g.retry;
    json!({
        "match": {"prefix": "/"},
        "route": {
            "cluster_header": CLUSTER_HEADER,
            "timeout": duration(g.timeouts.route_ms),
            "retry_policy": {
                "retry_on": r.on.join(","),
                "retriable_status_codes": r.status_codes,
                "num_retries": r.num_retries,
                "per_try_timeout": duration(g.timeouts.per_try_ms),
                "retry_back_off": {
                    "base_interval": duration(r.back_off_base_ms),
                    "max_interval": duration(r.back_off_max_ms),
                },
                "retry_priority": {
                    "name": "envoy.retry_priorities.previous_priorities",
                    "typed_config": {
                        "@type": "type.googleapis.com/envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig",
                        "update_frequency": 1,
                    },
                },
            },
        },
    })
}

/// Header-only replies Envoy makes itself (no cluster for the header's
/// value) get an OpenAI-shaped body; text bodies are rewritten by the policy
/// filter.
pub fn local_reply_config() -> Value {
    json!({"mappers": [{
        "filter": {"response_flag_filter": {"flags": ["NC"]}},
        "body": {"inline_string": r#"{"error":{"message":"No provider cluster is configured for this model.","type":"server_error","param":null,"code":"upstream_unavailable"}}"#},
        "body_format_override": {
            "text_format_source": {"inline_string": "%LOCAL_REPLY_BODY%"},
            "content_type": "application/json",
        },
    }]})
}

fn listener(g: &Gateway, ecds: &Ecds) -> Value {
    let mut hcm = json!({
        "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        "stat_prefix": "switchboard",
        // Clients can quote the id that the usage record carries.
        "always_set_request_id_in_response": true,
        "local_reply_config": local_reply_config(),
        "route_config": {
            "name": "switchboard",
            "virtual_hosts": [{
                "name": "switchboard",
                "domains": ["*"],
                "include_attempt_count_in_response": true,
                "routes": [route(g)],
            }],
        },
        "http_filters": [
            ecds.filter_reference(POLICY_FILTER, &ecds.policy_path()),
            {
                "name": "envoy.filters.http.router",
                "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"},
            },
        ],
    });
    if let (Some(path), Some(obj)) = (&g.access_log, hcm.as_object_mut()) {
        obj.insert("access_log".into(), access_log(path));
    }
    json!({
        "name": "switchboard",
        "address": {"socket_address": {"address": g.listener.address, "port_value": g.listener.port}},
        "per_connection_buffer_limit_bytes": g.limits.buffer_limit_bytes,
        "filter_chains": [{"filters": [{
            "name": "envoy.filters.network.http_connection_manager",
            "typed_config": hcm,
        }]}],
    })
}

/// YAML text of a generated document, with a header saying where it came from.
pub fn to_yaml(value: &Value, source: &str) -> Result<String, String> {
    let body = serde_norway::to_string(value).map_err(|e| format!("cannot write YAML: {e}"))?;
    Ok(format!(
        "# Generated by `switchboard` from {source}. Do not edit: change the gateway file and regenerate.\n{body}"
    ))
}

/// Writes the ECDS files (translate first, so providers a new policy routes to
/// exist before it does) and returns their paths.
pub fn write_ecds(
    generated: &Generated,
    ecds: &Ecds,
    source: &str,
) -> Result<Vec<std::path::PathBuf>, String> {
    let mut written = Vec::new();
    for (path, doc) in [
        (ecds.translate_path(), &generated.translate_ecds),
        (ecds.policy_path(), &generated.policy_ecds),
    ] {
        write_atomically(&path, &to_yaml(doc, source)?)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

/// True when `path` holds a different bootstrap than `yaml`: listener or
/// cluster changes need an Envoy restart, plugin-config changes do not.
pub fn bootstrap_changed(path: &Path, yaml: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|old| old != yaml)
}

#[cfg(test)]
mod tests;
