//! Bedrock `ConverseStream` (binary `application/vnd.amazon.eventstream`
//! frames) → OpenAI `chat.completion.chunk` SSE.
//!
//! Frames are cut out of the body by [`crate::eventstream::Decoder`] (a frame
//! may be split anywhere across Envoy's body callbacks, pitfall 19; both CRCs
//! are checked). The frame's `:message-type` header says what it is:
//! - `event`, by `:event-type`:
//!   - `messageStart` → the role chunk `delta:{role:"assistant",content:""}`;
//!   - `contentBlockStart` with `start.toolUse` → a `tool_calls` delta with
//!     `id`, `type`, `function.name` and empty `arguments`, indexed by our own
//!     counter of tool blocks (pitfall 5);
//!   - `contentBlockDelta` → `delta.text` as `content`,
//!     `delta.reasoningContent.text` as `reasoning_content`, and
//!     `delta.toolUse.input` (a piece of the input's JSON text) as an
//!     `arguments` piece of the tool block with that `contentBlockIndex`;
//!     reasoning signatures and redacted reasoning are not shown;
//!   - `messageStop` → the chunk with `finish_reason` (mapped as in a
//!     non-streaming answer); later content is ignored;
//!   - `metadata` (which Bedrock sends *after* `messageStop`) → the usage
//!     chunk (`choices: []`) when the client asked for it, then `[DONE]`;
//!   - `contentBlockStop` and unknown event types → nothing;
//! - `exception` (`:exception-type` such as `throttlingException`, a
//!   `{"message"}` payload) or `error` (`:error-code`, `:error-message`) →
//!   an OpenAI error event mapped as non-streaming errors are, then `[DONE]`.
//!
//! A frame with a bad CRC or impossible lengths, or an event payload that is
//! not a JSON object, ends the client's stream with a `bad_upstream_response`
//! error event and `[DONE]`. A stream that ends before `messageStop` ends
//! with `upstream_stream_interrupted` and `[DONE]`; one that ends after
//! `messageStop` without `metadata` is complete and just gets `[DONE]` (there
//! is no usage to report).
//!
//! Chunk ids: Bedrock streams carry none, so every chunk's `id` is derived
//! from `created`, the served model and the first frame's payload; it is
//! stable within one answer but not guaranteed unique across answers.
//!
//! Invariants: every byte sequence, in any split, gives the same output; the
//! client's stream ends with exactly one `data: [DONE]`, after which nothing
//! is written; no event builds a `serde_json::Value`.

use super::errors::{map_exception, message_or};
use super::response::{derived_id, finish_reason, read_usage, usage as openai_usage};
use crate::eventstream::{Decoder, Frame};
use crate::schema::bedrock::{StreamPayload, TokenUsage};
use crate::schema::openai::{
    ChatCompletionChunk, ChunkChoice, ChunkDelta, CompletionUsage, FunctionDelta, ToolCallDelta,
};
use crate::translate::openai_error::render;
use crate::translate::{StreamContext, StreamTranslator};
use crate::usage::Usage;

const DONE: &[u8] = b"data: [DONE]\n\n";

pub(super) struct BedrockStream {
    decoder: Decoder,
    state: State,
}

struct State {
    context: StreamContext,
    /// Every chunk's `id`, set with the first chunk.
    id: String,
    /// The role chunk was written.
    started: bool,
    /// `messageStop` came and its `finish_reason` chunk was written.
    stopped: bool,
    /// `[DONE]` was written: the client's stream is over.
    closed: bool,
    /// Bedrock `contentBlockIndex` → OpenAI tool-call index, per tool block.
    tool_blocks: Vec<(Option<u64>, u32)>,
    usage: Option<TokenUsage>,
}

impl BedrockStream {
    pub(super) fn new(context: StreamContext) -> Self {
        Self {
            decoder: Decoder::default(),
            state: State {
                context,
                id: String::new(),
                started: false,
                stopped: false,
                closed: false,
                tool_blocks: Vec::new(),
                usage: None,
            },
        }
    }
}

