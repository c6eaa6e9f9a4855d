//! Streaming answers, chunk by chunk as Envoy delivers them.
//!
//! A `StreamTranslator` receives the provider's response body in whatever
//! pieces the network produced (an event may be split anywhere, even inside a
//! UTF-8 sequence) and writes OpenAI `chat.completion.chunk` SSE to `out`
//! as soon as whole events are available. It never holds more than one
//! incomplete event. It also remembers the usage it saw, for accounting.
//!
//! OpenAI-schema providers need no translation, so their events are
//! forwarded byte for byte (comments and keep-alives included), with one
//! exception: the gateway always asks for the usage chunk (to count tokens),
//! and when the client did not, that chunk — `choices: []` with a `usage` — is
//! removed, so the client gets exactly one usage chunk, and only when it asked
//! (pitfall 18). Usage found on any chunk is recorded (some vendors send it on
//! content chunks, where it is left alone).
//!
//! Invariant for every translator: once the provider's stream ended, the
//! client's stream is closed properly — it ends with `data: [DONE]`, preceded
//! by an OpenAI error event (`upstream_stream_interrupted`) when the answer
//! was cut short (pitfall 15). Incomplete events are never forwarded.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::openai_error::render;
use crate::translate::ProviderSchema;
use crate::usage::{from_openai_usage, Usage};

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
    /// Once the stream ended: whether the answer finished (`Some(false)`:
    /// it was cut short or ended with an error event, so it is a failed
    /// request for accounting and health). `None`: not tracked here.
    fn answer_complete(&self) -> Option<bool> {
        None
    }
}

/// The translator for a provider's streaming answer.
pub fn stream_translator(
    schema: ProviderSchema,
    context: StreamContext,
) -> Box<dyn StreamTranslator> {
    match schema {
        ProviderSchema::Openai => Box::new(OpenAiPassthrough::new(context.client_wants_usage)),
        ProviderSchema::Anthropic => super::openai_anthropic::stream_translator(context),
        ProviderSchema::Gemini => super::openai_gemini::stream_translator(context),
        ProviderSchema::Bedrock => super::openai_bedrock::stream_translator(context),
    }
}

pub(crate) const DONE: &[u8] = b"data: [DONE]\n\n";

/// The closing of a stream that broke off: an error event, then `[DONE]`.
pub(crate) fn write_interrupted(out: &mut Vec<u8>) {
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(&render(
        "The provider's stream ended before the answer was complete.",
        "server_error",
        None,
        "upstream_stream_interrupted",
    ));
    out.extend_from_slice(b"\n\n");
    out.extend_from_slice(DONE);
}

// ---------------------------------------------------------------- framing

/// Splits raw SSE bytes into whole events, each exactly as received: its
/// lines up to and including the blank line that ends it. Line ends may be
/// `\n`, `\r\n` or `\r`, and split across pieces.
#[derive(Debug, Default)]
pub(crate) struct RawEvents {
    /// The unfinished event.
    carry: Vec<u8>,
    /// How much of `carry` has been scanned for line ends.
    scanned: usize,
    /// Where the current line starts in `carry`.
    line_start: usize,
}

impl RawEvents {
    /// Appends `piece` and calls `each` with every event it completes.
    pub(crate) fn push(&mut self, piece: &[u8], mut each: impl FnMut(&[u8])) {
        self.carry.extend_from_slice(piece);
        let mut event_start = 0;
        let mut i = self.scanned;
        while let Some(&b) = self.carry.get(i) {
            if b != b'\n' && b != b'\r' {
                i += 1;
                continue;
            }
            let end = match (b, self.carry.get(i + 1)) {
                (b'\r', Some(b'\n')) => i + 2,
                // A final `\r` may be the first half of `\r\n`: wait.
                (b'\r', None) => break,
                _ => i + 1,
            };
            if i == self.line_start {
                each(self.carry.get(event_start..end).unwrap_or_default());
                event_start = end;
            }
            self.line_start = end;
            i = end;
        }
        self.carry.drain(..event_start.min(self.carry.len()));
        self.scanned = i.saturating_sub(event_start);
        self.line_start = self.line_start.saturating_sub(event_start);
    }

    /// The unfinished tail, at the end of the stream.
    fn take_tail(&mut self) -> Vec<u8> {
        self.scanned = 0;
        self.line_start = 0;
        std::mem::take(&mut self.carry)
    }

