//! TCP session tracking: the handshake and close state machine (Suricata's `stream-tcp.c` states
//! and names) and two-way reassembly through one [`stream::Stream`] per direction.
//!
//! Delivery: in IDS mode ([`crate::TcpConfig::ack_gated`], the default) a segment's ACK first
//! releases the peer's acknowledged data, then the segment's own data is held until the peer
//! acknowledges it (Suricata's `StreamTcpReassembleHandleSegment`, `UPDATE_DIR_OPPOSING`), so
//! the order between directions follows the ACKs. [`TcpSession::flush`] /
//! [`TcpSession::flush_dir`] play Suricata's flow-end pseudo packets.
//!
//! Direction convention: `ToServer` is the client's data (the SYN sender's, or the first packet's
//! sender on a midstream pickup once the table has swapped a SYN/ACK-first flow).
//!
//! State transitions (as in Suricata 7, whose names are from the server's point of view):
//! - none → syn_sent on a SYN; → syn_recv on a SYN/ACK (midstream / async-oneside pickup);
//!   → established on an ACK when midstream; → fin_wait1 on a FIN with data when midstream.
//! - syn_sent → syn_recv on the SYN/ACK (or a SYN from the other side: simultaneous open);
//!   → established on the client's ACK when async-oneside (SYN/ACK never seen).
//! - syn_recv → established on the client's ACK.
//! - established: client FIN → close_wait, server FIN → fin_wait1.
//! - fin_wait1: a FIN with ACK (either side) → time_wait, without ACK → closing; an ACK of
//!   everything the other side sent (Suricata's `next_seq`) → fin_wait2. fin_wait2: a FIN →
//!   time_wait. closing: an ACK → time_wait. time_wait: an ACK → closed. close_wait: server
//!   FIN → last_ack. last_ack: client ACK → closed.
//! - A valid RST → closed. IDS mode (Suricata 7): the sender's stream counts as acknowledged up
//!   to the RST's sequence number and is delivered that far, the RST's own payload is not
//!   stream data, the peer's stream keeps what it holds for the flow end
//!   ([`TcpSession::closed_by_rst`]); once closed (by RST or FIN/ACKs) nothing more is
//!   reassembled and further RSTs are ignored. Immediate mode: the RST's data is delivered,
//!   then both directions are flushed and reassembly ends. Valid, as with Suricata's default
//!   BSD policy:
//!   its sequence number is exactly the sender's next one (Suricata's `next_seq`: the highest
//!   `seq + len` seen, plus one for a server FIN that ended the established state) and its ACK
//!   is not beyond the window; in syn_sent, a RST from the other side must ack the SYN.

mod events;
pub mod stream;

pub use events::{StreamEvent, StreamEvents};

use crate::{Chunk, Direction, TcpConfig, TcpState, UrgentPolicy};
use std::sync::Arc;
use stream::{seq_gt, Limits, Out, ReasmShared, Stream};
use wire::tcpflags::{ACK, FIN, RST, SYN, URG};
use wire::TcpHeader;

/// Window scale assumed for both sides of a session picked up midstream (Suricata's choice).
const MIDSTREAM_WSCALE: u8 = 14;

/// Handshake tracking and two-way reassembly for one TCP flow.
#[derive(Debug)]
pub struct TcpSession {
    pub state: TcpState,
    /// Flags seen per direction (OR of all).
    pub flags: [u8; 2],
    /// Sequence tracking and reassembly, indexed by [`Direction::index`].
    pub streams: [Stream; 2],
    /// Picked up without seeing the SYN.
    pub midstream: bool,
    /// Picked up at the SYN/ACK (Suricata's `STREAMTCP_FLAG_MIDSTREAM_SYNACK`): the
    /// directions are known, the app layer must not reverse the flow.
    pub midstream_synack: bool,
    /// Segments handed to [`TcpSession::on_segment`].
    pub segments: u64,
    /// Closed by a valid RST (Suricata's `STREAMTCP_FLAG_CLOSED_BY_RST`): at flow end, IDS mode
    /// delivers the data never acknowledged too.
    pub closed_by_rst: bool,
    /// Window scale option of each side's SYN, when the handshake was seen.
    syn_wscale: [Option<u8>; 2],
    /// Suricata's `STREAMTCP_STREAM_FLAG_RST_RECV`, indexed by the receiving side's stream: the
    /// side received a RST carrying a TCP MD5 or TCP-AO option, which we cannot verify. If the
    /// RST's sender carries on, the RST was likely injected and the session resumes.
    rst_recv: [bool; 2],
    /// The state before the last change (Suricata's `pstate`), resumed after a suspected RST
    /// injection.
    prev_state: TcpState,
    /// A suspected RST injection was detected (Suricata's `stream-event:suspected_rst_inject`).
    pub suspected_rst_inject: u32,
    /// Stream events raised by the last segment ([`TcpSession::on_segment`]).
    pub events: StreamEvents,
    /// Urgent-data tracking ([`crate::TcpConfig::urgent_policy`]).
    pub urgent: Urgent,
    lim: Limits,
    shared: Arc<ReasmShared>,
}

