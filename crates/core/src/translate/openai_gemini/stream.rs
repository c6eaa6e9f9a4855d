//! Gemini `streamGenerateContent?alt=sse` → OpenAI `chat.completion.chunk`
//! SSE.
//!
//! Each Gemini event (`data: {…}\r\n\r\n`, no `[DONE]`) is a complete
//! `GenerateContentResponse` holding the *new* parts since the last one and
//! the usage so far. Event by event:
//! - the first readable event → the role chunk `delta:{role:"assistant",
//!   content:""}`; its `responseId` is every chunk's `id`;
//! - each non-thought text part → `delta.content`; each `thought: true` part
//!   → `delta.reasoning_content`; empty texts are skipped;
//! - each `functionCall` part → one `tool_calls` delta carrying our own index
//!   (0, 1, … across the whole stream), `id`, `type`, `function.name` and the
//!   *whole* `arguments` (Gemini never splits them), and the thought
//!   signature as in a non-streaming answer (see `signature.rs`);
//! - `finishReason` is remembered, and `usageMetadata` overwritten (the last
//!   one is final);
//! - an `error` object (possible after the 200) or an unreadable event → an
//!   OpenAI error event and `[DONE]`; a blocked prompt → an error event with
//!   code `content_filter`.
//!
//! At the end of Gemini's stream: the `finish_reason` chunk, mapped as in a
//! non-streaming answer but with `tool_calls` when a `functionCall` came in
//! *any* event (pitfall 9: the call and `STOP` may arrive separately), then
//! the usage chunk (`choices: []`) if the client asked for it, then
//! `data: [DONE]`. A stream cut before any `finishReason` ends with an
//! `upstream_stream_interrupted` error event instead of the finish chunk
//! (the usage chunk still goes first, so the tokens used are counted).
//!
//! Invariants: every byte sequence, in any split, gives the same output; the
//! client's stream ends with exactly one `data: [DONE]`, after which nothing
//! is written; no event builds a `serde_json::Value` (borrowed typed events
//! in, typed chunks out).

use super::errors::describe;
use super::out::{Chunk, ChunkChoice, Delta};
use super::response::{is_thought, prompt_blocked, tool_call, usage, Finish, FALLBACK_ID};
use crate::schema::gemini::GenerateContentResponse;
use crate::schema::openai::CompletionUsage;
use crate::sse::{SseEvent, SseParser};
use crate::translate::openai_error::render;
use crate::translate::stream::write_interrupted;
use crate::translate::{StreamContext, StreamTranslator};
use crate::usage::Usage;

const DONE: &[u8] = b"data: [DONE]\n\n";

pub(super) struct GeminiStream {
    context: StreamContext,
    parser: SseParser,
    /// Reused between pieces.
    events: Vec<SseEvent>,
    /// Gemini's `responseId`, the `id` of every chunk.
    id: String,
    /// The role chunk was written.
    started: bool,
    /// `functionCall` parts seen so far; the next tool call's index.
    tool_calls: u32,
    finish: Option<Finish>,
    usage: Option<CompletionUsage>,
    /// `[DONE]` was written: the client's stream is over.
    closed: bool,
}

impl GeminiStream {
    pub(super) fn new(context: StreamContext) -> Self {
        Self {
            context,
            parser: SseParser::new(),
            events: Vec::new(),
            id: String::new(),
            started: false,
            tool_calls: 0,
            finish: None,
            usage: None,
            closed: false,
        }
    }

    /// Writes `data: <chunk>\n\n`.
    fn chunk(&self, out: &mut Vec<u8>, delta: Delta<'_>, finish_reason: Option<&'static str>) {
        let choices = [ChunkChoice {
            index: 0,
            delta,
            logprobs: None,
            finish_reason,
        }];
        let usage = self.context.client_wants_usage.then_some(None);
        self.write(out, &choices, usage);
    }

