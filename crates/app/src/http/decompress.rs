//! Streaming, bounded decompression of HTTP bodies (`Content-Encoding: gzip` / `deflate`),
//! the way libhtp does it: gzip accepts a zlib or gzip wrapper, deflate a raw or zlib stream;
//! when inflating fails the data is passed on as it is; output stops at a decompression-bomb
//! bound (more than `bomb_limit` bytes *and* more than `bomb_ratio` times the input).

use flate2::{Decompress, FlushDecompress, Status};

/// Which coding the body declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    Gzip,
    Deflate,
}

impl Coding {
    /// From a `Content-Encoding` value (`gzip`, `x-gzip`, `deflate`, `x-deflate`).
    pub(crate) fn from_header(v: &[u8]) -> Option<Coding> {
        let v = v.trim_ascii();
        if v.eq_ignore_ascii_case(b"gzip") || v.eq_ignore_ascii_case(b"x-gzip") {
            Some(Coding::Gzip)
        } else if v.eq_ignore_ascii_case(b"deflate") || v.eq_ignore_ascii_case(b"x-deflate") {
            Some(Coding::Deflate)
        } else {
            None
        }
    }
}

/// Largest gzip header we are willing to buffer (FEXTRA/FNAME/FCOMMENT included).
const MAX_GZIP_HEADER: usize = 4096;
const OUT_CHUNK: usize = 8192;

enum State {
    /// Collecting the start of the stream to pick the wrapper.
    Sniff,
    Inflate,
    /// Input passed through unchanged (not compressed after all).
    Passthrough,
    /// Finished, failed or bounded: further input is dropped.
    Stopped,
}

/// A streaming decoder for one body.
pub(crate) struct Decoder {
    coding: Coding,
    state: State,
    head: Vec<u8>,
    inflate: Option<Decompress>,
    in_total: u64,
    out_total: u64,
    bomb_limit: u64,
    bomb_ratio: u64,
    /// Set when the bomb bound stopped the output.
    pub(crate) bomb: bool,
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("coding", &self.coding)
            .field("in_total", &self.in_total)
            .field("out_total", &self.out_total)
            .finish()
    }
}

/// Length of a complete gzip header at the start of `d`, `Ok(None)` if more bytes are needed,
/// `Err(())` if it is not a gzip header.
fn gzip_header_len(d: &[u8]) -> Result<Option<usize>, ()> {
    if d.len() < 10 {
        if d.first().is_some_and(|&b| b != 0x1f) || d.get(1).is_some_and(|&b| b != 0x8b) {
            return Err(());
        }
        return Ok(None);
    }
    if d.first() != Some(&0x1f) || d.get(1) != Some(&0x8b) || d.get(2) != Some(&8) {
        return Err(());
    }
    let flags = d.get(3).copied().unwrap_or(0);
    let mut pos = 10usize;
    if flags & 0x04 != 0 {
        let (Some(&a), Some(&b)) = (d.get(pos), d.get(pos + 1)) else {
            return Ok(None);
        };
        pos += 2 + usize::from(u16::from_le_bytes([a, b]));
    }
    for bit in [0x08u8, 0x10] {
        if flags & bit != 0 {
            match d.get(pos..).and_then(|r| memchr::memchr(0, r)) {
                Some(z) => pos += z + 1,
                None => return Ok(None),
            }
        }
    }
    if flags & 0x02 != 0 {
        pos += 2;
    }
    if pos > d.len() {
        return Ok(None);
    }
    Ok(Some(pos))
}

fn looks_zlib(d: &[u8]) -> bool {
    match (d.first(), d.get(1)) {
        (Some(&a), Some(&b)) => a & 0x0f == 8 && ((u16::from(a) << 8) | u16::from(b)) % 31 == 0,
        _ => false,
    }
}

impl Decoder {
    pub(crate) fn new(coding: Coding, bomb_limit: u64, bomb_ratio: u64) -> Self {
        Decoder {
            coding,
            state: State::Sniff,
            head: Vec::new(),
            inflate: None,
            in_total: 0,
            out_total: 0,
            bomb_limit,
            bomb_ratio,
            bomb: false,
        }
    }

    /// Stops decoding (after a gap: the compressed stream cannot be resumed).
    pub(crate) fn stop(&mut self) {
        self.state = State::Stopped;
        self.inflate = None;
        self.head = Vec::new();
    }

    /// Feeds compressed bytes; decoded bytes go to `sink`, which returns `false` when it wants
    /// no more (decoding then stops).
    pub(crate) fn feed(&mut self, input: &[u8], sink: &mut dyn FnMut(&[u8]) -> bool) {
        self.in_total = self.in_total.saturating_add(input.len() as u64);
        match self.state {
            State::Stopped => {}
            State::Passthrough => {
                if !sink(input) {
                    self.stop();
                }
            }
            State::Inflate => self.inflate_data(input, sink),
            State::Sniff => {
                // Decide the wrapper from the first bytes, buffering as needed.
                let owned;
                let data: &[u8] = if self.head.is_empty() {
                    input
                } else {
                    self.head.extend_from_slice(input);
                    owned = std::mem::take(&mut self.head);
                    &owned
                };
                let skip = match self.coding {
                    Coding::Gzip => match gzip_header_len(data) {
                        Ok(Some(n)) => {
                            self.inflate = Some(Decompress::new(false));
                            Some(n)
                        }
                        Ok(None) if data.len() < MAX_GZIP_HEADER => None,
                        Ok(None) => {
                            self.state = State::Passthrough;
                            Some(0)
                        }
                        Err(()) => {
                            self.inflate = Some(Decompress::new(looks_zlib(data)));
                            Some(0)
                        }
                    },
                    Coding::Deflate => {
                        if data.len() < 2 {
                            None
                        } else {
                            self.inflate = Some(Decompress::new(looks_zlib(data)));
                            Some(0)
                        }
                    }
                };
                match skip {
                    None => {
                        if self.head.is_empty() {
                            self.head.extend_from_slice(data);
                        } else {
                            // `data` was taken from `head`; put it back.
                            self.head = data.to_vec();
                        }
                    }
                    Some(n) => {
                        let rest = data.get(n..).unwrap_or_default();
                        if matches!(self.state, State::Passthrough) {
                            if !sink(data) {
                                self.stop();
                            }
                        } else {
                            self.state = State::Inflate;
                            self.inflate_data(rest, sink);
                        }
                    }
                }
            }
        }
    }