fn limits(cfg: &TcpConfig) -> Limits {
    Limits {
        depth: cfg.depth,
        max_ooo: cfg.max_ooo_bytes,
        memcap: cfg.memcap,
        gated: cfg.ack_gated,
    }
}

/// `a >= b` in sequence space.
fn seq_geq(a: u32, b: u32) -> bool {
    a == b || seq_gt(a, b)
}

impl TcpSession {
    /// A session with its own memory accounting (tests, fuzzing, standalone use).
    pub fn new(cfg: &TcpConfig) -> TcpSession {
        TcpSession::with_shared(cfg, Arc::new(ReasmShared::default()))
    }

    /// A session whose buffers count against `shared` (one per flow table).
    pub fn with_shared(cfg: &TcpConfig, shared: Arc<ReasmShared>) -> TcpSession {
        TcpSession {
            state: TcpState::None,
            flags: [0; 2],
            streams: [Stream::default(), Stream::default()],
            midstream: false,
            midstream_synack: false,
            segments: 0,
            closed_by_rst: false,
            syn_wscale: [None; 2],
            rst_recv: [false; 2],
            prev_state: TcpState::None,
            suspected_rst_inject: 0,
            events: StreamEvents::default(),
            urgent: Urgent::default(),
            lim: limits(cfg),
            shared,
        }
    }

