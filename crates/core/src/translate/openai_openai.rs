//! OpenAI client → OpenAI-schema provider (OpenAI, Azure v1, DeepSeek, Groq, …).
//!
//! Nothing needs translating except the model name, so nothing is
//! re-serialised: the request body is scanned once to find the byte span of
//! every top-level `"model"` value and only those spans are replaced. Every
//! other byte — key order, whitespace, number formatting, vendor extensions —
//! reaches the provider exactly as the client sent it. Answers are forwarded
//! unchanged; errors are forwarded unchanged when they already are well-typed
//! OpenAI errors with a short message, and rebuilt otherwise.
//!
//! Streaming (`"stream": true`): the gateway must count tokens, so the
//! provider is always asked for the usage chunk — `stream_options` gets
//! `include_usage: true` (added, or rewritten with its other members kept).
//! Whether the *client* asked for it is reported in
//! [`UpstreamRequest::client_wants_usage`]; the stream translator
//! (`translate/stream.rs`) drops the chunk when it did not (pitfall 18).
//!
//! Invariant: a duplicated top-level `model` key has *every* occurrence
//! replaced, so a client cannot smuggle a second model past the router
//! (parsers disagree on which duplicate wins); the same holds for
//! `stream_options`.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::openai_error::{
    client_parse_error, from_foreign_body, read_loose, require_object, MAX_PROVIDER_MESSAGE_CHARS,
};
use super::UpstreamRequest;
use crate::error::GatewayError;

/// The client body with the top-level `model` replaced by `upstream_model`;
/// for a streaming request, `stream_options.include_usage` is also set.
pub fn request(client_body: &[u8], upstream_model: &str) -> Result<UpstreamRequest, GatewayError> {
    require_object(client_body)?;
    let text = std::str::from_utf8(client_body)
        .map_err(|_| GatewayError::invalid_json("the body is not valid UTF-8."))?;
    let fields = serde_json::from_str::<TopLevel<'_>>(text).map_err(|e| client_parse_error(&e))?;
    let new_model = serde_json::to_string(upstream_model)
        .map_err(|_| GatewayError::internal("translation_failed", "model name not encodable"))?;
    // Duplicate keys: the policy filter refuses them; should one get here,
    // the last `stream` decides, as in most JSON parsers.
    let stream = fields.stream.is_some_and(|raw| raw.get() == "true");

    let mut inserts: Vec<String> = Vec::new();
    let mut edits: Vec<(Range<usize>, String)> = Vec::with_capacity(fields.models.len() + 1);
    if fields.models.is_empty() {
        // The policy filter guarantees `model`; stay correct without it.
        inserts.push(format!("\"model\":{new_model}"));
    }
    for raw in fields.models {
        edits.push((span_of(text, raw)?, new_model.clone()));
    }
    let mut client_wants_usage = false;
    if stream {
        if fields.stream_options.is_empty() {
            inserts.push(format!("\"stream_options\":{{{INCLUDE_USAGE}}}"));
        }
        for raw in fields.stream_options {
            let (rewritten, wanted) = stream_options_with_usage(raw)?;
            client_wants_usage = wanted;
            edits.push((span_of(text, raw)?, rewritten));
        }
    }
    Ok(UpstreamRequest {
        body: splice(text, &inserts, edits),
        path_suffix: "/chat/completions".to_owned(),
        stream,
        client_wants_usage,
    })
}

/// The member every streaming request sends upstream, so the gateway can
/// count tokens whatever the client asked for.
const INCLUDE_USAGE: &str = "\"include_usage\":true";

/// Whether a client's `stream_options` asks for the usage chunk. Lenient:
/// anything but an object with `include_usage: true` means no.
pub(crate) fn client_wants_usage(stream_options: Option<&RawValue>) -> bool {
    #[derive(serde::Deserialize)]
    struct Options<'a> {
        #[serde(borrow, default)]
        include_usage: Option<&'a RawValue>,
    }
    stream_options
        .filter(|raw| raw.get().starts_with('{'))
        .and_then(|raw| serde_json::from_str::<Options<'_>>(raw.get()).ok())
        .and_then(|o| o.include_usage)
        .is_some_and(|v| v.get() == "true")
}

/// `stream_options` rewritten with `include_usage: true`, other members kept
/// (their order may change), and whether the client itself asked for usage.
pub(crate) fn stream_options_with_usage(raw: &RawValue) -> Result<(String, bool), GatewayError> {
    if raw.get() == "null" {
        return Ok((format!("{{{INCLUDE_USAGE}}}"), false));
    }
    let refuse =
        || GatewayError::invalid_field("stream_options", "stream_options must be an object.");
    if !raw.get().starts_with('{') {
        return Err(refuse());
    }
    let members: BTreeMap<String, &RawValue> =
        serde_json::from_str(raw.get()).map_err(|_| refuse())?;
    let wanted = members
        .get("include_usage")
        .is_some_and(|v| v.get() == "true");
    let mut out = String::with_capacity(raw.get().len() + INCLUDE_USAGE.len() + 2);
    out.push('{');
    for (key, value) in members.iter().filter(|(k, _)| *k != "include_usage") {
        let key = serde_json::to_string(key).map_err(|_| refuse())?;
        out.push_str(&key);
        out.push(':');
        out.push_str(value.get());
        out.push(',');
    }
    out.push_str(INCLUDE_USAGE);
    out.push('}');
    Ok((out, wanted))
}

