//! The answer side: a vendor's `chat.completion` (or one streamed
//! `chat.completion.chunk`) brought back to OpenAI's contract.
//!
//! | vendor | deviation | fix |
//! |---|---|---|
//! | Mistral | `finish_reason: "model_length"` | `"length"` |
//! | Mistral | `finish_reason: "error"` (generation failed) | an OpenAI error |
//! | Zhipu | `function.arguments` as a JSON object | the object's JSON text |
//! | DeepSeek | cache hits only in `usage.prompt_cache_hit_tokens` | also `prompt_tokens_details.cached_tokens` |
//! | xAI | `reasoning_tokens` not counted in `completion_tokens` | counted, as OpenAI does |
//!
//! Everything else — `reasoning_content`, vendor extensions, the vendor's
//! own fields in `usage` — is kept. The xAI fix applies only when
//! `total_tokens` proves the separate accounting (`total = prompt +
//! completion + reasoning`), so it stays right if xAI aligns with OpenAI.
//! Sources: mistralai/client-python `ChatCompletionChoiceFinishReason`;
//! docs.z.ai chat-completion example; DeepSeek's published response example;
//! Google's Grok-on-Vertex reasoning guide (fact sheet section 7).

use std::borrow::Cow;

use super::raw::{array, array_json, as_str, as_u64, string_json, RawObject, Val};
use super::Vendor;

/// What fixing one object found.
#[derive(Debug, Default)]
pub(super) struct Fixed {
    /// Something was rewritten: the object must be re-encoded.
    pub changed: bool,
    /// A choice finished with the vendor's `error` reason.
    pub failed: bool,
    /// A choice had a non-null `finish_reason`.
    pub finished: bool,
}

/// Fixes `choices` (the `message` or `delta` of each) and `usage` in place.
pub(super) fn fix(vendor: Vendor, object: &mut RawObject<'_>, part: &'static str) -> Fixed {
    let mut fixed = Fixed::default();
    if let Some(items) = object.get("choices").and_then(array) {
        let mut out: Vec<Cow<'_, str>> = Vec::with_capacity(items.len());
        let mut any = false;
        for raw in &items {
            let Ok(mut choice) = RawObject::parse(raw.get()) else {
                out.push(Cow::Borrowed(raw.get()));
                continue;
            };
            if fix_choice(vendor, &mut choice, part, &mut fixed) {
                any = true;
                out.push(Cow::Owned(choice.to_json()));
            } else {
                out.push(Cow::Borrowed(raw.get()));
            }
        }
        if any {
            let json = array_json(out.iter().map(|s| s.as_ref()));
            object.set("choices", Val::Owned(json));
            fixed.changed = true;
        }
    }
    if let Some(usage) = object.get("usage").and_then(|u| fix_usage(vendor, u)) {
        object.set("usage", Val::Owned(usage));
        fixed.changed = true;
    }
    fixed
}

fn fix_choice(
    vendor: Vendor,
    choice: &mut RawObject<'_>,
    part: &'static str,
    fixed: &mut Fixed,
) -> bool {
    let mut changed = false;
    if let Some(reason) = choice.get("finish_reason").filter(|r| !r.is_null()) {
        fixed.finished = true;
        match (vendor, as_str(reason).as_deref()) {
            (Vendor::Mistral, Some("model_length")) => {
                choice.set("finish_reason", Val::Owned("\"length\"".to_owned()));
                changed = true;
            }
            (Vendor::Mistral, Some("error")) => fixed.failed = true,
            _ => {}
        }
    }
    if vendor == Vendor::Zhipu {
        if let Some(body) = choice
            .get(part)
            .and_then(RawObject::of)
            .and_then(|mut m| fix_arguments(&mut m).then(|| m.to_json()))
        {
            choice.set(part, Val::Owned(body));
            changed = true;
        }
    }
    changed
}

/// `tool_calls[].function.arguments` given as an object or array → its JSON
/// text as a string (what OpenAI clients parse). True when any changed.
fn fix_arguments(message: &mut RawObject<'_>) -> bool {
    let Some(calls) = message.get("tool_calls").and_then(array) else {
        return false;
    };
    let mut any = false;
    let out: Vec<Cow<'_, str>> = calls
        .iter()
        .map(|raw| {
            let rewritten = RawObject::parse(raw.get()).ok().and_then(|mut call| {
                let mut function = call.get("function").and_then(RawObject::of)?;
                let args = function.get("arguments")?;
                if !(args.text().starts_with('{') || args.text().starts_with('[')) {
                    return None;
                }
                let text = string_json(args.text());
                function.set("arguments", Val::Owned(text));
                call.set("function", Val::Owned(function.to_json()));
                Some(call.to_json())
            });
            match rewritten {
                Some(json) => {
                    any = true;
                    Cow::Owned(json)
                }
                None => Cow::Borrowed(raw.get()),
            }
        })
        .collect();
    if any {
        let json = array_json(out.iter().map(|s| s.as_ref()));
        message.set("tool_calls", Val::Owned(json));
    }
    any
}

