//! Protocol detection by content (Suricata's probing parsers and patterns), ports only as hints.
//!
//! Two engines, as in Suricata 7 (`app-layer-detect-proto.c`):
//! - **patterns** ("PM"): short strings anchored near the start of a direction's stream, each
//!   with Suricata's `depth`/`offset`; some are confirmed by a probe (SMB, DCERPC, TLS).
//!   A direction's pattern search is *done* once a pattern matched or once the buffer is as long
//!   as the deepest pattern of that direction.
//! - **probing parsers** ("PP"): functions registered on server ports (DNS on 53, SMB on 445, ...)
//!   that answer found / unknown / failed. A direction's probing is *done* when every prober of
//!   its ports failed (or ran past its `max_depth`), or when no prober is registered there.
//!
//! The flow-level state machine that uses these answers (both directions, "failed", the
//! one-direction case) lives in `layer.rs`.

use crate::AppProto;
use flow::Direction;

/// IP protocol numbers.
pub const IPPROTO_TCP: u8 = 6;
pub const IPPROTO_UDP: u8 = 17;

/// Answer of one probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Found(AppProto),
    /// Not enough data to tell.
    Unknown,
    /// This is certainly not the protocol.
    Failed,
}

type ProbeFn = fn(&[u8], Direction) -> Probe;

/// One pattern of the pattern engine.
struct Pattern {
    proto: AppProto,
    pat: &'static [u8],
    depth: usize,
    offset: usize,
    nocase: bool,
    /// Confirmation probe and the minimum buffer length it needs.
    pp: Option<(ProbeFn, usize)>,
}

const fn p(proto: AppProto, pat: &'static [u8], depth: usize, offset: usize, nocase: bool) -> Pattern {
    Pattern {
        proto,
        pat,
        depth,
        offset,
        nocase,
        pp: None,
    }
}

const fn pc(
    proto: AppProto,
    pat: &'static [u8],
    depth: usize,
    offset: usize,
    f: ProbeFn,
    min: usize,
) -> Pattern {
    Pattern {
        proto,
        pat,
        depth,
        offset,
        nocase: false,
        pp: Some((f, min)),
    }
}

use AppProto as A;

