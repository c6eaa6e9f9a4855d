//! A do-nothing HTTP filter, plus optional single host calls, for the
//! benchmark's ablation arms: it separates what any wasm filter costs in Envoy
//! from what each kind of host call Switchboard makes costs.
//!
//! The plugin configuration is a comma-separated list of:
//! - `pass`: every callback continues at once (the default);
//! - `buffer`: request headers and body and the response body are paused until
//!   their end, as Switchboard's filters do (the body is never read);
//! - `enqueue`: one ~300-byte record per request on a shared queue that this
//!   root context registered (as the policy filter does for usage records);
//!   the queue is drained on a 100 ms tick;
//! - `props`: four `set_property` calls at the end of the response (filter
//!   state, as the policy filter writes for access logs);
//! - `meta`: three `get_property(xds.upstream_host_metadata…)` reads on request
//!   headers (as the translate filter does; upstream filters only);
//! - `headers`: on request headers, eight header reads, four removals and two
//!   writes (about what the policy filter does);
//! - `body`: the whole request body and the whole response body read into the
//!   VM once each (policy: parse; response: usage);
//! - `rewrite`: the request body read and written back (+ content-length),
//!   as the translate filter rewrites it for the provider;
//! - `route`: a header written and `clear_route_cache` called at the end of
//!   the request body (as the policy filter routes).

use std::time::Duration;

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, BufferType, ContextType, LogLevel, MapType};

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Warn);
    proxy_wasm::set_root_context(|_| Box::new(Root::default()));
}}

#[derive(Default, Clone, Copy)]
struct Modes {
    buffer: bool,
    enqueue: Option<u32>,
    props: bool,
    meta: bool,
    headers: bool,
    body: bool,
    rewrite: bool,
    route: bool,
}

#[derive(Default)]
struct Root {
    modes: Modes,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let config = self.get_plugin_configuration().unwrap_or_default();
        let config = String::from_utf8_lossy(&config).into_owned();
        for mode in config.split(',').map(str::trim) {
            match mode {
                "buffer" => self.modes.buffer = true,
                "props" => self.modes.props = true,
                "meta" => self.modes.meta = true,
                "headers" => self.modes.headers = true,
                "body" => self.modes.body = true,
                "rewrite" => self.modes.rewrite = true,
                "route" => self.modes.route = true,
                "enqueue" => {
                    self.modes.enqueue = hostcalls::register_shared_queue("noop.queue").ok();
                    let _ = hostcalls::set_tick_period(Duration::from_millis(100));
                }
                _ => {}
            }
        }
        true
    }

    fn on_tick(&mut self) {
        if let Some(queue) = self.modes.enqueue {
            while let Ok(Some(_)) = hostcalls::dequeue_shared_queue(queue) {}
        }
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Noop { modes: self.modes }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

struct Noop {
    modes: Modes,
}

const RECORD: &[u8] = br#"{"request_id":"5b0e4a1c-0d7e-4a59-9d4e-3f1f2c9a7b11","key_id":"bench","team":"bench","model_requested":"gpt-4o-mini","model_served":"gpt-4o-mini","provider":"openai","status":200,"input_tokens":512,"output_tokens":64,"cached_input_tokens":0,"reasoning_tokens":0,"attempts":1,"ts_ms":1700000000000}"#;

impl Noop {
    fn hold(&self, end_of_stream: bool) -> Action {
        if self.modes.buffer && !end_of_stream {
            Action::Pause
        } else {
            Action::Continue
        }
    }
}

impl Context for Noop {}

impl HttpContext for Noop {
    fn on_http_request_headers(&mut self, _headers: usize, end_of_stream: bool) -> Action {
        if self.modes.meta {
            for field in ["provider", "model", "served_as"] {
                let _ = hostcalls::get_property(vec![
                    "xds",
                    "upstream_host_metadata",
                    "filter_metadata",
                    "switchboard",
                    field,
                ]);
            }
        }
        if self.modes.headers {
            let req = MapType::HttpRequestHeaders;
            for name in [
                ":method",
                ":path",
                "authorization",
                "x-request-id",
                "content-type",
                "content-length",
                ":authority",
                "user-agent",
            ] {
                let _ = hostcalls::get_map_value(req, name);
            }
            for name in [
                "x-switchboard-cluster",
                "x-switchboard-default-max-tokens",
                "x-api-key",
                "cookie",
            ] {
                let _ = hostcalls::remove_map_value(req, name);
            }
            let _ = hostcalls::set_map_value(req, "x-noop-a", Some("a"));
            let _ = hostcalls::set_map_value(req, "x-noop-b", Some("b"));
        }
        self.hold(end_of_stream)
    }

    fn on_http_request_body(&mut self, size: usize, end_of_stream: bool) -> Action {
        if end_of_stream {
            if self.modes.body || self.modes.rewrite {
                let body = hostcalls::get_buffer(BufferType::HttpRequestBody, 0, size)
                    .ok()
                    .flatten();
                if self.modes.rewrite {
                    if let Some(body) = body {
                        let _ = hostcalls::set_buffer(BufferType::HttpRequestBody, 0, size, &body);
                        let len = body.len().to_string();
                        let _ = hostcalls::set_map_value(
                            MapType::HttpRequestHeaders,
                            "content-length",
                            Some(&len),
                        );
                    }
                }
            }
            if self.modes.route {
                let _ = hostcalls::set_map_value(
                    MapType::HttpRequestHeaders,
                    "x-noop-route",
                    Some("sb_x"),
                );
                let _ = hostcalls::call_foreign_function("clear_route_cache", None);
            }
        }
        self.hold(end_of_stream)
    }

    fn on_http_response_body(&mut self, size: usize, end_of_stream: bool) -> Action {
        if end_of_stream {
            if self.modes.body {
                let _ = hostcalls::get_buffer(BufferType::HttpResponseBody, 0, size);
            }
            if self.modes.props {
                for name in ["noop.a", "noop.b", "noop.c", "noop.d"] {
                    let _ = hostcalls::set_property(vec![name], Some(b"value".as_slice()));
                }
            }
            if let Some(queue) = self.modes.enqueue {
                let _ = hostcalls::enqueue_shared_queue(queue, Some(RECORD));
            }
        }
        self.hold(end_of_stream)
    }
}