/// The rewritten `usage` object, or `None` when it needs nothing.
pub(super) fn fix_usage(vendor: Vendor, usage: &Val<'_>) -> Option<String> {
    let mut object = RawObject::of(usage)?;
    let changed = match vendor {
        Vendor::Deepseek => deepseek_cache(&mut object),
        Vendor::Xai => xai_reasoning(&mut object),
        _ => false,
    };
    changed.then(|| object.to_json())
}

/// `prompt_cache_hit_tokens` → `prompt_tokens_details.cached_tokens` (other
/// details kept) when the details say less.
fn deepseek_cache(usage: &mut RawObject<'_>) -> bool {
    let Some(hit) = usage.get("prompt_cache_hit_tokens").and_then(as_u64) else {
        return false;
    };
    let mut details = usage
        .get("prompt_tokens_details")
        .and_then(RawObject::of)
        .unwrap_or_default();
    let cached = details.get("cached_tokens").and_then(as_u64);
    if cached == Some(hit) {
        return false;
    }
    details.set("cached_tokens", Val::Owned(hit.to_string()));
    usage.set("prompt_tokens_details", Val::Owned(details.to_json()));
    true
}

/// xAI counts reasoning outside `completion_tokens`; OpenAI inside.
fn xai_reasoning(usage: &mut RawObject<'_>) -> bool {
    let number = |o: &RawObject<'_>, k: &str| o.get(k).and_then(as_u64);
    let reasoning = usage
        .get("completion_tokens_details")
        .and_then(RawObject::of)
        .and_then(|d| number(&d, "reasoning_tokens"))
        .unwrap_or(0);
    let (Some(prompt), Some(completion), Some(total)) = (
        number(usage, "prompt_tokens"),
        number(usage, "completion_tokens"),
        number(usage, "total_tokens"),
    ) else {
        return false;
    };
    let separate = prompt
        .checked_add(completion)
        .and_then(|s| s.checked_add(reasoning));
    if reasoning == 0 || separate != Some(total) {
        return false;
    }
    let counted = completion.saturating_add(reasoning);
    usage.set("completion_tokens", Val::Owned(counted.to_string()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(vendor: Vendor, text: &str) -> (String, Fixed) {
        let mut object = RawObject::parse(text).unwrap();
        let f = fix(vendor, &mut object, "message");
        (object.to_json(), f)
    }

    #[test]
    fn usage_fixes() {
        let (out, f) = fixed(
            Vendor::Deepseek,
            r#"{"usage":{"prompt_tokens":9,"prompt_cache_hit_tokens":4,"prompt_cache_miss_tokens":5}}"#,
        );
        assert!(f.changed);
        assert!(
            out.contains(r#""prompt_tokens_details":{"cached_tokens":4}"#),
            "{out}"
        );
        let same = r#"{"usage":{"prompt_tokens":9,"prompt_tokens_details":{"cached_tokens":4},"prompt_cache_hit_tokens":4}}"#;
        assert!(!fixed(Vendor::Deepseek, same).1.changed);
        let (out, _) = fixed(
            Vendor::Xai,
            r#"{"usage":{"prompt_tokens":663,"completion_tokens":50,"total_tokens":837,"completion_tokens_details":{"reasoning_tokens":124}}}"#,
        );
        assert!(out.contains(r#""completion_tokens":174"#), "{out}");
        let aligned = r#"{"usage":{"prompt_tokens":1,"completion_tokens":5,"total_tokens":6,"completion_tokens_details":{"reasoning_tokens":3}}}"#;
        assert!(!fixed(Vendor::Xai, aligned).1.changed);
    }

    #[test]
    fn finish_reasons_and_arguments() {
        let (out, f) = fixed(
            Vendor::Mistral,
            r#"{"choices":[{"index":0,"finish_reason":"model_length"}]}"#,
        );
        assert!(f.changed && f.finished && !f.failed);
        assert!(out.contains(r#""finish_reason":"length""#));
        assert!(
            fixed(
                Vendor::Mistral,
                r#"{"choices":[{"finish_reason":"error"}]}"#
            )
            .1
            .failed
        );
        let (out, f) = fixed(
            Vendor::Zhipu,
            r#"{"choices":[{"message":{"tool_calls":[{"id":"c","function":{"name":"f","arguments":{"a": 1}}}]}}]}"#,
        );
        assert!(f.changed);
        assert!(out.contains(r#""arguments":"{\"a\": 1}""#), "{out}");
        let string_args =
            r#"{"choices":[{"message":{"tool_calls":[{"function":{"arguments":"{}"}}]}}]}"#;
        assert!(!fixed(Vendor::Zhipu, string_args).1.changed);
    }
}
