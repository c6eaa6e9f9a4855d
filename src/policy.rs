//! The downstream `policy` role: authenticate, parse once, route; on the way
//! back, account for what was served. Thin: every decision is a
//! `switchboard_core` call.
//!
//! Headers are paused until the body has been read and routed (this needs
//! `allow_on_headers_stop_iteration: true` in the plugin config), because the
//! cluster header can only be written while request headers are still paused.

use std::rc::Rc;
use std::sync::Arc;

use proxy_wasm::traits::{Context, HttpContext};
use proxy_wasm::types::{Action, BufferType, MapType};
use switchboard_core::access::{self, Role};
use switchboard_core::accounting::{self, UsageRecord};
use switchboard_core::config::Config;
use switchboard_core::error::GatewayError;
use switchboard_core::translate::{
    anthropic_in, stream_translator, ProviderSchema, StreamContext, StreamTranslator,
};
use switchboard_core::{auth, cooldown, health, request, route, select, upstream, usage};

use crate::endpoint::Endpoint;
use crate::host;
use crate::live_health;
use crate::metrics::Metrics;

/// Why an automatic route chose its model, told to the client in headers.
struct RouteExplanation {
    task: &'static str,
    policy: &'static str,
    reason: String,
}

/// What the request side learned, kept for the response side.
struct Admitted {
    key_id: String,
    team: Option<String>,
    role: Option<Arc<Role>>,
    model_requested: String,
    stream: bool,
    include_usage: bool,
}

pub struct PolicyFilter {
    context_id: u32,
    config: Option<Rc<Config>>,
    usage_queue: Option<u32>,
    request_id: String,
    admitted: Option<Admitted>,
    routed: bool,
    /// Set once we answered locally; the response side then leaves it alone.
    replied_locally: bool,
    status: u16,
    served_model: Option<String>,
    provider: Option<String>,
    attempts: u32,
    /// An error response that is not JSON (e.g. Envoy's own "no healthy
    /// upstream"): replaced by an OpenAI-shaped error.
    rewrite_error: bool,
    /// For a successful stream: the unified (OpenAI-shaped) SSE watcher that
    /// records usage and drops the usage chunk the client did not ask for.
    stream: Option<Box<dyn StreamTranslator>>,
    /// The client called `/v1/embeddings`.
    embeddings: bool,
    /// Set when an automatic route picked the model.
    decision: Option<RouteExplanation>,
    /// The routing-table model the request went to (health is kept per model).
    routed_model: Option<String>,
    /// An automatic route's ranked failover chain (routing-table names).
    ranked_models: Vec<String>,
    /// The routing-table model whose endpoint answered (from the translate filter).
    answering_model: Option<String>,
    started_ms: u64,
    /// Time to the response headers (the model's live latency signal).
    first_byte_ms: Option<u64>,
    /// The client speaks Anthropic Messages (`/v1/messages`): errors and
    /// answers go back in that shape.
    anthropic_client: bool,
    /// Anthropic client, non-streaming success: the OpenAI answer is
    /// translated at the end of the body.
    translate_answer: bool,
    recorded: bool,
    metrics: Metrics,
}

impl PolicyFilter {
    pub fn new(
        context_id: u32,
        config: Rc<Config>,
        usage_queue: Option<u32>,
        metrics: Metrics,
    ) -> Self {
        Self::with(context_id, Some(config), usage_queue, metrics)
    }

    /// A stream created without a valid config answers 500 instead of the SDK
    /// panicking on a missing context.
    pub fn unconfigured(context_id: u32) -> Self {
        Self::with(context_id, None, None, Metrics::default())
    }

    fn with(
        context_id: u32,
        config: Option<Rc<Config>>,
        usage_queue: Option<u32>,
        metrics: Metrics,
    ) -> Self {
        Self {
            context_id,
            config,
            usage_queue,
            request_id: String::new(),
            admitted: None,
            routed: false,
            replied_locally: false,
            status: 0,
            served_model: None,
            provider: None,
            attempts: 1,
            rewrite_error: false,
            stream: None,
            embeddings: false,
            decision: None,
            routed_model: None,
            ranked_models: Vec::new(),
            answering_model: None,
            started_ms: 0,
            first_byte_ms: None,
            anthropic_client: false,
            translate_answer: false,
            recorded: false,
            metrics,
        }
    }

