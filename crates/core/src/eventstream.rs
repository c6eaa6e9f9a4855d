//! AWS event-stream framing (`application/vnd.amazon.eventstream`), the binary
//! encoding Bedrock's `ConverseStream` answers in.
//!
//! One message (frame), all integers big-endian:
//!
//! | bytes | field |
//! |---|---|
//! | 4 | total length of the frame, these 4 bytes and the final CRC included |
//! | 4 | length of the headers section |
//! | 4 | CRC32 of the 8 bytes above (the prelude) |
//! | n | headers |
//! | total − n − 16 | payload |
//! | 4 | CRC32 of every byte before it |
//!
//! CRC32 is the IEEE (zlib/gzip) polynomial. A header is `name_len: u8`,
//! `name` (UTF-8), `type: u8`, then a value whose shape the type gives:
//! 0 true and 1 false (no bytes), 2 byte (i8), 3 short (i16), 4 integer
//! (i32), 5 long (i64), 6 byte array and 7 string (u16 length, then bytes;
//! strings are UTF-8), 8 timestamp (i64 milliseconds since the epoch),
//! 9 UUID (16 bytes).
//!
//! [`Decoder`] is incremental: feed it body pieces as the network cuts them
//! (a frame may be split anywhere, even inside the prelude) and take whole
//! frames out, borrowed from its carry buffer. [`encode`] writes frames (the
//! mock provider and tests use it).
//!
//! Invariants: decoding is total on any bytes — a bad prelude CRC, a bad
//! message CRC, impossible lengths or malformed headers are a
//! [`DecodeError`], never a panic, and after the first error the decoder
//! keeps returning it (framing is lost for good); whole frames are handed out
//! as soon as they are complete, so the carry buffer holds one unfinished
//! frame at most (plus what the caller has not taken yet), and a frame whose
//! prelude announces more than the decoder's bound is refused *before* it is
//! buffered; lengths are read as `u32` and converted with checks, so 32-bit
//! `usize` (wasm) is safe.

use std::fmt;

/// Default bound on one frame (Bedrock's events are a few KiB at most).
pub const DEFAULT_MAX_FRAME_BYTES: u32 = 16 * 1024 * 1024;

/// Prelude (12 bytes) plus the trailing message CRC (4 bytes).
const OVERHEAD: u32 = 16;
const PRELUDE: usize = 12;

/// A header value, borrowing its bytes from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderValue<'a> {
    Bool(bool),
    Byte(i8),
    Short(i16),
    Int(i32),
    Long(i64),
    Bytes(&'a [u8]),
    String(&'a str),
    /// Milliseconds since the Unix epoch.
    Timestamp(i64),
    Uuid([u8; 16]),
}

/// One header of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    pub name: &'a str,
    pub value: HeaderValue<'a>,
}

/// A whole, CRC-checked frame, borrowed from the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    /// The headers section, already validated by the decoder.
    headers: &'a [u8],
    pub payload: &'a [u8],
}

impl<'a> Frame<'a> {
    /// The headers, in wire order.
    pub fn headers(&self) -> Headers<'a> {
        Headers { rest: self.headers }
    }

    /// The value of the first header named `name`, when it is a string.
    pub fn header_str(&self, name: &str) -> Option<&'a str> {
        self.headers().find_map(|h| match h.value {
            HeaderValue::String(s) if h.name == name => Some(s),
            _ => None,
        })
    }
}

/// Iterator over a frame's headers. The decoder validated the section, so it
/// yields every header; on bytes it never validated it simply stops.
#[derive(Debug, Clone)]
pub struct Headers<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        match parse_header(self.rest) {
            Ok((header, rest)) => {
                self.rest = rest;
                Some(header)
            }
            Err(_) => {
                self.rest = &[];
                None
            }
        }
    }
}

/// Why a byte stream is not a valid event stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// The prelude's CRC does not match its first 8 bytes.
    PreludeCrc,
    /// The frame's final CRC does not match its bytes.
    MessageCrc,
    /// The announced total length is above the decoder's bound.
    TooLarge { announced: u32, max: u32 },
    /// The announced lengths cannot describe a frame (total below 16 bytes,
    /// or headers longer than the frame).
    BadLengths { total: u32, headers: u32 },
    /// The headers section is not a sequence of well-formed headers.
    BadHeaders,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PreludeCrc => f.write_str("event-stream prelude CRC mismatch"),
            Self::MessageCrc => f.write_str("event-stream message CRC mismatch"),
            Self::TooLarge { announced, max } => {
                write!(f, "event-stream frame of {announced} bytes exceeds {max}")
            }
            Self::BadLengths { total, headers } => write!(
                f,
                "event-stream frame lengths are impossible (total {total}, headers {headers})"
            ),
            Self::BadHeaders => f.write_str("event-stream headers are malformed"),
        }
    }
}

/// Incremental frame decoder with a bounded carry buffer.
#[derive(Debug)]
pub struct Decoder {
    buf: Vec<u8>,
    /// Bytes of `buf` already handed out as frames; dropped on the next call.
    consumed: usize,
    max_frame: u32,
    failed: Option<DecodeError>,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME_BYTES)
    }
}

