//! Token usage in one unified shape, read from the OpenAI-shaped answer every
//! response has after translation.
//!
//! Invariants:
//! - only the top-level `usage` field is materialised; everything else in the
//!   body is skipped by serde without building values (answers can be large
//!   and this runs on every response);
//! - reading never fails on odd numbers: null, negative, fractional or
//!   string-encoded counts and missing or null detail objects all read as 0,
//!   because a billing record with one zero is better than none;
//! - `cached_input_tokens` is a subset of `input_tokens` and
//!   `reasoning_tokens` a subset of `output_tokens`, as in OpenAI's usage.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::schema::openai::CompletionUsage;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cached_input_tokens: u64,
    pub reasoning_tokens: u64,
}

/// Usage from an OpenAI-shaped chat.completion body. `None` when the body is
/// not a JSON object or has no (or a null) `usage` object.
pub fn from_openai_body(body: &[u8]) -> Option<Usage> {
    // serde would read a JSON array positionally into a struct.
    if body.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    let envelope: Envelope = serde_json::from_slice(body).ok()?;
    envelope.usage.map(from_wire)
}

/// Usage from the JSON text of an OpenAI `usage` object alone (as found in a
/// stream's usage chunk). `None` when it is not an object.
pub fn from_openai_usage(usage: &[u8]) -> Option<Usage> {
    if usage.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    serde_json::from_slice::<WireUsage>(usage)
        .ok()
        .map(from_wire)
}

fn from_wire(wire: WireUsage) -> Usage {
    let cached = wire
        .prompt_tokens_details
        .map(|d| d.cached_tokens)
        .filter(|&c| c > 0)
        // DeepSeek reports cache hits in its own field (fact sheet section 7).
        .unwrap_or(wire.prompt_cache_hit_tokens);
    Usage {
        input_tokens: wire.prompt_tokens,
        output_tokens: wire.completion_tokens,
        cached_input_tokens: cached,
        reasoning_tokens: wire
            .completion_tokens_details
            .map_or(0, |d| d.reasoning_tokens),
    }
}

/// The usage a translator emitted (translated answers and streams count
/// exactly what the client is shown).
impl From<CompletionUsage> for Usage {
    fn from(u: CompletionUsage) -> Self {
        Usage {
            input_tokens: u.prompt_tokens,
            output_tokens: u.completion_tokens,
            cached_input_tokens: u.prompt_tokens_details.cached_tokens,
            reasoning_tokens: u
                .completion_tokens_details
                .map_or(0, |d| d.reasoning_tokens),
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireUsage {
    #[serde(default, deserialize_with = "count")]
    prompt_tokens: u64,
    #[serde(default, deserialize_with = "count")]
    completion_tokens: u64,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
    #[serde(default, deserialize_with = "count")]
    prompt_cache_hit_tokens: u64,
}

#[derive(Deserialize)]
struct PromptDetails {
    #[serde(default, deserialize_with = "count")]
    cached_tokens: u64,
}

#[derive(Deserialize)]
struct CompletionDetails {
    #[serde(default, deserialize_with = "count")]
    reasoning_tokens: u64,
}

/// A token count from any JSON value; anything that is not a usable
/// non-negative number reads as 0.
fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    deserializer.deserialize_any(CountVisitor)
}

struct CountVisitor;

impl<'de> Visitor<'de> for CountVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a token count")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        Ok(u64::try_from(v).unwrap_or(0))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        // `as` saturates for out-of-range floats; NaN and negatives read as 0.
        Ok(if v.is_finite() && v > 0.0 {
            v as u64
        } else {
            0
        })
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        Ok(v.trim().parse().unwrap_or(0))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<u64, E> {
        Ok(0)
    }

    fn visit_unit<E: de::Error>(self) -> Result<u64, E> {
        Ok(0)
    }

    fn visit_none<E: de::Error>(self) -> Result<u64, E> {
        Ok(0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_full_usage() {
        let body = br#"{"id":"x","choices":[{"message":{"content":"hi"}}],"usage":{
            "prompt_tokens":120,"completion_tokens":30,"total_tokens":150,
            "prompt_tokens_details":{"cached_tokens":100,"audio_tokens":0},
            "completion_tokens_details":{"reasoning_tokens":12}}}"#;
        assert_eq!(
            from_openai_body(body),
            Some(Usage {
                input_tokens: 120,
                output_tokens: 30,
                cached_input_tokens: 100,
                reasoning_tokens: 12
            })
        );
    }

    #[test]
    fn tolerates_missing_and_null_details() {
        let body = br#"{"usage":{"prompt_tokens":5,"completion_tokens":null,
            "prompt_tokens_details":null}}"#;
        assert_eq!(
            from_openai_body(body),
            Some(Usage {
                input_tokens: 5,
                ..Usage::default()
            })
        );
        let odd = br#"{"usage":{"prompt_tokens":-3,"completion_tokens":7.9,
            "prompt_tokens_details":{"cached_tokens":"2"},
            "completion_tokens_details":{"reasoning_tokens":{"x":1}}}}"#;
        assert_eq!(
            from_openai_body(odd),
            Some(Usage {
                input_tokens: 0,
                output_tokens: 7,
                cached_input_tokens: 2,
                reasoning_tokens: 0
            })
        );
    }

    #[test]
    fn deepseek_cache_hits() {
        let body = br#"{"usage":{"prompt_tokens":50,"completion_tokens":1,
            "prompt_cache_hit_tokens":40,"prompt_cache_miss_tokens":10}}"#;
        assert_eq!(
            from_openai_body(body).map(|u| u.cached_input_tokens),
            Some(40)
        );
    }

    #[test]
    fn none_without_usage() {
        assert_eq!(from_openai_body(br#"{"id":"x"}"#), None);
        assert_eq!(from_openai_body(br#"{"usage":null}"#), None);
        assert_eq!(from_openai_body(br#"[{"prompt_tokens":1}]"#), None);
        assert_eq!(from_openai_body(b"not json"), None);
        assert_eq!(from_openai_body(b""), None);
        assert_eq!(from_openai_body(br#"{"usage":{"prompt_tokens":1}"#), None);
    }
}