    fn reject(&mut self, error: &GatewayError) -> Action {
        log::debug!(
            "[{}] rejected: {} {}",
            self.context_id,
            error.status,
            error.code
        );
        self.replied_locally = true;
        let body = if self.anthropic_client {
            anthropic_in::gateway_error_body(error)
        } else {
            error.to_json()
        };
        if !host::send_json(error.status, &body, &[]) {
            log::error!("[{}] could not send the local reply", self.context_id);
        }
        Action::Pause
    }

    /// A 200 answered by the gateway itself.
    fn answer(&mut self, body: &[u8]) -> Action {
        self.replied_locally = true;
        if !host::send_json(200, body, &[]) {
            log::error!("[{}] could not send the local reply", self.context_id);
        }
        Action::Pause
    }

    fn route_body(&mut self, config: &Config, body: &[u8]) -> Result<(), GatewayError> {
        let head = if self.embeddings {
            host::set_header(
                MapType::HttpRequestHeaders,
                upstream::OPERATION_HEADER,
                "embeddings",
            );
            request::ChatRequestHead {
                model: request::parse_embeddings_request(body)?,
                stream: false,
                include_usage: false,
            }
        } else {
            request::parse_chat_request(body)?
        };
        let now = host::now_ms();
        let cooling =
            |key: &str| cooldown::remaining_ms(host::shared_data(key).as_deref(), now).is_some();
        let role = self.admitted.as_ref().and_then(|a| a.role.clone());
        let role = role.as_deref();
        let mut ranked_cluster = None;
        let target = match config.auto_route(&head.model) {
            Some(auto) if !self.embeddings => {
                let decision =
                    select::select(config, auto, body, &|m| access::refusal(role, m), |m| {
                        live_health::stats(m, now, &cooling)
                    })?;
                if auto.failover_depth > 1 && decision.ranked.len() > 1 {
                    let chain = decision.ranked.iter().take(auto.failover_depth);
                    let clusters: Vec<&str> = chain.clone().map(|m| m.cluster.as_str()).collect();
                    ranked_cluster = Some(select::ranked_cluster_name(&clusters));
                    self.ranked_models = chain.map(|m| m.name.clone()).collect();
                }
                self.decision = Some(RouteExplanation {
                    task: decision.task.as_str(),
                    policy: decision.policy.as_str(),
                    reason: decision.reason,
                });
                decision.model
            }
            _ => {
                let target = route::resolve(config, &head.model)?;
                access::check(role, target)?;
                target
            }
        };
        self.routed_model = Some(target.name.clone());
        let cluster = match ranked_cluster.as_deref() {
            Some(ranked) => ranked,
            None => route::pick_cluster(target, cooling),
        };
        if !host::set_header(MapType::HttpRequestHeaders, route::CLUSTER_HEADER, cluster) {
            return Err(GatewayError::internal(
                "route_failed",
                "The gateway could not set the route.",
            ));
        }
        host::set_header(
            MapType::HttpRequestHeaders,
            upstream::DEFAULT_MAX_TOKENS_HEADER,
            &target.default_max_tokens.to_string(),
        );
        if let Some(ms) = target.per_try_timeout_ms {
            host::set_header(
                MapType::HttpRequestHeaders,
                upstream::PER_TRY_TIMEOUT_HEADER,
                &ms.to_string(),
            );
        }
        host::clear_route_cache();
        if let Some(a) = self.admitted.as_mut() {
            a.model_requested = head.model;
            a.stream = head.stream;
            a.include_usage = head.include_usage;
        }
        self.routed = true;
        Ok(())
    }

    /// Account for a buffered (non-streaming) answer.
    fn record(&mut self, body: Option<&[u8]>) {
        self.record_usage(body.and_then(usage::from_openai_body));
    }

