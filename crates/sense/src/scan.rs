//! Port-scan detection from packet headers, no rules.
//!
//! Per source address, within a time window, we count the distinct (host, port) pairs it probes
//! with connection attempts that a normal client does not make in bulk: SYNs, FIN/NULL/Xmas and
//! bare-ACK probes that open no session, and UDP datagrams to new ports. Many ports on one host
//! is a *vertical* scan, one port on many hosts a *horizontal* one. Independently, packet shapes
//! that only scanners produce name the tool:
//!
//! - **Nmap SYN scan**: a SYN with no payload whose only TCP option is MSS 1460 and whose window
//!   is 1024, 2048, 3072 or 4096 (nmap's raw-socket probes; real stacks always add SACK,
//!   timestamps or window scaling).
//! - **Nmap OS detection**: the SEQ/ECN/T2–T7 probes carry window scale 10 with MSS 265, 640 or
//!   1460 and odd windows (1, 3, 4, 16, 63, 128, 256, 512, 31337, 32768, 65535), or flag sets
//!   such as SYN|FIN|PSH|URG; the U1 probe is 300 bytes of `C` to a closed UDP port, the IE
//!   probes are ICMP echo requests with code 9.
//! - **ZMap**: SYN probes with IP identification 54321, no TCP options and window 65535.
//!
//! State is bounded: at most `max_sources` sources (the least recently seen is dropped first),
//! and per source at most `max_targets` distinct probes are remembered (a probe beyond is still
//! counted, only not deduplicated). A source's window restarts when it has been quiet or its
//! window has passed without an alert. One alert per kind per source; a summary when the source
//! goes quiet (or at the end).

use crate::finding::*;
use hashbrown::{HashMap, HashSet};
use std::net::IpAddr;
use wire::{tcpflags as F, Packet, Timestamp, L4};

#[derive(Debug, Clone)]
pub struct ScanConfig {
    pub enabled: bool,
    /// Window in microseconds over which probes are counted.
    pub window_us: i64,
    /// Distinct ports on one host that make a vertical scan.
    pub vertical_ports: usize,
    /// Distinct hosts on one port that make a horizontal scan.
    pub horizontal_hosts: usize,
    /// Probes with a tool's fingerprint needed before we name the tool.
    pub tool_probes: u32,
    /// Nmap OS-detection probes needed to alert on their own.
    pub os_probes: u32,
    /// A source silent this long (microseconds) is summarized and forgotten.
    pub idle_us: i64,
    pub max_sources: usize,
    pub max_targets: usize,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            enabled: true,
            window_us: 60_000_000,
            vertical_ports: 20,
            horizontal_hosts: 20,
            tool_probes: 3,
            os_probes: 3,
            idle_us: 120_000_000,
            max_sources: 16_384,
            max_targets: 4_096,
        }
    }
}

/// The kind of probe a packet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProbeKind {
    Syn,
    Fin,
    Null,
    Xmas,
    Ack,
    Udp,
}

impl ProbeKind {
    fn name(self) -> &'static str {
        match self {
            ProbeKind::Syn => "syn",
            ProbeKind::Fin => "fin",
            ProbeKind::Null => "null",
            ProbeKind::Xmas => "xmas",
            ProbeKind::Ack => "ack",
            ProbeKind::Udp => "udp",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tool {
    Nmap,
    Zmap,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Nmap => "nmap",
            Tool::Zmap => "zmap",
        }
    }
}

#[derive(Default)]
struct Source {
    first: Timestamp,
    last: Timestamp,
    targets: HashSet<(IpAddr, u16, u8)>,
    ports_by_host: HashMap<IpAddr, u32>,
    hosts_by_port: HashMap<(u16, u8), u32>,
    kinds: [u32; 6],
    probes: u64,
    nmap_syn: u32,
    nmap_os: u32,
    zmap: u32,
    evidence: Vec<String>,
    alerted: u8,
    alerts: u32,
    first_target: Option<(IpAddr, u16)>,
}

