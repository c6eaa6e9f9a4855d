//! The `switchboard` binary end to end: exit codes and messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::{Command, Output};

use switchboard_core::config::Config;

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../envoy/demo.gateway.yaml");

fn switchboard(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_switchboard"))
        .args(args)
        .output()
        .unwrap()
}

fn demo_sets() -> Vec<String> {
    [
        "listen_port=0",
        "admin_port=0",
        "wasm_path=/opt/switchboard.wasm",
        "log_level=info",
        "access_log=/tmp/access.log",
        "openai_port=1",
        "anthropic_port=2",
        "gemini_port=3",
        "bedrock_port=4",
        "mistral_port=5",
        "groq_port=6",
        "deepseek_port=7",
        "zhipu_port=8",
        "unreachable_port=9",
        "accounting_port=3",
        "flush_interval_ms=100",
    ]
    .iter()
    .flat_map(|s| ["--set".to_owned(), (*s).to_owned()])
    .collect()
}

fn with_demo_sets<'a>(args: &[&'a str], sets: &'a [String]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.extend(sets.iter().map(String::as_str));
    all
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn check_accepts_the_demo_gateway_file() {
    let sets = demo_sets();
    let out = switchboard(&with_demo_sets(&["check", DEMO], &sets));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid gateway file"));
}

#[test]
fn check_names_every_bad_gateway_field_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(DEMO)
        .unwrap()
        .replace("model: claude-fault-503", "model: \"\"")
        .replace(
            "provider: openai, model: gpt-4o-mini-fault-500",
            "provider: opnai, model: x",
        );
    let file = write(dir.path(), "bad.yaml", &text);
    let sets = demo_sets();
    let out = switchboard(&with_demo_sets(&["check", &file], &sets));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("models[4].chain[0].model: must not be empty"),
        "{err}"
    );
    assert!(
        err.contains("models[6].chain[0].provider: unknown provider 'opnai'"),
        "{err}"
    );
}

#[test]
fn check_reports_unset_placeholders() {
    let out = switchboard(&["check", DEMO]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("${openai_port} has no value"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn plugin_config_messages_are_the_filters_own() {
    let dir = tempfile::tempdir().unwrap();
    let bad = r#"{"role":"policy","keys":[{"id":"","sha256":"xyz"}],"models":[{"name":"m","clustr":"c"}]}"#;
    let file = write(dir.path(), "policy.json", bad);
    let out = switchboard(&["check", &file]);
    assert_eq!(out.status.code(), Some(1));
    let expected = Config::parse(bad.as_bytes()).unwrap_err().problems;
    assert!(!expected.is_empty());
    for problem in &expected {
        assert!(
            stderr(&out).contains(problem.as_str()),
            "{problem} not in {}",
            stderr(&out)
        );
    }
    assert!(
        stderr(&out).contains("models[0].clustr"),
        "{}",
        stderr(&out)
    );

    let good = r#"{"role":"translate","providers":[{"name":"o","schema":"openai","base_path":"/v1",
        "authority":"api.openai.com","api_key_env":"OPENAI_API_KEY"}]}"#;
    let file = write(dir.path(), "translate.json", good);
    let out = switchboard(&["check", &file]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid plugin config"));
}

#[test]
fn envoy_writes_bootstrap_and_ecds_files() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("envoy.yaml").display().to_string();
    let sets = demo_sets();
    let out = switchboard(&with_demo_sets(&["envoy", DEMO, "-o", &out_file], &sets));
    assert!(out.status.success(), "{}", stderr(&out));
    let bootstrap: serde_json::Value =
        serde_norway::from_str(&std::fs::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(
        bootstrap["static_resources"]["listeners"][0]["name"],
        "switchboard"
    );
    for role in ["policy", "translate"] {
        assert!(dir
            .path()
            .join("ecds")
            .join(role)
            .join("ecds.yaml")
            .is_file());
    }
    // To stdout, the ECDS directory must be named.
    let out = switchboard(&with_demo_sets(&["envoy", DEMO], &sets));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--ecds-dir"));
}

#[test]
fn istio_prints_a_manifest_stream() {
    let sets = demo_sets();
    let out = switchboard(&with_demo_sets(
        &["istio", DEMO, "--namespace", "ai"],
        &sets,
    ));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    // One ServiceEntry and DestinationRule per provider, then the
    // EnvoyFilter, each document introduced by `---`.
    let entries = text.matches("kind: ServiceEntry").count();
    assert!(entries >= 2);
    assert_eq!(text.matches("kind: DestinationRule").count(), entries);
    assert_eq!(text.matches("\n---\n").count(), 2 * entries + 1);
    assert!(text.contains("kind: EnvoyFilter"));
}

#[test]
fn keys_new_and_hash_agree() {
    let out = switchboard(&["keys", "new", "--id", "ci", "--team", "platform"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let key = text
        .split_whitespace()
        .find(|w| w.starts_with("sk-sb-"))
        .unwrap();
    let hashed = switchboard(&["keys", "hash", key]);
    let digest = String::from_utf8(hashed.stdout).unwrap();
    assert!(
        text.contains(&format!("sha256: {}", digest.trim())),
        "{text}"
    );
    assert!(text.contains("id: \"ci\", team: \"platform\""), "{text}");
}