    fn write(
        &self,
        out: &mut Vec<u8>,
        choices: &[ChunkChoice<'_>],
        usage: Option<Option<&CompletionUsage>>,
    ) {
        let chunk = Chunk {
            id: if self.id.is_empty() {
                FALLBACK_ID
            } else {
                &self.id
            },
            object: "chat.completion.chunk",
            created: self.context.created,
            model: &self.context.served_as,
            choices,
            usage,
        };
        // Plain strings and integers always serialise.
        if let Ok(json) = serde_json::to_vec(&chunk) {
            out.extend_from_slice(b"data: ");
            out.extend_from_slice(&json);
            out.extend_from_slice(b"\n\n");
        }
    }

    /// The usage chunk, when the client asked for it and Gemini reported any.
    fn usage_chunk(&self, out: &mut Vec<u8>) {
        if let (true, Some(usage)) = (self.context.client_wants_usage, self.usage.as_ref()) {
            self.write(out, &[], Some(Some(usage)));
        }
    }

    /// An error event and `[DONE]`; the stream is over.
    fn fail(&mut self, out: &mut Vec<u8>, kind: &str, code: &str, message: &str) {
        self.usage_chunk(out);
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(&render(message, kind, None, code));
        out.extend_from_slice(b"\n\n");
        out.extend_from_slice(DONE);
        self.closed = true;
    }

    fn start(&mut self, out: &mut Vec<u8>) {
        if !self.started {
            self.started = true;
            let delta = Delta {
                role: Some("assistant"),
                content: Some(""),
                ..Delta::default()
            };
            self.chunk(out, delta, None);
        }
    }

    fn on_event(&mut self, event: &SseEvent, out: &mut Vec<u8>) {
        let data = event.data.trim_ascii();
        if data.is_empty() || data == b"[DONE]" {
            return;
        }
        let parsed = match data.first() {
            Some(b'{') => serde_json::from_slice::<GenerateContentResponse<'_>>(data).ok(),
            _ => None,
        };
        let Some(resp) = parsed else {
            return self.fail(
                out,
                "server_error",
                "bad_upstream_response",
                "The Gemini stream contained an event that could not be read.",
            );
        };
        if let Some(u) = &resp.usage_metadata {
            self.usage = Some(usage(u));
        }
        if let Some(detail) = &resp.error {
            let (kind, code, message) = describe(detail);
            return self.fail(out, kind, code, &message);
        }
        if self.id.is_empty() {
            if let Some(id) = resp.response_id.as_deref() {
                self.id = id.to_owned();
            }
        }
        let Some(candidate) = resp.candidates.as_deref().and_then(<[_]>::first) else {
            if let Some(blocked) = resp.prompt_feedback.as_ref().and_then(prompt_blocked) {
                return self.fail(out, &blocked.error_type, &blocked.code, &blocked.message);
            }
            // Usage-only events are fine.
            return;
        };
        self.start(out);
        let parts = candidate
            .content
            .as_ref()
            .and_then(|c| c.parts.as_deref())
            .unwrap_or_default();
        for part in parts {
            if let Some(call) = &part.function_call {
                let index = self.tool_calls;
                self.tool_calls = self.tool_calls.saturating_add(1);
                let call = tool_call(call, part.thought_signature.as_deref(), index, Some(index));
                let delta = Delta {
                    tool_calls: Some([call]),
                    ..Delta::default()
                };
                self.chunk(out, delta, None);
                continue;
            }
            let Some(text) = part.text.as_deref().filter(|t| !t.is_empty()) else {
                continue;
            };
            let delta = if is_thought(part) {
                Delta {
                    reasoning_content: Some(text),
                    ..Delta::default()
                }
            } else {
                Delta {
                    content: Some(text),
                    ..Delta::default()
                }
            };
            self.chunk(out, delta, None);
        }
        if let Some(reason) = candidate.finish_reason.as_deref() {
            self.finish = Some(Finish::classify(reason));
        }
    }
}

impl StreamTranslator for GeminiStream {
    fn on_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.closed {
            return;
        }
        let mut events = std::mem::take(&mut self.events);
        self.parser.push(chunk, &mut events);
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
        if self.closed {
            return;
        }
        // An event without its closing blank line is incomplete: dropped.
        self.parser.finish();
        let Some(finish) = self.finish else {
            self.usage_chunk(out);
            write_interrupted(out);
            self.closed = true;
            return;
        };
        self.start(out);
        self.chunk(
            out,
            Delta::default(),
            Some(finish.openai(self.tool_calls > 0)),
        );
        self.usage_chunk(out);
        out.extend_from_slice(DONE);
        self.closed = true;
    }

    fn usage(&self) -> Option<Usage> {
        self.usage.map(|u| Usage {
            input_tokens: u.prompt_tokens,
            output_tokens: u.completion_tokens,
            cached_input_tokens: u.prompt_tokens_details.cached_tokens,
            reasoning_tokens: u
                .completion_tokens_details
                .map_or(0, |d| d.reasoning_tokens),
        })
    }
}
