//! Feature extraction: one pass over a message's characters, no allocation.
//!
//! The scanner is a small state machine fed decoded text (plain ASCII runs as
//! byte slices, other characters one at a time). It builds the current Latin word
//! in a fixed buffer (lower-cased, accents folded, hashed on the way) and looks it
//! up in the lexicon when the word ends; keeps a three-character window for CJK
//! keywords; and keeps per-line counters (pipes, commas, digits, code
//! punctuation, leading indentation, code fences) that are classified when the
//! line ends. Cue hits are split into instruction zones (the two ends of a long
//! message) and document body by periodic snapshots. Counts saturate; every index
//! is checked.

use super::lexicon::{self, Cue, CUES};
use super::signals::Signals;

const WORD_MAX: usize = 24;
/// Characters at each end of a long message that count as instructions.
const ZONE: u32 = 512;
/// Cue snapshots are taken every `SNAP_EVERY` characters into a ring of `SNAPS`,
/// so the oldest one lies between `ZONE - SNAP_EVERY` and `ZONE` characters back.
const SNAP_EVERY: u32 = 128;
const SNAPS: usize = (ZONE / SNAP_EVERY) as usize;

type CueCounts = [u16; CUES];

/// Lower-case ASCII for U+00C0..=U+00FF (0 = not a letter: × and ÷).
const FOLD: &[u8; 64] = b"aaaaaaaceeeeiiiidnooooo\0ouuuuytsaaaaaaaceeeeiiiidnooooo\0ouuuuyty";

/// Counters of the current line.
#[derive(Debug, Clone, Copy, Default)]
struct Line {
    nonspace: u16,
    spaces: u16,
    leading: u16,
    pipes: u16,
    commas: u16,
    tabs: u16,
    digits: u16,
    numbers: u16,
    words: u16,
    code_syms: u16,
    leading_ticks: u8,
    last: u8,
    started: bool,
}

/// The scanning state for one message.
#[derive(Debug)]
pub(super) struct Scanner {
    pub sig: Signals,
    /// All cue hits so far; split into zones by `finish`.
    cues: CueCounts,
    chars: u32,
    head: Option<CueCounts>,
    ring: [CueCounts; SNAPS],
    ring_next: usize,
    ticks: u16,
    /// Just after `":` (and optional spaces): a JSON value starts here.
    json_colon: bool,
    word: [u8; WORD_MAX],
    word_len: usize,
    word_hash: u32,
    word_overflow: bool,
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
            cues: [0; CUES],
            chars: 0,
            head: None,
            ring: [[0; CUES]; SNAPS],
            ring_next: 0,
            ticks: 0,
            json_colon: false,
            word: [0; WORD_MAX],
            word_len: 0,
            word_hash: lexicon::FNV_SEED,
            word_overflow: false,
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
    /// Feed a run of ASCII bytes.
    pub fn push_ascii(&mut self, run: &[u8]) {
        for &b in run {
            // Fast path: a space between words (the other frequent byte).
            if b == b' ' && self.word_len == 0 && !self.word_overflow {
                self.line.spaces = self.line.spaces.saturating_add(1);
                if !self.line.started {
                    self.line.leading = self.line.leading.saturating_add(1);
                }
                self.prev2 = self.prev;
                self.prev = ' ';
                self.tick();
                continue;
            }
            self.push(char::from(b));
        }
    }

    /// Feed one character.
    #[inline]
    pub fn push(&mut self, c: char) {
        // Fast path: a lower-case ASCII letter inside a word, which is most of
        // the characters of any Latin-script text.
        if c.is_ascii_lowercase() && self.word_len > 0 {
            if let Some(slot) = self.word.get_mut(self.word_len) {
                let b = c as u8;
                *slot = b;
                self.word_len += 1;
                self.word_hash = lexicon::fnv(self.word_hash, b);
                self.word_upper = false;
                self.line.nonspace = self.line.nonspace.saturating_add(1);
                self.line.last = b'a';
                self.json_colon = false;
                self.prev2 = self.prev;
                self.prev = c;
                self.tick();
                return;
            }
        }
        self.push_slow(c);
    }

    fn push_slow(&mut self, c: char) {
        let cp = u32::from(c);
        if let Some(folded) = fold_letter(c) {
            self.letter(c, folded);
        } else {
            if self.word_len > 0 || self.word_overflow {
                self.end_word(c);
            }
            if cp < 0x80 {
                self.ascii_other(c);
            } else {
                self.non_ascii(c, cp);
            }
        }
        if c == ':' {
            self.json_colon = self.prev == '"';
        } else if c != ' ' {
            self.json_colon = false;
        }
        self.prev2 = self.prev;
        self.prev = c;
        self.tick();
    }

    /// Count a character; snapshot the cue counts for the instruction zones.
    #[inline]
    fn tick(&mut self) {
        self.chars = self.chars.saturating_add(1);
        if self.chars.is_multiple_of(SNAP_EVERY) {
            if self.chars == ZONE {
                self.head = Some(self.cues);
            }
            if let Some(slot) = self.ring.get_mut(self.ring_next) {
                *slot = self.cues;
            }
            self.ring_next = (self.ring_next + 1) % SNAPS;
        }
    }

    fn cue(&mut self, cue: Cue) {
        if let Some(n) = self.cues.get_mut(cue.index()) {
            *n = n.saturating_add(1);
        }
    }

