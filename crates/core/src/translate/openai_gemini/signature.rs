//! Carrying Gemini thought signatures through OpenAI clients (pitfall 8).
//!
//! Gemini attaches an opaque `thoughtSignature` (base64 bytes) to the first
//! `functionCall` of each step and Gemini 3 answers 400 when it does not come
//! back on that part. OpenAI clients have no field for it, so an answer
//! carries it in two places, and a request restores it from either:
//!
//! 1. `tool_calls[].extra_content.google.thought_signature`: the signature
//!    verbatim (Gemini's own OpenAI-compatible convention), preferred on the
//!    way back;
//! 2. the tool-call id itself, `<call id>__thought__<signature>`, for clients
//!    that drop unknown fields but always replay ids. The separator is
//!    LiteLLM's, so ids minted by either gateway are understood by both. The
//!    signature is written in the URL-safe base64 alphabet without padding,
//!    so the id stays within `[A-Za-z0-9_-]` when the call id does (and
//!    passes Anthropic's id pattern untouched on a failover); either alphabet
//!    is read back, and the standard padded form is what Gemini receives.
//!
//! The mapping is a pure function of its inputs: the same signature always
//! gives the same id, and decoding an encoded id gives the signature back
//! exactly (for canonical base64, which is what Gemini emits).
//!
//! When a replayed step has no signature at all (history from another
//! provider, or a client that rewrote ids), its first call gets
//! [`SKIP_VALIDATOR`], the value Gemini documents for that case.

/// Between the call id and the encoded signature.
pub(super) const SEPARATOR: &str = "__thought__";

/// Gemini's documented stand-in for a signature that was not produced by it.
pub(super) const SKIP_VALIDATOR: &str = "skip_thought_signature_validator";

fn is_base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_')
}

/// `<base>__thought__<signature in URL-safe base64>`; just `base` when the
/// signature is empty or not base64 (it then travels in `extra_content` only).
pub(super) fn encode_id(base: &str, signature: &str) -> String {
    let body = signature.trim_end_matches('=');
    if body.is_empty() || !body.chars().all(is_base64_char) {
        return base.to_owned();
    }
    let mut id = String::with_capacity(base.len() + SEPARATOR.len() + body.len());
    id.push_str(base);
    id.push_str(SEPARATOR);
    id.extend(body.chars().map(|c| match c {
        '+' => '-',
        '/' => '_',
        c => c,
    }));
    id
}

/// The call id without an encoded signature, and the signature in standard
/// padded base64 when the id carries a valid one.
pub(super) fn split_id(id: &str) -> (&str, Option<String>) {
    let Some((base, encoded)) = id.split_once(SEPARATOR) else {
        return (id, None);
    };
    (base, decode(encoded))
}

fn decode(encoded: &str) -> Option<String> {
    let body = encoded.trim_end_matches('=');
    if body.is_empty() || !body.chars().all(is_base64_char) || body.len() % 4 == 1 {
        return None;
    }
    let mut out = String::with_capacity(body.len() + 3);
    out.extend(body.chars().map(|c| match c {
        '-' => '+',
        '_' => '/',
        c => c,
    }));
    while !out.len().is_multiple_of(4) {
        out.push('=');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_padding() {
        for sig in ["CiQB+/8=", "CiQB+/8A", "Cg==", "ab+/cd+/ef=="] {
            let id = encode_id("call_0", sig);
            assert!(id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
            assert_eq!(split_id(&id), ("call_0", Some(sig.to_owned())), "{sig}");
        }
    }

    #[test]
    fn reads_litellm_style_standard_alphabet() {
        assert_eq!(
            split_id("call_abc__thought__CiQB+/8="),
            ("call_abc", Some("CiQB+/8=".to_owned()))
        );
    }

    #[test]
    fn odd_inputs_are_left_alone() {
        assert_eq!(encode_id("c", ""), "c");
        assert_eq!(encode_id("c", "not base64!"), "c");
        assert_eq!(split_id("plain"), ("plain", None));
        assert_eq!(split_id("c__thought__"), ("c", None));
        assert_eq!(split_id("c__thought__a"), ("c", None));
        assert_eq!(split_id("c__thought__a b"), ("c", None));
    }
}
