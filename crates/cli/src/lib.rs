//! The `switchboard` CLI as a library: config checking, Envoy and Istio config
//! generation from one gateway file, and virtual-key tools. Nothing here runs
//! in the filter; what the filter also needs (plugin config validation) is
//! `switchboard_core::config`.

pub mod catalog;
pub mod check;
pub mod cli;
pub mod envoy;
pub mod gateway;
pub mod istio;
pub mod keys;
pub mod plugin;
pub mod profile;
pub mod vars;
