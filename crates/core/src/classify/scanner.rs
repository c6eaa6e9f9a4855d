//! Feature extraction: one pass over a message's characters, no allocation.
//!
//! The scanner is a small state machine fed decoded text: plain ASCII straight
//! from the request body ([`Scanner::push_text`], which stops where `jsonstr`
//! has an escape or a multi-byte character to decode), other characters one at
//! a time. It builds the current Latin word as a lexicon key (lower-cased,
//! accents folded) and looks it up when the word ends; keeps a three-character
//! window for CJK keywords; and keeps per-line counters (pipes, commas, digits,
//! code punctuation, leading indentation, code fences) that are classified when
//! the line ends. Cue hits are split into instruction zones (the two ends of a
//! long message) and document body by periodic snapshots. Counts saturate;
//! every index is checked.
//!
//! The scanner also drives the literal's token counter, so the text is walked
//! once. A run of ASCII letters (most of any Latin-script text) is taken eight
//! bytes at a time (`word`) and handed to the counter in one step; only the
//! characters between words go through the per-character state machine.
//! Feeding a text in pieces or character by character gives the same result.

use super::lexicon::{self, key_of, Cue, WordKey, CUES};
use super::lines::Line;
use super::signals::Signals;
use super::word::{self, Letters, WordBuf};
use crate::estimate::TokenCounter;

/// Characters at each end of a long message that count as instructions.
const ZONE: u64 = 512;
/// Cue snapshots are taken every `SNAP_EVERY` characters into a ring of `SNAPS`,
/// so the oldest one lies between `ZONE - SNAP_EVERY` and `ZONE` characters back.
const SNAP_EVERY: u64 = 128;
const SNAPS: usize = (ZONE / SNAP_EVERY) as usize;

type CueCounts = [u16; CUES];

/// Lower-case ASCII for U+00C0..=U+00FF (0 = not a letter: × and ÷).
const FOLD: &[u8; 64] = b"aaaaaaaceeeeiiiidnooooo\0ouuuuytsaaaaaaaceeeeiiiidnooooo\0ouuuuyty";

/// The scanning state for one message.
#[derive(Debug)]
pub(super) struct Scanner {
    pub sig: Signals,
    /// Tokens of the literal being read; `walk` resets it per literal (sampled
    /// literals are extrapolated one by one).
    pub tokens: TokenCounter,
    /// All cue hits so far; split into zones by `finish`.
    cues: CueCounts,
    /// Characters so far (a `u64` cannot overflow: no text is that long).
    chars: u64,
    head: Option<CueCounts>,
    ring: [CueCounts; SNAPS],
    ring_next: usize,
    ticks: u16,
    /// Just after `":` (and optional spaces): a JSON value starts here.
    json_colon: bool,
    word: WordBuf,
    /// Every letter of the current word is a capital (SQL keywords).
    word_upper: bool,
    word_at_line_start: bool,
    word_after_digit: bool,
    lead: u8,
    line: Line,
    in_fence: bool,
    prev: char,
    prev2: char,
    window: (u32, u32),
}

impl Default for Scanner {
    fn default() -> Self {
        Self {
            sig: Signals::default(),
            tokens: TokenCounter::new(),
            cues: [0; CUES],
            chars: 0,
            head: None,
            ring: [[0; CUES]; SNAPS],
            ring_next: 0,
            ticks: 0,
            json_colon: false,
            word: WordBuf::default(),
            word_upper: true,
            word_at_line_start: false,
            word_after_digit: false,
            lead: 0,
            line: Line::default(),
            in_fence: false,
            prev: '\n',
            prev2: '\n',
            window: (0, 0),
        }
    }
}

impl Scanner {
    /// Feed plain text up to the first backslash or non-ASCII byte (which the
    /// caller decodes and feeds with [`Scanner::push`]); returns how many bytes
    /// were read: the whole of `s` if it has neither.
    pub fn push_text(&mut self, s: &[u8]) -> usize {
        let mut i = 0;
        while let Some(&b) = s.get(i) {
            if b.is_ascii_alphabetic() {
                i += self.letters(s.get(i..).unwrap_or(&[]));
                continue;
            }
            match b {
                b' ' => {
                    // Indentation comes in runs of spaces: one step for all.
                    let more = s.get(i + 1..).unwrap_or(&[]);
                    let k = 1 + match more.first() {
                        Some(b' ') => more.iter().take_while(|&&c| c == b' ').count(),
                        _ => 0,
                    };
                    self.spaces(k);
                    i += k;
                    continue;
                }
                b'\\' | 0x80..=0xFF => return i,
                _ => self.ascii(b),
            }
            i += 1;
        }
        i
    }

