//! Suricata's flow-end pseudo packets (flow-timeout.c, `FlowForceReassemblyNeedReassembly` and
//! `FlowForceReassemblyPseudoPacketSetup`; flow-worker.c, `FlowFinish`): when a TCP flow ends
//! (timeout or end of input), one packet without payload is made per direction that still
//! needs work, to server first, and goes through the stream, the app layer and detection.
//!
//! A direction gets one when the session is established and not closed, when it holds stream
//! data not delivered yet, or when the app layer has a transaction not yet inspected complete
//! from that side (`AppLayerParserGetTransactionActive(dir) < total_txs`). That last part is
//! followed here as Suricata's detection advances `inspect_id[dir]`: the transactions are run
//! on a packet of a direction only when the app layer was updated on it, or its direction's
//! stream was fed since its last packet (`FLOW_TS_APP_UPDATED` / `FLOW_TC_APP_UPDATED`,
//! detect.c `DetectRun`); a closed session hands the app layer its end of stream on every
//! packet (stream-tcp-reassemble.c, `UPDATE_DIR_BOTH` once `TCP_CLOSED`), which completes the
//! transactions that wait for it (TLS). [`TxTrack`] keeps a generation of app-layer changes and,
//! per direction, the generation its detection last saw; a direction whose last look came
//! before the last change still needs a pseudo packet.

use app::FlowInfo;
use detect::PacketInfo;
use flow::Direction;
use wire::Timestamp;

/// Per TCP flow: when the app layer changed, and when each direction's detection last looked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TxTrack {
    /// Bumped on each packet that fed the app layer (data, gap, end of stream).
    gen: u32,
    /// Per direction (to server, to client): `gen` at its last packet that ran the transactions.
    seen: [u32; 2],
    /// Per direction: its stream was fed since its last packet (Suricata's `FLOW_*_APP_UPDATED`).
    updated: [bool; 2],
    /// The session was seen closed.
    closed: bool,
}

impl TxTrack {
    /// After a TCP packet of direction `dir` went through the stream and the app layer: `fed`
    /// tells which directions' streams gave the app layer data on it, `closed` whether the
    /// session is closed after it (the app layer then gets its end of stream both ways).
    /// `open_tx` (asked once, when the session closes) tells whether the parser has a
    /// transaction open that the end of stream completes (TLS); later ends of stream change
    /// nothing but still count as updates.
    pub fn on_packet(
        &mut self,
        dir: Direction,
        fed: [bool; 2],
        closed: bool,
        open_tx: impl FnOnce() -> bool,
    ) {
        if fed.iter().any(|&f| f) || (closed && !self.closed && open_tx()) {
            self.gen = self.gen.wrapping_add(1).max(1);
        }
        self.closed |= closed;
        let fed = if closed { [true, true] } else { fed };
        let any = fed.iter().any(|&f| f);
        for (u, f) in self.updated.iter_mut().zip(fed) {
            *u |= f;
        }
        let d = dir.index();
        let pending = self.updated.get(d).copied().unwrap_or(false);
        if any || pending {
            if let Some(s) = self.seen.get_mut(d) {
                *s = self.gen;
            }
        }
        if let Some(u) = self.updated.get_mut(d) {
            *u = false;
        }
    }

    /// Whether the app layer changed after direction `dir`'s detection last looked at it.
    pub fn needs(&self, dir: Direction) -> bool {
        self.seen.get(dir.index()).is_some_and(|&s| s != self.gen)
    }

    /// The flow was found to run the other way (`Flow::swap_direction`).
    pub fn swap(&mut self) {
        self.seen.swap(0, 1);
        self.updated.swap(0, 1);
    }
}

/// The flow-end pseudo packets of one flow.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PseudoPackets {
    /// Directions (to server, to client) that get one.
    pub dirs: [bool; 2],
    /// Per direction, the sequence number the packet carries (the sender's `next_seq`).
    pub seq: [u32; 2],
    /// The time the packets are made (Suricata's `TimeGet()`: packet time at that moment).
    pub ts: Timestamp,
}

impl PseudoPackets {
    /// The pseudo packets a TCP session ending at `ts` gets, before its held data is flushed
    /// (`FlowForceReassemblyNeedReassembly`); `track` is the flow's [`TxTrack`].
    pub fn of(sess: &flow::tcp::TcpSession, app: &app::AppLayer, track: &TxTrack, ts: Timestamp) -> Self {
        // Suricata's `f->alproto != ALPROTO_UNKNOWN && f->alstate != NULL`.
        let app_on = app.proto().is_some_and(|p| p != app::AppProto::Failed);
        let need = |d: Direction| sess.flush_needed(d) || (app_on && track.needs(d));
        let seq = |d: Direction| sess.stream(d).next_seq;
        PseudoPackets {
            dirs: [need(Direction::ToServer), need(Direction::ToClient)],
            seq: [seq(Direction::ToServer), seq(Direction::ToClient)],
            ts,
        }
    }

    /// The flow was found to run the other way.
    pub fn swap(&mut self) {
        self.dirs.swap(0, 1);
        self.seq.swap(0, 1);
    }
}