const A_VERTICAL: u8 = 1;
const A_HORIZONTAL: u8 = 2;
const A_OS: u8 = 4;

/// The scan detector of one worker.
pub struct ScanDetector {
    pub cfg: ScanConfig,
    sources: HashMap<IpAddr, Source>,
    /// Sources dropped to stay under `max_sources`.
    pub dropped_sources: u64,
}

impl ScanDetector {
    pub fn new(cfg: ScanConfig) -> Self {
        ScanDetector {
            cfg,
            sources: HashMap::new(),
            dropped_sources: 0,
        }
    }

    /// Looks at one packet. `new_flow` tells whether this packet opened its flow (a bare ACK
    /// inside a session is not a probe).
    pub fn packet(&mut self, ts: Timestamp, pkt: &Packet<'_>, new_flow: bool, out: &mut Vec<Finding>) {
        if !self.cfg.enabled {
            return;
        }
        if let Some(p) = Probe::of(pkt, new_flow) {
            self.probe(ts, &p, out);
        }
    }

    /// Counts one probe (see [`Probe::of`]); workers may classify packets and hand the probes to
    /// one detector, so that a source is judged on all its traffic.
    pub fn probe(&mut self, ts: Timestamp, p: &Probe, out: &mut Vec<Finding>) {
        if !self.cfg.enabled {
            return;
        }
        let Probe {
            kind,
            dport,
            tool,
            os,
            src,
            dst,
            proto,
        } = *p;
        if !self.sources.contains_key(&src) && self.sources.len() >= self.cfg.max_sources {
            self.evict_oldest(out);
        }
        let cfg = &self.cfg;
        let s = self.sources.entry(src).or_default();
        if s.probes > 0
            && (ts.0 - s.last.0 > cfg.idle_us || (s.alerted == 0 && ts.0 - s.first.0 > cfg.window_us))
        {
            if s.alerted != 0 {
                out.push(summary(src, s));
            }
            *s = Source::default();
        }
        if s.probes == 0 {
            s.first = ts;
        }
        s.last = ts;
        s.probes += 1;
        s.kinds[kind as usize] += 1;
        s.first_target.get_or_insert((dst, dport));
        // (UDP datagrams are probes only when they open a flow; see `classify`.)
        let fresh = if s.targets.len() < cfg.max_targets {
            s.targets.insert((dst, dport, proto))
        } else {
            false
        };
        if fresh {
            *s.ports_by_host.entry(dst).or_default() += 1;
            *s.hosts_by_port.entry((dport, proto)).or_default() += 1;
        }
        match tool {
            Some(Tool::Nmap) => s.nmap_syn += 1,
            Some(Tool::Zmap) => s.zmap += 1,
            None => {}
        }
        if let Some(what) = os {
            s.nmap_os += 1;
            if s.evidence.len() < 8 && !s.evidence.iter().any(|e| e == what) {
                s.evidence.push(what.to_string());
            }
        }
        let tool_name = guess_tool(s, cfg);
        let mk = |sid: u32,
                  sig: String,
                  dst: IpAddr,
                  dport: Option<u16>,
                  s: &Source,
                  extra: Vec<(&'static str, Vec<String>)>| {
            let mut metadata = vec![
                ("detector", vec!["scan".to_string()]),
                ("probes", vec![s.probes.to_string()]),
                ("probe_kinds", kinds_list(s)),
            ];
            if let Some(t) = tool_name {
                metadata.push(("tool", vec![t.name().to_string()]));
                metadata.push(("tool_evidence", tool_evidence(s, t)));
            }
            metadata.extend(extra);
            Finding {
                ts,
                sid,
                rev: 1,
                signature: sig,
                category: CAT_SCAN,
                severity: 2,
                src,
                sport: None,
                dst,
                dport,
                proto,
                flow_id: None,
                metadata,
            }
        };
        let tool_prefix = tool_name.map(|t| format!("{} ", t.name())).unwrap_or_default();
        if s.alerted & A_VERTICAL == 0 {
            if let Some(&n) = s.ports_by_host.get(&dst) {
                if n as usize >= cfg.vertical_ports {
                    s.alerted |= A_VERTICAL;
                    s.alerts += 1;
                    let ports = ports_of(s, dst);
                    out.push(mk(
                        SID_SCAN_VERTICAL,
                        format!(
                            "SENTINELLE SCAN {tool_prefix}vertical port scan ({} ports on one host)",
                            n
                        ),
                        dst,
                        None,
                        s,
                        vec![("ports", ports)],
                    ));
                }
            }
        }
        if s.alerted & A_HORIZONTAL == 0 {
            if let Some(&n) = s.hosts_by_port.get(&(dport, proto)) {
                if n as usize >= cfg.horizontal_hosts {
                    s.alerted |= A_HORIZONTAL;
                    s.alerts += 1;
                    let first = s.first_target.map(|t| t.0).unwrap_or(dst);
                    out.push(mk(
                        SID_SCAN_HORIZONTAL,
                        format!("SENTINELLE SCAN {tool_prefix}horizontal scan of port {dport} ({n} hosts)"),
                        first,
                        Some(dport),
                        s,
                        vec![
                            ("hosts", vec![n.to_string()]),
                            ("target_net", vec![target_net(s, dport, proto)]),
                        ],
                    ));
                }
            }
        }
        if s.alerted & A_OS == 0 && s.nmap_os >= cfg.os_probes {
            s.alerted |= A_OS;
            s.alerts += 1;
            let ev = s.evidence.clone();
            out.push(mk(
                SID_SCAN_NMAP_OS,
                "SENTINELLE SCAN nmap OS detection probes".to_string(),
                dst,
                None,
                s,
                vec![
                    ("os_probes", vec![s.nmap_os.to_string()]),
                    ("os_probe_shapes", ev),
                ],
            ));
        }
    }

