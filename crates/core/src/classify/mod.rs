//! Task recognition (step 3 of the flow): what kind of work a request is.
//!
//! [`classify_chat_request`] reads an OpenAI chat body once (borrowed, see
//! `request`), passes over the text of every message a single time (`walk`,
//! `scanner`), extracting keyword cues in several languages (`lexicon`), code,
//! table and maths structure, and the prompt's estimated size, then scores the six
//! [`TaskKind`]s with fixed weights (`decide`). Method, labelling rules and
//! measured accuracy: docs/classifier.md.
//!
//! Invariants: deterministic (same bytes, same answer); total (any bytes give a
//! classification or a 400 error, never a panic); bounded work on huge prompts
//! (long strings are sampled, see `jsonstr`, while their full size still counts);
//! no allocation per word or character; no table built at run time.

mod decide;
mod jsonstr;
mod lexicon;
mod lines;
mod request;
mod scanner;
mod signals;
mod walk;
mod word;

use serde::{Deserialize, Serialize};

use crate::error::GatewayError;

/// The kinds of work the router distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Conversation, advice, knowledge questions, creative writing, translation.
    Chat,
    /// Condensing or digesting a provided text.
    Summarize,
    /// Writing, reading, explaining, reviewing or debugging code.
    Code,
    /// Analysing data the request carries or describes.
    DataAnalysis,
    /// Tool use: tools are offered, or the request is inside a tool loop.
    Agent,
    /// Maths, proofs, logic puzzles, multi-step quantitative reasoning.
    Reasoning,
}

impl TaskKind {
    /// Every kind, in the order of [`Classification::scores`].
    pub const ALL: [TaskKind; 6] = [
        TaskKind::Chat,
        TaskKind::Summarize,
        TaskKind::Code,
        TaskKind::DataAnalysis,
        TaskKind::Agent,
        TaskKind::Reasoning,
    ];

    /// The wire name (as in headers, config and usage records).
    pub const fn as_str(self) -> &'static str {
        match self {
            TaskKind::Chat => "chat",
            TaskKind::Summarize => "summarize",
            TaskKind::Code => "code",
            TaskKind::DataAnalysis => "data_analysis",
            TaskKind::Agent => "agent",
            TaskKind::Reasoning => "reasoning",
        }
    }

    /// The kind named `name` (the inverse of [`TaskKind::as_str`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Position in [`TaskKind::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for TaskKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the classifier measured; also what the router's hard filters need
/// (size, tools, images, JSON mode), so the body is parsed only once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// Estimated prompt tokens: texts, per-message framing, tool calls and
    /// schemas, images and files (see `crate::estimate`).
    pub prompt_tokens_estimate: u32,
    /// `max_completion_tokens`, else `max_tokens`, when the client set one.
    pub max_output_tokens: Option<u32>,
    pub messages: u32,
    /// Tools or functions are offered and not disabled by `tool_choice: "none"`.
    pub has_tools: bool,
    /// The history holds tool calls or tool results.
    pub in_tool_loop: bool,
    pub has_images: bool,
    pub has_files: bool,
    pub has_audio: bool,
    /// `response_format` asks for a JSON object or a JSON schema.
    pub wants_json: bool,
    /// The client set `reasoning_effort`.
    pub reasoning_requested: bool,
    /// Characters (not bytes) of all message texts; sampled texts extrapolated.
    pub total_chars: u32,
    pub last_user_chars: u32,
    pub longest_message_chars: u32,
    /// CJK characters seen in the scanned text.
    pub cjk_chars: u32,
    /// Strength of code, tabular-data and maths evidence (0 = none; roughly
    /// 0–10), weighted by message role as in the decision.
    pub code_score: f32,
    pub table_score: f32,
    pub math_score: f32,
}

/// The decision and its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub kind: TaskKind,
    pub features: Features,
    /// Score of each kind, indexed like [`TaskKind::ALL`].
    pub scores: [f32; 6],
    /// Share of the winning score in the sum of the two best (0.5 = a tie,
    /// 1.0 = no competitor).
    pub confidence: f32,
    /// A short, fixed explanation (no prompt text), e.g. "tools offered".
    pub reason: &'static str,
}

/// Classify an OpenAI `/v1/chat/completions` body.
///
/// Errors are 400s with the codes of `request::parse_chat_request`:
/// `invalid_json` for a body that is not JSON, `invalid_request` (param
/// `messages`) when `messages` is missing, empty or not an array of objects.
pub fn classify_chat_request(body: &[u8]) -> Result<Classification, GatewayError> {
    let req = request::parse(body)?;
    let (features, groups) = walk::walk(&req);
    Ok(decide::decide(features, &groups))
}