/// TCP patterns toward the server.
static TCP_TS: &[Pattern] = &[
    p(A::Http, b"GET ", 4, 0, true),
    p(A::Http, b"GET\t", 4, 0, true),
    p(A::Http, b"PUT ", 4, 0, true),
    p(A::Http, b"PUT\t", 4, 0, true),
    p(A::Http, b"POST ", 5, 0, true),
    p(A::Http, b"POST\t", 5, 0, true),
    p(A::Http, b"HEAD ", 5, 0, true),
    p(A::Http, b"HEAD\t", 5, 0, true),
    p(A::Http, b"TRACE ", 6, 0, true),
    p(A::Http, b"TRACE\t", 6, 0, true),
    p(A::Http, b"OPTIONS ", 8, 0, true),
    p(A::Http, b"OPTIONS\t", 8, 0, true),
    p(A::Http, b"CONNECT ", 8, 0, true),
    p(A::Http, b"CONNECT\t", 8, 0, true),
    p(A::Http, b"DELETE ", 7, 0, true),
    p(A::Http, b"DELETE\t", 7, 0, true),
    p(A::Http, b"PATCH ", 6, 0, true),
    p(A::Http, b"PATCH\t", 6, 0, true),
    p(A::Http, b"PROPFIND ", 9, 0, true),
    p(A::Http, b"PROPFIND\t", 9, 0, true),
    p(A::Http, b"PROPPATCH ", 10, 0, true),
    p(A::Http, b"PROPPATCH\t", 10, 0, true),
    p(A::Http, b"MKCOL ", 6, 0, true),
    p(A::Http, b"MKCOL\t", 6, 0, true),
    p(A::Http, b"COPY ", 5, 0, true),
    p(A::Http, b"COPY\t", 5, 0, true),
    p(A::Http, b"MOVE ", 5, 0, true),
    p(A::Http, b"MOVE\t", 5, 0, true),
    p(A::Http, b"LOCK ", 5, 0, true),
    p(A::Http, b"LOCK\t", 5, 0, true),
    p(A::Http, b"UNLOCK ", 7, 0, true),
    p(A::Http, b"UNLOCK\t", 7, 0, true),
    p(A::Http, b"CHECKOUT ", 9, 0, true),
    p(A::Http, b"CHECKOUT\t", 9, 0, true),
    p(A::Http, b"UNCHECKOUT ", 11, 0, true),
    p(A::Http, b"UNCHECKOUT\t", 11, 0, true),
    p(A::Http, b"CHECKIN ", 8, 0, true),
    p(A::Http, b"CHECKIN\t", 8, 0, true),
    p(A::Http, b"UPDATE ", 7, 0, true),
    p(A::Http, b"UPDATE\t", 7, 0, true),
    p(A::Http, b"LABEL ", 6, 0, true),
    p(A::Http, b"LABEL\t", 6, 0, true),
    p(A::Http, b"REPORT ", 7, 0, true),
    p(A::Http, b"REPORT\t", 7, 0, true),
    p(A::Http, b"MKWORKSPACE ", 12, 0, true),
    p(A::Http, b"MKWORKSPACE\t", 12, 0, true),
    p(A::Http, b"MKACTIVITY ", 11, 0, true),
    p(A::Http, b"MKACTIVITY\t", 11, 0, true),
    p(A::Http, b"MERGE ", 6, 0, true),
    p(A::Http, b"MERGE\t", 6, 0, true),
    p(A::Http, b"INVALID ", 8, 0, true),
    p(A::Http, b"INVALID\t", 8, 0, true),
    p(A::Http, b"VERSION-CONTROL ", 16, 0, true),
    p(A::Http, b"VERSION-CONTROL\t", 16, 0, true),
    p(A::Http, b"BASELINE-CONTROL ", 17, 0, true),
    p(A::Http, b"BASELINE-CONTROL\t", 17, 0, true),
    p(A::Http2, b"PRI * HTTP/2.0\r\n", 16, 0, true),
    p(A::Imap, b"1 capability", 12, 0, false),
    p(A::Rfb, b"RFB ", 4, 0, true),
    p(A::Smtp, b"EHLO", 4, 0, true),
    p(A::Smtp, b"HELO", 4, 0, true),
    p(A::Smtp, b"QUIT", 4, 0, true),
    p(A::Ssh, b"SSH-", 4, 0, true),
    pc(A::Tls, b"\x01\x00\x02", 5, 2, probe_sslv2, 0),
    p(A::Tls, b"\x01\x03\x00", 3, 0, false),
    p(A::Tls, b"\x16\x03\x00", 3, 0, false),
    p(A::Tls, b"\x01\x03\x01", 3, 0, false),
    p(A::Tls, b"\x16\x03\x01", 3, 0, false),
    p(A::Tls, b"\x01\x03\x02", 3, 0, false),
    p(A::Tls, b"\x16\x03\x02", 3, 0, false),
    p(A::Tls, b"\x01\x03\x03", 3, 0, false),
    p(A::Tls, b"\x16\x03\x03", 3, 0, false),
    p(A::Tls, b"\x01\x03\x00", 5, 2, false),
    p(A::Ftp, b"FEAT", 4, 0, true),
    p(A::Ftp, b"USER ", 5, 0, true),
    p(A::Ftp, b"PASS ", 5, 0, true),
    p(A::Ftp, b"PORT ", 5, 0, true),
    pc(A::Dcerpc, b"\x05\x00", 2, 0, probe_dcerpc_tcp, 0),
    pc(A::Smb, b"\xffSMB", 8, 4, probe_smb_begins, 32),
    pc(A::Smb, b"\xfeSMB", 8, 4, probe_smb_begins, 32),
    pc(A::Smb, b"\xfdSMB", 8, 4, probe_smb_begins, 32),
];

/// TCP patterns toward the client.
static TCP_TC: &[Pattern] = &[
    p(A::Http, b"HTTP/0.9", 8, 0, true),
    p(A::Http, b"HTTP/1.0", 8, 0, true),
    p(A::Http, b"HTTP/1.1", 8, 0, true),
    p(A::Rfb, b"RFB ", 4, 0, true),
    p(A::Ssh, b"SSH-", 4, 0, true),
    p(A::Ftp, b"220 (", 5, 0, true),
    p(A::Tls, b"\x15\x03\x00", 3, 0, false),
    p(A::Tls, b"\x16\x03\x00", 3, 0, false),
    p(A::Tls, b"\x17\x03\x00", 3, 0, false),
    p(A::Tls, b"\x15\x03\x01", 3, 0, false),
    p(A::Tls, b"\x16\x03\x01", 3, 0, false),
    p(A::Tls, b"\x17\x03\x01", 3, 0, false),
    p(A::Tls, b"\x15\x03\x02", 3, 0, false),
    p(A::Tls, b"\x16\x03\x02", 3, 0, false),
    p(A::Tls, b"\x17\x03\x02", 3, 0, false),
    p(A::Tls, b"\x15\x03\x03", 3, 0, false),
    p(A::Tls, b"\x16\x03\x03", 3, 0, false),
    p(A::Tls, b"\x17\x03\x03", 3, 0, false),
    p(A::Tls, b"\x00\x02", 7, 5, false),
    pc(A::Dcerpc, b"\x05\x00", 2, 0, probe_dcerpc_tcp, 0),
    pc(A::Smb, b"\xffSMB", 8, 4, probe_smb_begins, 32),
    pc(A::Smb, b"\xfeSMB", 8, 4, probe_smb_begins, 32),
    pc(A::Smb, b"\xfdSMB", 8, 4, probe_smb_begins, 32),
];

