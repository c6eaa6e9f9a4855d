//! `switchboard istio`: manifests that install Switchboard on an Istio
//! gateway (docs/istio.md): per provider a ServiceEntry and a DestinationRule
//! (TLS origination), and one EnvoyFilter carrying what Istio's own resources
//! cannot express.
//!
//! Why the policy filter is not a `WasmPlugin`: it must run with
//! `allow_on_headers_stop_iteration: true` (headers wait for the body), which
//! `WasmPlugin` has no field for, and an EnvoyFilter cannot patch a
//! WasmPlugin's extension config (`EXTENSION_CONFIG` supports only ADD). So
//! both roles are added as extension configs by the EnvoyFilter and
//! referenced through ADS (ECDS), exactly like the standalone file-based ECDS.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::envoy::{self, cluster};
use crate::gateway::{Gateway, Provider};
use crate::plugin::{self, POLICY_FILTER, TRANSLATE_FILTER, WASM_TYPE};

/// Where the module is mounted in the proxy container by default.
pub const DEFAULT_WASM_FILE: &str = "/var/local/lib/wasm/switchboard.wasm";
const HCM: &str = "envoy.filters.network.http_connection_manager";

#[derive(Debug, Clone)]
pub struct IstioOptions {
    pub namespace: String,
    pub selector: BTreeMap<String, String>,
    pub wasm_file: String,
}

impl IstioOptions {
    pub fn new(namespace: String, selector: &[String], wasm_file: String) -> Result<Self, String> {
        let mut labels = BTreeMap::new();
        for pair in selector {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(format!("--selector {pair}: expected key=value"));
            };
            labels.insert(k.to_owned(), v.to_owned());
        }
        if namespace.is_empty() {
            return Err("--namespace must not be empty".to_owned());
        }
        Ok(Self {
            namespace,
            selector: labels,
            wasm_file,
        })
    }
}

fn metadata(name: &str, o: &IstioOptions) -> Value {
    json!({
        "name": name,
        "namespace": o.namespace,
        "labels": {"app.kubernetes.io/managed-by": "switchboard"},
    })
}

fn service_entry(p: &Provider, o: &IstioOptions) -> Value {
    let ip = p.address.parse::<std::net::IpAddr>().is_ok();
    // TLS is originated by the proxy (DestinationRule), so the port speaks
    // HTTP from the mesh's point of view.
    let mut spec = json!({
        "hosts": [if ip { &p.authority } else { &p.address }],
        "location": "MESH_EXTERNAL",
        "ports": [{"number": p.port, "name": format!("http-{}", p.name), "protocol": "HTTP"}],
        "resolution": if ip { "STATIC" } else { "DNS" },
    });
    if let (true, Some(obj)) = (ip, spec.as_object_mut()) {
        obj.insert("endpoints".into(), json!([{"address": p.address}]));
    }
    json!({
        "apiVersion": "networking.istio.io/v1",
        "kind": "ServiceEntry",
        "metadata": metadata(&format!("switchboard-{}", p.name), o),
        "spec": spec,
    })
}

fn destination_rule(p: &Provider, o: &IstioOptions) -> Value {
    let host = if p.address.parse::<std::net::IpAddr>().is_ok() {
        &p.authority
    } else {
        &p.address
    };
    let tls = if p.tls {
        json!({"mode": "SIMPLE", "sni": p.sni()})
    } else {
        json!({"mode": "DISABLE"})
    };
    json!({
        "apiVersion": "networking.istio.io/v1",
        "kind": "DestinationRule",
        "metadata": metadata(&format!("switchboard-{}", p.name), o),
        "spec": {
            "host": host,
            "trafficPolicy": {"portLevelSettings": [{"port": {"number": p.port}, "tls": tls}]},
        },
    })
}

/// A filter entry whose config istiod serves over ADS (ECDS).
fn ads_reference(name: &str) -> Value {
    json!({
        "name": name,
        "config_discovery": {
            "config_source": {"ads": {}, "resource_api_version": "V3"},
            "type_urls": [WASM_TYPE],
        },
    })
}

