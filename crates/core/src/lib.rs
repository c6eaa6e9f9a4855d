//! Switchboard core: everything the Envoy filter does that is not a host call.
//!
//! Invariant: nothing in this crate imports the proxy-wasm SDK; every function is pure
//! and natively testable, and none of it may panic on any input. One module per
//! step of the request flow (see docs/design.md).

pub mod access;
pub mod accounting;
pub mod auth;
pub mod catalog;
pub mod classify;
pub mod config;
pub mod cooldown;
pub mod error;
pub mod estimate;
pub mod eventstream;
pub mod health;
pub mod request;
pub mod route;
pub mod schema;
pub mod select;
pub mod sigv4;
pub mod sse;
pub mod translate;
pub mod upstream;
pub mod usage;
