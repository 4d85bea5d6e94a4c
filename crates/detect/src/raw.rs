//! When the raw stream of a TCP direction is inspected, as Suricata 7 does it in IDS mode
//! (`StreamReassembleRawHasDataReady`, `StreamTcpReassembleRawCheckLimit`,
//! `StreamReassembleRaw` in stream-tcp-reassemble.c).
//!
//! A direction's acknowledged data gathers in [`crate::FlowDetect::pending`]. It is inspected,
//! all of it at once (from the raw progress to the acknowledged edge), on a packet travelling
//! that same direction, once one of these holds:
//! - a raw chunk of [`crate::RAW_CHUNK_SIZE`] bytes is waiting
//!   (`stream.reassembly.toserver-chunk-size` / `toclient-chunk-size`);
//! - the app layer completed a unit of that direction (an HTTP request or response, a TLS
//!   record, a DNS message over TCP, an SMTP attachment: `AppLayerParserTriggerRawStreamReassembly`,
//!   [`RawStream::trigger`]);
//! - the session is closing (state past `time_wait`: `close_wait`, `last_ack`, `closing`,
//!   `closed`) or the direction reached the reassembly depth.
//!
//! At the flow end everything left is inspected (Suricata's flow-timeout pseudo packets).

use crate::{FlowDetect, RAW_CHUNK_SIZE};

/// Per-flow state of raw stream inspection, beside the data waiting in
/// [`FlowDetect::pending`]. Indexed by direction (0 = to server).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RawStream {
    /// The app layer asked that the direction's raw stream be inspected on its next packet
    /// (Suricata's `STREAMTCP_STREAM_FLAG_TRIGGER_RAW`).
    pub trigger: [bool; 2],
    /// Bytes at the start of the direction's pending data already fed to the payload part of
    /// the mixed rules (those are fed as the data is acknowledged, see
    /// `Engine::inspect_stream_mixed`).
    pub mixed_fed: [usize; 2],
    /// The app layer's trigger counts already taken (`app::AppLayer::raw_triggers`).
    pub app_seen: [u32; 2],
}

/// What the TCP session says about a direction's raw stream on the packet being handled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RawLimits {
    /// The session is past `time_wait` (Suricata's `ssn->state > TCP_TIME_WAIT`): every
    /// packet inspects what is acknowledged.
    pub closing: bool,
    /// The direction reached the reassembly depth (`STREAMTCP_STREAM_FLAG_DEPTH_REACHED`).
    pub depth_reached: bool,
}

impl FlowDetect {
    /// The app layer completed a unit of direction `dir` (0 = to server): its raw stream is
    /// inspected on the next packet of that direction.
    pub fn trigger_raw(&mut self, dir: usize) {
        if let Some(t) = self.raw.trigger.get_mut(dir) {
            *t = true;
        }
    }

    /// Takes the app layer's trigger counts (`app::AppLayer::raw_triggers`): a direction whose
    /// count moved is triggered.
    pub fn note_app_triggers(&mut self, counts: [u32; 2]) {
        for (d, n) in counts.into_iter().enumerate() {
            if let Some(seen) = self.raw.app_seen.get_mut(d) {
                if *seen != n {
                    *seen = n;
                    self.trigger_raw(d);
                }
            }
        }
    }

    /// Whether the data waiting in direction `dir` is to be inspected on a packet of that
    /// direction now (`StreamTcpReassembleRawCheckLimit`).
    pub fn raw_ready(&self, dir: usize, lim: RawLimits) -> bool {
        let Some(p) = self.pending.get(dir) else {
            return false;
        };
        if p.is_empty() {
            return false;
        }
        lim.closing
            || lim.depth_reached
            || self.raw.trigger.get(dir).copied().unwrap_or(false)
            || p.len() >= RAW_CHUNK_SIZE
    }

    /// The pending data of `dir` not yet fed to the mixed rules; marks it fed.
    pub fn take_mixed_unfed(&mut self, dir: usize) -> std::ops::Range<usize> {
        let len = self.pending.get(dir).map_or(0, Vec::len);
        let Some(fed) = self.raw.mixed_fed.get_mut(dir) else {
            return 0..0;
        };
        let from = (*fed).min(len);
        *fed = len;
        from..len
    }

    /// The pending data of `dir` was inspected: starts gathering anew.
    pub fn raw_done(&mut self, dir: usize) {
        if let Some(t) = self.raw.trigger.get_mut(dir) {
            *t = false;
        }
        if let Some(f) = self.raw.mixed_fed.get_mut(dir) {
            *f = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_a_trigger_or_the_close_makes_the_data_ready() {
        let mut fd = FlowDetect::default();
        let lim = RawLimits::default();
        assert!(!fd.raw_ready(0, lim));
        fd.push_stream(0, &[b'a'; 100]);
        assert!(!fd.raw_ready(0, lim));
        assert!(fd.raw_ready(0, RawLimits { closing: true, ..lim }));
        assert!(fd.raw_ready(
            0,
            RawLimits {
                depth_reached: true,
                ..lim
            }
        ));
        fd.trigger_raw(0);
        assert!(fd.raw_ready(0, lim));
        assert!(!fd.raw_ready(1, lim));
        fd.raw_done(0);
        assert!(!fd.raw_ready(0, lim));
        fd.push_stream(0, &[b'b'; RAW_CHUNK_SIZE - 101]);
        assert!(!fd.raw_ready(0, lim));
        fd.push_stream(0, b"c");
        assert!(fd.raw_ready(0, lim));
        // A trigger with nothing waiting inspects nothing; out-of-range directions are refused.
        fd.trigger_raw(1);
        assert!(!fd.raw_ready(1, lim));
        fd.trigger_raw(7);
        assert!(!fd.raw_ready(7, lim));
    }

    #[test]
    fn app_trigger_counts_trigger_once_per_change() {
        let mut fd = FlowDetect::default();
        fd.note_app_triggers([0, 0]);
        assert_eq!(fd.raw.trigger, [false, false]);
        fd.note_app_triggers([0, 2]);
        assert_eq!(fd.raw.trigger, [false, true]);
        fd.raw_done(1);
        fd.note_app_triggers([0, 2]);
        assert_eq!(fd.raw.trigger, [false, false]);
        // The count wraps.
        fd.note_app_triggers([u32::MAX, 2]);
        fd.raw_done(0);
        fd.note_app_triggers([0, 2]);
        assert_eq!(fd.raw.trigger, [true, false]);
    }

    #[test]
    fn mixed_rules_get_each_byte_once() {
        let mut fd = FlowDetect::default();
        fd.push_stream(1, b"abc");
        assert_eq!(fd.take_mixed_unfed(1), 0..3);
        assert_eq!(fd.take_mixed_unfed(1), 3..3);
        fd.push_stream(1, b"de");
        assert_eq!(fd.take_mixed_unfed(1), 3..5);
        fd.raw_done(1);
        fd.pending[1].clear();
        assert_eq!(fd.take_mixed_unfed(1), 0..0);
        // Pending data cleared behind its back (a flow verdict) is never sliced past its end.
        fd.push_stream(1, b"xyz");
        fd.raw.mixed_fed[1] = 10;
        assert_eq!(fd.take_mixed_unfed(1), 3..3);
        assert_eq!(fd.take_mixed_unfed(9), 0..0);
    }
}
