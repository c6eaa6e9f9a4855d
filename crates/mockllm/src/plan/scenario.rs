//! Scenario tokens: answer features a test asks for that no request field of
//! the provider's own dialect can express (a translated request has no way to
//! say "pretend the prompt was cached").
//!
//! Chosen like faults ([`crate::faults`]): the `x-mock-scenario` header when
//! present, otherwise the model name (body `model`, or the model in the URL
//! for Gemini and Bedrock), scanned for tokens:
//!
//! | token            | effect                                                          |
//! |------------------|-----------------------------------------------------------------|
//! | `cached-<n>`     | `n` prompt tokens (at most all of them) reported as cache reads |
//! | `parallel-tools` | a tool call goes to *every* declared tool, in one turn          |
//! | `content-filter` | a text answer ends with the provider's content-filter reason    |
//!
//! Features a request *can* express are read from the request instead:
//! stop sequences, thinking / reasoning settings, tools, output caps.

use axum::http::HeaderMap;

/// Header that selects scenario tokens explicitly.
pub const SCENARIO_HEADER: &str = "x-mock-scenario";

/// What the scenario tokens asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scenario {
    /// `cached-<n>`.
    pub cached_tokens: u64,
    /// `parallel-tools`.
    pub parallel_tools: bool,
    /// `content-filter`.
    pub content_filter: bool,
}

impl Scenario {
    /// Scans `text` for tokens (case-sensitive, anywhere in the string).
    pub(crate) fn parse(text: &str) -> Self {
        let cached_tokens = text
            .match_indices("cached-")
            .find_map(|(at, token)| {
                let rest = text.get(at + token.len()..)?;
                let digits = rest.split(|c: char| !c.is_ascii_digit()).next()?;
                digits.parse::<u64>().ok()
            })
            .unwrap_or(0);
        Self {
            cached_tokens,
            parallel_tools: text.contains("parallel-tools"),
            content_filter: text.contains("content-filter"),
        }
    }

    /// The header wins when present; otherwise `model` is scanned.
    pub(crate) fn from_request(headers: &HeaderMap, model: &str) -> Self {
        match headers.get(SCENARIO_HEADER) {
            Some(value) => Self::parse(&String::from_utf8_lossy(value.as_bytes())),
            None => Self::parse(model),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn parses_tokens() {
        assert_eq!(Scenario::parse("gpt-4o"), Scenario::default());
        let s = Scenario::parse("m-cached-12-parallel-tools");
        assert_eq!(s.cached_tokens, 12);
        assert!(s.parallel_tools);
        assert!(!s.content_filter);
        assert!(Scenario::parse("content-filter").content_filter);
        assert_eq!(Scenario::parse("cached-x cached-3").cached_tokens, 3);
    }

    #[test]
    fn header_wins_over_model() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            Scenario::from_request(&headers, "m-cached-2").cached_tokens,
            2
        );
        headers.insert(SCENARIO_HEADER, HeaderValue::from_static("parallel-tools"));
        let s = Scenario::from_request(&headers, "m-cached-2");
        assert_eq!(s.cached_tokens, 0);
        assert!(s.parallel_tools);
    }
}
