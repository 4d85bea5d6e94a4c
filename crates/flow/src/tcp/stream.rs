//! Reassembly of one direction of a TCP connection.
//!
//! Sequence numbers are mapped to 64-bit stream offsets relative to the next byte to deliver
//! (serial-number arithmetic, RFC 1982), so wraparound at 2^32 needs no special case and offsets
//! never wrap.
//!
//! Policy (Suricata's default for an IDS, "first data wins", as its BSD-like policy does for
//! the common cases):
//! - In-order data with nothing buffered is delivered straight from the packet (no copy).
//! - Data before the next expected byte (retransmission / overlap with delivered data) is
//!   trimmed; the bytes already delivered win.
//! - Out-of-order data is copied into a buffer; where it overlaps data already buffered, the
//!   buffered (first received) bytes win and only the holes are filled.
//! - The buffer is bounded per direction (`max_ooo_bytes`, payload plus a per-segment overhead):
//!   past it we declare a gap up to the first buffered segment and move on. The table-wide
//!   `memcap` is enforced by dropping the segment (counted); a later ACK or the flush turns the
//!   hole into a gap.
//! - A gap is declared when the receiver ACKs past data we never saw (within its window), or at
//!   flush; the buffered data after it is then delivered.
//! - Delivery stops at `depth` bytes of stream offset (0 = unlimited); gaps count toward it.

use crate::{Chunk, Direction};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Accounting charged per buffered segment besides its payload (map node, allocation header), so
/// that a flood of tiny segments is bounded too.
pub const SEG_OVERHEAD: usize = 48;

/// Counters shared by all sessions of one table: memory held in out-of-order buffers and the
/// events the table reports in its stats.
#[derive(Debug, Default)]
pub struct ReasmShared {
    pub mem: AtomicUsize,
    pub gaps: AtomicU64,
    pub memcap_drops: AtomicU64,
}

/// Limits a stream needs for one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub depth: u64,
    pub max_ooo: usize,
    pub memcap: usize,
}

/// The deliver callback with its direction bound.
pub(crate) struct Out<'a, 'b> {
    pub dir: Direction,
    pub f: &'a mut (dyn FnMut(Direction, Chunk<'_>) + 'b),
}

impl Out<'_, '_> {
    #[inline]
    fn send(&mut self, c: Chunk<'_>) {
        (self.f)(self.dir, c)
    }
}

/// Serial-number "a > b".
#[inline]
pub(crate) fn seq_gt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// One direction's sequence tracking and reassembly buffer.
#[derive(Debug, Default)]
pub struct Stream {
    /// The initial sequence number is known: reassembly runs.
    pub known: bool,
    pub isn: u32,
    /// Sequence number of the byte at `next_off`.
    base_seq: u32,
    /// Stream offset (0 = first data byte after the SYN) of the next byte to deliver.
    next_off: u64,
    /// One past the highest sequence number seen from this side (SYN/FIN included).
    pub next_seq: u32,
    /// Suricata's `next_seq` for this side, which a RST must carry exactly (its default BSD
    /// policy): the highest `seq + len` seen; a FIN adds one only for the server's FIN that
    /// ends the established state.
    pub rst_next: u32,
    /// Highest acknowledgment of this stream seen from the peer.
    pub last_ack: u32,
    pub ack_seen: bool,
    /// Largest receive window (scaled) the peer advertised for this stream.
    pub window: u32,
    /// Window scale the sender of this stream applies to the windows it advertises.
    pub wscale: u8,
    /// Sequence number of this side's FIN.
    pub fin_seq: Option<u32>,
    segs: BTreeMap<u64, Vec<u8>>,
    /// Bytes accounted for `segs` (payload plus [`SEG_OVERHEAD`] each).
    held: usize,
    /// Reassembly over (depth reached, reset): nothing more is delivered.
    pub done: bool,
    /// Data bytes delivered.
    pub delivered: u64,
    pub gaps: u32,
    pub gap_bytes: u64,
    /// Segments fully covered by data already delivered.
    pub retransmissions: u64,
    pub memcap_drops: u64,
}

impl Stream {
    /// Starts reassembly: the first data byte has sequence number `isn + 1`.
    pub(crate) fn init(&mut self, isn: u32) {
        self.known = true;
        self.isn = isn;
        self.base_seq = isn.wrapping_add(1);
        self.next_seq = self.base_seq;
        self.rst_next = self.base_seq;
        self.next_off = 0;
    }

    /// Stream offset of the next byte to deliver.
    pub fn next_offset(&self) -> u64 {
        self.next_off
    }

    /// Bytes held in the out-of-order buffer (payload only).
    pub fn buffered(&self) -> usize {
        self.segs.values().map(Vec::len).sum()
    }

