//! OpenAI client → OpenAI-*compatible* vendor: the vendors configured as
//! `schema: openai` with a base URL and an auth style, whose dialect differs
//! from OpenAI's in small, documented ways (fact sheet section 7).
//!
//! A provider names its vendor (`vendor: mistral`, default `openai`); the
//! filter calls the entry points here for every provider, and they hand
//! everything that is not an OpenAI-compatible vendor with rules to the
//! generic dispatch in [`crate::translate`]. So:
//! - plain `openai` and vendors whose wire format needs nothing keep the
//!   zero-copy path: the request gets its `model` spliced in, answers are
//!   forwarded untouched (`openai_openai`);
//! - a vendor with request rules ([`rules`]) gets its body rewritten
//!   member by member ([`request`]): renamed parameters, parameters it
//!   cannot honour refused with a 400 `unsupported_parameter` naming them
//!   (or dropped when the provider sets `drop_unsupported`), harmless ones
//!   dropped, Mistral's tool-call ids mapped ([`ids`]);
//! - a vendor whose answers deviate gets them fixed, JSON ([`answer`]) and
//!   SSE event by event ([`stream`]).
//!
//! | vendor | request | answer |
//! |---|---|---|
//! | openai, vllm | — | — |
//! | groq | refuses `logprobs`, `top_logprobs`, `logit_bias`, `n`≠1, `messages[].name` | — |
//! | mistral | `seed`→`random_seed`, `max_completion_tokens`→`max_tokens`, `developer`→`system`, 9-char tool ids; no `stream_options`; refuses logprobs, `logit_bias`, audio, legacy functions, names outside tool messages | `model_length`→`length`, `error`→error, usage chunk placement |
//! | deepseek | `max_completion_tokens`→`max_tokens`; refuses `n`≠1, `seed`, `logit_bias`, `json_schema` | `prompt_cache_hit_tokens`→`cached_tokens` |
//! | xai | — (model-dependent refusals come back as xAI's 400) | reasoning counted in `completion_tokens`, usage chunk placement |
//! | qwen | `max_tokens`→`max_completion_tokens` | — |
//! | zhipu | `max_completion_tokens`→`max_tokens`; refuses non-`auto` `tool_choice`, `json_schema`, `n`≠1, logprobs, `logit_bias`, several stop words | object `arguments`→string, usage chunk placement |
//! | ollama | `max_completion_tokens`→`max_tokens`; refuses `n`≠1, logprobs, `logit_bias`, non-`auto` `tool_choice` | — |
//!
//! `reasoning_content` and other vendor extensions pass through in both
//! directions. Errors are translated by the OpenAI path (`translate_error`),
//! which already accepts numeric `error.code`s and Mistral's top-level
//! `message`.

mod answer;
mod ids;
mod raw;
mod request;
mod rules;
mod stream;

use super::{ProviderSchema, StreamContext, StreamTranslator, TargetModel, UpstreamRequest};
use crate::error::GatewayError;

/// Which OpenAI-compatible service a `schema: openai` provider is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Deserialize, serde::Serialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Vendor {
    #[default]
    Openai,
    Deepseek,
    Xai,
    /// Alibaba Model Studio (DashScope) compatible mode.
    Qwen,
    /// Zhipu GLM / Z.AI.
    Zhipu,
    Mistral,
    Groq,
    Vllm,
    Ollama,
}

impl Vendor {
    /// The name used in messages to clients.
    pub fn display_name(self) -> &'static str {
        match self {
            Vendor::Openai => "OpenAI",
            Vendor::Deepseek => "DeepSeek",
            Vendor::Xai => "xAI",
            Vendor::Qwen => "Qwen",
            Vendor::Zhipu => "Zhipu GLM",
            Vendor::Mistral => "Mistral",
            Vendor::Groq => "Groq",
            Vendor::Vllm => "vLLM",
            Vendor::Ollama => "Ollama",
        }
    }

    /// Whether requests need more than the `model` splice.
    fn rewrites_request(self) -> bool {
        !matches!(self, Vendor::Openai | Vendor::Xai | Vendor::Vllm)
    }

    /// Whether answers (JSON and SSE) need fixing.
    fn rewrites_answer(self) -> bool {
        matches!(
            self,
            Vendor::Mistral | Vendor::Zhipu | Vendor::Deepseek | Vendor::Xai
        )
    }
}

