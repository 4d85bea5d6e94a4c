//! Run modes over offline captures: `single` (one thread does everything) and `workers` (a reader
//! thread decodes just enough to pick the worker by the unordered address pair, defragments, and
//! hands batches of frames to workers that own their flows).

use crate::config::Settings;
use crate::worker::{EngineConfig, Worker, WorkerStats};
use crate::Cli;
use anyhow::{bail, Context, Result};
use capture::{CaptureError, PcapFile};
use crossbeam_channel::{bounded, Receiver, Sender};
use eve::{Envelope, LineBuf, Sink};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use wire::{DecodeOptions, DecodeStats, Defrag, LinkType, Timestamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    Single,
    Workers(usize),
}

/// Everything a run needs, resolved from the command line and settings.
pub struct Plan {
    pub engine: EngineConfig,
    pub mode: RunMode,
    pub eve_path: PathBuf,
}

impl Plan {
    pub fn from_cli(cli: &Cli, s: &Settings) -> Result<Plan> {
        let mut engine = EngineConfig {
            decode: DecodeOptions::default(),
            checksum_auto: true,
            flow: flow::FlowConfig::default(),
            defrag: wire::DefragConfig::default(),
            app: app::AppConfig::default(),
            sense: crate::sensors::SenseConfig {
                sqli: true,
                ..Default::default()
            },
            tunnels: wire::TunnelOptions::default(),
            stream_checksums: true,
            detect: None,
            alert_out: crate::detection::AlertOutput::from_settings(s)?,
        };
        if let Some(v) = s.bool("stream.checksum-validation")? {
            engine.stream_checksums = v;
        }
        for (key, flag) in [
            ("decoder.vxlan.enabled", &mut engine.tunnels.vxlan),
            ("decoder.geneve.enabled", &mut engine.tunnels.geneve),
            ("decoder.teredo.enabled", &mut engine.tunnels.teredo),
            ("decoder.erspan.enabled", &mut engine.tunnels.erspan),
            ("decoder.gre.enabled", &mut engine.tunnels.gre),
        ] {
            if let Some(v) = s.bool(key)? {
                *flag = v;
            }
        }
        match cli.checksum.as_deref() {
            Some("none") => {
                engine.decode.checksums = false;
                engine.checksum_auto = false;
            }
            Some("all") => engine.checksum_auto = false,
            _ => {}
        }
        let tcp = &mut engine.flow.tcp;
        if let Some(v) = s.bool("stream.midstream")? {
            tcp.midstream = v;
            engine.app.midstream = v;
        }
        if let Some(v) = s.bool("stream.inline")? {
            // Inline (IPS) streams are inspected as segments arrive; IDS waits for the ACK.
            tcp.ack_gated = !v;
        }
        if let Some(v) = s.bool("stream.async-oneside")? {
            tcp.async_oneside = v;
        }
        if let Some(v) = s.size("stream.reassembly.depth")? {
            tcp.depth = v;
        }
        if let Some(v) = s.size("stream.reassembly.memcap")? {
            tcp.memcap = usize::try_from(v).unwrap_or(usize::MAX);
        }
        if let Some(v) = s.get("stream.reassembly.urgent.policy") {
            let Some(p) = flow::UrgentPolicy::from_name(v) else {
                bail!("stream.reassembly.urgent.policy: invalid value '{v}' (inline, drop, oob or gap)");
            };
            tcp.urgent_policy = p;
        }
        if let Some(v) = s.get("stream.reassembly.urgent.oob-limit-policy") {
            tcp.urgent_oob_limit_policy = match flow::UrgentPolicy::from_name(v) {
                Some(p) if p != flow::UrgentPolicy::Oob => p,
                _ => bail!(
                    "stream.reassembly.urgent.oob-limit-policy: invalid value '{v}' (inline, drop or gap)"
                ),
            };
        }
        if let Some(v) = s.bool("vlan.use-for-tracking")? {
            engine.flow.use_vlan = v;
        }
        if let Some(v) = s.size("flow.max-flows")? {
            engine.flow.max_flows = usize::try_from(v).unwrap_or(usize::MAX).max(1);
        }
        if let Some(v) = s.size("defrag.memcap")? {
            engine.defrag.memcap = usize::try_from(v).unwrap_or(usize::MAX);
        }
        let sense = &mut engine.sense;
        if let Some(v) = s.bool("sense.scan.enabled")? {
            sense.scan.enabled = v;
        }
        if let Some(v) = s.size("sense.scan.vertical-ports")? {
            sense.scan.vertical_ports = v.max(1) as usize;
        }
        if let Some(v) = s.size("sense.scan.horizontal-hosts")? {
            sense.scan.horizontal_hosts = v.max(1) as usize;
        }
        if let Some(v) = s.size("sense.scan.window")? {
            sense.scan.window_us = (v.min(86_400) as i64) * 1_000_000;
        }
        if let Some(v) = s.bool("sense.bruteforce.enabled")? {
            sense.brute.enabled = v;
        }
        if let Some(v) = s.size("sense.bruteforce.threshold")? {
            sense.brute.threshold = v.clamp(1, 1_000_000) as u32;
        }
        if let Some(v) = s.size("sense.bruteforce.window")? {
            sense.brute.window_us = (v.min(86_400) as i64) * 1_000_000;
        }
        if let Some(v) = s.bool("sense.sqli.enabled")? {
            sense.sqli = v;
        }
        let mut known = KNOWN.to_vec();
        known.extend(crate::detection::ALERT_OUTPUT_KEYS);
        known.extend(app_keys(&mut engine.app, s)?);
        // Read by `detection::RuleConfig`.
        let rule_keys = |k: &str| {
            matches!(k, "rule-files" | "default-rule-path" | "classification-file")
                || k.starts_with("vars.address-groups.")
                || k.starts_with("vars.port-groups.")
        };
        for k in s.keys() {
            if !known.contains(&k) && !rule_keys(k) {
                eprintln!("sentinelle: note: setting {k} is not used by this version (ignored)");
            }
        }
        let runmode = cli
            .runmode
            .clone()
            .or_else(|| s.get("runmode").map(str::to_string));
        let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let mode = match runmode.as_deref() {
            Some("single") => RunMode::Single,
            None | Some("workers") | Some("autofp") => {
                let n = cli.workers.unwrap_or(cpus).max(1);
                if n == 1 {
                    RunMode::Single
                } else {
                    RunMode::Workers(n)
                }
            }
            Some(other) => bail!("--runmode {other}: expected single, workers or autofp"),
        };
        Ok(Plan {
            engine,
            mode,
            eve_path: cli.log_dir.join("eve.json"),
        })
    }
}

