//! Switchboard accounting service.
//!
//! Intent: receive the usage records that the Envoy filter delivers
//! asynchronously in batches and store exactly one row per gateway request,
//! idempotent by `request_id` (delivery is at-least-once).
//!
//! Invariants:
//! - zero data retention: records hold metadata and token counts only; the
//!   wire schema rejects unknown fields, so prompt or completion text can
//!   neither be received nor stored, and request bodies are never logged;
//! - the service binds loopback addresses only ([`cli`] refuses others);
//! - a redelivered record never creates a second row nor alters the first.
//!
//! Tests use [`open_store`] and [`router`] (or [`serve`]) in-process.

pub mod api;
pub mod cli;
pub mod error;
pub mod model;
pub mod store;

pub use api::{router, serve, AppState};
pub use error::ApiError;
pub use model::{StoredRecord, UsageBatch, UsageRecord};
pub use store::{open_store, InsertOutcome, Store, StoreError};
