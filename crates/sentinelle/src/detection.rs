//! The signature engine attached to a worker: loading rule files (`-S`, `-s`, `.gz` accepted)
//! into a shared [`detect::Engine`], feeding it packets, stream data and app-layer records, and
//! writing its alerts as EVE `alert` events.

use anyhow::{Context, Result};
use app::{AppEvent, FlowInfo};
use detect::{BuildOptions, Engine, FlowAction, FlowDetect, PacketInfo, RuleSource, ThreadCtx};
use eve::{Envelope, LineBuf};
use flow::Direction;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wire::{Packet, Timestamp, L4};

mod alert_out;
mod progress;
mod pseudo;
mod raw;

pub use alert_out::{AlertCtx, AlertFlow, AlertOutput, ALERT_OUTPUT_KEYS};
pub use pseudo::{PseudoPackets, TxTrack};
pub use raw::TcpRaw;

/// Suricata's default classification.config (used when none lies beside the rules).
const DEFAULT_CLASSIFICATION: &str = include_str!("../../../testdata/rules/et-open/classification.config");

fn read_rules(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).with_context(|| format!("reading rules {}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .with_context(|| format!("decompressing {}", path.display()))?;
        return Ok(out);
    }
    Ok(raw)
}

/// What rules to load and how: the files, the address/port variables and the classification
/// file, from the command line and the configuration (Suricata's keys).
#[derive(Debug, Default)]
pub struct RuleConfig {
    pub files: Vec<PathBuf>,
    pub vars: rules::Vars,
    pub classification: Option<PathBuf>,
}

impl RuleConfig {
    /// `-S FILE` replaces the configuration's `rule-files`; otherwise they are loaded (relative
    /// names under `default-rule-path`) and each `-s FILE` is added. `vars.address-groups.NAME`
    /// and `vars.port-groups.NAME` override Suricata's default variables; each value must
    /// parse (the error names the key). `classification-file` names the classification file
    /// (default: `classification.config` beside the first rules file, else Suricata's).
    pub fn from_settings(
        settings: &crate::config::Settings,
        exclusive: Option<&Path>,
        added: &[PathBuf],
    ) -> Result<RuleConfig> {
        let mut files = Vec::new();
        match exclusive {
            Some(f) => files.push(f.to_path_buf()),
            None => {
                let base = settings.get("default-rule-path").map(PathBuf::from);
                for name in config_list(settings.get("rule-files")) {
                    let p = PathBuf::from(&name);
                    files.push(match &base {
                        Some(b) if p.is_relative() => b.join(p),
                        _ => p,
                    });
                }
            }
        }
        files.extend(added.iter().cloned());
        let mut vars = rules::Vars::default();
        let mut given = Vec::new();
        for key in settings.keys() {
            let (kind, name) = if let Some(n) = key.strip_prefix("vars.address-groups.") {
                (rules::VarKind::Address, n)
            } else if let Some(n) = key.strip_prefix("vars.port-groups.") {
                (rules::VarKind::Port, n)
            } else {
                continue;
            };
            let value = settings.get(key).unwrap_or("");
            vars.set(kind, name, value);
            given.push((key.to_string(), kind, value.to_string()));
        }
        for (key, kind, value) in given {
            let ok = match kind {
                rules::VarKind::Address => rules::parse_addresses(&value, &vars).map(|_| ()),
                rules::VarKind::Port => rules::parse_ports(&value, &vars).map(|_| ()),
            };
            ok.map_err(|e| anyhow::anyhow!("setting {key}={value}: {e}"))?;
        }
        Ok(RuleConfig {
            files,
            vars,
            classification: settings.get("classification-file").map(PathBuf::from),
        })
    }
}

/// A list setting: a YAML sequence (flattened as its JSON text) or one plain value.
fn config_list(v: Option<&str>) -> Vec<String> {
    let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) else {
        return Vec::new();
    };
    match serde_json::from_str::<Vec<serde_json::Value>>(v) {
        Ok(items) => items
            .iter()
            .filter_map(|i| match i {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            })
            .collect(),
        Err(_) => vec![v.to_string()],
    }
}