/// UDP patterns toward the server (Suricata registers none toward the client).
static UDP_TS: &[Pattern] = &[
    pc(A::Dcerpc, b"\x04\x00", 2, 0, probe_dcerpc_udp, 0),
    p(A::Bittorrent, b"d1:ad2:id20:", 12, 0, false),
    p(A::Bittorrent, b"d1:rd2:id20:", 12, 0, false),
];

static NO_PATTERNS: &[Pattern] = &[];

fn patterns(ipproto: u8, dir: Direction) -> &'static [Pattern] {
    match (ipproto, dir) {
        (IPPROTO_TCP, Direction::ToServer) => TCP_TS,
        (IPPROTO_TCP, Direction::ToClient) => TCP_TC,
        (IPPROTO_UDP, Direction::ToServer) => UDP_TS,
        _ => NO_PATTERNS,
    }
}

/// Deepest pattern of a direction: past this many bytes without a match, the search is done.
fn max_depth(pats: &[Pattern]) -> usize {
    pats.iter().map(|p| p.depth).max().unwrap_or(0)
}

/// Result of the pattern engine on one buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pm {
    Found(AppProto),
    /// No match; `done` when no pattern can match however much more data comes.
    None {
        done: bool,
    },
}

fn window_has(hay: &[u8], pat: &[u8], nocase: bool) -> bool {
    if pat.is_empty() || hay.len() < pat.len() {
        return false;
    }
    hay.windows(pat.len()).any(|w| {
        if nocase {
            w.eq_ignore_ascii_case(pat)
        } else {
            w == pat
        }
    })
}

/// Runs the patterns of `dir` over the start of a stream (or a datagram).
pub fn pm(ipproto: u8, dir: Direction, buf: &[u8], enabled: &dyn Fn(AppProto) -> bool) -> Pm {
    let pats = patterns(ipproto, dir);
    if pats.is_empty() {
        return Pm::None { done: true };
    }
    let maxd = max_depth(pats);
    let searchlen = buf.len().min(maxd);
    let mut any_raw = false;
    let mut pp_max = 0usize;
    for pat in pats {
        if let Some((_, min)) = pat.pp {
            pp_max = pp_max.max(min);
        }
        if pat.depth > searchlen || !enabled(pat.proto) {
            continue;
        }
        let window = match buf.get(pat.offset..pat.depth) {
            Some(w) => w,
            None => continue,
        };
        if !window_has(window, pat.pat, pat.nocase) {
            continue;
        }
        any_raw = true;
        match pat.pp {
            None => return Pm::Found(pat.proto),
            Some((f, min)) => {
                if buf.len() < min {
                    continue;
                }
                if let Probe::Found(pr) = f(buf, dir) {
                    if pr == pat.proto {
                        return Pm::Found(pr);
                    }
                }
            }
        }
    }
    let done = if any_raw {
        buf.len() >= pp_max
    } else {
        buf.len() >= maxd
    };
    Pm::None { done }
}

/// One probing parser, registered on server ports.
pub struct Prober {
    pub proto: AppProto,
    pub ipproto: u8,
    pub ports: &'static [u16],
    pub min_depth: usize,
    /// 0 = no limit.
    pub max_depth: usize,
    pub ts: Option<ProbeFn>,
    pub tc: Option<ProbeFn>,
}

const fn pr(
    proto: AppProto,
    ipproto: u8,
    ports: &'static [u16],
    min_depth: usize,
    max_depth: usize,
    ts: Option<ProbeFn>,
    tc: Option<ProbeFn>,
) -> Prober {
    Prober {
        proto,
        ipproto,
        ports,
        min_depth,
        max_depth,
        ts,
        tc,
    }
}

