//! Validated configuration with lookup tables built once, so the request path
//! does map lookups and nothing else.

use hashbrown::HashMap;

use super::raw::{LogLevel, RawConfig, Role};
use super::ConfigError;

use crate::auth::{KeyDigest, VirtualKey};
use crate::select::{AutoRoute, ModelProfile};
use crate::translate::openai_compat::Vendor;
use crate::translate::ProviderSchema;

/// Default cap on a buffered request body (Envoy's own default is 1 MiB per
/// connection; LLM prompts are larger, so the demo raises both together).
const DEFAULT_MAX_REQUEST_BODY: usize = 8 * 1024 * 1024;
const DEFAULT_MAX_TOKENS: u32 = 4096;

#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    pub schema: ProviderSchema,
    pub base_path: String,
    pub authority: String,
    pub api_key_env: String,
    /// Header carrying the raw key instead of the schema's default auth.
    pub auth_header: Option<String>,
    /// Path template with `{model}`, replacing `base_path` + suffix.
    pub path: Option<String>,
    /// SigV4 signing instead of a key header.
    pub aws: Option<AwsSigning>,
    /// The OpenAI-compatible vendor (`schema: openai` only).
    pub vendor: Vendor,
    /// Drop parameters the vendor cannot honour instead of refusing them.
    pub drop_unsupported: bool,
}

/// A SigV4 provider's region and the environment variables of its credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsSigning {
    pub region: String,
    pub access_key_id_env: String,
    pub secret_access_key_env: String,
    pub session_token_env: Option<String>,
}

