//! What to answer, decided once per request and rendered by each provider module.
//!
//! The reply is deterministic: either the text `Mock reply from <provider> model
//! <model>.` (cut to `max_tokens` words, which ends with the provider's "length"
//! reason, or cut before the first stop sequence it contains, which ends with
//! the provider's "stop sequence" reason) or, when the request offers tools and
//! its last message is a user turn, one call to the first tool with arguments
//! `{"mock":true}` (a call to every declared tool with `parallel-tools`).
//!
//! Besides the reply: reasoning (when the request enables thinking in its own
//! dialect, [`THOUGHT`] comes first, signed with [`THINKING_SIGNATURE`] where
//! the provider signs, and counted as output) and cache reads
//! ([`scenario`]: `cached-<n>`), which each provider reports in its own usage
//! fields. Input tokens always count the whole prompt, cached or not.

pub(crate) mod scenario;

pub(crate) use scenario::Scenario;

/// Arguments of every mock tool call.
pub(crate) const TOOL_ARGUMENTS: &str = r#"{"mock":true}"#;

/// How [`TOOL_ARGUMENTS`] is split across streamed deltas.
pub(crate) const TOOL_ARGUMENT_PIECES: [&str; 5] = ["{\"", "mock", "\":", "true", "}"];

/// Output tokens reported for a tool call.
pub(crate) const TOOL_CALL_TOKENS: u64 = 5;

/// The reasoning text of a request that enables thinking.
pub(crate) const THOUGHT: &str = "Thinking about the request.";

