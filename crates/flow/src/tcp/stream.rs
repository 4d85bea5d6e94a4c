//! Reassembly of one direction of a TCP connection.
//!
//! Sequence numbers are mapped to 64-bit stream offsets relative to the next byte to deliver
//! (serial-number arithmetic, RFC 1982), so wraparound at 2^32 needs no special case and offsets
//! never wrap.
//!
//! Two delivery modes ([`crate::TcpConfig::ack_gated`]):
//! - **IDS (ACK-gated, the default; Suricata's `stream.inline: no`).** Data is buffered and handed
//!   to the app layer only once the receiver has acknowledged it (Suricata's
//!   `StreamTcpReassembleAppLayer` runs on the opposing stream when an ACK is processed, and
//!   `AdjustToAcked` trims to `last_ack`). All acknowledged contiguous data goes out in one
//!   chunk, however many segments it came in. A hole is declared a gap only when the receiver
//!   acknowledged past it *and* data after it was seen (Suricata's `GetAppBuffer` / `CheckGap`);
//!   the gap then runs to that data or to the acknowledgment, whichever is first. At flow end
//!   (Suricata's pseudo packets) un-acknowledged data is delivered up to the first hole the
//!   receiver did not acknowledge, or not at all once the session was closed by FIN/ACK (see
//!   [`super::TcpSession::flush_dir`]).
//! - **Immediate.** In-order data is delivered as soon as it is in order, straight from the
//!   packet (no copy); an ACK past missing data declares a gap at once; the flush delivers
//!   everything buffered, declaring gaps over the holes.
//!
//! Common policy (Suricata's default for an IDS, "first data wins", as its BSD-like policy does
//! for the common cases):
//! - Data before the next expected byte (retransmission / overlap with data held or delivered)
//!   is trimmed; the bytes received first win.
//! - Out-of-order data is copied into a buffer; where it overlaps data already buffered, the
//!   buffered (first received) bytes win and only the holes are filled.
//! - What one direction holds is bounded (`max_ooo_bytes`, payload plus a per-segment overhead
//!   for out-of-order segments): past it, data waiting for its ACK is delivered early (counted in
//!   `forced`), then we declare a gap up to the first buffered segment and move on. The
//!   table-wide `memcap` is enforced by dropping the segment (counted); a later ACK or the flush
//!   turns the hole into a gap.
//! - Reassembly depth (`depth` bytes of stream offset, 0 = unlimited; Suricata's
//!   `StreamTcpReassembleCheckDepth`): a segment whose end would lie beyond the depth is
//!   refused whole (not cut at the depth) and marks the direction [`Stream::depth_reached`].
//!   The direction's reassembly then ends at once: what it still held (not acknowledged yet,
//!   out of order) is dropped, as Suricata's `StreamTcpPruneSession` does at the end of that
//!   packet (`STREAMTCP_STREAM_FLAG_NOREASSEMBLY`), and nothing of it is taken any more.
//!   Delivery also ends once `depth` bytes went out; gaps count toward the depth.

use crate::{Chunk, Direction};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// Accounting charged per buffered segment besides its payload (map node, allocation header), so
/// that a flood of tiny segments is bounded too.
pub const SEG_OVERHEAD: usize = 48;

/// Capacity of the IDS-mode holding buffer kept once it is empty; above, it is freed.
const PENDING_KEEP: usize = 1024;

/// Counters shared by all sessions of one table: memory held in out-of-order buffers and the
/// events the table reports in its stats.
#[derive(Debug, Default)]
pub struct ReasmShared {
    pub mem: AtomicUsize,
    pub gaps: AtomicU64,
    pub memcap_drops: AtomicU64,
    /// IDS mode: deliveries of data not yet acknowledged because a direction held too much.
    pub forced: AtomicU64,
}

