//! Envoy clusters: per routable model, one per failover-chain step whose
//! priority levels are the chain from that step on (the policy skips steps
//! that are cooling down by routing to a later step's cluster); per automatic
//! route, one per ordered choice of up to `failover_depth` candidates, whose
//! priorities are those models' chains one after the other (the policy routes
//! a request to the choice its ranking made, so the ranking is the failover
//! chain); plus the accounting service's.
//!
//! Every endpoint carries `filter_metadata.switchboard.{provider, model,
//! served_as, route_model}` for the translate filter (`route_model`: the
//! routing-table model whose chain the endpoint is a step of). A chain may mix plain-HTTP and TLS
//! providers with different SNIs, so TLS is chosen per endpoint with
//! `transport_socket_matches` keyed on endpoint metadata.

use std::net::IpAddr;

use serde_json::{json, Value};
use switchboard_core::select::ranked_cluster_name;
use switchboard_core::upstream::METADATA_NAMESPACE;

use super::duration;
use crate::gateway::{step_cluster, ChainEntry, Gateway, Model, Provider, ACCOUNTING_CLUSTER};

/// Endpoint metadata key that selects a transport socket match.
const TLS_MATCH_KEY: &str = "switchboard_tls";
const HTTP_OPTIONS: &str = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

fn is_ip(address: &str) -> bool {
    address.parse::<IpAddr>().is_ok()
}

/// STATIC when every address is an IP literal, STRICT_DNS otherwise.
fn discovery(addresses: &[&str]) -> (&'static str, Option<&'static str>) {
    if addresses.iter().all(|a| is_ip(a)) {
        ("STATIC", None)
    } else {
        ("STRICT_DNS", Some("V4_PREFERRED"))
    }
}

fn socket(address: &str, port: u16) -> Value {
    json!({"socket_address": {"address": address, "port_value": port}})
}

fn upstream_tls(g: &Gateway, provider: &Provider) -> Value {
    json!({
        "name": "envoy.transport_sockets.tls",
        "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
            "sni": provider.sni(),
            "common_tls_context": {
                "alpn_protocols": ["http/1.1"],
                "validation_context": {
                    "trusted_ca": {"filename": g.ca_file},
                    "match_typed_subject_alt_names": [
                        {"san_type": "DNS", "matcher": {"exact": provider.sni()}}
                    ],
                },
            },
        },
    })
}

/// The upstream HTTP filter chain: translate (`translate_ref`, an ECDS
/// reference), then the codec, which must be last.
fn upstream_filters(translate_ref: &Value) -> Value {
    json!({
        "@type": format!("type.googleapis.com/{HTTP_OPTIONS}"),
        "explicit_http_config": {"http_protocol_options": {}},
        "http_filters": [
            translate_ref,
            {
                "name": "envoy.filters.http.upstream_codec",
                "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.upstream_codec.v3.UpstreamCodec"
                },
            },
        ],
    })
}

/// A model's clusters: one per chain step, the step's cluster holding the
/// chain from that step on (priority 0 = that step). Step 0's cluster is the
/// model's own. Models routed to an external `cluster` get none.
pub fn model_clusters(g: &Gateway, model: &Model, translate_ref: &Value) -> Vec<Value> {
    if model.cluster.is_some() {
        return Vec::new();
    }
    let base = model.cluster();
    (0..model.chain.len())
        .filter_map(|step| {
            let rest: Vec<(&str, &ChainEntry)> = model
                .chain
                .get(step..)?
                .iter()
                .map(|entry| (model.name.as_str(), entry))
                .collect();
            chain_cluster(g, &step_cluster(&base, step), &rest, translate_ref)
        })
        .collect()
}

/// The ranked-chain clusters of every automatic route (shared between routes
/// with the same candidates), in a stable order.
pub fn ranked_clusters(g: &Gateway, translate_ref: &Value) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for route in &g.auto_routes {
        let models: Vec<&Model> = route
            .candidates
            .iter()
            .filter_map(|c| {
                g.models
                    .iter()
                    .find(|m| &m.name == c && m.cluster.is_none())
            })
            .collect();
        let mut choice = Vec::new();
        ordered_choices(&models, route.depth(), &mut choice, &mut |picked| {
            let names: Vec<String> = picked.iter().map(|m| m.cluster()).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let name = ranked_cluster_name(&refs);
            if !seen.insert(name.clone()) {
                return;
            }
            let chain: Vec<(&str, &ChainEntry)> = picked
                .iter()
                .flat_map(|m| m.chain.iter().map(|entry| (m.name.as_str(), entry)))
                .collect();
            out.extend(chain_cluster(g, &name, &chain, translate_ref));
        });
    }
    out
}