/// Loads and compiles the rule files; prints the load summary on stderr.
pub fn load(rc: &RuleConfig, opts: BuildOptions) -> Result<Option<Arc<Engine>>> {
    let files = &rc.files;
    if files.is_empty() {
        return Ok(None);
    }
    let started = std::time::Instant::now();
    let mut sources = Vec::with_capacity(files.len());
    let mut class_text: Option<String> = match &rc.classification {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .with_context(|| format!("reading classification-file {}", p.display()))?,
        ),
        None => None,
    };
    for f in files {
        sources.push(RuleSource {
            name: f.display().to_string(),
            text: read_rules(f)?,
        });
        if class_text.is_none() {
            if let Some(dir) = f.parent() {
                class_text = std::fs::read_to_string(dir.join("classification.config")).ok();
            }
        }
    }
    let class_text = class_text.unwrap_or_else(|| DEFAULT_CLASSIFICATION.to_string());
    let (classes, _) = rules::Classifications::parse(&class_text);
    let (engine, report) = Engine::build_with_vars(&sources, &classes, opts, &rc.vars);
    eprintln!(
        "sentinelle: rules: {} in {:.3}s (ruleset_id {})",
        report.summary(),
        started.elapsed().as_secs_f64(),
        engine.ruleset_id()
    );
    if std::env::var_os("SENTINELLE_RULE_SKIPS").is_some() {
        for s in &report.skipped {
            eprintln!("sentinelle: rule skipped: {s}");
        }
    }
    Ok(Some(Arc::new(engine)))
}

/// Per-worker detector.
pub struct Detector {
    engine: Option<Arc<Engine>>,
    tcx: ThreadCtx,
    /// [`Detector::drop_pending`].
    flow_dropped: bool,
    /// The pending alerts come from a flow's end (Suricata's flow-timeout pseudo packets).
    flow_end: bool,
    /// What alert records carry on demand.
    output: AlertOutput,
    /// The transactions of the pending alerts (their app-layer objects).
    tx_recs: alert_out::TxRecs,
}

fn app_proto(app: &app::AppLayer) -> (Option<app::AppProto>, [Option<app::AppProto>; 2]) {
    (app.proto(), app.proto_by_dir())
}

/// A packet-like view of a flow with no packet at hand (flow end), client → server.
fn flow_view<'a>(info: &FlowInfo, ts: Timestamp, app: &app::AppLayer, established: bool) -> PacketInfo<'a> {
    let (p, pd) = app_proto(app);
    PacketInfo {
        ts: ts.0,
        src: info.client,
        dst: info.server,
        sport: info.client_port,
        dport: info.server_port,
        proto: info.proto,
        to_server: true,
        established,
        has_flow: true,
        first_in_dir: false,
        tcp_flags: None,
        tcp_window: None,
        tcp_seq: None,
        tcp_ack: None,
        icmp: None,
        ttl: 0,
        ip_id: 0,
        fragbits: 0,
        payload: &[],
        stream: false,
        app_proto: p,
        app_proto_dir: pd,
        flow_id: Some(info.id),
        pcap_cnt: None,
        l3: &[],
        ip_hdr_len: 0,
        l4_hdr_len: 0,
        tos: 0,
        tcp_mss: None,
        bad_csum: 0,
        stream_size: None,
        proto_detect_done: false,
        tx_payload: &[],
        tx_payload_to_server: true,
        no_payload: false,
        decode_events: Default::default(),
        stream_events: Default::default(),
    }
}