    /// Feed one character.
    pub fn push(&mut self, c: char) {
        match u8::try_from(c) {
            Ok(b) if b.is_ascii_alphabetic() => {
                self.letters(&[b]);
            }
            Ok(b' ') => self.spaces(1),
            Ok(b) if b.is_ascii() => self.ascii(b),
            _ => self.non_ascii_char(c),
        }
    }

    /// The run of ASCII letters that starts `s`, continuing the open word (if
    /// any); returns its length (at least 1).
    fn letters(&mut self, s: &[u8]) -> usize {
        // The first letter is a camelCase hump only if the word continues
        // (after an escape or an accent) from a lower-case letter.
        let continues = self.word.is_open();
        if !continues {
            self.start_word();
        }
        let prev_lower = continues && self.prev.is_ascii_lowercase();
        let run = word::scan_letters(s, prev_lower, &mut self.word);
        self.after_letters(s, run)
    }

    /// Everything but the word itself for a run of ASCII letters read from
    /// the start of `s`: the same as feeding the letters one by one.
    fn after_letters(&mut self, s: &[u8], run: Letters) -> usize {
        let n = run.len;
        let Some(&first) = s.first().filter(|_| n > 0) else {
            return 1; // not a letter after all (callers check first)
        };
        self.tokens.ascii_letters(first & 0x20 == 0, n);
        let humps = u16::try_from(run.humps).unwrap_or(u16::MAX);
        self.line.code_syms = self.line.code_syms.saturating_add(humps);
        if run.any_lower {
            self.word_upper = false;
        }
        let count = u16::try_from(n).unwrap_or(u16::MAX);
        self.line.nonspace = self.line.nonspace.saturating_add(count);
        self.line.started = true;
        self.line.last = b'a';
        self.json_colon = false;
        // The last two characters read (`n` ≥ 1 letters of `s`).
        let (p2, p1) = match s.get(..n) {
            Some([.., p2, p1]) => (char::from(*p2), char::from(*p1)),
            _ => (self.prev, char::from(first)),
        };
        self.prev2 = p2;
        self.prev = p1;
        self.advance(n);
        n
    }

    /// A run of `k` spaces (a single space is the most frequent character after
    /// letters): the same as feeding them one by one.
    fn spaces(&mut self, k: usize) {
        self.tokens.ascii_spaces(k);
        if self.word.is_open() {
            self.end_word(' ');
        }
        let n = u16::try_from(k).unwrap_or(u16::MAX);
        self.line.spaces = self.line.spaces.saturating_add(n);
        if !self.line.started {
            self.line.leading = self.line.leading.saturating_add(n);
        }
        self.prev2 = if k >= 2 { ' ' } else { self.prev };
        self.prev = ' ';
        self.advance(k);
    }

    /// One ASCII character that is not a letter.
    fn ascii(&mut self, b: u8) {
        let c = char::from(b);
        self.tokens.push_ascii_byte(b);
        if self.word.is_open() {
            self.end_word(c);
        }
        self.ascii_other(c);
        self.after(c);
    }

    /// One character outside ASCII.
    fn non_ascii_char(&mut self, c: char) {
        self.tokens.push(c);
        let cp = u32::from(c);
        if let Some(folded) = fold_letter(c) {
            self.letter(c, folded);
        } else {
            if self.word.is_open() {
                self.end_word(c);
            }
            self.non_ascii(c, cp);
        }
        self.after(c);
    }

    /// Bookkeeping after every character but ASCII letters and spaces.
    fn after(&mut self, c: char) {
        if c == ':' {
            self.json_colon = self.prev == '"';
        } else if c != ' ' {
            self.json_colon = false;
        }
        self.prev2 = self.prev;
        self.prev = c;
        self.advance(1);
    }

