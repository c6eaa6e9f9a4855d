//! The plugin configuration exactly as written in Envoy YAML (JSON inside
//! `configuration`). Serde types only: unknown fields are refused so a typo is an
//! error, never a silently ignored setting. Validation lives in `compiled`.

use serde::Deserialize;

use crate::translate::openai_compat::Vendor;
use crate::translate::ProviderSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Downstream filter: authenticate, admit, route, account.
    Policy,
    /// Upstream filter (per attempt): rewrite for the provider, translate back.
    Translate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LogLevel {
    Trace,
    Debug,
    #[default]
    Info,
    Warn,
    Error,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub role: Role,
    #[serde(default)]
    pub log_level: LogLevel,
    #[serde(default)]
    pub keys: Vec<RawKey>,
    /// What keys may use (`crate::access`).
    #[serde(default)]
    pub roles: Vec<RawRole>,
    #[serde(default)]
    pub providers: Vec<RawProvider>,
    #[serde(default)]
    pub models: Vec<RawModel>,
    pub accounting: Option<RawAccounting>,
    /// Names that pick a model per request (`auto`, `cheapest`, …).
    #[serde(default)]
    pub auto_routes: Vec<crate::select::AutoRoute>,
    pub max_request_body_bytes: Option<usize>,
}

/// A virtual API key. Only the SHA-256 of the key is ever configured.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKey {
    pub id: String,
    /// Lower-case hex SHA-256 of the full key string.
    pub sha256: String,
    pub team: Option<String>,
    /// A role from `roles`; none: every model.
    pub role: Option<String>,
}

/// A role: the models its keys may use, and whether they need ZDR.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub name: String,
    /// Model names, `prefix*` patterns, or `*`.
    pub models: Vec<String>,
    #[serde(default)]
    pub require_zdr: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvider {
    pub name: String,
    pub schema: ProviderSchema,
    /// Path prefix the provider's API lives under, e.g. `/v1`.
    pub base_path: String,
    /// `:authority` sent upstream, e.g. `api.anthropic.com`.
    pub authority: String,
    /// Name of the environment variable holding the provider key (listed in the
    /// VM's `environment_variables`), so keys stay out of YAML. Not needed
    /// for providers signed with `aws` credentials.
    #[serde(default)]
    pub api_key_env: String,
    /// AWS SigV4 signing (Bedrock) instead of a key header.
    pub aws: Option<RawAws>,
    /// Send the key in this header, as is, instead of the schema's default
    /// (e.g. Azure OpenAI's `api-key`).
    pub auth_header: Option<String>,
    /// Full request path template replacing `base_path` + the schema's
    /// suffix; `{model}` is the upstream model (e.g. Azure:
    /// `/openai/deployments/{model}/chat/completions?api-version=2024-10-21`).
    pub path: Option<String>,
    /// Which OpenAI-compatible service a `schema: openai` provider is
    /// (`mistral`, `groq`, …): picks the dialect rules of
    /// `translate::openai_compat`. Default `openai`.
    #[serde(default)]
    pub vendor: Vendor,
    /// Drop request parameters the vendor cannot honour instead of refusing
    /// the request with a 400 naming them.
    #[serde(default)]
    pub drop_unsupported: bool,
}

/// Where a SigV4-signed provider's credentials come from: names of
/// environment variables (listed in the VM's `environment_variables`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAws {
    pub region: String,
    pub access_key_id_env: String,
    pub secret_access_key_env: String,
    pub session_token_env: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    /// The name clients ask for.
    pub name: String,
    /// The Envoy cluster whose priorities are this model's failover chain.
    pub cluster: String,
    /// `max_tokens` sent to providers that require one when the client gave none.
    pub default_max_tokens: Option<u32>,
    /// The failover chain, in priority order, each step with the cluster whose
    /// priorities start at that step. Lets the policy skip steps that are
    /// cooling down (see `cooldown`). Absent: always route to `cluster`.
    #[serde(default)]
    pub chain: Vec<RawChainStep>,
    /// Routing facts (from the catalog) that make the model a candidate of
    /// automatic routes.
    pub profile: Option<crate::select::ModelProfile>,
    /// Other names clients may use for this model.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Time an attempt may take before the next step of the chain is tried
    /// (overrides the route's per-try timeout for this model).
    pub per_try_timeout_ms: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChainStep {
    pub provider: String,
    /// The provider's model name (the endpoint's `switchboard.model` metadata).
    pub model: String,
    /// Cluster whose priority 0 is this step and whose later priorities are the
    /// rest of the chain.
    pub cluster: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAccounting {
    pub cluster: String,
    pub authority: String,
    #[serde(default = "default_usage_path")]
    pub path: String,
    pub flush_interval_ms: Option<u64>,
    pub batch_max: Option<usize>,
    pub timeout_ms: Option<u64>,
}

fn default_usage_path() -> String {
    "/v1/usage".to_owned()
}
