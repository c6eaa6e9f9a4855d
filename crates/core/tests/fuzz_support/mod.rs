//! Shared driver for the property-style robustness tests (`*_no_panic.rs`):
//! a seeded xorshift generator, and the three ways those tests derive inputs
//! from valid seeds: prefixes (truncation), random edits with "interesting"
//! bytes (mutation), and plain random bytes. Everything is deterministic, so
//! a failure reproduces.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

/// A plain xorshift64 generator: deterministic and dependency-free.
pub struct XorShift(pub u64);

impl XorShift {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// About `count` prefixes of `seed`, from empty to whole, evenly spaced
/// (every prefix when `count >= seed.len()`).
pub fn prefixes(seed: &[u8], count: usize) -> impl Iterator<Item = &[u8]> {
    let step = (seed.len() / count.max(1)).max(1);
    (0..=seed.len()).step_by(step).map(|cut| &seed[..cut])
}

/// A copy of `seed` with 1 to `max_edits + 1` random edits: a byte replaced
/// by one of `interesting`, a byte removed, or one of `interesting` inserted.
pub fn mutate(rng: &mut XorShift, seed: &[u8], interesting: &[u8], max_edits: usize) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(max_edits) {
        let at = rng.below(bytes.len());
        match rng.below(3) {
            0 if !bytes.is_empty() => {
                bytes[at] = interesting[rng.below(interesting.len())];
            }
            1 if !bytes.is_empty() => {
                bytes.remove(at);
            }
            _ => bytes.insert(
                at.min(bytes.len()),
                interesting[rng.below(interesting.len())],
            ),
        }
    }
    bytes
}

/// Calls `exercise` with `rounds` [`mutate`]d copies of every seed, from a
/// fixed generator seed that `exercise` may draw from too.
pub fn each_mutation<S: AsRef<[u8]>>(
    seeds: impl IntoIterator<Item = S>,
    rounds: usize,
    interesting: &[u8],
    max_edits: usize,
    mut exercise: impl FnMut(&[u8], &mut XorShift),
) {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for seed in seeds {
        for _ in 0..rounds {
            let bytes = mutate(&mut rng, seed.as_ref(), interesting, max_edits);
            exercise(&bytes, &mut rng);
        }
    }
}

/// Calls `exercise` with `count` strings of [`random_bytes`], from a fixed
/// generator seed that `exercise` may draw from too.
pub fn each_random(count: usize, max_len: usize, mut exercise: impl FnMut(&[u8], &mut XorShift)) {
    let mut rng = XorShift(0xD1B5_4A32_D192_ED03);
    for _ in 0..count {
        let bytes = random_bytes(&mut rng, max_len);
        exercise(&bytes, &mut rng);
    }
}

/// Random bytes, fewer than `max_len` of them.
pub fn random_bytes(rng: &mut XorShift, max_len: usize) -> Vec<u8> {
    let len = rng.below(max_len);
    (0..len).map(|_| rng.next() as u8).collect()
}