impl Decoder {
    /// A decoder refusing frames longer than `max_frame_bytes` (at least the
    /// 16-byte minimum frame is always allowed).
    pub fn new(max_frame_bytes: u32) -> Self {
        Self {
            buf: Vec::new(),
            consumed: 0,
            max_frame: max_frame_bytes.max(OVERHEAD),
            failed: None,
        }
    }

    /// Appends a body piece. Nothing is decoded until [`Decoder::next_frame`].
    pub fn push(&mut self, piece: &[u8]) {
        if self.failed.is_none() {
            self.compact();
            self.buf.extend_from_slice(piece);
        }
    }

    /// Bytes held that do not make a whole frame yet (0 at a clean frame
    /// boundary: a stream that ends with a non-zero count was cut).
    pub fn pending(&self) -> usize {
        self.buf.len().saturating_sub(self.consumed)
    }

    /// The next whole frame, `Ok(None)` when more bytes are needed. After an
    /// error every later call returns the same error.
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, DecodeError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.compact();
        match split_frame(&self.buf, self.max_frame) {
            Ok(None) => Ok(None),
            Ok(Some(len)) => {
                self.consumed = len;
                let bytes = self.buf.get(..len).unwrap_or_default();
                Ok(frame_parts(bytes))
            }
            Err(e) => {
                self.failed = Some(e);
                self.buf = Vec::new();
                self.consumed = 0;
                Err(e)
            }
        }
    }

    fn compact(&mut self) {
        if self.consumed > 0 {
            self.buf.drain(..self.consumed.min(self.buf.len()));
            self.consumed = 0;
        }
    }
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

/// The length of the first frame of `buf` once it is whole and valid;
/// `Ok(None)` while bytes are missing.
fn split_frame(buf: &[u8], max: u32) -> Result<Option<usize>, DecodeError> {
    let (Some(total), Some(headers), Some(prelude_crc)) =
        (be_u32(buf, 0), be_u32(buf, 4), be_u32(buf, 8))
    else {
        return Ok(None);
    };
    if crc32fast::hash(buf.get(..8).unwrap_or_default()) != prelude_crc {
        return Err(DecodeError::PreludeCrc);
    }
    if total > max {
        return Err(DecodeError::TooLarge {
            announced: total,
            max,
        });
    }
    if total < OVERHEAD || headers > total - OVERHEAD {
        return Err(DecodeError::BadLengths { total, headers });
    }
    let len = usize::try_from(total).map_err(|_| DecodeError::TooLarge {
        announced: total,
        max,
    })?;
    let Some(frame) = buf.get(..len) else {
        return Ok(None);
    };
    let body_end = len.saturating_sub(4);
    let (Some(body), Some(crc)) = (frame.get(..body_end), be_u32(frame, body_end)) else {
        return Err(DecodeError::BadLengths { total, headers });
    };
    if crc32fast::hash(body) != crc {
        return Err(DecodeError::MessageCrc);
    }
    let headers_end = usize::try_from(headers)
        .ok()
        .and_then(|h| PRELUDE.checked_add(h))
        .ok_or(DecodeError::BadHeaders)?;
    let mut section = frame
        .get(PRELUDE..headers_end)
        .ok_or(DecodeError::BadHeaders)?;
    while !section.is_empty() {
        section = parse_header(section)?.1;
    }
    Ok(Some(len))
}

/// Headers and payload of a frame `split_frame` accepted.
fn frame_parts(frame: &[u8]) -> Option<Frame<'_>> {
    let headers = usize::try_from(be_u32(frame, 4)?).ok()?;
    let headers_end = PRELUDE.checked_add(headers)?;
    let payload_end = frame.len().checked_sub(4)?;
    Some(Frame {
        headers: frame.get(PRELUDE..headers_end)?,
        payload: frame.get(headers_end..payload_end)?,
    })
}

/// `n` bytes from the front of `rest`.
fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], DecodeError> {
    let head = rest.get(..n).ok_or(DecodeError::BadHeaders)?;
    *rest = rest.get(n..).unwrap_or_default();
    Ok(head)
}

fn take_array<const N: usize>(rest: &mut &[u8]) -> Result<[u8; N], DecodeError> {
    take(rest, N)?
        .try_into()
        .map_err(|_| DecodeError::BadHeaders)
}

