//! In-memory record of provider requests, for tests to inspect what arrived.
//!
//! Every request to a provider endpoint is kept (the newest [`CAPACITY`]) with its
//! method, path and query, all headers (lower-case names; repeated headers joined
//! with `", "`), the body parsed as JSON (`null` when it is not JSON) and the fault
//! label. `GET /_mock/requests` lists them in arrival order; `DELETE` clears them.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::state::AppState;

/// How many requests are kept; older ones are dropped first.
pub const CAPACITY: usize = 1000;

/// One recorded request, serialised as it appears in `GET /_mock/requests`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Map<String, Value>,
    pub body: Value,
    pub fault: Option<String>,
}

impl Recorded {
    pub(crate) fn new(
        method: &str,
        path: &str,
        headers: &HeaderMap,
        body: Option<&Value>,
        fault: Option<String>,
    ) -> Self {
        let mut map = Map::new();
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            match map.get_mut(name.as_str()) {
                Some(Value::String(existing)) => {
                    existing.push_str(", ");
                    existing.push_str(&value);
                }
                _ => {
                    map.insert(name.as_str().to_owned(), Value::String(value));
                }
            }
        }
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            headers: map,
            body: body.cloned().unwrap_or(Value::Null),
            fault,
        }
    }
}

/// Bounded, arrival-ordered request log.
#[derive(Default)]
pub(crate) struct Recorder {
    entries: Mutex<VecDeque<Recorded>>,
}

impl Recorder {
    pub(crate) fn push(&self, entry: Recorded) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        while entries.len() >= CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<Recorded> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[derive(Serialize)]
pub(crate) struct Listing {
    requests: Vec<Recorded>,
}

/// `GET /_mock/requests`
pub(crate) async fn list(State(state): State<AppState>) -> Json<Listing> {
    Json(Listing {
        requests: state.recorder().snapshot(),
    })
}

/// `DELETE /_mock/requests`
pub(crate) async fn clear(State(state): State<AppState>) -> StatusCode {
    state.recorder().clear();
    StatusCode::NO_CONTENT
}

/// `PUT /_mock/fault` with fault tokens as the body: every later request
/// without a fault of its own gets them. `DELETE /_mock/fault` clears it.
pub(crate) async fn set_fault(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    body: String,
) -> axum::http::StatusCode {
    let tokens = body.trim();
    state.set_global_fault((!tokens.is_empty()).then(|| tokens.to_owned()));
    axum::http::StatusCode::NO_CONTENT
}

pub(crate) async fn clear_fault(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
) -> axum::http::StatusCode {
    state.set_global_fault(None);
    axum::http::StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use serde_json::json;

    #[test]
    fn keeps_the_newest_entries_in_order() {
        let recorder = Recorder::default();
        for i in 0..CAPACITY + 5 {
            let body = json!({ "i": i });
            recorder.push(Recorded::new(
                "POST",
                "/x",
                &HeaderMap::new(),
                Some(&body),
                None,
            ));
        }
        let all = recorder.snapshot();
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].body, json!({"i": 5}));
        assert_eq!(all[CAPACITY - 1].body, json!({"i": CAPACITY + 4}));
        recorder.clear();
        assert!(recorder.snapshot().is_empty());
    }

    #[test]
    fn joins_repeated_headers() {
        let mut headers = HeaderMap::new();
        headers.append("x-a", HeaderValue::from_static("1"));
        headers.append("x-a", HeaderValue::from_static("2"));
        headers.insert("Authorization", HeaderValue::from_static("Bearer k"));
        let r = Recorded::new(
            "POST",
            "/v1/messages?beta=true",
            &headers,
            None,
            Some("fault-500".into()),
        );
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["headers"]["x-a"], "1, 2");
        assert_eq!(v["headers"]["authorization"], "Bearer k");
        assert_eq!(v["body"], Value::Null);
        assert_eq!(v["fault"], "fault-500");
        assert_eq!(v["path"], "/v1/messages?beta=true");
    }
}
