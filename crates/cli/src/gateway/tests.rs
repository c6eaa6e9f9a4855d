#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use super::*;

pub(crate) const DEMO: &str = include_str!("../../../../envoy/demo.gateway.yaml");

pub(crate) fn demo_vars() -> Vars {
    Vars::from_pairs(&[
        "listen_port=0",
        "admin_port=0",
        "wasm_path=/opt/switchboard.wasm",
        "log_level=info",
        "access_log=/tmp/access.log",
        "openai_port=18001",
        "anthropic_port=18002",
        "gemini_port=18003",
        "bedrock_port=18004",
        "mistral_port=18005",
        "groq_port=18006",
        "deepseek_port=18007",
        "zhipu_port=18008",
        "unreachable_port=18009",
        "accounting_port=18003",
        "flush_interval_ms=100",
    ])
    .unwrap()
}

pub(crate) fn demo() -> Gateway {
    Gateway::load(DEMO, &demo_vars()).unwrap()
}

/// The demo file with `from` replaced by `to` (exactly once).
pub(crate) fn demo_with(from: &str, to: &str) -> Result<Gateway, Vec<String>> {
    assert_eq!(DEMO.matches(from).count(), 1, "{from} must occur once");
    Gateway::load(&DEMO.replace(from, to), &demo_vars())
}

fn problems_of(from: &str, to: &str) -> String {
    demo_with(from, to).unwrap_err().join("\n")
}

#[test]
fn the_demo_file_is_valid_and_complete() {
    let g = demo();
    let names: Vec<&str> = g.models.iter().map(|m| m.name.as_str()).collect();
    // Models may be added to the demo file; these must stay, each once.
    for expected in [
        "gpt-4o-mini",
        "claude-sonnet-4-5",
        "demo-failover-429",
        "demo-cooldown",
        "demo-failover-503",
        "demo-failover-reset",
        "demo-broken-500",
        "demo-claude-overloaded",
        "demo-missing-cluster",
        "gpt-4o-mini-azure",
        "gemini-2.5-flash",
        "demo-failover-500",
        "claude-sonnet-4-5-bedrock",
        "text-embedding-3-small",
    ] {
        assert_eq!(
            names.iter().filter(|n| **n == expected).count(),
            1,
            "{expected} in {names:?}"
        );
    }
    let model = |name: &str| g.models.iter().find(|m| m.name == name).unwrap();
    assert_eq!(g.providers[1].port, 18002);
    assert_eq!(g.keys[0].id, "demo");
    assert_eq!(g.keys[0].sha256, crate::keys::hash("sk-switchboard-demo"));
    assert_eq!(model("demo-failover-429").chain.len(), 2);
    assert_eq!(
        model("demo-failover-429").chain[1].served_as(),
        "claude-sonnet-4-5"
    );
    assert_eq!(model("gpt-4o-mini").chain[0].served_as(), "gpt-4o-mini");
    assert_eq!(model("demo-missing-cluster").cluster(), "sb_does-not-exist");
    assert_eq!(model("gpt-4o-mini").cluster(), "sb_gpt-4o-mini");
    let env_vars = g.key_env_vars();
    assert!(env_vars.windows(2).all(|w| w[0] < w[1]), "{env_vars:?}");
    for expected in [
        "ANTHROPIC_API_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AZURE_OPENAI_API_KEY",
        "GEMINI_API_KEY",
        "OPENAI_API_KEY",
    ] {
        assert!(env_vars.iter().any(|v| v == expected), "{env_vars:?}");
    }
    assert_eq!(g.retry.num_retries, 2);
    assert_eq!(g.timeouts.route_ms, 0);
}

#[test]
fn missing_placeholders_are_reported() {
    let err = Gateway::load(DEMO, &Vars::default()).unwrap_err();
    assert!(err.iter().any(|e| e.contains("${openai_port}")), "{err:?}");
    assert!(err.len() >= 9, "{err:?}");
}

#[test]
fn an_unknown_field_is_named_with_its_path() {
    let all = problems_of(
        "  - name: demo-broken-500\n    chain:",
        "  - name: demo-broken-500\n    chian:",
    );
    assert!(all.contains("models[6]"), "{all}");
    assert!(all.contains("chian"), "{all}");
}

#[test]
fn a_wrong_type_is_named_with_its_path() {
    let all = problems_of("port: ${anthropic_port}", "port: many");
    assert!(all.starts_with("providers[1].port: "), "{all}");
    let all = problems_of("schema: anthropic\n    base_path: /v1\n    authority: api.anthropic.com\n    address: 127.0.0.1\n    port: ${", "schema: cohere\n    base_path: /v1\n    authority: api.anthropic.com\n    address: 127.0.0.1\n    port: ${");
    assert!(all.starts_with("providers[1].schema: "), "{all}");
}

