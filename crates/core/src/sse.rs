//! Incremental Server-Sent Events parser.
//!
//! Feed it body pieces as they arrive; it yields each complete event once its
//! terminating blank line has arrived, and keeps the unfinished tail (the
//! carry buffer) for the next piece. Works for any split, including one byte
//! at a time and splits inside multi-byte UTF-8 sequences or `\r\n` pairs.
//! Follows the WHATWG event-stream rules that matter to LLM APIs: `event:` and
//! `data:` fields, multi-line data joined with `\n`, one optional space after
//! the colon, comment lines (`:`) ignored, `\n`, `\r\n` and `\r` line ends.

/// One dispatched event. `data` is raw bytes (providers send JSON in UTF-8).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    pub event: Option<String>,
    pub data: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct SseParser {
    carry: Vec<u8>,
    /// A `\r` ended the previous piece; a leading `\n` in the next one
    /// belongs to it.
    pending_cr: bool,
    event: Option<String>,
    data: Vec<u8>,
    has_data: bool,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes held back waiting for the rest of a line.
    pub fn buffered(&self) -> usize {
        self.carry.len()
    }

    /// Parse a piece; complete events are appended to `events`.
    pub fn push(&mut self, mut piece: &[u8], events: &mut Vec<SseEvent>) {
        // An empty piece must not consume a pending `\r`'s `\n` check.
        if piece.is_empty() {
            return;
        }
        if self.pending_cr {
            self.pending_cr = false;
            if let Some(rest) = piece.strip_prefix(b"\n") {
                piece = rest;
            }
        }
        let mut start = 0;
        let mut i = 0;
        while let Some(&b) = piece.get(i) {
            if b == b'\n' || b == b'\r' {
                let line_end = i;
                if b == b'\r' {
                    match piece.get(i + 1) {
                        Some(b'\n') => i += 1,
                        None => self.pending_cr = true,
                        Some(_) => {}
                    }
                }
                let part = piece.get(start..line_end).unwrap_or_default();
                if self.carry.is_empty() {
                    self.line(part, events);
                } else {
                    let mut line = std::mem::take(&mut self.carry);
                    line.extend_from_slice(part);
                    self.line(&line, events);
                }
                start = i + 1;
            }
            i += 1;
        }
        if let Some(rest) = piece.get(start..) {
            self.carry.extend_from_slice(rest);
        }
    }

    /// The stream ended: an event not terminated by a blank line is dropped,
    /// as the SSE spec says. Returns whether anything was left unfinished.
    pub fn finish(&mut self) -> bool {
        let unfinished = !self.carry.is_empty() || self.has_data;
        self.carry.clear();
        self.reset_event();
        unfinished
    }

    fn reset_event(&mut self) {
        self.event = None;
        self.data.clear();
        self.has_data = false;
    }

    fn line(&mut self, line: &[u8], events: &mut Vec<SseEvent>) {
        if line.is_empty() {
            if self.has_data {
                events.push(SseEvent {
                    event: self.event.take(),
                    data: std::mem::take(&mut self.data),
                });
            }
            self.reset_event();
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let (field, value) = match line.iter().position(|&c| c == b':') {
            Some(colon) => {
                let value = line.get(colon + 1..).unwrap_or_default();
                let value = value.strip_prefix(b" ").unwrap_or(value);
                (line.get(..colon).unwrap_or_default(), value)
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                if self.has_data {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"event" => self.event = Some(String::from_utf8_lossy(value).into_owned()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &[u8] = b"event: message_start\ndata: {\"a\":1}\n\n: comment\nevent: ping\r\ndata: {}\r\n\r\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n";

    fn parse_in_pieces(input: &[u8], sizes: &mut dyn Iterator<Item = usize>) -> Vec<SseEvent> {
        let mut p = SseParser::new();
        let mut events = Vec::new();
        let mut rest = input;
        while !rest.is_empty() {
            let n = sizes.next().unwrap_or(1).clamp(1, rest.len());
            let (a, b) = rest.split_at(n);
            p.push(a, &mut events);
            rest = b;
        }
        assert!(!p.finish());
        events
    }

    #[test]
    fn parses_events_fields_and_multiline_data() {
        let events = parse_in_pieces(STREAM, &mut std::iter::repeat(STREAM.len()));
        assert_eq!(events.len(), 4);
        assert_eq!(events[0].event.as_deref(), Some("message_start"));
        assert_eq!(events[0].data, b"{\"a\":1}");
        assert_eq!(events[1].event.as_deref(), Some("ping"));
        assert_eq!(events[2].event, None);
        assert_eq!(events[2].data, b"line1\nline2");
        assert_eq!(events[3].data, b"[DONE]");
    }

    #[test]
    fn any_split_gives_the_same_events() {
        let whole = parse_in_pieces(STREAM, &mut std::iter::repeat(STREAM.len()));
        assert_eq!(parse_in_pieces(STREAM, &mut std::iter::repeat(1)), whole);
        let mut seed = 0x9E37_79B9u32;
        for _ in 0..200 {
            let mut sizes = std::iter::from_fn(|| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                Some((seed % 7 + 1) as usize)
            });
            assert_eq!(parse_in_pieces(STREAM, &mut sizes), whole);
        }
    }

    #[test]
    fn empty_piece_after_cr_keeps_the_line_end_pending() {
        let mut p = SseParser::new();
        let mut events = Vec::new();
        for piece in [&b"event: foo\r"[..], b"", b"\ndata: y\r\n\r\n"] {
            p.push(piece, &mut events);
        }
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event.as_deref(), Some("foo"));
        assert_eq!(events[0].data, b"y");
    }

    #[test]
    fn unterminated_event_is_reported_at_finish() {
        let mut p = SseParser::new();
        let mut events = Vec::new();
        p.push(b"data: {\"partial\"", &mut events);
        assert!(events.is_empty());
        assert!(p.buffered() > 0);
        assert!(p.finish());
    }
}
