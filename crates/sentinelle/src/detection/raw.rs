//! Raw stream inspection on the packets of a TCP session, at Suricata's moments (see the
//! `raw` module of the `detect` crate): a direction's acknowledged data waits in
//! [`FlowDetect::pending`] and is inspected whole, on a packet of that direction, once a raw
//! chunk is complete, the app layer asked for it, or the session is closing; at the flow end
//! whatever is left. The payload part of the mixed rules keeps seeing the data as it is
//! acknowledged (their chunking is the engine's `mixed_stream`).

use super::orient;
use detect::{Engine, FlowDetect, PacketInfo, RawLimits, ThreadCtx, MAX_STREAM_PENDING};
use flow::{Direction, TcpState};

/// Pending data of a direction inspected on whatever packet comes once it holds this much,
/// so that a direction whose own packets stop coming cannot fill its buffer.
const RAW_FORCE: usize = MAX_STREAM_PENDING / 2;

/// The TCP session as raw stream inspection sees it once the packet went through it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpRaw {
    /// IDS mode (data delivered once acknowledged). In immediate (inline) mode, a packet's
    /// data is inspected on the packet itself.
    pub gated: bool,
    /// Suricata's `PKT_STREAM_EST`: the session is established or later.
    pub established: bool,
    /// Per direction (to server, to client).
    pub limits: [RawLimits; 2],
}

impl TcpRaw {
    pub fn of(s: &flow::tcp::TcpSession, gated: bool) -> TcpRaw {
        let closing = s.state > TcpState::TimeWait;
        let lim = |d: Direction| RawLimits {
            closing,
            depth_reached: s.stream(d).depth_reached,
        };
        TcpRaw {
            gated,
            established: s.state >= TcpState::Established,
            limits: [lim(Direction::ToServer), lim(Direction::ToClient)],
        }
    }
}

/// A TCP packet of direction `dir` (`p` as the packet is): feeds the mixed rules what it
/// acknowledged of the other direction, and inspects its own direction's raw stream when
/// that is due. `app_triggers` are the app layer's trigger counts after the packet.
#[allow(clippy::too_many_arguments)]
pub(super) fn on_packet(
    engine: &Engine,
    tcx: &mut ThreadCtx,
    fd: &mut FlowDetect,
    p: &PacketInfo<'_>,
    dir: Direction,
    tr: &TcpRaw,
    ack: bool,
    app_triggers: [u32; 2],
) {
    fd.note_app_triggers(app_triggers);
    let other = dir.reverse();
    if ack {
        feed_mixed(engine, tcx, fd, p, other);
    }
    let d = dir.index();
    let ready = if tr.gated {
        let lim = tr.limits.get(d).copied().unwrap_or_default();
        tr.established && fd.raw_ready(d, lim)
    } else {
        fd.pending.get(d).is_some_and(|v| !v.is_empty())
    };
    if ready {
        inspect(engine, tcx, fd, p, dir);
    }
    for x in [dir, other] {
        if fd.pending.get(x.index()).is_some_and(|v| v.len() >= RAW_FORCE) {
            inspect(engine, tcx, fd, p, x);
        }
    }
}

/// Inspects everything waiting in both directions (flow end, payload inspection ending).
pub(super) fn flush(engine: &Engine, tcx: &mut ThreadCtx, fd: &mut FlowDetect, p: &PacketInfo<'_>) {
    for dir in [Direction::ToServer, Direction::ToClient] {
        inspect(engine, tcx, fd, p, dir);
    }
}

/// Stream data `payload` of `dir` seen as a packet of that direction, on packet `p`.
fn stream_view<'a>(p: &PacketInfo<'a>, dir: Direction, payload: &'a [u8]) -> PacketInfo<'a> {
    let mut sp = orient(*p, dir == Direction::ToServer);
    sp.payload = payload;
    sp.stream = true;
    sp.l3 = &[];
    sp
}

/// The mixed rules take the data of `dir` acknowledged since they last did.
fn feed_mixed(engine: &Engine, tcx: &mut ThreadCtx, fd: &mut FlowDetect, p: &PacketInfo<'_>, dir: Direction) {
    let d = dir.index();
    let range = fd.take_mixed_unfed(d);
    if range.is_empty() {
        return;
    }
    let Some(slot) = fd.pending.get_mut(d) else {
        return;
    };
    let data = std::mem::take(slot);
    if let Some(new) = data.get(range) {
        engine.inspect_stream_mixed(tcx, fd, &stream_view(p, dir, new));
    }
    // Still to be inspected by the stream rules.
    if let Some(slot) = fd.pending.get_mut(d) {
        *slot = data;
    }
}

