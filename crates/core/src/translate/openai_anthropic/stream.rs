//! Anthropic Messages SSE → OpenAI `chat.completion.chunk` SSE.
//!
//! Event by event (fact sheet sections 2 and 6):
//! - `message_start` → the first chunk, `delta:{role:"assistant",content:""}`;
//!   its message id becomes every chunk's `id` (as in the non-streaming answer);
//! - `text_delta` → `delta.content`; `thinking_delta` →
//!   `delta.reasoning_content`; `signature_delta`, `citations_delta` and
//!   blocks other than text, thinking and `tool_use` are not shown;
//! - a `tool_use` block start → a `tool_calls` delta with `id`, `type`,
//!   `function.name` and empty `arguments`, indexed by our own counter of tool
//!   blocks (0, 1, …), never by Anthropic's block index (pitfall 5); each
//!   `input_json_delta` → an `arguments` piece for that same index;
//! - the first `message_delta` with a `stop_reason` → the chunk with
//!   `finish_reason`, mapped as in the non-streaming translator;
//! - `message_stop` → the usage chunk (`choices:[]`) when the client asked for
//!   it, then `data: [DONE]`;
//! - `ping` → the SSE comment `: ping`, so idle timers see traffic (pitfall 20);
//! - `error` (possible after HTTP 200) → an OpenAI error event
//!   `data: {"error":{…}}`, then `data: [DONE]`;
//! - an event that is not readable JSON → an error event
//!   (`bad_upstream_response`) and `[DONE]`: text is never dropped silently.
//!   Unknown event types are ignored (forward compatibility).
//!
//! Usage: `message_start` carries input and cache counts, `message_delta`
//! cumulative counts (output, sometimes input and cache too). Counts are
//! overwritten, never added (pitfall 6); since they are cumulative the latest
//! is also the largest, so each field keeps its maximum, and a field a later
//! event omits or zeroes cannot erase it. prompt = input + cache writes +
//! cache reads (pitfall 7).
//!
//! Invariants: every byte sequence, in any split, gives the same output; the
//! client's stream always ends with exactly one `data: [DONE]`, after which
//! nothing is written — a stream cut before `message_stop` ends with an
//! `upstream_stream_interrupted` error event (pitfall 15); no event builds a
//! `serde_json::Value` (borrowed typed events in, typed chunks out).

use super::errors::map_error_type;
use super::{finish_reason, usage as openai_usage};
use crate::schema::anthropic::{self, StreamDelta, StreamEvent};
use crate::schema::openai::{
    ChatCompletionChunk, ChunkChoice, ChunkDelta, CompletionUsage, FunctionDelta, ToolCallDelta,
};
use crate::sse::{SseEvent, SseParser};
use crate::translate::openai_error::{clip, render};
use crate::translate::{StreamContext, StreamTranslator};
use crate::usage::Usage;

const DONE: &[u8] = b"data: [DONE]\n\n";
const PING: &[u8] = b": ping\n\n";

pub(super) struct AnthropicStream {
    context: StreamContext,
    parser: SseParser,
    /// Reused between pieces.
    events: Vec<SseEvent>,
    /// Anthropic's message id, the `id` of every chunk.
    id: String,
    /// The role chunk was written.
    started: bool,
    /// The `finish_reason` chunk was written.
    finished: bool,
    /// `[DONE]` was written: the client's stream is over.
    closed: bool,
    /// Anthropic block index → OpenAI tool-call index, for each tool block.
    tool_blocks: Vec<(u64, u32)>,
    counts: Option<anthropic::Usage>,
}

impl AnthropicStream {
    pub(super) fn new(context: StreamContext) -> Self {
        Self {
            context,
            parser: SseParser::new(),
            events: Vec::new(),
            id: String::new(),
            started: false,
            finished: false,
            closed: false,
            tool_blocks: Vec::new(),
            counts: None,
        }
    }

    fn on_event(&mut self, event: &SseEvent, out: &mut Vec<u8>) {
        // serde would read a JSON array positionally into the struct.
        let parsed = match event.data.trim_ascii_start().first() {
            Some(b'{') => serde_json::from_slice::<StreamEvent<'_>>(&event.data).ok(),
            _ => None,
        };
        let Some(parsed) = parsed else {
            self.fail(
                out,
                "server_error",
                "bad_upstream_response",
                "The provider sent a stream event that could not be read.",
            );
            return;
        };
        let kind = parsed
            .kind
            .as_deref()
            .or(event.event.as_deref())
            .unwrap_or_default();
        match kind {
            "message_start" => {
                if let Some(message) = &parsed.message {
                    if let (true, Some(id)) = (self.id.is_empty(), message.id.as_deref()) {
                        self.id.push_str(id);
                    }
                    self.merge_usage(message.usage);
                }
                self.start(out);
            }
            "content_block_start" => self.block_start(&parsed, out),
            "content_block_delta" => {
                if let Some(delta) = &parsed.delta {
                    self.block_delta(parsed.index, delta, out);
                }
            }
            "message_delta" => {
                self.merge_usage(parsed.usage);
                let reason = parsed.delta.as_ref().and_then(|d| d.stop_reason.as_deref());
                if let (Some(reason), false) = (reason, self.finished) {
                    self.finish(finish_reason(Some(reason)), out);
                }
            }
            "message_stop" => self.complete(out),
            "ping" => out.extend_from_slice(PING),
            "error" => {
                let detail = parsed.error.as_ref();
                let message = clip(detail.and_then(|d| d.message.as_deref()).unwrap_or(""));
                let (kind, code) = map_error_type(detail.and_then(|d| d.kind.as_deref()), &message)
                    .unwrap_or(("server_error", "upstream_error"));
                let message = if message.is_empty() {
                    "The provider reported an error in the middle of the stream."
                } else {
                    &message
                };
                self.fail(out, kind, code, message);
            }
            // content_block_stop and event types added after this was written.
            _ => {}
        }
    }