    /// Suricata's name of the state, as logged in EVE `tcp.state`.
    pub fn state_name(&self) -> &'static str {
        self.state.name()
    }

    /// One direction's tracking (gap counters, delivered bytes, ISN, ...).
    pub fn stream(&self, dir: Direction) -> &Stream {
        &self.streams[dir.index()]
    }

    /// Swaps the two directions' tracking (see [`crate::Flow::swap_direction`]).
    pub fn swap_direction(&mut self) {
        self.streams.swap(0, 1);
        self.flags.swap(0, 1);
        self.syn_wscale.swap(0, 1);
        self.rst_recv.swap(0, 1);
        self.urgent.offset.swap(0, 1);
    }

    /// Processes one segment travelling in `dir`; calls `deliver` for each in-order chunk that
    /// becomes available in either direction.
    ///
    /// A RST carrying a TCP MD5 or TCP-AO option closes the session as any valid RST does, but
    /// if its sender then sends anything but another RST, the RST is taken as injected (Suricata's
    /// `StreamTcpPacketStateClosed` and `StreamTcpPacketCheckPostRst`): the segment is processed
    /// in the state before the RST, that state is resumed and the flow-end treatment of a
    /// reset session is withdrawn ([`TcpSession::suspected_rst_inject`] counts it).
    pub fn on_segment(
        &mut self,
        dir: Direction,
        tcp: &TcpHeader,
        payload: &[u8],
        cfg: &TcpConfig,
        deliver: &mut dyn FnMut(Direction, Chunk<'_>),
    ) {
        let d = dir.index();
        let r = dir.reverse().index();
        let before = self.state;
        self.events = StreamEvents::default();
        let depth_reached = self.stream(dir).depth_reached;
        let resume =
            self.state == TcpState::Closed && tcp.flags & RST == 0 && !self.rst_recv[d] && self.rst_recv[r];
        if resume {
            // Suricata dispatches the segment to the previous state's handler; a state the
            // handler did not change is resumed, one it changed follows closed.
            let prev = self.prev_state;
            self.state = prev;
            self.segment(dir, tcp, payload, cfg, deliver);
            if self.state != prev {
                self.prev_state = before;
            }
        } else {
            self.segment(dir, tcp, payload, cfg, deliver);
            if self.state != before {
                self.prev_state = before;
            }
        }
        if tcp.flags & RST == 0 && self.rst_recv[r] {
            // The RST's sender carries on: the RST looks injected.
            self.rst_recv[r] = false;
            self.closed_by_rst = false;
            self.suspected_rst_inject = self.suspected_rst_inject.saturating_add(1);
            self.events.set(StreamEvent::SuspectedRstInject);
        }
        if self.stream(dir).depth_reached != depth_reached {
            self.events.set(StreamEvent::ReassemblyDepthReached);
        }
    }

    fn segment(
        &mut self,
        dir: Direction,
        tcp: &TcpHeader,
        payload: &[u8],
        cfg: &TcpConfig,
        deliver: &mut dyn FnMut(Direction, Chunk<'_>),
    ) {
        let fl = tcp.flags;
        let d = dir.index();
        self.flags[d] |= fl;
        self.segments += 1;
        self.lim = limits(cfg);
        let lim = self.lim;
        let seq = tcp.seq;
        let ack = tcp.ack;
        let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        if lim.gated && self.state == TcpState::Closed {
            // Suricata's closed state: nothing is reassembled any more, RSTs are ignored; what
            // is held waits for the flow end.
            return;
        }
        if fl & URG != 0 && !lim.gated && cfg.urgent_policy == UrgentPolicy::Drop {
            // Suricata's `StreamTcpInlineDropUrg`: the packet is dropped before the stream sees it.
            self.urgent.dropped = self.urgent.dropped.saturating_add(1);
            return;
        }
        let suspect_rst = fl & RST != 0 && (tcp.options.md5 || tcp.options.ao);
        let Self {
            state,
            streams,
            shared,
            midstream,
            midstream_synack,
            syn_wscale,
            closed_by_rst,
            rst_recv,
            urgent,
            ..
        } = self;
        let shared: &ReasmShared = shared;
        let [s0, s1] = streams;
        let (me, peer) = if d == 0 { (s0, s1) } else { (s1, s0) };
        let rdir = dir.reverse();

        match *state {
            TcpState::None => {
                // Suricata's order of checks (`StreamTcpPacketStateNone`).
                if fl & RST != 0 {
                    return;
                }
                let pickup = if fl & FIN != 0 {
                    cfg.midstream && !payload.is_empty()
                } else if fl & SYN != 0 && fl & ACK != 0 {
                    if !(cfg.midstream || cfg.async_oneside) {
                        return;
                    }
                    // SYN/ACK pickup: its sender is the server.
                    me.init(seq);
                    peer.init(ack.wrapping_sub(1));
                    me.wscale = MIDSTREAM_WSCALE;
                    peer.wscale = MIDSTREAM_WSCALE;
                    peer.acked(
                        ack,
                        &lim,
                        shared,
                        &mut Out {
                            dir: rdir,
                            f: deliver,
                        },
                    );
                    *midstream = true;
                    *midstream_synack = true;
                    *state = TcpState::SynRecv;
                    return;
                } else if fl & SYN != 0 {
                    me.init(seq);
                    syn_wscale[d] = tcp.options.wscale;
                    *state = TcpState::SynSent;
                    if tcp.options.tfo && !payload.is_empty() {
                        // TCP Fast Open: the SYN's data is the first of the stream.
                        let first = seq.wrapping_add(1);
                        me.saw_seq(first.wrapping_add(len));
                        me.saw_rst_next(first.wrapping_add(len));
                        if let Some((at, data)) = urgent.data(d, tcp, first, payload, cfg) {
                            me.data(at, data, &lim, shared, &mut Out { dir, f: deliver });
                        }
                    }
                    return;
                } else {
                    fl & ACK != 0 && cfg.midstream
                };
                if !pickup {
                    return;
                }
                me.init(seq.wrapping_sub(1));
                me.wscale = MIDSTREAM_WSCALE;
                peer.wscale = MIDSTREAM_WSCALE;
                if fl & ACK != 0 {
                    peer.init(ack.wrapping_sub(1));
                }
                *midstream = true;
                *state = if fl & FIN != 0 {
                    TcpState::FinWait1
                } else {
                    TcpState::Established
                };
                // The data of the pickup packet is the first of the stream.
                me.saw_seq(seq.wrapping_add(len));
                if let Some((at, data)) = urgent.data(d, tcp, seq, payload, cfg) {
                    me.data(at, data, &lim, shared, &mut Out { dir, f: deliver });
                }
                me.saw_rst_next(seq.wrapping_add(len));
                if fl & FIN != 0 {
                    me.fin_seq = Some(urgent.shift(d, seq.wrapping_add(len)));
                    me.saw_seq(seq.wrapping_add(len).wrapping_add(1));
                    me.saw_rst_next(seq.wrapping_add(len).wrapping_add(1));
                }
                return;
            }
            TcpState::SynSent => {
                // `peer` here is the SYN sender when `me` is not.
                let syn_side_is_me = me.known && !peer.known;
                if fl & RST != 0 {
                    let valid = if syn_side_is_me {
                        seq == me.rst_next
                    } else {
                        fl & ACK != 0 && seq_gt(ack, peer.isn) && seq_geq(peer.next_seq, ack)
                    };
                    if valid {
                        rst_recv[rdir.index()] |= suspect_rst;
                        let ack = (fl & ACK != 0).then_some(ack);
                        *closed_by_rst = true;
                        close_with_reset(
                            state,
                            me,
                            peer,
                            seq,
                            ack,
                            payload,
                            &lim,
                            shared,
                            dir,
                            suspect_rst,
                            deliver,
                        );
                    }
                    return;
                }
                if fl & SYN != 0 {
                    if syn_side_is_me {
                        // Retransmitted SYN; a new ISN restarts the handshake.
                        if fl & ACK == 0 && seq != me.isn && me.delivered == 0 {
                            me.release_all(shared);
                            *me = Stream::default();
                            me.init(seq);
                            syn_wscale[d] = tcp.options.wscale;
                        }
                        return;
                    }
                    if fl & ACK != 0 && !(seq_gt(ack, peer.isn) && seq_geq(peer.next_seq, ack)) {
                        return; // SYN/ACK that does not ack the SYN
                    }
                    me.init(seq);
                    syn_wscale[d] = tcp.options.wscale;
                    if let (Some(a), Some(b)) = (syn_wscale[0], syn_wscale[1]) {
                        // Both SYNs carried the option: it is in effect (RFC 7323).
                        streams_wscale(me, peer, d, a, b);
                    }
                    peer.window = peer.window.max(u32::from(tcp.window));
                    if fl & ACK != 0 && peer.next_seq != peer.isn.wrapping_add(1) {
                        // The SYN carried data (TCP Fast Open): Suricata's SYN_SENT handler
                        // records the ACK but does not reassemble; the data goes to the app
                        // layer with the first acknowledgment after the handshake.
                        peer.note_ack(ack);
                    } else if fl & ACK != 0 {
                        peer.acked(
                            ack,
                            &lim,
                            shared,
                            &mut Out {
                                dir: rdir,
                                f: deliver,
                            },
                        );
                    }
                    *state = TcpState::SynRecv;
                    return;
                }
                if syn_side_is_me && fl & ACK != 0 && cfg.async_oneside {
                    // The SYN/ACK went another way: carry on with the client's side alone.
                    *state = TcpState::Established;
                } else {
                    return;
                }
            }
            TcpState::SynRecv => {
                if fl & SYN != 0 {
                    return; // retransmitted SYN or SYN/ACK
                }
                if fl & RST == 0 && fl & ACK != 0 && (dir == Direction::ToServer || cfg.async_oneside) {
                    *state = TcpState::Established;
                }
            }
            _ => {
                if fl & SYN != 0 && fl & RST == 0 {
                    return;
                }
            }
        }

        // Established and later (and data in syn_recv).
        if !me.known && fl & RST == 0 {
            // A side first seen now (async / one-sided pickup): start at this segment.
            me.init(seq.wrapping_sub(1));
        }
        if fl & RST != 0 {
            // Suricata's default (BSD) policy: the RST must carry exactly the sender's next
            // sequence number, and may not ack data beyond what the peer may have sent.
            let ack_ok = fl & ACK == 0
                || ack == 0
                || !peer.known
                || !seq_gt(ack, peer.next_seq.wrapping_add(peer.window.max(65_535)));
            // Suricata's `StreamTcpValidateRst`: an MD5 / TCP-AO option marks the receiver
            // once the ACK passed, whether or not the sequence number then does.
            rst_recv[rdir.index()] |= ack_ok && suspect_rst;
            let valid = ack_ok && (!me.known || seq == me.rst_next);
            if valid {
                let ack = (fl & ACK != 0).then_some(ack);
                *closed_by_rst = true;
                close_with_reset(
                    state,
                    me,
                    peer,
                    urgent.shift(d, seq),
                    ack,
                    payload,
                    &lim,
                    shared,
                    dir,
                    suspect_rst,
                    deliver,
                );
            }
            return;
        }
        if fl & ACK != 0 {
            let scaled = u32::from(tcp.window)
                .checked_shl(u32::from(me.wscale))
                .unwrap_or(u32::MAX);
            peer.window = peer.window.max(scaled.min(1 << 30));
            // The receiver acks in raw sequence numbers: Suricata moves only the stored
            // segments back by the urgent bytes, never the ACK (`last_ack`), so in IDS mode an
            // ACK releases only the data it covers in raw numbers. Immediate mode delivers the
            // data on arrival and would take an ACK past the stored end for a gap: it is moved
            // back there.
            let ack = if lim.gated {
                ack
            } else {
                urgent.shift(rdir.index(), ack)
            };
            peer.acked(
                ack,
                &lim,
                shared,
                &mut Out {
                    dir: rdir,
                    f: deliver,
                },
            );
        }
        let fin = fl & FIN != 0;
        let state_before = *state;
        me.saw_seq(seq.wrapping_add(len).wrapping_add(u32::from(fin)));
        me.saw_rst_next(seq.wrapping_add(len));
        if !payload.is_empty() {
            if let Some((at, data)) = urgent.data(d, tcp, seq, payload, cfg) {
                me.data(at, data, &lim, shared, &mut Out { dir, f: deliver });
            }
        }
        if fin {
            if me.fin_seq.is_none() {
                me.fin_seq = Some(urgent.shift(d, seq.wrapping_add(len)));
            }
            let to_server = dir == Direction::ToServer;
            if matches!(*state, TcpState::Established | TcpState::SynRecv) {
                // Suricata's StreamTcpHandleFin: the server's FIN counts in its next_seq, the
                // client's does not; an ACK beyond what the peer sent means we missed data.
                if !to_server {
                    me.saw_rst_next(seq.wrapping_add(len).wrapping_add(1));
                }
                if fl & ACK != 0 {
                    peer.saw_rst_next(ack);
                }
            }
            // Suricata's transitions, acks of the FIN not checked where it does not check them.
            *state = match (*state, to_server) {
                (TcpState::Established | TcpState::SynRecv, true) => TcpState::CloseWait,
                (TcpState::Established | TcpState::SynRecv, false) => TcpState::FinWait1,
                (TcpState::FinWait1, _) if fl & ACK != 0 => TcpState::TimeWait,
                (TcpState::FinWait1, _) => TcpState::Closing,
                (TcpState::FinWait2, _) => TcpState::TimeWait,
                (TcpState::CloseWait, false) => TcpState::LastAck,
                (s, _) => s,
            };
        } else if fl & ACK != 0 {
            let to_server = dir == Direction::ToServer;
            *state = match (*state, to_server) {
                (TcpState::FinWait1, _) if ack == peer.rst_next => TcpState::FinWait2,
                (TcpState::Closing, _) => TcpState::TimeWait,
                (TcpState::TimeWait, _) => TcpState::Closed,
                (TcpState::LastAck, true) => TcpState::Closed,
                (s, _) => s,
            };
        }
        // Suricata: an ACK beyond the peer's next_seq means we missed data the peer sent and its
        // receiver got ("update the next_seq, in case we have missed the packet"); its FIN
        // handling in last_ack / time_wait does not do this.
        let fin_ignored = fin
            && matches!(
                state_before,
                TcpState::LastAck | TcpState::TimeWait | TcpState::Closed
            );
        if fl & ACK != 0 && !fin_ignored && peer.known {
            let beyond = ack.wrapping_sub(peer.next_seq) as i32;
            if beyond <= 0 || beyond as u32 <= peer.window.max(65_535) {
                peer.saw_rst_next(ack);
            }
        }
    }

    /// Flow end: delivers what is still held, to-server direction first, then to-client (the
    /// order of Suricata's flow-end pseudo packets). See [`TcpSession::flush_dir`].
    pub fn flush(&mut self, deliver: &mut dyn FnMut(Direction, Chunk<'_>)) {
        self.flush_dir(Direction::ToServer, deliver);
        self.flush_dir(Direction::ToClient, deliver);
    }

    /// Flow end for one direction (Suricata's pseudo packet of that direction, which runs the app
    /// layer, detection and the loggers before the next direction's). A caller that wants
    /// Suricata's exact order calls it for `ToServer`, finishes that side's processing, then
    /// calls it for `ToClient`.
    ///
    /// Immediate mode: delivers everything buffered, declaring gaps over the holes.
    ///
    /// IDS mode (`StreamTcpReassembleAppLayer` with `PKT_PSEUDO_STREAM_END`, `AdjustToAcked`):
    /// while the session is not closed, or was closed by a RST, the held data is delivered
    /// whether acknowledged or not, up to the first hole the receiver did not acknowledge (an
    /// acknowledged hole with data after it is a gap). A session closed by the FIN/ACK exchange
    /// delivers only acknowledged data, so what was never acknowledged is never parsed.
    pub fn flush_dir(&mut self, dir: Direction, deliver: &mut dyn FnMut(Direction, Chunk<'_>)) {
        let lim = self.lim;
        let all = self.state != TcpState::Closed || self.closed_by_rst;
        let shared: &ReasmShared = &self.shared;
        let s = &mut self.streams[dir.index()];
        let mut out = Out { dir, f: deliver };
        if lim.gated {
            s.flush_gated(all, &lim, shared, &mut out);
        } else {
            s.flush(&lim, shared, &mut out);
        }
    }

    /// Whether Suricata would inject a flow-end pseudo packet for `dir`
    /// (`FlowForceReassemblyNeedReassembly`, stream part): the session is established and not
    /// closed, or the direction holds data not delivered yet. The app layer's own pending
    /// transactions may require one too; that is the caller's to add.
    pub fn flush_needed(&self, dir: Direction) -> bool {
        (self.state >= TcpState::Established && self.state != TcpState::Closed)
            || self.streams[dir.index()].has_undelivered()
    }
}

impl Drop for TcpSession {
    fn drop(&mut self) {
        let shared: &ReasmShared = &self.shared;
        for s in &mut self.streams {
            s.release_all(shared);
        }
    }
}

/// Applies the negotiated window scales: `a` from the client's SYN, `b` from the server's.
fn streams_wscale(me: &mut Stream, peer: &mut Stream, d: usize, a: u8, b: u8) {
    let (mine, theirs) = if d == 0 { (a, b) } else { (b, a) };
    me.wscale = mine.min(MIDSTREAM_WSCALE);
    peer.wscale = theirs.min(MIDSTREAM_WSCALE);
}

/// A valid RST.
///
/// Immediate mode: deliver its data, flush both directions, end reassembly; unless the RST is
/// `suspect` (it carries an MD5 / TCP-AO option we cannot check and may have been injected):
/// then nothing is delivered or ended now, the session may resume.
///
/// IDS mode (Suricata 7's RST handling in every state): the sender's stream counts as
/// acknowledged up to the RST's sequence number and is delivered that far; the RST's payload is
/// not stream data; the peer's stream records the RST's ACK but is not delivered now. The
/// session is closed; what is held waits for the flow end.
#[allow(clippy::too_many_arguments)]
fn close_with_reset(
    state: &mut TcpState,
    me: &mut Stream,
    peer: &mut Stream,
    seq: u32,
    ack: Option<u32>,
    payload: &[u8],
    lim: &Limits,
    shared: &ReasmShared,
    dir: Direction,
    suspect: bool,
    deliver: &mut dyn FnMut(Direction, Chunk<'_>),
) {
    *state = TcpState::Closed;
    if !lim.gated && suspect {
        return;
    }
    if lim.gated {
        if let Some(a) = ack {
            peer.note_ack(a);
        }
        me.acked(seq, lim, shared, &mut Out { dir, f: deliver });
        return;
    }
    if !payload.is_empty() {
        me.data(seq, payload, lim, shared, &mut Out { dir, f: deliver });
    }
    me.flush(lim, shared, &mut Out { dir, f: deliver });
    peer.flush(
        lim,
        shared,
        &mut Out {
            dir: dir.reverse(),
            f: deliver,
        },
    );
    me.stop(shared);
    peer.stop(shared);
}

/// Urgent-data tracking of one session (Suricata's `urg_offset_ts` / `urg_offset_tc` and the
/// counters around them).
///
/// With the `oob` or `gap` policy, a segment with the URG flag whose urgent pointer is non-zero
/// and within its payload loses its **last** byte (Suricata treats only that byte as out of
/// band, RFC 6093 3.1). `oob` then counts the byte in [`Urgent::offset`]: every later segment of
/// that direction is stored that many bytes earlier, so the stream closes up behind it (the
/// sender's FIN and RST are moved back alike, but not the peer's ACKs: as in Suricata, an ACK
/// then covers that many bytes of the data that follows). `gap` leaves a one-byte hole.
/// Once 65535 bytes of a direction were taken out of band, `urgent_oob_limit_policy` decides:
/// `inline` keeps the byte, `gap` leaves it out without counting it, `drop` stores nothing of
/// the segment.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Urgent {
    /// Urgent bytes taken out of band so far, per direction ([`Direction::index`]).
    pub offset: [u16; 2],
    /// Urgent bytes taken out of band (Suricata's `tcp.urgent_oob_data` counter).
    pub oob: u64,
    /// Times a direction reached the out-of-band limit (Suricata's
    /// `stream-event:reassembly_urgent_oob_limit_reached`).
    pub limit_reached: u32,
    /// Segments dropped for their urgent data (inline `drop` policy; `drop` at the OOB limit).
    pub dropped: u64,
}

impl Urgent {
    /// `seq` of direction `d` moved back by the urgent bytes taken out of that stream.
    #[inline]
    fn shift(&self, d: usize, seq: u32) -> u32 {
        let off = self.offset.get(d).copied().unwrap_or(0);
        seq.wrapping_sub(u32::from(off))
    }

    /// Suricata's `StreamTcpReassembleHandleSegmentHandleData` urgent step for a segment of
    /// direction `d` whose data starts at `seq`: where to store what part of `payload`, or
    /// `None` when nothing of it is stored.
    fn data<'p>(
        &mut self,
        d: usize,
        tcp: &TcpHeader,
        seq: u32,
        payload: &'p [u8],
        cfg: &TcpConfig,
    ) -> Option<(u32, &'p [u8])> {
        let at = self.shift(d, seq);
        let policy = cfg.urgent_policy;
        let ptr = usize::from(tcp.urgent);
        if tcp.flags & URG == 0
            || !matches!(policy, UrgentPolicy::Oob | UrgentPolicy::Gap)
            || ptr == 0
            || ptr > payload.len()
        {
            return Some((at, payload));
        }
        let off = self.offset.get_mut(d)?;
        if *off < u16::MAX {
            if policy == UrgentPolicy::Oob {
                *off += 1;
                self.oob = self.oob.saturating_add(1);
            }
            if *off == u16::MAX {
                self.limit_reached = self.limit_reached.saturating_add(1);
            }
        } else if cfg.urgent_oob_limit_policy == UrgentPolicy::Drop {
            self.dropped = self.dropped.saturating_add(1);
            return None;
        }
        if policy == UrgentPolicy::Oob
            && *off == u16::MAX
            && cfg.urgent_oob_limit_policy == UrgentPolicy::Inline
        {
            return Some((at, payload));
        }
        match payload.split_last() {
            Some((_, rest)) if !rest.is_empty() => Some((at, rest)),
            _ => None,
        }
    }
}

impl TcpState {
    /// Suricata's name of the state (`StreamTcpStateAsString`).
    pub fn name(self) -> &'static str {
        match self {
            TcpState::None => "none",
            TcpState::SynSent => "syn_sent",
            TcpState::SynRecv => "syn_recv",
            TcpState::Established => "established",
            TcpState::FinWait1 => "fin_wait1",
            TcpState::FinWait2 => "fin_wait2",
            TcpState::TimeWait => "time_wait",
            TcpState::LastAck => "last_ack",
            TcpState::CloseWait => "close_wait",
            TcpState::Closing => "closing",
            TcpState::Closed => "closed",
        }
    }
}

#[cfg(test)]
mod tests;