    /// At the end of the stream, a last event left without its blank line,
    /// when its data is complete (`[DONE]` or whole JSON): terminated
    /// properly, so it reads as any other event. `None` when it is partial.
    pub(crate) fn take_complete_tail(&mut self, joined: &mut Vec<u8>) -> Option<Vec<u8>> {
        let mut tail = self.take_tail();
        let complete = match event_data(&tail, joined) {
            Some(b"[DONE]") => true,
            Some(data) => serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok(),
            None => false,
        };
        if !complete {
            return None;
        }
        while tail.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
            tail.pop();
        }
        tail.extend_from_slice(b"\n\n");
        Some(tail)
    }
}

/// The `data` of one whole event (lines joined with `\n`), or `None` when it
/// has no data line (comments, keep-alives, blank lines).
pub(crate) fn event_data<'b>(event: &'b [u8], joined: &'b mut Vec<u8>) -> Option<&'b [u8]> {
    let mut first: Option<&'b [u8]> = None;
    let mut several = false;
    let mut rest = event;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .unwrap_or(rest.len());
        let line = rest.get(..end).unwrap_or_default();
        let crlf = rest.get(end..end + 2) == Some(b"\r\n");
        rest = rest
            .get(end + if crlf { 2 } else { 1 }..)
            .unwrap_or_default();
        let value = match line.strip_prefix(b"data") {
            Some([]) => &[][..],
            Some([b':', value @ ..]) => value.strip_prefix(b" ").unwrap_or(value),
            _ => continue,
        };
        match first {
            None => first = Some(value),
            Some(head) => {
                if !several {
                    joined.clear();
                    joined.extend_from_slice(head);
                    several = true;
                }
                joined.push(b'\n');
                joined.extend_from_slice(value);
            }
        }
    }
    if several {
        Some(joined.as_slice())
    } else {
        first
    }
}

// ---------------------------------------------------------------- OpenAI

/// What the passthrough reads of a chunk; everything else is skipped.
#[derive(Deserialize)]
struct ChunkHead<'a> {
    #[serde(borrow, default)]
    choices: Option<Vec<ChoiceHead<'a>>>,
    #[serde(borrow, default)]
    usage: Option<&'a RawValue>,
    #[serde(borrow, default)]
    error: Option<&'a RawValue>,
    /// Groq's older placement of stream usage.
    #[serde(borrow, default)]
    x_groq: Option<GroqHead<'a>>,
}

#[derive(Deserialize)]
struct ChoiceHead<'a> {
    #[serde(borrow, default)]
    finish_reason: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct GroqHead<'a> {
    #[serde(borrow, default)]
    usage: Option<&'a RawValue>,
}

/// OpenAI streams pass through byte for byte, minus the usage chunk the
/// client did not ask for (see the module doc).
struct OpenAiPassthrough {
    framer: RawEvents,
    state: PassState,
}

struct PassState {
    client_wants_usage: bool,
    usage: Option<Usage>,
    /// A choice had a non-null `finish_reason`: the answer is complete.
    finished: bool,
    /// An error event went by (the provider's, or the gateway's own).
    errored: bool,
    /// `data: [DONE]` went to the client.
    done: bool,
    /// Scratch for events with several data lines.
    joined: Vec<u8>,
}

impl OpenAiPassthrough {
    fn new(client_wants_usage: bool) -> Self {
        Self {
            framer: RawEvents::default(),
            state: PassState {
                client_wants_usage,
                usage: None,
                finished: false,
                errored: false,
                done: false,
                joined: Vec::new(),
            },
        }
    }
}

impl PassState {
    /// Forwards one whole event unless it is an unwanted usage chunk.
    fn on_event(&mut self, event: &[u8], out: &mut Vec<u8>) {
        let forward = match event_data(event, &mut self.joined) {
            None => true,
            Some(b"[DONE]") => {
                self.done = true;
                true
            }
            Some(data) => {
                let seen = inspect(data);
                self.finished |= seen.finished;
                self.errored |= seen.error;
                if seen.usage.is_some() {
                    self.usage = seen.usage;
                }
                self.client_wants_usage || !seen.usage_only
            }
        };
        if forward {
            out.extend_from_slice(event);
        }
    }
}

struct Seen {
    usage: Option<Usage>,
    /// No choices, only usage: the chunk `include_usage` adds.
    usage_only: bool,
    finished: bool,
    /// `{"error": …}`: an error event.
    error: bool,
}