    /// Records that this side sent up to `end` (exclusive).
    pub(crate) fn saw_seq(&mut self, end: u32) {
        if seq_gt(end, self.next_seq) {
            self.next_seq = end;
        }
    }

    /// Moves Suricata's `next_seq` forward to `end` if it is beyond.
    pub(crate) fn saw_rst_next(&mut self, end: u32) {
        if seq_gt(end, self.rst_next) {
            self.rst_next = end;
        }
    }

    #[inline]
    fn off_of(&self, seq: u32) -> i128 {
        i128::from(self.next_off) + i128::from(seq.wrapping_sub(self.base_seq) as i32)
    }

    fn advance(&mut self, n: u64) {
        self.next_off = self.next_off.saturating_add(n);
        self.base_seq = self.base_seq.wrapping_add(n as u32);
    }

    fn depth_left(&self, lim: &Limits) -> u64 {
        if lim.depth == 0 {
            u64::MAX
        } else {
            lim.depth.saturating_sub(self.next_off)
        }
    }

    /// Ends reassembly and frees the buffer.
    pub(crate) fn stop(&mut self, shared: &ReasmShared) {
        self.done = true;
        self.segs.clear();
        self.release(shared, self.held);
    }

    fn release(&mut self, shared: &ReasmShared, n: usize) {
        let n = n.min(self.held);
        self.held -= n;
        shared.mem.fetch_sub(n, Ordering::Relaxed);
    }

    fn deliver_data(&mut self, data: &[u8], lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        let left = self.depth_left(lim);
        let n = usize::try_from(left).unwrap_or(usize::MAX).min(data.len());
        if let Some(d) = data.get(..n) {
            if !d.is_empty() {
                out.send(Chunk::Data(d));
                self.delivered = self.delivered.saturating_add(n as u64);
                self.advance(n as u64);
            }
        }
        if lim.depth != 0 && self.next_off >= lim.depth {
            self.stop(shared);
        }
    }

    fn deliver_gap(&mut self, len: u64, lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        let mut len = len.min(self.depth_left(lim));
        if len > 0 {
            self.gaps = self.gaps.saturating_add(1);
            shared.gaps.fetch_add(1, Ordering::Relaxed);
        }
        while len > 0 {
            let piece = len.min(u64::from(u32::MAX));
            out.send(Chunk::Gap(piece as u32));
            self.gap_bytes = self.gap_bytes.saturating_add(piece);
            self.advance(piece);
            len -= piece;
        }
        if lim.depth != 0 && self.next_off >= lim.depth {
            self.stop(shared);
        }
    }

    /// Delivers buffered segments that have become contiguous.
    fn drain(&mut self, lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        while !self.done {
            match self.segs.first_key_value() {
                Some((&k, _)) if k <= self.next_off => {}
                _ => break,
            }
            let Some((k, v)) = self.segs.pop_first() else {
                break;
            };
            self.release(shared, v.len().saturating_add(SEG_OVERHEAD));
            let skip = usize::try_from(self.next_off - k).unwrap_or(usize::MAX);
            if let Some(rest) = v.get(skip..) {
                self.deliver_data(rest, lim, shared, out);
            }
        }
    }

    /// Declares a gap up to the first buffered segment, then delivers what follows it.
    fn skip_to_first(&mut self, lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        if let Some((&k, _)) = self.segs.first_key_value() {
            if k > self.next_off {
                self.deliver_gap(k - self.next_off, lim, shared, out);
            }
        }
        self.drain(lim, shared, out);
    }

