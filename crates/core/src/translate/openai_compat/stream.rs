//! Streamed answers of OpenAI-compatible vendors, fixed event by event.
//!
//! Events are framed exactly as the OpenAI passthrough frames them
//! (`translate/stream.rs`: whole events only, any split, carry buffer never
//! more than one event); an event no fix applies to is forwarded byte for
//! byte. Per chunk the fixes of [`super::answer`] apply, plus one about
//! *where* usage arrives (pitfall 18): Mistral and GLM put it on the last
//! content chunk, xAI on the one before an empty final chunk. Here every
//! usage is taken off the chunk carrying it and sent once, as an OpenAI
//! usage chunk (`choices: []`), right before `[DONE]` — the shape the policy
//! filter expects, so it can drop it when the client did not ask for usage.
//! A chunk with `choices: []` and no usage carries nothing and is dropped.
//!
//! A mid-stream `error` event is passed on in OpenAI's shape (a numeric
//! `code` is accepted and replaced by a string one, pitfall 20); Mistral's
//! `finish_reason: "error"` becomes such an error event.
//!
//! Invariant (as for every translator): once the provider's stream ended,
//! the client's stream ends with `data: [DONE]`, preceded by an
//! `upstream_stream_interrupted` error when the answer was cut short.

use std::borrow::Cow;

use super::answer;
use super::raw::{array, Member, RawObject, Val};
use super::{generation_failed, Vendor};
use crate::translate::openai_error::{from_foreign_body, read_loose};
use crate::translate::stream::{event_data, write_interrupted, RawEvents, DONE};
use crate::translate::{StreamContext, StreamTranslator};
use crate::usage::{from_openai_usage, Usage};

/// Members copied from the chunk that carried usage into the usage chunk.
const HEAD: [&str; 5] = ["id", "object", "created", "model", "system_fingerprint"];

pub(super) struct VendorStream {
    framer: RawEvents,
    state: State,
}

struct State {
    vendor: Vendor,
    client_wants_usage: bool,
    /// The usage chunk (JSON) to send before `[DONE]`.
    held: Option<String>,
    usage: Option<Usage>,
    /// A choice finished: the answer is complete.
    finished: bool,
    /// An error event went out: the answer ends there.
    failed: bool,
    /// `[DONE]` went out.
    done: bool,
    joined: Vec<u8>,
}

impl VendorStream {
    pub(super) fn new(vendor: Vendor, context: &StreamContext) -> Self {
        Self {
            framer: RawEvents::default(),
            state: State {
                vendor,
                client_wants_usage: context.client_wants_usage,
                held: None,
                usage: None,
                finished: false,
                failed: false,
                done: false,
                joined: Vec::new(),
            },
        }
    }
}

impl State {
    fn on_event(&mut self, event: &[u8], out: &mut Vec<u8>) {
        let mut joined = std::mem::take(&mut self.joined);
        match event_data(event, &mut joined) {
            None => out.extend_from_slice(event),
            Some(b"[DONE]") => {
                self.flush_usage(out);
                self.done = true;
                out.extend_from_slice(event);
            }
            Some(data) => self.on_data(event, data, out),
        }
        self.joined = joined;
    }

    fn on_data(&mut self, event: &[u8], data: &[u8], out: &mut Vec<u8>) {
        let parsed = std::str::from_utf8(data)
            .ok()
            .and_then(|text| RawObject::parse(text).ok());
        let (Some(mut chunk), false) = (parsed, self.done) else {
            // Not a JSON object (or after the end): not ours to judge.
            out.extend_from_slice(event);
            return;
        };
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            self.failed = true;
            match read_loose(data) {
                Some(fields) if fields.is_openai => out.extend_from_slice(event),
                _ => write_data(out, &from_foreign_body(502, data)),
            }
            return;
        }
        // Counted before fixing: a rewritten `choices` is no longer raw.
        let choices = chunk.get("choices").and_then(array).map_or(0, |c| c.len());
        let fixed = answer::fix(self.vendor, &mut chunk, "delta");
        self.finished |= fixed.finished;
        let mut changed = fixed.changed;
        match chunk.get("usage").filter(|u| !u.is_null()).cloned() {
            Some(usage) => {
                self.usage = from_openai_usage(usage.text().as_bytes()).or(self.usage);
                if choices == 0 {
                    // Already a usage chunk: sent as the last one.
                    self.held = Some(chunk.to_json());
                    return;
                }
                self.held = Some(usage_chunk(&chunk, usage));
                chunk.remove("usage");
                changed = true;
            }
            None if choices == 0 && chunk.get("choices").is_some() => return,
            None => {}
        }
        if fixed.failed {
            self.failed = true;
            write_data(out, &generation_failed().to_json());
            return;
        }
        if changed {
            write_data(out, chunk.to_json().as_bytes());
        } else {
            out.extend_from_slice(event);
        }
    }

    fn flush_usage(&mut self, out: &mut Vec<u8>) {
        if let Some(chunk) = self.held.take() {
            if self.client_wants_usage {
                write_data(out, chunk.as_bytes());
            }
        }
    }
}

/// An OpenAI usage chunk with the carrying chunk's id, model and times.
fn usage_chunk(chunk: &RawObject<'_>, usage: Val<'_>) -> String {
    let mut members: Vec<Member<'_>> = HEAD
        .iter()
        .filter_map(|key| {
            chunk.get(key).map(|v| Member {
                key: Cow::Borrowed(*key),
                value: v.clone(),
            })
        })
        .collect();
    members.push(Member {
        key: Cow::Borrowed("choices"),
        value: Val::Owned("[]".to_owned()),
    });
    members.push(Member {
        key: Cow::Borrowed("usage"),
        value: usage,
    });
    RawObject { members }.to_json()
}

fn write_data(out: &mut Vec<u8>, json: &[u8]) {
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(json);
    out.extend_from_slice(b"\n\n");
}

impl StreamTranslator for VendorStream {
    fn on_chunk(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        let state = &mut self.state;
        self.framer.push(chunk, |event| state.on_event(event, out));
    }

    fn on_end(&mut self, out: &mut Vec<u8>) {
        let state = &mut self.state;
        if let Some(tail) = self.framer.take_complete_tail(&mut state.joined) {
            state.on_event(&tail, out);
        }
        if state.done {
            return;
        }
        state.flush_usage(out);
        if state.finished || state.failed {
            out.extend_from_slice(DONE);
        } else {
            write_interrupted(out);
        }
        state.done = true;
    }

    fn usage(&self) -> Option<Usage> {
        self.state.usage
    }
}
