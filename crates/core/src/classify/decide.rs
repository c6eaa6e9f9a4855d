//! The decision: fixed weights over the extracted evidence.
//!
//! Each message group (last user message, system prompt, earlier turns) yields
//! per-kind evidence; the groups are mixed with weights 1, [`SYSTEM_WEIGHT`] and
//! [`HISTORY_WEIGHT`], chat gets a small prior (the default when nothing else is
//! said), and the best score wins, ties going to the earlier kind in
//! [`TIE_ORDER`]. Two facts override scoring: offered tools and an ongoing tool
//! loop make a request an agent request (it needs a tool-capable model whatever
//! it asks). The weights were set by hand on the training split of the labelled
//! set (docs/classifier.md); the held-out split measures them.

use super::lexicon::Cue;
use super::signals::Signals;
use super::walk::Groups;
use super::{Classification, Features, TaskKind};

const SYSTEM_WEIGHT: f32 = 0.3;
const HISTORY_WEIGHT: f32 = 0.15;
/// Cues inside the body of a long document (see `Signals::doc_cues`).
const DOC_WEIGHT: f32 = 0.2;
/// However long the document, its body counts as at most one instruction.
const DOC_CAP: f32 = 1.0;
/// Chat is what is left when no task is recognised.
const CHAT_PRIOR: f32 = 0.6;
/// A long prose message with no instruction is most often pasted to be digested.
const LONG_PROSE_CHARS: u32 = 1_500;
const LONG_PROSE_BONUS: f32 = 1.5;
const REASONING_EFFORT_BONUS: f32 = 1.0;
/// Messages up to this many words are short questions (word problems).
const SHORT_WORDS: u16 = 120;
/// Deterministic tie-break: more specific kinds first.
const TIE_ORDER: [TaskKind; 6] = [
    TaskKind::Agent,
    TaskKind::Code,
    TaskKind::DataAnalysis,
    TaskKind::Reasoning,
    TaskKind::Summarize,
    TaskKind::Chat,
];

/// Per-kind evidence of one group, with the name of its strongest part per kind.
#[derive(Debug, Clone, Copy, Default)]
struct Evidence {
    chat: f32,
    summarize: f32,
    code_intent: f32,
    code_material: f32,
    data_intent: f32,
    data_material: f32,
    math: f32,
    agent: f32,
}

fn capped(s: &Signals, cue: Cue, cap: u16) -> f32 {
    let doc = (DOC_WEIGHT * f32::from(s.doc_count(cue))).min(DOC_CAP);
    (f32::from(s.count(cue)) + doc).min(f32::from(cap))
}

fn evidence(s: &Signals) -> Evidence {
    let lines = f32::from(s.lines.max(1));
    let mut code_material = 0.0;
    if s.fences > 0 {
        code_material += 2.0;
    }
    if s.code_lines >= 2 {
        code_material +=
            3.0 * f32::from(s.code_lines) / lines + 0.2 * f32::from(s.code_lines.min(10));
    }
    // Braces and commas of JSON records are data punctuation, not code.
    if s.json_numbers < 4 {
        code_material += 0.1 * f32::from(s.code_syms.min(20));
    }
    code_material += 0.5 * capped(s, Cue::CodeSyntax, 6);
    code_material += 0.5 * f32::from(s.inline_code.min(4));

    let rows = s
        .table_lines
        .saturating_add(s.csv_lines)
        .saturating_add(s.numeric_lines);
    let mut data_material = 0.0;
    if rows >= 3 {
        data_material += 3.0 * f32::from(rows) / lines + 0.2 * f32::from(rows.min(10));
    }
    if s.json_numbers >= 4 {
        data_material += 1.5 + 0.05 * f32::from(s.json_numbers.min(40));
    }
    // A list of many numbers inside prose is data; a few numbers in a short
    // question are a problem to solve.
    if s.number_lists > 0 {
        data_material += 2.0 + 0.5 * f32::from(s.number_lists.min(4));
    }
    let word_problem = if s.words <= SHORT_WORDS {
        0.25 * f32::from(s.prose_numbers.min(4))
    } else {
        0.0
    };

    Evidence {
        chat: 0.7 * capped(s, Cue::Chat, 3),
        summarize: 3.0 * capped(s, Cue::Sum, 2),
        code_intent: 1.5 * capped(s, Cue::CodeAct, 3) + 0.7 * capped(s, Cue::CodeTopic, 4),
        code_material,
        data_intent: 1.5 * capped(s, Cue::DataAct, 3) + 0.7 * capped(s, Cue::DataTopic, 4),
        data_material,
        math: 1.5 * capped(s, Cue::MathAct, 3)
            + 0.8 * capped(s, Cue::MathTopic, 4)
            + 0.5 * f32::from(s.math_syms.min(6))
            + word_problem,
        agent: 2.0 * f32::from(s.agent_lines.min(4)) + capped(s, Cue::AgentProto, 4),
    }
}