    /// Fold this request's outcome into the health of the models it reached:
    /// the answering model gets the outcome; on a ranked chain, the models
    /// ranked before it were tried and failed.
    fn update_health(&self) {
        let Some(routed) = self.routed_model.as_deref() else {
            return;
        };
        let answering = self.answering_model.as_deref().unwrap_or(routed);
        let failed = health::is_failure(self.status);
        for tried in self
            .ranked_models
            .iter()
            .take_while(|m| m.as_str() != answering)
        {
            live_health::record(tried, true, None);
        }
        live_health::record(answering, failed, self.first_byte_ms.filter(|_| !failed));
    }

    /// Filter state for access logs, then one usage record on the queue.
    fn record_usage(&mut self, usage: Option<usage::Usage>) {
        if self.recorded || !self.routed {
            return;
        }
        self.recorded = true;
        self.update_health();
        let Some(admitted) = self.admitted.as_ref() else {
            return;
        };
        let mut record = UsageRecord {
            request_id: self.request_id.clone(),
            key_id: admitted.key_id.clone(),
            team: admitted.team.clone(),
            model_requested: admitted.model_requested.clone(),
            model_served: self.served_model.clone(),
            provider: self.provider.clone(),
            status: if self.status == 0 {
                switchboard_core::accounting::CLIENT_CLOSED
            } else {
                self.status
            },
            input_tokens: 0,
            output_tokens: 0,
            cached_input_tokens: 0,
            reasoning_tokens: 0,
            attempts: self.attempts,
            ts_ms: host::now_ms(),
            task: self.decision.as_ref().map(|d| d.task),
            route_policy: self.decision.as_ref().map(|d| d.policy),
            route_reason: self.decision.as_ref().map(|d| d.reason.clone()),
        };
        record.set_usage(usage);
        let metric_model = record
            .model_served
            .as_deref()
            .unwrap_or(&record.model_requested);
        self.metrics
            .request_done(metric_model, record.status, record.billed_usage());

        let input = record.input_tokens.to_string();
        let output = record.output_tokens.to_string();
        let served = record.model_served.as_deref().unwrap_or("-");
        for (name, value) in [
            ("switchboard.key_id", record.key_id.as_str()),
            ("switchboard.model", served),
            ("switchboard.input_tokens", input.as_str()),
            ("switchboard.output_tokens", output.as_str()),
        ] {
            host::set_filter_state(name, value);
        }

        let Some(queue) = self.usage_queue else {
            return;
        };
        match record.to_json() {
            Some(json) if host::enqueue(queue, &json) => {}
            _ => log::error!("[{}] usage record could not be queued", self.context_id),
        }
    }
}

impl Context for PolicyFilter {}

impl HttpContext for PolicyFilter {
    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        let Some(config) = self.config.clone() else {
            return self.reject(&GatewayError::internal(
                "not_configured",
                "The gateway has no valid configuration.",
            ));
        };
        // A client must never pick the cluster or the translate settings itself.
        host::remove_header(MapType::HttpRequestHeaders, route::CLUSTER_HEADER);
        host::remove_header(
            MapType::HttpRequestHeaders,
            upstream::DEFAULT_MAX_TOKENS_HEADER,
        );
        host::remove_header(MapType::HttpRequestHeaders, upstream::OPERATION_HEADER);
        for name in upstream::ROUTER_CONTROL_HEADERS {
            host::remove_header(MapType::HttpRequestHeaders, name);
        }
        self.request_id =
            host::header(MapType::HttpRequestHeaders, "x-request-id").unwrap_or_default();
        self.started_ms = host::now_ms();

        let method = host::header(MapType::HttpRequestHeaders, ":method").unwrap_or_default();
        let path = host::header(MapType::HttpRequestHeaders, ":path").unwrap_or_default();
        let path_only = path.split('?').next().unwrap_or_default();
        let endpoint = Endpoint::of(&method, path_only);
        self.anthropic_client = matches!(endpoint, Endpoint::Messages)
            || path_only.starts_with(anthropic_in::MESSAGES_PATH);
        if let Endpoint::Unsupported = endpoint {
            return self.reject(&GatewayError::unsupported_endpoint(&method, path_only));
        }

