//! Incremental SSE framing of the unified OpenAI stream, keeping what
//! `crate::sse::SseParser` drops: an event made only of comments (`: ping`,
//! `: keep-alive`) is reported, so it can become an Anthropic `ping`.
//!
//! Works for any split (inside lines, UTF-8 sequences or `\r\n` pairs); line
//! ends may be `\n`, `\r\n` or `\r`; several `data:` lines are joined with
//! `\n`; other fields (`event:`, `id:`) are ignored: OpenAI chunks need none.

/// One complete event.
pub(super) enum Frame<'b> {
    /// The event's data.
    Data(&'b [u8]),
    /// Comment lines only: a keep-alive.
    KeepAlive,
}

#[derive(Debug, Default)]
pub(super) struct Framer {
    /// The unfinished line.
    line: Vec<u8>,
    /// A `\r` ended the previous piece; a leading `\n` belongs to it.
    pending_cr: bool,
    data: Vec<u8>,
    has_data: bool,
    comment: bool,
}

impl Framer {
    /// Appends `piece`; `each` gets every event it completes.
    pub(super) fn push(&mut self, mut piece: &[u8], each: &mut dyn FnMut(Frame<'_>)) {
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
                let end = i;
                if b == b'\r' {
                    match piece.get(i + 1) {
                        Some(b'\n') => i += 1,
                        None => self.pending_cr = true,
                        Some(_) => {}
                    }
                }
                let part = piece.get(start..end).unwrap_or_default();
                if self.line.is_empty() {
                    self.on_line(part, each);
                } else {
                    let mut line = std::mem::take(&mut self.line);
                    line.extend_from_slice(part);
                    self.on_line(&line, each);
                    line.clear();
                    self.line = line;
                }
                start = i + 1;
            }
            i += 1;
        }
        if let Some(rest) = piece.get(start..) {
            self.line.extend_from_slice(rest);
        }
    }

    /// The stream ended: an event missing its blank line (or its last line
    /// end) is handed over as it is; the caller decides whether its data is
    /// complete.
    pub(super) fn finish(&mut self, each: &mut dyn FnMut(Frame<'_>)) {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.on_line(&line, each);
        }
        if self.has_data {
            each(Frame::Data(&self.data));
        }
        self.reset();
    }

    fn reset(&mut self) {
        self.data.clear();
        self.has_data = false;
        self.comment = false;
    }

    fn on_line(&mut self, line: &[u8], each: &mut dyn FnMut(Frame<'_>)) {
        if line.is_empty() {
            if self.has_data {
                each(Frame::Data(&self.data));
            } else if self.comment {
                each(Frame::KeepAlive);
            }
            self.reset();
            return;
        }
        if line.first() == Some(&b':') {
            self.comment = true;
            return;
        }
        let (field, value) = match line.iter().position(|&c| c == b':') {
            Some(colon) => {
                let value = line.get(colon + 1..).unwrap_or_default();
                (
                    line.get(..colon).unwrap_or_default(),
                    value.strip_prefix(b" ").unwrap_or(value),
                )
            }
            None => (line, &b""[..]),
        };
        if field == b"data" {
            if self.has_data {
                self.data.push(b'\n');
            }
            self.data.extend_from_slice(value);
            self.has_data = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], piece: usize) -> Vec<Option<Vec<u8>>> {
        let mut framer = Framer::default();
        let mut found = Vec::new();
        let mut each = |f: Frame<'_>| {
            found.push(match f {
                Frame::Data(d) => Some(d.to_vec()),
                Frame::KeepAlive => None,
            })
        };
        for part in input.chunks(piece) {
            framer.push(part, &mut each);
        }
        framer.finish(&mut each);
        found
    }

    #[test]
    fn every_split_gives_the_same_frames() {
        let input =
            b"data: a\n\n: ping\r\n\r\nevent: x\rdata: b\rdata: c\r\rdata: [DONE]".as_slice();
        let expected = vec![
            Some(b"a".to_vec()),
            None,
            Some(b"b\nc".to_vec()),
            Some(b"[DONE]".to_vec()),
        ];
        for piece in 1..=input.len() {
            assert_eq!(frames(input, piece), expected, "piece {piece}");
        }
    }
}
