//! The endpoints the policy filter serves, from the method and path.

use switchboard_core::translate::anthropic_in;

/// The endpoints the policy filter serves.
pub enum Endpoint<'a> {
    ChatCompletions,
    Embeddings,
    /// Anthropic Messages in: translated to the chat shape once, answered back
    /// in Anthropic shape.
    Messages,
    /// Answered from the routing table, no upstream call.
    ListModels,
    GetModel(&'a str),
    Unsupported,
}

impl<'a> Endpoint<'a> {
    pub fn of(method: &str, path: &'a str) -> Self {
        match (method, path) {
            ("POST", "/v1/chat/completions") => Self::ChatCompletions,
            ("POST", "/v1/embeddings") => Self::Embeddings,
            ("POST", anthropic_in::MESSAGES_PATH) => Self::Messages,
            ("GET", "/v1/models") => Self::ListModels,
            ("GET", p) => match p.strip_prefix("/v1/models/") {
                Some(id) if !id.is_empty() => Self::GetModel(id),
                _ => Self::Unsupported,
            },
            _ => Self::Unsupported,
        }
    }
}
