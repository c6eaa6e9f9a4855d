#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value;
use switchboard_core::config::Config;

use super::*;
use crate::gateway::tests::{demo, demo_with};

fn options() -> IstioOptions {
    IstioOptions::new(
        "ai".into(),
        &["istio=ingressgateway".into()],
        DEFAULT_WASM_FILE.into(),
    )
    .unwrap()
}

/// The YAML stream parsed back, document by document.
fn manifests(g: &Gateway) -> Vec<Value> {
    let text = to_yaml_stream(&generate(g, &options()).unwrap(), "demo").unwrap();
    text.split("\n---\n")
        .skip(1)
        .map(|doc| serde_norway::from_str(doc).unwrap())
        .collect()
}

fn patches(docs: &[Value], apply_to: &str) -> Vec<Value> {
    let filter = docs.iter().find(|d| d["kind"] == "EnvoyFilter").unwrap();
    filter["spec"]["configPatches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["applyTo"] == apply_to)
        .cloned()
        .collect()
}

#[test]
fn one_service_entry_and_destination_rule_per_provider() {
    let g = demo_with(
        "    address: 127.0.0.1\n    port: ${anthropic_port}\n",
        "    address: api.anthropic.com\n    port: 443\n    tls: true\n",
    )
    .unwrap();
    let docs = manifests(&g);
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = g
        .providers
        .iter()
        .flat_map(|_| ["ServiceEntry", "DestinationRule"])
        .collect();
    expected.push("EnvoyFilter");
    assert_eq!(kinds, expected);
    for d in &docs {
        assert_eq!(d["metadata"]["namespace"], "ai");
    }
    // The mock OpenAI (IP literal) is a STATIC entry named by its authority.
    assert_eq!(docs[0]["spec"]["hosts"][0], "api.openai.com");
    assert_eq!(docs[0]["spec"]["resolution"], "STATIC");
    assert_eq!(docs[0]["spec"]["endpoints"][0]["address"], "127.0.0.1");
    assert_eq!(
        docs[1]["spec"]["trafficPolicy"]["portLevelSettings"][0]["tls"]["mode"],
        "DISABLE"
    );
    // Anthropic over TLS: DNS entry, TLS originated with SNI.
    assert_eq!(docs[2]["spec"]["hosts"][0], "api.anthropic.com");
    assert_eq!(docs[2]["spec"]["resolution"], "DNS");
    assert_eq!(docs[2]["spec"]["location"], "MESH_EXTERNAL");
    assert_eq!(docs[2]["spec"]["ports"][0]["number"], 443);
    let tls = &docs[3]["spec"]["trafficPolicy"]["portLevelSettings"][0];
    assert_eq!(tls["port"]["number"], 443);
    assert_eq!(tls["tls"]["mode"], "SIMPLE");
    assert_eq!(tls["tls"]["sni"], "api.anthropic.com");
}

#[test]
fn both_roles_are_extension_configs_with_headers_held() {
    let docs = manifests(&demo());
    let filter = docs.last().unwrap();
    assert_eq!(filter["apiVersion"], "networking.istio.io/v1alpha3");
    assert_eq!(
        filter["spec"]["workloadSelector"]["labels"]["istio"],
        "ingressgateway"
    );
    let extensions = patches(&docs, "EXTENSION_CONFIG");
    assert_eq!(extensions.len(), 2);
    for (patch, name) in extensions
        .iter()
        .zip(["switchboard.policy", "switchboard.translate"])
    {
        assert_eq!(patch["patch"]["operation"], "ADD");
        let value = &patch["patch"]["value"];
        assert_eq!(value["name"], name);
        let config = &value["typed_config"]["config"];
        assert_eq!(config["allow_on_headers_stop_iteration"], true);
        assert_eq!(
            config["vm_config"]["code"]["local"]["filename"],
            DEFAULT_WASM_FILE
        );
        assert_eq!(
            config["vm_config"]["environment_variables"]["host_env_keys"],
            serde_json::json!(demo().key_env_vars())
        );
        let plugin = config["configuration"]["value"].as_str().unwrap();
        Config::parse(plugin.as_bytes()).unwrap();
    }
    let policy = extensions[0]["patch"]["value"]["typed_config"]["config"]["configuration"]
        ["value"]
        .as_str()
        .unwrap();
    let policy: Value = serde_json::from_str(policy).unwrap();
    assert_eq!(policy["accounting"]["cluster"], "outbound|18003||127.0.0.1");

    let [filter] = patches(&docs, "HTTP_FILTER").try_into().unwrap();
    assert_eq!(filter["patch"]["operation"], "INSERT_BEFORE");
    assert_eq!(filter["match"]["context"], "GATEWAY");
    assert_eq!(
        filter["match"]["listener"]["filterChain"]["filter"]["subFilter"]["name"],
        "envoy.filters.http.router"
    );
    let discovery = &filter["patch"]["value"]["config_discovery"];
    assert!(discovery["config_source"]["ads"].is_object());
    assert_eq!(filter["patch"]["value"]["name"], "switchboard.policy");
}

#[test]
fn route_and_model_clusters_are_patched_in() {
    let docs = manifests(&demo());
    let [vhost] = patches(&docs, "VIRTUAL_HOST").try_into().unwrap();
    let route = &vhost["patch"]["value"]["routes"][0]["route"];
    assert_eq!(route["cluster_header"], "x-switchboard-cluster");
    assert_eq!(
        route["retry_policy"]["retry_priority"]["name"],
        "envoy.retry_priorities.previous_priorities"
    );
    let clusters = patches(&docs, "CLUSTER");
    let steps: usize = demo()
        .models
        .iter()
        .filter(|m| m.cluster.is_none())
        .map(|m| m.chain.len())
        .sum();
    assert_eq!(clusters.len(), steps);
    for c in &clusters {
        assert_eq!(c["patch"]["operation"], "ADD");
        let filters = &c["patch"]["value"]["typed_extension_protocol_options"]
            ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]["http_filters"];
        assert_eq!(filters[0]["name"], "switchboard.translate");
        assert!(filters[0]["config_discovery"]["config_source"]["ads"].is_object());
        assert_eq!(filters[1]["name"], "envoy.filters.http.upstream_codec");
    }
    let [hcm] = patches(&docs, "NETWORK_FILTER").try_into().unwrap();
    assert_eq!(hcm["patch"]["operation"], "MERGE");
    assert_eq!(
        hcm["patch"]["value"]["typed_config"]["always_set_request_id_in_response"],
        true
    );
    let [listener] = patches(&docs, "LISTENER").try_into().unwrap();
    assert_eq!(
        listener["patch"]["value"]["per_connection_buffer_limit_bytes"],
        16_777_216
    );
}

#[test]
fn bad_options_are_refused() {
    assert!(IstioOptions::new("ai".into(), &["nolabel".into()], "x".into()).is_err());
    assert!(IstioOptions::new(String::new(), &[], "x".into()).is_err());
}