const KNOWN: &[&str] = &[
    "stream.midstream",
    "stream.async-oneside",
    "stream.inline",
    "stream.reassembly.depth",
    "stream.reassembly.memcap",
    "stream.reassembly.urgent.policy",
    "stream.reassembly.urgent.oob-limit-policy",
    "vlan.use-for-tracking",
    "flow.max-flows",
    "defrag.memcap",
    "runmode",
    "stream.checksum-validation",
    "decoder.vxlan.enabled",
    "decoder.geneve.enabled",
    "decoder.teredo.enabled",
    "decoder.erspan.enabled",
    "decoder.gre.enabled",
    "sense.scan.enabled",
    "sense.scan.vertical-ports",
    "sense.scan.horizontal-hosts",
    "sense.scan.window",
    "sense.bruteforce.enabled",
    "sense.bruteforce.threshold",
    "sense.bruteforce.window",
    "sense.sqli.enabled",
];

/// `app-layer.protocols.<proto>.enabled`, `...ssh.hassh` and the HTTP body limits; returns the
/// keys it used.
fn app_keys<'s>(app: &mut app::AppConfig, s: &'s Settings) -> Result<Vec<&'s str>> {
    let mut used = Vec::new();
    for key in s.keys() {
        let Some(rest) = key.strip_prefix("app-layer.protocols.") else {
            continue;
        };
        let (proto, what) = rest.split_once('.').unwrap_or((rest, ""));
        match what {
            "enabled" => {
                let Some(p) = app::AppProto::from_name(proto) else {
                    continue;
                };
                // Suricata also accepts "detection-only": detection without a parser.
                let on = match s.get(key) {
                    Some(v) if v.eq_ignore_ascii_case("detection-only") => true,
                    _ => s.bool(key)?.unwrap_or(true),
                };
                app.set_enabled(p, on);
            }
            "hassh" if proto == "ssh" => app.ssh_hassh = s.bool(key)?.unwrap_or(false),
            "libhtp.default-config.request-body-limit" if proto == "http" => {
                app.http.request_body_limit = s.size(key)?.unwrap_or(0) as usize;
            }
            "libhtp.default-config.response-body-limit" if proto == "http" => {
                app.http.response_body_limit = s.size(key)?.unwrap_or(0) as usize;
            }
            _ => continue,
        }
        used.push(key);
    }
    Ok(used)
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    pub packets: u64,
    pub bytes: u64,
    pub files: usize,
    /// Files that could not be opened as captures.
    pub read_errors: usize,
    /// Files cut short by truncation or corruption (what came before was processed).
    pub damaged_files: usize,
    pub events: u64,
    pub flows: u64,
    pub seconds: f64,
}

