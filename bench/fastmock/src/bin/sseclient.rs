//! `sseclient`: the benchmark's streaming client (wrk cannot see inside a
//! stream). Each of `--concurrency` threads keeps one keep-alive connection and
//! sends the same POST again and again until `--duration` seconds have passed,
//! timing every answer from just before the request is written:
//!
//! - `ttfb`: the first byte of the response;
//! - `ttft`: the end of the first SSE event carrying a non-empty `"content"`
//!   (the first token, as an OpenAI client sees it);
//! - `total`: the end of the stream (`data: [DONE]` and the end of the body).
//!
//! A stream counts as ok when the status is 200 and it ended with `[DONE]`.
//! Prints one JSON object (times in microseconds).
//!
//! Usage: `sseclient --url http://127.0.0.1:PORT/v1/chat/completions
//!   --body-file F [--header 'name: value']… [--concurrency 1] [--duration 5]`

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Opts {
    host: String,
    path: String,
    headers: Vec<String>,
    body: Vec<u8>,
    concurrency: usize,
    duration: Duration,
}

#[derive(Default)]
struct Stats {
    ttfb: Vec<u64>,
    ttft: Vec<u64>,
    total: Vec<u64>,
    events: u64,
    ok: u64,
    errors: u64,
    first_error: Option<String>,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// An event's data carries a non-empty `"content"` string.
fn has_token(event: &[u8]) -> bool {
    let mut rest = event;
    while let Some(at) = find(rest, b"\"content\"") {
        let after = &rest[at + 9..];
        let mut it = after.iter().copied().skip_while(|c| *c == b' ');
        if it.next() == Some(b':') {
            let mut it = it.skip_while(|c| *c == b' ');
            if it.next() == Some(b'"') && !matches!(it.next(), Some(b'"') | None) {
                return true;
            }
        }
        rest = after;
    }
    false
}

enum Framing {
    Length(usize),
    Chunked,
    Close,
}

/// Incremental chunked-transfer decoder.
#[derive(Default)]
struct Dechunk {
    raw: Vec<u8>,
    /// Bytes of the current chunk still to come (plus its CRLF).
    left: usize,
    done: bool,
}

impl Dechunk {
    fn push(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        self.raw.extend_from_slice(bytes);
        loop {
            if self.done {
                return Ok(());
            }
            if self.left > 0 {
                if self.raw.len() < self.left {
                    // Keep the CRLF out of the data.
                    let take = self.raw.len().min(self.left.saturating_sub(2));
                    out.extend_from_slice(&self.raw[..take]);
                    self.raw.drain(..take);
                    self.left -= take;
                    return Ok(());
                }
                let data = self.left.saturating_sub(2);
                out.extend_from_slice(&self.raw[..data]);
                self.raw.drain(..self.left);
                self.left = 0;
                continue;
            }
            let Some(end) = find(&self.raw, b"\r\n") else {
                return Ok(());
            };
            let line = std::str::from_utf8(&self.raw[..end]).map_err(|_| io::ErrorKind::InvalidData)?;
            let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, format!("chunk size {line:?}")))?;
            self.raw.drain(..end + 2);
            if size == 0 {
                // Skip (absent) trailers: wait for the final CRLF.
                if find(&self.raw, b"\r\n").is_some() {
                    self.done = true;
                } else {
                    self.left = 0;
                    self.done = true; // the final CRLF may still arrive; harmless
                }
                return Ok(());
            }
            self.left = size + 2;
        }
    }
}