fn orient(mut p: PacketInfo<'_>, to_server: bool) -> PacketInfo<'_> {
    if p.to_server != to_server {
        std::mem::swap(&mut p.src, &mut p.dst);
        std::mem::swap(&mut p.sport, &mut p.dport);
        p.to_server = to_server;
    }
    p
}

/// A decoded packet as the engine sees it, with no flow (Suricata's `DetectNoFlow`): to
/// server, first of its direction, no TCP facts; flows fill in theirs over it.
fn wire_view<'a>(ts: Timestamp, pkt: &Packet<'a>, pcap_cnt: u64) -> PacketInfo<'a> {
    let icmp = match &pkt.l4 {
        L4::Icmp4(i) | L4::Icmp6(i) => Some((i.icmp_type, i.code, i.id, i.seq)),
        _ => None,
    };
    PacketInfo {
        ts: ts.0,
        src: pkt.ip.src,
        dst: pkt.ip.dst,
        sport: pkt.src_port(),
        dport: pkt.dst_port(),
        proto: pkt.ip.proto,
        to_server: true,
        established: false,
        has_flow: false,
        first_in_dir: true,
        tcp_flags: None,
        tcp_window: None,
        tcp_seq: None,
        tcp_ack: None,
        icmp,
        ttl: pkt.ip.ttl,
        ip_id: pkt.ip.id,
        fragbits: 0,
        payload: pkt.payload,
        stream: false,
        app_proto: None,
        app_proto_dir: [None, None],
        flow_id: None,
        pcap_cnt: Some(pcap_cnt),
        l3: if pkt.frag.is_some() { &[] } else { pkt.l3 },
        ip_hdr_len: pkt.ip.header_len,
        l4_hdr_len: 0,
        tos: pkt.ip.tos,
        tcp_mss: None,
        bad_csum: u8::from(!pkt.ip.checksum_ok),
        stream_size: None,
        proto_detect_done: false,
        tx_payload: &[],
        tx_payload_to_server: true,
        no_payload: false,
        decode_events: pkt.events,
        stream_events: Default::default(),
    }
}

/// Checks the rules on the open transaction's app-layer events (TLS), if it has any, from the
/// sides in `sides`; `base` is oriented client → server. Only the first `upto` events count
/// (those raised before the point inspected).
#[allow(clippy::too_many_arguments)]
fn live_events(
    engine: &Engine,
    tcx: &mut ThreadCtx,
    recs: &mut alert_out::TxRecs,
    fd: &mut FlowDetect,
    base: &PacketInfo<'_>,
    sides: &[bool],
    app: &app::AppLayer,
    upto: usize,
) {
    let all = app.live_events();
    let events = all.get(..upto).unwrap_or(all);
    if events.is_empty() || !engine.has_live_event_rules() {
        return;
    }
    let Some(proto) = app.proto() else { return };
    let mut tp = *base;
    tp.payload = &[];
    let from = tcx.alerts.len();
    engine.inspect_live_events(tcx, fd, &tp, sides, proto, events, &|| app.live_record(), Some(0));
    if tcx.alerts.len() > from {
        if let Some(rec) = app.live_record() {
            recs.keep(&tcx.alerts, from, &rec);
        }
    }
}

/// Facts about the packet's flow, taken before the packet updated it.
pub struct FlowFacts {
    pub dir: Direction,
    pub established: bool,
    pub first_in_dir: bool,
    /// The packet belongs to a tracked TCP session (its payload goes to the stream).
    pub tcp_session: bool,
    /// TCP stream sizes (client, server) after this packet, Suricata's `next_seq - isn`.
    pub stream_size: Option<(u32, u32)>,
    /// Detected protocol per direction before this packet (to tell where detection finished).
    pub app_before: [Option<app::AppProto>; 2],
    /// Stream events the packet raised in its TCP session.
    pub stream_events: flow::tcp::StreamEvents,
    /// The TCP session after the packet, for raw stream inspection ([`TcpRaw::of`]).
    pub tcp_raw: Option<TcpRaw>,
}

impl Detector {
    pub fn new(engine: Option<Arc<Engine>>) -> Detector {
        Detector {
            engine,
            tcx: ThreadCtx::default(),
            flow_dropped: false,
            flow_end: false,
            output: AlertOutput::default(),
            tx_recs: alert_out::TxRecs::default(),
        }
    }

    /// Sets what alert records carry on demand.
    pub fn with_output(mut self, output: AlertOutput) -> Detector {
        self.output = output;
        self
    }

    pub fn enabled(&self) -> bool {
        self.engine.is_some()
    }

