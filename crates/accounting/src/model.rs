//! Wire model of a usage record and its validation.
//!
//! Intent: a record carries only request metadata and counts delivered by the
//! Envoy filter. Zero data retention is enforced structurally: every type that
//! is deserialized from the wire uses `deny_unknown_fields`, so a payload that
//! tries to smuggle extra content (e.g. a `prompt` field) is rejected instead
//! of being silently dropped or stored.
//!
//! Invariants after [`UsageRecord::validate`] succeeds:
//! - `request_id` is 1..=[`MAX_REQUEST_ID_CHARS`] characters;
//! - `key_id` and `model_requested` are non-empty, and every string field is at
//!   most [`MAX_FIELD_CHARS`] characters;
//! - `status` is a real HTTP status (100..=599);
//! - every unsigned counter and `ts_ms` fits in an `i64` (SQLite INTEGER), so
//!   storing and reading back a record is lossless.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Maximum number of records accepted in a single `POST /v1/usage` batch.
pub const MAX_BATCH_RECORDS: usize = 1000;
/// Maximum length of `request_id`, in characters.
pub const MAX_REQUEST_ID_CHARS: usize = 128;
/// Maximum length of every other string field, in characters.
pub const MAX_FIELD_CHARS: usize = 256;

/// A batch as posted by the filter: `{"records":[…]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UsageBatch {
    /// The records, in delivery order.
    pub records: Vec<UsageRecord>,
}

/// One finished gateway request, as reported by the filter.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UsageRecord {
    /// Gateway request id; the idempotency key.
    pub request_id: String,
    /// Id of the virtual key (never the key itself).
    pub key_id: String,
    /// Team owning the virtual key, if any.
    #[serde(default)]
    pub team: Option<String>,
    /// Model name the client asked for.
    pub model_requested: String,
    /// Model that actually served the request; `None` when no provider did.
    #[serde(default)]
    pub model_served: Option<String>,
    /// Provider that served the request, if any.
    #[serde(default)]
    pub provider: Option<String>,
    /// HTTP status returned to the client.
    pub status: u16,
    /// Prompt tokens billed.
    pub input_tokens: u64,
    /// Completion tokens billed.
    pub output_tokens: u64,
    /// Prompt tokens served from a provider cache.
    #[serde(default)]
    pub cached_input_tokens: u64,
    /// Reasoning tokens reported by the provider.
    #[serde(default)]
    pub reasoning_tokens: u64,
    /// Upstream attempts made (retries and fallbacks included).
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// Unix time in milliseconds when the request finished.
    pub ts_ms: u64,
    /// Task kind recognised by an automatic route (`code`, `chat`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// Policy of the automatic route that chose the model (`balanced`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_policy: Option<String>,
    /// Why the automatic route chose the model (fixed vocabulary).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route_reason: Option<String>,
}

fn default_attempts() -> u32 {
    1
}

/// A record as stored: the delivered record plus the time it was first received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredRecord {
    /// The record exactly as first delivered.
    #[serde(flatten)]
    pub record: UsageRecord,
    /// Unix time in milliseconds when this service first stored the record.
    pub received_at_ms: u64,
}

/// Why a record failed validation. Messages name the field and the rule, never
/// the offending value, so they are safe to log and to return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Offending field name.
    pub field: &'static str,
    /// The rule that was broken.
    pub reason: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for ValidationError {}

fn invalid(field: &'static str, reason: impl Into<String>) -> ValidationError {
    ValidationError {
        field,
        reason: reason.into(),
    }
}

fn check_len(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
) -> Result<(), ValidationError> {
    let chars = value.chars().count();
    if chars < min || chars > max {
        return Err(invalid(
            field,
            format!("must be {min}..={max} characters, got {chars}"),
        ));
    }
    Ok(())
}

fn check_i64(field: &'static str, value: u64) -> Result<(), ValidationError> {
    if i64::try_from(value).is_err() {
        return Err(invalid(field, format!("must be at most {}", i64::MAX)));
    }
    Ok(())
}