    /// Count `n` characters.
    #[inline]
    fn advance(&mut self, n: usize) {
        let before = self.chars;
        self.chars = before + n as u64;
        if before / SNAP_EVERY != self.chars / SNAP_EVERY {
            self.snapshot(before);
        }
    }

    /// Snapshot the cue counts for the instruction zones at every multiple of
    /// `SNAP_EVERY` passed since `before` (cues cannot change inside a run of
    /// letters, so the snapshots taken for one run are all equal).
    #[cold]
    fn snapshot(&mut self, before: u64) {
        let mut next = before / SNAP_EVERY * SNAP_EVERY + SNAP_EVERY;
        while next <= self.chars {
            if next == ZONE {
                self.head = Some(self.cues);
            }
            if let Some(slot) = self.ring.get_mut(self.ring_next) {
                *slot = self.cues;
            }
            self.ring_next = (self.ring_next + 1) % SNAPS;
            next += SNAP_EVERY;
        }
    }

    fn cue(&mut self, cue: Cue) {
        if let Some(n) = self.cues.get_mut(cue.index()) {
            *n = n.saturating_add(1);
        }
    }

    /// End of the text: close the open word and line.
    pub fn finish(mut self) -> Signals {
        if self.word.is_open() {
            self.end_word(' ');
        }
        self.end_line();
        self.sig.inline_code = self.ticks / 2;
        match self.head {
            Some(head) if self.chars > 2 * ZONE => {
                let tail_base = self.ring.get(self.ring_next).copied().unwrap_or(self.cues);
                for i in 0..CUES {
                    let all = self.cues.get(i).copied().unwrap_or(0);
                    let h = head.get(i).copied().unwrap_or(0);
                    let t = all.saturating_sub(tail_base.get(i).copied().unwrap_or(0));
                    let instr = h.saturating_add(t).min(all);
                    if let Some(slot) = self.sig.cues.get_mut(i) {
                        *slot = instr;
                    }
                    if let Some(slot) = self.sig.doc_cues.get_mut(i) {
                        *slot = all - instr;
                    }
                }
            }
            _ => self.sig.cues = self.cues,
        }
        self.sig
    }

    fn start_word(&mut self) {
        self.word_at_line_start = !self.line.started;
        self.word_after_digit = self.prev.is_ascii_digit();
        self.word_upper = true;
        // `a.b` with no spaces: a member access or a file name.
        if self.prev == '.' && self.prev2.is_ascii_alphabetic() {
            self.sig.code_syms = self.sig.code_syms.saturating_add(1);
        }
    }

    /// A letter outside ASCII (accented Latin): one at a time.
    fn letter(&mut self, c: char, folded: u8) {
        if !self.word.is_open() {
            self.start_word();
        }
        if !c.is_uppercase() {
            self.word_upper = false;
        }
        self.word.append(u64::from(folded), 1);
        self.mark_nonspace(b'a');
    }

    /// The open word ended; `next` is the character after it.
    fn end_word(&mut self, next: char) {
        let taken = self.word.take();
        self.sig.words = self.sig.words.saturating_add(1);
        self.line.words = self.line.words.saturating_add(1);
        let Some((key, hash, len)) = taken else {
            self.lead = 0;
            return;
        };
        let (mut cue, lead) = lexicon::word_key(&key, hash);
        if self.lead != 0 {
            let bytes = lexicon::key_bytes(&key);
            let b = lexicon::bigram(self.lead, bytes.get(..len).unwrap_or(&[]));
            if b != Cue::None {
                cue = b;
            }
        }
        self.lead = lead;
        if cue == Cue::None && self.word_upper && len >= 4 && SQL_KEYWORDS.contains(&key) {
            cue = Cue::CodeSyntax;
        }
        if cue == Cue::None && len == 1 && key == KEY_C && matches!(next, '#' | '+') {
            cue = Cue::CodeTopic; // C# / C++
        }
        // `3x`, `2n`: a coefficient (one letter: the key is its byte).
        if self.word_after_digit && len == 1 && matches!(key[0], 0x78 | 0x79 | 0x7A | 0x6E) {
            self.sig.math_syms = self.sig.math_syms.saturating_add(1);
        }
        match cue {
            Cue::None => {}
            Cue::AgentProto => {
                if self.word_at_line_start && next == ':' {
                    self.sig.agent_lines = self.sig.agent_lines.saturating_add(1);
                    self.cue(cue);
                } else if lead == 0 && key == KEY_ANSWER {
                    self.cue(cue); // "Final Answer"
                }
            }
            other => self.cue(other),
        }
    }