impl StreamTranslator for BedrockStream {
    fn on_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.state.closed {
            return;
        }
        self.decoder.push(chunk);
        while !self.state.closed {
            match self.decoder.next_frame() {
                Ok(Some(frame)) => self.state.on_frame(&frame, out),
                Ok(None) => break,
                Err(_) => self.state.fail(
                    out,
                    "server_error",
                    "bad_upstream_response",
                    "The provider sent a stream frame that could not be read.",
                ),
            }
        }
    }

    fn on_end(&mut self, out: &mut Vec<u8>) {
        if self.state.closed {
            return;
        }
        if self.state.stopped {
            self.state.complete(out);
        } else {
            self.state.fail(
                out,
                "server_error",
                "upstream_stream_interrupted",
                "The provider's stream ended before the answer was complete.",
            );
        }
    }

    fn usage(&self) -> Option<Usage> {
        self.state.usage.map(|u| Usage::from(openai_usage(u)))
    }
}

impl State {
    fn on_frame(&mut self, frame: &Frame<'_>, out: &mut Vec<u8>) {
        match frame.header_str(":message-type").unwrap_or("event") {
            "exception" => {
                let name = frame.header_str(":exception-type");
                let payload = parse(frame.payload);
                let message = payload
                    .as_ref()
                    .and_then(|p| p.message.as_deref())
                    .unwrap_or("");
                self.fail_mapped(out, name, message);
            }
            "error" => {
                let name = frame.header_str(":error-code");
                let message = frame.header_str(":error-message").unwrap_or("");
                self.fail_mapped(out, name, message);
            }
            _ => match (frame.header_str(":event-type"), parse(frame.payload)) {
                (Some(kind), Some(payload)) => self.on_event(kind, &payload, frame.payload, out),
                (None, _) => {}
                (Some(_), None) => self.fail(
                    out,
                    "server_error",
                    "bad_upstream_response",
                    "The provider sent a stream event that could not be read.",
                ),
            },
        }
    }

    fn on_event(&mut self, kind: &str, payload: &StreamPayload<'_>, raw: &[u8], out: &mut Vec<u8>) {
        if self.stopped && kind != "metadata" {
            // Content after messageStop would follow the finish chunk.
            return;
        }
        match kind {
            "messageStart" => self.start(raw, out),
            "contentBlockStart" => {
                let Some(tool) = payload.start.as_ref().and_then(|s| s.tool_use.as_ref()) else {
                    return;
                };
                let index = u32::try_from(self.tool_blocks.len()).unwrap_or(u32::MAX);
                self.tool_blocks.push((payload.content_block_index, index));
                let delta = ChunkDelta {
                    tool_calls: Some([ToolCallDelta {
                        index,
                        id: Some(tool.tool_use_id.as_deref().unwrap_or_default()),
                        kind: Some("function"),
                        function: FunctionDelta {
                            name: Some(tool.name.as_deref().unwrap_or_default()),
                            arguments: "",
                        },
                    }]),
                    ..ChunkDelta::default()
                };
                self.delta(raw, delta, out);
            }
            "contentBlockDelta" => {
                let Some(delta) = &payload.delta else {
                    return;
                };
                let mut chunk = ChunkDelta {
                    content: delta.text.as_deref().filter(|t| !t.is_empty()),
                    reasoning_content: delta
                        .reasoning_content
                        .as_ref()
                        .and_then(|r| r.text.as_deref())
                        .filter(|t| !t.is_empty()),
                    ..ChunkDelta::default()
                };
                let piece = delta
                    .tool_use
                    .as_ref()
                    .and_then(|t| t.input.as_deref())
                    .filter(|p| !p.is_empty());
                if let Some(piece) = piece {
                    let index = payload.content_block_index;
                    let tool = self
                        .tool_blocks
                        .iter()
                        .rev()
                        .find(|(b, _)| index.is_none() || *b == index)
                        .map(|&(_, t)| t);
                    if let Some(tool) = tool {
                        chunk.tool_calls = Some([ToolCallDelta {
                            index: tool,
                            id: None,
                            kind: None,
                            function: FunctionDelta {
                                name: None,
                                arguments: piece,
                            },
                        }]);
                    }
                }
                if chunk.content.is_some()
                    || chunk.reasoning_content.is_some()
                    || chunk.tool_calls.is_some()
                {
                    self.delta(raw, chunk, out);
                }
            }
            "messageStop" => {
                self.start(raw, out);
                self.stopped = true;
                let reason = finish_reason(payload.stop_reason.as_deref());
                self.write_choice(ChunkDelta::default(), Some(reason), out);
            }
            "metadata" => {
                if let Some(usage) = payload.usage.and_then(read_usage) {
                    self.usage = Some(usage);
                }
                if self.stopped {
                    self.complete(out);
                }
            }
            _ => {}
        }
    }

