//! Usage records: what the policy filter hands to the accounting service.
//!
//! A record carries identifiers and counts only — never prompt or completion
//! text, never a key (only the key's configured id). Records are queued as
//! individual JSON documents and joined into a batch without re-parsing.

use serde::Serialize;

use crate::usage::Usage;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageRecord {
    pub request_id: String,
    pub key_id: String,
    pub team: Option<String>,
    pub model_requested: String,
    pub model_served: Option<String>,
    pub provider: Option<String>,
    pub status: u16,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cached_input_tokens: u64,
    pub reasoning_tokens: u64,
    pub attempts: u32,
    pub ts_ms: u64,
    /// Task kind and policy when an automatic route chose the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_policy: Option<&'static str>,
    /// Why the automatic route chose the model (fixed vocabulary, never text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route_reason: Option<String>,
}

impl UsageRecord {
    /// Failed requests are recorded with zero tokens: they are never billed.
    pub fn set_usage(&mut self, usage: Option<Usage>) {
        let u = match usage {
            Some(u) if (200..300).contains(&self.status) => u,
            _ => Usage::default(),
        };
        self.input_tokens = u.input_tokens;
        self.output_tokens = u.output_tokens;
        self.cached_input_tokens = u.cached_input_tokens;
        self.reasoning_tokens = u.reasoning_tokens;
    }

    /// The usage this record bills, if any (none for failed requests).
    pub fn billed_usage(&self) -> Option<Usage> {
        let u = Usage {
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            cached_input_tokens: self.cached_input_tokens,
            reasoning_tokens: self.reasoning_tokens,
        };
        (u != Usage::default()).then_some(u)
    }

    pub fn to_json(&self) -> Option<Vec<u8>> {
        serde_json::to_vec(self).ok()
    }
}

/// The status recorded for a stream that failed after its 200 went out: cut
/// short by the provider (reset, timeout) or ended by an error event. Such a
/// request is failed: not billed, and it counts against the model's health.
pub const STREAM_FAILED: u16 = 502;

/// The status recorded for a request that ended without any response (the
/// client went away first): nginx's "client closed request", a 4xx the
/// accounting service accepts, never billed.
pub const CLIENT_CLOSED: u16 = 499;

/// Join already-serialised records into the body `{"records":[…]}`.
pub fn encode_batch<'a>(records: impl IntoIterator<Item = &'a [u8]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"records\":[");
    for (i, r) in records.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(r);
    }
    out.extend_from_slice(b"]}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(status: u16) -> UsageRecord {
        UsageRecord {
            request_id: "r1".into(),
            key_id: "demo".into(),
            team: None,
            model_requested: "m".into(),
            model_served: Some("m".into()),
            provider: Some("openai".into()),
            status,
            input_tokens: 0,
            output_tokens: 0,
            cached_input_tokens: 0,
            reasoning_tokens: 0,
            attempts: 1,
            ts_ms: 1,
            task: None,
            route_policy: None,
            route_reason: None,
        }
    }

    #[test]
    fn batch_is_valid_json_with_every_record() {
        let a = record(200).to_json().unwrap();
        let b = record(500).to_json().unwrap();
        let batch = encode_batch([a.as_slice(), b.as_slice()]);
        let v: serde_json::Value = serde_json::from_slice(&batch).unwrap();
        assert_eq!(v["records"].as_array().unwrap().len(), 2);
        assert_eq!(v["records"][1]["status"], 500);
        let empty: serde_json::Value = serde_json::from_slice(&encode_batch([])).unwrap();
        assert_eq!(empty["records"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn failed_requests_carry_no_tokens() {
        let usage = Some(Usage {
            input_tokens: 10,
            output_tokens: 5,
            cached_input_tokens: 0,
            reasoning_tokens: 0,
        });
        let mut ok = record(200);
        ok.set_usage(usage);
        assert_eq!((ok.input_tokens, ok.output_tokens), (10, 5));
        let mut failed = record(503);
        failed.set_usage(usage);
        assert_eq!((failed.input_tokens, failed.output_tokens), (0, 0));
        assert_eq!(failed.billed_usage(), None);
        assert_eq!(ok.billed_usage().map(|u| u.output_tokens), Some(5));
    }
}
