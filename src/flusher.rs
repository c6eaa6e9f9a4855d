//! Delivers usage records to the accounting service, off the request path.
//!
//! Policy streams enqueue one serialised record each on a shared queue (process
//! wide for this VM id). Every worker's root context drains it on its tick,
//! sending at most one batch at a time with `dispatch_http_call`. A batch that
//! fails (no answer, timeout, non-2xx) is put back on the queue and retried on a
//! later tick, so records wait while the service is down. Delivery is
//! at-least-once; the service deduplicates by `request_id`.

use std::time::Duration;

use switchboard_core::accounting::encode_batch;
use switchboard_core::config::AccountingSettings;

use crate::host;

pub struct Flusher {
    settings: AccountingSettings,
    queue: u32,
    root_id: u32,
    in_flight: Option<(u32, Vec<Vec<u8>>)>,
    /// Ticks to skip after a failed delivery, doubling up to `MAX_BACKOFF_TICKS`
    /// so an outage is not hammered every tick.
    backoff_ticks: u32,
    skipped: u32,
}

const MAX_BACKOFF_TICKS: u32 = 64;

impl Flusher {
    pub fn new(settings: AccountingSettings, queue: u32, root_id: u32) -> Self {
        Self {
            settings,
            queue,
            root_id,
            in_flight: None,
            backoff_ticks: 0,
            skipped: 0,
        }
    }

    pub fn on_tick(&mut self) {
        if self.in_flight.is_some() {
            return;
        }
        if self.skipped < self.backoff_ticks {
            self.skipped += 1;
            return;
        }
        self.skipped = 0;
        let mut records = Vec::new();
        while records.len() < self.settings.batch_max {
            match host::dequeue(self.queue) {
                Some(r) => records.push(r),
                None => break,
            }
        }
        if records.is_empty() {
            return;
        }
        let body = encode_batch(records.iter().map(Vec::as_slice));
        let timeout = Duration::from_millis(self.settings.timeout_ms);
        match host::dispatch_post(
            &self.settings.cluster,
            &self.settings.authority,
            &self.settings.path,
            &body,
            timeout,
        ) {
            Some(token) => self.in_flight = Some((token, records)),
            None => {
                log::warn!(
                    "[root {}] accounting cluster '{}' unavailable; {} records kept",
                    self.root_id,
                    self.settings.cluster,
                    records.len()
                );
                self.requeue(records);
            }
        }
    }

    pub fn on_response(&mut self, token: u32) {
        let Some((expected, records)) = self.in_flight.take() else {
            return;
        };
        if expected != token {
            self.in_flight = Some((expected, records));
            return;
        }
        match host::call_response_status() {
            Some(status) if (200..300).contains(&status) => {
                log::debug!(
                    "[root {}] delivered {} usage records",
                    self.root_id,
                    records.len()
                );
                self.backoff_ticks = 0;
                // Keep draining while records wait, instead of one batch per
                // tick: otherwise any rate above batch_max per tick grows the
                // queue without bound.
                self.on_tick();
            }
            Some(status) if (400..500).contains(&status) && status != 408 && status != 429 => {
                // The service refuses this batch as such: retrying the same
                // bytes would block the queue forever.
                log::error!(
                    "[root {}] accounting refused a batch ({status}); {} records dropped",
                    self.root_id,
                    records.len()
                );
                self.backoff_ticks = 0;
            }
            status => {
                log::warn!(
                    "[root {}] accounting answered {:?}; {} records kept for retry",
                    self.root_id,
                    status,
                    records.len()
                );
                self.requeue(records);
            }
        }
    }

    fn requeue(&mut self, records: Vec<Vec<u8>>) {
        self.backoff_ticks = (self.backoff_ticks * 2).clamp(1, MAX_BACKOFF_TICKS);
        let mut lost = 0usize;
        for r in records {
            if !host::enqueue(self.queue, &r) {
                lost += 1;
            }
        }
        if lost > 0 {
            log::error!(
                "[root {}] {lost} usage records could not be re-queued",
                self.root_id
            );
        }
    }
}