    /// Writes the role chunk once, before anything else.
    fn start(&mut self, seed: &[u8], out: &mut Vec<u8>) {
        if self.started {
            return;
        }
        self.started = true;
        self.id = derived_id(&[
            &self.context.created.to_be_bytes(),
            self.context.served_as.as_bytes(),
            seed,
        ]);
        let delta = ChunkDelta {
            role: Some("assistant"),
            content: Some(""),
            ..ChunkDelta::default()
        };
        self.write_choice(delta, None, out);
    }

    fn delta(&mut self, seed: &[u8], delta: ChunkDelta<'_>, out: &mut Vec<u8>) {
        self.start(seed, out);
        self.write_choice(delta, None, out);
    }

    /// The answer is complete: the usage chunk (when asked for and known),
    /// then `[DONE]`.
    fn complete(&mut self, out: &mut Vec<u8>) {
        if let (true, Some(u)) = (self.context.client_wants_usage, self.usage) {
            self.write_chunk(&[], Some(openai_usage(u)), out);
        }
        out.extend_from_slice(DONE);
        self.closed = true;
    }

    fn fail_mapped(&mut self, out: &mut Vec<u8>, name: Option<&str>, message: &str) {
        let (kind, code) = map_exception(name, 500, message);
        let message = message_or(message, "error in the middle of the stream");
        self.fail(out, kind, code, &message);
    }

    /// An OpenAI error event, then `[DONE]`: the client's stream is over.
    fn fail(&mut self, out: &mut Vec<u8>, kind: &str, code: &str, message: &str) {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(&render(message, kind, None, code));
        out.extend_from_slice(b"\n\n");
        out.extend_from_slice(DONE);
        self.closed = true;
    }

    fn write_choice(&self, delta: ChunkDelta<'_>, reason: Option<&'static str>, out: &mut Vec<u8>) {
        let choices = [ChunkChoice {
            index: 0,
            delta,
            logprobs: None,
            finish_reason: reason,
        }];
        self.write_chunk(&choices, None, out);
    }

    fn write_chunk(
        &self,
        choices: &[ChunkChoice<'_>],
        usage: Option<CompletionUsage>,
        out: &mut Vec<u8>,
    ) {
        let chunk = ChatCompletionChunk {
            id: &self.id,
            object: "chat.completion.chunk",
            created: self.context.created,
            model: &self.context.served_as,
            choices,
            usage,
        };
        let mark = out.len();
        out.extend_from_slice(b"data: ");
        // Serialising these plain types cannot fail; if it ever did, no
        // half-written event may reach the client.
        if serde_json::to_writer(&mut *out, &chunk).is_err() {
            out.truncate(mark);
            return;
        }
        out.extend_from_slice(b"\n\n");
    }
}

/// An event's JSON object payload (an empty payload reads as `{}`); `None`
/// when it is not one. serde would read a JSON array positionally.
fn parse(payload: &[u8]) -> Option<StreamPayload<'_>> {
    let trimmed = payload.trim_ascii();
    if trimmed.is_empty() {
        return serde_json::from_slice(b"{}").ok();
    }
    match trimmed.first() {
        Some(b'{') => serde_json::from_slice(trimmed).ok(),
        _ => None,
    }
}
