//! `fastmock`: the benchmark's upstream. It answers every request with a fixed,
//! precomputed answer, so the upstream costs the same (and very little) for every
//! arm of the benchmark:
//!
//! - `POST …/chat/completions`: an OpenAI `chat.completion` (with `usage`), or,
//!   when the body asks for `"stream": true`, an OpenAI SSE stream: a role chunk,
//!   N content chunks (default 200), a finish chunk, a usage chunk, `[DONE]`;
//! - `POST …/messages`: the same answers in Anthropic's Messages dialect
//!   (`message`, or `message_start` … N `content_block_delta` … `message_stop`);
//! - anything else: `200 {"ok":true}` (health checks).
//!
//! HTTP/1.1 with keep-alive, `Content-Length` or chunked request bodies, one
//! tokio task per connection on a single thread (pin it with `taskset`), and
//! TCP_NODELAY on every accepted socket. Each SSE event is its own chunk and its
//! own `write` call, as a provider streaming tokens would send them.
//!
//! The first content event is followed by a pause (`--first-token-gap-us`,
//! default 1000; tokio's timer rounds it up to the next millisecond), then the
//! rest comes as fast as the socket takes it. Without that pause a client
//! sharing the mock's core could not run before the whole stream was written,
//! and time to first token would measure the mock, not the path.
//!
//! Usage: `fastmock [--listen 127.0.0.1:0] [--events 200] [--event-gap-us 0]
//! [--first-token-gap-us 1000]`; prints `LISTENING ip:port` once bound.

use std::io;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MAX_HEAD: usize = 64 * 1024;
const MAX_BODY: usize = 64 * 1024 * 1024;

const TEXT: &str = "Switchboard benchmark answer. This fixed completion is about sixty words long, \
so that the response body has a realistic size: a short paragraph such as a model would write \
when asked a simple question, with usage numbers that the gateways under test can count and \
bill. Nothing here depends on the request, so the upstream costs the same for every arm.";

struct Answers {
    openai_json: Vec<u8>,
    anthropic_json: Vec<u8>,
    /// Response head, then each event as one chunk (already chunk-framed).
    openai_stream: (Vec<u8>, Vec<Vec<u8>>),
    anthropic_stream: (Vec<u8>, Vec<Vec<u8>>),
    ok: Vec<u8>,
    event_gap: Option<Duration>,
    /// Pause after the first content event (see `--first-token-gap-us`).
    first_token_gap: Option<Duration>,
}

fn json_response(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
        body.len(),
        body
    )
    .into_bytes()
}

fn chunk(event: &str) -> Vec<u8> {
    format!("{:x}\r\n{}\r\n", event.len(), event).into_bytes()
}

const STREAM_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n";

fn openai_chunk(delta: &str, finish: &str) -> String {
    format!(
        "data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\
\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{{\"index\":0,\"delta\":{delta},\
\"logprobs\":null,\"finish_reason\":{finish}}}]}}\n\n"
    )
}

/// Index (in the event list) of the first content event: OpenAI's role chunk
/// comes first; Anthropic's message_start, content_block_start and ping.
const OPENAI_FIRST_TOKEN: usize = 1;
const ANTHROPIC_FIRST_TOKEN: usize = 3;

