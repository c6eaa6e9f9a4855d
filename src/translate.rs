//! The upstream `translate` role, run by Envoy once per attempt: read which
//! provider this endpoint is (endpoint metadata), rewrite the request into its
//! dialect with its credentials, and translate its answer back to OpenAI shape.
//!
//! Because this runs per attempt, a retry that Envoy moves to the next priority
//! (the next provider in the failover chain) is rewritten for *that* provider
//! from the original client body, which the router replays.

use std::rc::Rc;

use proxy_wasm::traits::{Context, HttpContext};
use proxy_wasm::types::{Action, BufferType, MapType};
use switchboard_core::config::{Config, Provider};
use switchboard_core::error::GatewayError;
use switchboard_core::translate::{
    self, openai_compat, EmbeddingsContext, ProviderSchema, StreamContext, StreamTranslator,
    TargetModel,
};
use switchboard_core::upstream::{
    self, EndpointTarget, DEFAULT_MAX_TOKENS_HEADER, METADATA_NAMESPACE,
};
use switchboard_core::{cooldown, sigv4};

use crate::credentials::{Credential, ProviderKeys};
use crate::host;

pub struct TranslateFilter {
    context_id: u32,
    config: Rc<Config>,
    keys: Rc<ProviderKeys>,
    target: Option<(EndpointTarget, Provider)>,
    default_max_tokens: u32,
    replied_locally: bool,
    /// The response body must be rewritten (non-OpenAI success, or any error).
    translate_response: bool,
    response_status: u16,
    /// The client asked for a stream (known once the request body is read).
    streaming: bool,
    /// A non-OpenAI stream being translated event by event.
    stream: Option<Box<dyn StreamTranslator>>,
    /// The client called `/v1/embeddings` (set by the policy role).
    embeddings: bool,
    /// What the embeddings answer's translation needs from the request.
    embeddings_context: EmbeddingsContext,
}

fn endpoint_metadata(field: &str) -> Option<String> {
    host::property_string(vec![
        "xds",
        "upstream_host_metadata",
        "filter_metadata",
        METADATA_NAMESPACE,
        field,
    ])
}

impl TranslateFilter {
    pub fn new(context_id: u32, config: Rc<Config>, keys: Rc<ProviderKeys>) -> Self {
        Self {
            context_id,
            config,
            keys,
            target: None,
            default_max_tokens: 4096,
            replied_locally: false,
            translate_response: false,
            response_status: 0,
            streaming: false,
            stream: None,
            embeddings: false,
            embeddings_context: EmbeddingsContext::default(),
        }
    }

    fn reject(&mut self, error: &GatewayError) -> Action {
        log::warn!(
            "[{}] translate refused: {} {}",
            self.context_id,
            error.status,
            error.code
        );
        self.replied_locally = true;
        host::send_json(error.status, &error.to_json(), &[]);
        Action::Pause
    }

    fn resolve_target(&self) -> Result<(EndpointTarget, Provider), GatewayError> {
        let misconfigured = || {
            GatewayError::internal(
                "upstream_misconfigured",
                "The provider endpoint is not configured for Switchboard.",
            )
        };
        let provider_name = endpoint_metadata("provider").ok_or_else(misconfigured)?;
        let upstream_model = endpoint_metadata("model").ok_or_else(misconfigured)?;
        let served_as = endpoint_metadata("served_as").unwrap_or_else(|| upstream_model.clone());
        let provider = self
            .config
            .provider(&provider_name)
            .ok_or_else(misconfigured)?
            .clone();
        Ok((
            EndpointTarget {
                provider: provider_name,
                upstream_model,
                served_as,
            },
            provider,
        ))
    }

    fn cooldown_key(&self) -> Option<String> {
        let (target, _) = self.target.as_ref()?;
        Some(cooldown::key(&target.provider, &target.upstream_model))
    }

    /// Time left before this endpoint may be asked again, if it asked us to wait.
    fn cooling_down(&self) -> Option<u64> {
        let value = host::shared_data(&self.cooldown_key()?);
        cooldown::remaining_ms(value.as_deref(), host::now_ms())
    }

    /// Remember a provider's `Retry-After` for every worker.
    fn start_cooldown(&self) {
        let now = host::now_ms();
        let wait = cooldown::requested_wait_ms(
            host::header(MapType::HttpResponseHeaders, "retry-after").as_deref(),
            host::header(MapType::HttpResponseHeaders, "retry-after-ms").as_deref(),
            now,
        );
        if let (Some(wait), Some(key)) = (wait, self.cooldown_key()) {
            host::set_shared_data(&key, &cooldown::encode_deadline(now.saturating_add(wait)));
            log::info!(
                "[{}] provider asked to wait {wait} ms; skipping it until then",
                self.context_id
            );
        }
    }

