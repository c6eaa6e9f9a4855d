//! What to answer, decided once per request and rendered by each provider module.
//!
//! The reply is deterministic: either the text `Mock reply from <provider> model
//! <model>.` (cut to `max_tokens` words, which ends with the provider's "length"
//! reason) or, when the request offers tools and its last message is a user turn,
//! one call to the first tool with arguments `{"mock":true}`.

/// Arguments of every mock tool call.
pub(crate) const TOOL_ARGUMENTS: &str = r#"{"mock":true}"#;

/// How [`TOOL_ARGUMENTS`] is split across streamed deltas.
pub(crate) const TOOL_ARGUMENT_PIECES: [&str; 5] = ["{\"", "mock", "\":", "true", "}"];

/// Output tokens reported for a tool call.
pub(crate) const TOOL_CALL_TOKENS: u64 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply {
    /// Text reply; `truncated` when the output cap cut it short.
    Text { words: Vec<String>, truncated: bool },
    /// One call to the named tool.
    ToolCall { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    pub input_tokens: u64,
    pub reply: Reply,
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
        }
    }

    pub(crate) fn output_tokens(&self) -> u64 {
        match &self.reply {
            Reply::Text { words, .. } => words.len() as u64,
            Reply::ToolCall { .. } => TOOL_CALL_TOKENS,
        }
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
}