/// Suricata 7.0.10's probing parsers with the default suricata.yaml ports. Index = bit in the
/// per-flow "failed" masks.
pub static PROBERS: &[Prober] = &[
    pr(
        A::Dns,
        IPPROTO_UDP,
        &[53],
        0,
        12,
        Some(probe_dns_udp),
        Some(probe_dns_udp),
    ),
    pr(
        A::Dns,
        IPPROTO_TCP,
        &[53],
        0,
        14,
        Some(probe_dns_tcp),
        Some(probe_dns_tcp),
    ),
    pr(A::Tls, IPPROTO_TCP, &[443], 0, 3, Some(probe_tls), None),
    pr(A::Http2, IPPROTO_TCP, &[80], 9, 24, None, Some(probe_http2_tc)),
    pr(
        A::Smb,
        IPPROTO_TCP,
        &[139, 445],
        0,
        32,
        Some(probe_smb_tcp),
        Some(probe_smb_tcp),
    ),
    pr(
        A::Nfs,
        IPPROTO_TCP,
        &[2049],
        0,
        32,
        Some(probe_nfs_tcp),
        Some(probe_nfs_tcp),
    ),
    pr(
        A::Nfs,
        IPPROTO_UDP,
        &[2049],
        0,
        32,
        Some(probe_nfs_udp),
        Some(probe_nfs_udp),
    ),
    pr(
        A::Krb5,
        IPPROTO_UDP,
        &[88],
        0,
        16,
        Some(probe_krb5_udp),
        Some(probe_krb5_udp),
    ),
    pr(
        A::Krb5,
        IPPROTO_TCP,
        &[88],
        0,
        16,
        Some(probe_krb5_tcp),
        Some(probe_krb5_tcp),
    ),
    pr(
        A::Dhcp,
        IPPROTO_UDP,
        &[67, 68],
        0,
        16,
        Some(probe_dhcp),
        Some(probe_dhcp),
    ),
    pr(
        A::Ntp,
        IPPROTO_UDP,
        &[123],
        0,
        16,
        Some(probe_ntp),
        Some(probe_ntp),
    ),
    pr(
        A::Snmp,
        IPPROTO_UDP,
        &[161, 162],
        0,
        16,
        Some(probe_snmp),
        Some(probe_snmp),
    ),
    pr(
        A::Sip,
        IPPROTO_UDP,
        &[5060, 5061],
        0,
        16,
        Some(probe_sip_ts),
        Some(probe_sip_tc),
    ),
    pr(
        A::Quic,
        IPPROTO_UDP,
        &[443, 80],
        0,
        16,
        Some(probe_quic),
        Some(probe_quic),
    ),
    pr(
        A::Ike,
        IPPROTO_UDP,
        &[500, 4500],
        0,
        16,
        Some(probe_ike),
        Some(probe_ike),
    ),
    pr(A::Tftp, IPPROTO_UDP, &[69], 0, 4, Some(probe_tftp), None),
    pr(
        A::Mqtt,
        IPPROTO_TCP,
        &[1883],
        0,
        16,
        Some(probe_mqtt),
        Some(probe_mqtt),
    ),
    pr(
        A::Rdp,
        IPPROTO_TCP,
        &[3389],
        0,
        16,
        Some(probe_rdp),
        Some(probe_rdp),
    ),
    pr(
        A::Telnet,
        IPPROTO_TCP,
        &[23],
        0,
        16,
        Some(probe_telnet),
        Some(probe_telnet),
    ),
    pr(
        A::Enip,
        IPPROTO_TCP,
        &[44818],
        0,
        24,
        Some(probe_enip),
        Some(probe_enip),
    ),
    pr(
        A::Enip,
        IPPROTO_UDP,
        &[44818],
        0,
        24,
        Some(probe_enip),
        Some(probe_enip),
    ),
    pr(
        A::Modbus,
        IPPROTO_TCP,
        &[502],
        0,
        16,
        Some(probe_modbus),
        Some(probe_modbus),
    ),
    pr(
        A::Dnp3,
        IPPROTO_TCP,
        &[20000],
        0,
        10,
        Some(probe_dnp3),
        Some(probe_dnp3),
    ),
];

/// Result of the probing-parser engine on one buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pp {
    Found(AppProto),
    None { done: bool },
}

/// Runs the probers registered on the flow's server port (plus the prober of the protocol the
/// other direction found, whatever the port). `failed` accumulates the probers that gave up.
pub fn pp(
    ipproto: u8,
    dir: Direction,
    server_port: u16,
    other: Option<AppProto>,
    buf: &[u8],
    failed: &mut u32,
    enabled: &dyn Fn(AppProto) -> bool,
) -> Pp {
    let mut port_mask = 0u32;
    let mut any = false;
    // pe0: the other direction's protocol, then pe1: the server port's probers.
    let order = PROBERS
        .iter()
        .enumerate()
        .filter(|(_, p)| p.ipproto == ipproto && enabled(p.proto));
    let pe0 = order
        .clone()
        .filter(|(_, p)| Some(p.proto) == other && !p.ports.contains(&server_port));
    let pe1 = order.filter(|(_, p)| p.ports.contains(&server_port));
    for (is_port, (i, prober)) in pe0.map(|x| (false, x)).chain(pe1.map(|x| (true, x))) {
        let bit = 1u32 << (i as u32 & 31);
        any = true;
        if is_port {
            port_mask |= bit;
        }
        if buf.len() < prober.min_depth || *failed & bit != 0 {
            continue;
        }
        let f = match dir {
            Direction::ToServer => prober.ts,
            Direction::ToClient => prober.tc,
        };
        let r = f.map(|f| f(buf, dir)).unwrap_or(Probe::Unknown);
        match r {
            Probe::Found(p) => return Pp::Found(p),
            Probe::Failed => *failed |= bit,
            Probe::Unknown => {
                if prober.max_depth != 0 && buf.len() > prober.max_depth {
                    *failed |= bit;
                }
            }
        }
    }
    Pp::None {
        done: !any || (*failed & port_mask) == port_mask,
    }
}