    /// End of body: flush what a partial sniff buffered.
    pub(crate) fn finish(&mut self, sink: &mut dyn FnMut(&[u8]) -> bool) {
        if matches!(self.state, State::Sniff) && !self.head.is_empty() {
            let head = std::mem::take(&mut self.head);
            let _ = sink(&head);
        }
        self.stop();
    }

    fn inflate_data(&mut self, chunk: &[u8], sink: &mut dyn FnMut(&[u8]) -> bool) {
        let mut input = chunk;
        let Some(inf) = self.inflate.as_mut() else {
            return;
        };
        let mut buf = [0u8; OUT_CHUNK];
        loop {
            let before_in = inf.total_in();
            let before_out = inf.total_out();
            let res = inf.decompress(input, &mut buf, FlushDecompress::None);
            let consumed = usize::try_from(inf.total_in().saturating_sub(before_in)).unwrap_or(0);
            let produced = usize::try_from(inf.total_out().saturating_sub(before_out)).unwrap_or(0);
            input = input.get(consumed..).unwrap_or_default();
            if produced > 0 {
                self.out_total = self.out_total.saturating_add(produced as u64);
                if !sink(buf.get(..produced).unwrap_or_default()) {
                    self.stop();
                    return;
                }
                if self.out_total > self.bomb_limit
                    && self.out_total > self.bomb_ratio.saturating_mul(self.in_total)
                {
                    self.bomb = true;
                    self.stop();
                    return;
                }
            }
            match res {
                Ok(Status::StreamEnd) => {
                    self.stop();
                    return;
                }
                Ok(_) => {
                    if consumed == 0 && produced == 0 {
                        return;
                    }
                    if input.is_empty() && produced < OUT_CHUNK {
                        return;
                    }
                }
                Err(_) => {
                    // Not (or no longer) compressed: like libhtp, hand over this whole chunk
                    // as it is, and the rest of the body after it.
                    self.inflate = None;
                    self.state = State::Passthrough;
                    if !sink(chunk) {
                        self.stop();
                    }
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::{DeflateEncoder, GzEncoder, ZlibEncoder};
    use flate2::Compression;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).ok();
        e.finish().unwrap_or_default()
    }

    fn run(coding: Coding, input: &[u8], step: usize) -> Vec<u8> {
        let mut d = Decoder::new(coding, 1 << 20, 2048);
        let mut out = Vec::new();
        for c in input.chunks(step.max(1)) {
            d.feed(c, &mut |b| {
                out.extend_from_slice(b);
                true
            });
        }
        d.finish(&mut |b| {
            out.extend_from_slice(b);
            true
        });
        out
    }

    #[test]
    fn gzip_whole_and_bytewise() {
        let body = b"hello hello hello world".repeat(50);
        let c = gz(&body);
        assert_eq!(run(Coding::Gzip, &c, 100_000), body);
        assert_eq!(run(Coding::Gzip, &c, 1), body);
    }

    #[test]
    fn deflate_raw_and_zlib() {
        let body = b"abcabcabc-deflate".repeat(20);
        let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
        e.write_all(&body).ok();
        let raw = e.finish().unwrap_or_default();
        assert_eq!(run(Coding::Deflate, &raw, 7), body);
        let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
        z.write_all(&body).ok();
        let zl = z.finish().unwrap_or_default();
        assert_eq!(run(Coding::Deflate, &zl, 3), body);
        assert_eq!(run(Coding::Gzip, &zl, 5), body);
    }

    #[test]
    fn not_compressed_passes_through() {
        assert_eq!(run(Coding::Gzip, b"plain text body", 100), b"plain text body");
        // As libhtp: the chunk that fails is passed through, earlier ones were swallowed.
        assert_eq!(run(Coding::Deflate, b"plain text body", 4), b"n text body");
        // One byte that could start a stored deflate block: nothing comes out (as zlib).
        assert_eq!(run(Coding::Gzip, b"x", 4), b"");
    }

    #[test]
    fn bomb_is_bounded() {
        let body = vec![0u8; 4 << 20];
        let c = gz(&body);
        let mut d = Decoder::new(Coding::Gzip, 1 << 20, 100);
        let mut n = 0usize;
        d.feed(&c, &mut |b| {
            n += b.len();
            true
        });
        assert!(d.bomb);
        assert!(n < 2 << 20, "decoded {n}");
    }

    #[test]
    fn sink_can_stop() {
        let c = gz(&b"z".repeat(100_000));
        let mut d = Decoder::new(Coding::Gzip, 1 << 20, 2048);
        let mut calls = 0;
        d.feed(&c, &mut |_| {
            calls += 1;
            false
        });
        d.feed(&c, &mut |_| {
            calls += 1;
            true
        });
        assert_eq!(calls, 1);
    }
}
