//! Fast token estimation, without a tokenizer.
//!
//! The router needs a prompt's size before it picks a model (the context-window
//! filter), long before any provider counts it. A real BPE tokenizer needs a
//! vocabulary of megabytes and a regex engine; this estimator mimics how the
//! o200k/cl100k pre-tokenizers cut text (letter runs with one leading space, digit
//! groups of at most three, punctuation runs, whitespace runs, one piece per CJK
//! character) and prices each piece with costs calibrated against o200k_base on the
//! project's labelled prompt set (docs/classifier.md reports the error;
//! `tests/estimate_calibration.rs` measures it).
//!
//! Invariants: no allocation, no table built at run time, total on any input,
//! deterministic (integer milli-token arithmetic), O(n) in the text. Counts
//! saturate instead of overflowing.

/// Tokens added per chat message by the chat format (framing tokens + the role).
pub const TOKENS_PER_MESSAGE: u32 = 4;
/// Tokens that prime the assistant's reply, once per request.
pub const REPLY_PRIMING_TOKENS: u32 = 3;
/// One image part. Providers bill images by resolution, which the gateway does not
/// decode; 765 is OpenAI's price of a 1024×1024 high-detail image, a middle value.
pub const IMAGE_TOKENS: u32 = 765;
/// Bytes of an inline (base64) file per estimated token; documents carry much
/// markup, so this is deliberately rough and errs towards more tokens.
pub const FILE_BYTES_PER_TOKEN: u32 = 8;

/// Costs in milli-tokens, calibrated against o200k_base (see module docs).
mod cost {
    /// Han characters: o200k merges many common two-character words.
    pub const HAN: u32 = 750;
    pub const KANA: u32 = 720;
    pub const HANGUL: u32 = 800;
    /// Letters of other alphabets (Cyrillic, Greek, Arabic, …) cost more than
    /// Latin ones because the vocabularies hold fewer of their words.
    pub const OTHER_LETTER: u32 = 330;
    /// Emoji and other astral-plane symbols are usually two or more byte tokens.
    pub const ASTRAL: u32 = 2_000;
    /// Any other symbol (CJK punctuation, dashes, typographic quotes).
    pub const SYMBOL: u32 = 1_000;
    /// A piece of one to three digits.
    pub const DIGIT_GROUP: u32 = 1_000;
    /// A run of whitespace that is a token of its own.
    pub const WHITESPACE: u32 = 1_000;
    /// First character of a punctuation run, and each character after the third.
    pub const PUNCT_FIRST: u32 = 1_000;
    pub const PUNCT_EXTRA: u32 = 500;
    /// A Latin word: one token up to `WORD_SHORT` letters, then a little more per
    /// letter, then more again past `WORD_LONG` (rare words split into pieces).
    pub const WORD: u32 = 1_000;
    pub const WORD_SHORT: u32 = 6;
    pub const WORD_MID_PER_LETTER: u32 = 40;
    pub const WORD_LONG: u32 = 12;
    pub const WORD_LONG_PER_LETTER: u32 = 220;
    /// Capitalised words of five letters or more split more often (names).
    pub const WORD_CAPITAL: u32 = 150;
    /// Each accented Latin letter tends to start a new piece.
    pub const WORD_ACCENT: u32 = 450;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    None,
    Word,
    Digits,
    Punct,
    Space,
}

/// The run an ASCII character continues without changing any flag (a line
/// break is not listed: it sets the run's newline flag, so it takes the slow path).
#[inline(always)]
const fn ascii_run(b: u8) -> Run {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => Run::Word,
        b'0'..=b'9' => Run::Digits,
        b' ' | b'\t' => Run::Space,
        b'!'..=b'/' | b':'..=b'@' | b'['..=b'`' | b'{'..=b'~' => Run::Punct,
        _ => Run::None,
    }
}

/// [`Class`] of an ASCII byte, as a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Lower,
    Upper,
    Digit,
    Punct,
    Space,
    Newline,
    Control,
}

impl Kind {
    const fn of(b: u8) -> Kind {
        match b {
            b'a'..=b'z' => Kind::Lower,
            b'A'..=b'Z' => Kind::Upper,
            b'0'..=b'9' => Kind::Digit,
            b' ' | b'\t' | 0x0b | 0x0c => Kind::Space,
            b'\n' | b'\r' => Kind::Newline,
            0..=0x1f | 0x7f => Kind::Control,
            _ => Kind::Punct,
        }
    }

    const fn run(self) -> Run {
        match self {
            Kind::Lower | Kind::Upper => Run::Word,
            Kind::Digit => Run::Digits,
            Kind::Punct => Run::Punct,
            Kind::Space | Kind::Newline => Run::Space,
            Kind::Control => Run::None,
        }
    }
}

