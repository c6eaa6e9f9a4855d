//! Thin, non-panicking access to the host.
//!
//! The SDK's hostcall wrappers `panic!` on statuses they do not expect, and
//! its `Context` helpers `unwrap()`. Everything here goes through
//! `proxy_wasm::hostcalls` and turns failures into `None`/`false`, so a host
//! refusal degrades one request instead of killing the VM. Callers still only
//! call these in states where the host allows them (e.g. request headers can be
//! written only while they are paused).

use std::time::{Duration, UNIX_EPOCH};

use proxy_wasm::hostcalls;
use proxy_wasm::types::{BufferType, LogLevel, MapType, Status};

pub fn log_error(message: &str) {
    let _ = hostcalls::log(LogLevel::Error, message);
}

pub fn header(map: MapType, name: &str) -> Option<String> {
    hostcalls::get_map_value(map, name).ok().flatten()
}

pub fn set_header(map: MapType, name: &str, value: &str) -> bool {
    hostcalls::set_map_value(map, name, Some(value)).is_ok()
}

pub fn remove_header(map: MapType, name: &str) -> bool {
    hostcalls::remove_map_value(map, name).is_ok()
}

pub fn body(buffer: BufferType, size: usize) -> Vec<u8> {
    if size == 0 {
        return Vec::new();
    }
    hostcalls::get_buffer(buffer, 0, size)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Replace the whole buffered body.
pub fn replace_body(buffer: BufferType, current_size: usize, value: &[u8]) -> bool {
    hostcalls::set_buffer(buffer, 0, current_size, value).is_ok()
}

/// A property as UTF-8 text (leaf values such as metadata strings).
pub fn property_string(path: Vec<&str>) -> Option<String> {
    let bytes = hostcalls::get_property(path).ok().flatten()?;
    String::from_utf8(bytes).ok()
}

/// Filter state readable by access logs as `%FILTER_STATE(wasm.<name>:PLAIN)%`.
pub fn set_filter_state(name: &str, value: &str) -> bool {
    hostcalls::set_property(vec![name], Some(value.as_bytes())).is_ok()
}

/// An OpenAI-shaped local reply. The caller must return `Action::Pause` after it.
pub fn send_json(status: u16, body: &[u8], extra: &[(&str, &str)]) -> bool {
    let mut headers: Vec<(&str, &str)> = vec![("content-type", "application/json")];
    headers.extend_from_slice(extra);
    hostcalls::send_http_response(u32::from(status), headers, Some(body)).is_ok()
}

/// Make the router re-evaluate the route after the cluster header was set.
pub fn clear_route_cache() -> bool {
    match hostcalls::call_foreign_function("clear_route_cache", None) {
        Ok(_) => true,
        Err(Status::NotFound) => false,
        Err(_) => false,
    }
}

pub fn now_ms() -> u64 {
    hostcalls::get_current_time()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub fn set_tick_period(period: Duration) -> bool {
    hostcalls::set_tick_period(period).is_ok()
}

pub fn plugin_configuration() -> Option<Vec<u8>> {
    hostcalls::get_buffer(BufferType::PluginConfiguration, 0, usize::MAX)
        .ok()
        .flatten()
}

pub fn register_queue(name: &str) -> Option<u32> {
    hostcalls::register_shared_queue(name).ok()
}

pub fn enqueue(queue: u32, value: &[u8]) -> bool {
    hostcalls::enqueue_shared_queue(queue, Some(value)).is_ok()
}

pub fn dequeue(queue: u32) -> Option<Vec<u8>> {
    hostcalls::dequeue_shared_queue(queue).ok().flatten()
}

pub fn dispatch_post(
    cluster: &str,
    authority: &str,
    path: &str,
    body: &[u8],
    timeout: Duration,
) -> Option<u32> {
    let len = body.len().to_string();
    let headers = vec![
        (":method", "POST"),
        (":path", path),
        (":authority", authority),
        ("content-type", "application/json"),
        ("content-length", len.as_str()),
    ];
    hostcalls::dispatch_http_call(cluster, headers, Some(body), vec![], timeout).ok()
}

/// `:status` of the response to a `dispatch_http_call`, inside its callback.
pub fn call_response_status() -> Option<u16> {
    header(MapType::HttpCallResponseHeaders, ":status")?
        .parse()
        .ok()
}

pub fn shared_data(key: &str) -> Option<Vec<u8>> {
    hostcalls::get_shared_data(key)
        .ok()
        .and_then(|(value, _cas)| value)
}

/// Last writer wins: callers store values where that is the right merge.
pub fn set_shared_data(key: &str, value: &[u8]) -> bool {
    hostcalls::set_shared_data(key, Some(value), None).is_ok()
}

/// The value and its CAS token, for read-modify-write updates.
pub fn shared_data_with_cas(key: &str) -> (Option<Vec<u8>>, Option<u32>) {
    hostcalls::get_shared_data(key).unwrap_or((None, None))
}

/// Write only if nobody wrote since `cas` was read; false on a conflict.
pub fn set_shared_data_if(key: &str, value: &[u8], cas: Option<u32>) -> bool {
    hostcalls::set_shared_data(key, Some(value), cas).is_ok()
}