fn answers(events: usize, event_gap: Option<Duration>, first_token_gap: Option<Duration>) -> Answers {
    let openai_json = json_response(&format!(
        "{{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,\
\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{{\"index\":0,\"message\":\
{{\"role\":\"assistant\",\"content\":\"{TEXT}\",\"refusal\":null}},\"logprobs\":null,\
\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":512,\"completion_tokens\":64,\
\"total_tokens\":576}}}}"
    ));
    let anthropic_json = json_response(&format!(
        "{{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-bench\",\
\"content\":[{{\"type\":\"text\",\"text\":\"{TEXT}\"}}],\"stop_reason\":\"end_turn\",\
\"stop_sequence\":null,\"usage\":{{\"input_tokens\":512,\"output_tokens\":64,\
\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}}"
    ));

    let mut oa = vec![chunk(&openai_chunk(
        "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}",
        "null",
    ))];
    for i in 0..events {
        oa.push(chunk(&openai_chunk(
            &format!("{{\"content\":\" tok{i}\"}}"),
            "null",
        )));
    }
    oa.push(chunk(&openai_chunk("{}", "\"stop\"")));
    oa.push(chunk(&format!(
        "data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\
\"model\":\"gpt-4o-mini\",\"system_fingerprint\":\"fp_bench\",\"choices\":[],\"usage\":\
{{\"prompt_tokens\":512,\"completion_tokens\":{events},\"total_tokens\":{}}}}}\n\n",
        512 + events
    )));
    oa.push(chunk("data: [DONE]\n\n"));
    oa.push(b"0\r\n\r\n".to_vec());

    let ev = |name: &str, data: &str| chunk(&format!("event: {name}\ndata: {data}\n\n"));
    let mut an = vec![
        ev(
            "message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\",\
\"role\":\"assistant\",\"model\":\"claude-bench\",\"content\":[],\"stop_reason\":null,\
\"stop_sequence\":null,\"usage\":{\"input_tokens\":512,\"output_tokens\":1,\
\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}",
        ),
        ev(
            "content_block_start",
            "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
        ),
        ev("ping", "{\"type\":\"ping\"}"),
    ];
    for i in 0..events {
        an.push(ev(
            "content_block_delta",
            &format!(
                "{{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\" tok{i}\"}}}}"
            ),
        ));
    }
    an.push(ev(
        "content_block_stop",
        "{\"type\":\"content_block_stop\",\"index\":0}",
    ));
    an.push(ev(
        "message_delta",
        &format!(
            "{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}},\
\"usage\":{{\"output_tokens\":{events}}}}}"
        ),
    ));
    an.push(ev("message_stop", "{\"type\":\"message_stop\"}"));
    an.push(b"0\r\n\r\n".to_vec());

    Answers {
        openai_json,
        anthropic_json,
        openai_stream: (STREAM_HEAD.to_vec(), oa),
        anthropic_stream: (STREAM_HEAD.to_vec(), an),
        ok: json_response("{\"ok\":true}"),
        event_gap,
        first_token_gap,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `"stream"` followed by optional blanks, `:`, optional blanks and `true`.
fn wants_stream(body: &[u8]) -> bool {
    let mut rest = body;
    while let Some(at) = find(rest, b"\"stream\"") {
        let after = &rest[at + 8..];
        let trimmed: Vec<u8> = after
            .iter()
            .copied()
            .skip_while(|c| c.is_ascii_whitespace())
            .collect();
        if let Some(value) = trimmed.strip_prefix(b":") {
            let value: Vec<u8> = value
                .iter()
                .copied()
                .skip_while(|c| c.is_ascii_whitespace())
                .take(4)
                .collect();
            if value == b"true" {
                return true;
            }
        }
        rest = after;
    }
    false
}

struct Head {
    path: String,
    content_length: usize,
    chunked: bool,
    close: bool,
}

fn parse_head(head: &[u8]) -> io::Result<Head> {
    let text = std::str::from_utf8(head).map_err(|_| io::ErrorKind::InvalidData)?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
    let mut h = Head {
        path,
        content_length: 0,
        chunked: false,
        close: request_line.ends_with("HTTP/1.0"),
    };
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            h.content_length = value.parse().map_err(|_| io::ErrorKind::InvalidData)?;
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            h.chunked = value.to_ascii_lowercase().contains("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            h.close = value.eq_ignore_ascii_case("close");
        }
    }
    Ok(h)
}

/// Reads more bytes into `buf`; `Ok(false)` on a clean end of stream.
async fn fill(sock: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut tmp = [0u8; 16 * 1024];
    let n = sock.read(&mut tmp).await?;
    buf.extend_from_slice(&tmp[..n]);
    Ok(n > 0)
}

/// Decodes a chunked body from `buf` (reading more as needed); returns the
/// body and leaves any bytes after it in `buf`.
async fn read_chunked(sock: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(at) = find(buf, b"\r\n") {
                break at;
            }
            if !fill(sock, buf).await? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        };
        let size_text = std::str::from_utf8(&buf[..line_end]).map_err(|_| io::ErrorKind::InvalidData)?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| io::ErrorKind::InvalidData)?;
        buf.drain(..line_end + 2);
        if size == 0 {
            // Trailers (none expected) end with an empty line.
            loop {
                if let Some(at) = find(buf, b"\r\n") {
                    let empty = at == 0;
                    buf.drain(..at + 2);
                    if empty {
                        return Ok(body);
                    }
                } else if !fill(sock, buf).await? {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
        }
        if body.len() + size > MAX_BODY {
            return Err(io::ErrorKind::InvalidData.into());
        }
        while buf.len() < size + 2 {
            if !fill(sock, buf).await? {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

async fn serve(mut sock: TcpStream, answers: Rc<Answers>) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        let head_end = loop {
            if let Some(at) = find(&buf, b"\r\n\r\n") {
                break at;
            }
            if buf.len() > MAX_HEAD {
                return Err(io::ErrorKind::InvalidData.into());
            }
            if !fill(&mut sock, &mut buf).await? {
                return Ok(());
            }
        };
        let head = parse_head(&buf[..head_end])?;
        buf.drain(..head_end + 4);
        let body = if head.chunked {
            read_chunked(&mut sock, &mut buf).await?
        } else {
            if head.content_length > MAX_BODY {
                return Err(io::ErrorKind::InvalidData.into());
            }
            while buf.len() < head.content_length {
                if !fill(&mut sock, &mut buf).await? {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
            }
            buf.drain(..head.content_length).collect()
        };
        let path = head.path.split('?').next().unwrap_or_default();
        let anthropic = path.ends_with("/messages");
        let chat = anthropic || path.ends_with("/chat/completions");
        if chat && wants_stream(&body) {
            let ((stream_head, events), first_token) = if anthropic {
                (&answers.anthropic_stream, ANTHROPIC_FIRST_TOKEN)
            } else {
                (&answers.openai_stream, OPENAI_FIRST_TOKEN)
            };
            sock.write_all(stream_head).await?;
            for (i, event) in events.iter().enumerate() {
                if let Some(gap) = answers.event_gap {
                    tokio::time::sleep(gap).await;
                }
                sock.write_all(event).await?;
                if i == first_token {
                    if let Some(gap) = answers.first_token_gap {
                        tokio::time::sleep(gap).await;
                    }
                }
            }
        } else if anthropic {
            sock.write_all(&answers.anthropic_json).await?;
        } else if chat {
            sock.write_all(&answers.openai_json).await?;
        } else {
            sock.write_all(&answers.ok).await?;
        }
        if head.close {
            return Ok(());
        }
    }
}

fn main() -> io::Result<()> {
    let mut listen: SocketAddr = "127.0.0.1:0".parse().map_err(|_| io::ErrorKind::InvalidInput)?;
    let mut events = 200usize;
    let mut gap_us = 0u64;
    let mut first_gap_us = 1000u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(io::ErrorKind::InvalidInput)?;
        match arg.as_str() {
            "--listen" => listen = value.parse().map_err(|_| io::ErrorKind::InvalidInput)?,
            "--events" => events = value.parse().map_err(|_| io::ErrorKind::InvalidInput)?,
            "--event-gap-us" => gap_us = value.parse().map_err(|_| io::ErrorKind::InvalidInput)?,
            "--first-token-gap-us" => {
                first_gap_us = value.parse().map_err(|_| io::ErrorKind::InvalidInput)?
            }
            _ => {
                eprintln!("usage: fastmock [--listen ADDR] [--events N] [--event-gap-us US] [--first-token-gap-us US]");
                return Err(io::ErrorKind::InvalidInput.into());
            }
        }
    }
    let answers = Rc::new(answers(
        events,
        (gap_us > 0).then(|| Duration::from_micros(gap_us)),
        (first_gap_us > 0).then(|| Duration::from_micros(first_gap_us)),
    ));
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let local = tokio::task::LocalSet::new();
    local.block_on(&rt, async move {
        let listener = TcpListener::bind(listen).await?;
        println!("LISTENING {}", listener.local_addr()?);
        use std::io::Write;
        std::io::stdout().flush()?;
        loop {
            let (sock, _) = listener.accept().await?;
            sock.set_nodelay(true)?;
            let answers = answers.clone();
            tokio::task::spawn_local(async move {
                let _ = serve(sock, answers).await;
            });
        }
    })
}