/// Limits a stream needs for one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub depth: u64,
    pub max_ooo: usize,
    pub memcap: usize,
    /// Deliver only acknowledged data (IDS mode).
    pub gated: bool,
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
    /// IDS mode: contiguous data from `next_off` on, waiting for its acknowledgment. Bytes
    /// before `pending_head` were delivered already (compacted lazily).
    pending: Vec<u8>,
    pending_head: usize,
    /// Bytes accounted for `segs` (payload plus [`SEG_OVERHEAD`] each) and `pending` (payload).
    held: usize,
    /// Reassembly over (depth delivered, reset): nothing more is delivered.
    pub done: bool,
    /// A segment crossed the reassembly depth (Suricata's `STREAMTCP_STREAM_FLAG_DEPTH_REACHED`):
    /// the direction's reassembly ended on that segment ([`Stream::done`] is set too).
    pub depth_reached: bool,
    /// Data bytes delivered.
    pub delivered: u64,
    pub gaps: u32,
    pub gap_bytes: u64,
    /// Segments fully covered by data already delivered.
    pub retransmissions: u64,
    pub memcap_drops: u64,
    /// IDS mode: times data was delivered before its ACK because the direction held too much.
    pub forced: u64,
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

    /// Bytes held, waiting for their ACK or out of order (payload only).
    pub fn buffered(&self) -> usize {
        self.pending_len() + self.segs.values().map(Vec::len).sum::<usize>()
    }

    /// IDS mode: contiguous bytes held from the next byte to deliver on.
    pub fn pending_len(&self) -> usize {
        self.pending.len().saturating_sub(self.pending_head)
    }

    /// Holds data not delivered yet (what Suricata's flow-end pseudo packets would look at).
    pub fn has_undelivered(&self) -> bool {
        !self.done && (self.pending_len() > 0 || !self.segs.is_empty())
    }

    /// Stream offset one past the contiguous data held.
    fn contiguous_end(&self) -> u64 {
        self.next_off.saturating_add(self.pending_len() as u64)
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
        self.clear_pending();
        self.release(shared, self.held);
    }

    fn clear_pending(&mut self) {
        self.pending = Vec::new();
        self.pending_head = 0;
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

    /// Suricata's `StreamTcpReassembleCheckDepth` (7.0): whether the segment of `len` bytes at
    /// `seq` may be reassembled. A segment ending beyond the depth is refused whole and sets
    /// [`Stream::depth_reached`]. A segment starting before the ISN or at offset `depth - 1` or
    /// later is refused too (Suricata's `seq in [isn, isn + depth)` window), without the flag.
    fn depth_allows(&mut self, seq: u32, len: usize, lim: &Limits) -> bool {
        if lim.depth == 0 {
            return true;
        }
        let start = self.off_of(seq);
        let end = start.saturating_add(len as i128);
        if end > i128::from(lim.depth) {
            self.depth_reached = true;
            return false;
        }
        // `SEQ_GEQ(seq, isn) && SEQ_LT(seq, isn + depth)`: offset of `isn` is -1.
        start >= -1 && start.saturating_add(1) < i128::from(lim.depth)
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
        if !self.known || payload.is_empty() || self.depth_reached {
            return;
        }
        if self.done && (lim.depth == 0 || self.next_off < lim.depth) {
            // Over for another reason than the depth (reset).
            return;
        }
        // Checked even once `done` with all of the depth delivered: the next segment still
        // raises the flag, as in Suricata.
        if !self.depth_allows(seq, payload.len(), lim) {
            if self.depth_reached {
                // Suricata's `StreamTcpPruneSession` on this packet: the direction is over.
                self.stop(shared);
            }
            return;
        }
        if self.done {
            return;
        }
        if lim.gated {
            self.data_gated(seq, payload, lim, shared, out);
            return;
        }
        // Data held while the session was ACK-gated goes first.
        self.force_pending(lim, shared, out);
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
                    _ if s > self.next_off => {
                        // Nothing buffered before this segment: skip to it, it is then in order.
                        let gap = s - self.next_off;
                        self.deliver_gap(gap, lim, shared, out);
                        if self.done {
                            break;
                        }
                        continue;
                    }
                    Some((&k, _)) if k == s => {
                        // In order up to a buffered segment that is now in order too.
                        self.drain(lim, shared, out);
                    }
                    // Unreachable: in-order data up to the first buffered byte went out above.
                    _ => break,
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
        if lim.gated {
            self.acked_gated(ack, lim, shared, out);
            return;
        }
        self.force_pending(lim, shared, out);
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
        self.force_pending(lim, shared, out);
        while self.known && !self.done && !self.segs.is_empty() {
            self.skip_to_first(lim, shared, out);
        }
    }

    /// The data end `ack` acknowledges (a FIN takes a sequence number but carries no byte).
    fn data_end_of_ack(&self, ack: u32) -> u32 {
        match self.fin_seq {
            Some(f) if seq_gt(ack, f) => f,
            _ => ack,
        }
    }

    /// An ACK for data far beyond anything the sender sent is bogus (not a gap, not a release).
    fn ack_is_bogus(&self, ack: u32) -> bool {
        let beyond = self.data_end_of_ack(ack).wrapping_sub(self.next_seq) as i32;
        beyond > 0 && beyond as u32 > self.window.max(65_535)
    }

    /// Stream offset up to which the receiver acknowledged (never before `next_off`).
    fn acked_offset(&self) -> u64 {
        if !self.ack_seen {
            return self.next_off;
        }
        let t = self.off_of(self.data_end_of_ack(self.last_ack));
        u64::try_from(t).unwrap_or(0).max(self.next_off)
    }

    /// Records an acknowledgment of this stream without delivering anything.
    pub(crate) fn note_ack(&mut self, ack: u32) {
        if self.known && self.ack_is_bogus(ack) {
            return;
        }
        if !self.ack_seen || seq_gt(ack, self.last_ack) {
            self.last_ack = ack;
            self.ack_seen = true;
        }
    }

    /// IDS mode: the peer acknowledged up to `ack`; what it acknowledged is delivered.
    fn acked_gated(&mut self, ack: u32, lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        self.note_ack(ack);
        if !self.known || self.done {
            return;
        }
        let t = self.acked_offset();
        self.release_to(t, t, lim, shared, out);
    }

    /// IDS mode, flow end: with `all`, everything held up to the first hole the receiver did not
    /// acknowledge (Suricata's pseudo packet while the session is open or was reset); without,
    /// only what was acknowledged (a session closed by FIN/ACK).
    pub(crate) fn flush_gated(
        &mut self,
        all: bool,
        lim: &Limits,
        shared: &ReasmShared,
        out: &mut Out<'_, '_>,
    ) {
        if !self.known || self.done {
            return;
        }
        let acked = self.acked_offset();
        let to = if all { u64::MAX } else { acked };
        self.release_to(to, acked, lim, shared, out);
    }

    /// Delivers held data up to offset `to`; a hole before `gap_to` with data after it becomes a
    /// gap (up to that data, or `to`).
    fn release_to(
        &mut self,
        to: u64,
        gap_to: u64,
        lim: &Limits,
        shared: &ReasmShared,
        out: &mut Out<'_, '_>,
    ) {
        while !self.done && self.next_off < to {
            let n = self.pending_len();
            if n > 0 {
                let n = usize::try_from(to - self.next_off).unwrap_or(usize::MAX).min(n);
                self.deliver_pending(n, lim, shared, out);
                continue;
            }
            // Nothing contiguous: `next_off` is at a hole, or at the end of what we saw.
            let Some((&k, _)) = self.segs.first_key_value() else {
                break;
            };
            if self.next_off >= gap_to || k <= self.next_off {
                break;
            }
            self.deliver_gap(k.min(to) - self.next_off, lim, shared, out);
            self.merge_segs(shared);
        }
    }

    /// Delivers the first `n` held contiguous bytes as one chunk.
    fn deliver_pending(&mut self, n: usize, lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        let buf = std::mem::take(&mut self.pending);
        let head = self.pending_head;
        let end = head.saturating_add(n).min(buf.len());
        if let Some(d) = buf.get(head..end) {
            self.deliver_data(d, lim, shared, out);
        }
        if self.done {
            // `stop` released everything held.
            return;
        }
        self.pending = buf;
        self.release(shared, end.saturating_sub(head));
        self.pending_head = end;
        if self.pending_head >= self.pending.len() {
            self.pending.clear();
            self.pending_head = 0;
            // An idle flow keeps no big buffer (capacity is not in the memcap accounting).
            if self.pending.capacity() > PENDING_KEEP {
                self.pending = Vec::new();
            }
        } else if self.pending_head >= 4096 && self.pending_head.saturating_mul(2) >= self.pending.len() {
            self.pending.drain(..self.pending_head);
            self.pending_head = 0;
        }
    }

    /// Delivers everything held contiguously, acknowledged or not (leaving IDS mode, or a
    /// direction over its cap).
    fn force_pending(&mut self, lim: &Limits, shared: &ReasmShared, out: &mut Out<'_, '_>) {
        let n = self.pending_len();
        if n > 0 {
            self.deliver_pending(n, lim, shared, out);
        }
    }

    /// Moves buffered segments that became contiguous onto the end of `pending`.
    fn merge_segs(&mut self, shared: &ReasmShared) {
        loop {
            let c = self.contiguous_end();
            match self.segs.first_key_value() {
                Some((&k, _)) if k <= c => {}
                _ => break,
            }
            let Some((k, v)) = self.segs.pop_first() else {
                break;
            };
            self.release(shared, v.len().saturating_add(SEG_OVERHEAD));
            let skip = usize::try_from(c - k).unwrap_or(usize::MAX);
            if let Some(rest) = v.get(skip..) {
                if !rest.is_empty() {
                    if self.pending_head == self.pending.len() {
                        self.pending.clear();
                        self.pending_head = 0;
                    }
                    self.pending.extend_from_slice(rest);
                    self.held = self.held.saturating_add(rest.len());
                    shared.mem.fetch_add(rest.len(), Ordering::Relaxed);
                }
            }
        }
    }

    /// IDS mode: holds the payload of one segment from this side until it is acknowledged.
    fn data_gated(
        &mut self,
        seq: u32,
        payload: &[u8],
        lim: &Limits,
        shared: &ReasmShared,
        out: &mut Out<'_, '_>,
    ) {
        let start = self.off_of(seq);
        let mut end = start + payload.len() as i128;
        if let Some(fin) = self.fin_seq {
            end = end.min(self.off_of(fin));
        }
        if lim.depth != 0 {
            end = end.min(i128::from(lim.depth));
        }
        let cend = i128::from(self.contiguous_end());
        if end <= cend {
            self.retransmissions += 1;
            return;
        }
        // Trim what is held or delivered already (first data wins).
        let s = start.max(cend);
        let (Ok(s_idx), Ok(e_idx)) = (usize::try_from(s - start), usize::try_from(end - start)) else {
            return;
        };
        let Some(mut data) = payload.get(s_idx..e_idx) else {
            return;
        };
        let mut s = s as u64;
        loop {
            let c = self.contiguous_end();
            let holes = self.holes(s, data.len());
            let cost = |&(off, len): &(u64, usize)| {
                if off == c {
                    len
                } else {
                    len.saturating_add(SEG_OVERHEAD)
                }
            };
            let need: usize = holes.iter().map(cost).sum();
            if need == 0 {
                break;
            }
            if self.held.saturating_add(need) > lim.max_ooo {
                // Too much held for this direction: deliver early what waits for its ACK, then
                // give up on the oldest hole.
                if self.pending_len() > 0 {
                    self.forced += 1;
                    shared.forced.fetch_add(1, Ordering::Relaxed);
                    self.force_pending(lim, shared, out);
                } else {
                    match self.segs.first_key_value() {
                        Some((&k, _)) if k < s => {
                            self.deliver_gap(k - self.next_off, lim, shared, out);
                            self.merge_segs(shared);
                        }
                        _ if s > self.next_off => {
                            // Nothing held before this segment: skip to it, it is then in order.
                            let gap = s - self.next_off;
                            self.deliver_gap(gap, lim, shared, out);
                            self.merge_segs(shared);
                        }
                        Some((&k, _)) if k <= s => {
                            // Unreachable: segments at or before the contiguous end are merged.
                            self.merge_segs(shared);
                            if self.pending_len() == 0 {
                                break;
                            }
                        }
                        first => {
                            // In order, nothing held, too big to hold: deliver it straight away.
                            let n = match first {
                                Some((&k, _)) => usize::try_from(k - s).unwrap_or(usize::MAX).min(data.len()),
                                None => data.len(),
                            };
                            let (now, rest) = data.split_at(n);
                            self.forced += 1;
                            shared.forced.fetch_add(1, Ordering::Relaxed);
                            self.deliver_data(now, lim, shared, out);
                            data = rest;
                            s += n as u64;
                            self.merge_segs(shared);
                        }
                    }
                }
                if self.done {
                    return;
                }
                // Re-trim against what is held or delivered now.
                let c = self.contiguous_end();
                if s < c {
                    let skip = usize::try_from(c - s).unwrap_or(usize::MAX);
                    let Some(rest) = data.get(skip..) else { break };
                    data = rest;
                    s = c;
                }
                if data.is_empty() {
                    break;
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
                    if off == c {
                        if self.pending_head == self.pending.len() {
                            self.pending.clear();
                            self.pending_head = 0;
                        }
                        self.pending.extend_from_slice(piece);
                    } else {
                        self.segs.insert(off, piece.to_vec());
                    }
                }
            }
            self.held = self.held.saturating_add(need);
            shared.mem.fetch_add(need, Ordering::Relaxed);
            break;
        }
        self.merge_segs(shared);
    }

    /// Returns the memory this stream holds to the shared pool (the session is going away).
    pub(crate) fn release_all(&mut self, shared: &ReasmShared) {
        self.segs.clear();
        self.clear_pending();
        self.release(shared, self.held);
    }
}
