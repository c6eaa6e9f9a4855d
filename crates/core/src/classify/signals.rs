//! The evidence extracted from a message's text (by `scanner`), as counts.
//!
//! Counts saturate. Groups of messages are merged by adding counts.

use super::lexicon::{Cue, CUES};

/// Evidence gathered from the text of one or more messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Signals {
    /// Keyword hits per [`Cue`] in the *instruction zones* of a message: all of a
    /// short message, the first and the last ~500 characters of a long one.
    pub cues: [u16; CUES],
    /// Keyword hits elsewhere: the body of a pasted document says what the
    /// document is about, not what to do with it, so it counts for less.
    pub doc_cues: [u16; CUES],
    /// Non-blank lines, and how many of them look like code / table rows / CSV or
    /// TSV rows / mostly numbers.
    pub lines: u16,
    pub code_lines: u16,
    pub table_lines: u16,
    pub csv_lines: u16,
    pub numeric_lines: u16,
    /// Lines opening or closing a ``` block.
    pub fences: u16,
    /// Code punctuation and operators (`{ } ; = < > [ ]`, `=>`, `::`, `a.b`,
    /// snake_case, camelCase …).
    pub code_syms: u16,
    /// Maths notation (`^`, `√ ∫ ∑ π ≤ ≥ ± × ÷ ∞`, `3x`).
    pub math_syms: u16,
    /// Lines of a text tool protocol (`Thought:`, `Action:`, `Observation:`).
    pub agent_lines: u16,
    /// Numbers outside table/CSV/numeric rows (word problems, inline lists).
    pub prose_numbers: u16,
    /// Prose lines that list five numbers or more, densely (a number per two
    /// words, or a fifth of the characters digits: `Jan 41k, Feb 39k, …`): a
    /// list of values rather than a word problem.
    pub number_lists: u16,
    /// JSON object fields with a numeric value (`"x": 12`): records of data.
    pub json_numbers: u16,
    /// Inline code spans (`` `x` ``).
    pub inline_code: u16,
    pub words: u16,
    pub cjk_chars: u32,
}

impl Signals {
    pub(super) fn count(&self, cue: Cue) -> u16 {
        self.cues.get(cue.index()).copied().unwrap_or(0)
    }

    pub(super) fn doc_count(&self, cue: Cue) -> u16 {
        self.doc_cues.get(cue.index()).copied().unwrap_or(0)
    }

    /// Add `other` into `self` (saturating).
    pub(super) fn merge(&mut self, other: &Signals) {
        for (a, b) in self.cues.iter_mut().zip(other.cues.iter()) {
            *a = a.saturating_add(*b);
        }
        for (a, b) in self.doc_cues.iter_mut().zip(other.doc_cues.iter()) {
            *a = a.saturating_add(*b);
        }
        self.prose_numbers = self.prose_numbers.saturating_add(other.prose_numbers);
        self.number_lists = self.number_lists.saturating_add(other.number_lists);
        self.json_numbers = self.json_numbers.saturating_add(other.json_numbers);
        self.inline_code = self.inline_code.saturating_add(other.inline_code);
        self.lines = self.lines.saturating_add(other.lines);
        self.code_lines = self.code_lines.saturating_add(other.code_lines);
        self.table_lines = self.table_lines.saturating_add(other.table_lines);
        self.csv_lines = self.csv_lines.saturating_add(other.csv_lines);
        self.numeric_lines = self.numeric_lines.saturating_add(other.numeric_lines);
        self.fences = self.fences.saturating_add(other.fences);
        self.code_syms = self.code_syms.saturating_add(other.code_syms);
        self.math_syms = self.math_syms.saturating_add(other.math_syms);
        self.agent_lines = self.agent_lines.saturating_add(other.agent_lines);
        self.words = self.words.saturating_add(other.words);
        self.cjk_chars = self.cjk_chars.saturating_add(other.cjk_chars);
    }
}