/// [`Kind::of`] every ASCII byte (built at compile time; slice patterns
/// because indexing is not allowed here).
static ASCII_KIND: [Kind; 128] = {
    let mut table = [Kind::Punct; 128];
    let mut rest: &mut [Kind] = &mut table;
    let mut b = 0u8;
    while let [slot, tail @ ..] = rest {
        *slot = Kind::of(b);
        b += 1;
        rest = tail;
    }
    table
};

/// [`Kind::run`] of every ASCII byte.
static ASCII_RUN: [Run; 128] = {
    let mut table = [Run::None; 128];
    let mut rest: &mut [Run] = &mut table;
    let mut b = 0u8;
    while let [slot, tail @ ..] = rest {
        *slot = Kind::of(b).run();
        b += 1;
        rest = tail;
    }
    table
};

/// What one character is, as far as the pre-tokenizer is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Latin {
        ascii: bool,
        upper: bool,
    },
    Digit,
    Punct,
    Space,
    Newline,
    /// Priced per character (CJK, other alphabets, symbols, emoji).
    Single(u32),
}

fn class_of(c: char) -> Class {
    let cp = u32::from(c);
    if cp < 0x80 {
        return match c {
            'a'..='z' => Class::Latin {
                ascii: true,
                upper: false,
            },
            'A'..='Z' => Class::Latin {
                ascii: true,
                upper: true,
            },
            '0'..='9' => Class::Digit,
            ' ' | '\t' | '\x0b' | '\x0c' => Class::Space,
            '\n' | '\r' => Class::Newline,
            _ if c.is_ascii_control() => Class::Single(cost::SYMBOL),
            _ => Class::Punct,
        };
    }
    match cp {
        // Latin-1 letters and Latin Extended-A/B (accents, ß, ø, …)
        0xC0..=0x24F if cp != 0xD7 && cp != 0xF7 => Class::Latin {
            ascii: false,
            upper: cp < 0xDF,
        },
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF => {
            Class::Single(cost::HAN)
        }
        0x3040..=0x30FF | 0x31F0..=0x31FF => Class::Single(cost::KANA),
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Class::Single(cost::HANGUL),
        0x10000.. => Class::Single(cost::ASTRAL),
        _ if c.is_alphabetic() => Class::Single(cost::OTHER_LETTER),
        _ if c.is_whitespace() => Class::Space,
        _ => Class::Single(cost::SYMBOL),
    }
}

/// A streaming estimator: feed characters in order, read the estimate at the end.
/// The classifier feeds it during its single pass over a request's text, with
/// runs of letters and of spaces its scanner has already found
/// (`ascii_letters`, `ascii_spaces`) and single ASCII bytes (`push_ascii_byte`);
/// every way of feeding a text gives the same estimate as `push` per character.
#[derive(Debug, Clone)]
pub struct TokenCounter {
    milli: u64,
    run: Run,
    run_len: u32,
    /// Word: accented letters. Space: spaces/tabs after the last line break.
    run_extra: u32,
    run_upper: bool,
    run_newline: bool,
}

impl Default for TokenCounter {
    fn default() -> Self {
        Self::new()
    }
}

impl TokenCounter {
    pub const fn new() -> Self {
        Self {
            milli: 0,
            run: Run::None,
            run_len: 0,
            run_extra: 0,
            run_upper: false,
            run_newline: false,
        }
    }

    pub fn push_str(&mut self, text: &str) {
        for c in text.chars() {
            self.push(c);
        }
    }

    /// Feed a run of ASCII bytes (bytes ≥ 0x80 count as U+FFFD).
    pub fn push_ascii(&mut self, run: &[u8]) {
        let mut rest = run;
        while let Some(&b) = rest.first() {
            if b.is_ascii_alphabetic() {
                let n = rest
                    .iter()
                    .position(|c| !c.is_ascii_alphabetic())
                    .unwrap_or(rest.len());
                self.ascii_letters(b.is_ascii_uppercase(), n);
                rest = rest.get(n..).unwrap_or(&[]);
                continue;
            }
            self.push(if b.is_ascii() {
                char::from(b)
            } else {
                char::REPLACEMENT_CHARACTER
            });
            rest = rest.get(1..).unwrap_or(&[]);
        }
    }

