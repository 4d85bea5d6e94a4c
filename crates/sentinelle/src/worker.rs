//! One worker: decode → defragment → flow → stream → app layer → EVE, for the packets of the
//! flows it owns. Workers share nothing mutable: each has its own flow table, expectations and
//! line buffer; the output sink takes whole buffers.

use crate::sensors::{FlowSense, ObservationSink, SenseConfig, Sensors};
use app::{AppConfig, AppEvent, AppLayer, AppProto, Cx, Expectations, FlowInfo, Record};
use eve::{Envelope, LineBuf};
use flow::{Direction, EndReason, Flow, FlowConfig, FlowTable};
use wire::{DecodeOptions, DecodeStats, Defrag, DefragConfig, LinkType, Packet, Timestamp, L4};

/// Everything a worker needs to know, shared read-only by all workers.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub decode: DecodeOptions,
    /// `-k auto` semantics: checksums are verified until the first 1000 TCP packets show more than
    /// 10% bad ones (a capture taken with offloading), then ignored.
    pub checksum_auto: bool,
    pub flow: FlowConfig,
    pub defrag: DefragConfig,
    pub app: AppConfig,
    pub sense: SenseConfig,
    /// Tunnels to open (`decoder.<kind>.enabled`).
    pub tunnels: wire::TunnelOptions,
    /// `stream.checksum-validation`: TCP segments with a bad checksum stay out of the stream.
    pub stream_checksums: bool,
    /// The compiled ruleset (`-S`/`-s`), shared by all workers.
    pub detect: Option<std::sync::Arc<detect::Engine>>,
    /// What alert records carry on demand (`outputs.eve-log.types.alert.*`).
    pub alert_out: crate::detection::AlertOutput,
}

/// What a worker keeps per flow besides the flow table's own fields.
#[derive(Default)]
pub struct PerFlow {
    pub app: AppLayer,
    pub sense: FlowSense,
    pub detect: detect::FlowDetect,
    /// A `drop`/`reject` rule matched: as Suricata (IDS mode too), no end-of-flow flush.
    pub dropped: bool,
    /// When the app layer changed and each side's detection last saw it (flow-end pseudo packets).
    pub tx_track: crate::detection::TxTrack,
}

/// Counters one worker keeps besides its stages' own.
#[derive(Debug, Default, Clone)]
pub struct WorkerStats {
    pub decode: DecodeStats,
    pub decode_errors: u64,
    pub tcp_bad_checksum_ignored: u64,
    pub flows_logged: u64,
    pub app_events: u64,
    pub alerts: u64,
}

pub struct Worker {
    cfg: EngineConfig,
    table: FlowTable<PerFlow>,
    defrag: Defrag,
    expect: Expectations,
    sensors: Sensors,
    det: crate::detection::Detector,
    pub out: LineBuf,
    pub stats: WorkerStats,
    events: Vec<AppEvent>,
    ended: Vec<(Flow<PerFlow>, EndReason)>,
    last_expire: Timestamp,
    checksums: bool,
    tcp_seen: u64,
    tcp_bad: u64,
    /// The current frame's pcap link type number (alert `packet_info`).
    linktype: u32,
}

/// Flow timeouts are checked at most this often (packet time, microseconds).
const EXPIRE_EVERY_US: i64 = 1_000_000;

impl Worker {
    /// A worker; `id` keeps its flow ids apart from the other workers'.
    pub fn new(id: u16, cfg: EngineConfig, out: LineBuf, observations: ObservationSink) -> Worker {
        let mut table = FlowTable::new(cfg.flow.clone());
        table.set_worker_id(id);
        Worker {
            table,
            defrag: Defrag::new(cfg.defrag),
            checksums: cfg.decode.checksums,
            sensors: Sensors::new(&cfg.sense, observations),
            det: crate::detection::Detector::new(cfg.detect.clone()).with_output(cfg.alert_out),
            cfg,
            expect: Expectations::default(),
            out,
            stats: WorkerStats::default(),
            events: Vec::new(),
            ended: Vec::new(),
            last_expire: Timestamp(i64::MIN),
            tcp_seen: 0,
            tcp_bad: 0,
            linktype: 0,
        }
    }

    pub fn flow_stats(&self) -> &flow::FlowStats {
        &self.table.stats
    }

    pub fn defrag_stats(&self) -> &wire::DefragStats {
        &self.defrag.stats
    }