// ---------------------------------------------------------------------------------------------
// Probes. Each mirrors the checks of Suricata's probing parser for the protocol, never panics.

fn be16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}
fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
        *b.get(at + 2)?,
        *b.get(at + 3)?,
    ]))
}

fn probe_dns_udp(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 12 {
        return Probe::Unknown;
    }
    if crate::dns::probe_udp(b) {
        Probe::Found(A::Dns)
    } else {
        Probe::Failed
    }
}

fn probe_dns_tcp(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 14 {
        return Probe::Unknown;
    }
    if crate::dns::probe_tcp(b) {
        Probe::Found(A::Dns)
    } else {
        Probe::Failed
    }
}

fn probe_tls(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 3 {
        return Probe::Unknown;
    }
    if crate::tls::probe(b) {
        Probe::Found(A::Tls)
    } else {
        Probe::Failed
    }
}

/// SSLv2 client hello (`|01 00 02|` at offset 2 confirmed by Suricata's SSL probe).
fn probe_sslv2(b: &[u8], _d: Direction) -> Probe {
    match b.first() {
        Some(&x) if x & 0x80 != 0 || x & 0xc0 == 0x40 => Probe::Found(A::Tls),
        Some(_) => Probe::Failed,
        None => Probe::Unknown,
    }
}

fn probe_http2_tc(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 9 {
        return Probe::Unknown;
    }
    // A server preface starts with a SETTINGS frame on stream 0.
    let len = (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2]);
    if b[3] == 4 && be32(b, 5).map(|s| s & 0x7fff_ffff) == Some(0) && len % 6 == 0 {
        Probe::Found(A::Http2)
    } else {
        Probe::Failed
    }
}

fn smb_magic(b: &[u8]) -> bool {
    matches!(b.get(4..8), Some(m) if m == b"\xffSMB" || m == b"\xfeSMB" || m == b"\xfdSMB")
}

/// NBSS session message carrying an SMB header.
fn probe_smb_begins(b: &[u8], _d: Direction) -> Probe {
    if b.first() == Some(&0) && smb_magic(b) {
        Probe::Found(A::Smb)
    } else {
        Probe::Failed
    }
}

fn probe_smb_tcp(b: &[u8], d: Direction) -> Probe {
    if b.len() < 4 {
        return Probe::Unknown;
    }
    if smb_magic(b) && b[0] == 0 {
        return Probe::Found(A::Smb);
    }
    // NBSS control messages (session request / response / keepalive).
    match b[0] {
        0x81..=0x85 => Probe::Found(A::Smb),
        0x00 if b.len() < 8 => Probe::Unknown,
        _ => {
            let _ = d;
            Probe::Failed
        }
    }
}

/// Suricata 7.0.10's `rs_dcerpc_probe_tcp`: version 5.0, a data representation it knows.
fn probe_dcerpc_tcp(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 16 {
        return Probe::Unknown;
    }
    let ok = b[0] == 5 && b[1] == 0 && b[4] & 0xee == 0 && b[5] <= 3;
    if ok {
        Probe::Found(A::Dcerpc)
    } else {
        Probe::Failed
    }
}

fn probe_dcerpc_udp(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 80 {
        return Probe::Unknown;
    }
    if b[0] == 4 && b[1] <= 10 {
        Probe::Found(A::Dcerpc)
    } else {
        Probe::Failed
    }
}

fn rpc_probe(b: &[u8], d: Direction) -> Probe {
    // xid, msg type, (call: rpc version 2, program 100003 = NFS)
    let Some(mtype) = be32(b, 4) else {
        return Probe::Unknown;
    };
    match (mtype, d) {
        (0, _) => match (be32(b, 8), be32(b, 12)) {
            (Some(2), Some(100_003)) => Probe::Found(A::Nfs),
            (Some(_), Some(_)) => Probe::Failed,
            _ => Probe::Unknown,
        },
        (1, Direction::ToClient) => match be32(b, 8) {
            Some(0) | Some(1) => Probe::Found(A::Nfs),
            Some(_) => Probe::Failed,
            None => Probe::Unknown,
        },
        _ => Probe::Failed,
    }
}