/// The pseudo packet of direction `to_server` (`base`: the flow seen client → server): TCP
/// without flags or payload, window 10, TTL 64, ack 0, established, no pcap packet number.
pub(super) fn packet<'a>(
    base: &PacketInfo<'a>,
    info: &FlowInfo,
    pp: &PseudoPackets,
    to_server: bool,
) -> PacketInfo<'a> {
    let mut p = super::orient(*base, to_server);
    let v6 = info.client.is_ipv6();
    p.ts = pp.ts.0;
    p.established = true;
    p.first_in_dir = false;
    p.tcp_flags = Some(0);
    p.tcp_window = Some(10);
    p.tcp_seq = pp.seq.get(usize::from(!to_server)).copied();
    p.tcp_ack = Some(0);
    p.ttl = 64;
    p.ip_id = 0;
    p.tos = 0;
    p.payload = &[];
    p.stream = false;
    p.pcap_cnt = None;
    p.l3 = &[];
    p.ip_hdr_len = if v6 { 40 } else { 20 };
    p.l4_hdr_len = 20;
    p.tcp_mss = None;
    p.bad_csum = 0;
    p.proto_detect_done = false;
    p.tx_payload = &[];
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use detect::{Engine, FlowDetect, RuleSource, ThreadCtx};

    const TS: Direction = Direction::ToServer;
    const TC: Direction = Direction::ToClient;

    #[test]
    fn the_closing_packet_sees_the_end_the_other_side_does_not() {
        let mut t = TxTrack::default();
        assert!(!t.needs(TS) && !t.needs(TC));
        // Client data, acknowledged (and parsed) on the server's packet.
        t.on_packet(TS, [false, false], false, || true);
        t.on_packet(TC, [true, false], false, || true);
        assert!(t.needs(TS) && !t.needs(TC));
        // The next client packet looks (its stream was fed meanwhile).
        t.on_packet(TS, [false, false], false, || true);
        assert!(!t.needs(TS) && !t.needs(TC));
        // The client's last ACK closes the session: the end of stream is seen from its side.
        t.on_packet(TS, [false, false], true, || true);
        assert!(!t.needs(TS) && t.needs(TC));
        // A server packet after the close looks too.
        t.on_packet(TC, [false, false], true, || true);
        assert!(!t.needs(TS) && !t.needs(TC));
    }

    #[test]
    fn a_close_completing_nothing_changes_nothing() {
        let mut t = TxTrack::default();
        t.on_packet(TC, [true, false], false, || true);
        t.on_packet(TS, [false, false], false, || true);
        assert!(!t.needs(TS) && !t.needs(TC));
        // HTTP: every transaction complete before the close.
        t.on_packet(TC, [false, false], true, || false);
        assert!(!t.needs(TS) && !t.needs(TC));
    }

    #[test]
    fn a_packet_without_app_update_does_not_look() {
        let mut t = TxTrack::default();
        t.on_packet(TC, [true, false], false, || true);
        // Data of the client fed on the server's packet: the server's side looked, the client's
        // looks on its next packet, whatever it carries.
        t.on_packet(TC, [false, false], false, || true);
        assert!(t.needs(TS) && !t.needs(TC));
        t.swap();
        assert!(!t.needs(TS) && t.needs(TC));
        t.on_packet(TC, [false, false], false, || true);
        assert!(!t.needs(TS) && !t.needs(TC));
    }

    fn engine(rules: &str) -> Engine {
        let src = RuleSource {
            name: "t.rules".into(),
            text: rules.as_bytes().to_vec(),
        };
        let (e, _) = Engine::build(&[src], &rules::Classifications::default());
        e
    }

    #[test]
    fn only_app_layer_rules_without_keywords_run_on_pseudo_packets() {
        let e = engine(
            "alert tls any any -> any any (sid:1;)\n\
             alert tls any any -> any any (flow:established; sid:2;)\n\
             alert tcp any any -> any any (sid:3;)\n\
             alert tls any any -> any any (flowbits:set,x; sid:4;)\n\
             alert http any any -> any any (sid:5;)\n",
        );
        let info = FlowInfo {
            id: 1,
            client: std::net::IpAddr::from([10, 0, 0, 1]),
            server: std::net::IpAddr::from([10, 0, 0, 2]),
            client_port: 1234,
            server_port: 443,
            proto: 6,
        };
        let mut base = PacketInfo::test(b"");
        base.src = info.client;
        base.dst = info.server;
        base.proto = 6;
        base.has_flow = true;
        base.app_proto = Some(app::AppProto::Tls);
        base.app_proto_dir = [Some(app::AppProto::Tls); 2];
        let pp = PseudoPackets {
            dirs: [false, true],
            seq: [100, 200],
            ts: Timestamp(5),
        };
        let p = packet(&base, &info, &pp, false);
        assert_eq!((p.src, p.dst, p.to_server), (info.server, info.client, false));
        assert_eq!(
            (p.tcp_seq, p.tcp_ack, p.tcp_window, p.ttl),
            (Some(200), Some(0), Some(10), 64)
        );
        assert_eq!((p.pcap_cnt, p.ts, p.ip_hdr_len), (None, 5, 20));
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        e.inspect_pseudo_packet(&mut tcx, &mut fd, &p);
        let mut sids: Vec<u32> = tcx
            .alerts
            .iter()
            .filter_map(|a| e.meta(a.rule).map(|m| m.sid))
            .collect();
        sids.sort_unstable();
        assert_eq!(sids, vec![1, 4]);
        assert!(tcx.alerts.iter().all(|a| a.pcap_cnt.is_none() && !a.to_server));
    }
}