impl Report {
    pub fn summary(&self) -> String {
        let pps = if self.seconds > 0.0 {
            self.packets as f64 / self.seconds
        } else {
            0.0
        };
        format!(
            "sentinelle: {} packets ({} bytes) from {} file(s) in {:.3}s ({:.0} pkt/s), {} flows, {} events",
            self.packets, self.bytes, self.files, self.seconds, pps, self.flows, self.events
        )
    }
}

/// Reads every frame of every input file, calling `f` for each; reports read errors on stderr.
fn for_each_frame(
    input: &Path,
    report: &mut Report,
    mut f: impl FnMut(Timestamp, LinkType, &[u8], u64),
) -> Result<Timestamp> {
    let files = capture::expand_inputs(input).with_context(|| format!("reading {}", input.display()))?;
    if files.is_empty() {
        bail!("{}: no capture files", input.display());
    }
    let mut last = Timestamp::default();
    for path in files {
        report.files += 1;
        let mut pf = match PcapFile::open(&path) {
            Ok(pf) => pf,
            Err(e) => {
                eprintln!("sentinelle: error: {e}");
                report.read_errors += 1;
                continue;
            }
        };
        loop {
            match pf.next_frame() {
                Ok(Some(fr)) => {
                    report.packets += 1;
                    report.bytes += fr.data.len() as u64;
                    last = last.max(fr.ts);
                    f(fr.ts, fr.link, fr.data, report.packets);
                }
                Ok(None) => break,
                Err(e @ CaptureError::Truncated { .. }) => {
                    eprintln!("sentinelle: warning: {e}; events up to there are written");
                    report.damaged_files += 1;
                    break;
                }
                Err(e) => {
                    // Damage after the header: like Suricata, keep what was read and go on.
                    eprintln!("sentinelle: error: {e}; the rest of this file is skipped, events up to there are written");
                    report.damaged_files += 1;
                    break;
                }
            }
        }
    }
    Ok(last)
}

/// Runs the plan over `input` (a capture file or folder of captures).
pub fn offline(plan: &Plan, input: &Path) -> Result<Report> {
    let sink = Sink::file(&plan.eve_path).with_context(|| format!("opening {}", plan.eve_path.display()))?;
    let started = Instant::now();
    let mut report = Report::default();
    let stats = match plan.mode {
        RunMode::Single => {
            let agg = Box::new(crate::sensors::Aggregator::new(&plan.engine.sense));
            let mut w = Worker::new(
                0,
                plan.engine.clone(),
                LineBuf::new(sink.clone()),
                crate::sensors::ObservationSink::Local(agg),
            );
            let last = for_each_frame(input, &mut report, |ts, link, data, n| w.frame(ts, link, data, n))?;
            w.finish(last);
            report.events += w.out.events;
            vec![collect(&w)]
        }
        RunMode::Workers(n) => run_workers(plan, n, input, &sink, &mut report)?,
    };
    report.seconds = started.elapsed().as_secs_f64();
    let mut total = Collected::default();
    for s in &stats {
        total.add(s);
    }
    report.flows = total.worker.flows_logged;
    let mut lb = LineBuf::new(sink.clone());
    write_stats(&mut lb, &total, &report);
    report.events += lb.events;
    lb.flush();
    if let Some(e) = lb.error.take() {
        bail!("writing {}: {e}", plan.eve_path.display());
    }
    sink.flush()
        .with_context(|| format!("writing {}", plan.eve_path.display()))?;
    Ok(report)
}

