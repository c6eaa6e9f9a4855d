//! Fault selection: which failure a request asked for.
//!
//! The fault comes from the `x-mock-fault` header when present, otherwise from the
//! request body's `model` string. Both are scanned for tokens, so a model such as
//! `gpt-4o-slow-200-fault-500` combines a delay with an error:
//!
//! | token             | effect                                                        |
//! |-------------------|---------------------------------------------------------------|
//! | `fault-429`       | 429 with `retry-after: 1` and the provider's rate-limit error |
//! | `fault-500`       | 500 with the provider's server error                          |
//! | `fault-503`       | 503 with the provider's unavailable/overloaded error          |
//! | `fault-529`       | 529 with the provider's overloaded error                      |
//! | `fault-502`       | 502 HTML page, as the provider's edge proxy sends it          |
//! | `fault-504`       | 504 HTML page, as the provider's edge proxy sends it          |
//! | `fault-reset`     | TCP connection reset (RST), no HTTP response at all           |
//! | `midstream-reset` | streaming only: a few events, then the connection drops       |
//! | `slow-<ms>`       | wait `<ms>` milliseconds before the response headers          |
//! | `retry-after-<s>` | with `fault-429`: send `retry-after: <s>` instead of `1`      |
//!
//! When several kinds appear, the first one in the table above wins.

use std::time::Duration;

use axum::http::HeaderMap;
use serde_json::Value;

/// Header that selects a fault explicitly.
pub const FAULT_HEADER: &str = "x-mock-fault";

/// The failure a request asked for (besides an optional delay).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this HTTP status (429, 500, 503 or 529) and a provider error body.
    Status(u16),
    /// A 502/504 HTML page from the provider's front proxy, not its API.
    Gateway(u16),
    /// Close the connection with an RST before any response byte.
    Reset,
    /// Streaming responses break after the first content event.
    MidstreamReset,
}

/// A parsed fault: an optional delay plus an optional failure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fault {
    pub delay_ms: Option<u64>,
    pub kind: Option<FaultKind>,
    /// `retry-after` seconds sent with a 429 (default 1).
    pub retry_after_s: Option<u64>,
}

const KINDS: [(&str, FaultKind); 8] = [
    ("fault-429", FaultKind::Status(429)),
    ("fault-500", FaultKind::Status(500)),
    ("fault-503", FaultKind::Status(503)),
    ("fault-529", FaultKind::Status(529)),
    ("fault-502", FaultKind::Gateway(502)),
    ("fault-504", FaultKind::Gateway(504)),
    ("fault-reset", FaultKind::Reset),
    ("midstream-reset", FaultKind::MidstreamReset),
];

/// The number right after the first `prefix` in `text` that has one.
fn number_after(text: &str, prefix: &str) -> Option<u64> {
    text.match_indices(prefix).find_map(|(at, token)| {
        let rest = text.get(at + token.len()..)?;
        let digits: &str = rest
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap_or_default();
        digits.parse::<u64>().ok()
    })
}

impl Fault {
    /// Scans `text` for fault tokens (case-sensitive, anywhere in the string).
    pub fn parse(text: &str) -> Self {
        let kind = KINDS
            .iter()
            .find(|(token, _)| text.contains(token))
            .map(|(_, kind)| *kind);
        Self {
            delay_ms: number_after(text, "slow-"),
            kind,
            retry_after_s: number_after(text, "retry-after-"),
        }
    }

    /// The header wins when present; otherwise the body's `model` is scanned.
    pub fn from_request(headers: &HeaderMap, body: Option<&Value>) -> Self {
        if let Some(value) = headers.get(FAULT_HEADER) {
            return Self::parse(&String::from_utf8_lossy(value.as_bytes()));
        }
        body.and_then(|b| b.get("model"))
            .and_then(Value::as_str)
            .map(Self::parse)
            .unwrap_or_default()
    }

    pub fn delay(&self) -> Option<Duration> {
        self.delay_ms.map(Duration::from_millis)
    }

    pub fn is_none(&self) -> bool {
        self.delay_ms.is_none() && self.kind.is_none()
    }

    /// Canonical tokens, comma-separated (`"slow-300,fault-500"`), or `None`.
    pub fn label(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(ms) = self.delay_ms {
            parts.push(format!("slow-{ms}"));
        }
        if let Some(kind) = self.kind {
            if let Some((token, _)) = KINDS.iter().find(|(_, k)| *k == kind) {
                parts.push((*token).to_string());
            }
        }
        (!parts.is_empty()).then(|| parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde_json::json;

    #[test]
    fn parses_each_token() {
        for (text, kind) in KINDS {
            assert_eq!(Fault::parse(text).kind, Some(kind), "{text}");
            assert_eq!(Fault::parse(&format!("gpt-4o-{text}")).kind, Some(kind));
        }
        assert_eq!(Fault::parse("gpt-4o"), Fault::default());
        assert!(Fault::parse("claude-fault-404").is_none());
    }

    #[test]
    fn parses_retry_after() {
        let f = Fault::parse("m-fault-429-retry-after-0");
        assert_eq!(f.kind, Some(FaultKind::Status(429)));
        assert_eq!(f.retry_after_s, Some(0));
        assert_eq!(Fault::parse("fault-429").retry_after_s, None);
    }

    #[test]
    fn parses_delay_and_combinations() {
        let f = Fault::parse("mock-slow-300");
        assert_eq!(f.delay_ms, Some(300));
        assert_eq!(f.kind, None);
        assert_eq!(f.delay(), Some(Duration::from_millis(300)));

        let f = Fault::parse("x-slow-25-fault-500");
        assert_eq!(f.delay_ms, Some(25));
        assert_eq!(f.kind, Some(FaultKind::Status(500)));
        assert_eq!(f.label().as_deref(), Some("slow-25,fault-500"));

        assert_eq!(Fault::parse("slow-").delay_ms, None);
        assert_eq!(Fault::parse("slow-x slow-7").delay_ms, Some(7));
    }

    #[test]
    fn midstream_reset_is_not_fault_reset() {
        assert_eq!(
            Fault::parse("midstream-reset").kind,
            Some(FaultKind::MidstreamReset)
        );
        assert_eq!(
            Fault::parse("fault-reset").label().as_deref(),
            Some("fault-reset")
        );
        assert_eq!(Fault::default().label(), None);
    }

    #[test]
    fn header_wins_over_model() {
        let body = json!({"model": "gpt-fault-500"});
        let mut headers = HeaderMap::new();
        assert_eq!(
            Fault::from_request(&headers, Some(&body)).kind,
            Some(FaultKind::Status(500))
        );
        headers.insert(FAULT_HEADER, HeaderValue::from_static("fault-429"));
        assert_eq!(
            Fault::from_request(&headers, Some(&body)).kind,
            Some(FaultKind::Status(429))
        );
        headers.insert(FAULT_HEADER, HeaderValue::from_static(""));
        assert!(Fault::from_request(&headers, Some(&body)).is_none());
        assert!(Fault::from_request(&HeaderMap::new(), None).is_none());
    }
}
