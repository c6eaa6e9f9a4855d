//! The translate role's plan for one attempt: which provider the endpoint is,
//! and the path, authority and credential headers that provider expects.
//!
//! Invariant: whatever credentials the client sent never leave for a provider;
//! `CLIENT_CREDENTIAL_HEADERS` are always removed before the provider's own key
//! is set.

use crate::config::Provider;
use crate::translate::ProviderSchema;

/// Anthropic requires an explicit API version; pinned so behaviour cannot drift.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// Endpoint metadata key (`filter_metadata.switchboard.*`) set on every endpoint.
pub const METADATA_NAMESPACE: &str = "switchboard";

/// Set by the policy role for the translate role: the routed model's default
/// `max_tokens` for providers that require one. Internal; never forwarded.
pub const DEFAULT_MAX_TOKENS_HEADER: &str = "x-switchboard-default-max-tokens";

/// Set by the policy role for the translate role: which API the client
/// called (`embeddings`; absent for chat). Internal; never forwarded.
pub const OPERATION_HEADER: &str = "x-switchboard-operation";

/// Response header from the translate filter to the policy filter naming the
/// routing-table model whose chain the serving endpoint belongs to (endpoint
/// metadata `route_model`), so live health is kept for the right model when a
/// ranked chain fails over between models. Removed before the client.
pub const ROUTE_MODEL_HEADER: &str = "x-switchboard-route-model";

/// Envoy's per-try timeout override, set by the policy filter from the
/// model's `per_try_timeout_ms`.
pub const PER_TRY_TIMEOUT_HEADER: &str = "x-envoy-upstream-rq-per-try-timeout-ms";

/// Request headers through which a client could steer Envoy's router
/// (timeouts, retries, hedging). Removed from every client request: the
/// gateway's configuration decides these.
pub const ROUTER_CONTROL_HEADERS: &[&str] = &[
    "x-envoy-upstream-rq-timeout-ms",
    "x-envoy-upstream-rq-per-try-timeout-ms",
    "x-envoy-max-retries",
    "x-envoy-retry-on",
    "x-envoy-retry-grpc-on",
    "x-envoy-retriable-status-codes",
    "x-envoy-retriable-header-names",
    "x-envoy-hedge-on-per-try-timeout",
    "x-envoy-upstream-rq-timeout-alt-response",
    "x-envoy-expected-rq-timeout-ms",
    "x-envoy-upstream-stream-duration-ms",
];

/// Headers that may carry a client's or another provider's credentials, and
/// gateway-internal headers, none of which may reach a provider.
pub const CLIENT_CREDENTIAL_HEADERS: &[&str] = &[
    "authorization",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
    "proxy-authorization",
    "cookie",
    "anthropic-version",
    "anthropic-beta",
    crate::route::CLUSTER_HEADER,
    OPERATION_HEADER,
];

/// What an endpoint's metadata says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointTarget {
    /// Provider name, a key of the config's `providers`.
    pub provider: String,
    /// Model name the provider expects.
    pub upstream_model: String,
    /// Catalog name the client is told served it (`x-switchboard-model`).
    pub served_as: String,
}

/// Headers and authority for one attempt; the path comes from
/// `base_path` + the translated request's `path_suffix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamPlan<'p> {
    pub authority: String,
    /// Set after the credential headers are removed.
    pub headers: Vec<(&'p str, String)>,
}

/// `api_key` is `None` for providers whose requests are signed instead (SigV4).
pub fn plan<'p>(provider: &'p Provider, api_key: Option<&str>) -> UpstreamPlan<'p> {
    let mut headers: Vec<(&'p str, String)> = vec![("content-type", "application/json".to_owned())];
    let Some(api_key) = api_key else {
        return UpstreamPlan {
            authority: provider.authority.clone(),
            headers,
        };
    };
    if let Some(header) = provider.auth_header.as_deref() {
        headers.push((header, api_key.to_owned()));
        if provider.schema == ProviderSchema::Anthropic {
            headers.push(("anthropic-version", ANTHROPIC_VERSION.to_owned()));
        }
        return UpstreamPlan {
            authority: provider.authority.clone(),
            headers,
        };
    }
    match provider.schema {
        ProviderSchema::Openai => headers.push(("authorization", format!("Bearer {api_key}"))),
        ProviderSchema::Anthropic => {
            headers.push(("x-api-key", api_key.to_owned()));
            headers.push(("anthropic-version", ANTHROPIC_VERSION.to_owned()));
        }
        ProviderSchema::Gemini => headers.push(("x-goog-api-key", api_key.to_owned())),
        // Bedrock API key style; SigV4 credentials are signed by the filter
        // instead (`crate::sigv4`).
        ProviderSchema::Bedrock => headers.push(("authorization", format!("Bearer {api_key}"))),
    }
    UpstreamPlan {
        authority: provider.authority.clone(),
        headers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(schema: ProviderSchema) -> Provider {
        Provider {
            name: "p".into(),
            schema,
            base_path: "/v1".into(),
            authority: "api.example.com".into(),
            api_key_env: "K".into(),
            auth_header: None,
            path: None,
            aws: None,
            vendor: Default::default(),
            drop_unsupported: false,
        }
    }

    #[test]
    fn openai_gets_bearer_and_chat_path() {
        let provider = provider(ProviderSchema::Openai);
        let p = plan(&provider, Some("sk-prov"));
        assert_eq!(p.authority, "api.example.com");
        assert!(p
            .headers
            .contains(&("authorization", "Bearer sk-prov".to_owned())));
    }

    #[test]
    fn anthropic_gets_x_api_key_and_pinned_version() {
        let provider = provider(ProviderSchema::Anthropic);
        let p = plan(&provider, Some("ak"));
        assert!(p.headers.contains(&("x-api-key", "ak".to_owned())));
        assert!(p
            .headers
            .contains(&("anthropic-version", ANTHROPIC_VERSION.to_owned())));
        assert!(!p.headers.iter().any(|(n, _)| *n == "authorization"));
    }

    #[test]
    fn a_custom_auth_header_replaces_the_default() {
        let mut azure = provider(ProviderSchema::Openai);
        azure.auth_header = Some("api-key".into());
        let p = plan(&azure, Some("az"));
        assert!(p.headers.contains(&("api-key", "az".to_owned())));
        assert!(!p.headers.iter().any(|(n, _)| *n == "authorization"));
    }

    #[test]
    fn signed_providers_get_no_key_header() {
        let provider = provider(ProviderSchema::Bedrock);
        let p = plan(&provider, None);
        assert_eq!(
            p.headers,
            vec![("content-type", "application/json".to_owned())]
        );
    }

    #[test]
    fn gemini_gets_goog_api_key() {
        let provider = provider(ProviderSchema::Gemini);
        let p = plan(&provider, Some("g"));
        assert!(p.headers.contains(&("x-goog-api-key", "g".to_owned())));
    }

    #[test]
    fn every_credential_header_is_stripped() {
        for h in [
            "authorization",
            "x-api-key",
            "api-key",
            "x-goog-api-key",
            "x-switchboard-cluster",
        ] {
            assert!(CLIENT_CREDENTIAL_HEADERS.contains(&h), "{h}");
        }
    }
}