fn probe_nfs_tcp(b: &[u8], d: Direction) -> Probe {
    if b.len() < 4 {
        return Probe::Unknown;
    }
    rpc_probe(b.get(4..).unwrap_or_default(), d)
}

fn probe_nfs_udp(b: &[u8], d: Direction) -> Probe {
    rpc_probe(b, d)
}

/// DER element header: (class, constructed, tag, header length).
fn der_header(b: &[u8]) -> Option<(u8, bool, u8, usize)> {
    let first = *b.first()?;
    let class = first >> 6;
    let constructed = first & 0x20 != 0;
    let tag = first & 0x1f;
    let l0 = *b.get(1)?;
    let hl = if l0 & 0x80 == 0 {
        2
    } else {
        2 + usize::from(l0 & 0x7f)
    };
    if hl > 6 || b.len() < hl {
        return None;
    }
    Some((class, constructed, tag, hl))
}

fn probe_krb5_udp(b: &[u8], _d: Direction) -> Probe {
    if b.len() <= 10 {
        return Probe::Failed;
    }
    let Some((class, _, tag, hl)) = der_header(b) else {
        return Probe::Failed;
    };
    if class != 1 || tag > 30 {
        return Probe::Failed;
    }
    let rem = &b[hl..];
    if rem.first() != Some(&0x30) {
        return Probe::Failed;
    }
    if let Some((_, _, _, hl2)) = der_header(rem) {
        let r = &rem[hl2..];
        if r.len() > 5 && r[2] == 2 && r[3] == 1 && r[4] == 5 {
            return Probe::Found(A::Krb5);
        }
    }
    Probe::Failed
}

fn probe_krb5_tcp(b: &[u8], d: Direction) -> Probe {
    if b.len() <= 14 {
        return Probe::Failed;
    }
    match be32(b, 0) {
        Some(m) if m > 16384 => Probe::Failed,
        Some(_) => probe_krb5_udp(&b[4..], d),
        None => Probe::Failed,
    }
}

fn probe_dhcp(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 240 {
        return Probe::Unknown;
    }
    if b.get(236..240) == Some(&[0x63, 0x82, 0x53, 0x63][..]) {
        Probe::Found(A::Dhcp)
    } else {
        Probe::Unknown
    }
}

fn probe_ntp(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 48 {
        return Probe::Unknown;
    }
    let version = (b[0] >> 3) & 7;
    if version == 3 || version == 4 {
        Probe::Found(A::Ntp)
    } else {
        Probe::Failed
    }
}

fn probe_snmp(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 4 {
        return Probe::Failed;
    }
    let Some((class, constructed, tag, hl)) = der_header(b) else {
        return Probe::Unknown;
    };
    if class != 0 || !constructed || tag != 16 {
        return Probe::Failed;
    }
    match b.get(hl..hl + 3) {
        Some([2, 1, v]) if *v <= 3 => Probe::Found(A::Snmp),
        Some(_) => Probe::Failed,
        None => Probe::Unknown,
    }
}

/// Suricata 7.0.10's `rs_sip_probing_parser_ts`: the whole datagram parses as a request
/// (first line, headers, empty line).
fn probe_sip_ts(b: &[u8], _d: Direction) -> Probe {
    if crate::sip::parse_request(b).is_ok() {
        Probe::Found(A::Sip)
    } else {
        Probe::Unknown
    }
}

/// `rs_sip_probing_parser_tc`: the datagram parses as a response.
fn probe_sip_tc(b: &[u8], _d: Direction) -> Probe {
    if crate::sip::parse_response(b).is_ok() {
        Probe::Found(A::Sip)
    } else {
        Probe::Unknown
    }
}

/// Suricata 7.0.10's `rs_quic_probing_parser`: the datagram starts with a QUIC header.
fn probe_quic(b: &[u8], _d: Direction) -> Probe {
    if crate::quic::probe(b) {
        Probe::Found(A::Quic)
    } else {
        Probe::Failed
    }
}

fn probe_ike(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 28 {
        return Probe::Failed;
    }
    let major = b[17] >> 4;
    let len = be32(b, 24).unwrap_or(0) as usize;
    if (major == 1 || major == 2) && len >= 28 && len <= b.len() {
        Probe::Found(A::Ike)
    } else {
        Probe::Failed
    }
}

fn probe_tftp(b: &[u8], _d: Direction) -> Probe {
    match (b.first(), b.get(1)) {
        (Some(0), Some(1..=5)) => Probe::Found(A::Tftp),
        (Some(_), Some(_)) => Probe::Failed,
        _ => Probe::Unknown,
    }
}