    /// After the packet went through the stream and app layer: inspects the stream data the
    /// packet acknowledged, the packet itself, and the app-layer records it completed.
    #[allow(clippy::too_many_arguments)]
    pub fn packet(
        &mut self,
        ts: Timestamp,
        pkt: &Packet<'_>,
        facts: &FlowFacts,
        info: &FlowInfo,
        app: &mut app::AppLayer,
        fd: &mut FlowDetect,
        events: &[AppEvent],
        pcap_cnt: u64,
    ) {
        // A pass or drop rule took the flow out of detection (Suricata's DetectFlow).
        self.flow_dropped = fd.action == FlowAction::Drop;
        if fd.action != FlowAction::None {
            return;
        }
        let Some(engine) = self.engine.as_deref() else {
            return;
        };
        let start = self.tcx.alerts.len();
        let to_server = facts.dir == Direction::ToServer;
        let (ap, apd) = app_proto(app);
        let (tcp_flags, tcp_window, tcp_seq, tcp_ack) = match &pkt.l4 {
            L4::Tcp(t) => (Some(t.flags), Some(t.window), Some(t.seq), Some(t.ack)),
            _ => (None, None, None, None),
        };
        let (l4_hdr_len, tcp_mss, l4_ok) = match &pkt.l4 {
            L4::Tcp(t) => (u16::from(t.header_len), t.options.mss, t.checksum_ok),
            L4::Udp(u) => (8, None, u.checksum_ok),
            L4::Icmp4(i) | L4::Icmp6(i) => (0, None, i.checksum_ok),
            _ => (0, None, true),
        };
        let bad_csum = u8::from(!pkt.ip.checksum_ok) | (u8::from(!l4_ok) << 1);
        let p = PacketInfo {
            to_server,
            established: facts.established,
            has_flow: true,
            first_in_dir: facts.first_in_dir,
            tcp_flags,
            tcp_window,
            tcp_seq,
            tcp_ack,
            app_proto: ap,
            app_proto_dir: apd,
            flow_id: Some(info.id),
            l4_hdr_len,
            tcp_mss,
            bad_csum,
            stream_size: facts.stream_size,
            proto_detect_done: facts
                .app_before
                .iter()
                .zip(apd.iter())
                .any(|(before, now)| before.is_none() && now.is_some()),
            tx_payload_to_server: to_server,
            no_payload: fd.no_payload,
            stream_events: facts.stream_events,
            ..wire_view(ts, pkt, pcap_cnt)
        };
        // The raw stream: this packet's direction when due, the mixed rules on what the packet
        // acknowledged of the other.
        if let Some(tr) = facts.tcp_raw.as_ref().filter(|_| facts.tcp_session) {
            let ack = tcp_flags.is_some_and(|f| f & 0x10 != 0);
            raw::on_packet(
                engine,
                &mut self.tcx,
                fd,
                &p,
                facts.dir,
                tr,
                ack,
                app.raw_triggers(),
            );
        }
        if !fd.no_payload && app.no_payload_inspection() {
            // The app layer stops payload inspection (TLS application data): what the stream
            // gathered so far is inspected now, acknowledged or not (Suricata's
            // `StreamTcpDetectLogFlush`), and nothing more is gathered.
            raw::flush(engine, &mut self.tcx, fd, &p);
            fd.no_payload = true;
        }
        engine.inspect_packet(&mut self.tcx, fd, &p, facts.tcp_session);
        if pkt.ip.proto == 6 {
            let mut base = orient(p, true);
            base.payload = &[];
            progress::on_packet(
                engine,
                &mut self.tcx,
                &mut self.tx_recs,
                fd,
                &base,
                facts.dir,
                app,
                events,
            );
        }
        if !events.is_empty() {
            let base = orient(p, true);
            for ev in events {
                if matches!(ev.record, app::Record::Http(_)) {
                    // Inspected as it progressed (module `progress`).
                    continue;
                }
                let mut tp = base;
                tp.ts = ev.ts.0;
                tp.payload = &[];
                if pkt.ip.proto == 17 {
                    // A UDP record comes from this packet: the payload part of mixed rules is
                    // checked on it.
                    tp.tx_payload = pkt.payload;
                }
                let from = self.tcx.alerts.len();
                engine.inspect_tx(&mut self.tcx, fd, &tp, &ev.record, ev.tx_id);
                self.tx_recs.keep(&self.tcx.alerts, from, &ev.record);
            }
        }
        live_events(
            engine,
            &mut self.tcx,
            &mut self.tx_recs,
            fd,
            &orient(p, true),
            &[to_server],
            app,
            usize::MAX,
        );
        engine.finalize(&mut self.tcx, Some(fd), start);
        self.flow_dropped = fd.action == FlowAction::Drop;
    }

