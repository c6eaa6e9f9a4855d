//! Shared server state: configuration, the request recorder and the id generator.

use std::sync::Arc;

use crate::bedrock::BedrockAuth;
use crate::ids::IdGen;
use crate::record::Recorder;
use crate::vendors::MockVendor;

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
    /// Key the Gemini endpoint requires (`x-goog-api-key` or `?key=`); `None`:
    /// any non-empty key.
    gemini_key: Option<String>,
    /// Credentials the Bedrock endpoint checks; all unset: any `authorization`.
    bedrock: BedrockAuth,
    recorder: Recorder,
    ids: IdGen,
    /// Fault tokens applied to every request without a fault of its own
    /// (`PUT /_mock/fault`), so tests can make a provider fail and recover.
    global_fault: std::sync::RwLock<Option<String>>,
    /// The OpenAI-compatible vendor played on chat-completions routes.
    vendor: Option<MockVendor>,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        Self::with_gemini_key(config, None)
    }

    /// Like [`AppState::new`], with the key the Gemini endpoint requires.
    pub fn with_gemini_key(config: Config, gemini_key: Option<String>) -> Self {
        Self::with_keys(config, gemini_key, BedrockAuth::default())
    }

    /// Like [`AppState::with_gemini_key`], with the credentials the Bedrock
    /// endpoint checks.
    pub fn with_keys(config: Config, gemini_key: Option<String>, bedrock: BedrockAuth) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                gemini_key,
                bedrock,
                recorder: Recorder::default(),
                ids: IdGen::new(),
                global_fault: std::sync::RwLock::new(None),
                vendor: None,
            }),
        }
    }

    /// The same state playing `vendor` (call before the state is shared).
    pub fn with_vendor(mut self, vendor: Option<MockVendor>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.vendor = vendor;
        }
        self
    }

    pub(crate) fn vendor(&self) -> Option<MockVendor> {
        self.inner.vendor
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn gemini_key(&self) -> Option<&str> {
        self.inner.gemini_key.as_deref()
    }

    pub fn bedrock_auth(&self) -> &BedrockAuth {
        &self.inner.bedrock
    }

    pub(crate) fn global_fault(&self) -> Option<String> {
        self.inner.global_fault.read().ok().and_then(|f| f.clone())
    }

    pub(crate) fn set_global_fault(&self, fault: Option<String>) {
        if let Ok(mut f) = self.inner.global_fault.write() {
            *f = fault;
        }
    }

    pub(crate) fn recorder(&self) -> &Recorder {
        &self.inner.recorder
    }

    pub(crate) fn ids(&self) -> &IdGen {
        &self.inner.ids
    }
}