    /// The scanner's part of an ASCII character other than a letter or a
    /// space (those come through `letters` and `spaces`).
    fn ascii_other(&mut self, c: char) {
        match c {
            '\n' => {
                self.end_line();
                return;
            }
            '\r' => return,
            '\t' => {
                self.line.tabs = self.line.tabs.saturating_add(1);
                if !self.line.started {
                    self.line.leading = self.line.leading.saturating_add(4);
                }
                return;
            }
            '0'..='9' => {
                self.line.digits = self.line.digits.saturating_add(1);
                if self.json_colon && !self.prev.is_ascii_digit() {
                    self.sig.json_numbers = self.sig.json_numbers.saturating_add(1);
                }
                if !self.prev.is_ascii_digit() && !matches!(self.prev, '.' | ',') {
                    self.line.numbers = self.line.numbers.saturating_add(1);
                }
            }
            '|' => self.line.pipes = self.line.pipes.saturating_add(1),
            ',' => self.line.commas = self.line.commas.saturating_add(1),
            '`' => {
                if self.line.nonspace == u16::from(self.line.leading_ticks) {
                    self.line.leading_ticks = self.line.leading_ticks.saturating_add(1);
                } else {
                    self.ticks = self.ticks.saturating_add(1);
                }
            }
            '^' => self.sig.math_syms = self.sig.math_syms.saturating_add(1),
            '{' | '}' | ';' | '[' | ']' | '<' | '>' | '\\' | '$' => self.code_sym(),
            '_' if self.prev.is_ascii_alphanumeric() => self.code_sym(),
            '=' => {
                self.code_sym();
                if matches!(self.prev, '=' | '!' | ':' | '+' | '-' | '<' | '>') {
                    self.code_sym();
                }
            }
            ':' if self.prev == ':' => self.code_sym(),
            '&' if self.prev == '&' => self.code_sym(),
            '/' if self.prev == '/' => self.code_sym(),
            '(' if self.prev.is_ascii_alphanumeric() || self.prev == '_' => {
                // call syntax `f(` — also maths `f(x)`, both are formal notation
                self.line.code_syms = self.line.code_syms.saturating_add(1);
            }
            _ => {}
        }
        self.mark_nonspace(c as u8);
    }

    fn non_ascii(&mut self, c: char, cp: u32) {
        if c.is_whitespace() {
            self.line.spaces = self.line.spaces.saturating_add(1);
            return;
        }
        if matches!(
            c,
            '√' | '∫'
                | '∑'
                | '∏'
                | 'π'
                | '≤'
                | '≥'
                | '≠'
                | '±'
                | '×'
                | '÷'
                | '∞'
                | '∂'
                | '∈'
                | '²'
                | '³'
        ) {
            self.sig.math_syms = self.sig.math_syms.saturating_add(1);
        }
        if is_cjk(cp) {
            self.sig.cjk_chars = self.sig.cjk_chars.saturating_add(1);
            let (p2, p1) = self.window;
            if lexicon::cjk_may_end(cp) {
                for key in [lexicon::pack(0, p1, cp), lexicon::pack(p2, p1, cp)] {
                    let cue = lexicon::cjk(key);
                    if cue != Cue::None {
                        self.cue(cue);
                    }
                }
            }
            self.window = (p1, cp);
        } else {
            self.window = (0, 0);
        }
        self.mark_nonspace(b'u');
    }

    fn code_sym(&mut self) {
        self.line.code_syms = self.line.code_syms.saturating_add(1);
    }

    fn mark_nonspace(&mut self, b: u8) {
        self.line.nonspace = self.line.nonspace.saturating_add(1);
        self.line.started = true;
        self.line.last = b;
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.window = (0, 0);
        line.finish(&mut self.sig, &mut self.in_fence);
    }
}

