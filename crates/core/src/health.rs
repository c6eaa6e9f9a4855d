//! Live model health, measured by the data plane and shared by every Envoy
//! worker through shared data, so automatic routes avoid a failing model
//! within seconds and come back to it once it recovers.
//!
//! Each finished request updates its model's record: an error-rate EWMA
//! (server errors, rate limits and upstream failures count; client errors do
//! not) and an EWMA of successful requests' time to first byte. The error score decays with time (half-life
//! [`HALF_LIFE_MS`]), so a model that is avoided, and therefore gets no
//! traffic, becomes eligible again and is probed by the next request. Records
//! are 24 bytes: error f64, latency f64, last update u64 (big-endian).

/// Time for the error score to halve without new requests.
pub const HALF_LIFE_MS: f64 = 5_000.0;
/// Error score at or above which a model is avoided.
pub const UNHEALTHY_AT: f64 = 0.5;
/// Weight of the newest outcome: one failure after a clean record makes the
/// model unhealthy for about 1.3 s; consecutive failures for longer.
const ERROR_ALPHA: f64 = 0.6;
const LATENCY_ALPHA: f64 = 0.2;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Health {
    pub error_ewma: f64,
    pub latency_ewma_ms: f64,
    pub updated_ms: u64,
}

pub fn key(model: &str) -> String {
    format!("switchboard.health.{model}")
}

/// Whether a response status counts against the model's health.
pub fn is_failure(status: u16) -> bool {
    status == 0 || status == 429 || status >= 500
}

impl Health {
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let error = f64::from_be_bytes(bytes.get(0..8)?.try_into().ok()?);
        let latency = f64::from_be_bytes(bytes.get(8..16)?.try_into().ok()?);
        let updated = u64::from_be_bytes(bytes.get(16..24)?.try_into().ok()?);
        (error.is_finite() && latency.is_finite()).then_some(Self {
            error_ewma: error,
            latency_ewma_ms: latency,
            updated_ms: updated,
        })
    }

    pub fn encode(&self) -> [u8; 24] {
        let mut out = [0u8; 24];
        let bytes = self
            .error_ewma
            .to_be_bytes()
            .into_iter()
            .chain(self.latency_ewma_ms.to_be_bytes())
            .chain(self.updated_ms.to_be_bytes());
        for (dst, src) in out.iter_mut().zip(bytes) {
            *dst = src;
        }
        out
    }

    /// The error score now, decayed since the last update.
    pub fn error_score(&self, now_ms: u64) -> f64 {
        let elapsed = now_ms.saturating_sub(self.updated_ms) as f64;
        self.error_ewma * 0.5f64.powf(elapsed / HALF_LIFE_MS)
    }

    pub fn is_healthy(&self, now_ms: u64) -> bool {
        self.error_score(now_ms) < UNHEALTHY_AT
    }

    /// The record after one more finished request. `first_byte_ms` is the
    /// time to the response headers of a successful request (`None` for a
    /// failure, whose timing says nothing about the model's speed).
    pub fn record(&self, now_ms: u64, failed: bool, first_byte_ms: Option<u64>) -> Self {
        let outcome = if failed { 1.0 } else { 0.0 };
        let latency_ewma_ms = match first_byte_ms.map(|ms| ms as f64) {
            None => self.latency_ewma_ms,
            Some(latency) if self.latency_ewma_ms <= 0.0 => latency,
            Some(latency) => self.latency_ewma_ms * (1.0 - LATENCY_ALPHA) + LATENCY_ALPHA * latency,
        };
        Self {
            error_ewma: self.error_score(now_ms) * (1.0 - ERROR_ALPHA) + ERROR_ALPHA * outcome,
            latency_ewma_ms,
            updated_ms: now_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_failure_avoids_a_model_for_a_moment_then_it_recovers() {
        let h = Health::default().record(10_000, true, None);
        assert!(!h.is_healthy(10_000));
        assert!(!h.is_healthy(11_000));
        assert!(h.is_healthy(12_000));
        let again = h.record(12_000, true, None);
        assert!(
            !again.is_healthy(14_000),
            "repeated failures keep it out longer"
        );
        let ok = again.record(14_000, false, Some(50));
        assert!(ok.is_healthy(14_000));
    }

    #[test]
    fn successes_keep_it_healthy_and_track_latency() {
        let mut h = Health::default();
        for t in 1..=5 {
            h = h.record(t * 1000, false, Some(200));
        }
        assert!(h.is_healthy(5_000));
        assert!((h.latency_ewma_ms - 200.0).abs() < 1e-9);
        let slower = h.record(6_000, false, Some(1200));
        assert!((slower.latency_ewma_ms - 400.0).abs() < 1e-9);
        let failed = slower.record(7_000, true, None);
        assert_eq!(failed.latency_ewma_ms, slower.latency_ewma_ms);
    }

    #[test]
    fn encoding_round_trips_and_rejects_garbage() {
        let h = Health::default().record(7, true, Some(9));
        assert_eq!(Health::decode(&h.encode()), Some(h));
        assert_eq!(Health::decode(b"short"), None);
        assert_eq!(Health::decode(&[0xff; 24]), None);
    }

    #[test]
    fn only_upstream_trouble_counts() {
        assert!(is_failure(500) && is_failure(429) && is_failure(0));
        assert!(!is_failure(200) && !is_failure(400) && !is_failure(404));
    }
}