#[test]
fn every_semantic_problem_is_named_at_once() {
    let text = r#"
listener: {port: 0}
wasm: {path: ""}
retry: {on: [5xx, sometimes], back_off_base_ms: 0}
limits: {max_request_body_bytes: 100, buffer_limit_bytes: 10}
providers:
  - {name: p, schema: openai, base_path: v1, authority: "", address: h, port: 0, api_key_env: lower, sni: x}
  - {name: p, schema: openai, base_path: /v1, authority: a, address: h, port: 1, api_key_env: K}
models:
  - {name: m, chain: [{provider: nope, model: ""}]}
  - {name: m, cluster: c, chain: [{provider: p, model: x}]}
  - {name: empty}
  - {name: "m.x", default_max_tokens: 0, chain: [{provider: p, model: y}]}
  - {name: "m_x", chain: [{provider: p, model: y}]}
keys:
  - {id: a, sha256: ABC}
  - {id: a, sha256: b63e455907cf558f3526e7928ae4568399e5c142f3c34dd804152268985719aa}
  - {id: b, sha256: b63e455907cf558f3526e7928ae4568399e5c142f3c34dd804152268985719aa}
accounting: {port: 0, path: usage}
"#;
    let all = Gateway::parse(text).unwrap_err().join("\n");
    for path in [
        "wasm.path",
        "retry.on[1]",
        "retry.back_off_base_ms",
        "limits.buffer_limit_bytes",
        "providers[0].base_path",
        "providers[0].authority",
        "providers[0].port",
        "providers[0].sni",
        "providers[0].api_key_env",
        "providers[1].name",
        "models[0].chain[0].provider",
        "models[0].chain[0].model",
        "models[1].name",
        "models[1].cluster",
        "models[2].chain",
        "models[3].default_max_tokens",
        "models[4].name: gives the same cluster name 'sb_m_x'",
        "keys[0].sha256",
        "keys[1].id",
        "keys[2].sha256: duplicate",
        "accounting.port",
        "accounting.path",
    ] {
        assert!(all.contains(path), "missing {path} in\n{all}");
    }
}

#[test]
fn json_is_a_gateway_file_too() {
    let g = demo();
    let json = serde_json::json!({
        "listener": {"port": 0},
        "wasm": {"path": "/x.wasm"},
        "providers": [{"name": "o", "schema": "openai", "base_path": "/v1",
            "authority": "api.openai.com", "address": "api.openai.com", "port": 443,
            "tls": true, "api_key_env": "OPENAI_API_KEY"}],
        "models": [{"name": "m", "chain": [{"provider": "o", "model": "gpt"}]}],
    });
    let parsed = Gateway::parse(&json.to_string()).unwrap();
    assert_eq!(parsed.providers[0].sni(), "api.openai.com");
    assert!(parsed.accounting.is_none());
    assert_eq!(g.limits.buffer_limit_bytes, 16 * 1024 * 1024);
}

#[test]
fn cluster_names_have_no_dots() {
    assert_eq!(cluster_name("gpt-4.1"), "sb_gpt-4_1");
    assert_eq!(cluster_name("meta/llama:3"), "sb_meta_llama_3");
}

#[test]
fn roles_and_ranked_failover_are_checked() {
    let unknown_role = problems_of("role: interns,", "role: internz,");
    assert!(
        unknown_role.contains("keys[1].role: unknown role 'internz'"),
        "{unknown_role}"
    );
    let too_deep = problems_of(
        "  - {name: auto, policy: balanced, candidates: [gpt-4o-mini, claude-sonnet-4-5, gemini-2.5-flash]}",
        "  - {name: auto, policy: balanced, failover_depth: 3, candidates: [gpt-4o-mini, demo-missing-cluster]}",
    );
    assert!(too_deep.contains("external cluster"), "{too_deep}");
    let bad_profile = problems_of(
        "    catalog: openai/gpt-4o-mini\n",
        "    catalog: openai/gpt-4o-mini\n    profile: {zdr: maybe}\n",
    );
    assert!(bad_profile.contains("models[0].profile"), "{bad_profile}");
}

#[test]
fn openai_compatible_vendors_reach_the_translate_config() {
    let config = crate::plugin::translate_config(&demo());
    let providers = config["providers"].as_array().unwrap();
    let find = |name: &str| providers.iter().find(|p| p["name"] == name).unwrap();
    assert_eq!(find("mistral")["vendor"], "mistral");
    assert_eq!(find("groq-lenient")["vendor"], "groq");
    assert_eq!(find("groq-lenient")["drop_unsupported"], true);
    // Defaults are left out, so plain providers' configs do not change.
    assert!(find("openai").get("vendor").is_none());
    assert!(find("groq").get("drop_unsupported").is_none());
    assert!(problems_of("    vendor: mistral\n", "    vendor: mistrall\n").contains("vendor"));
    let wrong = problems_of(
        "  - name: anthropic\n    schema: anthropic\n",
        "  - name: anthropic\n    schema: anthropic\n    vendor: groq\n",
    );
    assert!(wrong.contains("providers[1].vendor"), "{wrong}");
}