    /// The flow ended: inspects the stream data left and the records its closing produced.
    /// `live_to_server` is how many app-layer events the open transaction had once the
    /// to-server direction was flushed (Suricata's to-server flow-timeout pseudo packet);
    /// `pseudo` the flow-end pseudo packets of a TCP flow, on which the packet rules run.
    #[allow(clippy::too_many_arguments)]
    pub fn end_flow(
        &mut self,
        info: &FlowInfo,
        ts: Timestamp,
        app: &app::AppLayer,
        fd: &mut FlowDetect,
        events: &[AppEvent],
        established: bool,
        live_to_server: usize,
        pseudo: &PseudoPackets,
    ) {
        if fd.action != FlowAction::None {
            return;
        }
        self.flow_end = info.proto == 6;
        let Some(engine) = self.engine.as_deref() else {
            return;
        };
        let start = self.tcx.alerts.len();
        let base = flow_view(info, ts, app, established);
        // The packet rules on the pseudo packets, to server first.
        for (to_server, on) in [(true, pseudo.dirs[0]), (false, pseudo.dirs[1])] {
            if on && info.proto == 6 {
                let mut p = pseudo::packet(&base, info, pseudo, to_server);
                p.no_payload = fd.no_payload;
                engine.inspect_pseudo_packet(&mut self.tcx, fd, &p);
            }
        }
        raw::flush(engine, &mut self.tcx, fd, &base);
        progress::end_flow(engine, &mut self.tcx, &mut self.tx_recs, fd, &base, events);
        for ev in events {
            if matches!(ev.record, app::Record::Http(_)) {
                continue;
            }
            let mut tp = base;
            tp.ts = ev.ts.0;
            let from = self.tcx.alerts.len();
            engine.inspect_tx(&mut self.tcx, fd, &tp, &ev.record, ev.tx_id);
            self.tx_recs.keep(&self.tcx.alerts, from, &ev.record);
        }
        // Suricata's flow-timeout pseudo packets: to server (after the to-server data was
        // parsed), then to client.
        let recs = &mut self.tx_recs;
        live_events(
            engine,
            &mut self.tcx,
            recs,
            fd,
            &base,
            &[true],
            app,
            live_to_server,
        );
        live_events(engine, &mut self.tcx, recs, fd, &base, &[false], app, usize::MAX);
        engine.finalize(&mut self.tcx, Some(fd), start);
    }

    /// A packet Suricata gives no flow (GRE, IGMP, other IP protocols; GRE tunnel carriers):
    /// the packet rules inspect it alone (`DetectNoFlow`); IP-only rules see every such packet
    /// and flow keywords match nothing.
    pub fn flowless(&mut self, ts: Timestamp, pkt: &Packet<'_>, pcap_cnt: u64) {
        let Some(engine) = self.engine.as_deref() else {
            return;
        };
        let p = wire_view(ts, pkt, pcap_cnt);
        let start = self.tcx.alerts.len();
        let mut fd = FlowDetect::default();
        engine.inspect_packet(&mut self.tcx, &mut fd, &p, false);
        engine.finalize(&mut self.tcx, None, start);
    }

    /// Whether the last packet inspected left its flow dropped: a `drop` or `reject` rule
    /// matched in a way that acts on the flow (Suricata's `FLOW_ACTION_DROP`, IDS mode too).
    /// The flow then gets no end-of-flow reassembly or logging.
    pub fn drop_pending(&self) -> bool {
        self.flow_dropped
    }

