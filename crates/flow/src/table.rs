//! The flow table of one worker: key → slot map, per-direction counters, per-state timeouts and
//! eviction, all O(1) per packet.
//!
//! Layout: a `hashbrown` map from [`FlowKey`] to an index into a slab of slots; freed slots are
//! reused. Every flow sits on one of nine intrusive doubly linked lists, one per (protocol class,
//! flow state) — so one timeout per list — ordered by last-seen time: a packet moves its flow to
//! the tail, [`FlowTable::expire`] pops expired flows from the heads and stops at the first live
//! one, and eviction at `max_flows` takes the oldest of the nine heads. No scan over all flows.
//!
//! Suricata semantics kept here:
//! - Direction: the client is the source of the first packet. A SYN/ACK that starts a TCP
//!   session (midstream / async-oneside pickup) swaps the flow so its destination is the client.
//!   For TCP/UDP with different ports the source port decides, otherwise the source address.
//! - Bytes are the captured frame length (`GET_PKT_LEN`: link header included), passed by the
//!   caller.
//! - Flow state: UDP/ICMP/other become established once both directions have been seen (ICMP
//!   errors do not count); TCP follows its session (established..close_wait → established,
//!   last_ack/time_wait/closed → closed), and a TCP flow without a session stays new.
//! - Timeouts: a flow expires when `secs(now) > secs(last) + timeout(state)`. Besides
//!   [`FlowTable::expire`], a packet whose flow has timed out ends that flow (reason timeout) and
//!   starts a new one, as Suricata's lookup does — so the result does not depend on how often
//!   the caller expires.
//! - ICMPv4 error messages only join an existing flow (the quoted one for destination
//!   unreachable); they never create one.
//! - TCP tuple reuse (`TcpSessionPacketSsnReuse`): a SYN on a flow whose session is done (state
//!   last_ack or later, or none) or has no session starts a new flow; the old one ends with
//!   reason timeout.
//!
//! The state of a TCP flow changes in [`TcpSession::on_segment`], which the caller runs on the
//! flow returned by [`FlowTable::packet`]; the table picks the change up at its next call (the
//! flow handed out last is re-examined first), so lists and timeouts stay exact.

use crate::key::{key_of, KeyKind};
use crate::tcp::stream::ReasmShared;
use crate::{Direction, EndReason, Flow, FlowConfig, FlowKey, FlowState, FlowStats, TcpSession, TcpState};
use hashbrown::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use wire::tcpflags::{ACK, FIN, RST, SYN};
use wire::{ipproto, Packet, Timestamp, L4};

const NIL: u32 = u32::MAX;
const LISTS: usize = 9;

struct Slot<S> {
    flow: Option<Flow<S>>,
    prev: u32,
    next: u32,
    list: u8,
}

#[derive(Clone, Copy)]
struct List {
    head: u32,
    tail: u32,
}

/// All flows of one worker.
pub struct FlowTable<S> {
    pub cfg: FlowConfig,
    pub stats: FlowStats,
    map: HashMap<FlowKey, u32>,
    slots: Vec<Slot<S>>,
    free: Vec<u32>,
    lists: [List; LISTS],
    /// The flow returned by the last `packet` call, whose TCP state may since have changed.
    touched: u32,
    id_counter: u64,
    worker: u64,
    shared: Arc<ReasmShared>,
}

fn class_of(proto: u8) -> usize {
    match proto {
        ipproto::TCP => 0,
        ipproto::UDP => 1,
        _ => 2,
    }
}

fn state_index(s: FlowState) -> usize {
    match s {
        FlowState::New => 0,
        FlowState::Established => 1,
        FlowState::Closed => 2,
    }
}

fn list_of<S>(f: &Flow<S>) -> usize {
    class_of(f.proto) * 3 + state_index(f.state)
}

