//! Reading a JSON string literal straight from the request body, without copying it.
//!
//! Message contents are kept as borrowed raw JSON (`&RawValue`), and this module
//! walks the literal's characters, decoding escapes on the fly (`\n`, `\"`,
//! `\uXXXX` including surrogate pairs: clients that escape all non-ASCII, as
//! Python's `json.dumps` does by default, must still be read as CJK text).
//!
//! Long literals are *sampled*: the first [`HEAD_BYTES`] and the last
//! [`TAIL_BYTES`] raw bytes are decoded (instructions sit at the start or the end
//! of a long prompt), and the caller is told the sampled and total raw sizes so it
//! can extrapolate counts. The tail starts just after a space, so it never begins
//! inside an escape or a multi-byte character; in text without spaces it starts at
//! the next character boundary, where at worst a few characters of an escape are
//! read as text.
//!
//! Invariant: total on any input (a literal cut short or malformed decodes what it
//! can); never allocates.

/// Raw bytes decoded from the start of a long literal.
pub const HEAD_BYTES: usize = 6 * 1024;
/// Raw bytes decoded from the end of a long literal.
pub const TAIL_BYTES: usize = 2 * 1024;

/// How much of a literal was decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sampled {
    /// Raw bytes between the quotes.
    pub total: usize,
    /// Raw bytes actually decoded (== `total` unless the literal was sampled).
    pub scanned: usize,
}

impl Sampled {
    /// `value` scaled from the sampled part to the whole literal.
    pub fn extrapolate(self, value: u64) -> u64 {
        if self.scanned == 0 || self.scanned >= self.total {
            return value;
        }
        let total = u64::try_from(self.total).unwrap_or(u64::MAX);
        let scanned = u64::try_from(self.scanned).unwrap_or(1);
        value.saturating_mul(total) / scanned
    }
}

/// Receives decoded text: plain ASCII straight from the literal, in slices (so
/// consumers can loop over bytes tightly and find the end of the plain run
/// themselves, without a separate pass), everything else one character at a
/// time.
pub trait Sink {
    /// Read the plain prefix of `s`: up to, not including, the first backslash or
    /// byte ≥ 0x80 (all of `s` if there is none); return its length. Returning
    /// less is allowed (the rest comes back through [`Sink::char`]).
    fn text(&mut self, s: &[u8]) -> usize;
    fn char(&mut self, c: char);
}

/// Length of the plain prefix of `s` (see [`Sink::text`]).
pub fn plain_len(s: &[u8]) -> usize {
    s.iter()
        .position(|&b| b == b'\\' || b >= 0x80)
        .unwrap_or(s.len())
}

/// A closure is a sink (used where speed does not matter).
impl<F: FnMut(char)> Sink for F {
    fn text(&mut self, s: &[u8]) -> usize {
        let n = plain_len(s);
        s.iter().take(n).for_each(|&b| self(char::from(b)));
        n
    }
    fn char(&mut self, c: char) {
        self(c);
    }
}