fn one_request(sock: &mut TcpStream, request: &[u8], stats: &mut Stats) -> io::Result<bool> {
    let t0 = Instant::now();
    sock.write_all(request)?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut head: Vec<u8> = Vec::new();
    let mut ttfb = None;
    let mut ttft = None;
    let mut status = 0u16;
    let mut framing = None;
    let mut keep_alive = true;
    let mut dechunk = Dechunk::default();
    let mut data: Vec<u8> = Vec::new();
    let mut body_seen = 0usize;
    let mut events = 0u64;
    let mut done_event = false;
    loop {
        let n = sock.read(&mut buf)?;
        if ttfb.is_none() {
            ttfb = Some(t0.elapsed());
        }
        let mut fresh: &[u8] = &buf[..n];
        if framing.is_none() {
            head.extend_from_slice(fresh);
            let Some(end) = find(&head, b"\r\n\r\n") else {
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                continue;
            };
            let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
            status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
            let mut f = Framing::Close;
            for line in text.split("\r\n").skip(1) {
                if let Some(v) = line.strip_prefix("content-length:") {
                    f = Framing::Length(v.trim().parse().unwrap_or(0));
                } else if line.starts_with("transfer-encoding:") && line.contains("chunked") {
                    f = Framing::Chunked;
                } else if line.starts_with("connection:") && line.contains("close") {
                    keep_alive = false;
                }
            }
            if matches!(f, Framing::Close) {
                keep_alive = false;
            }
            framing = Some(f);
            let rest = head.split_off(end + 4);
            data.clear();
            match framing {
                Some(Framing::Chunked) => dechunk.push(&rest, &mut data)?,
                _ => {
                    body_seen += rest.len();
                    data.extend_from_slice(&rest);
                }
            }
            fresh = &[];
        } else if n == 0 {
            // Peer closed.
            if matches!(framing, Some(Framing::Close)) {
                keep_alive = false;
            } else {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        } else {
            match framing {
                Some(Framing::Chunked) => dechunk.push(fresh, &mut data)?,
                _ => {
                    body_seen += fresh.len();
                    data.extend_from_slice(fresh);
                }
            }
        }
        let _ = fresh;
        // Whole events out of `data`.
        while let Some(end) = find(&data, b"\n\n") {
            let event: Vec<u8> = data.drain(..end + 2).collect();
            if find(&event, b"data:").is_some() {
                events += 1;
                if find(&event, b"[DONE]").is_some() {
                    done_event = true;
                }
                if ttft.is_none() && has_token(&event) {
                    ttft = Some(t0.elapsed());
                }
            }
        }
        let finished = match framing {
            Some(Framing::Chunked) => dechunk.done,
            Some(Framing::Length(len)) => body_seen >= len,
            Some(Framing::Close) => n == 0,
            None => false,
        };
        if finished {
            break;
        }
    }
    let total = t0.elapsed();
    let ok = status == 200 && done_event;
    if ok {
        stats.ok += 1;
        stats.events += events;
        stats.ttfb.push(ttfb.unwrap_or(total).as_micros() as u64);
        stats.ttft.push(ttft.unwrap_or(total).as_micros() as u64);
        stats.total.push(total.as_micros() as u64);
    } else {
        stats.errors += 1;
        if stats.first_error.is_none() {
            let tail = String::from_utf8_lossy(&data);
            stats.first_error = Some(format!("status {status}, done={done_event}, {events} events, body tail {:?}", tail.chars().take(300).collect::<String>()));
        }
    }
    Ok(keep_alive)
}

fn worker(opts: &Opts, request: &[u8], deadline: Instant) -> Stats {
    let mut stats = Stats::default();
    let mut sock: Option<TcpStream> = None;
    while Instant::now() < deadline {
        if sock.is_none() {
            match TcpStream::connect(&opts.host) {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
                    sock = Some(s);
                }
                Err(e) => {
                    stats.errors += 1;
                    stats.first_error.get_or_insert(format!("connect: {e}"));
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
            }
        }
        let Some(s) = sock.as_mut() else { continue };
        match one_request(s, request, &mut stats) {
            Ok(true) => {}
            Ok(false) => sock = None,
            Err(e) => {
                stats.errors += 1;
                stats.first_error.get_or_insert(format!("io: {e}"));
                sock = None;
            }
        }
    }
    stats
}

fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn summary(name: &str, v: &mut [u64]) -> String {
    v.sort_unstable();
    let mean = if v.is_empty() { 0.0 } else { v.iter().sum::<u64>() as f64 / v.len() as f64 };
    format!(
        "\"{name}\":{{\"p50\":{},\"p90\":{},\"p99\":{},\"max\":{},\"mean\":{:.1}}}",
        pct(v, 50.0),
        pct(v, 90.0),
        pct(v, 99.0),
        v.last().copied().unwrap_or(0),
        mean
    )
}

fn json_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '"' => "\\\"".chars().collect::<Vec<_>>(),
            '\\' => "\\\\".chars().collect(),
            c if (c as u32) < 0x20 => format!("\\u{:04x}", c as u32).chars().collect(),
            c => vec![c],
        })
        .collect()
}

fn parse_args() -> Result<Opts, String> {
    let mut url = String::new();
    let mut headers = Vec::new();
    let mut body = Vec::new();
    let mut concurrency = 1;
    let mut duration = 5.0f64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        match arg.as_str() {
            "--url" => url = value,
            "--header" => headers.push(value),
            "--body-file" => body = std::fs::read(&value).map_err(|e| format!("{value}: {e}"))?,
            "--concurrency" => concurrency = value.parse().map_err(|_| "bad --concurrency")?,
            "--duration" => duration = value.parse().map_err(|_| "bad --duration")?,
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    let rest = url.strip_prefix("http://").ok_or("--url must be http://host:port/path")?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    Ok(Opts {
        host: host.to_owned(),
        path: if path.is_empty() { "/".to_owned() } else { path.to_owned() },
        headers,
        body,
        concurrency,
        duration: Duration::from_secs_f64(duration),
    })
}

fn main() {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("sseclient: {e}");
            std::process::exit(2);
        }
    };
    let mut request = format!(
        "POST {} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\naccept: text/event-stream\r\ncontent-length: {}\r\n",
        opts.path,
        opts.host,
        opts.body.len()
    );
    for h in &opts.headers {
        request.push_str(h);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let mut request = request.into_bytes();
    request.extend_from_slice(&opts.body);

    let start = Instant::now();
    let deadline = start + opts.duration;
    let all: Vec<Stats> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..opts.concurrency)
            .map(|_| scope.spawn(|| worker(&opts, &request, deadline)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let mut s = Stats::default();
    for mut one in all {
        s.ttfb.append(&mut one.ttfb);
        s.ttft.append(&mut one.ttft);
        s.total.append(&mut one.total);
        s.events += one.events;
        s.ok += one.ok;
        s.errors += one.errors;
        if s.first_error.is_none() {
            s.first_error = one.first_error;
        }
    }
    let events_per_stream = if s.ok > 0 { s.events as f64 / s.ok as f64 } else { 0.0 };
    println!(
        "{{\"ok\":{},\"errors\":{},\"elapsed_s\":{:.3},\"rps\":{:.1},\"events_per_stream\":{:.1},{},{},{},\"first_error\":{}}}",
        s.ok,
        s.errors,
        elapsed,
        s.ok as f64 / elapsed,
        events_per_stream,
        summary("ttfb_us", &mut s.ttfb),
        summary("ttft_us", &mut s.ttft),
        summary("total_us", &mut s.total),
        s.first_error.map_or("null".to_owned(), |e| format!("\"{}\"", json_escape(&e)))
    );
}
