//! Field-by-field validation of a parsed gateway file. Every problem starts
//! with the path of the field at fault (`models[2].chain[0].provider: …`), and
//! all of them are reported at once.

use std::collections::HashSet;

use switchboard_core::translate::openai_compat::Vendor;
use switchboard_core::translate::ProviderSchema;

use super::{cluster_name, Gateway};

/// Envoy `retry_on` conditions that make sense for an HTTP route.
const RETRY_ON: &[&str] = &[
    "5xx",
    "gateway-error",
    "reset",
    "reset-before-request",
    "connect-failure",
    "envoy-ratelimited",
    "retriable-4xx",
    "refused-stream",
    "retriable-status-codes",
    "retriable-headers",
    "http3-post-connect-failure",
];

pub(super) fn problems(g: &Gateway) -> Vec<String> {
    let mut p = Problems::default();
    non_empty(&mut p, "listener.address", &g.listener.address);
    if let Some(admin) = &g.admin {
        non_empty(&mut p, "admin.address", &admin.address);
    }
    non_empty(&mut p, "wasm.path", &g.wasm.path);
    if let Some(log) = &g.access_log {
        non_empty(&mut p, "access_log", log);
    }
    limits(&mut p, g);
    retry(&mut p, g);
    providers(&mut p, g);
    models(&mut p, g);
    keys(&mut p, g);
    roles(&mut p, g);
    auto_routes(&mut p, g);
    if let Some(a) = &g.accounting {
        non_empty(&mut p, "accounting.address", &a.address);
        if a.port == 0 {
            p.add("accounting.port", "must be a port number (1-65535)");
        }
        non_empty(&mut p, "accounting.authority", &a.authority);
        if !a.path.starts_with('/') {
            p.add("accounting.path", "must start with '/'");
        }
    }
    p.0
}

#[derive(Default)]
struct Problems(Vec<String>);

impl Problems {
    fn add(&mut self, path: &str, message: &str) {
        self.0.push(format!("{path}: {message}"));
    }
}

fn non_empty(p: &mut Problems, path: &str, value: &str) {
    if value.trim().is_empty() {
        p.add(path, "must not be empty");
    }
}

fn limits(p: &mut Problems, g: &Gateway) {
    let l = &g.limits;
    if l.max_request_body_bytes == 0 {
        p.add("limits.max_request_body_bytes", "must be at least 1");
    }
    if u64::from(l.buffer_limit_bytes) < l.max_request_body_bytes {
        p.add(
            "limits.buffer_limit_bytes",
            "must be at least limits.max_request_body_bytes (the router buffers the whole request for retries)",
        );
    }
    if l.max_requests == 0 {
        p.add("limits.max_requests", "must be at least 1");
    }
    if g.timeouts.connect_ms == 0 {
        p.add("timeouts.connect_ms", "must be at least 1");
    }
}

fn retry(p: &mut Problems, g: &Gateway) {
    let r = &g.retry;
    for (i, on) in r.on.iter().enumerate() {
        if !RETRY_ON.contains(&on.as_str()) {
            p.add(
                &format!("retry.on[{i}]"),
                &format!(
                    "unknown retry condition '{on}' (one of {})",
                    RETRY_ON.join(", ")
                ),
            );
        }
    }
    for (i, code) in r.status_codes.iter().enumerate() {
        if !(100..=599).contains(code) {
            p.add(
                &format!("retry.status_codes[{i}]"),
                "must be an HTTP status (100-599)",
            );
        }
    }
    if r.back_off_base_ms == 0 {
        p.add("retry.back_off_base_ms", "must be at least 1");
    }
    if r.back_off_max_ms < r.back_off_base_ms {
        p.add(
            "retry.back_off_max_ms",
            "must be at least retry.back_off_base_ms",
        );
    }
}

fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_uppercase())
        && chars.all(|c| c == '_' || c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn providers(p: &mut Problems, g: &Gateway) {
    if g.providers.is_empty() {
        p.add("providers", "at least one provider is needed");
    }
    let mut seen = HashSet::new();
    for (i, pr) in g.providers.iter().enumerate() {
        let at = |field: &str| format!("providers[{i}].{field}");
        if pr.name.is_empty() {
            p.add(&at("name"), "must not be empty");
        } else if !seen.insert(pr.name.as_str()) {
            p.add(&at("name"), &format!("duplicate provider '{}'", pr.name));
        }
        if !pr.base_path.is_empty() && !pr.base_path.starts_with('/') {
            p.add(&at("base_path"), "must start with '/'");
        }
        non_empty(p, &at("authority"), &pr.authority);
        non_empty(p, &at("address"), &pr.address);
        if pr.port == 0 {
            p.add(&at("port"), "must be a port number (1-65535)");
        }
        if pr.vendor != Vendor::Openai && pr.schema != ProviderSchema::Openai {
            p.add(&at("vendor"), "only applies with schema: openai");
        }
        match &pr.sni {
            Some(_) if !pr.tls => p.add(&at("sni"), "only applies with tls: true"),
            Some(sni) if sni.is_empty() => p.add(&at("sni"), "must not be empty"),
            _ => {}
        }
        match &pr.aws {
            None if !is_env_name(&pr.api_key_env) => p.add(
                &at("api_key_env"),
                "must be an environment variable name ([A-Z_][A-Z0-9_]*)",
            ),
            None => {}
            Some(aws) => {
                non_empty(p, &at("aws.region"), &aws.region);
                let envs = [
                    ("aws.access_key_id_env", Some(&aws.access_key_id_env)),
                    (
                        "aws.secret_access_key_env",
                        Some(&aws.secret_access_key_env),
                    ),
                    ("aws.session_token_env", aws.session_token_env.as_ref()),
                ];
                for (field, value) in envs {
                    if value.is_some_and(|v| !is_env_name(v)) {
                        p.add(
                            &at(field),
                            "must be an environment variable name ([A-Z_][A-Z0-9_]*)",
                        );
                    }
                }
            }
        }
    }
}

fn models(p: &mut Problems, g: &Gateway) {
    if g.models.is_empty() {
        p.add("models", "at least one model is needed");
    }
    let mut names = HashSet::new();
    let mut clusters = std::collections::HashMap::new();
    for (i, m) in g.models.iter().enumerate() {
        let at = |field: &str| format!("models[{i}].{field}");
        if m.name.is_empty() {
            p.add(&at("name"), "must not be empty");
        } else if !names.insert(m.name.as_str()) {
            p.add(&at("name"), &format!("duplicate model '{}'", m.name));
        }
        if m.default_max_tokens == Some(0) {
            p.add(&at("default_max_tokens"), "must be at least 1");
        }
        if m.per_try_timeout_ms == Some(0) {
            p.add(&at("per_try_timeout_ms"), "must be at least 1");
        }
        if let Err(e) = crate::profile::model_profile(m) {
            let field = if m.profile.is_some() {
                "profile"
            } else {
                "catalog"
            };
            p.add(&at(field), &e);
        }
        match (&m.cluster, m.chain.is_empty()) {
            (Some(_), false) => p.add(
                &at("cluster"),
                "give either a chain (generated cluster) or a cluster (defined elsewhere), not both",
            ),
            (Some(c), true) if c.is_empty() => p.add(&at("cluster"), "must not be empty"),
            (None, true) => p.add(&at("chain"), "needs at least one entry (or set cluster)"),
            _ => {}
        }
        if m.cluster.is_none() && !m.name.is_empty() {
            let cluster = cluster_name(&m.name);
            if let Some(other) = clusters.insert(cluster.clone(), m.name.as_str()) {
                if other != m.name {
                    p.add(
                        &at("name"),
                        &format!("gives the same cluster name '{cluster}' as model '{other}'"),
                    );
                }
            }
        }
        for (j, entry) in m.chain.iter().enumerate() {
            let at = |field: &str| format!("models[{i}].chain[{j}].{field}");
            if g.provider(&entry.provider).is_none() {
                p.add(
                    &at("provider"),
                    &format!("unknown provider '{}'", entry.provider),
                );
            }
            non_empty(p, &at("model"), &entry.model);
            if let Some(s) = &entry.served_as {
                non_empty(p, &at("served_as"), s);
            }
        }
    }
}

fn keys(p: &mut Problems, g: &Gateway) {
    let mut ids = HashSet::new();
    let mut digests = HashSet::new();
    for (i, k) in g.keys.iter().enumerate() {
        let at = |field: &str| format!("keys[{i}].{field}");
        if k.id.is_empty() {
            p.add(&at("id"), "must not be empty");
        } else if !ids.insert(k.id.as_str()) {
            p.add(&at("id"), &format!("duplicate key id '{}'", k.id));
        }
        let hex_ok = k.sha256.len() == 64
            && k.sha256
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
        if !hex_ok {
            p.add(
                &at("sha256"),
                "must be 64 lower-case hex characters (switchboard keys hash KEY)",
            );
        } else if !digests.insert(k.sha256.as_str()) {
            p.add(&at("sha256"), "duplicate of another key");
        }
    }
}

fn roles(p: &mut Problems, g: &Gateway) {
    let mut names = HashSet::new();
    for (i, r) in g.roles.iter().enumerate() {
        if r.name.is_empty() {
            p.add(&format!("roles[{i}].name"), "must not be empty");
        } else if !names.insert(r.name.as_str()) {
            p.add(
                &format!("roles[{i}].name"),
                &format!("duplicate role '{}'", r.name),
            );
        }
    }
    for (i, k) in g.keys.iter().enumerate() {
        if let Some(role) = &k.role {
            if !names.contains(role.as_str()) {
                p.add(
                    &format!("keys[{i}].role"),
                    &format!("unknown role '{role}'"),
                );
            }
        }
    }
}

/// Ranked failover chains need a generated cluster per candidate, and the
/// number of ordered choices must stay small enough for Envoy.
fn auto_routes(p: &mut Problems, g: &Gateway) {
    let mut total = 0usize;
    for (i, r) in g.auto_routes.iter().enumerate() {
        let depth = r.depth();
        if r.failover_depth == Some(0) {
            p.add(
                &format!("auto_routes[{i}].failover_depth"),
                "must be at least 1",
            );
        }
        if depth < 2 {
            continue;
        }
        for (j, c) in r.candidates.iter().enumerate() {
            if g.models.iter().any(|m| &m.name == c && m.cluster.is_some()) {
                p.add(
                    &format!("auto_routes[{i}].candidates[{j}]"),
                    &format!("model '{c}' routes to an external cluster; ranked failover (failover_depth > 1) needs a chain"),
                );
            }
        }
        total = total.saturating_add(super::ranked_choices(r.candidates.len(), depth));
    }
    if total > super::MAX_RANKED_CLUSTERS {
        p.add(
            "auto_routes",
            &format!(
                "{total} ranked failover clusters would be generated (at most {}); lower failover_depth",
                super::MAX_RANKED_CLUSTERS
            ),
        );
    }
}