/// `text` with `inserts` (`"key":value` members) added right after the
/// opening brace and every edit's span replaced. Edits are spans of distinct
/// top-level values, so they never overlap; they are applied in document order.
fn splice(text: &str, inserts: &[String], mut edits: Vec<(Range<usize>, String)>) -> Vec<u8> {
    edits.sort_by_key(|(span, _)| span.start);
    let extra: usize = inserts
        .iter()
        .chain(edits.iter().map(|(_, s)| s))
        .map(|s| s.len() + 1)
        .sum();
    let mut out = Vec::with_capacity(text.len().saturating_add(extra));
    let mut cursor = 0usize;
    if !inserts.is_empty() {
        // `require_object` guarantees the brace.
        let open = text.find('{').map_or(0, |i| i + 1);
        out.extend_from_slice(text.get(..open).unwrap_or_default().as_bytes());
        out.extend_from_slice(inserts.join(",").as_bytes());
        let tail = text.get(open..).unwrap_or_default();
        if !tail.trim_start().starts_with('}') {
            out.push(b',');
        }
        cursor = open;
    }
    for (span, replacement) in edits {
        out.extend_from_slice(text.get(cursor..span.start).unwrap_or_default().as_bytes());
        out.extend_from_slice(replacement.as_bytes());
        cursor = span.end;
    }
    out.extend_from_slice(text.get(cursor..).unwrap_or_default().as_bytes());
    out
}

fn span_of(text: &str, raw: &RawValue) -> Result<Range<usize>, GatewayError> {
    span_in(text, raw.get())
        .ok_or_else(|| GatewayError::internal("translation_failed", "value outside the body"))
}

/// Byte range of `inner` within `outer`, if `inner` is a sub-slice of it.
/// `&RawValue` deserialised from a `&str` borrows from it, so this holds.
fn span_in(outer: &str, inner: &str) -> Option<Range<usize>> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    let end = start.checked_add(inner.len())?;
    let same = outer
        .get(start..end)
        .is_some_and(|s| std::ptr::eq(s.as_ptr(), inner.as_ptr()));
    same.then_some(start..end)
}

/// The raw values of the top-level members this module edits or reads, in
/// document order. Other values are skipped without being materialised.
#[derive(Default)]
struct TopLevel<'a> {
    models: Vec<&'a RawValue>,
    stream: Option<&'a RawValue>,
    stream_options: Vec<&'a RawValue>,
}

impl<'de> de::Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TopLevelVisitor)
    }
}

struct TopLevelVisitor;

impl<'de> Visitor<'de> for TopLevelVisitor {
    type Value = TopLevel<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = TopLevel::default();
        while let Some(key) = map.next_key_seed(KeyKind)? {
            match key {
                Key::Model => found.models.push(map.next_value()?),
                Key::Stream => found.stream = Some(map.next_value()?),
                Key::StreamOptions => found.stream_options.push(map.next_value()?),
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(found)
    }
}

enum Key {
    Model,
    Stream,
    StreamOptions,
    Other,
}

/// Classifies a key without allocating (escaped keys included).
struct KeyKind;

impl<'de> DeserializeSeed<'de> for KeyKind {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyKind {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(match key {
            "model" => Key::Model,
            "stream" => Key::Stream,
            "stream_options" => Key::StreamOptions,
            _ => Key::Other,
        })
    }
}

/// The provider's error body, unchanged when it already is a well-typed
/// OpenAI error with a message of at most [`MAX_PROVIDER_MESSAGE_CHARS`]
/// characters; otherwise rebuilt (numeric codes, bare-string errors, HTML…).
pub fn error(status: u16, provider_body: &[u8]) -> Vec<u8> {
    if let Some(fields) = read_loose(provider_body) {
        let short = fields
            .message
            .as_deref()
            .is_some_and(|m| m.chars().nth(MAX_PROVIDER_MESSAGE_CHARS).is_none());
        // The last check decodes every string: skipped fields are not checked
        // for escapes, and a lone surrogate must not reach a strict client
        // parser. Building a tree is acceptable here: error bodies are small
        // and off the hot path.
        // A null `code` (OpenAI's own 5xx do this) is filled from the status
        // class so clients can always branch on a string code.
        if fields.is_openai
            && short
            && fields.code.is_some()
            && serde_json::from_slice::<serde_json::Value>(provider_body).is_ok()
        {
            return provider_body.to_vec();
        }
    }
    from_foreign_body(status, provider_body)
}