/// A batch of frames for one worker: the bytes back to back, and where each frame lies.
struct Batch {
    buf: Vec<u8>,
    items: Vec<(Timestamp, LinkType, u32, u32, u64)>,
    /// The reader's packet time when it sent the batch: no later batch holds older packets.
    now: Timestamp,
}

const BATCH_FRAMES: usize = 256;
/// Frames between time heartbeats to every worker.
const HEARTBEAT_FRAMES: usize = 4096;
const BATCH_BYTES: usize = 512 * 1024;

impl Batch {
    fn new() -> Batch {
        Batch {
            buf: Vec::with_capacity(BATCH_BYTES + 65_536),
            items: Vec::with_capacity(BATCH_FRAMES),
            now: Timestamp(i64::MIN),
        }
    }
    fn push(&mut self, ts: Timestamp, link: LinkType, data: &[u8], n: u64) {
        let off = self.buf.len() as u32;
        self.buf.extend_from_slice(data);
        self.items.push((ts, link, off, data.len() as u32, n));
    }
    fn full(&self) -> bool {
        self.items.len() >= BATCH_FRAMES || self.buf.len() >= BATCH_BYTES
    }
}

fn run_workers(
    plan: &Plan,
    n: usize,
    input: &Path,
    sink: &Arc<Sink>,
    report: &mut Report,
) -> Result<Vec<Collected>> {
    let mut txs: Vec<Sender<Batch>> = Vec::with_capacity(n);
    let (recycle_tx, recycle_rx) = bounded::<Batch>(n * 8);
    // Scans and brute force are judged per attacker across all workers, on one thread.
    let (obs_tx, obs_rx) = bounded::<crate::sensors::Report>(n * 16);
    let agg_cfg = plan.engine.sense.clone();
    let agg_out = LineBuf::new(sink.clone());
    let aggregator = std::thread::Builder::new().name("sense".into()).spawn(move || {
        let mut agg = crate::sensors::Aggregator::new(&agg_cfg);
        let mut merge = crate::sensors::Merge::new(n);
        let mut out = agg_out;
        let mut alerts = 0;
        for report in obs_rx {
            merge.report(report, &mut agg);
            alerts += agg.write(&mut out);
        }
        merge.finish(&mut agg);
        agg.finish();
        alerts += agg.write(&mut out);
        out.flush();
        (alerts, out.events)
    })?;
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let (tx, rx): (Sender<Batch>, Receiver<Batch>) = bounded(8);
        txs.push(tx);
        let cfg = plan.engine.clone();
        let out = LineBuf::new(sink.clone());
        let recycle = recycle_tx.clone();
        let observations = crate::sensors::ObservationSink::Remote {
            worker: i,
            batch: Vec::new(),
            tx: obs_tx.clone(),
        };
        let h = std::thread::Builder::new()
            .name(format!("W#{i:02}"))
            .spawn(move || {
                let mut w = Worker::new(i as u16, cfg, out, observations);
                let mut last = Timestamp::default();
                for mut b in rx {
                    for &(ts, link, off, len, cnt) in &b.items {
                        let data = b.buf.get(off as usize..(off + len) as usize).unwrap_or(&[]);
                        w.frame(ts, link, data, cnt);
                        last = last.max(ts);
                    }
                    w.report(b.now);
                    b.buf.clear();
                    b.items.clear();
                    let _ = recycle.try_send(b);
                }
                w.finish(last);
                collect(&w)
            })?;
        handles.push(h);
    }
    drop(recycle_tx);
    drop(obs_tx);
    let mut batches: Vec<Batch> = (0..n).map(|_| Batch::new()).collect();
    let mut defrag = Defrag::new(plan.engine.defrag);
    let mut scratch = DecodeStats::default();
    let opts = DecodeOptions {
        checksums: false,
        ..Default::default()
    };
    let tunnels = plan.engine.tunnels;
    let mut router = crate::route::Router::new(n, plan.engine.flow.use_vlan);
    let mut send_failed = false;
    let mut send = |i: usize, batches: &mut Vec<Batch>, now: Timestamp| {
        let fresh = recycle_rx.try_recv().unwrap_or_else(|_| Batch::new());
        let mut full = std::mem::replace(&mut batches[i], fresh);
        full.now = now;
        if txs[i].send(full).is_err() {
            send_failed = true;
        }
    };
    let mut now = Timestamp(i64::MIN);
    let mut since_heartbeat = 0usize;
    for_each_frame(input, report, |ts, link, data, cnt| {
        now = now.max(ts);
        since_heartbeat += 1;
        if since_heartbeat >= HEARTBEAT_FRAMES {
            // Every worker hears the time now and then, even one that gets no packets, so the
            // detector thread can put all workers' observations back in order.
            since_heartbeat = 0;
            for i in 0..n {
                send(i, &mut batches, now);
            }
        }
        let (idx, datagram) = match wire::decode_with(link, data, &opts, &tunnels, &mut scratch, |_, _| {}) {
            Ok(p) if p.frag.is_some() => match defrag.insert(ts, &p) {
                Some(d) => match wire::decode_ip(&d, &opts, &mut scratch) {
                    Ok(whole) => (router.pick(ts, &whole), Some(d)),
                    Err(_) => (0, Some(d)),
                },
                None => return,
            },
            Ok(p) => (router.pick(ts, &p), None),
            Err(_) => (0, None),
        };
        match &datagram {
            Some(d) => batches[idx].push(ts, LinkType::Raw, d, cnt),
            None => batches[idx].push(ts, link, data, cnt),
        }
        if batches[idx].full() {
            send(idx, &mut batches, now);
        }
    })?;
    for i in 0..n {
        if !batches[i].items.is_empty() {
            send(i, &mut batches, now);
        }
    }
    drop(txs);
    let mut out = Vec::with_capacity(n);
    for h in handles {
        match h.join() {
            Ok(c) => out.push(c),
            Err(_) => bail!("a worker thread panicked"),
        }
    }
    if send_failed {
        bail!("a worker stopped early");
    }
    let (agg_alerts, agg_events) = match aggregator.join() {
        Ok(r) => r,
        Err(_) => bail!("the detector thread panicked"),
    };
    if let Some(first) = out.first_mut() {
        first.worker.alerts += agg_alerts;
        first.events += agg_events;
        first.defrag.fragments += defrag.stats.fragments;
        first.defrag.reassembled += defrag.stats.reassembled;
        first.defrag.timeouts += defrag.stats.timeouts;
        first.defrag.memcap_drops += defrag.stats.memcap_drops;
    }
    for c in &out {
        report.events += c.events;
    }
    Ok(out)
}