/// A 51-bit bijection: distinct inputs give distinct, nonzero (for nonzero input) ids.
fn permute51(x: u64) -> u64 {
    const M: u64 = (1 << 51) - 1;
    let mut x = x & M;
    x = x.wrapping_mul(0x2545_f491_4f6c_dd1d) & M;
    x ^= x >> 23;
    x = x.wrapping_mul(0x1b87_3593_3c6e_f4a5) & M;
    x ^= x >> 29;
    x
}

/// Which way `pkt` travels in `f` (Suricata's `FlowGetPacketDirection`).
fn direction_of<S>(f: &Flow<S>, pkt: &Packet<'_>) -> Direction {
    let to_server = match pkt.l4 {
        L4::Tcp(_) | L4::Udp(_) if pkt.src_port() != pkt.dst_port() => pkt.src_port() == f.sport,
        _ => pkt.ip.src == f.src,
    };
    if to_server {
        Direction::ToServer
    } else {
        Direction::ToClient
    }
}

/// A TCP packet that may start a session on a flow without one (Suricata's state-none checks).
fn starts_session(flags: u8, payload_len: usize, cfg: &crate::TcpConfig) -> bool {
    if flags & RST != 0 {
        false
    } else if flags & FIN != 0 {
        cfg.midstream && payload_len > 0
    } else if flags & SYN != 0 && flags & ACK != 0 {
        cfg.midstream || cfg.async_oneside
    } else if flags & SYN != 0 {
        true
    } else {
        flags & ACK != 0 && cfg.midstream
    }
}

fn swap_direction<S>(f: &mut Flow<S>) {
    std::mem::swap(&mut f.src, &mut f.dst);
    std::mem::swap(&mut f.sport, &mut f.dport);
    f.pkts.swap(0, 1);
    f.bytes.swap(0, 1);
    f.icmp.swap(0, 1);
    f.seen.swap(0, 1);
    if let Some(t) = &mut f.tcp {
        t.swap_direction();
    }
}

impl<S> Flow<S> {
    /// Reverses the flow (Suricata's `FlowSwap`, which its app layer uses when the first data
    /// came from the server): client and server, per-direction counters, ICMP types and the TCP
    /// session's per-direction tracking trade places. Directions of later packets follow.
    pub fn swap_direction(&mut self) {
        swap_direction(self);
    }
}

impl<S: Default> FlowTable<S> {
    pub fn new(cfg: FlowConfig) -> Self {
        FlowTable {
            cfg,
            stats: FlowStats::default(),
            map: HashMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            lists: [List { head: NIL, tail: NIL }; LISTS],
            touched: NIL,
            id_counter: 0,
            worker: 0,
            shared: Arc::new(ReasmShared::default()),
        }
    }

    /// Sets the worker number mixed into flow ids, so ids are unique across the tables of one
    /// process (up to 2^15 workers, 2^36 flows each).
    pub fn set_worker_id(&mut self, id: u16) {
        self.worker = u64::from(id);
    }

    /// Bytes currently held in out-of-order buffers of this table's sessions.
    pub fn reassembly_memory(&self) -> usize {
        self.shared.mem.load(Ordering::Relaxed)
    }

