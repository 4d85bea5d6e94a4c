//! Per-flow state of transaction inspection as it progresses (HTTP/1): Suricata's per-tx,
//! per-direction detect state (`DetectEngineState`) and the transactions whose side is still
//! to be inspected after the parser let them go.
//!
//! Suricata inspects a transaction from a side on each packet of that direction after the
//! parser worked on that side (`DetectRunTx`); each rule is evaluated once the transaction
//! reached the progress its buffers need, and once evaluated (match or not) it is not
//! evaluated again on that side of that transaction. [`TxProgress::done`] records those
//! rules, per transaction and side, until the side is complete and inspected.
//!
//! A transaction is logged (and leaves the parser) once both sides are complete, which can
//! happen on a packet of the other direction than one of its sides: that side is inspected on
//! the next packet of its direction, or at the end of the flow. [`TxProgress::later`] keeps
//! those transactions until then.

use app::Record;
use std::collections::VecDeque;

/// Most (transaction, side) entries of evaluated rules kept per flow; the oldest goes first.
pub const MAX_TX_SIDES: usize = 64;
/// Most transactions kept per flow for a side inspected later; the oldest goes first.
pub const MAX_TX_LATER: usize = 32;

/// One side of one transaction: the rules evaluated on it (sorted).
#[derive(Debug, Clone)]
struct SideState {
    tx_id: u64,
    to_server: bool,
    rules: Vec<u32>,
}

/// See the module documentation.
#[derive(Debug, Default, Clone)]
pub struct TxProgress {
    sides: VecDeque<SideState>,
    /// Transactions the parser let go whose side (`true` = to server) is inspected on the next
    /// packet of that direction.
    later: VecDeque<(bool, Record)>,
    /// Entries dropped because a bound was reached.
    pub dropped: u64,
}

impl TxProgress {
    /// Whether rule `rule` was evaluated on side `to_server` of transaction `tx_id`.
    pub fn done(&self, tx_id: u64, to_server: bool, rule: u32) -> bool {
        self.sides
            .iter()
            .find(|s| s.tx_id == tx_id && s.to_server == to_server)
            .is_some_and(|s| s.rules.binary_search(&rule).is_ok())
    }

    /// Records that rule `rule` was evaluated on side `to_server` of transaction `tx_id`.
    pub fn mark(&mut self, tx_id: u64, to_server: bool, rule: u32) {
        let pos = self
            .sides
            .iter()
            .position(|s| s.tx_id == tx_id && s.to_server == to_server);
        let i = match pos {
            Some(i) => i,
            None => {
                if self.sides.len() >= MAX_TX_SIDES {
                    self.sides.pop_front();
                    self.dropped = self.dropped.saturating_add(1);
                }
                self.sides.push_back(SideState {
                    tx_id,
                    to_server,
                    rules: Vec::new(),
                });
                self.sides.len() - 1
            }
        };
        if let Some(s) = self.sides.get_mut(i) {
            if let Err(p) = s.rules.binary_search(&rule) {
                s.rules.insert(p, rule);
            }
        }
    }

    /// The side is over (complete and inspected): forgets its rules.
    pub fn finish(&mut self, tx_id: u64, to_server: bool) {
        self.sides
            .retain(|s| !(s.tx_id == tx_id && s.to_server == to_server));
    }

    /// Keeps `rec` until its side `to_server` is inspected ([`TxProgress::take_later`]).
    pub fn defer(&mut self, to_server: bool, rec: Record) {
        if self.later.len() >= MAX_TX_LATER {
            self.later.pop_front();
            self.dropped = self.dropped.saturating_add(1);
        }
        self.later.push_back((to_server, rec));
    }

    /// Whether a transaction waits for its side `to_server` (or, with `None`, any side).
    pub fn has_later(&self, to_server: Option<bool>) -> bool {
        self.later.iter().any(|(s, _)| to_server.is_none_or(|t| t == *s))
    }

    /// Takes the transactions waiting for their side `to_server` (`None`: all), in order.
    pub fn take_later(&mut self, to_server: Option<bool>, out: &mut Vec<(bool, Record)>) {
        let mut keep = VecDeque::new();
        for (s, r) in self.later.drain(..) {
            if to_server.is_none_or(|t| t == s) {
                out.push((s, r));
            } else {
                keep.push_back((s, r));
            }
        }
        self.later = keep;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_per_tx_and_side() {
        let mut p = TxProgress::default();
        assert!(!p.done(0, true, 5));
        p.mark(0, true, 5);
        p.mark(0, true, 2);
        p.mark(0, true, 5);
        assert!(p.done(0, true, 5));
        assert!(p.done(0, true, 2));
        assert!(!p.done(0, false, 5));
        assert!(!p.done(1, true, 5));
        p.finish(0, true);
        assert!(!p.done(0, true, 5));
    }

    #[test]
    fn sides_bounded() {
        let mut p = TxProgress::default();
        for t in 0..(MAX_TX_SIDES as u64 + 3) {
            p.mark(t, false, 1);
        }
        assert_eq!(p.sides.len(), MAX_TX_SIDES);
        assert_eq!(p.dropped, 3);
        assert!(!p.done(0, false, 1));
        assert!(p.done(MAX_TX_SIDES as u64 + 2, false, 1));
    }

    #[test]
    fn later_by_side_and_bounded() {
        let mut p = TxProgress::default();
        let rec = || Record::Http(Box::default());
        p.defer(false, rec());
        p.defer(true, rec());
        assert!(p.has_later(Some(false)));
        assert!(p.has_later(None));
        let mut out = Vec::new();
        p.take_later(Some(false), &mut out);
        assert_eq!(out.len(), 1);
        assert!(!p.has_later(Some(false)));
        assert!(p.has_later(Some(true)));
        for _ in 0..MAX_TX_LATER + 2 {
            p.defer(true, rec());
        }
        assert_eq!(p.later.len(), MAX_TX_LATER);
        assert_eq!(p.dropped, 3);
        out.clear();
        p.take_later(None, &mut out);
        assert_eq!(out.len(), MAX_TX_LATER);
        assert!(!p.has_later(None));
    }
}