/// Calls `visit` with every ordered choice of 2..=depth distinct models.
fn ordered_choices<'m>(
    models: &[&'m Model],
    depth: usize,
    choice: &mut Vec<&'m Model>,
    visit: &mut dyn FnMut(&[&'m Model]),
) {
    if choice.len() >= 2 {
        visit(choice);
    }
    if choice.len() >= depth {
        return;
    }
    for m in models {
        if choice.iter().any(|c| c.name == m.name) {
            continue;
        }
        choice.push(m);
        ordered_choices(models, depth, choice, visit);
        choice.pop();
    }
}

fn chain_cluster(
    g: &Gateway,
    name: &str,
    chain: &[(&str, &ChainEntry)],
    translate_ref: &Value,
) -> Option<Value> {
    if chain.is_empty() {
        return None;
    }
    let mut addresses = Vec::new();
    let mut endpoints = Vec::new();
    let mut tls_providers: Vec<&Provider> = Vec::new();
    for (priority, (route_model, entry)) in chain.iter().enumerate() {
        let provider = g.provider(&entry.provider)?;
        addresses.push(provider.address.as_str());
        let mut filter_metadata = json!({
            METADATA_NAMESPACE: {
                "provider": provider.name,
                "model": entry.model,
                "served_as": entry.served_as(),
                "route_model": route_model,
            }
        });
        if provider.tls {
            if let Some(obj) = filter_metadata.as_object_mut() {
                obj.insert(
                    "envoy.transport_socket_match".into(),
                    json!({TLS_MATCH_KEY: provider.name}),
                );
            }
            if !tls_providers.iter().any(|p| p.name == provider.name) {
                tls_providers.push(provider);
            }
        }
        endpoints.push(json!({
            "priority": priority,
            "lb_endpoints": [{
                "endpoint": {"address": socket(&provider.address, provider.port)},
                "metadata": {"filter_metadata": filter_metadata},
            }],
        }));
    }
    let (kind, family) = discovery(&addresses);
    let limits = &g.limits;
    let mut cluster = json!({
        "name": name,
        "type": kind,
        "connect_timeout": duration(g.timeouts.connect_ms),
        "lb_policy": "ROUND_ROBIN",
        "per_connection_buffer_limit_bytes": limits.buffer_limit_bytes,
        "circuit_breakers": {"thresholds": [{
            "max_connections": limits.max_requests,
            "max_pending_requests": limits.max_requests,
            "max_requests": limits.max_requests,
            "max_retries": limits.max_retries,
        }]},
        "typed_extension_protocol_options": {HTTP_OPTIONS: upstream_filters(translate_ref)},
        "load_assignment": {"cluster_name": name, "endpoints": endpoints},
    });
    let obj = cluster.as_object_mut()?;
    if let Some(family) = family {
        obj.insert("dns_lookup_family".into(), json!(family));
    }
    if !tls_providers.is_empty() {
        let matches: Vec<Value> = tls_providers
            .iter()
            .map(|p| {
                json!({
                    "name": format!("tls-{}", p.name),
                    "match": {TLS_MATCH_KEY: p.name},
                    "transport_socket": upstream_tls(g, p),
                })
            })
            .collect();
        obj.insert("transport_socket_matches".into(), json!(matches));
    }
    Some(cluster)
}

/// The accounting service's cluster (plain HTTP, inside the trust boundary).
pub fn accounting_cluster(g: &Gateway) -> Option<Value> {
    let a = g.accounting.as_ref()?;
    let (kind, family) = discovery(&[a.address.as_str()]);
    let mut cluster = json!({
        "name": ACCOUNTING_CLUSTER,
        "type": kind,
        "connect_timeout": duration(g.timeouts.connect_ms),
        "load_assignment": {
            "cluster_name": ACCOUNTING_CLUSTER,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": socket(&a.address, a.port)}}]}],
        },
    });
    if let (Some(family), Some(obj)) = (family, cluster.as_object_mut()) {
        obj.insert("dns_lookup_family".into(), json!(family));
    }
    Some(cluster)
}