fn gateway_patch(apply_to: &str, operation: &str, extra_match: Value, value: Value) -> Value {
    let mut m = json!({"context": "GATEWAY"});
    if let (Some(obj), Value::Object(extra)) = (m.as_object_mut(), extra_match) {
        obj.extend(extra);
    }
    json!({"applyTo": apply_to, "match": m, "patch": {"operation": operation, "value": value}})
}

fn envoy_filter(g: &Gateway, o: &IstioOptions) -> Result<Value, Vec<String>> {
    // In the mesh, accounting is an ordinary service: route to Istio's cluster.
    let accounting = g
        .accounting
        .as_ref()
        .map(|a| format!("outbound|{}||{}", a.port, a.address))
        .unwrap_or_default();
    let policy = plugin::policy_config(g, &accounting);
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
    let mut vm = plugin::vm_config(g);
    if let Some(obj) = vm.as_object_mut() {
        obj.insert("code".into(), json!({"local": {"filename": o.wasm_file}}));
    }
    let extension = |name: &str, root: &str, config: &Value| {
        json!({
            "applyTo": "EXTENSION_CONFIG",
            "patch": {"operation": "ADD", "value": {
                "name": name,
                "typed_config": plugin::wasm_filter(name, root, vm.clone(), config),
            }},
        })
    };
    let hcm_match = json!({"listener": {"filterChain": {"filter": {"name": HCM}}}});
    let mut patches = vec![
        extension(POLICY_FILTER, "policy", &policy),
        extension(TRANSLATE_FILTER, "translate", &translate),
        gateway_patch(
            "HTTP_FILTER",
            "INSERT_BEFORE",
            json!({"listener": {"filterChain": {"filter": {"name": HCM, "subFilter": {"name": "envoy.filters.http.router"}}}}}),
            ads_reference(POLICY_FILTER),
        ),
        gateway_patch(
            "NETWORK_FILTER",
            "MERGE",
            hcm_match,
            json!({"typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
                "always_set_request_id_in_response": true,
                "local_reply_config": envoy::local_reply_config(),
            }}),
        ),
        gateway_patch(
            "LISTENER",
            "MERGE",
            json!({}),
            json!({"per_connection_buffer_limit_bytes": g.limits.buffer_limit_bytes}),
        ),
        gateway_patch(
            "VIRTUAL_HOST",
            "ADD",
            json!({"routeConfiguration": {"portNumber": g.listener.port}}),
            json!({
                "name": "switchboard",
                "domains": ["*"],
                "include_attempt_count_in_response": true,
                "routes": [envoy::route(g)],
            }),
        ),
    ];
    let translate_ref = ads_reference(TRANSLATE_FILTER);
    for model in &g.models {
        for c in cluster::model_clusters(g, model, &translate_ref) {
            patches.push(gateway_patch("CLUSTER", "ADD", json!({}), c));
        }
    }
    Ok(json!({
        "apiVersion": "networking.istio.io/v1alpha3",
        "kind": "EnvoyFilter",
        "metadata": metadata("switchboard", o),
        "spec": {
            "workloadSelector": {"labels": o.selector},
            "configPatches": patches,
        },
    }))
}

/// Every manifest, in apply order.
pub fn generate(g: &Gateway, o: &IstioOptions) -> Result<Vec<Value>, Vec<String>> {
    let mut docs = Vec::new();
    for p in &g.providers {
        docs.push(service_entry(p, o));
        docs.push(destination_rule(p, o));
    }
    docs.push(envoy_filter(g, o)?);
    Ok(docs)
}

/// A `---`-separated YAML stream.
pub fn to_yaml_stream(docs: &[Value], source: &str) -> Result<String, String> {
    let mut out = format!("# Generated by `switchboard istio` from {source}. Do not edit.\n");
    for doc in docs {
        out.push_str("---\n");
        out.push_str(&serde_norway::to_string(doc).map_err(|e| format!("cannot write YAML: {e}"))?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
