//! Unified OpenAI `chat.completion.chunk` SSE → Anthropic Messages SSE.
//!
//! Every event is written as `event: <type>\ndata: <json>\n\n`, in the order
//! of the fact sheet (section 2):
//! - the first chunk with a choice → `message_start` (the message's `id` from
//!   the chunk id, `model` the client's, empty `content`, usage zero: OpenAI
//!   streams report usage only at the end);
//! - `delta.reasoning_content` (or `reasoning`) → a `thinking` block
//!   (`thinking_delta`; no `signature_delta`: there is no signature);
//!   `delta.content` and `delta.refusal` → a `text` block (`text_delta`);
//!   each new `tool_calls[].index` → a `tool_use` block (id and name from its
//!   first fragment, `input: {}`), its `arguments` pieces →
//!   `input_json_delta` with the pieces verbatim;
//! - blocks are numbered 0, 1, … in order of appearance and one is open at a
//!   time: a delta of another kind closes the open block
//!   (`content_block_stop`) and starts the next. A fragment for a tool block
//!   already closed (OpenAI sends tool calls one after another, so only a
//!   non-conforming upstream does this) still goes to that block's index, so
//!   no argument piece is lost;
//! - `finish_reason` closes the open block and is kept; the usage chunk is
//!   kept; `data: [DONE]` → `message_delta` (`stop_reason` mapped as in
//!   `response.rs`, `stop_sequence: null`, cumulative usage with
//!   `input_tokens` net of cache reads) then `message_stop`;
//! - comment-only events (keep-alives) → `ping`;
//! - an OpenAI error event (`data: {"error":…}`) → `event: error` with the
//!   Anthropic error (`errors.rs`, no HTTP status), and the stream is over;
//! - a stream that ends without `[DONE]`: after a `finish_reason` the answer
//!   is whole and is closed normally; before it → `event: error` with
//!   `api_error` (the gateway cannot tell an overloaded provider from a
//!   broken connection).
//!
//! Events that are not readable chunk JSON are skipped. Invariants: every
//! split of the input gives the same output; after `message_stop` or
//! `error` nothing more is written; no `serde_json::Value` is built.

use std::borrow::Cow;

use super::errors::{from_openai, render};
use super::events::{Frame, Framer};
use super::openai::{ChunkIn, DeltaIn, ToolCallDeltaIn};
use super::out::{
    BlockDeltaOut, ContentBlockOut, EmptyObject, MessageDeltaOut, MessageOut, StreamEventOut,
    ToolInput, UsageOut,
};
use super::response::{message_id, stop_reason, usage as anthropic_usage};
use crate::translate::StreamTranslator;
use crate::usage::{from_openai_usage, Usage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Text(u32),
    Thinking(u32),
    Tool(u32),
}

pub(super) struct ToAnthropic {
    model: String,
    framer: Framer,
    id: String,
    /// `message_start` was written.
    started: bool,
    open: Option<Open>,
    next_index: u32,
    /// OpenAI tool-call index → Anthropic block index.
    tools: Vec<(u64, u32)>,
    /// From `finish_reason`; `None` until it arrives.
    finish: Option<&'static str>,
    refused: bool,
    usage: Option<Usage>,
    /// `message_stop` or `error` was written.
    closed: bool,
}

impl ToAnthropic {
    pub(super) fn new(model: &str) -> Self {
        Self {
            model: model.to_owned(),
            framer: Framer::default(),
            id: String::new(),
            started: false,
            open: None,
            next_index: 0,
            tools: Vec::new(),
            finish: None,
            refused: false,
            usage: None,
            closed: false,
        }
    }