/// Reads a chunk's usage and finish; a chunk that is not readable JSON is
/// not the gateway's business and reads as nothing.
fn inspect(data: &[u8]) -> Seen {
    let head = match data.trim_ascii_start().first() {
        Some(b'{') => serde_json::from_slice::<ChunkHead<'_>>(data).ok(),
        _ => None,
    };
    let Some(head) = head else {
        return Seen {
            usage: None,
            usage_only: false,
            finished: false,
            error: false,
        };
    };
    let usage = head
        .usage
        .or(head.x_groq.and_then(|g| g.usage))
        .and_then(|raw| from_openai_usage(raw.get().as_bytes()));
    let choices = head.choices.unwrap_or_default();
    Seen {
        usage_only: choices.is_empty() && head.usage.is_some_and(|u| u.get() != "null"),
        finished: choices
            .iter()
            .any(|c| c.finish_reason.is_some_and(|r| r.get() != "null")),
        error: head.error.is_some_and(|e| e.get() != "null"),
        usage,
    }
}

impl StreamTranslator for OpenAiPassthrough {
    fn on_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        let state = &mut self.state;
        self.framer.push(chunk, |event| state.on_event(event, out));
    }

    fn on_end(&mut self, out: &mut Vec<u8>) {
        if let Some(tail) = self.framer.take_complete_tail(&mut self.state.joined) {
            self.state.on_event(&tail, out);
        }
        if self.state.done {
            return;
        }
        if self.state.finished {
            // The answer is whole; only the end marker is missing.
            out.extend_from_slice(DONE);
        } else {
            write_interrupted(out);
        }
        self.state.done = true;
    }

    fn usage(&self) -> Option<Usage> {
        self.state.usage
    }

    fn answer_complete(&self) -> Option<bool> {
        Some(self.state.finished && !self.state.errored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answers_outcome_is_known_once_the_stream_ended() {
        let finished = b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        let error = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"error\":{\"message\":\"m\",\"type\":\"server_error\",\"param\":null,\"code\":\"x\"}}\n\ndata: [DONE]\n\n";
        let cut = b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n";
        for (body, complete) in [
            (&finished[..], true),
            (&error[..], false),
            (&cut[..], false),
        ] {
            let mut t = OpenAiPassthrough::new(false);
            let mut out = Vec::new();
            t.on_chunk(body, &mut out);
            t.on_end(&mut out);
            assert_eq!(
                t.answer_complete(),
                Some(complete),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    fn frames(input: &[u8], piece: usize) -> Vec<Vec<u8>> {
        let mut framer = RawEvents::default();
        let mut found = Vec::new();
        for part in input.chunks(piece) {
            framer.push(part, |e| found.push(e.to_vec()));
        }
        found
    }

    #[test]
    fn frames_keep_bytes_for_every_line_end_and_split() {
        let input = b"data: a\n\n: c\r\n\r\ndata: b\rdata: c\r\rx".as_slice();
        for piece in 1..input.len() {
            assert_eq!(
                frames(input, piece),
                vec![
                    b"data: a\n\n".to_vec(),
                    b": c\r\n\r\n".to_vec(),
                    b"data: b\rdata: c\r\r".to_vec()
                ],
                "piece {piece}"
            );
        }
    }

    #[test]
    fn data_lines_are_joined() {
        let mut scratch = Vec::new();
        assert_eq!(
            event_data(b"event: x\ndata: a\ndata:b\ndata\n\n", &mut scratch),
            Some(&b"a\nb\n"[..])
        );
        assert_eq!(
            event_data(b"data:[DONE]\r\n\r\n", &mut scratch),
            Some(&b"[DONE]"[..])
        );
        assert_eq!(event_data(b": ping\n\n", &mut scratch), None);
        assert_eq!(event_data(b"datum: x\n\n", &mut scratch), None);
    }

    #[test]
    fn usage_only_chunks_are_recognised() {
        let seen = inspect(br#"{"choices":[],"usage":{"prompt_tokens":3}}"#);
        assert!(seen.usage_only);
        assert_eq!(seen.usage.map(|u| u.input_tokens), Some(3));
        let seen = inspect(br#"{"choices":[{"finish_reason":"stop"}],"usage":null}"#);
        assert!(!seen.usage_only && seen.finished && seen.usage.is_none());
        let seen = inspect(
            br#"{"choices":[{"finish_reason":null}],"x_groq":{"usage":{"completion_tokens":2}}}"#,
        );
        assert!(!seen.usage_only && !seen.finished);
        assert_eq!(seen.usage.map(|u| u.output_tokens), Some(2));
    }
}