    fn block_start(&mut self, event: &StreamEvent<'_>, out: &mut Vec<u8>) {
        let Some(block) = &event.content_block else {
            return;
        };
        let mut delta = ChunkDelta::default();
        // Text and thinking blocks start empty; their text comes in deltas.
        match block.kind.as_ref() {
            "text" => match block.text.as_deref().filter(|t| !t.is_empty()) {
                Some(text) => delta.content = Some(text),
                None => return,
            },
            "thinking" => match block.thinking.as_deref().filter(|t| !t.is_empty()) {
                Some(thinking) => delta.reasoning_content = Some(thinking),
                None => return,
            },
            "tool_use" => {
                let index = u32::try_from(self.tool_blocks.len()).unwrap_or(u32::MAX);
                self.tool_blocks
                    .push((event.index.unwrap_or(u64::MAX), index));
                delta.tool_calls = Some([ToolCallDelta {
                    index,
                    id: Some(block.id.as_deref().unwrap_or_default()),
                    kind: Some("function"),
                    function: FunctionDelta {
                        name: Some(block.name.as_deref().unwrap_or_default()),
                        arguments: "",
                    },
                }]);
            }
            _ => return,
        }
        self.delta(delta, out);
    }

    fn block_delta(&mut self, index: Option<u64>, delta: &StreamDelta<'_>, out: &mut Vec<u8>) {
        let mut chunk = ChunkDelta::default();
        match delta.kind.as_deref() {
            Some("text_delta") => chunk.content = delta.text.as_deref(),
            Some("thinking_delta") => chunk.reasoning_content = delta.thinking.as_deref(),
            Some("input_json_delta") => {
                // Without an index (never seen from Anthropic) the piece
                // belongs to the latest tool block.
                let tool = match index {
                    Some(i) => self.tool_blocks.iter().rev().find(|(b, _)| *b == i),
                    None => self.tool_blocks.last(),
                };
                let (Some(&(_, tool)), Some(piece)) = (tool, delta.partial_json.as_deref()) else {
                    return;
                };
                if piece.is_empty() {
                    return;
                }
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
            _ => return,
        }
        if chunk.content.is_some_and(str::is_empty)
            || chunk.reasoning_content.is_some_and(str::is_empty)
        {
            return;
        }
        self.delta(chunk, out);
    }

    /// Writes the role chunk once, before anything else.
    fn start(&mut self, out: &mut Vec<u8>) {
        if !self.started {
            self.started = true;
            let delta = ChunkDelta {
                role: Some("assistant"),
                content: Some(""),
                ..ChunkDelta::default()
            };
            self.write_choice(delta, None, out);
        }
    }

    fn delta(&mut self, delta: ChunkDelta<'_>, out: &mut Vec<u8>) {
        self.start(out);
        self.write_choice(delta, None, out);
    }

    fn finish(&mut self, reason: &'static str, out: &mut Vec<u8>) {
        self.start(out);
        self.finished = true;
        self.write_choice(ChunkDelta::default(), Some(reason), out);
    }

    /// `message_stop`: the answer is complete.
    fn complete(&mut self, out: &mut Vec<u8>) {
        if !self.finished {
            // No stop reason was sent; the client still needs a final chunk.
            self.finish(finish_reason(None), out);
        }
        if self.context.client_wants_usage {
            let usage = openai_usage(self.counts.unwrap_or_default());
            self.write_chunk(&[], Some(usage), out);
        }
        out.extend_from_slice(DONE);
        self.closed = true;
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

    fn merge_usage(&mut self, new: Option<anthropic::Usage>) {
        let Some(new) = new else {
            return;
        };
        let old = self.counts.get_or_insert_with(anthropic::Usage::default);
        keep_max(&mut old.input_tokens, new.input_tokens);
        keep_max(&mut old.output_tokens, new.output_tokens);
        keep_max(
            &mut old.cache_creation_input_tokens,
            new.cache_creation_input_tokens,
        );
        keep_max(
            &mut old.cache_read_input_tokens,
            new.cache_read_input_tokens,
        );
        if let Some(details) = new.output_tokens_details {
            let kept = old
                .output_tokens_details
                .get_or_insert_with(anthropic::OutputTokensDetails::default);
            keep_max(&mut kept.thinking_tokens, details.thinking_tokens);
        }
    }
}

/// Cumulative counts: a newer value replaces an older one, and the larger
/// is the newer.
fn keep_max(old: &mut Option<u64>, new: Option<u64>) {
    if let Some(new) = new {
        *old = Some(old.map_or(new, |o| o.max(new)));
    }
}

impl StreamTranslator for AnthropicStream {
    fn on_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.closed {
            return;
        }
        self.parser.push(chunk, &mut self.events);
        let mut events = std::mem::take(&mut self.events);
        for event in &events {
            if self.closed {
                break;
            }
            self.on_event(event, out);
        }
        events.clear();
        self.events = events;
    }

    fn on_end(&mut self, out: &mut Vec<u8>) {
        self.parser.finish();
        if !self.closed {
            self.fail(
                out,
                "server_error",
                "upstream_stream_interrupted",
                "The provider's stream ended before the answer was complete.",
            );
        }
    }

    fn usage(&self) -> Option<Usage> {
        self.counts.map(|c| Usage::from(openai_usage(c)))
    }
}