/// One header from the front of `bytes`, and what follows it.
fn parse_header(bytes: &[u8]) -> Result<(Header<'_>, &[u8]), DecodeError> {
    let mut rest = bytes;
    let [name_len] = take_array::<1>(&mut rest)?;
    let name = std::str::from_utf8(take(&mut rest, usize::from(name_len))?)
        .map_err(|_| DecodeError::BadHeaders)?;
    if name.is_empty() {
        return Err(DecodeError::BadHeaders);
    }
    let [kind] = take_array::<1>(&mut rest)?;
    let value = match kind {
        0 => HeaderValue::Bool(true),
        1 => HeaderValue::Bool(false),
        2 => HeaderValue::Byte(i8::from_be_bytes(take_array(&mut rest)?)),
        3 => HeaderValue::Short(i16::from_be_bytes(take_array(&mut rest)?)),
        4 => HeaderValue::Int(i32::from_be_bytes(take_array(&mut rest)?)),
        5 => HeaderValue::Long(i64::from_be_bytes(take_array(&mut rest)?)),
        6 | 7 => {
            let len = u16::from_be_bytes(take_array(&mut rest)?);
            let raw = take(&mut rest, usize::from(len))?;
            if kind == 6 {
                HeaderValue::Bytes(raw)
            } else {
                HeaderValue::String(std::str::from_utf8(raw).map_err(|_| DecodeError::BadHeaders)?)
            }
        }
        8 => HeaderValue::Timestamp(i64::from_be_bytes(take_array(&mut rest)?)),
        9 => HeaderValue::Uuid(take_array(&mut rest)?),
        _ => return Err(DecodeError::BadHeaders),
    };
    Ok((Header { name, value }, rest))
}

// ---------------------------------------------------------------- encoding

/// Why a frame cannot be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodeError {
    /// A header name is empty or longer than 255 bytes.
    HeaderName,
    /// A string or byte-array value is longer than 65,535 bytes.
    HeaderValue,
    /// The frame would exceed `u32::MAX` bytes.
    TooLarge,
}

/// One whole frame with these headers and payload.
pub fn encode(headers: &[Header<'_>], payload: &[u8]) -> Result<Vec<u8>, EncodeError> {
    let mut section = Vec::new();
    for header in headers {
        let name = u8::try_from(header.name.len()).map_err(|_| EncodeError::HeaderName)?;
        if name == 0 {
            return Err(EncodeError::HeaderName);
        }
        section.push(name);
        section.extend_from_slice(header.name.as_bytes());
        match header.value {
            HeaderValue::Bool(true) => section.push(0),
            HeaderValue::Bool(false) => section.push(1),
            HeaderValue::Byte(v) => {
                section.push(2);
                section.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::Short(v) => {
                section.push(3);
                section.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::Int(v) => {
                section.push(4);
                section.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::Long(v) => {
                section.push(5);
                section.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::Bytes(raw) => push_sized(&mut section, 6, raw)?,
            HeaderValue::String(s) => push_sized(&mut section, 7, s.as_bytes())?,
            HeaderValue::Timestamp(ms) => {
                section.push(8);
                section.extend_from_slice(&ms.to_be_bytes());
            }
            HeaderValue::Uuid(id) => {
                section.push(9);
                section.extend_from_slice(&id);
            }
        }
    }
    let headers_len = u32::try_from(section.len()).map_err(|_| EncodeError::TooLarge)?;
    let total = u32::try_from(payload.len())
        .ok()
        .and_then(|p| p.checked_add(headers_len))
        .and_then(|n| n.checked_add(OVERHEAD))
        .ok_or(EncodeError::TooLarge)?;
    let mut out = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    out.extend_from_slice(&total.to_be_bytes());
    out.extend_from_slice(&headers_len.to_be_bytes());
    let prelude_crc = crc32fast::hash(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(&section);
    out.extend_from_slice(payload);
    let message_crc = crc32fast::hash(&out);
    out.extend_from_slice(&message_crc.to_be_bytes());
    Ok(out)
}

fn push_sized(section: &mut Vec<u8>, kind: u8, raw: &[u8]) -> Result<(), EncodeError> {
    let len = u16::try_from(raw.len()).map_err(|_| EncodeError::HeaderValue)?;
    section.push(kind);
    section.extend_from_slice(&len.to_be_bytes());
    section.extend_from_slice(raw);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_frame_is_sixteen_bytes_and_round_trips() {
        let bytes = encode(&[], b"").unwrap();
        assert_eq!(bytes.len(), 16);
        let mut d = Decoder::default();
        d.push(&bytes);
        let frame = d.next_frame().unwrap().unwrap();
        assert_eq!(frame.payload, b"");
        assert_eq!(frame.headers().count(), 0);
        assert_eq!(d.next_frame(), Ok(None));
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn errors_are_sticky() {
        let mut bytes = encode(&[], b"x").unwrap();
        bytes[8] ^= 1;
        let mut d = Decoder::default();
        d.push(&bytes);
        assert_eq!(d.next_frame(), Err(DecodeError::PreludeCrc));
        d.push(&encode(&[], b"y").unwrap());
        assert_eq!(d.next_frame(), Err(DecodeError::PreludeCrc));
    }

    #[test]
    fn oversized_frames_are_refused_before_buffering() {
        let bytes = encode(&[], &[0u8; 100]).unwrap();
        let mut d = Decoder::new(64);
        d.push(bytes.get(..12).unwrap());
        assert_eq!(
            d.next_frame(),
            Err(DecodeError::TooLarge {
                announced: 116,
                max: 64
            })
        );
    }
}
