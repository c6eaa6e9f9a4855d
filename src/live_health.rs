//! Live model health in shared data (`switchboard_core::health`), read and
//! written by the policy filter: every worker sees the same records.

use switchboard_core::config::ModelRoute;
use switchboard_core::health;
use switchboard_core::select::LiveStats;

use crate::host;

/// One outcome into `model`'s shared record (compare-and-swap: workers
/// update the same record concurrently).
pub fn record(model: &str, failed: bool, first_byte_ms: Option<u64>) {
    let key = health::key(model);
    let now = host::now_ms();
    for _ in 0..3 {
        let (value, cas) = host::shared_data_with_cas(&key);
        let current = value
            .and_then(|v| health::Health::decode(&v))
            .unwrap_or_default();
        let next = current.record(now, failed, first_byte_ms);
        if host::set_shared_data_if(&key, &next.encode(), cas) {
            return;
        }
    }
}

/// What the data plane knows about `model` now: cooling down after a
/// provider's `Retry-After`, its error rate and its time to first byte.
pub fn stats(model: &ModelRoute, now: u64, cooling: &dyn Fn(&str) -> bool) -> LiveStats {
    let record =
        host::shared_data(&health::key(&model.name)).and_then(|v| health::Health::decode(&v));
    let cooling_now = model
        .chain
        .first()
        .is_some_and(|step| cooling(&step.cooldown_key));
    LiveStats {
        unavailable: cooling_now || record.is_some_and(|h| !h.is_healthy(now)),
        error_rate: record.map_or(0.0, |h| h.error_score(now)),
        ttfb_ms: record
            .filter(|h| h.latency_ewma_ms > 0.0)
            .map(|h| h.latency_ewma_ms),
    }
}