/// Base64 of `mock-thinking-signature`: the signature of every [`THOUGHT`]
/// block (Anthropic, Bedrock). A replayed block must carry it unchanged.
pub(crate) const THINKING_SIGNATURE: &str = "bW9jay10aGlua2luZy1zaWduYXR1cmU=";

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply {
    /// Text reply; `truncated` when the output cap cut it short.
    Text { words: Vec<String>, truncated: bool },
    /// One call to the named tool (more in [`Plan::more_calls`]).
    ToolCall { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The whole prompt, cache reads included.
    pub input_tokens: u64,
    pub reply: Reply,
    /// Prompt tokens reported as read from the cache (at most `input_tokens`).
    pub cached_tokens: u64,
    /// [`THOUGHT`] comes before the reply.
    pub reasoning: bool,
    /// Further tools called in the same turn as [`Reply::ToolCall`].
    pub more_calls: Vec<String>,
    /// The stop sequence that ended the text, when one did.
    pub stop_sequence: Option<String>,
    /// The text ends with the provider's content-filter reason.
    pub filtered: bool,
}

impl Plan {
    /// `tool` is the tool to call, if the request calls for one.
    pub(crate) fn new(
        provider: &str,
        model: &str,
        max_tokens: Option<u64>,
        tool: Option<String>,
        input_tokens: u64,
    ) -> Self {
        let reply = match tool {
            Some(name) => Reply::ToolCall { name },
            None => {
                let text = format!("Mock reply from {provider} model {model}.");
                let mut words: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
                let cap = max_tokens
                    .and_then(|m| usize::try_from(m).ok())
                    .unwrap_or(usize::MAX);
                let truncated = cap < words.len();
                words.truncate(cap);
                Reply::Text { words, truncated }
            }
        };
        Self {
            input_tokens,
            reply,
            cached_tokens: 0,
            reasoning: false,
            more_calls: Vec::new(),
            stop_sequence: None,
            filtered: false,
        }
    }

    /// Applies the scenario tokens: cache reads, a content filter on a text
    /// answer, and with `parallel-tools` a call to each of the `declared`
    /// tools besides the one already chosen.
    pub(crate) fn with_scenario(mut self, scenario: Scenario, declared: &[String]) -> Self {
        self.cached_tokens = scenario.cached_tokens.min(self.input_tokens);
        self.filtered = scenario.content_filter && matches!(self.reply, Reply::Text { .. });
        if let (true, Reply::ToolCall { name }) = (scenario.parallel_tools, &self.reply) {
            self.more_calls = declared.iter().filter(|d| *d != name).cloned().collect();
        }
        self
    }

    /// Cuts the text before the earliest stop sequence it contains (the
    /// sequence itself is not part of the answer, as providers do).
    pub(crate) fn with_stop(mut self, stops: &[String]) -> Self {
        let Reply::Text { words, truncated } = &mut self.reply else {
            return self;
        };
        let full = text(words);
        let first = stops
            .iter()
            .filter(|s| !s.is_empty())
            .filter_map(|s| full.find(s.as_str()).map(|at| (at, s)))
            .min_by_key(|(at, _)| *at);
        if let Some((at, stop)) = first {
            *words = full
                .get(..at)
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            *truncated = false;
            self.stop_sequence = Some(stop.clone());
        }
        self
    }

    /// Whether [`THOUGHT`] comes first.
    pub(crate) fn with_reasoning(mut self, reasoning: bool) -> Self {
        self.reasoning = reasoning;
        self
    }

    /// Every tool called, in order.
    pub(crate) fn calls(&self) -> Vec<&str> {
        match &self.reply {
            Reply::ToolCall { name } => std::iter::once(name.as_str())
                .chain(self.more_calls.iter().map(String::as_str))
                .collect(),
            Reply::Text { .. } => Vec::new(),
        }
    }

    /// Tokens of the visible answer (reasoning excluded).
    pub(crate) fn output_tokens(&self) -> u64 {
        match &self.reply {
            Reply::Text { words, .. } => words.len() as u64,
            Reply::ToolCall { .. } => TOOL_CALL_TOKENS * (1 + self.more_calls.len() as u64),
        }
    }

    /// Tokens of the reasoning, 0 without it.
    pub(crate) fn reasoning_tokens(&self) -> u64 {
        if self.reasoning {
            crate::tokens::words(THOUGHT)
        } else {
            0
        }
    }

    /// Prompt tokens not read from the cache.
    pub(crate) fn uncached_input_tokens(&self) -> u64 {
        self.input_tokens.saturating_sub(self.cached_tokens)
    }
}

/// The reply text, words joined by single spaces.
pub(crate) fn text(words: &[String]) -> String {
    words.join(" ")
}

/// Streamed pieces: each word followed by a space, except the last.
pub(crate) fn pieces(words: &[String]) -> Vec<String> {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| if i < last { format!("{w} ") } else { w.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_text_reply() {
        let plan = Plan::new("openai", "gpt-4o", None, None, 3);
        let Reply::Text { words, truncated } = &plan.reply else {
            panic!("expected text");
        };
        assert_eq!(text(words), "Mock reply from openai model gpt-4o.");
        assert!(!truncated);
        assert_eq!(plan.output_tokens(), 6);
        assert_eq!(pieces(words).concat(), text(words));
        assert_eq!(pieces(words)[0], "Mock ");
        assert_eq!(pieces(words)[5], "gpt-4o.");
    }

    #[test]
    fn truncates_to_max_tokens() {
        let plan = Plan::new("anthropic", "claude", Some(2), None, 0);
        assert_eq!(
            plan.reply,
            Reply::Text {
                words: vec!["Mock".into(), "reply".into()],
                truncated: true
            }
        );
        assert_eq!(plan.output_tokens(), 2);
        let exact = Plan::new("anthropic", "claude", Some(6), None, 0);
        assert!(matches!(
            exact.reply,
            Reply::Text {
                truncated: false,
                ..
            }
        ));
    }

    #[test]
    fn tool_call_reply() {
        let plan = Plan::new("openai", "m", Some(1), Some("get_weather".into()), 0);
        assert_eq!(plan.output_tokens(), TOOL_CALL_TOKENS);
        assert_eq!(TOOL_ARGUMENT_PIECES.concat(), TOOL_ARGUMENTS);
    }

    #[test]
    fn stop_sequences_cut_before_the_first_match() {
        let plan = Plan::new("openai", "gpt-4o", None, None, 3).with_stop(&[
            "zzz".into(),
            " model".into(),
            "reply".into(),
        ]);
        assert_eq!(
            plan.reply,
            Reply::Text {
                words: vec!["Mock".into()],
                truncated: false
            }
        );
        assert_eq!(plan.stop_sequence.as_deref(), Some("reply"));
        let untouched = Plan::new("openai", "gpt-4o", None, None, 3).with_stop(&["END".into()]);
        assert_eq!(untouched.stop_sequence, None);
        assert_eq!(untouched.output_tokens(), 6);
    }

    #[test]
    fn scenario_caches_and_calls_every_tool() {
        let tools = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let plan = Plan::new("openai", "m", None, Some("a".into()), 4).with_scenario(
            Scenario {
                cached_tokens: 9,
                parallel_tools: true,
                content_filter: true,
            },
            &tools,
        );
        assert_eq!(plan.cached_tokens, 4);
        assert_eq!(plan.uncached_input_tokens(), 0);
        assert_eq!(plan.calls(), ["a", "b", "c"]);
        assert!(!plan.filtered, "only text answers are filtered");
        assert_eq!(plan.output_tokens(), 3 * TOOL_CALL_TOKENS);
    }

    #[test]
    fn reasoning_is_counted_apart() {
        let plan = Plan::new("openai", "m", None, None, 1).with_reasoning(true);
        assert_eq!(plan.reasoning_tokens(), 4);
        assert_eq!(plan.output_tokens(), 6);
    }
}
