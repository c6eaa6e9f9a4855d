//! Shared server state: configuration, the request recorder and the id generator.

use std::sync::Arc;

use crate::ids::IdGen;
use crate::record::Recorder;

/// Server configuration. A key that is `None` disables that provider's key check
/// (Anthropic still requires an `x-api-key` header to be present, as the real API does).
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub openai_key: Option<String>,
    pub anthropic_key: Option<String>,
}

/// Cheaply clonable handle to everything the handlers share.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    recorder: Recorder,
    ids: IdGen,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                recorder: Recorder::default(),
                ids: IdGen::new(),
            }),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn recorder(&self) -> &Recorder {
        &self.inner.recorder
    }

    pub(crate) fn ids(&self) -> &IdGen {
        &self.inner.ids
    }
}