    /// SigV4-sign the final request for providers with AWS credentials. The
    /// signature covers the path and body exactly as sent, so this runs last.
    fn sign_request(&self, path: &str, body: &[u8]) {
        let Some((_, provider)) = self.target.as_ref() else {
            return;
        };
        let (
            Some(aws),
            Some(Credential::Aws {
                access_key_id,
                secret_access_key,
                session_token,
            }),
        ) = (provider.aws.as_ref(), self.keys.get(&provider.name))
        else {
            return;
        };
        let (path_only, query) = path.split_once('?').unwrap_or((path, ""));
        let amz_date = sigv4::amz_date(host::now_ms());
        let signed = sigv4::sign(&sigv4::SigningInput {
            method: "POST",
            host: &provider.authority,
            path: path_only,
            query,
            headers_to_sign: &[("content-type", "application/json")],
            body,
            region: &aws.region,
            access_key_id,
            secret_access_key,
            session_token: session_token.as_deref(),
            amz_date: &amz_date,
        });
        for (name, value) in signed.pairs() {
            host::set_header(MapType::HttpRequestHeaders, name, value);
        }
    }

    fn prepare_headers(&mut self) -> Result<(), GatewayError> {
        let (target, provider) = self.resolve_target()?;
        let credential = self.keys.get(&provider.name).ok_or_else(|| {
            GatewayError::internal(
                "provider_key_missing",
                "The gateway has no key for this provider.",
            )
        })?;
        let api_key = match credential {
            Credential::ApiKey(key) => Some(key.as_str()),
            // Signed once the final body is known (`sign_request`).
            Credential::Aws { .. } => None,
        };
        let plan = upstream::plan(&provider, api_key);
        self.embeddings = host::header(MapType::HttpRequestHeaders, upstream::OPERATION_HEADER)
            .is_some_and(|op| op == "embeddings");
        for name in upstream::CLIENT_CREDENTIAL_HEADERS {
            host::remove_header(MapType::HttpRequestHeaders, name);
        }
        host::remove_header(MapType::HttpRequestHeaders, "content-length");
        host::set_header(MapType::HttpRequestHeaders, ":authority", &plan.authority);
        for (name, value) in &plan.headers {
            host::set_header(MapType::HttpRequestHeaders, name, value);
        }
        if let Some(max) = host::header(MapType::HttpRequestHeaders, DEFAULT_MAX_TOKENS_HEADER)
            .and_then(|v| v.parse().ok())
        {
            self.default_max_tokens = max;
        }
        host::remove_header(MapType::HttpRequestHeaders, DEFAULT_MAX_TOKENS_HEADER);
        self.target = Some((target, provider));
        Ok(())
    }
}

impl Context for TranslateFilter {}

impl HttpContext for TranslateFilter {
    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        if let Err(e) = self.prepare_headers() {
            return self.reject(&e);
        }
        if let Some(remaining) = self.cooling_down() {
            let error = GatewayError::provider_cooling_down(remaining);
            let retry_after = remaining.div_ceil(1000).to_string();
            self.replied_locally = true;
            host::send_json(
                error.status,
                &error.to_json(),
                &[
                    ("retry-after", &retry_after),
                    ("x-switchboard-skipped", "cooldown"),
                ],
            );
            return Action::Pause;
        }
        if end_of_stream {
            return Action::Continue;
        }
        Action::Pause
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if self.replied_locally {
            return Action::Pause;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        let Some((target, provider)) = self.target.as_ref() else {
            return Action::Continue;
        };
        let body = host::body(BufferType::HttpRequestBody, body_size);
        let model = TargetModel {
            upstream_model: &target.upstream_model,
            default_max_tokens: self.default_max_tokens,
        };
        let translated = if self.embeddings {
            translate::translate_embeddings_request(provider.schema, &body, &model).map(
                |(upstream, context)| {
                    self.embeddings_context = context;
                    upstream
                },
            )
        } else {
            // OpenAI-compatible vendors get their dialect rules.
            openai_compat::translate_request(
                provider.schema,
                provider.vendor,
                provider.drop_unsupported,
                &body,
                &model,
            )
        };
        match translated {
            Ok(upstream) => {
                self.streaming = upstream.stream;
                let path = provider.request_path(&upstream.path_suffix, &target.upstream_model);
                host::set_header(MapType::HttpRequestHeaders, ":path", &path);
                host::replace_body(BufferType::HttpRequestBody, body_size, &upstream.body);
                host::set_header(
                    MapType::HttpRequestHeaders,
                    "content-length",
                    &upstream.body.len().to_string(),
                );
                self.sign_request(&path, &upstream.body);
                Action::Continue
            }
            Err(e) => self.reject(&e),
        }
    }

