//! Tool-call ids that every provider accepts (pitfall 4).
//!
//! Anthropic (and Bedrock) reject tool-use ids outside `^[a-zA-Z0-9_-]+$`, but
//! other vendors mint ids such as `functions.Bash:0`, and clients replay them
//! in history. The mapping is a pure function of the id, so the assistant's
//! `tool_use.id` and the later `tool_result.tool_use_id` always agree without
//! any state shared between the two messages.
//!
//! Invariants: a valid id is returned unchanged (so ids minted by the provider
//! round-trip untouched); an invalid one becomes `<sanitised prefix>_<hash>`,
//! where the hash of the *original* id keeps distinct ids distinct even when
//! their sanitised prefixes collide (`a.b` vs `a:b`).

use std::borrow::Cow;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

/// Longest prefix kept from an invalid id; the hash makes it unique anyway.
const MAX_PREFIX_CHARS: usize = 40;
/// Hash bytes appended (12 hex characters: collisions are not a concern).
const HASH_BYTES: usize = 6;

fn is_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// The id as Anthropic will accept it; see the module doc.
pub(crate) fn sanitize(id: &str) -> Cow<'_, str> {
    if !id.is_empty() && id.chars().all(is_allowed) {
        return Cow::Borrowed(id);
    }
    let mut out: String = id
        .chars()
        .take(MAX_PREFIX_CHARS)
        .map(|c| if is_allowed(c) { c } else { '_' })
        .collect();
    if out.is_empty() {
        out.push_str("call");
    }
    out.push('_');
    let digest = Sha256::digest(id.as_bytes());
    for byte in digest.iter().take(HASH_BYTES) {
        // Writing to a String cannot fail.
        let _ = write!(out, "{byte:02x}");
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid(id: &str) -> bool {
        !id.is_empty() && id.chars().all(is_allowed)
    }

    #[test]
    fn valid_ids_pass_unchanged() {
        assert!(matches!(
            sanitize("toolu_01A-b_c"),
            Cow::Borrowed("toolu_01A-b_c")
        ));
    }

    #[test]
    fn invalid_ids_are_sanitised_deterministically_and_distinctly() {
        let a = sanitize("functions.Bash:0");
        assert!(valid(&a), "{a}");
        assert!(a.starts_with("functions_Bash_0_"));
        assert_eq!(a, sanitize("functions.Bash:0"));
        assert_ne!(sanitize("a.b"), sanitize("a:b"));
        assert!(valid(&sanitize("")));
        assert!(valid(&sanitize("ünï cödé")));
        assert!(sanitize(&"x.".repeat(1000)).len() < 60);
    }
}