impl Provider {
    /// The request path for one attempt.
    pub fn request_path(&self, path_suffix: &str, upstream_model: &str) -> String {
        match &self.path {
            Some(template) => template.replace("{model}", upstream_model),
            None => format!("{}{}", self.base_path, path_suffix),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ModelRoute {
    pub name: String,
    pub cluster: String,
    pub default_max_tokens: u32,
    /// Failover chain steps, in priority order (may be empty).
    pub chain: Vec<ChainStep>,
    /// Routing facts; models without one are never picked automatically.
    pub profile: Option<ModelProfile>,
    /// Other names that resolve to this model.
    pub aliases: Vec<String>,
    /// Per-attempt timeout for this model's requests, if it has its own.
    pub per_try_timeout_ms: Option<u64>,
}

/// One step of a model's failover chain, as the policy needs it.
#[derive(Debug, Clone)]
pub struct ChainStep {
    /// Shared-data key of this endpoint's cool-down deadline.
    pub cooldown_key: String,
    /// Cluster starting the chain at this step.
    pub cluster: String,
}

#[derive(Debug, Clone)]
pub struct AccountingSettings {
    pub cluster: String,
    pub authority: String,
    pub path: String,
    pub flush_interval_ms: u64,
    pub batch_max: usize,
    pub timeout_ms: u64,
}

#[derive(Debug)]
pub struct Config {
    pub role: Role,
    pub log_level: LogLevel,
    pub max_request_body_bytes: usize,
    keys: HashMap<KeyDigest, VirtualKey>,
    providers: HashMap<String, Provider>,
    models: HashMap<String, ModelRoute>,
    /// Alias → canonical model name.
    aliases: HashMap<String, String>,
    auto_routes: HashMap<String, AutoRoute>,
    pub accounting: Option<AccountingSettings>,
}

impl Config {
    pub fn parse(bytes: &[u8]) -> Result<Self, ConfigError> {
        // serde_path_to_error names the field serde refused
        // (`models[0].clustr: unknown field …`); `end` refuses trailing data.
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let raw: RawConfig = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let place = if path == "." {
                "configuration".to_owned()
            } else {
                path
            };
            ConfigError {
                problems: vec![format!("{place}: {}", e.inner())],
            }
        })?;
        de.end().map_err(|e| ConfigError {
            problems: vec![format!("configuration: {e}")],
        })?;
        Self::compile(raw)
    }

    fn compile(raw: RawConfig) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let keys = super::keys::compile(&raw.roles, raw.keys, &mut problems);

        let mut providers = HashMap::new();
        for (i, p) in raw.providers.into_iter().enumerate() {
            if p.name.is_empty() {
                problems.push(format!("providers[{i}].name: must not be empty"));
            }
            if !p.base_path.is_empty() && !p.base_path.starts_with('/') {
                problems.push(format!("providers[{i}].base_path: must start with '/'"));
            }
            if p.authority.is_empty() {
                problems.push(format!("providers[{i}].authority: must not be empty"));
            }
            if p.api_key_env.is_empty() && p.aws.is_none() {
                problems.push(format!(
                    "providers[{i}].api_key_env: must not be empty (or give `aws` credentials)"
                ));
            }
            if let Some(aws) = &p.aws {
                for (field, value) in [
                    ("region", &aws.region),
                    ("access_key_id_env", &aws.access_key_id_env),
                    ("secret_access_key_env", &aws.secret_access_key_env),
                ] {
                    if value.is_empty() {
                        problems.push(format!("providers[{i}].aws.{field}: must not be empty"));
                    }
                }
            }
            if let Some(path) = &p.path {
                if !path.starts_with('/') {
                    problems.push(format!("providers[{i}].path: must start with '/'"));
                }
            }
            if p.auth_header.as_deref().is_some_and(|h| {
                h.is_empty() || !h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            }) {
                problems.push(format!(
                    "providers[{i}].auth_header: must be a header name (letters, digits, '-')"
                ));
            }
            if p.vendor != Vendor::Openai && p.schema != ProviderSchema::Openai {
                problems.push(format!(
                    "providers[{i}].vendor: only for providers with schema 'openai'"
                ));
            }
            let name = p.name.clone();
            let provider = Provider {
                name: p.name,
                schema: p.schema,
                base_path: p.base_path.trim_end_matches('/').to_owned(),
                authority: p.authority,
                api_key_env: p.api_key_env,
                auth_header: p.auth_header.map(|h| h.to_ascii_lowercase()),
                vendor: p.vendor,
                drop_unsupported: p.drop_unsupported,
                path: p.path,
                aws: p.aws.map(|a| AwsSigning {
                    region: a.region,
                    access_key_id_env: a.access_key_id_env,
                    secret_access_key_env: a.secret_access_key_env,
                    session_token_env: a.session_token_env,
                }),
            };
            if providers.insert(name.clone(), provider).is_some() {
                problems.push(format!("providers[{i}].name: duplicate provider '{name}'"));
            }
        }

        let mut models = HashMap::new();
        let mut models_in_order = Vec::with_capacity(raw.models.len());
        for (i, m) in raw.models.into_iter().enumerate() {
            models_in_order.push(m.name.clone());
            if m.name.is_empty() {
                problems.push(format!("models[{i}].name: must not be empty"));
            }
            if m.cluster.is_empty() {
                problems.push(format!("models[{i}].cluster: must not be empty"));
            }
            if m.per_try_timeout_ms == Some(0) {
                problems.push(format!(
                    "models[{i}].per_try_timeout_ms: must be at least 1"
                ));
            }
            if m.default_max_tokens == Some(0) {
                problems.push(format!(
                    "models[{i}].default_max_tokens: must be at least 1"
                ));
            }
            for (j, step) in m.chain.iter().enumerate() {
                for (field, value) in [
                    ("provider", &step.provider),
                    ("model", &step.model),
                    ("cluster", &step.cluster),
                ] {
                    if value.is_empty() {
                        problems.push(format!("models[{i}].chain[{j}].{field}: must not be empty"));
                    }
                }
            }
            if let Some(first) = m.chain.first() {
                if first.cluster != m.cluster {
                    problems.push(format!(
                        "models[{i}].chain[0].cluster: must equal the model's cluster '{}'",
                        m.cluster
                    ));
                }
            }
            let chain = m
                .chain
                .iter()
                .map(|step| ChainStep {
                    cooldown_key: crate::cooldown::key(&step.provider, &step.model),
                    cluster: step.cluster.clone(),
                })
                .collect();
            let name = m.name.clone();
            let route = ModelRoute {
                name: m.name,
                cluster: m.cluster,
                default_max_tokens: m.default_max_tokens.unwrap_or(DEFAULT_MAX_TOKENS),
                chain,
                profile: m.profile,
                aliases: m.aliases,
                per_try_timeout_ms: m.per_try_timeout_ms,
            };
            if models.insert(name.clone(), route).is_some() {
                problems.push(format!("models[{i}].name: duplicate model '{name}'"));
            }
        }

        let mut aliases = HashMap::new();
        for (i, m) in models_in_order.iter().enumerate() {
            let Some(route) = models.get(m) else {
                continue;
            };
            for (j, alias) in route.aliases.iter().enumerate() {
                if alias.is_empty() || models.contains_key(alias) {
                    problems.push(format!(
                        "models[{i}].aliases[{j}]: '{alias}' is empty or already a model"
                    ));
                } else if aliases.insert(alias.clone(), route.name.clone()).is_some() {
                    problems.push(format!(
                        "models[{i}].aliases[{j}]: '{alias}' names two models"
                    ));
                }
            }
        }

        let mut auto_routes = HashMap::new();
        for (i, r) in raw.auto_routes.into_iter().enumerate() {
            if r.name.is_empty() {
                problems.push(format!("auto_routes[{i}].name: must not be empty"));
            }
            if models.contains_key(&r.name) || aliases.contains_key(&r.name) {
                problems.push(format!(
                    "auto_routes[{i}].name: '{}' is already a model",
                    r.name
                ));
            }
            if r.candidates.is_empty() {
                problems.push(format!("auto_routes[{i}].candidates: must not be empty"));
            }
            if r.failover_depth == 0 {
                problems.push(format!(
                    "auto_routes[{i}].failover_depth: must be at least 1"
                ));
            }
            for (j, c) in r.candidates.iter().enumerate() {
                match models.get(c) {
                    None => problems.push(format!(
                        "auto_routes[{i}].candidates[{j}]: unknown model '{c}'"
                    )),
                    Some(m) if m.profile.is_none() => problems.push(format!(
                        "auto_routes[{i}].candidates[{j}]: model '{c}' has no profile"
                    )),
                    Some(_) => {}
                }
            }
            let name = r.name.clone();
            if auto_routes.insert(name.clone(), r).is_some() {
                problems.push(format!("auto_routes[{i}].name: duplicate route '{name}'"));
            }
        }

        let accounting = raw.accounting.map(|a| AccountingSettings {
            cluster: a.cluster,
            authority: a.authority,
            path: a.path,
            flush_interval_ms: a.flush_interval_ms.unwrap_or(200).max(10),
            batch_max: a.batch_max.unwrap_or(500).clamp(1, 1000),
            timeout_ms: a.timeout_ms.unwrap_or(5000).max(1),
        });
        if let Some(a) = &accounting {
            if a.cluster.is_empty() {
                problems.push("accounting.cluster: must not be empty".to_owned());
            }
            if !a.path.starts_with('/') {
                problems.push("accounting.path: must start with '/'".to_owned());
            }
        }

        match raw.role {
            Role::Policy if models.is_empty() => {
                problems.push("models: the policy role needs at least one model".to_owned())
            }
            Role::Translate if providers.is_empty() => problems
                .push("providers: the translate role needs at least one provider".to_owned()),
            _ => {}
        }

        let max_request_body_bytes = raw
            .max_request_body_bytes
            .unwrap_or(DEFAULT_MAX_REQUEST_BODY);
        if max_request_body_bytes == 0 {
            problems.push("max_request_body_bytes: must be at least 1".to_owned());
        }

        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        Ok(Self {
            role: raw.role,
            log_level: raw.log_level,
            max_request_body_bytes,
            keys,
            providers,
            models,
            aliases,
            auto_routes,
            accounting,
        })
    }