impl UsageRecord {
    /// Checks the invariants listed in the module docs.
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_len("request_id", &self.request_id, 1, MAX_REQUEST_ID_CHARS)?;
        check_len("key_id", &self.key_id, 1, MAX_FIELD_CHARS)?;
        check_len("model_requested", &self.model_requested, 1, MAX_FIELD_CHARS)?;
        for (field, value) in [
            ("team", &self.team),
            ("model_served", &self.model_served),
            ("provider", &self.provider),
            ("task", &self.task),
            ("route_policy", &self.route_policy),
            ("route_reason", &self.route_reason),
        ] {
            if let Some(value) = value {
                check_len(field, value, 0, MAX_FIELD_CHARS)?;
            }
        }
        if !(100..=599).contains(&self.status) {
            return Err(invalid("status", "must be an HTTP status in 100..=599"));
        }
        check_i64("input_tokens", self.input_tokens)?;
        check_i64("output_tokens", self.output_tokens)?;
        check_i64("cached_input_tokens", self.cached_input_tokens)?;
        check_i64("reasoning_tokens", self.reasoning_tokens)?;
        check_i64("ts_ms", self.ts_ms)?;
        Ok(())
    }
}

/// Why a batch body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchError {
    /// Not JSON, wrong shape, missing or unknown field, or a record failed
    /// [`UsageRecord::validate`].
    Invalid(String),
    /// More than [`MAX_BATCH_RECORDS`] records.
    TooLarge(usize),
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(msg) => f.write_str(msg),
            Self::TooLarge(n) => write!(
                f,
                "batch has {n} records; at most {MAX_BATCH_RECORDS} are accepted per request"
            ),
        }
    }
}

impl std::error::Error for BatchError {}