    /// Number of flows held.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Finds or creates the flow of `pkt`, counts the packet (`frame_len` bytes: the captured
    /// frame, link header included, as Suricata counts) in it and returns it with the packet's
    /// direction. Flows pushed out to make room (or ended by TCP tuple reuse) are appended to
    /// `evicted`. `None` for an ICMP error message that matches no flow.
    pub fn packet(
        &mut self,
        pkt: &Packet<'_>,
        ts: Timestamp,
        frame_len: usize,
        evicted: &mut Vec<(Flow<S>, EndReason)>,
    ) -> Option<(&mut Flow<S>, Direction)> {
        self.sync_touched();
        let (key, kind) = key_of(pkt, self.cfg.use_vlan);
        let idx = match self.map.get(&key).copied() {
            Some(i) if self.timed_out(i, ts) => {
                // Suricata's lookup: a matching flow past its timeout ends, the packet starts anew.
                if let Some(old) = self.remove(i) {
                    self.stats.timed_out += 1;
                    evicted.push((old, EndReason::Timeout));
                }
                if kind == KeyKind::IcmpError {
                    self.stats.icmp_error_no_flow += 1;
                    return None;
                }
                self.create(key, pkt, ts, evicted)
            }
            Some(i) if kind == KeyKind::Normal && self.tcp_reuse(i, pkt) => {
                if let Some(old) = self.remove(i) {
                    self.stats.tcp_reuse += 1;
                    evicted.push((old, EndReason::Timeout));
                }
                self.create(key, pkt, ts, evicted)
            }
            Some(i) => i,
            None if kind == KeyKind::IcmpError => {
                self.stats.icmp_error_no_flow += 1;
                return None;
            }
            None => self.create(key, pkt, ts, evicted),
        };
        let tcp_cfg = &self.cfg.tcp;
        let slot = self.slots.get_mut(idx as usize)?;
        let flow = slot.flow.as_mut()?;

        // A TCP session starts with the first packet that may start one.
        if let (L4::Tcp(t), None) = (&pkt.l4, &flow.tcp) {
            if starts_session(t.flags, pkt.payload.len(), tcp_cfg) {
                if t.flags & (SYN | ACK) == SYN | ACK && direction_of(flow, pkt) == Direction::ToServer {
                    // Picked up at the SYN/ACK: its destination is the client.
                    swap_direction(flow);
                }
                flow.tcp = Some(TcpSession::with_shared(tcp_cfg, Arc::clone(&self.shared)));
                self.stats.tcp_sessions += 1;
            }
        }

        let dir = direction_of(flow, pkt);
        let d = dir.index();
        flow.pkts[d] += 1;
        flow.bytes[d] = flow.bytes[d].saturating_add(frame_len as u64);
        if ts > flow.last {
            flow.last = ts;
        }
        let icmp = match pkt.l4 {
            L4::Icmp4(i) | L4::Icmp6(i) => Some(i),
            _ => None,
        };
        if kind == KeyKind::Normal {
            flow.seen[d] = true;
            if let Some(i) = icmp {
                if flow.icmp[d].is_none() {
                    // To client: Suricata logs the counterpart type with code 0.
                    flow.icmp[d] = Some((i.icmp_type, if d == 0 { i.code } else { 0 }));
                }
            }
            if flow.proto != ipproto::TCP && flow.seen == [true, true] && flow.state == FlowState::New {
                flow.state = FlowState::Established;
            }
        }
        let list = list_of(flow);
        self.relink(idx, list);
        self.touched = idx;
        let flow = self.slots.get_mut(idx as usize)?.flow.as_mut()?;
        Some((flow, dir))
    }

    /// Removes flows whose timeout has passed at `now`.
    pub fn expire(&mut self, now: Timestamp, out: &mut Vec<(Flow<S>, EndReason)>) {
        self.sync_touched();
        for li in 0..LISTS {
            loop {
                let head = self.lists[li].head;
                if head == NIL || !self.timed_out(head, now) {
                    break;
                }
                if let Some(f) = self.remove(head) {
                    self.stats.timed_out += 1;
                    out.push((f, EndReason::Timeout));
                } else {
                    break;
                }
            }
        }
    }

    /// Removes every flow (end of capture), oldest first.
    pub fn drain(&mut self, out: &mut Vec<(Flow<S>, EndReason)>) {
        self.sync_touched();
        let mut all: Vec<Flow<S>> = self.slots.iter_mut().filter_map(|s| s.flow.take()).collect();
        all.sort_by_key(|f| (f.start, f.id));
        out.extend(all.into_iter().map(|f| (f, EndReason::Shutdown)));
        self.map.clear();
        self.slots.clear();
        self.free.clear();
        self.lists = [List { head: NIL, tail: NIL }; LISTS];
        self.stats.active = 0;
    }