    pub fn key(&self, digest: &KeyDigest) -> Option<(&KeyDigest, &VirtualKey)> {
        self.keys.get_key_value(digest)
    }

    pub fn provider(&self, name: &str) -> Option<&Provider> {
        self.providers.get(name)
    }

    pub fn providers(&self) -> impl Iterator<Item = &Provider> {
        self.providers.values()
    }

    /// The model called `name` or aliased so.
    pub fn model(&self, name: &str) -> Option<&ModelRoute> {
        self.models.get(name).or_else(|| {
            self.aliases
                .get(name)
                .and_then(|canonical| self.models.get(canonical))
        })
    }

    pub fn auto_route(&self, name: &str) -> Option<&AutoRoute> {
        self.auto_routes.get(name)
    }

    /// Automatic routes in name order.
    pub fn auto_routes_sorted(&self) -> Vec<&AutoRoute> {
        let mut all: Vec<&AutoRoute> = self.auto_routes.values().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// Models in name order, for `/v1/models` and stable output.
    pub fn models_sorted(&self) -> Vec<&ModelRoute> {
        let mut all: Vec<&ModelRoute> = self.models.values().collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO_HASH: &str = "6f5e3a8c8b4a54b2a1d8d0b6b18b1f0a2e1e2b6c5f0a9d8e7c6b5a4f3e2d1c0b";

    fn policy_json(extra: &str) -> String {
        format!(
            r#"{{"role":"policy","keys":[{{"id":"demo","sha256":"{DEMO_HASH}","team":"t"}}],
               "models":[{{"name":"gpt-4o-mini","cluster":"c1"}}]{extra}}}"#
        )
    }

