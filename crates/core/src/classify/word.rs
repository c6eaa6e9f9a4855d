//! The word being read, packed into a lexicon key as its letters arrive, and
//! the bit tricks that let the scanner take ASCII letters eight at a time.
//!
//! Latin-script text is mostly runs of ASCII letters. The scanner loads eight
//! bytes into a `u64`, finds how many of them are letters with a few integer
//! operations (no branch per byte), and from the same word gets their
//! lower-case form (bit 5 set), which capitals there are and which follow a
//! lower-case letter (camelCase humps). The lower-cased letters are OR-ed into
//! the [`WordKey`] at the word's current length, so when the word ends its key
//! is ready for the lexicon.
//!
//! Invariants: bytes of the key past the word's length are zero (the key is
//! reset when a word ends); a word longer than [`KEY_BYTES`] is marked
//! overflowing and never looked up. No indexing, no allocation.

use super::lexicon::{WordKey, HASH_MUL, KEY_BYTES};

/// Bit 7 of every byte.
pub(super) const HIGH: u64 = 0x8080_8080_8080_8080;
/// Bit 5 of every byte: set in lower-case ASCII letters, clear in capitals.
pub(super) const CASE: u64 = 0x2020_2020_2020_2020;

/// Bit 7 set in each byte of `x` that is an ASCII letter, clear elsewhere.
///
/// With `t` the byte lower-cased and without bit 7, `t + 0x1F` has bit 7 set
/// iff `t >= b'a'` and `0xFA - t` iff `t <= b'z'`; neither carries into the
/// next byte because `t <= 0x7F`. Bytes with bit 7 set (non-ASCII) are
/// excluded by `!x`.
#[inline]
pub(super) const fn letter_bits(x: u64) -> u64 {
    let t = (x | CASE) & !HIGH;
    let at_least_a = t + 0x1F1F_1F1F_1F1F_1F1F;
    let at_most_z = 0xFAFA_FAFA_FAFA_FAFA - t;
    at_least_a & at_most_z & !x & HIGH
}

/// How many of the first bytes of `x` (little-endian) are ASCII letters (0–8).
#[inline]
pub(super) const fn leading_letters(x: u64) -> usize {
    ((!letter_bits(x) & HIGH).trailing_zeros() / 8) as usize
}

/// The first eight bytes of `s` as a little-endian `u64`; fewer are padded
/// with zero bytes (which are not letters).
#[inline]
pub(super) fn load8(s: &[u8]) -> u64 {
    match s.first_chunk::<8>() {
        Some(chunk) => u64::from_le_bytes(*chunk),
        None => {
            let mut bytes = [0u8; 8];
            for (d, b) in bytes.iter_mut().zip(s) {
                *d = *b;
            }
            u64::from_le_bytes(bytes)
        }
    }
}

/// Mask of the low `k` bytes (`k` ≤ 8).
#[inline]
pub(super) const fn low_bytes(k: usize) -> u64 {
    if k >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * k)) - 1
    }
}

/// What [`scan_letters`] saw in a run of ASCII letters.
#[derive(Debug, Clone, Copy)]
pub(super) struct Letters {
    /// Letters in the run.
    pub len: usize,
    /// Capitals right after a lower-case letter (camelCase humps).
    pub humps: u32,
    /// Some letter is lower-case.
    pub any_lower: bool,
}

/// Read the run of ASCII letters that starts `s`, eight at a time, appending
/// them lower-cased to `word`. `prev_lower`: the character before the run is a
/// lower-case ASCII letter of the same word (so a capital first letter is a
/// hump).
#[inline]
pub(super) fn scan_letters(s: &[u8], prev_lower: bool, word: &mut WordBuf) -> Letters {
    let mut carry = if prev_lower { CASE & 0xFF } else { 0 };
    let mut humps = 0u32;
    let mut lower = 0u64;
    let mut n = 0usize;
    loop {
        let x = load8(s.get(n..).unwrap_or(&[]));
        let k = leading_letters(x);
        if k == 0 {
            break;
        }
        let valid = low_bytes(k);
        let x = x & valid;
        let lo = x & CASE;
        let up = !x & CASE & valid;
        // A capital whose left neighbour (shifted in from the byte below, or
        // the carry) is lower-case.
        let hump_bits = up & ((lo << 8) | carry);
        if hump_bits != 0 {
            // Rare outside code; `count_ones` is a library call on x86-64
            // targets without POPCNT.
            humps += hump_bits.count_ones();
        }
        lower |= lo;
        carry = lo >> 56;
        word.append(x | (CASE & valid), k);
        n += k;
        if k < 8 {
            break;
        }
    }
    Letters {
        len: n,
        humps,
        any_lower: lower != 0,
    }
}

