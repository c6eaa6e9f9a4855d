//! Switchboard's Envoy filter: one `.wasm`, two roles chosen by the plugin
//! configuration's `role` field.
//!
//! - `policy` (downstream HTTP filter): authenticate, route, account.
//! - `translate` (upstream HTTP filter, runs once per attempt): rewrite the
//!   request for the endpoint's provider and translate its answer back.
//!
//! Only this folder imports `proxy_wasm`; all decisions live in
//! `switchboard-core`. A wasm panic kills the worker's VM, so host calls are
//! made only in states where the host accepts them (see `host`).

mod credentials;
mod endpoint;
mod flusher;
mod host;
mod live_health;
mod metrics;
mod policy;
mod root;
mod translate;

use proxy_wasm::types::LogLevel;

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    std::panic::set_hook(Box::new(|info| {
        // Last words before the VM aborts: without this a panic is invisible.
        host::log_error(&format!("switchboard panicked: {info}"));
    }));
    proxy_wasm::set_root_context(|context_id| Box::new(root::SwitchboardRoot::new(context_id)));
}}
