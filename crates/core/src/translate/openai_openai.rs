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
//! Invariant: a duplicated top-level `model` key has *every* occurrence
//! replaced, so a client cannot smuggle a second model past the router
//! (parsers disagree on which duplicate wins).

use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::openai_error::{
    client_parse_error, from_foreign_body, read_loose, require_object, MAX_PROVIDER_MESSAGE_CHARS,
};
use crate::error::GatewayError;

/// The client body with the top-level `model` replaced by `upstream_model`.
pub fn request(client_body: &[u8], upstream_model: &str) -> Result<Vec<u8>, GatewayError> {
    require_object(client_body)?;
    let text = std::str::from_utf8(client_body)
        .map_err(|_| GatewayError::invalid_json("the body is not valid UTF-8."))?;
    let values =
        serde_json::from_str::<ModelValues<'_>>(text).map_err(|e| client_parse_error(&e))?;
    let new_model = serde_json::to_string(upstream_model)
        .map_err(|_| GatewayError::internal("translation_failed", "model name not encodable"))?;

    let mut spans = Vec::with_capacity(values.0.len());
    for raw in values.0 {
        spans.push(span_in(text, raw.get()).ok_or_else(|| {
            GatewayError::internal("translation_failed", "model value outside the body")
        })?);
    }

    let mut out = Vec::with_capacity(text.len().saturating_add(new_model.len()));
    if spans.is_empty() {
        // The policy filter guarantees `model`; stay correct without it by
        // inserting the key right after the opening brace.
        let open = text.find('{').unwrap_or(0);
        let (head, tail) = text.split_at(open.saturating_add(1).min(text.len()));
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(b"\"model\":");
        out.extend_from_slice(new_model.as_bytes());
        if !tail.trim_start().starts_with('}') {
            out.push(b',');
        }
        out.extend_from_slice(tail.as_bytes());
        return Ok(out);
    }
    // Spans come in document order and never overlap.
    let mut cursor = 0usize;
    for span in spans {
        out.extend_from_slice(text.get(cursor..span.start).unwrap_or_default().as_bytes());
        out.extend_from_slice(new_model.as_bytes());
        cursor = span.end;
    }
    out.extend_from_slice(text.get(cursor..).unwrap_or_default().as_bytes());
    Ok(out)
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

/// The raw `model` values of a top-level JSON object, in document order.
/// Other values are skipped without being materialised.
struct ModelValues<'a>(Vec<&'a RawValue>);

impl<'de> de::Deserialize<'de> for ModelValues<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ModelValuesVisitor)
    }
}

struct ModelValuesVisitor;

impl<'de> Visitor<'de> for ModelValuesVisitor {
    type Value = ModelValues<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = Vec::new();
        while let Some(is_model) = map.next_key_seed(IsModelKey)? {
            if is_model {
                found.push(map.next_value::<&'de RawValue>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(ModelValues(found))
    }
}

/// Compares a key with `"model"` without allocating (escaped keys included).
struct IsModelKey;

impl<'de> DeserializeSeed<'de> for IsModelKey {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for IsModelKey {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == "model")
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