    /// Summarizes and forgets sources quiet for longer than `idle_us`.
    pub fn expire(&mut self, now: Timestamp, out: &mut Vec<Finding>) {
        let idle = self.cfg.idle_us;
        self.sources.retain(|src, s| {
            if now.0 - s.last.0 <= idle {
                return true;
            }
            if s.alerted != 0 {
                out.push(summary(*src, s));
            }
            false
        });
    }

    /// End of input: summaries for every source that alerted.
    pub fn finish(&mut self, out: &mut Vec<Finding>) {
        let mut v: Vec<_> = self.sources.drain().filter(|(_, s)| s.alerted != 0).collect();
        v.sort_by_key(|(ip, _)| *ip);
        for (src, s) in v {
            out.push(summary(src, &s));
        }
    }

    fn evict_oldest(&mut self, out: &mut Vec<Finding>) {
        // A full scan of the table, only when it is full: amortized by evicting an eighth at once.
        let mut lasts: Vec<(i64, IpAddr)> = self.sources.iter().map(|(ip, s)| (s.last.0, *ip)).collect();
        lasts.sort_unstable();
        for (_, ip) in lasts.into_iter().take((self.cfg.max_sources / 8).max(1)) {
            if let Some(s) = self.sources.remove(&ip) {
                self.dropped_sources += 1;
                if s.alerted != 0 {
                    out.push(summary(ip, &s));
                }
            }
        }
    }
}

/// A packet that looks like a probe, reduced to what the detector needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Probe {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub kind: ProbeKind,
    pub dport: u16,
    /// The tool whose fingerprint the packet carries.
    pub tool: Option<Tool>,
    /// The Nmap OS-detection probe it looks like.
    pub os: Option<&'static str>,
}

impl Probe {
    /// Classifies a packet; `None` when it is no probe. `new_flow`: the packet opened its flow.
    pub fn of(pkt: &Packet<'_>, new_flow: bool) -> Option<Probe> {
        let (kind, dport, tool, os) = classify(pkt, new_flow)?;
        Some(Probe {
            src: pkt.ip.src,
            dst: pkt.ip.dst,
            proto: pkt.ip.proto,
            kind,
            dport,
            tool,
            os,
        })
    }
}

