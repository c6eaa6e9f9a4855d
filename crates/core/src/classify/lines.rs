//! The counters of one line of text and what a finished line is: a code fence,
//! code, a table row, a CSV/TSV row, a row of numbers, or prose (whose numbers
//! are counted for word problems and number lists).
//!
//! The scanner updates the counters character by character (or a run at a
//! time) and hands the line over when it ends. Counts saturate.

use super::signals::Signals;

/// Counters of the current line.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Line {
    pub nonspace: u16,
    pub spaces: u16,
    /// Indentation: spaces, and 4 per tab, before the first other character.
    pub leading: u16,
    pub pipes: u16,
    pub commas: u16,
    pub tabs: u16,
    pub digits: u16,
    /// Runs of digits (not continuing a number after `.` or `,`).
    pub numbers: u16,
    pub words: u16,
    pub code_syms: u16,
    /// Backticks at the start of the line (3 or more: a fence).
    pub leading_ticks: u8,
    /// Last non-space character (`a` for any letter, `u` for other non-ASCII).
    pub last: u8,
    /// A non-space character has been seen.
    pub started: bool,
}

impl Line {
    /// Count the finished line into `sig`; a fence toggles `in_fence`.
    pub fn finish(self, sig: &mut Signals, in_fence: &mut bool) {
        let l = self;
        let s = sig;
        s.code_syms = s.code_syms.saturating_add(l.code_syms);
        if l.nonspace == 0 {
            return;
        }
        s.lines = s.lines.saturating_add(1);
        if l.leading_ticks >= 3 {
            s.fences = s.fences.saturating_add(1);
            *in_fence = !*in_fence;
            return;
        }
        let code_like = *in_fence
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