        // Anthropic SDKs send the key as `x-api-key`; accept it there too.
        let authorization =
            host::header(MapType::HttpRequestHeaders, "authorization").or_else(|| {
                host::header(MapType::HttpRequestHeaders, "x-api-key")
                    .map(|k| format!("Bearer {k}"))
            });
        let key = match auth::authenticate(&config, authorization.as_deref()) {
            Ok(k) => k,
            Err(e) => return self.reject(&e),
        };
        match endpoint {
            Endpoint::ListModels => {
                return self.answer(&route::models_list_json(&config, key.role.as_deref()))
            }
            Endpoint::GetModel(id) => {
                return match route::model_json(&config, id, key.role.as_deref()) {
                    Ok(body) => self.answer(&body),
                    Err(e) => self.reject(&e),
                }
            }
            Endpoint::Embeddings => self.embeddings = true,
            Endpoint::ChatCompletions | Endpoint::Messages | Endpoint::Unsupported => {}
        }
        self.admitted = Some(Admitted {
            key_id: key.id.clone(),
            team: key.team.clone(),
            role: key.role.clone(),
            model_requested: String::new(),
            stream: false,
            include_usage: false,
        });
        // The client's credential stops here.
        for name in [
            "authorization",
            "x-api-key",
            "anthropic-version",
            "anthropic-beta",
        ] {
            host::remove_header(MapType::HttpRequestHeaders, name);
        }