/// Classifies a packet as a probe: (kind, port, tool fingerprint, nmap OS-probe shape).
fn classify(
    pkt: &Packet<'_>,
    new_flow: bool,
) -> Option<(ProbeKind, u16, Option<Tool>, Option<&'static str>)> {
    match &pkt.l4 {
        L4::Tcp(t) => {
            let f = t.flags & (F::SYN | F::ACK | F::FIN | F::RST | F::PSH | F::URG);
            let kind = if f & F::SYN != 0 && f & F::ACK == 0 {
                ProbeKind::Syn
            } else if f == 0 {
                ProbeKind::Null
            } else if f == F::FIN {
                ProbeKind::Fin
            } else if f & (F::FIN | F::PSH | F::URG) == (F::FIN | F::PSH | F::URG) && f & F::ACK == 0 {
                ProbeKind::Xmas
            } else if f == F::ACK && new_flow && pkt.payload.is_empty() {
                ProbeKind::Ack
            } else {
                return None;
            };
            let o = &t.options;
            let only_mss = t.header_len == 24 && o.mss.is_some();
            let tool = if kind == ProbeKind::Syn && pkt.payload.is_empty() {
                if only_mss && o.mss == Some(1460) && matches!(t.window, 1024 | 2048 | 3072 | 4096) {
                    Some(Tool::Nmap)
                } else if pkt.ip.id == 54321 && t.header_len == 20 && t.window == 65535 {
                    Some(Tool::Zmap)
                } else {
                    None
                }
            } else {
                None
            };
            let os = if o.wscale == Some(10) && matches!(o.mss, Some(265) | Some(640) | Some(1460)) {
                match (kind, t.window) {
                    (ProbeKind::Syn, 1 | 63 | 4 | 16 | 512 | 3) => Some("SEQ/ECN SYN with window scale 10"),
                    (ProbeKind::Syn, 31337) => Some("T5 SYN window 31337"),
                    (ProbeKind::Null, 128) => Some("T2 NULL window 128"),
                    (ProbeKind::Ack, 1024 | 32768) => Some("T4/T6 ACK"),
                    _ if f == F::SYN | F::FIN | F::PSH | F::URG => Some("T3 SYN|FIN|PSH|URG"),
                    (ProbeKind::Xmas, 65535) => Some("T7 FIN|PSH|URG window 65535"),
                    _ => None,
                }
            } else {
                None
            };
            Some((kind, t.dst_port, tool, os))
        }
        L4::Udp(u) => {
            if !new_flow {
                return None;
            }
            let os = (pkt.payload.len() == 300 && pkt.payload.iter().all(|&b| b == b'C'))
                .then_some("U1 UDP 300 x 'C'");
            Some((ProbeKind::Udp, u.dst_port, None, os))
        }
        L4::Icmp4(i) if i.icmp_type == 8 && i.code == 9 => {
            // IE1: an echo request with a code no stack sends; counts as an OS probe, not a port.
            Some((ProbeKind::Null, 0, None, Some("IE echo request code 9")))
        }
        _ => None,
    }
}

fn guess_tool(s: &Source, cfg: &ScanConfig) -> Option<Tool> {
    if s.zmap >= cfg.tool_probes && s.zmap >= s.nmap_syn {
        Some(Tool::Zmap)
    } else if s.nmap_syn >= cfg.tool_probes || s.nmap_os >= cfg.os_probes {
        Some(Tool::Nmap)
    } else {
        None
    }
}

fn tool_evidence(s: &Source, t: Tool) -> Vec<String> {
    match t {
        Tool::Zmap => vec![format!(
            "{} SYN probes with IP id 54321, no TCP options, window 65535",
            s.zmap
        )],
        Tool::Nmap => {
            let mut v = Vec::new();
            if s.nmap_syn > 0 {
                v.push(format!(
                    "{} SYN probes with only MSS 1460 and window 1024-4096",
                    s.nmap_syn
                ));
            }
            if s.nmap_os > 0 {
                v.push(format!("{} OS-detection probes", s.nmap_os));
            }
            v
        }
    }
}

