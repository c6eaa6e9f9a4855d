//! Tool-call ids Mistral accepts: exactly nine characters of `[a-zA-Z0-9]`.
//!
//! Mistral answers 400 `Tool call id was call_… but must be a-z, A-Z, 0-9,
//! with a length of 9` when a history made with another provider (OpenAI's
//! `call_…`, Anthropic's `toolu_…`) is replayed to it. The id is opaque to
//! the model; what matters is that an assistant's `tool_calls[].id` and the
//! tool message's `tool_call_id` still match. The mapping is therefore a pure
//! function of the id — the two places agree without shared state, and every
//! replay of a conversation maps the same way.
//!
//! Invariants: a valid id is returned unchanged (Mistral's own ids
//! round-trip); any other id becomes nine base-62 digits of its SHA-256, so
//! distinct ids collide with probability about n²/2·62⁹ (negligible for the
//! tens of calls in one conversation).

use std::borrow::Cow;

use sha2::{Digest, Sha256};

const LEN: usize = 9;
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

pub(super) fn is_mistral_id(id: &str) -> bool {
    id.len() == LEN && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The id as Mistral accepts it; see the module doc.
pub(super) fn mistral_id(id: &str) -> Cow<'_, str> {
    if is_mistral_id(id) {
        return Cow::Borrowed(id);
    }
    let digest = Sha256::digest(id.as_bytes());
    let mut bytes = [0u8; 8];
    for (slot, b) in bytes.iter_mut().zip(digest.iter()) {
        *slot = *b;
    }
    // 62⁹ < 2⁶⁴: nine digits of one 64-bit number.
    let mut n = u64::from_be_bytes(bytes);
    let mut out = String::with_capacity(LEN);
    for _ in 0..LEN {
        let digit = usize::try_from(n % 62).unwrap_or(0);
        out.push(char::from(DIGITS.get(digit).copied().unwrap_or(b'0')));
        n /= 62;
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ids_round_trip_and_others_map_stably() {
        assert!(matches!(
            mistral_id("aB3dE6gH9"),
            Cow::Borrowed("aB3dE6gH9")
        ));
        for id in [
            "call_abc123",
            "toolu_01",
            "",
            "ünï",
            "aB3dE6gH",
            "aB3dE6gH9x",
            "a_3dE6gH9",
        ] {
            let mapped = mistral_id(id);
            assert!(is_mistral_id(&mapped), "{id} -> {mapped}");
            assert_eq!(mapped, mistral_id(id));
        }
        assert_ne!(mistral_id("call_1"), mistral_id("call_2"));
    }
}