fn probe_mqtt(b: &[u8], _d: Direction) -> Probe {
    let Some(&first) = b.first() else {
        return Probe::Unknown;
    };
    match first >> 4 {
        1 => {
            if b.len() < 10 {
                return Probe::Unknown;
            }
            if window_has(b.get(..16).unwrap_or(b), b"MQTT", false)
                || window_has(b.get(..16).unwrap_or(b), b"MQIsdp", false)
            {
                Probe::Found(A::Mqtt)
            } else {
                Probe::Failed
            }
        }
        2 if b.get(1) == Some(&2) => Probe::Found(A::Mqtt),
        _ => Probe::Failed,
    }
}

fn probe_rdp(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 4 {
        return Probe::Unknown;
    }
    if b[0] == 3 && b[1] == 0 && be16(b, 2).is_some_and(|l| l >= 7) {
        Probe::Found(A::Rdp)
    } else {
        Probe::Failed
    }
}

fn probe_telnet(b: &[u8], _d: Direction) -> Probe {
    if b.len() > 1 {
        Probe::Found(A::Telnet)
    } else {
        Probe::Unknown
    }
}

fn probe_enip(b: &[u8], _d: Direction) -> Probe {
    match crate::enip::probe(b) {
        None => Probe::Unknown,
        Some(true) => Probe::Found(A::Enip),
        Some(false) => Probe::Failed,
    }
}

fn probe_modbus(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 8 {
        return Probe::Unknown;
    }
    if be16(b, 2) == Some(0) && be16(b, 4).is_some_and(|l| (2..=254).contains(&l)) {
        Probe::Found(A::Modbus)
    } else {
        Probe::Failed
    }
}