    #[test]
    fn parses_a_policy_config() {
        let c = Config::parse(policy_json("").as_bytes()).unwrap();
        assert_eq!(c.role, Role::Policy);
        assert_eq!(c.model("gpt-4o-mini").unwrap().cluster, "c1");
        assert_eq!(c.model("gpt-4o-mini").unwrap().default_max_tokens, 4096);
        assert!(c.model("other").is_none());
        assert!(c.accounting.is_none());
    }

    #[test]
    fn unknown_fields_are_refused_with_their_name() {
        let err = Config::parse(policy_json(r#","modles":[]"#).as_bytes()).unwrap_err();
        assert!(err.to_string().contains("modles"), "{err}");
    }

    #[test]
    fn a_field_serde_refuses_is_named_with_its_path() {
        let json =
            r#"{"role":"policy","models":[{"name":"m","cluster":"c"},{"name":"n","clustr":"x"}]}"#;
        let err = Config::parse(json.as_bytes()).unwrap_err().to_string();
        assert!(
            err.contains("models[1].clustr: unknown field `clustr`"),
            "{err}"
        );
        let json = r#"{"role":"policy","models":[{"name":"m","cluster":"c","default_max_tokens":"many"}]}"#;
        let err = Config::parse(json.as_bytes()).unwrap_err().to_string();
        assert!(
            err.contains("models[0].default_max_tokens: invalid type"),
            "{err}"
        );
        let trailing = br#"{"role":"translate","providers":[]} {}"#;
        let err = Config::parse(trailing).unwrap_err().to_string();
        assert!(err.contains("configuration: trailing characters"), "{err}");
    }

    #[test]
    fn every_bad_field_is_named() {
        let json = r#"{"role":"policy","keys":[{"id":"","sha256":"abc"}],
            "models":[{"name":"m","cluster":"","default_max_tokens":0}],
            "accounting":{"cluster":"acc","authority":"a","path":"nope"}}"#;
        let err = Config::parse(json.as_bytes()).unwrap_err();
        let all = err.problems.join("\n");
        for path in [
            "keys[0].id",
            "keys[0].sha256",
            "models[0].cluster",
            "models[0].default_max_tokens",
            "accounting.path",
        ] {
            assert!(all.contains(path), "missing {path} in {all}");
        }
    }

    #[test]
    fn chains_compile_to_cooldown_keys_and_clusters() {
        let json = r#"{"role":"policy","models":[{"name":"m","cluster":"sb_m","chain":[
            {"provider":"openai","model":"gpt","cluster":"sb_m"},
            {"provider":"anthropic","model":"claude","cluster":"sb_m~1"}]}]}"#;
        let c = Config::parse(json.as_bytes()).unwrap();
        let chain = &c.model("m").unwrap().chain;
        assert_eq!(chain[1].cluster, "sb_m~1");
        assert_eq!(
            chain[1].cooldown_key,
            crate::cooldown::key("anthropic", "claude")
        );
        let bad = r#"{"role":"policy","models":[{"name":"m","cluster":"sb_m","chain":[
            {"provider":"","model":"gpt","cluster":"other"}]}]}"#;
        let all = Config::parse(bad.as_bytes())
            .unwrap_err()
            .problems
            .join("\n");
        assert!(all.contains("models[0].chain[0].provider"), "{all}");
        assert!(all.contains("models[0].chain[0].cluster"), "{all}");
    }

    #[test]
    fn duplicates_are_refused() {
        let json = format!(
            r#"{{"role":"policy","keys":[{{"id":"a","sha256":"{DEMO_HASH}"}},{{"id":"b","sha256":"{DEMO_HASH}"}}],
               "models":[{{"name":"m","cluster":"c"}},{{"name":"m","cluster":"d"}}]}}"#
        );
        let all = Config::parse(json.as_bytes())
            .unwrap_err()
            .problems
            .join("\n");
        assert!(all.contains("keys[1].sha256"), "{all}");
        assert!(all.contains("models[1].name"), "{all}");
    }

    #[test]
    fn translate_role_needs_providers() {
        let err = Config::parse(br#"{"role":"translate"}"#).unwrap_err();
        assert!(err.problems.join("").contains("providers"));
        let ok = Config::parse(
            br#"{"role":"translate","providers":[{"name":"anthropic","schema":"anthropic",
                 "base_path":"/v1/","authority":"api.anthropic.com","api_key_env":"ANTHROPIC_API_KEY"}]}"#,
        )
        .unwrap();
        let p = ok.provider("anthropic").unwrap();
        assert_eq!(p.base_path, "/v1");
        assert_eq!(p.schema, ProviderSchema::Anthropic);
    }

    #[test]
    fn azure_style_providers_set_path_and_auth_header() {
        let c = Config::parse(
            br#"{"role":"translate","providers":[{"name":"azure","schema":"openai",
                 "base_path":"","authority":"x.openai.azure.com","api_key_env":"AZ",
                 "auth_header":"Api-Key",
                 "path":"/openai/deployments/{model}/chat/completions?api-version=2024-10-21"}]}"#,
        )
        .unwrap();
        let p = c.provider("azure").unwrap();
        assert_eq!(p.auth_header.as_deref(), Some("api-key"));
        assert_eq!(
            p.request_path("/chat/completions", "gpt4o-prod"),
            "/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21"
        );
        let bad = Config::parse(
            br#"{"role":"translate","providers":[{"name":"a","schema":"openai","base_path":"/v1",
                 "authority":"a","api_key_env":"A","auth_header":"bad header","path":"nope"}]}"#,
        )
        .unwrap_err()
        .problems
        .join("\n");
        assert!(bad.contains("providers[0].auth_header"), "{bad}");
        assert!(bad.contains("providers[0].path"), "{bad}");
    }

    #[test]
    fn aws_signed_providers_need_no_api_key_env() {
        let c = Config::parse(
            br#"{"role":"translate","providers":[{"name":"bedrock","schema":"bedrock",
                 "base_path":"","authority":"bedrock-runtime.us-east-1.amazonaws.com",
                 "aws":{"region":"us-east-1","access_key_id_env":"AWS_ACCESS_KEY_ID",
                        "secret_access_key_env":"AWS_SECRET_ACCESS_KEY"}}]}"#,
        )
        .unwrap();
        let aws = c.provider("bedrock").unwrap().aws.clone().unwrap();
        assert_eq!(aws.region, "us-east-1");
        let bad = Config::parse(
            br#"{"role":"translate","providers":[{"name":"b","schema":"bedrock","base_path":"",
                 "authority":"a","aws":{"region":"","access_key_id_env":"A","secret_access_key_env":""}}]}"#,
        )
        .unwrap_err()
        .problems
        .join("\n");
        assert!(bad.contains("providers[0].aws.region"), "{bad}");
        assert!(
            bad.contains("providers[0].aws.secret_access_key_env"),
            "{bad}"
        );
    }

    #[test]
    fn openai_compatible_providers_name_their_vendor() {
        let c = Config::parse(
            br#"{"role":"translate","providers":[{"name":"groq","schema":"openai","base_path":"/openai/v1",
                 "authority":"api.groq.com","api_key_env":"GROQ_API_KEY","vendor":"groq","drop_unsupported":true},
                 {"name":"openai","schema":"openai","base_path":"/v1","authority":"a","api_key_env":"K"}]}"#,
        )
        .unwrap();
        let groq = c.provider("groq").unwrap();
        assert_eq!((groq.vendor, groq.drop_unsupported), (Vendor::Groq, true));
        let openai = c.provider("openai").unwrap();
        assert_eq!(
            (openai.vendor, openai.drop_unsupported),
            (Vendor::Openai, false)
        );
        let bad = Config::parse(
            br#"{"role":"translate","providers":[{"name":"a","schema":"anthropic","base_path":"/v1",
                 "authority":"a","api_key_env":"K","vendor":"mistral"}]}"#,
        )
        .unwrap_err()
        .problems
        .join("\n");
        assert!(bad.contains("providers[0].vendor"), "{bad}");
        assert!(Config::parse(
            br#"{"role":"translate","providers":[{"name":"a","schema":"openai","base_path":"/v1",
                 "authority":"a","api_key_env":"K","vendor":"mistrall"}]}"#,
        )
        .is_err());
    }

    #[test]
    fn not_json_is_an_error_not_a_panic() {
        assert!(Config::parse(b"\xff\x00{").is_err());
        assert!(Config::parse(b"").is_err());
        assert!(Config::parse(b"[]").is_err());
    }
}