/// `raw` is a JSON string literal including its quotes. Feeds the decoded
/// characters of its (possibly sampled) content to `f`.
pub fn for_each_char(raw: &str, f: &mut impl Sink) -> Sampled {
    let inner = raw
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(raw);
    let total = inner.len();
    if total <= HEAD_BYTES + TAIL_BYTES {
        decode(inner, f);
        return Sampled {
            total,
            scanned: total,
        };
    }
    let head = inner.get(..floor_boundary(inner, HEAD_BYTES)).unwrap_or("");
    let tail = inner.get(tail_start(inner)..).unwrap_or("");
    decode(head, f);
    // The gap stands for the skipped middle: a paragraph break keeps line-based
    // features of the two samples apart.
    f.text(b"\n\n");
    decode(tail, f);
    Sampled {
        total,
        scanned: head.len() + tail.len(),
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Where the tail sample starts: just after the first space in the last
/// `TAIL_BYTES` (+256 bytes of slack), else at a character boundary.
fn tail_start(s: &str) -> usize {
    let from = s.len().saturating_sub(TAIL_BYTES);
    let window = s.as_bytes().get(from..).unwrap_or(&[]);
    let slack = window.len().min(256);
    match window.iter().take(slack).position(|&b| b == b' ') {
        Some(p) => from + p + 1,
        None => {
            let mut i = from;
            while i < s.len() && !s.is_char_boundary(i) {
                i += 1;
            }
            i
        }
    }
}

/// Decode JSON escapes in `s` (the inside of a literal).
fn decode(s: &str, f: &mut impl Sink) {
    let mut rest = s;
    let mut pending_high: Option<u32> = None;
    loop {
        // The plain run goes out in one call; the sink finds where it ends.
        if rest
            .as_bytes()
            .first()
            .is_some_and(|&b| b != b'\\' && b < 0x80)
        {
            flush_high(&mut pending_high, f);
            let plain = f.text(rest.as_bytes());
            rest = rest.get(plain..).unwrap_or("");
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        if c != '\\' {
            flush_high(&mut pending_high, f);
            f.char(c);
            rest = chars.as_str();
            continue;
        }
        decode_escape(&mut chars, &mut pending_high, f);
        rest = chars.as_str();
    }
    flush_high(&mut pending_high, f);
}

/// One escape sequence, the backslash already consumed.
fn decode_escape(
    chars: &mut std::str::Chars<'_>,
    pending_high: &mut Option<u32>,
    f: &mut impl Sink,
) {
    {
        let Some(e) = chars.next() else { return };
        let simple = match e {
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            'b' | 'f' => Some(' '),
            'u' => None,
            other => Some(other), // \" \\ \/ and anything malformed: the char itself
        };
        if let Some(c) = simple {
            flush_high(pending_high, f);
            f.char(c);
            return;
        }
        let mut code = 0u32;
        let mut digits = 0;
        for _ in 0..4 {
            match chars.next().and_then(|h| h.to_digit(16)) {
                Some(d) => {
                    code = code * 16 + d;
                    digits += 1;
                }
                None => break,
            }
        }
        if digits < 4 {
            flush_high(pending_high, f);
            f.char(char::REPLACEMENT_CHARACTER);
            return;
        }
        match code {
            0xD800..=0xDBFF => {
                flush_high(pending_high, f);
                *pending_high = Some(code);
            }
            0xDC00..=0xDFFF => match pending_high.take() {
                Some(high) => {
                    let cp = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                    f.char(char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                None => f.char(char::REPLACEMENT_CHARACTER),
            },
            _ => {
                flush_high(pending_high, f);
                f.char(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
        }
    }
}

/// A high surrogate not followed by a low one is a replacement character.
fn flush_high(pending: &mut Option<u32>, f: &mut impl Sink) {
    if pending.take().is_some() {
        f.char(char::REPLACEMENT_CHARACTER);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(raw: &str) -> (String, Sampled) {
        let mut out = String::new();
        let s = for_each_char(raw, &mut |c| out.push(c));
        (out, s)
    }

    #[test]
    fn escapes_and_surrogates_decode() {
        let (s, _) = decoded(r#""a\nb \"q\" \u603b\u7ed3 \ud83d\ude00 \\""#);
        assert_eq!(s, "a\nb \"q\" 总结 😀 \\");
    }

    #[test]
    fn malformed_escapes_do_not_panic() {
        for raw in [r#""\u12"#, r#""\"#, r#""\ud800x""#, r#""\udc00""#, "\"", ""] {
            let _ = decoded(raw);
        }
        assert_eq!(decoded(r#""\ud800x""#).0, "\u{FFFD}x");
    }

    #[test]
    fn long_literals_are_sampled_and_extrapolated() {
        let body = format!("\"{}\"", "word ".repeat(100_000));
        let (s, sampled) = decoded(&body);
        assert_eq!(sampled.total, 500_000);
        assert!(sampled.scanned <= HEAD_BYTES + TAIL_BYTES);
        assert!(s.len() <= HEAD_BYTES + TAIL_BYTES + 2);
        assert_eq!(sampled.extrapolate(sampled.scanned as u64), 500_000);
    }

    #[test]
    fn tail_without_spaces_starts_on_a_char_boundary() {
        let body = format!("\"{}\"", "总".repeat(10_000));
        let (s, _) = decoded(&body);
        assert!(s.chars().all(|c| c == '总' || c == '\n'));
    }
}
