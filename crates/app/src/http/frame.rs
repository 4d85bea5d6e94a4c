//! Suricata 7's HTTP/1 frames (`http1.request`, `http1.response`): the bytes of one message
//! as they came in the stream, from its first line through its body, for the `frame:`
//! keyword. Off unless [`super::HttpConfig::frames`] (a rule uses `frame:`).
//!
//! One [`FrameCapture`] per direction keeps the bytes delivered since the last message ended
//! (at most [`MAX_FRAME`] of them, counting the rest); when the parser ends a message at a
//! position of the current chunk, the bytes up to there are the message's frame and the rest
//! starts the next one. A gap spoils the frame it falls in (no frame for that message), as a
//! frame over missing data is not inspected by Suricata.

/// Bytes kept per frame.
pub const MAX_FRAME: usize = 256 * 1024;

#[derive(Debug, Default)]
pub(crate) struct FrameCapture {
    /// Bytes since the last message end, from logical offset 0.
    buf: Vec<u8>,
    /// Logical bytes since the last message end (kept or not).
    total: u64,
    /// Logical offset where the current chunk starts (negative once a message ended inside
    /// it).
    chunk_base: i64,
    /// A gap fell in the bytes since the last message end.
    spoiled: bool,
}

impl FrameCapture {
    /// A chunk of stream data is about to be parsed.
    pub(crate) fn chunk(&mut self, data: &[u8]) {
        self.chunk_base = i64::try_from(self.total).unwrap_or(i64::MAX);
        self.total = self.total.saturating_add(data.len() as u64);
        let room = MAX_FRAME.saturating_sub(self.buf.len());
        self.buf
            .extend_from_slice(data.get(..data.len().min(room)).unwrap_or_default());
    }

    /// Data was lost in the stream.
    pub(crate) fn gap(&mut self) {
        self.spoiled = true;
    }

    /// A message ended `pos` bytes into the current chunk (`None`: at the end of all data
    /// delivered): its frame, or `None` when a gap spoiled it. The bytes after `pos` start
    /// the next frame.
    pub(crate) fn end(&mut self, pos: Option<usize>) -> Option<Vec<u8>> {
        let end = match pos {
            Some(p) => {
                let at = self
                    .chunk_base
                    .saturating_add(i64::try_from(p).unwrap_or(i64::MAX));
                u64::try_from(at).unwrap_or(0).min(self.total)
            }
            None => self.total,
        };
        let keep_end = usize::try_from(end).unwrap_or(usize::MAX).min(self.buf.len());
        let rest = self.buf.split_off(keep_end);
        let frame = std::mem::replace(&mut self.buf, rest);
        self.total = self.total.saturating_sub(end);
        self.chunk_base = self
            .chunk_base
            .saturating_sub(i64::try_from(end).unwrap_or(i64::MAX));
        // Bytes of the next frame beyond what was kept are lost to it.
        if usize::try_from(end).unwrap_or(usize::MAX) > keep_end {
            self.buf.clear();
        }
        let spoiled = std::mem::take(&mut self.spoiled);
        (!spoiled).then_some(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_at_message_ends_across_chunks() {
        let mut f = FrameCapture::default();
        f.chunk(b"GET /malic");
        f.chunk(b"ious HTTP/1.1\r\n\r\nGET /2");
        assert_eq!(f.end(Some(17)).unwrap(), b"GET /malicious HTTP/1.1\r\n\r\n");
        assert_eq!(f.end(Some(19)).unwrap(), b"GE");
        f.chunk(b" HTTP/1.0\r\n\r\n");
        assert_eq!(f.end(Some(13)).unwrap(), b"T /2 HTTP/1.0\r\n\r\n");
        assert_eq!(f.end(None).unwrap(), b"");
    }

    #[test]
    fn a_gap_spoils_one_frame() {
        let mut f = FrameCapture::default();
        f.chunk(b"abc");
        f.gap();
        f.chunk(b"def");
        assert_eq!(f.end(Some(1)), None);
        assert_eq!(f.end(None).unwrap(), b"ef");
    }

    #[test]
    fn frames_are_capped() {
        let mut f = FrameCapture::default();
        let big = vec![b'x'; MAX_FRAME + 10];
        f.chunk(&big);
        f.chunk(b"yz");
        let fr = f.end(Some(1)).unwrap();
        assert_eq!(fr.len(), MAX_FRAME);
        // The next frame's first bytes were never kept.
        assert_eq!(f.end(None).unwrap(), b"");
        // Out-of-range positions are clamped.
        f.chunk(b"q");
        assert_eq!(f.end(Some(99)).unwrap(), b"q");
    }
}
