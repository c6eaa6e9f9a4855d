//! Identifier generation for response ids (`chatcmpl-…`, `msg_…`, `toolu_…`, `req_…`).
//!
//! Ids only need to be unique within one server and match `[A-Za-z0-9_-]+` (the
//! charset Anthropic accepts for tool ids), so a counter scrambled by a bijective
//! mixer is enough; no randomness source is needed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

pub(crate) struct IdGen {
    seed: u64,
    counter: AtomicU64,
}

impl IdGen {
    pub(crate) fn new() -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        Self {
            seed,
            counter: AtomicU64::new(0),
        }
    }

    /// A fresh id: `prefix` followed by 20 alphanumeric characters.
    pub(crate) fn next(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        format!("{prefix}mock{:016x}", mix(self.seed.wrapping_add(n)))
    }
}

/// splitmix64 finaliser: a bijection, so distinct counters give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Seconds since the Unix epoch, for OpenAI's `created`.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_safe() {
        let ids = IdGen::new();
        let a = ids.next("toolu_");
        let b = ids.next("toolu_");
        assert_ne!(a, b);
        assert!(a.starts_with("toolu_"));
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'));
    }
}