    fn on_frame(&mut self, frame: Frame<'_>, out: &mut Vec<u8>) {
        if self.closed {
            return;
        }
        let data = match frame {
            Frame::KeepAlive => return self.emit(&StreamEventOut::Ping, out),
            Frame::Data(data) => data,
        };
        if data.trim_ascii() == b"[DONE]" {
            return self.complete(out);
        }
        // serde would read a JSON array positionally into the struct.
        let chunk = match data.trim_ascii_start().first() {
            Some(b'{') => serde_json::from_slice::<ChunkIn<'_>>(data).ok(),
            _ => None,
        };
        let Some(chunk) = chunk else {
            return;
        };
        if chunk.error.is_some_and(|e| e.get() != "null") {
            out.extend_from_slice(b"event: error\ndata: ");
            out.extend_from_slice(&from_openai(None, data));
            out.extend_from_slice(b"\n\n");
            self.closed = true;
            return;
        }
        if self.id.is_empty() {
            if let Some(id) = chunk.id.as_deref().filter(|i| !i.is_empty()) {
                self.id = message_id(Some(id), data);
            }
        }
        let usage = chunk.usage.or(chunk.x_groq.and_then(|g| g.usage));
        if let Some(usage) = usage.and_then(|raw| from_openai_usage(raw.get().as_bytes())) {
            self.usage = Some(usage);
        }
        for choice in chunk.choices.iter().flatten() {
            if choice.index.unwrap_or(0) != 0 {
                continue;
            }
            self.start(data, out);
            if let Some(delta) = &choice.delta {
                self.delta(delta, out);
            }
            if let Some(reason) = choice.finish_reason.as_deref().filter(|r| !r.is_empty()) {
                self.close_open(out);
                self.finish = Some(stop_reason(Some(reason), false));
            }
        }
    }

    fn delta(&mut self, delta: &DeltaIn<'_>, out: &mut Vec<u8>) {
        let reasoning = delta
            .reasoning_content
            .as_deref()
            .or(delta.reasoning.as_deref());
        if let Some(thinking) = reasoning.filter(|t| !t.is_empty()) {
            let index = self.block(Open::Thinking, out);
            self.emit_delta(index, BlockDeltaOut::Thinking { thinking }, out);
        }
        if let Some(text) = delta.content.as_deref().filter(|t| !t.is_empty()) {
            let index = self.block(Open::Text, out);
            self.emit_delta(index, BlockDeltaOut::Text { text }, out);
        }
        if let Some(text) = delta.refusal.as_deref().filter(|t| !t.is_empty()) {
            self.refused = true;
            let index = self.block(Open::Text, out);
            self.emit_delta(index, BlockDeltaOut::Text { text }, out);
        }
        for call in delta.tool_calls.iter().flatten() {
            self.tool_delta(call, out);
        }
    }

    /// The open text or thinking block, or a new one after closing the open
    /// block; returns its index.
    fn block(&mut self, kind: fn(u32) -> Open, out: &mut Vec<u8>) -> u32 {
        if let Some(open) = self.open {
            if open == kind(open_index(open)) {
                return open_index(open);
            }
        }
        self.close_open(out);
        let index = self.take_index();
        let content_block = match kind(index) {
            Open::Thinking(_) => ContentBlockOut::Thinking {
                thinking: Cow::Borrowed(""),
                signature: "",
            },
            _ => ContentBlockOut::Text {
                text: Cow::Borrowed(""),
            },
        };
        self.emit(
            &StreamEventOut::ContentBlockStart {
                index,
                content_block,
            },
            out,
        );
        self.open = Some(kind(index));
        index
    }

    fn tool_delta(&mut self, call: &ToolCallDeltaIn<'_>, out: &mut Vec<u8>) {
        let has_id = call.id.as_deref().is_some_and(|i| !i.is_empty());
        // Without `index` (some vendors): an id starts a new call, anything
        // else continues the latest one.
        let key = match (call.index, self.tools.last()) {
            (Some(key), _) => key,
            (None, Some(&(last, _))) if !has_id => last,
            (None, _) => u64::try_from(self.tools.len()).unwrap_or(u64::MAX),
        };
        let function = call.function.as_ref();
        let known = self.tools.iter().find(|(k, _)| *k == key).map(|&(_, b)| b);
        let index = match known {
            Some(index) => index,
            None => {
                self.close_open(out);
                let index = self.take_index();
                let id = match call.id.as_deref().filter(|i| !i.is_empty()) {
                    Some(id) => Cow::Borrowed(id),
                    None => Cow::Owned(format!(
                        "toolu_{}_{index}",
                        self.id.trim_start_matches("msg_")
                    )),
                };
                let name = function.and_then(|f| f.name.as_deref()).unwrap_or_default();
                self.emit(
                    &StreamEventOut::ContentBlockStart {
                        index,
                        content_block: ContentBlockOut::ToolUse {
                            id,
                            name,
                            input: ToolInput::Empty(EmptyObject {}),
                        },
                    },
                    out,
                );
                self.tools.push((key, index));
                self.open = Some(Open::Tool(index));
                index
            }
        };
        let piece = function.and_then(|f| f.arguments.as_deref());
        if let Some(partial_json) = piece.filter(|p| !p.is_empty()) {
            self.emit_delta(index, BlockDeltaOut::InputJson { partial_json }, out);
        }
    }

