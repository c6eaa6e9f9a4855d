//! The gateway file: the single source of truth from which the Envoy bootstrap,
//! the ECDS plugin configs and the Istio manifests are generated. Its format is
//! documented in docs/design.md ("Gateway file").
//!
//! Loading is: fill `${placeholders}` → parse YAML (unknown fields refused,
//! the path of a refused field named) → validate every field (all problems
//! reported at once, each with its path). A `Gateway` that exists is valid.

mod validate;

use serde::{Deserialize, Serialize};
use switchboard_core::config::LogLevel;
use switchboard_core::translate::openai_compat::Vendor;
use switchboard_core::translate::ProviderSchema;

use crate::vars::Vars;

/// Default CA bundle for upstream TLS verification (Debian/Ubuntu path).
pub const DEFAULT_CA_FILE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// A validated gateway file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gateway {
    /// Where clients connect.
    pub listener: SocketAddress,
    /// Envoy's admin interface; omitted means no admin listener.
    pub admin: Option<SocketAddress>,
    pub wasm: Wasm,
    #[serde(default)]
    pub log_level: LogLevel,
    /// Access log file (ids, models, counts, timings; never text).
    pub access_log: Option<String>,
    /// CA bundle used to verify providers reached over TLS.
    #[serde(default = "default_ca_file")]
    pub ca_file: String,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub timeouts: Timeouts,
    #[serde(default)]
    pub retry: Retry,
    pub providers: Vec<Provider>,
    pub models: Vec<Model>,
    #[serde(default)]
    pub keys: Vec<Key>,
    /// What keys may use: models (names, `prefix*`, `*`) and ZDR.
    #[serde(default)]
    pub roles: Vec<Role>,
    pub accounting: Option<Accounting>,
    /// Model names that choose a model per request (task, policy, health).
    #[serde(default)]
    pub auto_routes: Vec<AutoRoute>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AutoRoute {
    pub name: String,
    /// `balanced`, `cheapest`, `fastest` or `best`.
    pub policy: String,
    pub candidates: Vec<String>,
    /// How many ranked candidates form a request's failover chain (a cluster
    /// is generated for every ordered choice of that many); default
    /// `min(3, candidates)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failover_depth: Option<usize>,
}

/// Most ranked-chain clusters one gateway may generate.
pub const MAX_RANKED_CLUSTERS: usize = 2000;

/// Ordered choices of 2..=depth items out of n (the ranked clusters a route needs).
pub fn ranked_choices(n: usize, depth: usize) -> usize {
    (2..=depth.min(n))
        .map(|k| (0..k).fold(1usize, |acc, i| acc.saturating_mul(n - i)))
        .fold(0usize, usize::saturating_add)
}

impl AutoRoute {
    pub fn depth(&self) -> usize {
        self.failover_depth
            .unwrap_or_else(|| self.candidates.len().min(3))
            .max(1)
    }
}