/// [`super::translate_request`], with the vendor's rules for OpenAI-schema
/// providers.
pub fn translate_request(
    schema: ProviderSchema,
    vendor: Vendor,
    drop_unsupported: bool,
    client_body: &[u8],
    target: &TargetModel<'_>,
) -> Result<UpstreamRequest, GatewayError> {
    if schema == ProviderSchema::Openai && vendor.rewrites_request() {
        return request::request(vendor, drop_unsupported, client_body, target.upstream_model);
    }
    let first = super::translate_request(schema, client_body, target);
    if !drop_unsupported {
        return first;
    }
    // Other dialects refuse what they cannot honour one parameter at a time;
    // with `drop_unsupported`, each refused top-level parameter is removed
    // and the translation tried again. Nested parameters (a message part)
    // are never dropped: that would change the conversation.
    let mut result = first;
    let mut body: Option<Vec<u8>> = None;
    for _ in 0..MAX_DROPPED_PARAMETERS {
        let param = match &result {
            Err(e) if e.code == "unsupported_parameter" => e.param.clone(),
            _ => break,
        };
        let current = body.as_deref().unwrap_or(client_body);
        let Some(smaller) = param.as_deref().and_then(|p| without_top_level(current, p)) else {
            break;
        };
        result = super::translate_request(schema, &smaller, target);
        body = Some(smaller);
    }
    result
}

/// Most parameters one request may have dropped (each costs a translation).
const MAX_DROPPED_PARAMETERS: usize = 8;

/// `body` without its top-level member `name`, or `None` when it has none
/// (or `name` is a nested path such as `messages[0].name`).
fn without_top_level(body: &[u8], name: &str) -> Option<Vec<u8>> {
    if name.contains(['.', '[']) {
        return None;
    }
    let mut object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).ok()?;
    object.remove(name)?;
    serde_json::to_vec(&object).ok()
}

/// Whether a successful answer from this provider is rewritten at all (the
/// filter forwards it untouched otherwise).
pub fn translates_answer(schema: ProviderSchema, vendor: Vendor) -> bool {
    schema != ProviderSchema::Openai || vendor.rewrites_answer()
}

/// [`super::translate_response_at`], with the vendor's answer fixes.
/// `Ok(None)`: forward the body unchanged.
pub fn translate_response_at(
    schema: ProviderSchema,
    vendor: Vendor,
    provider_body: &[u8],
    served_as: &str,
    created_unix: u64,
) -> Result<Option<Vec<u8>>, GatewayError> {
    if schema != ProviderSchema::Openai {
        return super::translate_response_at(schema, provider_body, served_as, created_unix);
    }
    if !vendor.rewrites_answer() {
        return Ok(None);
    }
    let Some(mut body) = std::str::from_utf8(provider_body)
        .ok()
        .and_then(|text| raw::RawObject::parse(text).ok())
    else {
        // Not an object: nothing to fix, and not ours to judge.
        return Ok(None);
    };
    let fixed = answer::fix(vendor, &mut body, "message");
    if fixed.failed {
        return Err(generation_failed());
    }
    Ok(fixed.changed.then(|| body.to_json().into_bytes()))
}

/// [`super::stream_translator`], with the vendor's fixes for OpenAI-schema
/// providers whose streams need them.
pub fn stream_translator(
    schema: ProviderSchema,
    vendor: Vendor,
    context: StreamContext,
) -> Box<dyn StreamTranslator> {
    if schema == ProviderSchema::Openai && vendor.rewrites_answer() {
        return Box::new(stream::VendorStream::new(vendor, &context));
    }
    super::stream_translator(schema, context)
}

/// Mistral's `finish_reason: "error"`: the generation failed upstream.
fn generation_failed() -> GatewayError {
    GatewayError::upstream(
        502,
        "server_error",
        "upstream_generation_failed",
        "The provider stopped generating with an error (finish_reason \"error\").",
    )
}