/// Counters gathered from a finished worker.
#[derive(Default, Clone)]
struct Collected {
    worker: WorkerStats,
    flow: flow::FlowStats,
    defrag: wire::DefragStats,
    events: u64,
}

fn collect(w: &Worker) -> Collected {
    Collected {
        worker: w.stats.clone(),
        flow: w.flow_stats().clone(),
        defrag: w.defrag_stats().clone(),
        events: w.out.events,
    }
}

impl Collected {
    fn add(&mut self, o: &Collected) {
        let (d, s) = (&mut self.worker.decode, &o.worker.decode);
        d.pkts += s.pkts;
        d.bytes += s.bytes;
        d.ethernet += s.ethernet;
        d.vlan += s.vlan;
        d.vlan_qinq += s.vlan_qinq;
        d.ipv4 += s.ipv4;
        d.ipv6 += s.ipv6;
        d.tcp += s.tcp;
        d.udp += s.udp;
        d.icmpv4 += s.icmpv4;
        d.icmpv6 += s.icmpv6;
        d.fragments += s.fragments;
        d.invalid += s.invalid;
        d.unsupported += s.unsupported;
        d.bad_checksum += s.bad_checksum;
        self.worker.decode_errors += o.worker.decode_errors;
        self.worker.tcp_bad_checksum_ignored += o.worker.tcp_bad_checksum_ignored;
        self.worker.flows_logged += o.worker.flows_logged;
        self.worker.app_events += o.worker.app_events;
        self.worker.alerts += o.worker.alerts;
        self.flow.created += o.flow.created;
        self.flow.timed_out += o.flow.timed_out;
        self.flow.evicted += o.flow.evicted;
        self.flow.tcp_sessions += o.flow.tcp_sessions;
        self.flow.tcp_gaps += o.flow.tcp_gaps;
        self.flow.tcp_reassembly_memcap_drops += o.flow.tcp_reassembly_memcap_drops;
        self.defrag.fragments += o.defrag.fragments;
        self.defrag.reassembled += o.defrag.reassembled;
        self.defrag.timeouts += o.defrag.timeouts;
        self.defrag.memcap_drops += o.defrag.memcap_drops;
        self.defrag.overlaps += o.defrag.overlaps;
        self.defrag.invalid += o.defrag.invalid;
        self.events += o.events;
    }
}