        if end_of_stream {
            return self.reject(&GatewayError::invalid_json("the body is empty"));
        }
        Action::Pause
    }

    fn on_http_request_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if self.replied_locally {
            return Action::Pause;
        }
        let Some(config) = self.config.clone() else {
            return Action::Pause;
        };
        if body_size > config.max_request_body_bytes {
            return self.reject(&GatewayError::body_too_large(config.max_request_body_bytes));
        }
        if !end_of_stream {
            return Action::Pause;
        }
        let mut body = host::body(BufferType::HttpRequestBody, body_size);
        if self.anthropic_client {
            match anthropic_in::request_to_openai(&body) {
                Ok(inbound) => {
                    host::remove_header(MapType::HttpRequestHeaders, "content-length");
                    host::replace_body(
                        BufferType::HttpRequestBody,
                        body_size,
                        &inbound.openai_body,
                    );
                    host::set_header(
                        MapType::HttpRequestHeaders,
                        "content-length",
                        &inbound.openai_body.len().to_string(),
                    );
                    host::set_header(MapType::HttpRequestHeaders, ":path", "/v1/chat/completions");
                    body = inbound.openai_body;
                }
                Err(e) => return self.reject(&e),
            }
        }
        match self.route_body(&config, &body) {
            Ok(()) => Action::Continue,
            Err(e) => self.reject(&e),
        }
    }

    fn on_http_response_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        if self.replied_locally {
            return Action::Continue;
        }
        self.status = host::header(MapType::HttpResponseHeaders, ":status")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        self.first_byte_ms = Some(host::now_ms().saturating_sub(self.started_ms));
        self.served_model = host::header(MapType::HttpResponseHeaders, "x-switchboard-model");
        self.provider = host::header(MapType::HttpResponseHeaders, "x-switchboard-provider");
        self.answering_model =
            host::header(MapType::HttpResponseHeaders, upstream::ROUTE_MODEL_HEADER);
        host::remove_header(MapType::HttpResponseHeaders, upstream::ROUTE_MODEL_HEADER);
        self.attempts = host::header(MapType::HttpResponseHeaders, "x-envoy-attempt-count")
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        let is_json = host::header(MapType::HttpResponseHeaders, "content-type")
            .is_some_and(|c| c.contains("json"));
        if let Some(d) = self.decision.as_ref() {
            host::set_header(MapType::HttpResponseHeaders, "x-switchboard-task", d.task);
            host::set_header(
                MapType::HttpResponseHeaders,
                "x-switchboard-policy",
                d.policy,
            );
            host::set_header(
                MapType::HttpResponseHeaders,
                "x-switchboard-reason",
                &d.reason,
            );
        }
        let ok = (200..300).contains(&self.status);
        // Anthropic clients get every error in their shape; OpenAI clients
        // only need Envoy's own text errors rewritten.
        self.rewrite_error = self.status >= 400 && (!is_json || self.anthropic_client);
        self.translate_answer = ok && self.anthropic_client;
        if self.rewrite_error || self.translate_answer {
            host::remove_header(MapType::HttpResponseHeaders, "content-length");
            host::set_header(
                MapType::HttpResponseHeaders,
                "content-type",
                "application/json",
            );
        }
        if let Some(a) = self.admitted.as_ref().filter(|a| a.stream && ok) {
            // Every upstream is asked for usage; whether the client sees the
            // usage chunk is decided here, once, for every dialect.
            self.stream = Some(if self.anthropic_client {
                anthropic_in::stream_to_anthropic(&a.model_requested)
            } else {
                stream_translator(
                    ProviderSchema::Openai,
                    StreamContext {
                        served_as: String::new(),
                        created: 0,
                        client_wants_usage: a.include_usage,
                    },
                )
            });
            self.translate_answer = false;
            host::remove_header(MapType::HttpResponseHeaders, "content-length");
            host::set_header(
                MapType::HttpResponseHeaders,
                "content-type",
                "text/event-stream",
            );
        }
        if end_of_stream {
            self.record(None);
        }
        Action::Continue
    }

    fn on_http_response_body(&mut self, body_size: usize, end_of_stream: bool) -> Action {
        if self.replied_locally {
            return Action::Continue;
        }
        if let Some(mut watcher) = self.stream.take() {
            // Never buffer a stream: pass each piece on as soon as it is seen.
            let chunk = host::body(BufferType::HttpResponseBody, body_size);
            let mut out = Vec::with_capacity(chunk.len());
            watcher.on_chunk(&chunk, &mut out);
            if end_of_stream {
                watcher.on_end(&mut out);
            }
            if out != chunk {
                host::replace_body(BufferType::HttpResponseBody, body_size, &out);
            }
            if end_of_stream {
                if watcher.answer_complete() == Some(false) {
                    // Cut short or ended by an error event after a 200:
                    // a failed request (not billed, counts against health).
                    self.status = accounting::STREAM_FAILED;
                }
                self.record_usage(watcher.usage());
            } else {
                self.stream = Some(watcher);
            }
            return Action::Continue;
        }
        if !end_of_stream {
            return Action::Pause;
        }
        let body = host::body(BufferType::HttpResponseBody, body_size);
        if self.rewrite_error {
            let is_json = body.first() == Some(&b'{');
            let rewritten = match (self.anthropic_client, is_json) {
                (true, true) => anthropic_in::error_from_openai(self.status, &body),
                (true, false) => anthropic_in::gateway_error_body(
                    &GatewayError::from_gateway_status(self.status),
                ),
                (false, _) => GatewayError::from_gateway_status(self.status).to_json(),
            };
            host::replace_body(BufferType::HttpResponseBody, body_size, &rewritten);
            self.record(None);
            return Action::Continue;
        }
        self.record(Some(&body));
        if self.translate_answer {
            let model = self
                .admitted
                .as_ref()
                .map(|a| a.model_requested.clone())
                .unwrap_or_default();
            let answer = anthropic_in::response_from_openai(&body, &model)
                .unwrap_or_else(|e| anthropic_in::gateway_error_body(&e));
            host::replace_body(BufferType::HttpResponseBody, body_size, &answer);
        }
        Action::Continue
    }

    fn on_log(&mut self) {
        // A stream still open here was reset: by the provider (or a timeout)
        // → a failed request; by the client → recorded as client-closed.
        if self.stream.is_some() && !self.recorded {
            let details =
                host::property_string(vec!["response", "code_details"]).unwrap_or_default();
            self.status = if details.contains("upstream") {
                accounting::STREAM_FAILED
            } else {
                accounting::CLIENT_CLOSED
            };
        }
        let usage = self.stream.as_ref().and_then(|w| w.usage());
        self.record_usage(usage);
    }
}
