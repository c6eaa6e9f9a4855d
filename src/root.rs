//! The root context: compiles the plugin config once per (re)configure and
//! hands each new HTTP stream the filter for this plugin's role.
//!
//! Invariant: `on_configure` returns false for any invalid config, which makes
//! Envoy refuse the update and keep serving with the previous one.

use std::rc::Rc;
use std::time::Duration;

use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{ContextType, LogLevel};
use switchboard_core::config::{self, Config, Role};

use crate::credentials::ProviderKeys;
use crate::flusher::Flusher;
use crate::host;
use crate::metrics::Metrics;
use crate::policy::PolicyFilter;
use crate::translate::TranslateFilter;

/// Shared queue holding serialised usage records until the flusher sends them.
pub const USAGE_QUEUE: &str = "switchboard.usage";

pub struct SwitchboardRoot {
    context_id: u32,
    config: Option<Rc<Config>>,
    provider_keys: Rc<ProviderKeys>,
    usage_queue: Option<u32>,
    flusher: Option<Flusher>,
    metrics: Metrics,
}

impl SwitchboardRoot {
    pub fn new(context_id: u32) -> Self {
        Self {
            context_id,
            config: None,
            provider_keys: Rc::new(ProviderKeys::default()),
            usage_queue: None,
            flusher: None,
            metrics: Metrics::default(),
        }
    }
}

fn sdk_level(level: config::LogLevel) -> LogLevel {
    match level {
        config::LogLevel::Trace => LogLevel::Trace,
        config::LogLevel::Debug => LogLevel::Debug,
        config::LogLevel::Info => LogLevel::Info,
        config::LogLevel::Warn => LogLevel::Warn,
        config::LogLevel::Error => LogLevel::Error,
    }
}

impl Context for SwitchboardRoot {
    fn on_http_call_response(
        &mut self,
        token: u32,
        _headers: usize,
        _body: usize,
        _trailers: usize,
    ) {
        if let Some(flusher) = self.flusher.as_mut() {
            flusher.on_response(token);
        }
    }
}

impl RootContext for SwitchboardRoot {
    fn on_configure(&mut self, _size: usize) -> bool {
        let Some(bytes) = host::plugin_configuration() else {
            log::error!("[root {}] no plugin configuration given", self.context_id);
            return false;
        };
        let compiled = match Config::parse(&bytes) {
            Ok(c) => c,
            Err(e) => {
                log::error!("[root {}] {e}", self.context_id);
                return false;
            }
        };
        proxy_wasm::set_log_level(sdk_level(compiled.log_level));

        if compiled.role == Role::Translate {
            self.provider_keys = Rc::new(ProviderKeys::from_env(&compiled));
        }
        // Without an accounting service nobody would drain the queue, so
        // records are only queued when one is configured.
        if compiled.role == Role::Policy && compiled.accounting.is_some() {
            self.usage_queue = host::register_queue(USAGE_QUEUE);
            if self.usage_queue.is_none() {
                log::error!("[root {}] cannot register the usage queue", self.context_id);
                return false;
            }
            self.flusher = match (&compiled.accounting, self.usage_queue) {
                (Some(settings), Some(queue)) => {
                    let period = Duration::from_millis(settings.flush_interval_ms);
                    if !host::set_tick_period(period) {
                        log::error!("[root {}] cannot set the flush period", self.context_id);
                        return false;
                    }
                    Some(Flusher::new(settings.clone(), queue, self.context_id))
                }
                _ => None,
            };
        }
        log::info!(
            "[root {}] switchboard configured as {:?}",
            self.context_id,
            compiled.role
        );
        self.config = Some(Rc::new(compiled));
        true
    }

    fn on_tick(&mut self) {
        if let Some(flusher) = self.flusher.as_mut() {
            flusher.on_tick();
        }
    }

    fn create_http_context(&self, context_id: u32) -> Option<Box<dyn HttpContext>> {
        // Must never return None: the SDK panics on it. Envoy only creates
        // streams after a successful on_configure, so `config` is set here.
        let Some(config) = self.config.clone() else {
            return Some(Box::new(PolicyFilter::unconfigured(context_id)));
        };
        match config.role {
            Role::Policy => Some(Box::new(PolicyFilter::new(
                context_id,
                config,
                self.usage_queue,
                self.metrics.clone(),
            ))),
            Role::Translate => Some(Box::new(TranslateFilter::new(
                context_id,
                config,
                self.provider_keys.clone(),
            ))),
        }
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}