/// The folded lower-case ASCII form of a Latin letter, or `None`.
fn fold_letter(c: char) -> Option<u8> {
    if c.is_ascii_alphabetic() {
        return Some(c.to_ascii_lowercase() as u8);
    }
    let cp = u32::from(c);
    match cp {
        0xC0..=0xFF => FOLD
            .get(usize::try_from(cp - 0xC0).ok()?)
            .copied()
            .filter(|&b| b != 0),
        0x152 | 0x153 => Some(b'o'),
        _ => None,
    }
}

fn is_cjk(cp: u32) -> bool {
    matches!(cp,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// Upper-case SQL keywords, as lexicon keys (the scanner lower-cases).
const SQL_KEYWORDS: [WordKey; 8] = [
    key_of(b"select"),
    key_of(b"from"),
    key_of(b"where"),
    key_of(b"join"),
    key_of(b"insert"),
    key_of(b"update"),
    key_of(b"values"),
    key_of(b"group"),
];
const KEY_C: WordKey = key_of(b"c");
const KEY_ANSWER: WordKey = key_of(b"answer");

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str) -> Signals {
        let mut s = Scanner::default();
        text.chars().for_each(|c| s.push(c));
        s.finish()
    }

    #[test]
    fn words_fold_accents_and_hit_cues() {
        let s = scan("Résume ce texte, por favor: función");
        assert_eq!(s.count(Cue::Sum), 1);
        assert_eq!(s.count(Cue::CodeTopic), 1);
    }

    #[test]
    fn bigrams_and_cjk_match() {
        assert_eq!(scan("tl;dr please").count(Cue::Sum), 1);
        assert_eq!(scan("What do you think?").count(Cue::Chat), 1);
        assert_eq!(scan("请总结以下内容").count(Cue::Sum), 1);
        assert_eq!(scan("이 글을 요약해 주세요").count(Cue::Sum), 1);
    }

    #[test]
    fn fences_tables_and_csv_lines_are_counted() {
        let s =
            scan("```python\ndef f(x):\n    return x\n```\n| a | b |\n|---|---|\nx,1,2\ny,3,4\n");
        assert_eq!(s.fences, 2);
        assert_eq!(s.code_lines, 2);
        assert_eq!(s.table_lines, 2);
        assert_eq!(s.csv_lines, 2);
    }

    /// Plain runs through `push_text`, the rest one character at a time, as
    /// `jsonstr` feeds a literal.
    fn scan_in_runs(text: &str) -> (Signals, u64) {
        let mut s = Scanner::default();
        let mut rest = text;
        while !rest.is_empty() {
            let n = s.push_text(rest.as_bytes());
            rest = &rest[n..];
            if let Some(c) = rest.chars().next() {
                s.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        let tokens = s.tokens.milli_tokens();
        (s.finish(), tokens)
    }

    #[test]
    fn runs_and_single_characters_give_the_same_result() {
        let long = "Please summarise. ".to_owned()
            + &"The council voted to convert two lanes; analyse the data. ".repeat(40)
            + "What do you think?";
        let texts = [
            "camelCase XMLHttpRequest getHTTPResponseCode aBcDeFgHiJkLmNoPqRsTuVwXyZ",
            "Résumé: SELECT * FROM t WHERE x = 1; C# and C++, 3x^2 + 2n",
            "internationalisation antidisestablishmentarianism ab",
            "```python\ndef f(x):\n    return x  # two  spaces\n\t\tdone\r\n```",
            "Łódź şehir naïve œuvre 总结一下这个数据 요약 \u{1} \u{7f} end",
            "Thought: search\nAction: lookup[x]\nFinal Answer: 42, 1,000 and 3.14",
            &long,
        ];
        for text in texts {
            let mut single = Scanner::default();
            text.chars().for_each(|c| single.push(c));
            let tokens = single.tokens.milli_tokens();
            let mut counter = TokenCounter::new();
            counter.push_str(text);
            assert_eq!(tokens, counter.milli_tokens(), "{text}");
            assert_eq!(scan_in_runs(text), (single.finish(), tokens), "{text}");
        }
    }

    #[test]
    fn maths_notation_and_agent_protocol() {
        let s = scan("Solve 3x^2 - 12x + 9 = 0\nThought: search\nAction: search[x]");
        assert!(s.math_syms >= 3, "{s:?}");
        assert_eq!(s.agent_lines, 2);
    }
}