/// Parses and validates a `POST /v1/usage` body. All-or-nothing: one bad
/// record refuses the whole batch, so the filter never sees a partial accept.
pub fn parse_batch(body: &[u8]) -> Result<UsageBatch, BatchError> {
    let batch: UsageBatch = serde_json::from_slice(body)
        .map_err(|e| BatchError::Invalid(format!("invalid usage batch: {e}")))?;
    if batch.records.len() > MAX_BATCH_RECORDS {
        return Err(BatchError::TooLarge(batch.records.len()));
    }
    for (i, record) in batch.records.iter().enumerate() {
        record
            .validate()
            .map_err(|e| BatchError::Invalid(format!("records[{i}].{e}")))?;
    }
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn minimal() -> serde_json::Value {
        json!({
            "request_id": "req-1",
            "key_id": "key-1",
            "model_requested": "gpt-4o",
            "status": 200,
            "input_tokens": 10,
            "output_tokens": 5,
            "ts_ms": 1_700_000_000_000u64
        })
    }

    fn parse_one(record: serde_json::Value) -> Result<UsageBatch, BatchError> {
        let body = serde_json::to_vec(&json!({ "records": [record] })).unwrap();
        parse_batch(&body)
    }

    fn with(field: &str, value: serde_json::Value) -> serde_json::Value {
        let mut r = minimal();
        r[field] = value;
        r
    }

    fn without(field: &str) -> serde_json::Value {
        let mut r = minimal();
        r.as_object_mut().unwrap().remove(field);
        r
    }

    #[test]
    fn minimal_record_gets_defaults() {
        let batch = parse_one(minimal()).unwrap();
        let r = &batch.records[0];
        assert_eq!(r.team, None);
        assert_eq!(r.model_served, None);
        assert_eq!(r.provider, None);
        assert_eq!(r.cached_input_tokens, 0);
        assert_eq!(r.reasoning_tokens, 0);
        assert_eq!(r.attempts, 1);
    }

    #[test]
    fn full_record_round_trips() {
        let full = json!({
            "request_id": "req-2", "key_id": "k", "team": "ml",
            "model_requested": "fast", "model_served": "gpt-4o-mini",
            "provider": "openai", "status": 429, "input_tokens": 1,
            "output_tokens": 2, "cached_input_tokens": 3, "reasoning_tokens": 4,
            "attempts": 3, "ts_ms": 5
        });
        let batch = parse_one(full.clone()).unwrap();
        assert_eq!(serde_json::to_value(&batch.records[0]).unwrap(), full);
    }

    #[test]
    fn empty_batch_is_fine() {
        assert_eq!(parse_batch(br#"{"records":[]}"#).unwrap().records.len(), 0);
    }

    #[test]
    fn every_required_field_is_required() {
        for field in [
            "request_id",
            "key_id",
            "model_requested",
            "status",
            "input_tokens",
            "output_tokens",
            "ts_ms",
        ] {
            let err = parse_one(without(field)).unwrap_err();
            assert!(
                matches!(&err, BatchError::Invalid(m) if m.contains(field)),
                "{field}: {err}"
            );
        }
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let err = parse_one(with("prompt", json!("secret text"))).unwrap_err();
        assert!(matches!(&err, BatchError::Invalid(m) if m.contains("prompt")));
        let err = parse_batch(br#"{"records":[],"completion":"x"}"#).unwrap_err();
        assert!(matches!(err, BatchError::Invalid(_)));
    }

    #[test]
    fn malformed_json_is_invalid() {
        assert!(matches!(
            parse_batch(b"{not json"),
            Err(BatchError::Invalid(_))
        ));
        assert!(matches!(parse_batch(b"[]"), Err(BatchError::Invalid(_))));
        assert!(matches!(parse_batch(b"{}"), Err(BatchError::Invalid(_))));
    }

    #[test]
    fn request_id_length_bounds() {
        assert!(parse_one(with("request_id", json!(""))).is_err());
        assert!(parse_one(with("request_id", json!("a".repeat(128)))).is_ok());
        // 128 multi-byte characters are fine: the bound is on characters.
        assert!(parse_one(with("request_id", json!("é".repeat(128)))).is_ok());
        let err = parse_one(with("request_id", json!("a".repeat(129)))).unwrap_err();
        assert_eq!(
            err,
            BatchError::Invalid(
                "records[0].request_id: must be 1..=128 characters, got 129".into()
            )
        );
    }

    #[test]
    fn other_string_bounds() {
        assert!(parse_one(with("key_id", json!(""))).is_err());
        assert!(parse_one(with("model_requested", json!(""))).is_err());
        assert!(parse_one(with("team", json!("t".repeat(257)))).is_err());
        assert!(parse_one(with("team", json!(null))).is_ok());
        assert!(parse_one(with("model_served", json!(null))).is_ok());
    }

    #[test]
    fn types_and_ranges() {
        assert!(parse_one(with("status", json!(99))).is_err());
        assert!(parse_one(with("status", json!(600))).is_err());
        assert!(parse_one(with("status", json!(70000))).is_err());
        assert!(parse_one(with("input_tokens", json!(-1))).is_err());
        assert!(parse_one(with("input_tokens", json!("10"))).is_err());
        assert!(parse_one(with("input_tokens", json!(u64::MAX))).is_err());
        assert!(parse_one(with("ts_ms", json!(i64::MAX as u64))).is_ok());
        assert!(parse_one(with("ts_ms", json!(i64::MAX as u64 + 1))).is_err());
        assert!(parse_one(with("attempts", json!(u64::from(u32::MAX) + 1))).is_err());
        assert!(parse_one(with("cached_input_tokens", json!(null))).is_err());
    }

    #[test]
    fn batch_size_limit() {
        let records: Vec<_> = (0..=MAX_BATCH_RECORDS)
            .map(|i| with("request_id", json!(format!("r{i}"))))
            .collect();
        let body = serde_json::to_vec(&json!({ "records": records })).unwrap();
        assert_eq!(
            parse_batch(&body).unwrap_err(),
            BatchError::TooLarge(MAX_BATCH_RECORDS + 1)
        );
        let body =
            serde_json::to_vec(&json!({ "records": &records[..MAX_BATCH_RECORDS] })).unwrap();
        assert_eq!(parse_batch(&body).unwrap().records.len(), MAX_BATCH_RECORDS);
    }

    #[test]
    fn validation_messages_do_not_echo_values() {
        let secret = "s".repeat(300);
        let err = parse_one(with("team", json!(secret))).unwrap_err();
        assert!(!err.to_string().contains(&secret));
    }
}
