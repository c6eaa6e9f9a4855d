//! Counters exported through Envoy's stats (`wasmcustom.switchboard.*`).
//!
//! Names carry the model and the status class as dot-separated parts so that
//! `stats_config.stats_tags` can turn them into Prometheus labels. Cardinality
//! stays bounded: model names come from the routing table or the endpoint
//! metadata (the catalog), never from users, and statuses are collapsed to
//! their class. Metric ids are defined once per VM and cached.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use proxy_wasm::hostcalls;
use proxy_wasm::types::MetricType;
use switchboard_core::usage::Usage;

#[derive(Default, Clone)]
pub struct Metrics {
    ids: Rc<RefCell<HashMap<String, u32>>>,
}

/// Keep a name part from splitting the tag structure: dots become underscores.
fn part(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if c == '.' || c.is_whitespace() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

fn status_class(status: u16) -> &'static str {
    match status {
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        500..=599 => "5xx",
        _ => "other",
    }
}

impl Metrics {
    fn add(&self, name: String, amount: u64) {
        if amount == 0 {
            return;
        }
        let id = {
            let mut ids = self.ids.borrow_mut();
            match ids.get(&name) {
                Some(id) => *id,
                None => match hostcalls::define_metric(MetricType::Counter, &name) {
                    Ok(id) => {
                        ids.insert(name, id);
                        id
                    }
                    Err(_) => return,
                },
            }
        };
        let _ = hostcalls::increment_metric(id, i64::try_from(amount).unwrap_or(i64::MAX));
    }

    /// One finished request, attributed to the model that served it.
    pub fn request_done(&self, model: &str, status: u16, usage: Option<Usage>) {
        let model = part(model);
        self.add(
            format!(
                "switchboard.requests.model.{model}.status.{}",
                status_class(status)
            ),
            1,
        );
        if let Some(u) = usage {
            self.add(
                format!("switchboard.input_tokens.model.{model}"),
                u.input_tokens,
            );
            self.add(
                format!("switchboard.output_tokens.model.{model}"),
                u.output_tokens,
            );
            self.add(
                format!("switchboard.cached_input_tokens.model.{model}"),
                u.cached_input_tokens,
            );
        }
    }
}
