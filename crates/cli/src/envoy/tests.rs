#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use serde_json::Value;
use switchboard_core::config::{Config, Role};

use super::*;
use crate::gateway::tests::{demo, demo_with};

fn ecds() -> Ecds {
    Ecds::new(Path::new("/state/ecds")).unwrap()
}

fn generated() -> Generated {
    generate(&demo(), &ecds()).unwrap()
}

/// Generated YAML parsed back: what Envoy will read.
fn bootstrap() -> Value {
    let yaml = to_yaml(&generated().bootstrap, "demo").unwrap();
    serde_norway::from_str(&yaml).unwrap()
}

fn clusters(b: &Value) -> Vec<Value> {
    b["static_resources"]["clusters"]
        .as_array()
        .unwrap()
        .clone()
}

fn cluster(b: &Value, name: &str) -> Value {
    clusters(b)
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no cluster {name}"))
}

/// The plugin config JSON inside an ECDS discovery response.
fn plugin_config(ecds_doc: &Value) -> Vec<u8> {
    let value = &ecds_doc["resources"][0]["typed_config"]["config"]["configuration"]["value"];
    value.as_str().unwrap().as_bytes().to_vec()
}

#[test]
fn yaml_round_trips_to_the_same_document() {
    assert_eq!(bootstrap(), generated().bootstrap);
}

#[test]
fn listener_runs_policy_from_ecds_then_the_router() {
    let b = bootstrap();
    let listener = &b["static_resources"]["listeners"][0];
    assert_eq!(listener["per_connection_buffer_limit_bytes"], 16_777_216);
    let hcm = &listener["filter_chains"][0]["filters"][0]["typed_config"];
    assert_eq!(hcm["always_set_request_id_in_response"], true);
    let filters = hcm["http_filters"].as_array().unwrap();
    assert_eq!(filters.len(), 2);
    let source = &filters[0]["config_discovery"]["config_source"]["path_config_source"];
    assert_eq!(filters[0]["name"], "switchboard.policy");
    assert_eq!(source["path"], "/state/ecds/policy/ecds.yaml");
    assert_eq!(source["watched_directory"]["path"], "/state/ecds/policy");
    assert_eq!(filters[1]["name"], "envoy.filters.http.router");
    let mapper = &hcm["local_reply_config"]["mappers"][0];
    assert_eq!(mapper["filter"]["response_flag_filter"]["flags"][0], "NC");
    let fields = hcm["access_log"][0]["typed_config"]["log_format"]["json_format"]
        .as_object()
        .unwrap();
    assert_eq!(
        fields["key_id"],
        "%FILTER_STATE(wasm.switchboard.key_id:PLAIN)%"
    );
    assert_eq!(fields["attempts"], "%UPSTREAM_REQUEST_ATTEMPT_COUNT%");
    assert_eq!(b["node"]["id"], "switchboard");
}

#[test]
fn route_fails_over_by_priority_without_a_timeout() {
    let b = bootstrap();
    let hcm =
        &b["static_resources"]["listeners"][0]["filter_chains"][0]["filters"][0]["typed_config"];
    let vhost = &hcm["route_config"]["virtual_hosts"][0];
    assert_eq!(vhost["include_attempt_count_in_response"], true);
    let route = &vhost["routes"][0]["route"];
    assert_eq!(route["cluster_header"], "x-switchboard-cluster");
    assert_eq!(route["timeout"], "0.000s");
    let retry = &route["retry_policy"];
    assert_eq!(
        retry["retry_on"],
        "retriable-status-codes,5xx,reset,connect-failure"
    );
    assert_eq!(retry["retriable_status_codes"][0], 429);
    assert_eq!(retry["num_retries"], 2);
    assert_eq!(retry["per_try_timeout"], "120.000s");
    assert_eq!(retry["retry_back_off"]["base_interval"], "0.001s");
    assert_eq!(
        retry["retry_priority"]["name"],
        "envoy.retry_priorities.previous_priorities"
    );
    assert_eq!(
        retry["retry_priority"]["typed_config"]["update_frequency"],
        1
    );
}