/// Inspects the data waiting in `dir` with the stream rules (and what the mixed rules did not
/// see yet), on packet `p`; starts gathering anew.
fn inspect(engine: &Engine, tcx: &mut ThreadCtx, fd: &mut FlowDetect, p: &PacketInfo<'_>, dir: Direction) {
    let d = dir.index();
    let unfed = fd.take_mixed_unfed(d);
    let Some(slot) = fd.pending.get_mut(d) else {
        return;
    };
    let mut data = std::mem::take(slot);
    if !data.is_empty() {
        let mut sp = stream_view(p, dir, &data);
        engine.inspect_stream_rules(tcx, fd, &sp);
        if let Some(rest) = data.get(unfed).filter(|r| !r.is_empty()) {
            sp.payload = rest;
            engine.inspect_stream_mixed(tcx, fd, &sp);
        }
    }
    fd.raw_done(d);
    data.clear();
    if let Some(slot) = fd.pending.get_mut(d).filter(|s| s.is_empty()) {
        *slot = data;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use detect::RuleSource;

    /// An engine with one to-server stream rule, and the state of one flow.
    struct Fx {
        e: Engine,
        tcx: ThreadCtx,
        fd: FlowDetect,
    }

    impl Fx {
        fn new() -> Fx {
            let src = RuleSource {
                name: "t.rules".into(),
                text: b"alert tcp any any -> any any (flow:to_server; content:\"abcdef\"; sid:1;)".to_vec(),
            };
            let (e, report) = Engine::build(&[src], &rules::Classifications::default());
            assert_eq!(report.loaded, 1);
            Fx {
                e,
                tcx: ThreadCtx::default(),
                fd: FlowDetect::default(),
            }
        }

        /// [`on_packet`] on this flow.
        fn packet(&mut self, p: &PacketInfo<'_>, dir: Direction, tr: &TcpRaw, ack: bool, triggers: [u32; 2]) {
            on_packet(&self.e, &mut self.tcx, &mut self.fd, p, dir, tr, ack, triggers);
        }
    }

    const IDS: TcpRaw = TcpRaw {
        gated: true,
        established: true,
        limits: [RawLimits {
            closing: false,
            depth_reached: false,
        }; 2],
    };

    #[test]
    fn data_waits_for_a_trigger_and_is_inspected_whole_on_its_own_direction() {
        let mut f = Fx::new();
        let mut p = PacketInfo::test(b"");
        p.pcap_cnt = Some(7);
        // Acknowledged in two pieces: neither alone holds the pattern.
        f.fd.push_stream(0, b"xxabc");
        f.packet(&p, Direction::ToServer, &IDS, true, [0, 0]);
        f.fd.push_stream(0, b"defxx");
        f.packet(&p, Direction::ToServer, &IDS, true, [0, 0]);
        assert!(f.tcx.alerts.is_empty());
        assert_eq!(f.fd.pending[0], b"xxabcdefxx");
        // The app layer completed a to-server unit: a to-client packet does not inspect it...
        let mut back = p;
        back.to_server = false;
        f.packet(&back, Direction::ToClient, &IDS, true, [1, 0]);
        assert!(f.tcx.alerts.is_empty());
        // ... the next to-server packet does, all of it at once.
        f.packet(&p, Direction::ToServer, &IDS, true, [1, 0]);
        assert_eq!(f.tcx.alerts.len(), 1);
        assert_eq!(f.tcx.alerts[0].pcap_cnt, Some(7));
        assert!(f.tcx.alerts[0].stream);
        assert!(f.fd.pending[0].is_empty());
        assert_eq!(f.fd.raw.trigger, [false, false]);
    }

    #[test]
    fn a_chunk_or_the_close_inspects_without_a_trigger() {
        let mut f = Fx::new();
        let p = PacketInfo::test(b"");
        let mut data = vec![b'x'; detect::RAW_CHUNK_SIZE - 6];
        data.extend_from_slice(b"abcdef");
        f.fd.push_stream(0, &data);
        f.packet(&p, Direction::ToServer, &IDS, false, [0, 0]);
        assert_eq!(f.tcx.alerts.len(), 1);
        assert!(f.fd.pending[0].is_empty());
        f.fd.push_stream(0, b"abcdef");
        let mut closing = IDS;
        closing.limits[0].closing = true;
        // Not before the session is established.
        let early = TcpRaw {
            established: false,
            ..closing
        };
        f.packet(&p, Direction::ToServer, &early, false, [0, 0]);
        assert_eq!(f.tcx.alerts.len(), 1);
        f.packet(&p, Direction::ToServer, &closing, false, [0, 0]);
        assert_eq!(f.tcx.alerts.len(), 2);
    }

    #[test]
    fn immediate_mode_inspects_on_the_packet_and_the_flow_end_flushes() {
        let mut f = Fx::new();
        let p = PacketInfo::test(b"");
        let inline = TcpRaw { gated: false, ..IDS };
        f.fd.push_stream(0, b"abcdef");
        f.packet(&p, Direction::ToServer, &inline, false, [0, 0]);
        assert_eq!(f.tcx.alerts.len(), 1);
        f.fd.push_stream(0, b"abcdef");
        flush(&f.e, &mut f.tcx, &mut f.fd, &p);
        assert_eq!(f.tcx.alerts.len(), 2);
        assert!(f.fd.pending.iter().all(Vec::is_empty));
    }

    #[test]
    fn a_direction_over_half_the_cap_is_inspected_on_any_packet() {
        let mut f = Fx::new();
        let mut back = PacketInfo::test(b"");
        back.to_server = false;
        let mut data = vec![b'x'; RAW_FORCE - 6];
        data.extend_from_slice(b"abcdef");
        f.fd.push_stream(0, &data);
        f.packet(&back, Direction::ToClient, &IDS, true, [0, 0]);
        assert_eq!(f.tcx.alerts.len(), 1);
        // Reported on the to-server side it belongs to.
        assert!(f.tcx.alerts[0].to_server);
        assert!(f.fd.pending[0].is_empty());
    }
}
