//! OpenAI chat completions ⇄ Google Gemini `generateContent`.
//!
//! Placeholder until the Gemini translator lands: every request is refused with
//! a clear 400 so a misrouted model fails loudly, never silently.

use crate::error::GatewayError;
use crate::translate::openai_error::from_foreign_body;
use crate::translate::{StreamContext, StreamTranslator, TargetModel, UpstreamRequest};
use crate::usage::Usage;

pub fn request(
    _client_body: &[u8],
    _target: &TargetModel<'_>,
) -> Result<UpstreamRequest, GatewayError> {
    Err(GatewayError::unsupported_parameter(
        "model",
        "The Gemini dialect is not available yet.",
    ))
}

pub fn response(_body: &[u8], _served_as: &str, _created: u64) -> Result<Vec<u8>, GatewayError> {
    Err(GatewayError::internal(
        "bad_upstream_response",
        "The Gemini dialect is not available yet.",
    ))
}

pub fn error(status: u16, body: &[u8]) -> Vec<u8> {
    from_foreign_body(status, body)
}

/// Placeholder: never reached while `request` refuses every Gemini request.
struct Unavailable;

impl StreamTranslator for Unavailable {
    fn on_chunk(&mut self, _chunk: &[u8], _out: &mut Vec<u8>) {}
    fn on_end(&mut self, _out: &mut Vec<u8>) {}
    fn usage(&self) -> Option<Usage> {
        None
    }
}

pub fn stream_translator(_context: StreamContext) -> Box<dyn StreamTranslator> {
    Box::new(Unavailable)
}