fn probe_dnp3(b: &[u8], _d: Direction) -> Probe {
    if b.len() < 10 {
        return Probe::Unknown;
    }
    if b[0] == 0x05 && b[1] == 0x64 && b[2] >= 5 {
        Probe::Found(A::Dnp3)
    } else {
        Probe::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    const TS: Direction = Direction::ToServer;
    const TC: Direction = Direction::ToClient;
    fn all(_: AppProto) -> bool {
        true
    }

    #[test]
    fn http_methods_need_full_depth() {
        assert_eq!(
            pm(IPPROTO_TCP, TS, b"GET / HTTP/1.1\r\n", &all),
            Pm::Found(A::Http)
        );
        assert_eq!(pm(IPPROTO_TCP, TS, b"get /", &all), Pm::Found(A::Http));
        assert_eq!(pm(IPPROTO_TCP, TS, b"GET", &all), Pm::None { done: false });
        assert_eq!(
            pm(IPPROTO_TCP, TC, b"HTTP/1.1 200 OK\r\n", &all),
            Pm::Found(A::Http)
        );
        assert_eq!(pm(IPPROTO_TCP, TC, b"HTTP/1.", &all), Pm::None { done: false });
    }

    #[test]
    fn search_done_at_deepest_pattern() {
        assert_eq!(
            pm(IPPROTO_TCP, TS, b"0123456789abcdef", &all),
            Pm::None { done: false }
        );
        assert_eq!(
            pm(IPPROTO_TCP, TS, b"0123456789abcdefg", &all),
            Pm::None { done: true }
        );
        assert_eq!(pm(IPPROTO_TCP, TC, b"0123456", &all), Pm::None { done: false });
        assert_eq!(pm(IPPROTO_TCP, TC, b"01234567", &all), Pm::None { done: true });
    }

    #[test]
    fn patterns_of_each_protocol() {
        assert_eq!(
            pm(IPPROTO_TCP, TS, b"SSH-2.0-OpenSSH_9.2\r\n", &all),
            Pm::Found(A::Ssh)
        );
        assert_eq!(
            pm(IPPROTO_TCP, TC, b"SSH-2.0-OpenSSH_9.2\r\n", &all),
            Pm::Found(A::Ssh)
        );
        assert_eq!(pm(IPPROTO_TCP, TS, b"USER alice\r\n", &all), Pm::Found(A::Ftp));
        assert_eq!(
            pm(IPPROTO_TCP, TC, b"220 (vsFTPd 3.0.5)\r\n", &all),
            Pm::Found(A::Ftp)
        );
        assert_eq!(
            pm(IPPROTO_TCP, TC, b"220 Welcome to FTP\r\n", &all),
            Pm::None { done: true }
        );
        assert_eq!(pm(IPPROTO_TCP, TS, b"EHLO client\r\n", &all), Pm::Found(A::Smtp));
        assert_eq!(
            pm(IPPROTO_TCP, TS, b"\x16\x03\x01\x02\x00\x01", &all),
            Pm::Found(A::Tls)
        );
        assert_eq!(
            pm(IPPROTO_TCP, TC, b"\x16\x03\x03\x00\x5a\x02", &all),
            Pm::Found(A::Tls)
        );
        assert_eq!(
            pm(IPPROTO_TCP, TS, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", &all),
            Pm::Found(A::Http2)
        );
        let mut smb = vec![0u8, 0, 0, 0x40];
        smb.extend_from_slice(b"\xfeSMB");
        smb.resize(68, 0);
        assert_eq!(pm(IPPROTO_TCP, TS, &smb, &all), Pm::Found(A::Smb));
        let mut dce = vec![5u8, 0, 11, 3, 0x10, 0, 0, 0];
        dce.resize(72, 0);
        assert_eq!(pm(IPPROTO_TCP, TS, &dce, &all), Pm::Found(A::Dcerpc));
    }

    #[test]
    fn disabled_protocol_is_not_found() {
        let no_ssh = |p: AppProto| p != A::Ssh;
        assert_eq!(
            pm(IPPROTO_TCP, TS, b"SSH-2.0-x\r\n", &no_ssh),
            Pm::None { done: false }
        );
    }

    #[test]
    fn probers_by_port() {
        let mut failed = 0;
        let mut ntp = vec![0x23u8];
        ntp.resize(48, 0);
        assert_eq!(
            pp(IPPROTO_UDP, TS, 123, None, &ntp, &mut failed, &all),
            Pp::Found(A::Ntp)
        );
        // no prober on this port: done at once
        assert_eq!(
            pp(IPPROTO_UDP, TS, 9999, None, &ntp, &mut failed, &all),
            Pp::None { done: true }
        );
        // a prober that failed makes the direction done
        let mut failed = 0;
        assert_eq!(
            pp(
                IPPROTO_TCP,
                TS,
                3389,
                None,
                b"\x16\x03\x01\x00",
                &mut failed,
                &all
            ),
            Pp::None { done: true }
        );
        assert_ne!(failed, 0);
        // telnet: unknown with one byte, found with two
        let mut failed = 0;
        assert_eq!(
            pp(IPPROTO_TCP, TC, 23, None, b"\xff", &mut failed, &all),
            Pp::None { done: false }
        );
        assert_eq!(
            pp(IPPROTO_TCP, TC, 23, None, b"\xff\xfd", &mut failed, &all),
            Pp::Found(A::Telnet)
        );
    }

    #[test]
    fn udp_probes() {
        let mut dhcp = vec![1u8, 1, 6, 0];
        dhcp.resize(236, 0);
        dhcp.extend_from_slice(&[0x63, 0x82, 0x53, 0x63, 53, 1, 1, 255]);
        assert_eq!(probe_dhcp(&dhcp, TS), Probe::Found(A::Dhcp));
        assert_eq!(probe_dhcp(&dhcp[..100], TS), Probe::Unknown);
        assert_eq!(
            probe_sip_ts(b"REGISTER sip:x SIP/2.0\r\nVia: x\r\n\r\n", TS),
            Probe::Found(A::Sip)
        );
        // As Suricata: the message must be whole (headers and the empty line).
        assert_eq!(
            probe_sip_ts(b"REGISTER sip:x SIP/2.0\r\nVia: x\r\n", TS),
            Probe::Unknown
        );
        assert_eq!(probe_sip_tc(b"SIP/2.0 200 OK\r\n\r\n", TC), Probe::Found(A::Sip));
        assert_eq!(probe_sip_tc(b"SIP/2.0 200 OK\r\n", TC), Probe::Unknown);
        // Any letters make a method.
        assert_eq!(
            probe_sip_ts(b"HELLO sip:x SIP/2.0\r\n\r\n", TS),
            Probe::Found(A::Sip)
        );
        assert_eq!(probe_sip_ts(b"HELLO sip:x HTTP/1.0\r\n\r\n", TS), Probe::Unknown);
        assert_eq!(
            probe_snmp(b"\x30\x26\x02\x01\x01\x04\x06public", TS),
            Probe::Found(A::Snmp)
        );
        assert_eq!(probe_snmp(b"\x31\x26\x02\x01", TS), Probe::Failed);
        assert_eq!(
            probe_krb5_udp(
                b"\x6a\x81\x10\x30\x81\x0d\xa1\x03\x02\x01\x05\xa2\x03\x02\x01\x0a",
                TS
            ),
            Probe::Found(A::Krb5)
        );
        assert_eq!(
            probe_krb5_udp(b"\x30\x81\x10\x30\x81\x0d\xa1\x03\x02\x01\x05", TS),
            Probe::Failed
        );
        assert_eq!(probe_ike(&[0u8; 10], TS), Probe::Failed);
    }

    #[test]
    fn probes_never_panic_on_short_input() {
        for prober in PROBERS {
            for n in 0..40 {
                let b = vec![0xffu8; n];
                for f in [prober.ts, prober.tc].into_iter().flatten() {
                    let _ = f(&b, TS);
                    let _ = f(&b[..n.min(3)], TC);
                }
            }
        }
    }
}