/// The letters of the current word (lower-case, accents folded).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct WordBuf {
    key: WordKey,
    /// `lexicon::hash_of(&key)`, kept up to date by `append`.
    hash: u64,
    len: usize,
    /// Longer than a key holds: counted as a word, never looked up.
    overflow: bool,
}

impl WordBuf {
    /// A word has started and not ended yet.
    #[inline]
    pub fn is_open(&self) -> bool {
        self.len > 0 || self.overflow
    }

    /// Append `k` (1–8) letters given in the low bytes of `bytes` (the bytes
    /// above them zero), already lower-case.
    #[inline]
    pub fn append(&mut self, bytes: u64, k: usize) {
        if self.overflow {
            return;
        }
        let end = self.len + k;
        if end > KEY_BYTES {
            self.overflow = true;
            return;
        }
        let (word, shift) = (self.len / 8, 8 * (self.len % 8) as u32);
        let low = bytes << shift;
        if let (Some(w), Some(m)) = (self.key.get_mut(word), HASH_MUL.get(word)) {
            *w |= low;
            self.hash = self.hash.wrapping_add(low.wrapping_mul(*m));
        }
        if shift > 0 {
            // The letters that did not fit the first word go to the next one.
            let high = bytes >> (64 - shift);
            if let (Some(w), Some(m)) = (self.key.get_mut(word + 1), HASH_MUL.get(word + 1)) {
                *w |= high;
                self.hash = self.hash.wrapping_add(high.wrapping_mul(*m));
            }
        }
        self.len = end;
    }

    /// End the word: its key, hash and length, or `None` if it overflowed;
    /// the buffer is empty again.
    #[inline]
    pub fn take(&mut self) -> Option<(WordKey, u64, usize)> {
        let word = std::mem::take(self);
        (!word.overflow).then_some((word.key, word.hash, word.len))
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexicon::{hash_of, key_of};
    use super::*;

    #[test]
    fn letter_bits_match_is_ascii_alphabetic_on_every_byte() {
        for b in 0..=255u8 {
            let x = u64::from(b) << 24 | 0x4100_0000_0041;
            let expected = b.is_ascii_alphabetic();
            assert_eq!(letter_bits(x) & (0x80 << 24) != 0, expected, "{b:#x}");
            // Neighbours are unaffected by the byte in between.
            assert_eq!(letter_bits(x) & 0x80, 0x80);
        }
        assert_eq!(leading_letters(load8(b"abcDEFgh")), 8);
        assert_eq!(leading_letters(load8(b"Hello, world")), 5);
        assert_eq!(leading_letters(load8(b"ab")), 2);
        assert_eq!(leading_letters(load8(b"")), 0);
    }

    #[test]
    fn appended_chunks_build_the_lexicon_key() {
        let mut w = WordBuf::default();
        assert!(!w.is_open());
        for chunk in [&b"inter"[..], b"national", b"isation"] {
            w.append(load8(chunk) & low_bytes(chunk.len()), chunk.len());
        }
        assert!(w.is_open());
        let key = key_of(b"internationalisation");
        assert_eq!(w.take(), Some((key, hash_of(&key), 20)));
        assert!(!w.is_open());
        for _ in 0..4 {
            w.append(load8(b"abcdefg"), 7);
        }
        assert!(w.is_open());
        assert_eq!(w.take(), None);
    }
}