fn kinds_list(s: &Source) -> Vec<String> {
    let all = [
        ProbeKind::Syn,
        ProbeKind::Fin,
        ProbeKind::Null,
        ProbeKind::Xmas,
        ProbeKind::Ack,
        ProbeKind::Udp,
    ];
    all.iter()
        .filter(|k| s.kinds[**k as usize] > 0)
        .map(|k| format!("{}:{}", k.name(), s.kinds[*k as usize]))
        .collect()
}

fn ports_of(s: &Source, host: IpAddr) -> Vec<String> {
    let mut p: Vec<u16> = s.targets.iter().filter(|t| t.0 == host).map(|t| t.1).collect();
    p.sort_unstable();
    let n = p.len();
    let mut v: Vec<String> = p.iter().take(32).map(|x| x.to_string()).collect();
    if n > 32 {
        v.push(format!("... {} more", n - 32));
    }
    v
}

/// The smallest IPv4 prefix (/8 to /32, by octets) holding every host probed on `port`.
fn target_net(s: &Source, port: u16, proto: u8) -> String {
    let hosts: Vec<IpAddr> = s
        .targets
        .iter()
        .filter(|t| t.1 == port && t.2 == proto)
        .map(|t| t.0)
        .collect();
    let v4: Vec<[u8; 4]> = hosts
        .iter()
        .filter_map(|h| match h {
            IpAddr::V4(a) => Some(a.octets()),
            _ => None,
        })
        .collect();
    let Some(first) = v4.first() else {
        return hosts.first().map(|h| h.to_string()).unwrap_or_default();
    };
    let mut common = 4;
    for o in &v4 {
        while common > 0 && o[..common] != first[..common] {
            common -= 1;
        }
    }
    let mut net = [0u8; 4];
    net[..common].copy_from_slice(&first[..common]);
    format!("{}.{}.{}.{}/{}", net[0], net[1], net[2], net[3], common * 8)
}