/// A role keys refer to.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    /// Model names, `prefix*` patterns, or `*`.
    pub models: Vec<String>,
    #[serde(default)]
    pub require_zdr: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SocketAddress {
    #[serde(default = "loopback")]
    pub address: String,
    /// 0 lets the kernel pick (tests read the bound port from the admin API).
    pub port: u16,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wasm {
    /// The filter module (`switchboard.wasm`) as a local file Envoy reads.
    pub path: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Referenced by model chains and carried in endpoint metadata.
    pub name: String,
    pub schema: ProviderSchema,
    /// API prefix, e.g. `/v1`.
    pub base_path: String,
    /// `:authority` (Host) sent to the provider, e.g. `api.openai.com`.
    pub authority: String,
    /// Where Envoy connects: an IP literal or a DNS name.
    pub address: String,
    pub port: u16,
    /// Originate TLS to this provider.
    #[serde(default)]
    pub tls: bool,
    /// TLS SNI and verified name; defaults to `authority`.
    pub sni: Option<String>,
    /// Environment variable of Envoy's process that holds the provider key
    /// (not needed with `aws`).
    #[serde(default)]
    pub api_key_env: String,
    /// SigV4 signing (Bedrock): region and the environment variables holding
    /// the credentials.
    pub aws: Option<Aws>,
    /// Send the key as is in this header instead of the schema's default
    /// (Azure OpenAI: `api-key`).
    pub auth_header: Option<String>,
    /// Full path template with `{model}` replacing `base_path` + the schema's
    /// suffix (Azure: `/openai/deployments/{model}/chat/completions?api-version=…`).
    pub path: Option<String>,
    /// The OpenAI-compatible service behind a `schema: openai` provider
    /// (`mistral`, `groq`, `deepseek`, `xai`, `qwen`, `zhipu`, `vllm`,
    /// `ollama`; default `openai`): selects its dialect rules.
    #[serde(default)]
    pub vendor: Vendor,
    /// Drop request parameters the vendor cannot honour instead of answering
    /// 400 `unsupported_parameter`.
    #[serde(default)]
    pub drop_unsupported: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Aws {
    pub region: String,
    pub access_key_id_env: String,
    pub secret_access_key_env: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_token_env: Option<String>,
}

impl Provider {
    /// Environment variables holding this provider's credentials.
    pub fn credential_env_vars(&self) -> Vec<&str> {
        match &self.aws {
            Some(aws) => {
                let mut vars = vec![
                    aws.access_key_id_env.as_str(),
                    aws.secret_access_key_env.as_str(),
                ];
                vars.extend(aws.session_token_env.as_deref());
                vars
            }
            None => vec![self.api_key_env.as_str()],
        }
    }

    pub fn sni(&self) -> &str {
        self.sni.as_deref().unwrap_or(&self.authority)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// The name clients ask for.
    pub name: String,
    /// `max_tokens` sent to providers that need one when the client gave none.
    pub default_max_tokens: Option<u32>,
    /// Failover chain, tried in order (priority 0, 1, …).
    #[serde(default)]
    pub chain: Vec<ChainEntry>,
    /// Route to a cluster defined elsewhere instead of a generated chain.
    pub cluster: Option<String>,
    /// Catalog id (`<provider>/<name>`) whose limits, prices, capabilities,
    /// quality and latency make this model a candidate of automatic routes.
    pub catalog: Option<String>,
    /// Routing-profile fields that override the catalog's (or, without
    /// `catalog`, the whole profile).
    pub profile: Option<serde_json::Value>,
    /// Other names clients may use for this model.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Time one attempt may take before the next chain step is tried
    /// (default: `timeouts.per_try_ms`).
    pub per_try_timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainEntry {
    pub provider: String,
    /// The provider's own model name.
    pub model: String,
    /// Model name reported to the client; defaults to `model`.
    pub served_as: Option<String>,
}

impl ChainEntry {
    pub fn served_as(&self) -> &str {
        self.served_as.as_deref().unwrap_or(&self.model)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub id: String,
    pub team: Option<String>,
    /// A role from `roles`; none: every model.
    pub role: Option<String>,
    /// Lower-case hex SHA-256 of the key (`switchboard keys hash KEY`).
    pub sha256: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accounting {
    #[serde(default = "loopback")]
    pub address: String,
    pub port: u16,
    #[serde(default = "accounting_authority")]
    pub authority: String,
    #[serde(default = "usage_path")]
    pub path: String,
    pub flush_interval_ms: Option<u64>,
    pub batch_max: Option<usize>,
    pub timeout_ms: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest request body the policy filter buffers.
    pub max_request_body_bytes: u64,
    /// Envoy's per-connection buffer (listener and clusters): must hold the
    /// whole request, which the router keeps for retries.
    pub buffer_limit_bytes: u32,
    /// Circuit breaker thresholds (connections, pending, requests) per cluster.
    pub max_requests: u32,
    pub max_retries: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_request_body_bytes: 8 * 1024 * 1024,
            buffer_limit_bytes: 16 * 1024 * 1024,
            max_requests: 10_000,
            max_retries: 1_000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Timeouts {
    pub connect_ms: u64,
    /// Whole-stream route timeout; 0 disables it (LLM streams run long).
    pub route_ms: u64,
    pub per_try_ms: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect_ms: 2_000,
            route_ms: 0,
            per_try_ms: 120_000,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Retry {
    /// Retries after the first attempt; each moves down the failover chain.
    pub num_retries: u32,
    /// Envoy `retry_on` conditions.
    pub on: Vec<String>,
    pub status_codes: Vec<u16>,
    pub back_off_base_ms: u64,
    pub back_off_max_ms: u64,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            num_retries: 2,
            on: ["retriable-status-codes", "5xx", "reset", "connect-failure"]
                .map(str::to_owned)
                .to_vec(),
            status_codes: vec![429],
            back_off_base_ms: 1,
            back_off_max_ms: 5,
        }
    }
}

fn loopback() -> String {
    "127.0.0.1".to_owned()
}
fn accounting_authority() -> String {
    "accounting".to_owned()
}
fn usage_path() -> String {
    "/v1/usage".to_owned()
}
fn default_ca_file() -> String {
    DEFAULT_CA_FILE.to_owned()
}

/// Cluster name for a model's generated failover chain. No dots, so Envoy's
/// `envoy.cluster_name` stats tag (`^cluster\.((.+?)\.)`) captures all of it.
pub fn cluster_name(model: &str) -> String {
    let safe: String = model
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("sb_{safe}")
}

/// The cluster whose priority 0 is chain step `step` (the rest of the chain
/// follows): the policy routes there when earlier steps are cooling down.
/// `~` never occurs in `cluster_name` output, so these names cannot collide.
pub fn step_cluster(base: &str, step: usize) -> String {
    if step == 0 {
        base.to_owned()
    } else {
        format!("{base}~{step}")
    }
}

/// Name of the Envoy cluster for the accounting service.
pub const ACCOUNTING_CLUSTER: &str = "accounting";

impl Model {
    /// The cluster the policy filter routes this model to.
    pub fn cluster(&self) -> String {
        self.cluster
            .clone()
            .unwrap_or_else(|| cluster_name(&self.name))
    }
}

impl Gateway {
    /// Fills placeholders, parses and validates. Every problem is one string
    /// starting with the path of the field at fault.
    pub fn load(text: &str, vars: &Vars) -> Result<Self, Vec<String>> {
        let (filled, _unused) = vars.substitute(text)?;
        Self::parse(&filled)
    }

    /// Parses and validates text without placeholders.
    pub fn parse(text: &str) -> Result<Self, Vec<String>> {
        // serde_norway's messages start with the path of the field at fault
        // (`providers[1].port: invalid type …`, or the enclosing object's path
        // for an unknown field, which the message names).
        let gateway: Self = serde_norway::from_str(text).map_err(|e| vec![e.to_string()])?;
        let problems = validate::problems(&gateway);
        if problems.is_empty() {
            Ok(gateway)
        } else {
            Err(problems)
        }
    }

    pub fn provider(&self, name: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.name == name)
    }

    /// Environment variables the VM may read (provider keys), sorted, unique.
    pub fn key_env_vars(&self) -> Vec<String> {
        let mut vars: Vec<String> = self
            .providers
            .iter()
            .flat_map(Provider::credential_env_vars)
            .map(str::to_owned)
            .collect();
        vars.sort();
        vars.dedup();
        vars
    }
}

#[cfg(test)]
pub(crate) mod tests;