    fn on_http_response_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        if self.replied_locally {
            return Action::Continue;
        }
        let Some((target, provider)) = self.target.as_ref() else {
            return Action::Continue;
        };
        host::set_header(
            MapType::HttpResponseHeaders,
            "x-switchboard-model",
            &target.served_as,
        );
        host::set_header(
            MapType::HttpResponseHeaders,
            "x-switchboard-provider",
            &target.provider,
        );
        if let Some(route_model) = endpoint_metadata("route_model") {
            host::set_header(
                MapType::HttpResponseHeaders,
                upstream::ROUTE_MODEL_HEADER,
                &route_model,
            );
        }
        self.response_status = host::header(MapType::HttpResponseHeaders, ":status")
            .and_then(|s| s.parse().ok())
            .unwrap_or(502);
        if self.response_status == 429 || self.response_status == 503 {
            self.start_cooldown();
        }
        let ok = (200..300).contains(&self.response_status);
        // Answers are rewritten for foreign schemas and for OpenAI-compatible
        // vendors that deviate (embeddings answers never need the latter).
        let foreign = if self.embeddings {
            provider.schema != ProviderSchema::Openai
        } else {
            openai_compat::translates_answer(provider.schema, provider.vendor)
        };
        if ok && self.streaming && foreign {
            // Always emit the usage chunk: the policy filter counts it and
            // drops it when the client did not ask for it.
            self.stream = Some(openai_compat::stream_translator(
                provider.schema,
                provider.vendor,
                StreamContext {
                    served_as: target.served_as.clone(),
                    created: host::now_ms() / 1000,
                    client_wants_usage: true,
                },
            ));
            host::remove_header(MapType::HttpResponseHeaders, "content-length");
            host::set_header(
                MapType::HttpResponseHeaders,
                "content-type",
                "text/event-stream",
            );
            return Action::Continue;
        }
        self.translate_response = !ok || foreign;
        if self.translate_response {
            host::remove_header(MapType::HttpResponseHeaders, "content-length");
            host::set_header(
                MapType::HttpResponseHeaders,
                "content-type",
                "application/json",
            );
        }
        Action::Continue
    }

    fn on_http_response_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if let Some(translator) = self.stream.as_mut() {
            let chunk = host::body(BufferType::HttpResponseBody, body_size);
            let mut out = Vec::with_capacity(chunk.len() + 64);
            translator.on_chunk(&chunk, &mut out);
            if end_of_stream {
                translator.on_end(&mut out);
            }
            host::replace_body(BufferType::HttpResponseBody, body_size, &out);
            return Action::Continue;
        }
        if !self.translate_response || self.replied_locally {
            return Action::Continue;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        let Some((target, provider)) = self.target.as_ref() else {
            return Action::Continue;
        };
        let body = host::body(BufferType::HttpResponseBody, body_size);
        if (200..300).contains(&self.response_status) {
            let translated = if self.embeddings {
                translate::translate_embeddings_response(
                    provider.schema,
                    &body,
                    &target.served_as,
                    &self.embeddings_context,
                )
            } else {
                let created = host::now_ms() / 1000;
                openai_compat::translate_response_at(
                    provider.schema,
                    provider.vendor,
                    &body,
                    &target.served_as,
                    created,
                )
            };
            match translated {
                Ok(Some(translated)) => {
                    host::replace_body(BufferType::HttpResponseBody, body_size, &translated);
                }
                Ok(None) => {}
                Err(e) => {
                    log::error!(
                        "[{}] response translation failed: {}",
                        self.context_id,
                        e.code
                    );
                    host::replace_body(BufferType::HttpResponseBody, body_size, &e.to_json());
                }
            }
        } else {
            let error = translate::translate_error(provider.schema, self.response_status, &body);
            host::replace_body(BufferType::HttpResponseBody, body_size, &error);
        }
        Action::Continue
    }
}