fn summary(src: IpAddr, s: &Source) -> Finding {
    let (dst, dport) = s.first_target.unwrap_or((src, 0));
    let hosts = s.ports_by_host.len();
    let tool = if s.zmap > s.nmap_syn && s.zmap > 0 {
        Some("zmap")
    } else if s.nmap_syn > 0 || s.nmap_os > 0 {
        Some("nmap")
    } else {
        None
    };
    let mut metadata = vec![
        ("detector", vec!["scan".to_string()]),
        ("probes", vec![s.probes.to_string()]),
        ("distinct_targets", vec![s.targets.len().to_string()]),
        ("hosts", vec![hosts.to_string()]),
        ("probe_kinds", kinds_list(s)),
        (
            "duration_s",
            vec![format!("{:.3}", (s.last.0 - s.first.0) as f64 / 1e6)],
        ),
    ];
    if let Some(t) = tool {
        metadata.push(("tool", vec![t.to_string()]));
    }
    Finding {
        ts: s.last,
        sid: SID_SCAN_SUMMARY,
        rev: 1,
        signature: format!(
            "SENTINELLE SCAN summary: {} probes to {} targets",
            s.probes,
            s.targets.len()
        ),
        category: CAT_SCAN,
        severity: 3,
        src,
        sport: None,
        dst,
        dport: if hosts == 1 { None } else { Some(dport) },
        proto: 6,
        flow_id: None,
        metadata,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::{IpHeader, TcpHeader, TcpOptions};

    fn syn(
        src: &str,
        dst: &str,
        dport: u16,
        id: u32,
        window: u16,
        hl: u8,
        mss: Option<u16>,
    ) -> Packet<'static> {
        Packet {
            vlan: [0; 2],
            vlan_count: 0,
            ip: IpHeader {
                src: src.parse().unwrap(),
                dst: dst.parse().unwrap(),
                proto: 6,
                ttl: 50,
                tos: 0,
                id,
                header_len: 20,
                total_len: 20 + hl as u16,
                checksum_ok: true,
            },
            frag: None,
            l4: L4::Tcp(TcpHeader {
                src_port: 40000,
                dst_port: dport,
                seq: 1,
                ack: 0,
                flags: F::SYN,
                window,
                urgent: 0,
                header_len: hl,
                options: TcpOptions {
                    mss,
                    ..Default::default()
                },
                checksum_ok: true,
            }),
            l3: &[],
            payload: &[],
            tunnel: None,
            events: Default::default(),
        }
    }

    #[test]
    fn nmap_syn_vertical_scan_names_nmap() {
        let mut d = ScanDetector::new(ScanConfig::default());
        let mut out = Vec::new();
        for port in 1..=300u16 {
            let p = syn(
                "203.0.113.66",
                "192.168.77.20",
                port,
                1000 + port as u32,
                1024,
                24,
                Some(1460),
            );
            d.packet(Timestamp(port as i64 * 1000), &p, true, &mut out);
        }
        assert_eq!(out.len(), 1, "{out:?}");
        let f = &out[0];
        assert_eq!(f.sid, SID_SCAN_VERTICAL);
        assert_eq!(f.src.to_string(), "203.0.113.66");
        assert_eq!(f.dst.to_string(), "192.168.77.20");
        assert_eq!(f.meta("tool").unwrap(), ["nmap"]);
        d.finish(&mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].sid, SID_SCAN_SUMMARY);
        assert_eq!(out[1].meta("probes").unwrap(), ["300"]);
        assert_eq!(out[1].meta("distinct_targets").unwrap(), ["300"]);
    }

    #[test]
    fn zmap_horizontal_sweep_names_zmap_and_the_net() {
        let mut d = ScanDetector::new(ScanConfig::default());
        let mut out = Vec::new();
        for h in 0..=255u16 {
            let p = syn(
                "192.168.77.66",
                &format!("198.51.100.{h}"),
                80,
                54321,
                65535,
                20,
                None,
            );
            d.packet(Timestamp(h as i64 * 10_000), &p, true, &mut out);
        }
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].sid, SID_SCAN_HORIZONTAL);
        assert_eq!(out[0].src.to_string(), "192.168.77.66");
        assert_eq!(out[0].dport, Some(80));
        assert_eq!(out[0].meta("tool").unwrap(), ["zmap"]);
        assert_eq!(out[0].meta("target_net").unwrap(), ["198.51.100.0/24"]);
    }

    #[test]
    fn a_browser_opening_connections_is_not_a_scan() {
        let mut d = ScanDetector::new(ScanConfig::default());
        let mut out = Vec::new();
        // 200 connections from one client to 10 web servers on 80/443, real-stack SYNs.
        for i in 0..200u32 {
            let mut p = syn(
                "192.168.77.10",
                &format!("198.51.100.{}", i % 10),
                if i % 2 == 0 { 80 } else { 443 },
                i,
                64240,
                40,
                Some(1460),
            );
            if let L4::Tcp(t) = &mut p.l4 {
                t.options.sack_permitted = true;
                t.options.wscale = Some(7);
                t.options.timestamp = Some((i, 0));
            }
            d.packet(Timestamp(i as i64 * 100_000), &p, true, &mut out);
        }
        d.finish(&mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn sources_are_capped() {
        let mut d = ScanDetector::new(ScanConfig {
            max_sources: 64,
            ..Default::default()
        });
        let mut out = Vec::new();
        for i in 0..5000u32 {
            let src = std::net::Ipv4Addr::from(0x0a00_0000 + i).to_string();
            let p = syn(&src, "192.168.77.20", 22, i, 1024, 24, Some(1460));
            d.packet(Timestamp(i as i64), &p, true, &mut out);
        }
        assert!(d.sources.len() <= 64);
        assert!(d.dropped_sources > 4900);
    }
}