    /// Whether flow `idx` has timed out at `now` (`secs(now) > secs(last) + timeout`).
    fn timed_out(&self, idx: u32, now: Timestamp) -> bool {
        let Some(s) = self.slots.get(idx as usize) else {
            return false;
        };
        let Some(f) = s.flow.as_ref() else { return false };
        let deadline = f
            .last
            .secs()
            .saturating_mul(1_000_000)
            .saturating_add(self.timeout(s.list as usize));
        deadline < now.secs().saturating_mul(1_000_000)
    }

    fn timeout(&self, list: usize) -> i64 {
        let t = match list / 3 {
            0 => &self.cfg.tcp_timeouts,
            1 => &self.cfg.udp_timeouts,
            _ => &self.cfg.other_timeouts,
        };
        t.get(list % 3).copied().unwrap_or(0)
    }

    /// Picks up the TCP state change of the flow handed out last, and the shared counters.
    fn sync_touched(&mut self) {
        self.stats.tcp_gaps = self.shared.gaps.load(Ordering::Relaxed);
        self.stats.tcp_reassembly_memcap_drops = self.shared.memcap_drops.load(Ordering::Relaxed);
        self.stats.tcp_unacked_forced = self.shared.forced.load(Ordering::Relaxed);
        let idx = std::mem::replace(&mut self.touched, NIL);
        let Some(f) = self.slots.get_mut(idx as usize).and_then(|s| s.flow.as_mut()) else {
            return;
        };
        let Some(t) = &f.tcp else { return };
        let new = match t.state {
            TcpState::Established
            | TcpState::FinWait1
            | TcpState::FinWait2
            | TcpState::Closing
            | TcpState::CloseWait => FlowState::Established,
            TcpState::LastAck | TcpState::TimeWait | TcpState::Closed => FlowState::Closed,
            TcpState::None | TcpState::SynSent | TcpState::SynRecv => f.state,
        };
        if new != f.state {
            f.state = new;
            let list = list_of(f);
            self.relink(idx, list);
        }
    }

    /// Suricata's `TcpSessionPacketSsnReuse`: does this packet start a new session on the tuple
    /// of flow `idx`?
    fn tcp_reuse(&self, idx: u32, pkt: &Packet<'_>) -> bool {
        let L4::Tcp(t) = &pkt.l4 else { return false };
        let Some(f) = self.slots.get(idx as usize).and_then(|s| s.flow.as_ref()) else {
            return false;
        };
        if t.flags & (RST | FIN) != 0 {
            return false;
        }
        let syn = t.flags & (SYN | ACK) == SYN;
        let synack =
            t.flags & (SYN | ACK) == SYN | ACK && (self.cfg.tcp.midstream || self.cfg.tcp.async_oneside);
        if !syn && !synack {
            return false;
        }
        let dir = direction_of(f, pkt);
        let done = |s: &TcpSession| {
            matches!(
                s.state,
                TcpState::None
                    | TcpState::LastAck
                    | TcpState::CloseWait
                    | TcpState::Closing
                    | TcpState::Closed
            )
        };
        match (&f.tcp, syn, dir) {
            (None, true, _) => true,
            (Some(s), true, Direction::ToServer) => s.streams[0].isn != t.seq && done(s),
            (Some(s), true, Direction::ToClient) => done(s),
            (None, false, Direction::ToClient) => false,
            (None, false, Direction::ToServer) => true,
            (Some(s), false, Direction::ToClient) => s.streams[1].isn != t.seq && done(s),
            (Some(s), false, Direction::ToServer) => done(s),
        }
    }