    /// Handles the payload of one segment from this side.
    pub(crate) fn data(
        &mut self,
        seq: u32,
        payload: &[u8],
        lim: &Limits,
        shared: &ReasmShared,
        out: &mut Out<'_, '_>,
    ) {
        if !self.known || self.done || payload.is_empty() {
            return;
        }
        let start = self.off_of(seq);
        let mut end = start + payload.len() as i128;
        if let Some(fin) = self.fin_seq {
            // Nothing after the FIN belongs to the stream.
            end = end.min(self.off_of(fin));
        }
        if lim.depth != 0 {
            end = end.min(i128::from(lim.depth));
        }
        if end <= i128::from(self.next_off) {
            self.retransmissions += 1;
            return;
        }
        // Trim what was already delivered (first data wins).
        let s = start.max(i128::from(self.next_off));
        let (Ok(s_idx), Ok(e_idx)) = (usize::try_from(s - start), usize::try_from(end - start)) else {
            return;
        };
        let Some(mut data) = payload.get(s_idx..e_idx) else {
            return;
        };
        let mut s = s as u64;
        loop {
            if s == self.next_off {
                // In order: deliver straight from the packet up to the first buffered byte.
                let n = match self.segs.first_key_value() {
                    Some((&k, _)) => usize::try_from(k - s).unwrap_or(usize::MAX).min(data.len()),
                    None => data.len(),
                };
                let (now, rest) = data.split_at(n);
                self.deliver_data(now, lim, shared, out);
                data = rest;
                s += n as u64;
                if self.done || data.is_empty() {
                    break;
                }
            }
            let holes = self.holes(s, data.len());
            let need: usize = holes.iter().map(|&(_, l)| l.saturating_add(SEG_OVERHEAD)).sum();
            if need == 0 {
                break;
            }
            if self.held.saturating_add(need) > lim.max_ooo {
                // Too much held for this direction: give up on the oldest hole and retry.
                match self.segs.first_key_value() {
                    Some((&k, _)) if k < s => self.skip_to_first(lim, shared, out),
                    _ => {
                        // Nothing buffered before this segment: skip to it, it is then in order.
                        let gap = s - self.next_off;
                        self.deliver_gap(gap, lim, shared, out);
                        if self.done {
                            break;
                        }
                        continue;
                    }
                }
                if self.done {
                    break;
                }
                // Re-trim against what was delivered meanwhile.
                if s < self.next_off {
                    let skip = usize::try_from(self.next_off - s).unwrap_or(usize::MAX);
                    let Some(rest) = data.get(skip..) else { break };
                    if rest.is_empty() {
                        break;
                    }
                    data = rest;
                    s = self.next_off;
                }
                continue;
            }
            if shared.mem.load(Ordering::Relaxed).saturating_add(need) > lim.memcap {
                self.memcap_drops += 1;
                shared.memcap_drops.fetch_add(1, Ordering::Relaxed);
                break;
            }
            for (off, len) in holes {
                let from = usize::try_from(off - s).unwrap_or(usize::MAX);
                if let Some(piece) = data.get(from..from.saturating_add(len)) {
                    self.segs.insert(off, piece.to_vec());
                }
            }
            self.held = self.held.saturating_add(need);
            shared.mem.fetch_add(need, Ordering::Relaxed);
            break;
        }
        self.drain(lim, shared, out);
    }

    /// The parts of `[start, start + len)` not covered by buffered segments: (offset, length).
    fn holes(&self, start: u64, len: usize) -> Vec<(u64, usize)> {
        let end = start.saturating_add(len as u64);
        let mut holes = Vec::new();
        let mut pos = start;
        if let Some((&k, v)) = self.segs.range(..start).next_back() {
            pos = pos.max(k.saturating_add(v.len() as u64));
        }
        for (&k, v) in self.segs.range(start..end) {
            if k > pos {
                holes.push((pos, (k - pos) as usize));
            }
            pos = pos.max(k.saturating_add(v.len() as u64));
            if pos >= end {
                break;
            }
        }
        if pos < end {
            holes.push((pos, (end - pos) as usize));
        }
        holes
    }

    /// The peer acknowledged up to `ack`: anything missing before it will never be seen, so it is
    /// declared a gap and the buffered data after it is delivered.
    pub(crate) fn acked(&mut self, ack: u32, lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        if !self.ack_seen || seq_gt(ack, self.last_ack) {
            self.last_ack = ack;
            self.ack_seen = true;
        }
        if !self.known || self.done {
            return;
        }
        // The FIN takes a sequence number but carries no byte.
        let data_end = match self.fin_seq {
            Some(f) if !seq_gt(ack, f) => ack,
            Some(f) => f,
            None => ack,
        };
        let target = self.off_of(data_end);
        if target <= i128::from(self.next_off) {
            return;
        }
        // An ACK for data far beyond anything the sender sent is bogus, not a gap.
        let beyond = data_end.wrapping_sub(self.next_seq) as i32;
        if beyond > 0 && beyond as u32 > self.window.max(65_535) {
            return;
        }
        let target = target as u64;
        while !self.done && self.next_off < target {
            match self.segs.first_key_value() {
                Some((&k, _)) if k <= self.next_off => self.drain(lim, shared, out),
                Some((&k, _)) => self.deliver_gap(k.min(target) - self.next_off, lim, shared, out),
                None => self.deliver_gap(target - self.next_off, lim, shared, out),
            }
        }
        self.drain(lim, shared, out);
    }

    /// Delivers everything buffered, declaring gaps over the holes.
    pub(crate) fn flush(&mut self, lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        while self.known && !self.done && !self.segs.is_empty() {
            self.skip_to_first(lim, shared, out);
        }
    }

    /// Returns the memory this stream holds to the shared pool (the session is going away).
    pub(crate) fn release_all(&mut self, shared: &ReasmShared) {
        self.segs.clear();
        self.release(shared, self.held);
    }
}