fn write_stats(lb: &mut LineBuf, c: &Collected, r: &Report) {
    use serde_json::json;
    let d = &c.worker.decode;
    let stats = json!({
        "uptime": r.seconds as u64,
        "capture": {"kernel_packets": r.packets, "read_errors": r.read_errors, "damaged_files": r.damaged_files},
        "decoder": {
            "pkts": d.pkts, "bytes": d.bytes, "invalid": d.invalid, "ethernet": d.ethernet,
            "ipv4": d.ipv4, "ipv6": d.ipv6, "tcp": d.tcp, "udp": d.udp, "icmpv4": d.icmpv4,
            "icmpv6": d.icmpv6, "vlan": d.vlan, "vlan_qinq": d.vlan_qinq, "unsupported": d.unsupported,
            "bad_checksum": d.bad_checksum, "errors": c.worker.decode_errors,
        },
        "defrag": {
            "fragments": c.defrag.fragments, "reassembled": c.defrag.reassembled,
            "timeouts": c.defrag.timeouts, "memcap_drops": c.defrag.memcap_drops,
            "overlaps": c.defrag.overlaps, "invalid": c.defrag.invalid,
        },
        "flow": {
            "total": c.flow.created, "timed_out": c.flow.timed_out, "evicted": c.flow.evicted,
            "logged": c.worker.flows_logged,
        },
        "tcp": {
            "sessions": c.flow.tcp_sessions, "reassembly_gap": c.flow.tcp_gaps,
            "reassembly_memcap_drops": c.flow.tcp_reassembly_memcap_drops,
            "invalid_checksum": c.worker.tcp_bad_checksum_ignored,
        },
        "app_layer": {"events": c.worker.app_events},
        "detect": {"alert": c.worker.alerts},
    });
    let env = Envelope::new(Timestamp(0).max(Timestamp(now_us())), "stats");
    lb.begin(&env).field("stats", &stats);
}

fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn plan(sets: &[&str]) -> Result<Plan> {
        let cli = Cli::parse_from(["sentinelle", "-r", "in.pcap"]);
        let mut s = Settings::default();
        for kv in sets {
            s.set(kv)?;
        }
        Plan::from_cli(&cli, &s)
    }

    #[test]
    fn urgent_policy_settings() {
        let p = plan(&[]).unwrap();
        assert_eq!(p.engine.flow.tcp.urgent_policy, flow::UrgentPolicy::Inline);
        assert!(!p.engine.app.midstream);
        let p = plan(&[
            "stream.reassembly.urgent.policy=oob",
            "stream.reassembly.urgent.oob-limit-policy=gap",
            "stream.midstream=true",
        ])
        .unwrap();
        let tcp = &p.engine.flow.tcp;
        assert_eq!(
            (tcp.urgent_policy, tcp.urgent_oob_limit_policy),
            (flow::UrgentPolicy::Oob, flow::UrgentPolicy::Gap)
        );
        assert!(tcp.midstream && p.engine.app.midstream);
        let e = plan(&["stream.reassembly.urgent.policy=later"]).err().unwrap();
        assert!(e.to_string().contains("stream.reassembly.urgent.policy"), "{e}");
        assert!(plan(&["stream.reassembly.urgent.oob-limit-policy=oob"]).is_err());
    }
}