    fn create(
        &mut self,
        key: FlowKey,
        pkt: &Packet<'_>,
        ts: Timestamp,
        evicted: &mut Vec<(Flow<S>, EndReason)>,
    ) -> u32 {
        while self.map.len() >= self.cfg.max_flows.max(1) {
            let Some(victim) = self.oldest() else { break };
            match self.remove(victim) {
                Some(f) => {
                    self.stats.evicted += 1;
                    evicted.push((f, EndReason::Forced));
                }
                None => break,
            }
        }
        self.id_counter += 1;
        let id = permute51((self.worker << 36) | (self.id_counter & ((1 << 36) - 1)));
        let flow = Flow {
            id,
            key,
            src: pkt.ip.src,
            dst: pkt.ip.dst,
            sport: pkt.src_port(),
            dport: pkt.dst_port(),
            proto: key.proto,
            vlan: pkt.vlan,
            vlan_count: pkt.vlan_count,
            start: ts,
            last: ts,
            pkts: [0; 2],
            bytes: [0; 2],
            state: FlowState::New,
            icmp: [None; 2],
            tcp: None,
            app: S::default(),
            seen: [false; 2],
        };
        let list = list_of(&flow) as u8;
        let idx = match self.free.pop() {
            Some(i) => {
                if let Some(s) = self.slots.get_mut(i as usize) {
                    *s = Slot {
                        flow: Some(flow),
                        prev: NIL,
                        next: NIL,
                        list,
                    };
                }
                i
            }
            None => {
                self.slots.push(Slot {
                    flow: Some(flow),
                    prev: NIL,
                    next: NIL,
                    list,
                });
                (self.slots.len() - 1) as u32
            }
        };
        self.push_tail(idx, list as usize);
        self.map.insert(key, idx);
        self.stats.created += 1;
        self.stats.active = self.map.len() as u64;
        idx
    }

    /// The least recently seen flow: the oldest of the list heads.
    fn oldest(&self) -> Option<u32> {
        self.lists
            .iter()
            .filter_map(|l| {
                let f = self.slots.get(l.head as usize)?.flow.as_ref()?;
                Some((f.last, l.head))
            })
            .min()
            .map(|(_, i)| i)
    }

    fn remove(&mut self, idx: u32) -> Option<Flow<S>> {
        self.unlink(idx);
        let f = self.slots.get_mut(idx as usize)?.flow.take()?;
        self.map.remove(&f.key);
        self.free.push(idx);
        if self.touched == idx {
            self.touched = NIL;
        }
        self.stats.active = self.map.len() as u64;
        Some(f)
    }

    fn unlink(&mut self, idx: u32) {
        let Some(s) = self.slots.get(idx as usize) else {
            return;
        };
        let (prev, next, list) = (s.prev, s.next, s.list as usize);
        match self.slots.get_mut(prev as usize) {
            Some(p) => p.next = next,
            None => {
                if let Some(l) = self.lists.get_mut(list) {
                    l.head = next;
                }
            }
        }
        match self.slots.get_mut(next as usize) {
            Some(n) => n.prev = prev,
            None => {
                if let Some(l) = self.lists.get_mut(list) {
                    l.tail = prev;
                }
            }
        }
        if let Some(s) = self.slots.get_mut(idx as usize) {
            s.prev = NIL;
            s.next = NIL;
        }
    }

    fn push_tail(&mut self, idx: u32, list: usize) {
        let Some(l) = self.lists.get(list).copied() else {
            return;
        };
        if let Some(s) = self.slots.get_mut(idx as usize) {
            s.prev = l.tail;
            s.next = NIL;
            s.list = list as u8;
        }
        match self.slots.get_mut(l.tail as usize) {
            Some(t) => t.next = idx,
            None => {
                if let Some(l) = self.lists.get_mut(list) {
                    l.head = idx;
                }
            }
        }
        if let Some(l) = self.lists.get_mut(list) {
            l.tail = idx;
        }
    }

    /// Moves a flow to the tail (most recent) of `list`.
    fn relink(&mut self, idx: u32, list: usize) {
        let at_tail = self.lists.get(list).is_some_and(|l| l.tail == idx)
            && self
                .slots
                .get(idx as usize)
                .is_some_and(|s| s.list as usize == list);
        if !at_tail {
            self.unlink(idx);
            self.push_tail(idx, list);
        }
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