#[test]
fn each_chain_is_one_cluster_with_priorities_and_metadata() {
    let b = bootstrap();
    // One cluster per chain step of every generated chain + accounting; the
    // external-cluster model has none.
    let steps: usize = demo()
        .models
        .iter()
        .filter(|m| m.cluster.is_none())
        .map(|m| m.chain.len())
        .sum();
    // Plus one per ordered choice of 2 or 3 of the auto routes' three
    // candidates (the routes share them): 6 + 6.
    assert_eq!(clusters(&b).len(), steps + 1 + 12);
    // A later step's cluster starts the chain there.
    let from1 = cluster(&b, "sb_demo-failover-429~1");
    let e = from1["load_assignment"]["endpoints"].as_array().unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0]["priority"], 0);
    assert_eq!(
        e[0]["lb_endpoints"][0]["metadata"]["filter_metadata"]["switchboard"]["provider"],
        "anthropic"
    );
    let c = cluster(&b, "sb_demo-failover-429");
    assert_eq!(c["type"], "STATIC");
    assert_eq!(c["circuit_breakers"]["thresholds"][0]["max_retries"], 1000);
    let endpoints = c["load_assignment"]["endpoints"].as_array().unwrap();
    assert_eq!(endpoints.len(), 2);
    for (priority, (provider, model, served, port)) in [
        (
            "openai",
            "gpt-4o-mini-fault-429-retry-after-0",
            "gpt-4o-mini",
            18001,
        ),
        (
            "anthropic",
            "claude-sonnet-4-5-20250929",
            "claude-sonnet-4-5",
            18002,
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let e = &endpoints[priority];
        assert_eq!(e["priority"], priority);
        let lb = &e["lb_endpoints"][0];
        assert_eq!(
            lb["endpoint"]["address"]["socket_address"]["port_value"],
            port
        );
        let meta = &lb["metadata"]["filter_metadata"]["switchboard"];
        assert_eq!(meta["provider"], provider);
        assert_eq!(meta["model"], model);
        assert_eq!(meta["served_as"], served);
    }
    let options = &c["typed_extension_protocol_options"]
        ["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"];
    let filters = options["http_filters"].as_array().unwrap();
    assert_eq!(filters[0]["name"], "switchboard.translate");
    assert_eq!(
        filters[0]["config_discovery"]["config_source"]["path_config_source"]["path"],
        "/state/ecds/translate/ecds.yaml"
    );
    assert_eq!(filters[1]["name"], "envoy.filters.http.upstream_codec");
    assert!(c.get("transport_socket_matches").is_none());
    assert!(clusters(&b)
        .iter()
        .all(|c| c["name"] != "sb_does-not-exist"));
    assert_eq!(
        cluster(&b, "accounting")["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]
            ["address"]["socket_address"]["port_value"],
        18003
    );
}

#[test]
fn tls_providers_get_their_own_sni_per_endpoint() {
    let g = demo_with(
        "    address: 127.0.0.1\n    port: ${anthropic_port}\n",
        "    address: api.anthropic.com\n    port: 443\n    tls: true\n",
    )
    .unwrap();
    let b = generate(&g, &ecds()).unwrap().bootstrap;
    let c = cluster(&b, "sb_demo-failover-429");
    assert_eq!(c["type"], "STRICT_DNS");
    assert_eq!(c["dns_lookup_family"], "V4_PREFERRED");
    let endpoints = &c["load_assignment"]["endpoints"];
    // Priority 0 (OpenAI mock) stays plain; priority 1 (Anthropic) is TLS.
    assert!(
        endpoints[0]["lb_endpoints"][0]["metadata"]["filter_metadata"]
            .get("envoy.transport_socket_match")
            .is_none()
    );
    assert_eq!(
        endpoints[1]["lb_endpoints"][0]["metadata"]["filter_metadata"]
            ["envoy.transport_socket_match"]["switchboard_tls"],
        "anthropic"
    );
    let m = &c["transport_socket_matches"][0];
    assert_eq!(m["match"]["switchboard_tls"], "anthropic");
    let tls = &m["transport_socket"]["typed_config"];
    assert_eq!(tls["sni"], "api.anthropic.com");
    let validation = &tls["common_tls_context"]["validation_context"];
    assert_eq!(
        validation["trusted_ca"]["filename"],
        crate::gateway::DEFAULT_CA_FILE
    );
    assert_eq!(
        validation["match_typed_subject_alt_names"][0]["matcher"]["exact"],
        "api.anthropic.com"
    );
    assert_eq!(cluster(&b, "sb_gpt-4o-mini")["type"], "STATIC");
}

#[test]
fn ecds_files_hold_configs_the_filter_accepts() {
    let g = generated();
    for (doc, name, role) in [
        (&g.policy_ecds, "switchboard.policy", Role::Policy),
        (&g.translate_ecds, "switchboard.translate", Role::Translate),
    ] {
        let resource = &doc["resources"][0];
        assert_eq!(resource["name"], name);
        let wasm = &resource["typed_config"]["config"];
        assert_eq!(wasm["allow_on_headers_stop_iteration"], true);
        assert_eq!(wasm["failure_policy"], "FAIL_RELOAD");
        assert_eq!(wasm["vm_config"]["vm_id"], "switchboard");
        assert_eq!(
            wasm["vm_config"]["code"]["local"]["filename"],
            "/opt/switchboard.wasm"
        );
        assert_eq!(
            wasm["vm_config"]["environment_variables"]["host_env_keys"],
            serde_json::json!(demo().key_env_vars())
        );
        let config = Config::parse(&plugin_config(doc)).unwrap();
        assert_eq!(config.role, role);
        assert_eq!(doc["version_info"], version_of(resource));
    }
    let policy = Config::parse(&plugin_config(&g.policy_ecds)).unwrap();
    assert_eq!(
        policy.model("demo-missing-cluster").unwrap().cluster,
        "sb_does-not-exist"
    );
    assert_eq!(
        policy
            .model("claude-sonnet-4-5")
            .unwrap()
            .default_max_tokens,
        8192
    );
    assert_eq!(policy.accounting.as_ref().unwrap().cluster, "accounting");
    assert_eq!(policy.accounting.as_ref().unwrap().flush_interval_ms, 100);
}

#[test]
fn a_changed_routing_table_changes_only_the_policy_version() {
    let before = generated();
    let g = demo_with("default_max_tokens: 8192", "default_max_tokens: 4096").unwrap();
    let after = generate(&g, &ecds()).unwrap();
    assert_ne!(
        before.policy_ecds["version_info"],
        after.policy_ecds["version_info"]
    );
    assert_eq!(
        before.translate_ecds["version_info"],
        after.translate_ecds["version_info"]
    );
}

#[test]
fn ecds_files_are_written_atomically_in_their_own_directories() {
    let dir = tempfile::tempdir().unwrap();
    let ecds = Ecds::new(dir.path()).unwrap();
    let g = generate(&demo(), &ecds).unwrap();
    let written = write_ecds(&g, &ecds, "demo").unwrap();
    assert_eq!(written, [ecds.translate_path(), ecds.policy_path()]);
    let text = std::fs::read_to_string(ecds.policy_path()).unwrap();
    let parsed: Value = serde_norway::from_str(&text).unwrap();
    assert_eq!(parsed, g.policy_ecds);
    // Nothing but the final file is left behind.
    let entries: Vec<_> = std::fs::read_dir(dir.path().join("policy"))
        .unwrap()
        .collect();
    assert_eq!(entries.len(), 1);
}

#[test]
fn stats_tags_turn_name_parts_into_labels() {
    let name = "wasmcustom.switchboard.requests.model.gpt-4o-mini.provider.openai.status.200";
    let mut stripped = name.to_owned();
    let mut labels = Vec::new();
    for tag in stats_tags() {
        let re = regex::Regex::new(tag["regex"].as_str().unwrap()).unwrap();
        if let Some(caps) = re.captures(name) {
            labels.push((
                tag["tag_name"].as_str().unwrap().to_owned(),
                caps[2].to_owned(),
            ));
            stripped = stripped.replacen(&caps[1], "", 1);
        }
    }
    assert_eq!(
        labels,
        [
            ("switchboard_model".to_owned(), "gpt-4o-mini".to_owned()),
            ("switchboard_provider".to_owned(), "openai".to_owned()),
            ("switchboard_status".to_owned(), "200".to_owned()),
        ]
    );
    assert_eq!(stripped, "wasmcustom.switchboard.requests");
    // Other stats are left alone.
    let re = regex::Regex::new(stats_tags()[0]["regex"].as_str().unwrap()).unwrap();
    assert!(!re.is_match("cluster.sb_gpt-4o-mini.upstream_rq_200"));
}

#[test]
fn durations_are_envoy_strings() {
    assert_eq!(duration(0), "0.000s");
    assert_eq!(duration(1), "0.001s");
    assert_eq!(duration(120_000), "120.000s");
    assert_eq!(duration(2_500), "2.500s");
}

#[test]
fn ranked_choices_become_clusters_of_chains_in_rank_order() {
    let b = bootstrap();
    let c = cluster(
        &b,
        "sb_gemini-2_5-flash+sb_gpt-4o-mini+sb_claude-sonnet-4-5",
    );
    let endpoints = c["load_assignment"]["endpoints"].as_array().unwrap();
    let order: Vec<(u64, &str)> = endpoints
        .iter()
        .map(|e| {
            (
                e["priority"].as_u64().unwrap(),
                e["lb_endpoints"][0]["metadata"]["filter_metadata"]["switchboard"]["provider"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(order, [(0, "gemini"), (1, "openai"), (2, "anthropic")]);
    assert!(clusters(&b)
        .iter()
        .any(|c| c["name"] == "sb_claude-sonnet-4-5+sb_gpt-4o-mini"));
    assert_eq!(crate::gateway::ranked_choices(3, 3), 12);
    assert_eq!(crate::gateway::ranked_choices(10, 2), 90);
    assert_eq!(crate::gateway::ranked_choices(3, 1), 0);
}