    /// Processes one captured frame.
    pub fn frame(&mut self, ts: Timestamp, link: LinkType, data: &[u8], pcap_cnt: u64) {
        self.tick(ts);
        self.linktype = link_dlt(link);
        let opts = DecodeOptions {
            checksums: self.checksums,
            // Rules still run on a packet whose transport header does not decode.
            keep_invalid: self.det.enabled(),
        };
        // Outer packets of UDP-borne (and 6in4) tunnels have flows of their own, as in Suricata.
        let mut carriers: Vec<(Packet<'_>, bool)> = Vec::new();
        let decoded = wire::decode_with(
            link,
            data,
            &opts,
            &self.cfg.tunnels,
            &mut self.stats.decode,
            |c, kind| carriers.push((*c, kind.carrier_has_flow())),
        );
        let pkt = match decoded {
            Ok(p) => p,
            Err(_) => {
                self.stats.decode_errors += 1;
                return;
            }
        };
        for (c, has_flow) in &carriers {
            if *has_flow {
                self.packet(ts, c, data.len(), pcap_cnt, data);
            } else {
                self.flowless(ts, c, pcap_cnt, data);
            }
        }
        let flow_len = pkt.flow_len(data.len());
        if pkt.frag.is_some() {
            if let Some(datagram) = self.defrag.insert(ts, &pkt) {
                // The rebuilt datagram stands for the whole: it counts the last piece's length.
                match wire::decode_ip(&datagram, &opts, &mut self.stats.decode) {
                    Ok(mut whole) if whole.frag.is_none() => {
                        whole.tunnel = whole.tunnel.or(pkt.tunnel);
                        self.packet(ts, &whole, flow_len, pcap_cnt, data)
                    }
                    _ => self.stats.decode_errors += 1,
                }
            }
            return;
        }
        self.packet(ts, &pkt, flow_len, pcap_cnt, data);
    }

    /// Expires idle flows and fragments when packet time has moved on enough.
    pub fn tick(&mut self, now: Timestamp) {
        if now.0.saturating_sub(self.last_expire.0) < EXPIRE_EVERY_US {
            return;
        }
        self.last_expire = now;
        self.defrag.expire(now);
        let mut ended = std::mem::take(&mut self.ended);
        self.table.expire(now, &mut ended);
        for (f, reason) in ended.drain(..) {
            self.end_flow(f, reason, now);
        }
        self.ended = ended;
        self.sensors.expire(now);
        self.stats.alerts += self.sensors.write(&mut self.out);
    }

    fn packet(&mut self, ts: Timestamp, pkt: &Packet<'_>, frame_len: usize, pcap_cnt: u64, raw: &[u8]) {
        if pkt.events.l4_failed() {
            // Transport header not decoded (decoder event): no flow, only rules, as in Suricata.
            self.stats.decode_errors += 1;
            self.flowless(ts, pkt, pcap_cnt, raw);
            return;
        }
        if !wants_flow(pkt) {
            // GRE, IGMP, ...: no flow, as in Suricata.
            self.flowless(ts, pkt, pcap_cnt, raw);
            return;
        }
        let mut evicted = std::mem::take(&mut self.ended);
        let tcp_ok = match &pkt.l4 {
            L4::Tcp(t) => !self.cfg.stream_checksums || self.tcp_checksum_ok(t.checksum_ok),
            _ => true,
        };
        {
            let Some((flow, dir)) = self.table.packet(pkt, ts, frame_len, &mut evicted) else {
                // An ICMP error quoting no flow we know.
                self.sensors.packet(ts, pkt, true);
                self.ended = evicted;
                self.stats.alerts += self.sensors.write(&mut self.out);
                return;
            };
            let mut info = flow_info(flow);
            let new_flow = flow.pkts[0] + flow.pkts[1] == 1;
            self.sensors.packet(ts, pkt, new_flow);
            let mut facts = crate::detection::FlowFacts {
                dir,
                established: match &flow.tcp {
                    Some(t) => t.state >= flow::TcpState::Established,
                    None => flow.proto != 6 && flow.pkts[0] > 0 && flow.pkts[1] > 0,
                },
                first_in_dir: flow.pkts[dir.index()] == 1,
                // A segment the stream refused (bad checksum) is inspected as a lone packet.
                tcp_session: flow.tcp.is_some() && tcp_ok,
                stream_size: None,
                app_before: flow.app.app.proto_by_dir(),
                stream_events: Default::default(),
                tcp_raw: None,
            };
            let det_on = self.det.enabled();
            let mut cx = Cx {
                ts,
                flow: &info,
                out: &mut self.events,
                expect: &mut self.expect,
            };
            let parent = flow.app.app.parent_id();
            let PerFlow {
                app,
                sense,
                detect: fd,
                tx_track,
                ..
            } = &mut flow.app;
            match &pkt.l4 {
                L4::Tcp(t) if tcp_ok => {
                    if let Some(sess) = &mut flow.tcp {
                        let app_cfg = &self.cfg.app;
                        app.set_tcp_midstream(sess.midstream && !sess.midstream_synack);
                        let mut fed = [false; 2];
                        sess.on_segment(dir, t, pkt.payload, &self.cfg.flow.tcp, &mut |d, chunk| {
                            if let (true, flow::Chunk::Data(b)) = (det_on, chunk) {
                                fd.push_stream(d.index(), b);
                            }
                            if let Some(f) = fed.get_mut(d.index()) {
                                *f = true;
                            }
                            app.on_tcp(app_cfg, d, chunk, &mut cx)
                        });
                        facts.stream_events = sess.events;
                        let closed = sess.state == flow::TcpState::Closed;
                        tx_track.on_packet(dir, fed, closed, || app.live_record().is_some());
                    }
                    if !pkt.payload.is_empty() && app.proto() == Some(AppProto::Ssh) {
                        self.sensors.ssh_segment(ts, &info, sense, dir, pkt.payload);
                    }
                }
                L4::Tcp(_) => self.stats.tcp_bad_checksum_ignored += 1,
                L4::Udp(_) => app.on_udp(&self.cfg.app, dir, pkt.payload, &mut cx),
                _ => {}
            }
            if let L4::Tcp(_) = &pkt.l4 {
                // Transactions inspected per direction as they progress (SMB).
                app.on_packet(dir, &mut cx);
            }
            if app.take_reversed() {
                // The app layer found the first data was the server's (Suricata's FlowSwap).
                flow.swap_direction();
                flow.app.tx_track.swap();
                info = flow_info(flow);
                facts.dir = dir.reverse();
            }
            let PerFlow {
                app,
                detect: fd,
                dropped,
                ..
            } = &mut flow.app;
            if det_on {
                facts.stream_size = flow.tcp.as_ref().map(|t| {
                    let (c, s) = (t.stream(Direction::ToServer), t.stream(Direction::ToClient));
                    (c.next_seq.wrapping_sub(c.isn), s.next_seq.wrapping_sub(s.isn))
                });
                let gated = self.cfg.flow.tcp.ack_gated;
                facts.tcp_raw = flow.tcp.as_ref().map(|t| crate::detection::TcpRaw::of(t, gated));
                self.det
                    .packet(ts, pkt, &facts, &info, app, fd, &self.events, pcap_cnt);
                let vlan = &flow.vlan[..usize::from(flow.vlan_count.min(2))];
                *dropped |= self.det.drop_pending();
                let acx = crate::detection::AlertCtx {
                    flow: Some(alert_flow(flow.pkts, flow.bytes, flow.start)),
                    app: Some(app),
                    payload: pkt.payload,
                    frame: Some((raw, self.linktype)),
                };
                self.stats.alerts += self.det.write(&mut self.out, vlan, &acx);
            }
            if !self.events.is_empty() {
                for ev in &self.events {
                    self.sensors.record(&info, ev);
                }
                self.stats.app_events += self.events.len() as u64;
                let vlan = &flow.vlan[..usize::from(flow.vlan_count.min(2))];
                write_app_events(
                    &mut self.out,
                    &info,
                    vlan,
                    parent,
                    &mut self.events,
                    Some(pcap_cnt),
                );
            }
        }
        self.stats.alerts += self.sensors.write(&mut self.out);
        for (f, reason) in evicted.drain(..) {
            self.end_flow(f, reason, ts);
        }
        self.ended = evicted;
    }

    /// A packet without a flow (GRE, IGMP, ..., GRE tunnel carriers): only the rules see it.
    fn flowless(&mut self, ts: Timestamp, pkt: &Packet<'_>, pcap_cnt: u64, raw: &[u8]) {
        if !self.det.enabled() {
            return;
        }
        self.det.flowless(ts, pkt, pcap_cnt);
        let vlan = &pkt.vlan[..usize::from(pkt.vlan_count.min(2))];
        let acx = crate::detection::AlertCtx {
            payload: pkt.payload,
            frame: Some((raw, self.linktype)),
            ..Default::default()
        };
        self.stats.alerts += self.det.write(&mut self.out, vlan, &acx);
    }

    fn tcp_checksum_ok(&mut self, ok: bool) -> bool {
        if !self.checksums {
            return true;
        }
        if self.cfg.checksum_auto && self.tcp_seen < 1000 {
            self.tcp_seen += 1;
            if !ok {
                self.tcp_bad += 1;
            }
            if self.tcp_seen == 1000 && self.tcp_bad * 10 > self.tcp_seen {
                // Offloaded checksums: stop judging packets by them, as Suricata's auto mode does.
                self.checksums = false;
                return true;
            }
        }
        ok
    }

    /// After a batch of packets (workers mode): hands the detectors' observations on, promising
    /// none older than `now`.
    pub fn report(&mut self, now: Timestamp) {
        self.sensors.report(now);
    }

    /// Ends every flow (end of input) and flushes output.
    pub fn finish(&mut self, now: Timestamp) {
        let mut ended = std::mem::take(&mut self.ended);
        self.table.drain(&mut ended);
        for (f, reason) in ended.drain(..) {
            self.end_flow(f, reason, now);
        }
        self.sensors.finish();
        self.stats.alerts += self.sensors.write(&mut self.out);
        self.out.flush();
    }

    fn end_flow(&mut self, mut f: Flow<PerFlow>, reason: EndReason, now: Timestamp) {
        let info = flow_info(&f);
        // App-layer events of the open transaction once the to-server side is flushed.
        let mut live_to_server = usize::MAX;
        let mut pseudo = crate::detection::PseudoPackets::default();
        {
            let mut cx = Cx {
                ts: f.last,
                flow: &info,
                out: &mut self.events,
                expect: &mut self.expect,
            };
            let Flow {
                tcp,
                app:
                    PerFlow {
                        app,
                        detect: fd,
                        dropped,
                        tx_track,
                        ..
                    },
                ..
            } = &mut f;
            let dropped = *dropped;
            if let Some(sess) = tcp.as_mut().filter(|_| !dropped) {
                pseudo = crate::detection::PseudoPackets::of(sess, app, tx_track, now);
                let app_cfg = &self.cfg.app;
                let det_on = self.det.enabled();
                // To-server first, then to-client, with the end of each direction signalled in
                // between, as Suricata's flow-timeout pseudo packets do.
                for dir in [Direction::ToServer, Direction::ToClient] {
                    sess.flush_dir(dir, &mut |d, chunk| {
                        if let (true, flow::Chunk::Data(b)) = (det_on, chunk) {
                            fd.push_stream(d.index(), b);
                        }
                        app.on_tcp(app_cfg, d, chunk, &mut cx)
                    });
                    app.on_eof(dir, &mut cx);
                    app.on_packet(dir, &mut cx);
                    if dir == Direction::ToServer {
                        live_to_server = app.live_events().len();
                    }
                }
            }
            if !dropped {
                app.on_close(&mut cx);
            }
        }
        // Detection on the flushed data may find the flow runs the other way.
        let info = if f.app.app.take_reversed() {
            f.swap_direction();
            pseudo.swap();
            flow_info(&f)
        } else {
            info
        };
        if self.det.enabled() {
            let established = f.tcp.as_ref().map_or(f.pkts[0] > 0 && f.pkts[1] > 0, |t| {
                t.state >= flow::TcpState::Established
            });
            let PerFlow { app, detect: fd, .. } = &mut f.app;
            self.det.end_flow(
                &info,
                f.last,
                app,
                fd,
                &self.events,
                established,
                live_to_server,
                &pseudo,
            );
            let vlan = &f.vlan[..usize::from(f.vlan_count.min(2))];
            let acx = crate::detection::AlertCtx {
                flow: Some(alert_flow(f.pkts, f.bytes, f.start)),
                app: Some(&f.app.app),
                ..Default::default()
            };
            self.stats.alerts += self.det.write(&mut self.out, vlan, &acx);
        }
        for ev in &self.events {
            self.sensors.record(&info, ev);
        }
        self.stats.app_events += self.events.len() as u64;
        let vlan = &f.vlan[..usize::from(f.vlan_count.min(2))];
        write_app_events(
            &mut self.out,
            &info,
            vlan,
            f.app.app.parent_id(),
            &mut self.events,
            None,
        );
        write_flow(&mut self.out, &f, reason, now);
        self.stats.flows_logged += 1;
    }
}

/// Packets Suricata gives a flow: TCP, UDP, ICMP, ICMPv6, SCTP, ESP, and the IP-in-IP carriers.
fn wants_flow(p: &Packet<'_>) -> bool {
    matches!(p.ip.proto, 1 | 4 | 6 | 17 | 41 | 50 | 58 | 132)
}

fn flow_info(f: &Flow<PerFlow>) -> FlowInfo {
    FlowInfo {
        id: f.id,
        client: f.src,
        server: f.dst,
        client_port: f.sport,
        server_port: f.dport,
        proto: f.proto,
    }
}

fn alert_flow(pkts: [u64; 2], bytes: [u64; 2], start: Timestamp) -> crate::detection::AlertFlow {
    crate::detection::AlertFlow { pkts, bytes, start }
}

/// The pcap link type number of `link` (Suricata's `p->datalink`).
fn link_dlt(link: LinkType) -> u32 {
    match link {
        LinkType::Null => 0,
        LinkType::Ethernet => 1,
        LinkType::Raw => 12,
        LinkType::Ipv4 => 228,
        LinkType::Ipv6 => 229,
        LinkType::LinuxSll => 113,
        LinkType::LinuxSll2 => 276,
    }
}

fn has_ports(proto: u8) -> bool {
    matches!(proto, 6 | 17 | 132)
}

fn write_app_events(
    out: &mut LineBuf,
    info: &FlowInfo,
    vlan: &[u16],
    parent_id: Option<u64>,
    events: &mut Vec<AppEvent>,
    pcap_cnt: Option<u64>,
) {
    let ports = has_ports(info.proto);
    let client = Some((info.client, ports.then_some(info.client_port)));
    let server = Some((info.server, ports.then_some(info.server_port)));
    for ev in events.drain(..) {
        // A SIP datagram that did not parse was only there for its `frame:sip.pdu`.
        if matches!(&ev.record, Record::Sip(s) if !s.is_tx()) {
            continue;
        }
        if matches!(&ev.record, Record::Smb(_) | Record::Enip(_) | Record::Nfs(_)) {
            // Inspected only: Suricata's `smb` and `nfs` EVE records are not written here;
            // Suricata 7 has no ENIP logger.
            continue;
        }
        let mut env = Envelope::new(ev.ts, ev.record.event_type());
        env.flow_id = Some(info.id);
        env.vlan = vlan;
        env.pcap_cnt = pcap_cnt;
        env.proto = Some(info.proto);
        env.pkt_src = pcap_cnt.map(|_| "wire/pcap");
        let (src, dst) = match (&ev.record, ev.dir) {
            (Record::FileInfo(_) | Record::Anomaly(_), Direction::ToClient) => (server, client),
            // Loggers with `LOG_DIR_PACKET` (SNMP, ...): the packet's addresses.
            (r, _) if r.one_direction() == Some(false) => (server, client),
            _ => (client, server),
        };
        env.src = src;
        env.dst = dst;
        // Suricata's dns and tls events carry no top-level tx_id (dns has its own inside).
        if !matches!(
            ev.record,
            Record::FileInfo(_) | Record::Anomaly(_) | Record::Dns(_) | Record::Tls(_) | Record::Dcerpc(_)
        ) && ev.record.one_direction().is_none()
        {
            env.tx_id = ev.tx_id;
        }
        env.parent_id = parent_id;
        let mut e = out.begin(&env);
        match &ev.record {
            Record::FileInfo(fi) => {
                if let Some(parent) = &fi.parent {
                    write_body(&mut e, parent);
                    e.field("app_proto", parent.app_proto());
                }
                e.field("fileinfo", fi);
            }
            r => write_body(&mut e, r),
        }
    }
}

pub(crate) fn write_body(e: &mut eve::Event<'_>, r: &Record) {
    match r {
        Record::Http(x) => e.field("http", x),
        Record::Http2(x) => e.field("http", x),
        Record::Dns(x) => e.field("dns", x),
        Record::Tls(x) => e.field("tls", x),
        Record::Ssh(x) => e.field("ssh", x),
        Record::Ftp(x) => e.field("ftp", x),
        Record::FtpData(x) => e.field("ftp_data", x),
        Record::Smtp(x) => e.field("smtp", x),
        Record::Dcerpc(x) => e.field("dcerpc", x),
        Record::Snmp(x) => e.field("snmp", x),
        Record::Krb5(x) => e.field("krb5", x),
        Record::Ike(x) => e.field("ike", x),
        Record::Quic(x) => e.field("quic", x),
        Record::Sip(x) => e.field("sip", x),
        Record::Smb(_) | Record::Enip(_) | Record::Nfs(_) => e,
        Record::FileInfo(x) => e.field("fileinfo", x),
        Record::Anomaly(x) => e.field("anomaly", x),
    };
}

#[derive(serde::Serialize)]
struct FlowBody {
    pkts_toserver: u64,
    pkts_toclient: u64,
    bytes_toserver: u64,
    bytes_toclient: u64,
    start: eve::Ts,
    end: eve::Ts,
    age: i64,
    state: &'static str,
    reason: &'static str,
    alerted: bool,
}

fn write_flow(out: &mut LineBuf, f: &Flow<PerFlow>, reason: EndReason, now: Timestamp) {
    let mut env = Envelope::new(now.max(f.last), "flow");
    env.flow_id = Some(f.id);
    env.vlan = &f.vlan[..usize::from(f.vlan_count.min(2))];
    env.proto = Some(f.proto);
    let ports = has_ports(f.proto);
    env.src = Some((f.src, ports.then_some(f.sport)));
    env.dst = Some((f.dst, ports.then_some(f.dport)));
    let mut e = out.begin(&env);
    if !has_ports(f.proto) {
        if let Some((t, c)) = f.icmp[0] {
            e.field("icmp_type", &t).field("icmp_code", &c);
        }
        if let Some((t, c)) = f.icmp[1] {
            e.field("response_icmp_type", &t).field("response_icmp_code", &c);
        }
    }
    let app = &f.app.app;
    if let Some(p) = app.proto() {
        e.field("app_proto", p.name());
        let [ts, tc] = app.proto_by_dir();
        if let Some(ts) = ts.filter(|&x| x != p) {
            e.field("app_proto_ts", ts.name());
        }
        if let Some(tc) = tc.filter(|&x| x != p) {
            e.field("app_proto_tc", tc.name());
        }
    }
    let body = FlowBody {
        pkts_toserver: f.pkts[0],
        pkts_toclient: f.pkts[1],
        bytes_toserver: f.bytes[0],
        bytes_toclient: f.bytes[1],
        start: eve::Ts(f.start),
        end: eve::Ts(f.last),
        age: (f.last.secs() - f.start.secs()).max(0),
        state: match f.state {
            flow::FlowState::New => "new",
            flow::FlowState::Established => "established",
            flow::FlowState::Closed => "closed",
        },
        reason: match reason {
            EndReason::Timeout => "timeout",
            EndReason::Forced => "forced",
            EndReason::Shutdown => "shutdown",
        },
        alerted: false,
    };
    e.field("flow", &body);
    if f.proto == 6 && f.tcp.is_none() {
        // No session was tracked (no SYN seen): Suricata still writes empty flags.
        let none = serde_json::json!({"tcp_flags": "00", "tcp_flags_ts": "00", "tcp_flags_tc": "00"});
        e.field("tcp", &none);
    }
    if let Some(t) = &f.tcp {
        let all = t.flags[0] | t.flags[1];
        let mut m = serde_json::Map::new();
        m.insert("tcp_flags".into(), format!("{all:02x}").into());
        m.insert("tcp_flags_ts".into(), format!("{:02x}", t.flags[0]).into());
        m.insert("tcp_flags_tc".into(), format!("{:02x}", t.flags[1]).into());
        for (bit, name) in [
            (0x02, "syn"),
            (0x01, "fin"),
            (0x04, "rst"),
            (0x08, "psh"),
            (0x10, "ack"),
            (0x20, "urg"),
            (0x40, "ecn"),
            (0x80, "cwr"),
        ] {
            if all & bit != 0 {
                m.insert(name.into(), true.into());
            }
        }
        m.insert("state".into(), t.state_name().into());
        e.field("tcp", &m);
    }
}