    fn take_index(&mut self) -> u32 {
        let index = self.next_index;
        self.next_index = self.next_index.saturating_add(1);
        index
    }

    fn start(&mut self, seed: &[u8], out: &mut Vec<u8>) {
        if self.started {
            return;
        }
        self.started = true;
        if self.id.is_empty() {
            self.id = message_id(None, seed);
        }
        let message = MessageOut {
            id: &self.id,
            kind: "message",
            role: "assistant",
            model: &self.model,
            content: Vec::new(),
            stop_reason: None,
            stop_sequence: None,
            usage: UsageOut::default(),
        };
        self.emit(&StreamEventOut::MessageStart { message }, out);
    }

    fn close_open(&mut self, out: &mut Vec<u8>) {
        if let Some(open) = self.open.take() {
            let index = open_index(open);
            self.emit(&StreamEventOut::ContentBlockStop { index }, out);
        }
    }

    /// The answer is whole: `message_delta` and `message_stop`.
    fn complete(&mut self, out: &mut Vec<u8>) {
        self.start(b"", out);
        self.close_open(out);
        let stop = match self.finish.unwrap_or("end_turn") {
            "end_turn" if self.refused => "refusal",
            stop => stop,
        };
        let event = StreamEventOut::MessageDelta {
            delta: MessageDeltaOut {
                stop_reason: stop,
                stop_sequence: None,
            },
            usage: anthropic_usage(self.usage.unwrap_or_default()),
        };
        self.emit(&event, out);
        self.emit(&StreamEventOut::MessageStop, out);
        self.closed = true;
    }

    fn emit_delta(&self, index: u32, delta: BlockDeltaOut<'_>, out: &mut Vec<u8>) {
        self.emit(&StreamEventOut::ContentBlockDelta { index, delta }, out);
    }

    fn emit(&self, event: &StreamEventOut<'_>, out: &mut Vec<u8>) {
        let mark = out.len();
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(event.name().as_bytes());
        out.extend_from_slice(b"\ndata: ");
        // Serialising these plain types cannot fail; if it ever did, no
        // half-written event may reach the client.
        if serde_json::to_writer(&mut *out, event).is_err() {
            out.truncate(mark);
            return;
        }
        out.extend_from_slice(b"\n\n");
    }
}

fn open_index(open: Open) -> u32 {
    match open {
        Open::Text(i) | Open::Thinking(i) | Open::Tool(i) => i,
    }
}

impl StreamTranslator for ToAnthropic {
    fn on_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        let mut framer = std::mem::take(&mut self.framer);
        framer.push(chunk, &mut |frame| self.on_frame(frame, out));
        self.framer = framer;
    }

    fn on_end(&mut self, out: &mut Vec<u8>) {
        let mut framer = std::mem::take(&mut self.framer);
        framer.finish(&mut |frame| self.on_frame(frame, out));
        self.framer = framer;
        if self.closed {
            return;
        }
        if self.finish.is_some() {
            // The answer is whole; only the end marker is missing.
            return self.complete(out);
        }
        out.extend_from_slice(b"event: error\ndata: ");
        out.extend_from_slice(&render(
            "api_error",
            "The provider's stream ended before the answer was complete.",
        ));
        out.extend_from_slice(b"\n\n");
        self.closed = true;
    }

    fn usage(&self) -> Option<Usage> {
        self.usage
    }
}