    /// End of the text: close the open word and line.
    pub fn finish(mut self) -> Signals {
        if self.word_len > 0 || self.word_overflow {
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

    fn letter(&mut self, c: char, folded: u8) {
        if self.word_len == 0 && !self.word_overflow {
            self.word_at_line_start = !self.line.started;
            self.word_after_digit = self.prev.is_ascii_digit();
            self.word_upper = true;
            // `a.b` with no spaces: a member access or a file name.
            if self.prev == '.' && self.prev2.is_ascii_alphabetic() {
                self.sig.code_syms = self.sig.code_syms.saturating_add(1);
            }
        } else if c.is_ascii_uppercase() && self.prev.is_ascii_lowercase() {
            // camelCase inside a word
            self.line.code_syms = self.line.code_syms.saturating_add(1);
        }
        if !c.is_uppercase() {
            self.word_upper = false;
        }
        match self.word.get_mut(self.word_len) {
            Some(slot) => {
                *slot = folded;
                self.word_len += 1;
                self.word_hash = lexicon::fnv(self.word_hash, folded);
            }
            None => self.word_overflow = true,
        }
        self.mark_nonspace(b'a');
    }

    fn end_word(&mut self, next: char) {
        let len = self.word_len;
        let overflow = self.word_overflow;
        let hash = self.word_hash;
        self.word_hash = lexicon::FNV_SEED;
        self.word_len = 0;
        self.word_overflow = false;
        self.sig.words = self.sig.words.saturating_add(1);
        self.line.words = self.line.words.saturating_add(1);
        if overflow {
            self.lead = 0;
            return;
        }
        let w = self.word.get(..len).unwrap_or(&[]);
        let (mut cue, lead) = lexicon::word_hashed(w, hash);
        if self.lead != 0 {
            let b = lexicon::bigram(self.lead, w);
            if b != Cue::None {
                cue = b;
            }
        }
        self.lead = lead;
        if cue == Cue::None && self.word_upper && len >= 4 && is_sql_keyword(w) {
            cue = Cue::CodeSyntax;
        }
        if cue == Cue::None && w == b"c" && matches!(next, '#' | '+') {
            cue = Cue::CodeTopic; // C# / C++
        }
        if self.word_after_digit && len == 1 && matches!(w, b"x" | b"y" | b"z" | b"n") {
            self.sig.math_syms = self.sig.math_syms.saturating_add(1);
        }
        match cue {
            Cue::None => {}
            Cue::AgentProto => {
                if self.word_at_line_start && next == ':' {
                    self.sig.agent_lines = self.sig.agent_lines.saturating_add(1);
                    self.cue(cue);
                } else if lead == 0 && w == b"answer" {
                    self.cue(cue); // "Final Answer"
                }
            }
            other => self.cue(other),
        }
    }

    fn ascii_other(&mut self, c: char) {
        match c {
            '\n' => {
                self.end_line();
                return;
            }
            '\r' => return,
            ' ' => {
                self.line.spaces = self.line.spaces.saturating_add(1);
                if !self.line.started {
                    self.line.leading = self.line.leading.saturating_add(1);
                }
                return;
            }
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
            for key in [lexicon::pack(0, p1, cp), lexicon::pack(p2, p1, cp)] {
                let cue = lexicon::cjk(key);
                if cue != Cue::None {
                    self.cue(cue);
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
        let l = std::mem::take(&mut self.line);
        self.window = (0, 0);
        self.sig.code_syms = self.sig.code_syms.saturating_add(l.code_syms);
        if l.nonspace == 0 {
            return;
        }
        let s = &mut self.sig;
        s.lines = s.lines.saturating_add(1);
        if l.leading_ticks >= 3 {
            s.fences = s.fences.saturating_add(1);
            self.in_fence = !self.in_fence;
            return;
        }
        let code_like = self.in_fence
            || (matches!(l.last, b';' | b'{' | b'}') && l.code_syms > 0)
            || (l.leading >= 4 && l.code_syms > 0)
            || l.code_syms >= 3;
        if code_like {
            s.code_lines = s.code_lines.saturating_add(1);
        }
        if l.pipes >= 2 {
            s.table_lines = s.table_lines.saturating_add(1);
        } else if (l.commas >= 2 && l.spaces <= l.commas) || l.tabs >= 2 {
            s.csv_lines = s.csv_lines.saturating_add(1);
        } else if l.numbers >= 2 && l.digits.saturating_mul(3) >= l.nonspace {
            s.numeric_lines = s.numeric_lines.saturating_add(1);
        } else {
            s.prose_numbers = s.prose_numbers.saturating_add(l.numbers);
            let dense =
                l.numbers.saturating_mul(2) >= l.words || l.digits.saturating_mul(5) >= l.nonspace;
            if l.numbers >= 5 && dense {
                s.number_lists = s.number_lists.saturating_add(1);
            }
        }
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

fn is_sql_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"select" | b"from" | b"where" | b"join" | b"insert" | b"update" | b"values" | b"group"
    )
}

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

    #[test]
    fn maths_notation_and_agent_protocol() {
        let s = scan("Solve 3x^2 - 12x + 9 = 0\nThought: search\nAction: search[x]");
        assert!(s.math_syms >= 3, "{s:?}");
        assert_eq!(s.agent_lines, 2);
    }
}