    /// Writes the pending alerts; returns how many. `cx`: the flow, app layer and packet they
    /// came from (their `flow`, app-layer and payload fields).
    pub fn write(&mut self, out: &mut LineBuf, vlan: &[u16], cx: &AlertCtx<'_>) -> u64 {
        let Some(engine) = self.engine.as_deref() else {
            return 0;
        };
        let n = self.tcx.alerts.len() as u64;
        let flow_end = std::mem::take(&mut self.flow_end);
        for a in self.tcx.alerts.drain(..) {
            let Some(m) = engine.meta(a.rule) else { continue };
            let w = AlertWrite {
                vlan,
                flow_end,
                cx,
                output: &self.output,
                recs: &self.tx_recs,
            };
            write_alert(out, engine, m, &a, &w);
        }
        if !self.tx_recs.is_empty() {
            self.tx_recs.clear();
        }
        n
    }
}

/// One `alert.explain` entry.
#[derive(serde::Serialize)]
pub(crate) struct ExplainOut<'a> {
    keyword: &'static str,
    buffer: &'static str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    transforms: &'a [&'static str],
    offset: u32,
    length: u32,
}

fn explain_out(a: &detect::Alert) -> Vec<ExplainOut<'_>> {
    a.explain
        .iter()
        .map(|e| ExplainOut {
            keyword: e.keyword,
            buffer: e.buffer,
            transforms: &e.transforms,
            offset: e.offset,
            length: e.length,
        })
        .collect()
}

#[derive(serde::Serialize)]
/// The EVE `alert` object, for rule alerts and built-in detector findings alike.
pub(crate) struct AlertBody<'a> {
    pub action: &'static str,
    pub gid: u32,
    pub signature_id: u32,
    pub rev: u32,
    pub signature: &'a str,
    pub category: &'a str,
    pub severity: u8,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// The loaded ruleset (rule alerts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ruleset_id: Option<&'a str>,
    /// With `--explain`: where each content / pcre matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Vec<ExplainOut<'a>>>,
}

/// How one alert is written, besides the alert itself.
struct AlertWrite<'a, 'c> {
    vlan: &'a [u16],
    flow_end: bool,
    cx: &'a AlertCtx<'c>,
    output: &'a AlertOutput,
    recs: &'a alert_out::TxRecs,
}

fn write_alert(
    out: &mut LineBuf,
    engine: &Engine,
    m: &detect::RuleMeta,
    a: &detect::Alert,
    w: &AlertWrite<'_, '_>,
) {
    let (vlan, flow_end) = (w.vlan, w.flow_end);
    let mut env = Envelope::new(Timestamp(a.ts), "alert");
    env.flow_id = a.flow_id;
    env.pcap_cnt = a.pcap_cnt;
    env.proto = Some(a.proto);
    let ports = matches!(a.proto, 6 | 17 | 132);
    env.src = Some((a.src, ports.then_some(a.sport)));
    env.dst = Some((a.dst, ports.then_some(a.dport)));
    env.vlan = vlan;
    env.pkt_src = match a.pcap_cnt {
        Some(_) => Some("wire/pcap"),
        // Suricata's `PKT_SRC_FFR`.
        None if flow_end => Some("stream (flow timeout)"),
        None => None,
    };
    env.tx_id = a.tx_id;
    let metadata = m
        .metadata()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(v.collect::<Vec<&str>>())))
        .collect();
    let body = AlertBody {
        action: "allowed",
        gid: m.gid,
        signature_id: m.sid,
        rev: m.rev,
        signature: &m.msg,
        category: &m.category,
        severity: m.severity,
        metadata,
        ruleset_id: Some(engine.ruleset_id()),
        explain: engine.explains().then(|| explain_out(a)),
    };
    let mut e = out.begin(&env);
    e.field("alert", &body);
    if let Some(id) = a.tx_id {
        alert_out::write_app_layer(&mut e, a.app_proto, w.recs.get(id));
    }
    if let Some(p) = a.app_proto {
        e.field("app_proto", p.name());
        if let Some(app) = w.cx.app {
            alert_out::write_app_proto_dirs(&mut e, app);
        }
    }
    if a.flow_id.is_some() {
        e.field("direction", if a.to_server { "to_server" } else { "to_client" });
    }
    if let (Some(f), Some(_)) = (&w.cx.flow, a.flow_id) {
        alert_out::write_flow(&mut e, f, a);
    }
    alert_out::write_payload(&mut e, w.output, a, w.cx);
}