    /// Feed `n` ASCII letters at once (the classifier's scanner already found
    /// the run); `first_upper` tells whether the first one is a capital. The
    /// same as pushing them one by one, at the cost of one.
    #[inline]
    pub(crate) fn ascii_letters(&mut self, first_upper: bool, n: usize) {
        if n == 0 {
            return;
        }
        if self.run != Run::Word {
            // After a space (the usual case) without the general `match`.
            if self.run == Run::Space {
                self.add(self.space_cost(true));
            } else {
                self.close(true);
            }
            self.run = Run::Word;
            self.run_len = 0;
            self.run_extra = 0;
            self.run_newline = false;
            self.run_upper = first_upper;
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.run_len = self.run_len.saturating_add(n);
    }

    /// Feed `n` ASCII spaces at once; the same as pushing them one by one.
    #[inline]
    pub(crate) fn ascii_spaces(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        if self.run != Run::Space {
            // After a word (the usual case) without the general `match`.
            if self.run == Run::Word {
                self.add(self.word_cost());
            } else {
                self.close(true);
            }
            self.run = Run::Space;
            self.run_len = 0;
            self.run_extra = 0;
            self.run_newline = false;
            self.run_upper = false;
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.run_len = self.run_len.saturating_add(n);
        self.run_extra = self.run_extra.saturating_add(n);
    }

    /// Feed one ASCII byte that is not a letter (letters come in runs, see
    /// [`Self::ascii_letters`]); the same as `push`, with the classification
    /// from a table and no indirect jump (the classifier calls this for every
    /// space and punctuation mark).
    #[inline]
    pub(crate) fn push_ascii_byte(&mut self, b: u8) {
        let kind = ASCII_KIND
            .get(usize::from(b))
            .copied()
            .unwrap_or(Kind::Control);
        let run = ASCII_RUN.get(usize::from(b)).copied().unwrap_or(Run::None);
        if run != self.run || run == Run::None {
            // Everything but a digit takes the one space before it into its piece.
            self.close(run != Run::Digits);
            self.run = run;
            self.run_len = 0;
            self.run_extra = 0;
            self.run_newline = false;
            self.run_upper = kind == Kind::Upper;
        }
        self.run_len = self.run_len.saturating_add(1);
        if kind == Kind::Space {
            self.run_extra = self.run_extra.saturating_add(1);
        } else if kind == Kind::Newline {
            self.run_newline = true;
            self.run_extra = 0;
        } else if kind == Kind::Control {
            self.add(cost::SYMBOL);
        }
    }

    #[inline(always)]
    pub fn push(&mut self, c: char) {
        // Fast path: an ASCII character that continues the open run (letters of a
        // word, digits, punctuation, spaces of an indentation).
        if c.is_ascii() {
            let run = ascii_run(c as u8);
            if run == self.run && run != Run::None {
                self.run_len = self.run_len.saturating_add(1);
                if run == Run::Space {
                    self.run_extra = self.run_extra.saturating_add(1);
                }
                return;
            }
        }
        self.push_slow(c);
    }

    fn push_slow(&mut self, c: char) {
        let class = class_of(c);
        let run = match class {
            Class::Latin { .. } => Run::Word,
            Class::Digit => Run::Digits,
            Class::Punct => Run::Punct,
            Class::Space | Class::Newline => Run::Space,
            Class::Single(_) => Run::None,
        };
        if run != self.run || run == Run::None {
            // Everything but a digit takes the one space before it into its piece.
            self.close(run != Run::Digits);
            self.run = run;
            self.run_len = 0;
            self.run_extra = 0;
            self.run_newline = false;
            self.run_upper = matches!(class, Class::Latin { upper: true, .. });
        }
        self.run_len = self.run_len.saturating_add(1);
        match class {
            Class::Latin { ascii: false, .. } => self.run_extra = self.run_extra.saturating_add(1),
            Class::Newline => {
                self.run_newline = true;
                self.run_extra = 0;
            }
            Class::Space => self.run_extra = self.run_extra.saturating_add(1),
            Class::Single(milli) => self.add(milli),
            _ => {}
        }
    }

    /// The estimate so far (rounded to nearest), including the open run.
    pub fn tokens(&self) -> u32 {
        let open = self.run_cost(false);
        let total = self
            .milli
            .saturating_add(u64::from(open))
            .saturating_add(500)
            / 1000;
        u32::try_from(total).unwrap_or(u32::MAX)
    }

    /// Milli-tokens so far, for callers that scale a sampled estimate.
    pub fn milli_tokens(&self) -> u64 {
        self.milli.saturating_add(u64::from(self.run_cost(false)))
    }

    fn add(&mut self, milli: u32) {
        self.milli = self.milli.saturating_add(u64::from(milli));
    }

    fn close(&mut self, next_absorbs_space: bool) {
        let c = self.run_cost(next_absorbs_space);
        self.add(c);
    }

    /// Cost of the open run, given whether what follows takes a leading space
    /// into its own piece (words, punctuation and CJK do, as in the BPE
    /// pre-tokenizers; digits do not).
    fn run_cost(&self, next_absorbs_space: bool) -> u32 {
        let n = self.run_len;
        match self.run {
            Run::None => 0,
            Run::Word => self.word_cost(),
            Run::Digits => n.div_ceil(3).saturating_mul(cost::DIGIT_GROUP),
            Run::Punct => cost::PUNCT_FIRST
                .saturating_add(n.saturating_sub(3).saturating_mul(cost::PUNCT_EXTRA)),
            Run::Space => self.space_cost(next_absorbs_space),
        }
    }

    /// [`Self::run_cost`] of a word run.
    #[inline]
    fn word_cost(&self) -> u32 {
        // Without branches on the length: words of every length are frequent,
        // so branches here would be mispredicted.
        let n = self.run_len;
        let mid = n.min(cost::WORD_LONG).saturating_sub(cost::WORD_SHORT);
        let long = n.saturating_sub(cost::WORD_LONG);
        let capital = if self.run_upper && n >= 5 {
            cost::WORD_CAPITAL
        } else {
            0
        };
        cost::WORD
            .saturating_add(mid.saturating_mul(cost::WORD_MID_PER_LETTER))
            .saturating_add(long.saturating_mul(cost::WORD_LONG_PER_LETTER))
            .saturating_add(capital)
            .saturating_add(self.run_extra.saturating_mul(cost::WORD_ACCENT))
    }

    /// [`Self::run_cost`] of a whitespace run.
    #[inline]
    fn space_cost(&self, next_absorbs_space: bool) -> u32 {
        let trailing = self.run_extra.saturating_sub(u32::from(next_absorbs_space));
        u32::from(self.run_newline) * cost::WHITESPACE + u32::from(trailing > 0) * cost::WHITESPACE
    }
}

/// Estimated tokens of `text` (o200k-like). Scans every character.
pub fn estimate_tokens(text: &str) -> u32 {
    let mut counter = TokenCounter::new();
    counter.push_str(text);
    counter.tokens()
}

/// Estimated prompt tokens of an OpenAI chat request body: message texts, the
/// per-message framing, tool calls in the history, tool schemas, images and files.
/// Long messages are sampled (head and tail) and extrapolated, so the cost stays
/// bounded on megabyte prompts. A body that is not a chat request is estimated as
/// plain text, so the answer is never zero for a non-empty body.
pub fn estimate_request_tokens(body: &[u8]) -> u32 {
    match crate::classify::classify_chat_request(body) {
        Ok(c) => c.features.prompt_tokens_estimate,
        Err(_) => {
            let mut counter = TokenCounter::new();
            for chunk in body.utf8_chunks() {
                counter.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    counter.push(char::REPLACEMENT_CHARACTER);
                }
            }
            counter.tokens()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_zero_and_words_are_about_one_token() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("hello"), 1);
        assert_eq!(estimate_tokens("Hello world, how are you doing today?"), 9);
    }

    #[test]
    fn digits_group_by_three() {
        assert_eq!(estimate_tokens("1234567"), 3);
    }

    #[test]
    fn cjk_counts_characters_not_bytes() {
        let zh = estimate_tokens("请总结这篇文章的主要内容");
        assert!((7..=11).contains(&zh), "{zh}");
    }

    #[test]
    fn indentation_and_newlines_are_tokens() {
        assert_eq!(estimate_tokens("a\n    b"), 4);
    }

    #[test]
    fn ascii_runs_count_like_single_characters() {
        let text = "Hello, World!  camelCase\tTABS\r\n    x = 1_000_000;\u{1}\u{7f} end  ";
        let mut by_char = TokenCounter::new();
        by_char.push_str(text);
        let mut by_run = TokenCounter::new();
        by_run.push_ascii(text.as_bytes());
        assert_eq!(by_run.milli_tokens(), by_char.milli_tokens());
        let mut by_byte = TokenCounter::new();
        for &b in text.as_bytes() {
            match b {
                b' ' => by_byte.ascii_spaces(1),
                b if b.is_ascii_alphabetic() => by_byte.ascii_letters(b.is_ascii_uppercase(), 1),
                b => by_byte.push_ascii_byte(b),
            }
        }
        assert_eq!(by_byte.milli_tokens(), by_char.milli_tokens());
    }

    #[test]
    fn huge_runs_saturate_instead_of_overflowing() {
        let s = "a".repeat(100_000);
        assert!(estimate_tokens(&s) > 10_000);
    }
}