fn mix(groups: &[(Evidence, f32)]) -> Evidence {
    let mut out = Evidence::default();
    for (e, w) in groups {
        out.chat += e.chat * w;
        out.summarize += e.summarize * w;
        out.code_intent += e.code_intent * w;
        out.code_material += e.code_material * w;
        out.data_intent += e.data_intent * w;
        out.data_material += e.data_material * w;
        out.math += e.math * w;
        out.agent += e.agent * w;
    }
    out
}

pub(super) fn decide(mut features: Features, groups: &Groups) -> Classification {
    let e = mix(&[
        (evidence(&groups.last_user), 1.0),
        (evidence(&groups.system), SYSTEM_WEIGHT),
        (evidence(&groups.history), HISTORY_WEIGHT),
    ]);
    features.code_score = e.code_intent + e.code_material;
    features.table_score = e.data_material;
    features.math_score = e.math;

    let mut scores = [0.0f32; 6];
    let mut set = |k: TaskKind, v: f32| {
        if let Some(s) = scores.get_mut(k.index()) {
            *s = v;
        }
    };
    let long_prose = features.last_user_chars >= LONG_PROSE_CHARS
        && e.code_material < 2.0
        && e.data_material < 2.0;
    let instructed = e.code_intent + e.data_intent + e.math + e.chat + e.summarize;
    set(TaskKind::Chat, CHAT_PRIOR + e.chat);
    set(
        TaskKind::Summarize,
        e.summarize
            + if long_prose && instructed < 2.0 {
                LONG_PROSE_BONUS
            } else {
                0.0
            },
    );
    set(TaskKind::Code, e.code_intent + e.code_material);
    set(TaskKind::DataAnalysis, e.data_intent + e.data_material);
    set(
        TaskKind::Reasoning,
        e.math
            + if features.reasoning_requested {
                REASONING_EFFORT_BONUS
            } else {
                0.0
            },
    );
    set(TaskKind::Agent, e.agent);

    let (kind, reason) = if features.has_tools {
        (TaskKind::Agent, "tools offered")
    } else if features.in_tool_loop {
        (TaskKind::Agent, "tool loop in progress")
    } else {
        let best = best_of(&scores);
        (best, reason_for(best, &e, long_prose))
    };
    if kind == TaskKind::Agent {
        set_max(&mut scores, TaskKind::Agent);
    }
    let confidence = confidence(&scores, kind);
    Classification {
        kind,
        features,
        scores,
        confidence,
        reason,
    }
}

fn score(scores: &[f32; 6], k: TaskKind) -> f32 {
    scores.get(k.index()).copied().unwrap_or(0.0)
}

fn best_of(scores: &[f32; 6]) -> TaskKind {
    let mut best = TaskKind::Chat;
    let mut best_score = f32::MIN;
    for k in TIE_ORDER {
        let s = score(scores, k);
        if s > best_score {
            best = k;
            best_score = s;
        }
    }
    best
}

/// A forced agent decision gets a score above every other, so `scores` and
/// `kind` never disagree.
fn set_max(scores: &mut [f32; 6], k: TaskKind) {
    let top = scores.iter().copied().fold(0.0f32, f32::max);
    if let Some(s) = scores.get_mut(k.index()) {
        *s = s.max(top + 1.0);
    }
}

fn confidence(scores: &[f32; 6], kind: TaskKind) -> f32 {
    let win = score(scores, kind).max(0.0);
    let runner_up = TaskKind::ALL
        .into_iter()
        .filter(|&k| k != kind)
        .map(|k| score(scores, k).max(0.0))
        .fold(0.0f32, f32::max);
    if win + runner_up <= 0.0 {
        return 0.5;
    }
    win / (win + runner_up)
}

fn reason_for(kind: TaskKind, e: &Evidence, long_prose: bool) -> &'static str {
    match kind {
        TaskKind::Chat if e.chat > 0.0 => "conversational request",
        TaskKind::Chat => "no specific task recognised",
        TaskKind::Summarize if e.summarize > 0.0 => "summarisation request",
        TaskKind::Summarize if long_prose => "long text without instruction",
        TaskKind::Summarize => "summarisation request",
        TaskKind::Code if e.code_material >= e.code_intent => "code in the prompt",
        TaskKind::Code => "programming request",
        TaskKind::DataAnalysis if e.data_material >= e.data_intent => "tabular or numeric data",
        TaskKind::DataAnalysis => "data analysis request",
        TaskKind::Reasoning => "maths or logic problem",
        TaskKind::Agent => "tool protocol in the prompt",
    }
}
