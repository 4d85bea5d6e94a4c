//! The compiled, immutable [`Engine`]: rules grouped by what they inspect (packets per
//! protocol, direction and TCP session state, TCP streams per direction, app-layer
//! transactions per protocol and side: Suricata's signature group heads), each group with a
//! multi-pattern prefilter per buffer over every rule's fast pattern, and the matching entry
//! points.

use crate::buffers;
use crate::input::PacketInfo;
use crate::inspect::inspect;
use crate::inspect::{inspect_explain, RawHit};
use crate::keywords::bits::{BitNames, FlowVars};
use crate::keywords::xbits::XbitTable;
use crate::keywords::StepList;
use crate::keywords::{self, header, Compiled, Cond};
use crate::mpm::Scanner;
use crate::threshold::{self, Verdict};
use crate::{Alert, BuildOptions, Explain, FlowDetect, LoadReport, RuleSource, Skip, ThreadCtx};
use app::Record;
use rules::{Action, BufferRef, Classifications, Direction, FlowDir, FlowState, Protocol, Rule};
use std::sync::Mutex;

mod live_events;
mod progress;

/// What is shown in an alert for a rule.
#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub sid: u32,
    pub gid: u32,
    pub rev: u32,
    pub msg: String,
    pub category: String,
    pub severity: u8,
    pub action: Action,
    /// `metadata` keys with their values in Suricata's output order, packed into one string
    /// (one allocation per rule instead of one per value; read with [`RuleMeta::metadata`]).
    metadata: Box<str>,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Header (and flow state) keywords only.
    Header { ip_only: bool },
    /// Payload keywords: inspected on packets (`stream == false`) or stream chunks.
    Payload { packet: bool, stream: bool },
    /// App-layer buffers of one protocol's transactions.
    Tx,
}

#[derive(Debug)]
struct CRule {
    meta: RuleMeta,
    kind: Kind,
    proto: Protocol,
    /// IP protocol numbers this rule applies to (`None` = any).
    ip_protos: Option<&'static [u8]>,
    app: Option<app::AppProto>,
    src: rules::Addresses,
    src_ports: rules::Ports,
    dst: rules::Addresses,
    dst_ports: rules::Ports,
    bidir: bool,
    /// Transactions: inspect as the to-server (`.0`) / to-client (`.1`) side.
    tx_dirs: (bool, bool),
    c: Compiled,
    /// Buffer ids of `c.bufs`, into `Engine::bufs`.
    buf_ids: Vec<u16>,
    noalert: bool,
    /// Suricata's `SIG_TYPE_PDONLY`: only `app-layer-protocol` (with at most a flow direction,
    /// flowbits `set` and IP-only keywords); checked only on packets that finished protocol
    /// detection.
    pd_only: bool,
    /// A transaction rule with payload keywords too (`c.payload`): Suricata's stream inspect
    /// engine (`DetectEngineInspectStream`), checked on the stream chunks of the side being
    /// inspected (TCP), on the packet payload (UDP), or taken as matching (other protocols).
    mixed: bool,
    /// Suricata's `SIG_MASK_REQUIRE_PAYLOAD`: payload keywords, or a `dsize` that a packet
    /// without payload cannot meet. Such rules skip packets of flows whose payload is no
    /// longer inspected ([`PacketInfo::no_payload`]).
    needs_payload: bool,
    /// A TCP payload rule inspecting streams that also inspects the packets added to the
    /// stream: Suricata sets `SIG_FLAG_REQUIRE_PACKET` too when a content has `depth` or
    /// `offset` (detect-parse.c, `SigValidate`). (It does for `stream_size` too; not here yet:
    /// our stream chunks are inspected on the acknowledging packet, where the stream sizes
    /// differ from those Suricata sees, so the packet alert would come twice.)
    pkt_too: bool,
}

/// `pkt` (oriented client → server) as a packet of side `to_server`: addresses and ports
/// swapped for the to-client side.
fn side_packet<'a>(pkt: &PacketInfo<'a>, to_server: bool) -> PacketInfo<'a> {
    let mut side_pkt = *pkt;
    if !to_server {
        side_pkt.src = pkt.dst;
        side_pkt.dst = pkt.src;
        side_pkt.sport = pkt.dport;
        side_pkt.dport = pkt.sport;
    }
    side_pkt.to_server = to_server;
    side_pkt
}

impl CRule {
    /// Suricata's `SIG_TYPE_APPLAYER` (detect-engine-build.c, `SignatureSetType`): an app-layer
    /// rule with no match, payload or buffer keyword (flowbits `set` and thresholds aside).
    fn applayer_only(&self) -> bool {
        let c = &self.c;
        matches!(self.kind, Kind::Header { ip_only: false })
            && self.app.is_some()
            && !self.pd_only
            && c.conds.is_empty()
            && c.payload.is_none()
            && c.bufs.is_empty()
            && c.hdr_bufs.is_empty()
            && c.flow.is_none()
            && !c.has_dsize
            && c.app_layer_protocol.is_none()
            && c.base64_data.is_none()
            && c.tx_conds.is_empty()
            && c.xbit_conds.is_empty()
    }
}

/// A prefilter: one automaton over one buffer. Patterns are deduplicated: unique pattern `p`
/// stands for the rules `rules[ranges[p].0..ranges[p].1]`.
#[derive(Debug)]
struct Mpm {
    /// Buffer id (`u16::MAX` for the payload).
    buf: u16,
    /// Only the first `limit` bytes of each buffer instance are searched (the patterns'
    /// contents cannot end further in, see [`SCAN_LIMITS`]).
    limit: usize,
    sc: Scanner,
    /// Index of this automaton's first pattern among all the engine's patterns (for the
    /// per-thread "pattern already seen" stamps).
    base: u32,
    ranges: Vec<(u32, u32)>,
    rules: Vec<u32>,
}

/// The rules one kind of inspection may meet (Suricata's signature group head): those whose
/// protocol, direction and inspection kind fit, so no candidate is dropped for those reasons.
#[derive(Debug, Default)]
struct Group {
    /// Identifies the group among the engine's (for [`crate::HdrKey`]).
    id: u32,
    /// Rules without a prefilter pattern, checked every time, in evaluation order.
    always: Vec<u32>,
    /// `always` split for header checks: rules whose source is a short IPv4 list (ET's
    /// address-list rules: TOR nodes, compromised hosts, ...) indexed by source address, and
    /// the others, checked one by one.
    by_src: AddrIndex,
    rest: Vec<u32>,
    mpm: Vec<Mpm>,
}

/// Rules by IPv4 source range: `(lo, hi, rule)` sorted by `lo`, and per entry the largest `hi`
/// up to it, so the entries containing an address are found by a binary search and a short
/// walk back.
#[derive(Debug, Default)]
struct AddrIndex {
    ranges: Vec<(u32, u32, u32)>,
    max_hi: Vec<u32>,
}

/// Rules whose source covers at most this many IPv4 addresses (and no IPv6 one) are indexed.
const ADDR_INDEX_MAX: u64 = 1 << 16;

impl AddrIndex {
    /// Calls `f` with every rule whose source contains `ip` (maybe more than once).
    fn each(&self, ip: u32, f: &mut impl FnMut(u32)) {
        let end = self.ranges.partition_point(|&(lo, _, _)| lo <= ip);
        for k in (0..end).rev() {
            if self.max_hi.get(k).is_none_or(|&m| m < ip) {
                break;
            }
            if let Some(&(_, hi, r)) = self.ranges.get(k) {
                if ip <= hi {
                    f(r);
                }
            }
        }
    }
}

const PAYLOAD: u16 = u16::MAX;

/// While a group is built, per buffer: its distinct patterns (with their index) and per
/// pattern its rules.
type BufPatterns = ((u16, usize), hashbrown::HashMap<Vec<u8>, usize>, Vec<Vec<u32>>);

/// Identifier of the next group built (unique within an engine, as [`crate::HdrKey`] needs).
static NEXT_GROUP: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Serial number of the next engine built.
static NEXT_SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Groups with at most this many always-checked rules check them directly, without the
/// per-thread header cache.
const HDR_CACHE_MIN: usize = 8;

/// Which contents of a rule may give its prefilter pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FpFrom {
    /// Payload and app-layer buffers (packet and stream groups).
    Any,
    /// App-layer buffers only (transaction groups: the payload part of a mixed rule is
    /// checked apart).
    Buffers,
    /// The payload only (the stream-chunk pass over mixed rules).
    Payload,
}

/// The compiled ruleset, shared read-only by all workers (thresholds aside, behind a mutex
/// taken only when a thresholded rule matched).
#[derive(Debug)]
pub struct Engine {
    rules: Vec<CRule>,
    bufs: Vec<BufferRef>,
    /// Packet groups, by [`pkt_index`].
    pkt: Vec<Group>,
    /// Stream-chunk groups, by direction (to server, to client).
    stream: [Group; 2],
    /// Mixed rules (transaction rules with payload keywords), prefiltered on their payload
    /// part: run on every stream chunk to record which payload parts matched.
    /// Per protocol, by direction of the stream data (stream data of flows and directions
    /// without such rules is not gathered).
    mixed: Vec<(app::AppProto, [Group; 2])>,
    /// Transaction groups per protocol, by side (to server, to client).
    tx: Vec<(app::AppProto, [Group; 2])>,
    /// Rules on a still-open transaction's events, by side, in evaluation order
    /// ([`live_events`]).
    live: [Vec<u32>; 2],
    /// Evaluation order key per rule (flowbit setters first).
    order: Vec<u32>,
    /// Position of each rule in evaluation order (`order`, then index).
    rank: Vec<u32>,
    /// Unique prefilter patterns over all groups.
    npats: u32,
    /// Distinguishes engines built in this process (for per-thread caches).
    serial: u64,
    thresholds: Mutex<threshold::Table>,
    /// `xbits` of every host and IP pair (locked only by rules using xbits).
    xbits: Mutex<XbitTable>,
    ruleset_id: String,
    pub bit_names: usize,
    explain: bool,
}

fn pkt_group(proto: u8) -> usize {
    match proto {
        6 => 0,
        17 => 1,
        1 | 58 => 2,
        _ => 3,
    }
}

/// Packet group of protocol group `pg` (see [`pkt_group`]), direction `dir` (0 = to server)
/// and, for TCP, whether the packet is part of a reassembled session (its payload rules that
/// inspect streams then skip the packet).
fn pkt_index(pg: usize, dir: usize, tcp_stream: bool) -> usize {
    pg * 4 + dir * 2 + usize::from(pg == 0 && tcp_stream)
}

/// Packet groups: 4 protocol groups, 2 directions, in a TCP session or not. They come three
/// times in `Engine::pkt`: all rules (for SYN packets); then (at `PKT_GROUPS + pkt_index`) for
/// packets without SYN whose payload is longer than [`BIG_PAYLOAD`], the rules such a packet
/// can match — most packet-only payload rules bound `dsize` far below a full segment, so full
/// segments are not scanned for their patterns; then (at `2 * PKT_GROUPS + pkt_index`) for
/// other packets without SYN, the rules not requiring SYN (see [`needs_syn`]).
const PKT_GROUPS: usize = 16;

/// Payload length above which a packet meets the "big" packet groups.
const BIG_PAYLOAD: usize = 1024;

/// How far into a buffer an occurrence of content `c` can end: `offset + depth` for an
/// absolute content with a fixed depth, else `usize::MAX`.
fn content_end(c: &keywords::content::ContentM) -> usize {
    use keywords::content::Num;
    if c.is_relative() {
        return usize::MAX;
    }
    let offset = match c.offset {
        None => 0,
        Some(Num::Val(o)) => o,
        Some(Num::Var(_)) => return usize::MAX,
    };
    match c.depth {
        Some(Num::Val(d)) if d >= 0 && offset >= 0 => {
            usize::try_from(offset.saturating_add(d)).unwrap_or(usize::MAX)
        }
        _ => usize::MAX,
    }
}

/// Prefilter patterns are split by how far into a buffer they can end: patterns whose contents
/// are anchored within the first bytes (`depth`, `startswith`) are only looked for there.
const SCAN_LIMITS: [usize; 3] = [32, 128, 512];

/// Payload contents that must end within this many bytes are preferred as prefilter patterns.
const ANCHOR_MAX: usize = 512;

fn scan_limit(end: usize) -> usize {
    SCAN_LIMITS
        .iter()
        .copied()
        .find(|&l| end <= l)
        .unwrap_or(usize::MAX)
}

/// Whether a rule's `flags` require SYN (`flags:S`, `flags:+S`, not ignoring it): such rules
/// are left out of the packet groups of packets without SYN (most of ET's address-list rules).
fn needs_syn(c: &Compiled) -> bool {
    c.conds.iter().any(|k| match k {
        Cond::Flags(f) => {
            matches!(f.mode, rules::FlagsMode::Exact | rules::FlagsMode::All)
                && f.flags & 0x02 != 0
                && f.ignore & 0x02 == 0
        }
        _ => false,
    })
}

/// The largest payload a rule's `dsize` conditions allow.
fn max_dsize(c: &Compiled) -> usize {
    c.conds
        .iter()
        .map(|k| match k {
            Cond::Dsize(d) => match d.mode {
                rules::UintMode::Eq | rules::UintMode::Lte => usize::from(d.arg1),
                rules::UintMode::Lt => usize::from(d.arg1).saturating_sub(1),
                rules::UintMode::Range => usize::from(d.arg2).saturating_sub(1),
                rules::UintMode::Gt | rules::UintMode::Gte | rules::UintMode::Ne => usize::MAX,
            },
            _ => usize::MAX,
        })
        .min()
        .unwrap_or(usize::MAX)
}

/// Directions a rule can match in (bit 0 to server, bit 1 to client), from its `flow`.
fn dir_mask(c: &Compiled) -> u8 {
    let mut m = 3;
    for x in &c.conds {
        if let Cond::Flow(f) = x {
            match f.dir {
                Some(FlowDir::ToServer) => m &= 1,
                Some(FlowDir::ToClient) => m &= 2,
                None => {}
            }
        }
    }
    m
}

fn map_app(p: rules::AppProto) -> Option<app::AppProto> {
    use rules::AppProto as R;
    Some(match p {
        R::Http | R::Http1 => app::AppProto::Http,
        // `http2` rules: HTTP/2 flows only (`header_ok`), inspected with the `http` groups.
        R::Http2 => app::AppProto::Http2,
        R::Ftp => app::AppProto::Ftp,
        R::FtpData => app::AppProto::FtpData,
        R::Smtp => app::AppProto::Smtp,
        R::Tls => app::AppProto::Tls,
        R::Ssh => app::AppProto::Ssh,
        R::Dns => app::AppProto::Dns,
        R::Dcerpc => app::AppProto::Dcerpc,
        R::Smb => app::AppProto::Smb,
        R::Snmp => app::AppProto::Snmp,
        R::Krb5 => app::AppProto::Krb5,
        R::Ike => app::AppProto::Ike,
        R::Quic => app::AppProto::Quic,
        R::Sip => app::AppProto::Sip,
        R::Enip => app::AppProto::Enip,
        R::Nfs => app::AppProto::Nfs,
        R::Failed => app::AppProto::Failed,
        _ => return None,
    })
}

fn ip_protos(p: Protocol) -> Option<&'static [u8]> {
    match p {
        Protocol::Ip | Protocol::Ipv4 | Protocol::Ipv6 => None,
        Protocol::Tcp | Protocol::TcpPkt | Protocol::TcpStream => Some(&[6]),
        Protocol::Udp => Some(&[17]),
        Protocol::Icmp => Some(&[1, 58]),
        Protocol::Icmpv4 => Some(&[1]),
        Protocol::Icmpv6 => Some(&[58]),
        Protocol::Sctp => Some(&[132]),
        Protocol::App(rules::AppProto::Dns) => Some(&[6, 17]),
        Protocol::App(rules::AppProto::Snmp) => Some(&[17]),
        Protocol::App(rules::AppProto::Krb5) => Some(&[6, 17]),
        Protocol::App(rules::AppProto::Ike) => Some(&[17]),
        Protocol::App(rules::AppProto::Quic) => Some(&[17]),
        // Suricata 7 detects SIP on UDP only.
        Protocol::App(rules::AppProto::Sip) => Some(&[17]),
        Protocol::App(rules::AppProto::Enip | rules::AppProto::Nfs) => Some(&[6, 17]),
        Protocol::App(_) => Some(&[6]),
    }
}

fn fnv(h: &mut u64, data: &[u8]) {
    for &b in data {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

/// Separators of the packed metadata: entries (`key`, values) and the fields of an entry.
/// Rule text holding them is replaced by U+FFFD.
const META_ENTRY: char = '\u{1e}';
const META_FIELD: char = '\u{1f}';

impl RuleMeta {
    /// `metadata` keys with their values, as Suricata writes them: keys sorted
    /// (case-insensitively), each key's values in reverse rule order.
    pub fn metadata(&self) -> impl Iterator<Item = (&str, impl Iterator<Item = &str>)> {
        self.metadata
            .split(META_ENTRY)
            .filter(|e| !e.is_empty())
            .map(|e| {
                let mut fields = e.split(META_FIELD);
                (fields.next().unwrap_or(""), fields)
            })
    }
}

fn meta_of(r: &Rule, classes: &Classifications, file: &str) -> RuleMeta {
    let class = r.classtype.as_deref().and_then(|c| classes.describe(c));
    // Suricata's order (detect-metadata.c): pairs are prepended as parsed, then sorted by key
    // (case-insensitively, stably), so keys come sorted and each key's values last-first.
    let mut pairs: Vec<(&str, &str)> = r
        .metadata
        .iter()
        .rev()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.sort_by(|a, b| {
        a.0.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.0.bytes().map(|c| c.to_ascii_lowercase()))
    });
    let mut keys: Vec<(&str, Vec<&str>)> = Vec::new();
    for (k, v) in pairs {
        match keys.last_mut() {
            Some((x, vs)) if x.eq_ignore_ascii_case(k) => vs.push(v),
            _ => keys.push((k, vec![v])),
        }
    }
    let clean = |s: &str| s.replace([META_ENTRY, META_FIELD], "\u{fffd}");
    let mut metadata = String::new();
    for (k, vs) in keys {
        metadata.push(META_ENTRY);
        metadata.push_str(&clean(k));
        for v in vs {
            metadata.push(META_FIELD);
            metadata.push_str(&clean(v));
        }
    }
    let metadata = metadata.into_boxed_str();
    RuleMeta {
        sid: r.sid,
        gid: r.gid,
        rev: r.rev,
        msg: r.msg.clone(),
        category: class.map(|(d, _)| d.to_string()).unwrap_or_default(),
        severity: r.priority.or(class.map(|(_, p)| p)).unwrap_or(3),
        action: r.action,
        metadata,
        file: file.to_string(),
        line: r.line,
    }
}

fn skip(file: &str, r: &Rule, keyword: &str, reason: impl Into<String>) -> Skip {
    Skip {
        file: file.to_string(),
        line: r.line,
        sid: Some(r.sid),
        keyword: Some(keyword.to_string()),
        reason: reason.into(),
    }
}

impl Engine {
    /// Parses and compiles every source. Rules that cannot be enforced exactly are reported
    /// in the [`LoadReport`] and left out.
    pub fn build(sources: &[RuleSource], classes: &Classifications) -> (Engine, LoadReport) {
        Engine::build_with(sources, classes, BuildOptions::default())
    }

    /// [`Engine::build`] with options (IPS mode, alert explanations).
    pub fn build_with(
        sources: &[RuleSource],
        classes: &Classifications,
        opts: BuildOptions,
    ) -> (Engine, LoadReport) {
        Engine::build_with_vars(sources, classes, opts, &rules::Vars::default())
    }

    /// [`Engine::build_with`] with the address and port variables of the configuration
    /// (`vars.address-groups`, `vars.port-groups`) in place of Suricata's defaults.
    pub fn build_with_vars(
        sources: &[RuleSource],
        classes: &Classifications,
        opts: BuildOptions,
        vars: &rules::Vars,
    ) -> (Engine, LoadReport) {
        let mut report = LoadReport::default();
        let mut names = BitNames::default();
        let mut sets = keywords::dataset::Registry::default();
        let mut crules: Vec<CRule> = Vec::new();
        let mut bufs: Vec<BufferRef> = Vec::new();
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut seen_sids: hashbrown::HashSet<(u32, u32)> = hashbrown::HashSet::new();
        for src in sources {
            // Length first, so that moving text between files changes the id.
            fnv(&mut h, &(src.text.len() as u64).to_le_bytes());
            fnv(&mut h, &src.text);
            // Each rule is compiled as soon as it is parsed: the whole file's AST is never
            // held at once (it would double the peak memory of a large ruleset).
            let mut parser = rules::RuleParser::new(vars.clone());
            let mut errors = Vec::new();
            parser.parse_file_bytes_each(
                &src.text,
                &mut |r| {
                    report.parsed += 1;
                    match compile_rule(&r, &src.name, classes, (&mut names, &mut sets), &mut bufs, opts) {
                        Ok(cr) => {
                            if !seen_sids.insert((cr.meta.gid, cr.meta.sid)) {
                                report.skipped.push(skip(
                                    &src.name,
                                    &r,
                                    "sid",
                                    "duplicate signature id, rule ignored",
                                ));
                                return;
                            }
                            crules.push(cr)
                        }
                        Err(s) => report.skipped.push(s),
                    }
                },
                &mut |e| errors.push(e),
            );
            for e in errors {
                report.skipped.push(Skip {
                    file: src.name.clone(),
                    line: e.line,
                    sid: e.sid,
                    keyword: e.keyword.clone(),
                    reason: format!("{}: {}", e.kind, e.message),
                });
            }
        }
        report.loaded = crules.len();
        let order = crules
            .iter()
            .map(|r| {
                let sets = !r.c.post.is_empty() || !r.c.xbit_posts.is_empty();
                let checks = !r.c.xbit_conds.is_empty()
                    || r.c
                        .conds
                        .iter()
                        .any(|c| matches!(c, Cond::Flowbits { .. } | Cond::Flowint { .. }));
                match (sets, checks) {
                    (true, false) => 0,
                    (true, true) => 1,
                    (false, false) => 1,
                    (false, true) => 2,
                }
            })
            .collect();
        // `de_ctx->base64_decode_max_len`: the decode buffer is as large as the largest
        // `base64_decode` input of the ruleset.
        let b64_max = crules
            .iter()
            .flat_map(|r| r.c.payload.iter().chain(r.c.bufs.iter().map(|(_, l)| l)))
            .flat_map(|l| l.steps.iter())
            .filter_map(|s| match s {
                keywords::Step::Base64Decode(b) => Some(b.bytes),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        for r in crules.iter_mut() {
            let lists = r.c.payload.iter_mut().chain(r.c.bufs.iter_mut().map(|(_, l)| l));
            for l in lists {
                for s in l.steps.iter_mut() {
                    if let keywords::Step::Base64Decode(b) = s {
                        b.dest_size = b64_max;
                    }
                }
            }
        }
        let mut e = Engine {
            rules: crules,
            bufs,
            pkt: Vec::new(),
            stream: Default::default(),
            mixed: Vec::new(),
            tx: Vec::new(),
            live: Default::default(),
            order,
            rank: Vec::new(),
            npats: 0,
            serial: NEXT_SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            thresholds: Mutex::new(threshold::Table::default()),
            xbits: Mutex::new(XbitTable::default()),
            ruleset_id: format!("{h:016x}"),
            bit_names: names.len(),
            explain: opts.explain,
        };
        e.build_groups();
        (e, report)
    }

    /// Whether alerts carry [`Alert::explain`].
    pub fn explains(&self) -> bool {
        self.explain
    }

    /// Hash (64-bit FNV-1a, hex) of each rule file's length and text, in load order (EVE
    /// `alert.ruleset_id`): the same files give the same id on every run and machine, whatever
    /// rules were skipped; any change to a rule text changes it.
    pub fn ruleset_id(&self) -> &str {
        &self.ruleset_id
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether a loaded rule inspects buffer `b` (the app layer must then produce it: e.g. a
    /// rule on `ssh.hassh` turns HASSH computation on, as Suricata's keyword setup does).
    pub fn uses_buffer(&self, b: rules::Buffer) -> bool {
        self.bufs.iter().any(|x| x.buffer == b)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The alert fields of rule `idx` (from [`Alert::rule`]).
    pub fn meta(&self, idx: u32) -> Option<&RuleMeta> {
        self.rules.get(idx as usize).map(|r| &r.meta)
    }

    /// Position of rule `idx` in evaluation order (lower first).
    pub(crate) fn rank_of(&self, idx: u32) -> u32 {
        self.rank.get(idx as usize).copied().unwrap_or(u32::MAX)
    }

    /// Whether a pass/drop match of rule `idx` acts on its whole flow (Suricata's
    /// `signature_properties[type].flow_action`): IP-only, protocol-detection-only and
    /// app-layer rules always, payload rules when they matched stream data (`stateful`).
    pub(crate) fn applies_to_flow(&self, idx: u32, stateful: bool) -> bool {
        let Some(r) = self.rules.get(idx as usize) else {
            return false;
        };
        if r.pd_only {
            return true;
        }
        match r.kind {
            Kind::Header { ip_only: true } | Kind::Tx => true,
            // `SIG_TYPE_APPLAYER`: an app-layer protocol and nothing to match.
            Kind::Header { ip_only: false } => {
                r.app.is_some() && r.c.conds.is_empty() && r.c.hdr_bufs.is_empty()
            }
            Kind::Payload { .. } => stateful,
        }
    }

    fn build_groups(&mut self) {
        let mut idx: Vec<u32> = (0..self.rules.len() as u32).collect();
        idx.sort_by_key(|&i| (self.order.get(i as usize).copied().unwrap_or(1), i));
        let mut rank = vec![0u32; self.rules.len()];
        for (pos, &i) in idx.iter().enumerate() {
            if let Some(r) = rank.get_mut(i as usize) {
                *r = pos as u32;
            }
        }
        self.rank = rank;
        let mut pkt: Vec<Vec<u32>> = vec![Vec::new(); PKT_GROUPS];
        let mut stream: [Vec<u32>; 2] = Default::default();
        let mut mixed: Vec<(app::AppProto, [Vec<u32>; 2])> = Vec::new();
        let mut tx: Vec<(app::AppProto, [Vec<u32>; 2])> = Vec::new();
        let mut live: [Vec<u32>; 2] = Default::default();
        for (i, r) in self.rules.iter().enumerate() {
            let i = i as u32;
            let dm = dir_mask(&r.c);
            let dirs = [dm & 1 != 0, dm & 2 != 0];
            let streams = matches!(r.kind, Kind::Payload { stream: true, .. });
            match r.kind {
                Kind::Header { .. } | Kind::Payload { packet: true, .. } => {
                    for pg in 0..4 {
                        let fits = match r.ip_protos {
                            None => true,
                            Some(ps) => ps.iter().any(|&p| pkt_group(p) == pg),
                        };
                        if !fits {
                            continue;
                        }
                        for (dir, _) in dirs.iter().enumerate().filter(|(_, &d)| d) {
                            for ts in [false, true] {
                                // Non-TCP groups have no session variant; in a TCP session,
                                // rules that inspect streams skip the packet payload.
                                if ts && (pg != 0 || (streams && !r.pkt_too)) {
                                    continue;
                                }
                                if let Some(l) = pkt.get_mut(pkt_index(pg, dir, ts)) {
                                    l.push(i);
                                }
                            }
                        }
                    }
                    if streams {
                        for (l, _) in stream.iter_mut().zip(dirs).filter(|(_, d)| *d) {
                            l.push(i);
                        }
                    }
                }
                Kind::Payload { stream: true, .. } => {
                    for (l, _) in stream.iter_mut().zip(dirs).filter(|(_, d)| *d) {
                        l.push(i);
                    }
                }
                Kind::Payload { .. } => {}
                Kind::Tx => {
                    let Some(p) = r.app else { continue };
                    // HTTP/2 records are inspected with the `http` groups.
                    let p = if p == app::AppProto::Http2 {
                        app::AppProto::Http
                    } else {
                        p
                    };
                    let sides = [r.tx_dirs.0 && dirs[0], r.tx_dirs.1 && dirs[1]];
                    if live_events::is_live(r) {
                        for (l, _) in live.iter_mut().zip(sides).filter(|(_, d)| *d) {
                            l.push(i);
                        }
                        continue;
                    }
                    if r.mixed {
                        let slot = match mixed.iter().position(|(q, _)| *q == p) {
                            Some(k) => k,
                            None => {
                                mixed.push((p, Default::default()));
                                mixed.len() - 1
                            }
                        };
                        if let Some((_, ls)) = mixed.get_mut(slot) {
                            for (l, _) in ls.iter_mut().zip(sides).filter(|(_, d)| *d) {
                                l.push(i);
                            }
                        }
                    }
                    let slot = match tx.iter().position(|(q, _)| *q == p) {
                        Some(k) => k,
                        None => {
                            tx.push((p, Default::default()));
                            tx.len() - 1
                        }
                    };
                    if let Some((_, ls)) = tx.get_mut(slot) {
                        for (l, _) in ls.iter_mut().zip(sides).filter(|(_, d)| *d) {
                            l.push(i);
                        }
                    }
                }
            }
        }
        let mut npats = 0u32;
        let big: Vec<Vec<u32>> = pkt
            .iter()
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|&i| {
                        self.rules
                            .get(i as usize)
                            .is_some_and(|r| max_dsize(&r.c) > BIG_PAYLOAD && !needs_syn(&r.c))
                    })
                    .collect()
            })
            .collect();
        let no_syn: Vec<Vec<u32>> = pkt
            .iter()
            .map(|l| {
                l.iter()
                    .copied()
                    .filter(|&i| self.rules.get(i as usize).is_some_and(|r| !needs_syn(&r.c)))
                    .collect()
            })
            .collect();
        self.pkt = pkt
            .iter()
            .chain(big.iter())
            .chain(no_syn.iter())
            .enumerate()
            .map(|(k, l)| {
                // Unused slots (non-TCP session variants) stay empty.
                let k = k % PKT_GROUPS;
                let used = k < 4 || k.is_multiple_of(2);
                if used {
                    self.group(l, FpFrom::Any, &mut npats)
                } else {
                    Group::default()
                }
            })
            .collect();
        self.stream = [
            self.group(&stream[0], FpFrom::Any, &mut npats),
            self.group(&stream[1], FpFrom::Any, &mut npats),
        ];
        self.mixed = mixed
            .iter()
            .map(|(p, [a, b])| {
                (
                    *p,
                    [
                        self.group(a, FpFrom::Payload, &mut npats),
                        self.group(b, FpFrom::Payload, &mut npats),
                    ],
                )
            })
            .collect();
        self.tx = tx
            .iter()
            .map(|(p, [a, b])| {
                (
                    *p,
                    [
                        self.group(a, FpFrom::Buffers, &mut npats),
                        self.group(b, FpFrom::Buffers, &mut npats),
                    ],
                )
            })
            .collect();
        self.npats = npats;
        for l in live.iter_mut() {
            l.sort_by_key(|&i| self.rank.get(i as usize).copied().unwrap_or(u32::MAX));
        }
        self.live = live;
    }

    /// The prefilter pattern of a rule: the content marked `fast_pattern`, else the longest
    /// positive content (any positive content must match, so any is a sound prefilter).
    fn fast_pattern(&self, r: &CRule, from: FpFrom) -> Option<(u16, Vec<u8>, usize)> {
        let mut best: Option<(u16, &keywords::content::ContentM, bool)> = None;
        fn consider<'a>(
            buf: u16,
            c: &'a keywords::content::ContentM,
            best: &mut Option<(u16, &'a keywords::content::ContentM, bool)>,
        ) {
            if c.negated {
                return;
            }
            let explicit = c.fast_pattern;
            let better = match best {
                None => true,
                Some((_, p, e)) => (explicit && !*e) || (explicit == *e && c.pat.len() > p.pat.len()),
            };
            if better {
                *best = Some((buf, c, explicit));
            }
        }
        if let Some(p) = r.c.payload.as_ref().filter(|_| from != FpFrom::Buffers) {
            // A payload content anchored near the start (`depth`, `startswith`) is preferred:
            // every positive content must match, so it is as sound a prefilter as the fast
            // pattern, and it is only looked for in the first bytes of each packet or chunk
            // instead of all of them.
            let mut anchored: Option<(&keywords::content::ContentM, usize)> = None;
            for s in &p.steps {
                if let keywords::Step::Content(c) = s {
                    let end = content_end(c);
                    let fits = !c.negated && end <= ANCHOR_MAX && (c.pat.len() >= 2 || end <= 8);
                    let better = match anchored {
                        None => true,
                        Some((a, e)) => end < e || (end == e && c.pat.len() > a.pat.len()),
                    };
                    if fits && better {
                        anchored = Some((c, end));
                    }
                }
            }
            if let Some((c, end)) = anchored {
                return Some((PAYLOAD, c.pat.to_ascii_lowercase(), end));
            }
            for s in &p.steps {
                if let keywords::Step::Content(c) = s {
                    consider(PAYLOAD, c, &mut best);
                }
            }
        }
        let bufs = if from == FpFrom::Payload {
            &[][..]
        } else {
            &r.c.bufs[..]
        };
        for ((_, l), id) in bufs.iter().zip(&r.buf_ids) {
            for s in &l.steps {
                if let keywords::Step::Content(c) = s {
                    consider(*id, c, &mut best);
                }
            }
        }
        best.map(|(b, c, _)| (b, c.pat.to_ascii_lowercase(), content_end(c)))
    }

    /// Builds the group of rules `list`: one automaton per buffer over the rules' fast
    /// patterns (each distinct pattern once), the rules without one checked always.
    fn group(&self, list: &[u32], from: FpFrom, npats: &mut u32) -> Group {
        let mut g = Group {
            id: NEXT_GROUP.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            ..Group::default()
        };
        // Per buffer: the distinct patterns, and per pattern its rules.
        let mut per_buf: Vec<BufPatterns> = Vec::new();
        for &i in list {
            let Some(r) = self.rules.get(i as usize) else {
                continue;
            };
            match self.fast_pattern(r, from) {
                Some((b, pat, end)) => {
                    let b = (b, scan_limit(end));
                    let slot = match per_buf.iter().position(|(x, _, _)| *x == b) {
                        Some(k) => k,
                        None => {
                            per_buf.push((b, hashbrown::HashMap::new(), Vec::new()));
                            per_buf.len() - 1
                        }
                    };
                    if let Some((_, pats, ids)) = per_buf.get_mut(slot) {
                        let n = ids.len();
                        let k = *pats.entry(pat).or_insert(n);
                        if k == n {
                            ids.push(Vec::new());
                        }
                        if let Some(v) = ids.get_mut(k) {
                            v.push(i);
                        }
                    }
                }
                None => g.always.push(i),
            }
        }
        for ((buf, limit), pats, ids) in per_buf {
            let mut ordered: Vec<(Vec<u8>, usize)> = pats.into_iter().collect();
            ordered.sort_by_key(|(_, k)| *k);
            let pats: Vec<&[u8]> = ordered.iter().map(|(p, _)| p.as_slice()).collect();
            let sc = Scanner::new(&pats);
            let mut ranges = Vec::with_capacity(ids.len());
            let mut rules = Vec::new();
            for v in &ids {
                let a = rules.len() as u32;
                rules.extend_from_slice(v);
                ranges.push((a, rules.len() as u32));
            }
            let base = *npats;
            *npats = npats.saturating_add(ids.len() as u32);
            g.mpm.push(Mpm {
                buf,
                limit,
                sc,
                base,
                ranges,
                rules,
            });
        }
        let rank = &self.rank;
        g.always
            .sort_by_key(|&i| rank.get(i as usize).copied().unwrap_or(u32::MAX));
        for &i in &g.always {
            let Some(r) = self.rules.get(i as usize) else {
                continue;
            };
            let v4 = r.src.set.v4.ranges();
            let size: u64 = v4.iter().map(|&(lo, hi)| u64::from(hi - lo) + 1).sum();
            if r.bidir || !r.src.set.v6.is_empty() || v4.is_empty() || size > ADDR_INDEX_MAX {
                g.rest.push(i);
            } else {
                g.by_src.ranges.extend(v4.iter().map(|&(lo, hi)| (lo, hi, i)));
            }
        }
        g.by_src.ranges.sort_unstable();
        let mut m = 0u32;
        g.by_src.max_hi = g
            .by_src
            .ranges
            .iter()
            .map(|&(_, hi, _)| {
                m = m.max(hi);
                m
            })
            .collect();
        g
    }

    /// Appends to `tcx.cand` the always-checked rules of `g` whose header matches `p`, from the
    /// per-thread cache when this header was seen before.
    fn always_for(&self, g: &Group, p: &PacketInfo<'_>, tcx: &mut ThreadCtx) {
        if tcx.hdr_engine != self.serial {
            tcx.hdr.clear();
            tcx.hdr_engine = self.serial;
        }
        let key = crate::HdrKey {
            group: g.id,
            proto: p.proto,
            src: p.src,
            dst: p.dst,
            sport: p.sport,
            dport: p.dport,
            app: p.app_proto,
        };
        if let Some(v) = tcx.hdr.get(&key) {
            tcx.cand.extend_from_slice(v);
            return;
        }
        let ok = |i: u32| self.rules.get(i as usize).is_some_and(|r| self.header_ok(r, p));
        let mut v: Vec<u32> = g.rest.iter().copied().filter(|&i| ok(i)).collect();
        if let std::net::IpAddr::V4(a) = p.src {
            let n = v.len();
            g.by_src.each(u32::from(a), &mut |i| {
                if ok(i) {
                    v.push(i);
                }
            });
            if v.len() > n {
                let rank = &self.rank;
                v.sort_unstable_by_key(|&i| rank.get(i as usize).copied().unwrap_or(u32::MAX));
                v.dedup();
            }
        }
        tcx.cand.extend_from_slice(&v);
        if tcx.hdr.len() >= crate::MAX_HDR_CACHE {
            tcx.hdr.clear();
        }
        tcx.hdr.insert(key, v);
    }

    /// Collects the candidate rules of group `g` into `tcx.cand`, each once, in evaluation
    /// order. `buf(id, f)` calls `f` on every instance of buffer `id`.
    fn candidates(
        &self,
        g: &Group,
        hdr: Option<&PacketInfo<'_>>,
        tcx: &mut ThreadCtx,
        mut buf: impl FnMut(u16, &mut dyn FnMut(&[u8])),
    ) {
        tcx.cand.clear();
        match hdr {
            Some(p) if g.always.len() > HDR_CACHE_MIN => self.always_for(g, p, tcx),
            _ => tcx.cand.extend_from_slice(&g.always),
        }
        if g.mpm.is_empty() {
            return;
        }
        let gen = tcx.next_gen(self.rules.len(), self.npats as usize);
        let n_always = tcx.cand.len();
        let ThreadCtx {
            cand, stamp, pstamp, ..
        } = tcx;
        for m in &g.mpm {
            buf(m.buf, &mut |inst: &[u8]| {
                let inst = inst.get(..m.limit).unwrap_or(inst);
                m.sc.scan(inst, &mut |p: u32| {
                    let p = p as usize;
                    match pstamp.get_mut((m.base as usize).saturating_add(p)) {
                        Some(s) if *s != gen => *s = gen,
                        _ => return,
                    }
                    let Some(&(a, b)) = m.ranges.get(p) else {
                        return;
                    };
                    for &r in m.rules.get(a as usize..b as usize).unwrap_or(&[]) {
                        if let Some(s) = stamp.get_mut(r as usize) {
                            if *s != gen {
                                *s = gen;
                                cand.push(r);
                            }
                        }
                    }
                });
            });
        }
        if cand.len() > n_always {
            let rank = &self.rank;
            cand.sort_unstable_by_key(|&i| rank.get(i as usize).copied().unwrap_or(u32::MAX));
        }
    }

    /// Inspects one packet with the packet rules (header rules, payload rules of UDP/ICMP/...,
    /// and TCP payload rules when the packet is not part of a tracked stream, or the rule is
    /// packet-only).
    pub fn inspect_packet(
        &self,
        tcx: &mut ThreadCtx,
        fd: &mut FlowDetect,
        pkt: &PacketInfo<'_>,
        tcp_stream: bool,
    ) {
        let dir = usize::from(!pkt.to_server);
        let syn = pkt.tcp_flags.is_some_and(|f| f & 0x02 != 0);
        let size_class = if syn {
            0
        } else if pkt.payload.len() > BIG_PAYLOAD {
            PKT_GROUPS
        } else {
            2 * PKT_GROUPS
        };
        let Some(g) = self
            .pkt
            .get(pkt_index(pkt_group(pkt.proto), dir, tcp_stream) + size_class)
        else {
            return;
        };
        let payload = if pkt.no_payload { &[][..] } else { pkt.payload };
        self.candidates(g, Some(pkt), tcx, |b, f| {
            if b == PAYLOAD && !payload.is_empty() {
                f(payload);
            }
        });
        let cand = std::mem::take(&mut tcx.cand);
        for &i in &cand {
            let Some(r) = self.rules.get(i as usize) else {
                continue;
            };
            if (r.pd_only && !pkt.proto_detect_done) || (r.needs_payload && pkt.no_payload) {
                continue;
            }
            match r.kind {
                Kind::Header { ip_only: true } if !pkt.first_in_dir => continue,
                // A TCP payload rule that inspects streams sees this packet only when it is not
                // part of a reassembled session; packet-only rules always do.
                Kind::Payload { packet, stream }
                    if pkt.proto == 6 && (!packet || (stream && tcp_stream && !r.pkt_too)) =>
                {
                    continue
                }
                _ => {}
            }
            self.try_rule(i, r, tcx, fd, pkt, None);
        }
        tcx.cand = cand;
    }

    /// Inspects a flow-end pseudo packet (Suricata's flow-timeout packet, a TCP packet without
    /// payload flagged `PKT_PSEUDO_STREAM_END`) with the packet rules that run on it: Suricata
    /// skips its `SIG_TYPE_PKT` rules there (detect.c, `DetectRulePacketRules`), which leaves
    /// the app-layer rules without any keyword to match (`SIG_TYPE_APPLAYER`, such as
    /// `alert tls any any -> any any (sid:1;)`). IP-only rules ran on the first packets; the
    /// stream and transaction parts are inspected apart.
    pub fn inspect_pseudo_packet(&self, tcx: &mut ThreadCtx, fd: &mut FlowDetect, pkt: &PacketInfo<'_>) {
        let dir = usize::from(!pkt.to_server);
        let Some(g) = self.pkt.get(pkt_index(pkt_group(pkt.proto), dir, true)) else {
            return;
        };
        self.candidates(g, Some(pkt), tcx, |_, _| {});
        let cand = std::mem::take(&mut tcx.cand);
        for &i in &cand {
            let Some(r) = self.rules.get(i as usize) else {
                continue;
            };
            if r.applayer_only() {
                self.try_rule(i, r, tcx, fd, pkt, None);
            }
        }
        tcx.cand = cand;
    }

    /// Inspects a chunk of reassembled TCP stream data (`pkt.payload`, `pkt.stream == true`).
    pub fn inspect_stream(&self, tcx: &mut ThreadCtx, fd: &mut FlowDetect, pkt: &PacketInfo<'_>) {
        self.inspect_stream_rules(tcx, fd, pkt);
        self.mixed_stream(tcx, fd, pkt);
    }

    /// Inspects a raw stream chunk with the stream rules only (see [`Engine::inspect_stream`]);
    /// the payload part of the mixed rules is fed apart ([`Engine::inspect_stream_mixed`]).
    pub fn inspect_stream_rules(&self, tcx: &mut ThreadCtx, fd: &mut FlowDetect, pkt: &PacketInfo<'_>) {
        let payload = pkt.payload;
        let Some(g) = self.stream.get(usize::from(!pkt.to_server)) else {
            return;
        };
        self.candidates(g, Some(pkt), tcx, |b, f| {
            if b == PAYLOAD && !payload.is_empty() {
                f(payload);
            }
        });
        let cand = std::mem::take(&mut tcx.cand);
        for &i in &cand {
            let Some(r) = self.rules.get(i as usize) else {
                continue;
            };
            self.try_rule(i, r, tcx, fd, pkt, None);
        }
        tcx.cand = cand;
    }

    /// Feeds newly acknowledged stream data to the payload part of the mixed rules (see
    /// [`Engine::inspect_stream`]).
    pub fn inspect_stream_mixed(&self, tcx: &mut ThreadCtx, fd: &mut FlowDetect, pkt: &PacketInfo<'_>) {
        self.mixed_stream(tcx, fd, pkt);
    }

    /// Gathers a stream chunk for the payload part of the mixed rules, and inspects the
    /// gathered data once it reaches Suricata's raw chunk size.
    fn mixed_stream(&self, tcx: &mut ThreadCtx, fd: &mut FlowDetect, pkt: &PacketInfo<'_>) {
        let dir = usize::from(!pkt.to_server);
        let Some(proto) = pkt.app_proto else {
            return;
        };
        if pkt.payload.is_empty() || self.mixed_group(proto, dir).is_none() {
            return;
        }
        let full = fd
            .mixed_buf
            .get(dir)
            .is_some_and(|b| b.len().saturating_add(pkt.payload.len()) > crate::MAX_MIXED_BUF);
        if full {
            self.mixed_flush(tcx, fd, dir, proto);
        }
        let Some(buf) = fd.mixed_buf.get_mut(dir) else {
            return;
        };
        let take = pkt.payload.len().min(crate::MAX_MIXED_BUF);
        buf.extend_from_slice(pkt.payload.get(..take).unwrap_or(&[]));
        if buf.len() >= crate::RAW_CHUNK_SIZE {
            self.mixed_flush(tcx, fd, dir, proto);
        }
    }

    /// The mixed rules of protocol `proto` whose payload part inspects stream data of `dir`
    /// (none when there are no such rules).
    fn mixed_group(&self, proto: app::AppProto, dir: usize) -> Option<&Group> {
        let (_, gs) = self.mixed.iter().find(|(p, _)| *p == proto)?;
        gs.get(dir).filter(|g| !g.always.is_empty() || !g.mpm.is_empty())
    }

    /// Inspects the gathered stream data of `dir` (one raw chunk) with the payload part of the
    /// mixed rules and records which matched (claimed by the next transaction inspected on that
    /// side).
    fn mixed_flush(&self, tcx: &mut ThreadCtx, fd: &mut FlowDetect, dir: usize, proto: app::AppProto) {
        let Some(buf) = fd.mixed_buf.get_mut(dir) else {
            return;
        };
        if buf.is_empty() {
            return;
        }
        let data = std::mem::take(buf);
        let Some(g) = self.mixed_group(proto, dir) else {
            return;
        };
        self.candidates(g, None, tcx, |b, f| {
            if b == PAYLOAD {
                f(&data);
            }
        });
        let cand = std::mem::take(&mut tcx.cand);
        for &i in &cand {
            let Some(r) = self.rules.get(i as usize) else {
                continue;
            };
            let Some(list) = &r.c.payload else {
                continue;
            };
            if fd.mixed.get(dir).is_some_and(|v| v.binary_search(&i).is_ok()) {
                continue;
            }
            tcx.vars.clear();
            tcx.vars.resize(r.c.nvars, 0);
            if inspect(list, &data, &mut tcx.vars) {
                fd.mixed_hit(dir, i);
            }
        }
        tcx.cand = cand;
        let mut data = data;
        data.clear();
        if let Some(buf) = fd.mixed_buf.get_mut(dir) {
            if buf.is_empty() {
                *buf = data;
            }
        }
    }

    /// Whether the payload part of mixed rule `i` matches for the transaction side `to_server`
    /// (`DetectEngineInspectStream`): on TCP, a stream chunk of that side inspected since the
    /// previous transaction; on UDP, the payload of the packet being handled when it travels
    /// that way; on other protocols it is taken as matching, as in Suricata.
    fn mixed_ok(
        &self,
        i: u32,
        r: &CRule,
        tcx: &mut ThreadCtx,
        fd: &FlowDetect,
        pkt: &PacketInfo<'_>,
        to_server: bool,
    ) -> bool {
        let Some(list) = &r.c.payload else {
            return true;
        };
        match pkt.proto {
            6 => fd
                .mixed
                .get(usize::from(!to_server))
                .is_some_and(|v| v.binary_search(&i).is_ok()),
            17 => {
                if pkt.tx_payload.is_empty() || pkt.tx_payload_to_server != to_server {
                    return false;
                }
                tcx.vars.clear();
                tcx.vars.resize(r.c.nvars, 0);
                inspect(list, pkt.tx_payload, &mut tcx.vars)
            }
            _ => true,
        }
    }

    /// Inspects an app-layer record (a transaction) seen from direction `pkt.to_server`. Each
    /// rule alerts at most once per call. `pkt` addresses must be oriented client → server;
    /// they are swapped for the to-client side.
    pub fn inspect_tx(
        &self,
        tcx: &mut ThreadCtx,
        fd: &mut FlowDetect,
        pkt: &PacketInfo<'_>,
        rec: &Record,
        tx_id: Option<u64>,
    ) {
        self.inspect_tx_at(tcx, fd, pkt, rec, tx_id, None);
    }

    /// [`Engine::inspect_tx`]; with `at` = (side, end of flow), an inspection of that side
    /// (`true` = to server) only, as the transaction progresses (module `progress`): rules
    /// whose buffers the transaction has not reached yet wait (unless the flow ends), rules
    /// evaluated once are not evaluated again.
    pub(crate) fn inspect_tx_at(
        &self,
        tcx: &mut ThreadCtx,
        fd: &mut FlowDetect,
        pkt: &PacketInfo<'_>,
        rec: &Record,
        tx_id: Option<u64>,
        at: Option<(bool, bool)>,
    ) {
        let proto = match rec {
            Record::Http(_) => app::AppProto::Http,
            // `http` rules inspect HTTP/2 transactions too (Suricata's `AppProtoEquals`).
            Record::Http2(_) => app::AppProto::Http,
            Record::Dns(d) => {
                if d.query_index.is_some_and(|q| q != 0) {
                    return;
                }
                app::AppProto::Dns
            }
            Record::Tls(_) => app::AppProto::Tls,
            Record::Ssh(_) => app::AppProto::Ssh,
            // Only `app-layer-event` inspects SMTP transactions.
            Record::Smtp(_) => app::AppProto::Smtp,
            Record::FtpData(_) => app::AppProto::FtpData,
            // Only `ftpbounce` inspects FTP control transactions.
            Record::Ftp(_) => app::AppProto::Ftp,
            Record::Dcerpc(_) => app::AppProto::Dcerpc,
            Record::Snmp(_) => app::AppProto::Snmp,
            Record::Krb5(_) => app::AppProto::Krb5,
            Record::Ike(_) => app::AppProto::Ike,
            Record::Quic(_) => app::AppProto::Quic,
            Record::Sip(_) => app::AppProto::Sip,
            Record::Smb(_) => app::AppProto::Smb,
            Record::Enip(_) => app::AppProto::Enip,
            Record::Nfs(_) => app::AppProto::Nfs,
            _ => return,
        };
        // A transaction handed over again as it progresses (SMB): its rules alert once per side.
        let again = match rec {
            Record::Smb(s) => s.tx_id,
            // An NFS file transaction is handed over again when COMMIT adds a procedure.
            Record::Nfs(n) => Some(n.id),
            _ => None,
        };
        let Some((_, groups)) = self.tx.iter().find(|(p, _)| *p == proto) else {
            return;
        };
        // A side is over when inspected at its end (always, outside progress inspection).
        let eof = at.is_some_and(|(_, eof)| eof);
        let last = |to_server: bool| at.is_none() || eof || progress::side_complete(rec, to_server);
        let sides: &[bool] = match (at, rec) {
            (Some((true, _)), _) => &[true],
            (Some((false, _)), _) => &[false],
            (None, Record::Dns(d)) => {
                if d.is_response() {
                    &[false]
                } else {
                    &[true]
                }
            }
            // One-direction transactions (SNMP, ...) are inspected on their side only.
            (None, r) => match r.one_direction() {
                Some(true) => &[true],
                Some(false) => &[false],
                None => &[true, false],
            },
        };
        let bufs = &self.bufs;
        // Fetch (and cache) buffers lazily per side.
        let mut cache: Vec<(u16, bool, Vec<Vec<u8>>)> = Vec::new();
        let mut fetch = |id: u16, to_server: bool, cache: &mut Vec<(u16, bool, Vec<Vec<u8>>)>| -> usize {
            if let Some(p) = cache.iter().position(|(b, d, _)| *b == id && *d == to_server) {
                return p;
            }
            let mut out = Vec::new();
            if let Some(bref) = bufs.get(id as usize) {
                buffers::fetch_ref(bref, rec, to_server, &mut out);
                for t in &bref.transforms {
                    for x in out.iter_mut() {
                        *x = keywords::transform::apply(t, x);
                    }
                }
            }
            cache.push((id, to_server, out));
            cache.len() - 1
        };
        tcx.alerted.clear();
        // (FTP's parser does not ask for raw inspection.)
        if pkt.proto == 6 && proto != app::AppProto::Ftp {
            // The transaction's completion triggers raw inspection of what is left
            // (`AppLayerParserTriggerRawStreamReassembly`).
            for &to_server in sides.iter().filter(|&&s| last(s)) {
                self.mixed_flush(tcx, fd, usize::from(!to_server), proto);
            }
        }
        for &to_server in sides {
            if proto == app::AppProto::Dcerpc {
                // Suricata inspects each side of a DCERPC transaction on its own: a rule
                // without direction alerts on both.
                tcx.alerted.clear();
            }
            let Some(g) = groups.get(usize::from(!to_server)) else {
                continue;
            };
            let side_pkt = side_packet(pkt, to_server);
            // Candidates: prefilter over every buffer the side's rules inspect.
            {
                let cache_ref = &mut cache;
                let fetch_ref = &mut fetch;
                self.candidates(g, Some(&side_pkt), tcx, |b, f| {
                    let Some(bref) = bufs.get(b as usize) else { return };
                    if at.is_some() && !eof && !progress::buffer_ready(bref.buffer, rec, to_server) {
                        // Its rules wait: the buffer (a body, say) is not fetched yet.
                        return;
                    }
                    let (ts, tc) = buffers::directions_in(bref.buffer, Some(proto));
                    let side = if ts && tc { to_server } else { ts };
                    let p = fetch_ref(b, side, cache_ref);
                    if let Some((_, _, v)) = cache_ref.get(p) {
                        for x in v {
                            f(x);
                        }
                    }
                });
            }
            let cand = std::mem::take(&mut tcx.cand);
            for &i in &cand {
                if tcx.alerted.contains(&i) {
                    continue;
                }
                if again.is_some_and(|t| fd.tx_alerted.contains(&(t, to_server, i))) {
                    continue;
                }
                let Some(r) = self.rules.get(i as usize) else {
                    continue;
                };
                if !(if to_server { r.tx_dirs.0 } else { r.tx_dirs.1 }) {
                    continue;
                }
                let step = at.and(tx_id);
                if let Some(t) = step {
                    if fd.txp.done(t, to_server, i) || !(eof || progress::ready(r, rec, to_server)) {
                        continue;
                    }
                }
                if !self.header_ok(r, &side_pkt) || !conds_ok(r, &side_pkt, &fd.vars) {
                    continue;
                }
                if let Some(t) = step {
                    // Evaluated now: not again once nothing it inspects can change (Suricata's
                    // stored detect state), or once it matched (below).
                    if eof || progress::settled(r, rec, to_server) {
                        fd.txp.mark(t, to_server, i);
                    }
                }
                if !r.c.tx_conds.iter().all(|t| t.matches(rec, to_server)) || !self.xbits_ok(r, &side_pkt) {
                    continue;
                }
                if r.mixed && !self.mixed_ok(i, r, tcx, fd, pkt, to_server) {
                    continue;
                }
                // Every buffer list must match one of its instances.
                let mut ok = true;
                tcx.vars.clear();
                tcx.vars.resize(r.c.nvars, 0);
                for ((bref, list), id) in r.c.bufs.iter().zip(&r.buf_ids) {
                    let (ts, tc) = buffers::directions_in(bref.buffer, Some(proto));
                    let side = if ts && tc { to_server } else { ts };
                    let p = fetch(*id, side, &mut cache);
                    let Some((_, _, insts)) = cache.get(p) else {
                        ok = false;
                        break;
                    };
                    if !insts.iter().any(|b| inspect(list, b, &mut tcx.vars)) {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    tcx.alerted.push(i);
                    if let Some(t) = step {
                        fd.txp.mark(t, to_server, i);
                    }
                    if let Some(t) = again {
                        if fd.tx_alerted.len() >= crate::MAX_TX_ALERTED {
                            fd.tx_alerted.pop_front();
                        }
                        fd.tx_alerted.push_back((t, to_server, i));
                    }
                    let explain = if self.explain {
                        let mut out = Vec::new();
                        tcx.vars.clear();
                        tcx.vars.resize(r.c.nvars, 0);
                        for ((bref, list), id) in r.c.bufs.iter().zip(&r.buf_ids) {
                            let (ts, tc) = buffers::directions_in(bref.buffer, Some(proto));
                            let side = if ts && tc { to_server } else { ts };
                            let p = fetch(*id, side, &mut cache);
                            let Some((_, _, insts)) = cache.get(p) else {
                                continue;
                            };
                            let mut hits = Vec::new();
                            for b in insts {
                                hits.clear();
                                if inspect_explain(list, b, &mut tcx.vars, &mut hits) {
                                    break;
                                }
                            }
                            explain_hits(list, bref.buffer.name(), &bref.transforms, &hits, &mut out);
                        }
                        out
                    } else {
                        Vec::new()
                    };
                    self.on_match(i, r, tcx, fd, &side_pkt, tx_id, explain);
                }
            }
            tcx.cand = cand;
        }
        // The stream chunks seen so far belonged to this transaction (or earlier ones).
        for &to_server in sides.iter().filter(|&&s| last(s)) {
            if let Some(v) = fd.mixed.get_mut(usize::from(!to_server)) {
                v.clear();
            }
        }
    }

    /// The rule's `xbits` checks, on the packet's addresses and second.
    fn xbits_ok(&self, r: &CRule, p: &PacketInfo<'_>) -> bool {
        if r.c.xbit_conds.is_empty() {
            return true;
        }
        let Ok(mut t) = self.xbits.lock() else {
            return false;
        };
        r.c.xbit_conds.iter().all(|c| t.check(c, p.src, p.dst, p.ts))
    }

    fn header_ok(&self, r: &CRule, p: &PacketInfo<'_>) -> bool {
        if let Some(ps) = r.ip_protos {
            if !ps.contains(&p.proto) {
                return false;
            }
        }
        match r.proto {
            Protocol::Ipv4 if !p.src.is_ipv4() => return false,
            Protocol::Ipv6 if !p.src.is_ipv6() => return false,
            _ => {}
        }
        if let Some(a) = r.app {
            // `AppProtoEquals`: an `http` (not `http1`) rule applies to HTTP/2 flows too.
            let h2 = a == app::AppProto::Http
                && p.app_proto == Some(app::AppProto::Http2)
                && r.proto != Protocol::App(rules::AppProto::Http1);
            if p.app_proto != Some(a) && !h2 {
                return false;
            }
        }
        let ports = matches!(p.proto, 6 | 17 | 132);
        let fwd = r.src.contains(p.src)
            && r.dst.contains(p.dst)
            && (!ports || (r.src_ports.contains(p.sport) && r.dst_ports.contains(p.dport)));
        if fwd {
            return true;
        }
        r.bidir
            && r.src.contains(p.dst)
            && r.dst.contains(p.src)
            && (!ports || (r.src_ports.contains(p.dport) && r.dst_ports.contains(p.sport)))
    }

    fn try_rule(
        &self,
        i: u32,
        r: &CRule,
        tcx: &mut ThreadCtx,
        fd: &mut FlowDetect,
        p: &PacketInfo<'_>,
        tx_id: Option<u64>,
    ) {
        if !self.header_ok(r, p) || !conds_ok(r, p, &fd.vars) || !self.xbits_ok(r, p) {
            return;
        }
        tcx.vars.clear();
        tcx.vars.resize(r.c.nvars, 0);
        for (b, list) in &r.c.hdr_bufs {
            let Some(bytes) = header::header_bytes(*b, p) else {
                return;
            };
            if !inspect(list, bytes, &mut tcx.vars) {
                return;
            }
        }
        if let Some(list) = &r.c.payload {
            if p.payload.is_empty() {
                return;
            }
            // `asn1` decodes the packet's own payload, not a stream chunk (keywords/asn1.rs).
            if p.stream && matches!(list.steps.last(), Some(keywords::Step::Asn1(_))) {
                return;
            }
            if !inspect(list, p.payload, &mut tcx.vars) {
                return;
            }
        }
        let explain = if self.explain {
            let mut out = Vec::new();
            let mut hits = Vec::new();
            tcx.vars.clear();
            tcx.vars.resize(r.c.nvars, 0);
            for (b, list) in &r.c.hdr_bufs {
                hits.clear();
                if let Some(bytes) = header::header_bytes(*b, p) {
                    inspect_explain(list, bytes, &mut tcx.vars, &mut hits);
                }
                explain_hits(list, b.name(), &[], &hits, &mut out);
            }
            if let Some(list) = &r.c.payload {
                hits.clear();
                inspect_explain(list, p.payload, &mut tcx.vars, &mut hits);
                let name = if p.stream { "stream" } else { "payload" };
                explain_hits(list, name, &[], &hits, &mut out);
            }
            out
        } else {
            Vec::new()
        };
        self.on_match(i, r, tcx, fd, p, tx_id, explain);
    }

    #[allow(clippy::too_many_arguments)]
    fn on_match(
        &self,
        i: u32,
        r: &CRule,
        tcx: &mut ThreadCtx,
        fd: &mut FlowDetect,
        p: &PacketInfo<'_>,
        tx_id: Option<u64>,
        explain: Vec<Explain>,
    ) {
        for &post in &r.c.post {
            fd.vars.apply(post);
        }
        if !r.c.xbit_posts.is_empty() {
            if let Ok(mut t) = self.xbits.lock() {
                for post in &r.c.xbit_posts {
                    t.apply(post, p.src, p.dst, p.ts);
                }
            }
        }
        if r.noalert {
            return;
        }
        if r.c.threshold.is_some() || r.c.detection_filter.is_some() {
            let Ok(mut t) = self.thresholds.lock() else { return };
            let v = if let Some(th) = &r.c.threshold {
                let k = threshold::key(th.track, p.src, p.dst, p.flow_id);
                t.threshold(i, k, th.kind, th.count, th.seconds, p.ts)
            } else if let Some(d) = &r.c.detection_filter {
                let k = threshold::key(d.track, p.src, p.dst, p.flow_id);
                t.detection_filter(i, k, d, p.ts)
            } else {
                Verdict::Alert
            };
            if v != Verdict::Alert {
                return;
            }
        }
        if tcx.alerts.len() >= crate::MAX_ALERTS_PENDING {
            tcx.alerts_dropped += 1;
            return;
        }
        tcx.alerts.push(Alert {
            rule: i,
            ts: p.ts,
            src: p.src,
            dst: p.dst,
            sport: p.sport,
            dport: p.dport,
            proto: p.proto,
            to_server: p.to_server,
            flow_id: p.flow_id,
            pcap_cnt: p.pcap_cnt,
            tx_id,
            app_proto: p.app_proto,
            stream: p.stream,
            explain,
        });
    }
}

/// Turns the recorded hits of one buffer's keywords into [`Explain`] entries.
fn explain_hits(
    list: &StepList,
    buffer: &'static str,
    transforms: &[rules::Transform],
    hits: &[RawHit],
    out: &mut Vec<Explain>,
) {
    for h in hits {
        let keyword = match list.steps.get(usize::from(h.step)) {
            Some(keywords::Step::Content(_)) => "content",
            Some(keywords::Step::Pcre(_)) => "pcre",
            _ => continue,
        };
        out.push(Explain {
            keyword,
            buffer,
            transforms: transforms.iter().map(keywords::transform::name).collect(),
            offset: h.offset,
            length: h.len,
        });
    }
}

fn conds_ok(r: &CRule, p: &PacketInfo<'_>, vars: &FlowVars) -> bool {
    for c in &r.c.conds {
        let ok = match c {
            Cond::Flow(f) => {
                let dir_ok = match f.dir {
                    None => true,
                    Some(FlowDir::ToServer) => p.has_flow && p.to_server,
                    Some(FlowDir::ToClient) => p.has_flow && !p.to_server,
                };
                let st_ok = match f.state {
                    None | Some(FlowState::Stateless) => true,
                    Some(FlowState::Established) => p.established,
                    Some(FlowState::NotEstablished) => !p.established,
                };
                let stream_ok = match f.stream {
                    None => true,
                    Some(true) => p.stream,
                    Some(false) => !p.stream,
                };
                dir_ok && st_ok && stream_ok
            }
            Cond::Dsize(m) => header::dsize_match(m, p),
            Cond::Flags(f) => header::flags_match(f, p),
            Cond::Fragbits(f) => p.src.is_ipv4() && header::fragbits_match(f, p.fragbits),
            Cond::Ttl(m) => m.matches(p.ttl),
            Cond::IpId(v) => p.src.is_ipv4() && p.ip_id == u32::from(*v),
            Cond::IpProto(m) => header::ip_proto_match(m, p.proto),
            Cond::Itype(m) => p.icmp.is_some_and(|(t, ..)| m.matches(t)),
            Cond::Icode(m) => p.icmp.is_some_and(|(_, c, ..)| m.matches(c)),
            Cond::IcmpId(v) => p.icmp.is_some_and(|(_, _, id, _)| id == *v),
            Cond::IcmpSeq(v) => p.icmp.is_some_and(|(_, _, _, s)| s == *v),
            Cond::Window { negated, size } => p.tcp_window.is_some_and(|w| (w == *size) != *negated),
            Cond::Seq(s) => p.tcp_seq == Some(*s),
            Cond::Ack(s) => p.tcp_ack == Some(*s),
            Cond::Sameip => p.src == p.dst,
            Cond::Flowbits { names, isset } => {
                if *isset {
                    names.iter().any(|&n| vars.isset(n))
                } else {
                    names.iter().any(|&n| !vars.isset(n))
                }
            }
            Cond::Flowint { name, op, value } => vars.flowint_match(*name, *op, *value),
            Cond::Uint { field, cmp } => header::uint_match(*field, cmp, p),
            Cond::StreamSize(s) => header::stream_size_match(s, p),
            Cond::Checksum { which, valid } => header::checksum_match(*which, *valid, p),
            Cond::PktEvent(m) => m.matches(p),
            // `detect-app-layer-protocol.c`: the protocol detected in the packet's direction;
            // while it is unknown, neither the keyword nor its negation matches.
            Cond::AppProto(a) => {
                let dir = if p.to_server { 0 } else { 1 };
                match p.app_proto_dir.get(dir).copied().flatten() {
                    None => false,
                    Some(got) => (map_app(a.proto) == Some(got)) != a.negated,
                }
            }
        };
        if !ok {
            return false;
        }
    }
    true
}

fn compile_rule(
    r: &Rule,
    file: &str,
    classes: &Classifications,
    (names, sets): (&mut BitNames, &mut keywords::dataset::Registry),
    bufs: &mut Vec<BufferRef>,
    opts: BuildOptions,
) -> Result<CRule, Skip> {
    match r.action {
        Action::Alert => {}
        // IDS mode: Suricata alerts on drop/reject rules ("allowed") and drops nothing.
        Action::Drop | Action::Reject | Action::RejectSrc | Action::RejectDst | Action::RejectBoth
            if !opts.ips => {}
        Action::Drop | Action::Reject | Action::RejectSrc | Action::RejectDst | Action::RejectBoth => {
            return Err(skip(
                file,
                r,
                r.action.as_str(),
                "drop/reject rules need an inline verdict path, not built yet",
            ));
        }
        // Pass matches are applied per packet by `Engine::finalize` (module `verdict`).
        Action::Pass => {}
        Action::Config => {
            return Err(skip(file, r, r.action.as_str(), "config rules are not supported"));
        }
    }
    let c = keywords::compile_with(r, names, sets, file).map_err(|e| skip(file, r, &e.keyword, e.reason))?;
    let mut app = match r.protocol {
        Protocol::App(a) => match map_app(a) {
            Some(x) => Some(x),
            None => {
                return Err(skip(
                    file,
                    r,
                    a.name(),
                    "application protocol not parsed by this engine",
                ));
            }
        },
        _ => None,
    };
    if let Some(a) = c.app_layer_protocol {
        if map_app(a).is_none() {
            return Err(skip(
                file,
                r,
                "app-layer-protocol",
                "application protocol not parsed by this engine",
            ));
        }
    }
    let kind = if !c.hdr_bufs.is_empty() {
        if !c.bufs.is_empty() || !c.tx_conds.is_empty() {
            return Err(skip(
                file,
                r,
                "tcp.hdr",
                "header buffers mixed with app-layer buffers",
            ));
        }
        if matches!(r.protocol, Protocol::TcpStream) || c.flow.and_then(|f| f.stream) == Some(true) {
            return Err(skip(file, r, "tcp.hdr", "header buffers on stream-only rules"));
        }
        if c.payload.is_some() {
            Kind::Payload {
                packet: true,
                stream: false,
            }
        } else {
            Kind::Header { ip_only: false }
        }
    } else if !c.bufs.is_empty() || !c.tx_conds.is_empty() {
        // Payload keywords with app-layer buffers: Suricata's stream inspect engine, checked
        // with the transaction (see `CRule::mixed`). Byte variables do not cross from one to
        // the other here.
        if c.payload.is_some() && c.nvars > 0 {
            return Err(skip(
                file,
                r,
                "pkt_data",
                "byte variables in a rule mixing payload and app-layer buffers",
            ));
        }
        let rule_app = app;
        let wants = c
            .bufs
            .iter()
            .map(|(b, _)| (b.buffer.name(), buffers::proto_in_ref(b, rule_app)))
            .chain(c.tx_conds.iter().map(|t| (t.keyword(), Some(t.proto()))));
        for (name, p) in wants {
            match (app, p) {
                (None, Some(p)) => app = Some(p),
                // `DetectSignatureSetAppProto`: HTTP buffers in an `http2` rule keep it HTTP/2;
                // an HTTP/2 event narrows an `http` rule to HTTP/2.
                (Some(app::AppProto::Http2), Some(app::AppProto::Http)) => {}
                // DCERPC keywords in an `smb` rule inspect DCERPC over SMB named pipes.
                (Some(app::AppProto::Smb), Some(app::AppProto::Dcerpc)) => {}
                (Some(app::AppProto::Http), Some(app::AppProto::Http2))
                    if rule_app.is_none() || r.protocol == Protocol::App(rules::AppProto::Http) =>
                {
                    app = Some(app::AppProto::Http2)
                }
                (Some(a), Some(p)) if a != p => {
                    return Err(skip(file, r, name, "buffer of another protocol than the rule's"));
                }
                _ => {}
            }
        }
        keywords::file::check(app, &c).map_err(|e| skip(file, r, &e.keyword, e.reason))?;
        Kind::Tx
    } else if c.payload.is_some() {
        let tcp = matches!(
            r.protocol,
            Protocol::Tcp
                | Protocol::TcpPkt
                | Protocol::TcpStream
                | Protocol::App(_)
                | Protocol::Ip
                | Protocol::Ipv4
                | Protocol::Ipv6
        );
        let only_stream =
            matches!(r.protocol, Protocol::TcpStream) || c.flow.and_then(|f| f.stream) == Some(true);
        // Keywords that set `SIG_FLAG_REQUIRE_PACKET` in Suricata (dsize, flags, ttl, ...):
        // the rule then inspects packets only.
        let packet_kw = c.conds.iter().any(|x| {
            matches!(
                x,
                Cond::Dsize(_)
                    | Cond::Flags(_)
                    | Cond::Fragbits(_)
                    | Cond::Ttl(_)
                    | Cond::IpId(_)
                    | Cond::IpProto(_)
                    | Cond::Itype(_)
                    | Cond::Icode(_)
                    | Cond::IcmpId(_)
                    | Cond::Window { .. }
                    | Cond::Seq(_)
                    | Cond::Ack(_)
                    | Cond::Sameip
                    | Cond::Uint { .. }
            )
        });
        if tcp && only_stream && packet_kw {
            return Err(skip(
                file,
                r,
                "flow",
                "packet keywords mixed with tcp-stream or flow:only_stream (Suricata refuses it)",
            ));
        }
        let packet_only = matches!(r.protocol, Protocol::TcpPkt)
            || c.has_dsize
            || packet_kw
            || c.flow.and_then(|f| f.stream) == Some(false);
        if !tcp {
            Kind::Payload {
                packet: true,
                stream: false,
            }
        } else if only_stream {
            Kind::Payload {
                packet: false,
                stream: true,
            }
        } else if packet_only {
            Kind::Payload {
                packet: true,
                stream: false,
            }
        } else {
            Kind::Payload {
                packet: true,
                stream: true,
            }
        }
    } else {
        // Suricata 7's `SignatureIsIPOnly`: any IP protocol, ports allowed (checked by the
        // IP-only engine), no keyword but IP-only compatible ones.
        let ip_only = app.is_none()
            && c.conds.is_empty()
            && c.threshold.is_none()
            && c.xbit_conds.is_empty()
            && c.xbit_posts.is_empty();
        Kind::Header { ip_only }
    };
    let mut tx_dirs = (true, true);
    let mut buf_ids = Vec::with_capacity(c.bufs.len());
    if kind == Kind::Tx {
        let mut req_only = false;
        let mut resp_only = false;
        for (b, _) in &c.bufs {
            match buffers::directions_in(b.buffer, app) {
                (true, false) => req_only = true,
                (false, true) => resp_only = true,
                _ => {}
            }
            let id = match bufs.iter().position(|x| x == b) {
                Some(i) => i,
                None => {
                    bufs.push(b.clone());
                    bufs.len() - 1
                }
            };
            buf_ids
                .push(u16::try_from(id).map_err(|_| skip(file, r, "buffer", "too many distinct buffers"))?);
        }
        tx_dirs = if resp_only {
            (false, true)
        } else if req_only {
            (true, false)
        } else {
            (true, true)
        };
        if let Some(d) = c.flow.and_then(|f| f.dir) {
            let want = (d == FlowDir::ToServer, d == FlowDir::ToClient);
            if (want.0 && !tx_dirs.0) || (want.1 && !tx_dirs.1) {
                // Suricata refuses such rules too (buffer direction conflicts with flow).
                return Err(skip(
                    file,
                    r,
                    "flow",
                    "flow direction conflicts with the buffers' direction",
                ));
            }
            tx_dirs = want;
        }
        if app.is_none() {
            return Err(skip(file, r, "buffer", "no application protocol"));
        }
        if tx_dirs.0 && c.bufs.iter().any(|(b, _)| b.buffer == rules::Buffer::TlsCerts) {
            return Err(skip(
                file,
                r,
                "tls.certs",
                "client certificate chains (to-server tls.certs) are not parsed; use flow:to_client",
            ));
        }
    }
    let pd_only = app.is_none()
        && !matches!(r.protocol, Protocol::App(_))
        && c.payload.is_none()
        && c.bufs.is_empty()
        && c.hdr_bufs.is_empty()
        && c.threshold.is_none()
        && c.detection_filter.is_none()
        && c.xbit_conds.is_empty()
        && c.xbit_posts.is_empty()
        && c.conds.iter().any(|x| matches!(x, Cond::AppProto(_)))
        && c.conds.iter().all(|x| match x {
            Cond::AppProto(_) => true,
            Cond::Flow(f) => f.state.is_none() && f.stream.is_none() && f.frag.is_none(),
            // IP-only compatible keywords.
            Cond::Ttl(_) | Cond::IpId(_) | Cond::IpProto(_) | Cond::Sameip => true,
            _ => false,
        });
    let mixed = kind == Kind::Tx && c.payload.is_some();
    let pkt_too =
        kind == Kind::Payload {
            packet: true,
            stream: true,
        } && (c
            .payload
            .iter()
            .flat_map(|l| l.steps.iter())
            .any(|s| matches!(s, keywords::Step::Content(m) if m.depth.is_some() || m.offset.is_some()))
            // Suricata's SigValidate: "if stream_size is in use, also inspect packets".
            || c.conds.iter().any(|x| matches!(x, Cond::StreamSize(_))));
    let needs_payload = c.payload.is_some()
        || c.conds.iter().any(|k| match k {
            Cond::Dsize(d) => match d.mode {
                rules::UintMode::Range | rules::UintMode::Gt | rules::UintMode::Ne | rules::UintMode::Gte => {
                    true
                }
                rules::UintMode::Eq => d.arg1 > 0,
                rules::UintMode::Lt | rules::UintMode::Lte => false,
            },
            _ => false,
        });
    Ok(CRule {
        pkt_too,
        needs_payload,
        mixed,
        pd_only,
        meta: meta_of(r, classes, file),
        kind,
        proto: r.protocol,
        ip_protos: ip_protos(r.protocol),
        app,
        src: r.src.clone(),
        src_ports: r.src_ports.clone(),
        dst: r.dst.clone(),
        dst_ports: r.dst_ports.clone(),
        bidir: r.direction == Direction::Both,
        tx_dirs,
        noalert: r.noalert,
        c,
        buf_ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> RuleSource {
        RuleSource {
            name: "t.rules".into(),
            text: text.as_bytes().to_vec(),
        }
    }

    fn build(text: &str, opts: BuildOptions) -> (Engine, LoadReport) {
        Engine::build_with(&[src(text)], &Classifications::default(), opts)
    }

    const DROP: &str = r#"drop tcp any any -> any any (msg:"d"; content:"abc"; sid:1;)"#;

    #[test]
    fn drop_rules_alert_in_ids_mode_and_are_skipped_in_ips_mode() {
        let (e, r) = build(DROP, BuildOptions::default());
        assert_eq!((r.loaded, r.skipped.len()), (1, 0));
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let mut p = PacketInfo::test(b"xabcx");
        p.stream = true;
        e.inspect_stream(&mut tcx, &mut fd, &p);
        assert_eq!(tcx.alerts.len(), 1);
        let (_, r) = build(
            DROP,
            BuildOptions {
                ips: true,
                ..Default::default()
            },
        );
        assert_eq!(r.loaded, 0);
        assert_eq!(r.skipped.first().and_then(|s| s.keyword.as_deref()), Some("drop"));
        // Pass rules load (module `verdict` applies them); config rules do not.
        let (_, r) = build(r#"pass tcp any any -> any any (sid:1;)"#, BuildOptions::default());
        assert_eq!(r.loaded, 1);
    }

    #[test]
    fn app_layer_protocol_needs_a_detected_protocol_and_pd_only_waits_for_detection() {
        let (e, r) = build(
            r#"alert tcp any any -> any 80 (flow:to_server; app-layer-protocol:!http; sid:1;)
alert tcp any any -> any 80 (flow:established,to_server; app-layer-protocol:!http; sid:2;)"#,
            BuildOptions::default(),
        );
        assert_eq!(r.loaded, 2);
        let sids = |p: &PacketInfo<'_>| {
            let mut tcx = ThreadCtx::default();
            let mut fd = FlowDetect::default();
            e.inspect_packet(&mut tcx, &mut fd, p, true);
            let mut v: Vec<u32> = tcx
                .alerts
                .iter()
                .filter_map(|a| e.meta(a.rule))
                .map(|m| m.sid)
                .collect();
            v.sort_unstable();
            v
        };
        let mut p = PacketInfo::test(b"");
        // Unknown protocol: neither `http` nor `!http` matches.
        assert_eq!(sids(&p), Vec::<u32>::new());
        p.app_proto_dir = [Some(app::AppProto::Ssh), None];
        // Sid 1 is protocol-detection-only: it waits for the packet that finished detection.
        assert_eq!(sids(&p), vec![2]);
        p.proto_detect_done = true;
        assert_eq!(sids(&p), vec![1, 2]);
        p.app_proto_dir = [Some(app::AppProto::Http), None];
        assert_eq!(sids(&p), Vec::<u32>::new());
        // The to-client side is judged by what was detected to client.
        p.to_server = false;
        assert_eq!(sids(&p), Vec::<u32>::new());
    }

    #[test]
    fn ruleset_id_is_stable_and_tracks_the_texts() {
        let a = build(DROP, BuildOptions::default()).0;
        let b = build(DROP, BuildOptions::default()).0;
        assert_eq!(a.ruleset_id(), b.ruleset_id());
        assert_eq!(a.ruleset_id().len(), 16);
        let c = build(&DROP.replace("\"d\"", "\"e\""), BuildOptions::default()).0;
        assert_ne!(a.ruleset_id(), c.ruleset_id());
        // The same text split differently over two files is another ruleset.
        let one = Engine::build(&[src("ab")], &Classifications::default()).0;
        let two = Engine::build(&[src("a"), src("b")], &Classifications::default()).0;
        assert_ne!(one.ruleset_id(), two.ruleset_id());
    }

    #[test]
    fn header_buffer_rules_with_explain() {
        let (e, r) = build(
            r#"alert tcp any any -> any 80 (ipv4.hdr; byte_math:bytes 1, offset 1, oper <<, rvalue 2, result v; tcp.hdr; content:"|00 50|"; offset:2; depth:2; byte_test:1,=,v,0,relative; sid:7;)"#,
            BuildOptions {
                explain: true,
                ..Default::default()
            },
        );
        assert_eq!(r.loaded, 1, "{:?}", r.skipped);
        let mut l3 = vec![0u8; 40];
        l3[1] = 0x11; // TOS: 0x11 << 2 = 0x44
        l3[22] = 0x00;
        l3[23] = 0x50; // destination port 80
        l3[24] = 0x44;
        let mut p = PacketInfo::test(b"");
        p.l3 = &l3;
        p.ip_hdr_len = 20;
        p.l4_hdr_len = 20;
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        e.inspect_packet(&mut tcx, &mut fd, &p, true);
        assert_eq!(tcx.alerts.len(), 1);
        assert_eq!(
            tcx.alerts.first().map(|a| a.explain.clone()),
            Some(vec![Explain {
                keyword: "content",
                buffer: "tcp.hdr",
                transforms: vec![],
                offset: 2,
                length: 2,
            }])
        );
        assert!(
            !e.uses_buffer(rules::Buffer::TcpHdr),
            "header buffers are not app-layer ones"
        );
        // A truncated header: no buffer, no alert.
        tcx.alerts.clear();
        p.l3 = l3.get(..30).unwrap_or(&[]);
        e.inspect_packet(&mut tcx, &mut fd, &p, true);
        assert!(tcx.alerts.is_empty());
    }

    /// The sids of the alerts raised (taken out), sorted.
    pub(super) fn sids(e: &Engine, tcx: &mut ThreadCtx) -> Vec<u32> {
        let mut v: Vec<u32> = tcx
            .alerts
            .drain(..)
            .filter_map(|a| e.meta(a.rule))
            .map(|m| m.sid)
            .collect();
        v.sort_unstable();
        v
    }

    fn tls(sni: &str, version: u16, client_version: u16) -> Record {
        Record::Tls(Box::new(app::tls::TlsRecord {
            sni: Some(sni.as_bytes().to_vec()),
            version,
            client_version,
            ..Default::default()
        }))
    }

    fn chunk(e: &Engine, tcx: &mut ThreadCtx, fd: &mut FlowDetect, data: &[u8], to_server: bool) {
        let mut p = PacketInfo::test(data);
        p.stream = true;
        p.to_server = to_server;
        p.app_proto = Some(app::AppProto::Tls);
        e.inspect_stream(tcx, fd, &p);
    }

    #[test]
    fn mixed_rules_check_the_payload_on_the_transactions_stream_chunks() {
        let (e, r) = build(
            r#"alert tls any any -> any any (flow:to_server; content:"abc"; tls.sni; content:"example"; sid:1;)
alert tls any any -> any any (content:"HELLO"; depth:5; tls.sni; content:"example"; sid:2;)"#,
            BuildOptions::default(),
        );
        assert_eq!((r.loaded, r.skipped.len()), (2, 0), "{:?}", r.skipped);
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let mut p = PacketInfo::test(b"");
        p.app_proto = Some(app::AppProto::Tls);
        let rec = tls("www.example.com", 0x0303, 0x0303);
        // No stream data yet: the payload part cannot match.
        e.inspect_tx(&mut tcx, &mut fd, &p, &rec, Some(0));
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
        chunk(&e, &mut tcx, &mut fd, b"xxabcxx", true);
        chunk(&e, &mut tcx, &mut fd, b"HELLO there", true);
        e.inspect_tx(&mut tcx, &mut fd, &p, &rec, Some(0));
        assert_eq!(sids(&e, &mut tcx), vec![1]);
        // The chunks were claimed by that transaction; to-client data serves neither rule
        // (`tls.sni` is a to-server buffer, so both inspect the to-server side).
        chunk(&e, &mut tcx, &mut fd, b"HELLO abc", false);
        e.inspect_tx(&mut tcx, &mut fd, &p, &rec, Some(1));
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
        // Data gathers into raw chunks of 2560 bytes: a match across the cut is not seen,
        // as in Suricata's raw stream inspection.
        let mut big = vec![b'.'; 2558];
        big.extend_from_slice(b"ab");
        chunk(&e, &mut tcx, &mut fd, &big, true);
        chunk(&e, &mut tcx, &mut fd, b"c", true);
        e.inspect_tx(&mut tcx, &mut fd, &p, &rec, Some(2));
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
        // Below the chunk size, the pieces are inspected together when the transaction is.
        chunk(&e, &mut tcx, &mut fd, b"xab", true);
        chunk(&e, &mut tcx, &mut fd, b"cx", true);
        e.inspect_tx(&mut tcx, &mut fd, &p, &rec, Some(3));
        assert_eq!(sids(&e, &mut tcx), vec![1]);
        // A mismatching app-layer part still fails.
        chunk(&e, &mut tcx, &mut fd, b"abc", true);
        e.inspect_tx(&mut tcx, &mut fd, &p, &tls("other.org", 0x0303, 0x0303), Some(4));
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
    }

    #[test]
    fn mixed_rules_on_udp_use_the_packet_payload() {
        let (e, r) = build(
            r#"alert ip any any -> any any (flow:to_server; content:"abc"; tls.sni; content:"example"; sid:1;)"#,
            BuildOptions::default(),
        );
        assert_eq!(r.loaded, 1);
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let mut p = PacketInfo::test(b"");
        p.proto = 17;
        p.app_proto = Some(app::AppProto::Tls);
        p.tx_payload = b"zzabczz";
        let rec = tls("example.com", 0x0303, 0x0303);
        e.inspect_tx(&mut tcx, &mut fd, &p, &rec, Some(0));
        assert_eq!(sids(&e, &mut tcx), vec![1]);
        // The payload travelled to the client: not the rule's side.
        p.tx_payload_to_server = false;
        e.inspect_tx(&mut tcx, &mut fd, &p, &rec, Some(0));
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
    }

    #[test]
    fn tls_version_reads_the_inspected_side() {
        let (e, r) = build(
            r#"alert tls any any -> any any (flow:to_client; tls.version:1.3; sid:1;)
alert tls any any -> any any (flow:to_server; tls.version:1.2; sid:2;)
alert tls any any -> any any (tls.version:1.0; sid:3;)"#,
            BuildOptions::default(),
        );
        assert_eq!(r.loaded, 3, "{:?}", r.skipped);
        let mut tcx = ThreadCtx::default();
        let mut fd = FlowDetect::default();
        let mut p = PacketInfo::test(b"");
        p.app_proto = Some(app::AppProto::Tls);
        // A TLS 1.3 draft version counts as 1.3.
        e.inspect_tx(&mut tcx, &mut fd, &p, &tls("a", 0x7f1c, 0x0303), Some(0));
        assert_eq!(sids(&e, &mut tcx), vec![1, 2]);
        e.inspect_tx(&mut tcx, &mut fd, &p, &tls("a", 0x0303, 0x0301), Some(0));
        assert_eq!(sids(&e, &mut tcx), vec![3]);
    }

    #[test]
    fn xbits_are_shared_across_flows_and_expire() {
        let (e, r) = build(
            r#"alert tcp any any -> any any (flags:S; xbits:set,scan,track ip_pair,expire 5; noalert; sid:1;)
alert tcp any any -> any any (flags:SA; xbits:isset,scan,track ip_pair; sid:2;)"#,
            BuildOptions::default(),
        );
        assert_eq!(r.loaded, 2, "{:?}", r.skipped);
        let mut tcx = ThreadCtx::default();
        let mut syn = PacketInfo::test(b"");
        syn.tcp_flags = Some(0x02);
        // Set from one flow, checked on another (reversed addresses).
        e.inspect_packet(&mut tcx, &mut FlowDetect::default(), &syn, true);
        let mut sa = PacketInfo::test(b"");
        sa.tcp_flags = Some(0x12);
        std::mem::swap(&mut sa.src, &mut sa.dst);
        sa.ts = syn.ts + 4_000_000;
        e.inspect_packet(&mut tcx, &mut FlowDetect::default(), &sa, true);
        assert_eq!(sids(&e, &mut tcx), vec![2]);
        sa.ts = syn.ts + 7_000_000;
        e.inspect_packet(&mut tcx, &mut FlowDetect::default(), &sa, true);
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
    }

    #[test]
    fn shared_fast_patterns_and_repeated_hits_give_each_rule_once() {
        let (e, r) = build(
            r#"alert tcp any any -> any any (content:"abc"; sid:1;)
alert tcp any any -> any any (content:"ABC"; nocase; content:"x"; sid:2;)
alert tcp any any -> any any (flow:to_client; content:"abc"; sid:3;)
alert tcp any any -> any any (content:"q"; content:"abc"; fast_pattern; content:"zzzz"; sid:4;)"#,
            BuildOptions::default(),
        );
        assert_eq!(r.loaded, 4, "{:?}", r.skipped);
        let mut tcx = ThreadCtx::default();
        let mut p = PacketInfo::test(b"abc abc ABC x abc q zzzz");
        p.stream = true;
        e.inspect_stream(&mut tcx, &mut FlowDetect::default(), &p);
        // Sid 3 only inspects the to-client side.
        assert_eq!(sids(&e, &mut tcx), vec![1, 2, 4]);
        p.to_server = false;
        e.inspect_stream(&mut tcx, &mut FlowDetect::default(), &p);
        assert_eq!(sids(&e, &mut tcx), vec![1, 2, 3, 4]);
        // The explicit fast pattern is present but another content is not.
        let mut p = PacketInfo::test(b"abc q zzz");
        p.stream = true;
        e.inspect_stream(&mut tcx, &mut FlowDetect::default(), &p);
        assert_eq!(sids(&e, &mut tcx), vec![1]);
    }

    #[test]
    fn header_cache_is_keyed_by_the_header_and_the_engine() {
        let text: String = (0..20)
            .map(|k| format!("alert tcp any any -> any {} (flags:S; sid:{};)\n", 80 + k, k + 1))
            .collect();
        let (e, r) = build(&text, BuildOptions::default());
        assert_eq!(r.loaded, 20);
        let mut tcx = ThreadCtx::default();
        let mut p = PacketInfo::test(b"");
        p.tcp_flags = Some(0x02);
        for port in [80u16, 81, 80, 120, 99] {
            p.dport = port;
            e.inspect_packet(&mut tcx, &mut FlowDetect::default(), &p, true);
            let want: Vec<u32> = if (80..100).contains(&port) {
                vec![u32::from(port) - 79]
            } else {
                vec![]
            };
            assert_eq!(sids(&e, &mut tcx), want, "port {port}");
        }
        // Another engine with the same thread context: its own rules, not the cached lists.
        let text: String = (0..20)
            .map(|k| {
                format!(
                    "alert tcp any any -> any {} (flags:S; sid:{};)\n",
                    81 + k,
                    k + 100
                )
            })
            .collect();
        let (e2, _) = build(&text, BuildOptions::default());
        p.dport = 99;
        e2.inspect_packet(&mut tcx, &mut FlowDetect::default(), &p, true);
        assert_eq!(sids(&e2, &mut tcx), vec![118]);
    }

    #[test]
    fn address_list_rules_are_found_by_source() {
        // Overlapping lists, a wide range, a bidirectional rule and an IPv6 one: each packet
        // gets exactly the rules whose header matches, as when they were checked one by one.
        let text = r#"alert tcp [10.0.0.1,10.0.0.5,10.0.1.0/24] any -> any any (flags:S; sid:1;)
alert tcp [10.0.0.5,10.0.0.9] any -> any any (flags:S; sid:2;)
alert tcp 10.0.0.0/8 any -> any any (flags:S; sid:3;)
alert tcp [10.0.0.5,192.0.2.1] any <> any any (flags:S; sid:4;)
alert tcp [10.0.1.200,2001:db8::1] any -> any any (flags:S; sid:5;)
alert tcp any any -> any any (flags:S; sid:6;)
alert tcp 10.0.0.0/30 any -> any any (flags:S; sid:7;)
alert tcp 10.0.2.0/24 any -> any any (flags:S; sid:8;)
alert tcp 10.0.0.7 any -> any any (flags:S; sid:9;)
alert tcp 10.0.0.8 any -> any any (flags:S; sid:10;)"#;
        let (e, r) = build(text, BuildOptions::default());
        assert_eq!(r.loaded, 10, "{:?}", r.skipped);
        let mut tcx = ThreadCtx::default();
        let mut p = PacketInfo::test(b"");
        p.tcp_flags = Some(0x02);
        let cases: &[(&str, &str, &[u32])] = &[
            ("10.0.0.5", "1.1.1.1", &[1, 2, 3, 4, 6]),
            ("10.0.0.1", "1.1.1.1", &[1, 3, 6, 7]),
            ("10.0.1.200", "1.1.1.1", &[1, 3, 5, 6]),
            ("10.0.0.9", "1.1.1.1", &[2, 3, 6]),
            ("10.0.2.9", "1.1.1.1", &[3, 6, 8]),
            ("1.1.1.1", "192.0.2.1", &[4, 6]),
            ("1.1.1.1", "10.0.0.5", &[4, 6]),
            ("2001:db8::1", "2001:db8::2", &[5, 6]),
            ("9.9.9.9", "1.1.1.1", &[6]),
        ];
        for &(src, dst, want) in cases {
            p.src = src.parse().unwrap();
            p.dst = dst.parse().unwrap();
            e.inspect_packet(&mut tcx, &mut FlowDetect::default(), &p, true);
            assert_eq!(sids(&e, &mut tcx), want.to_vec(), "{src} -> {dst}");
        }
    }

    #[test]
    fn base64_data_is_a_terminal_list() {
        let (e, r) = build(
            r#"alert tcp any any -> any any (content:"k="; base64_decode:relative; base64_data; content:"hello"; startswith; sid:1;)
alert tcp any any -> any any (content:"k="; base64_decode:bytes 4,relative; base64_data; content:"hel"; bsize:3; sid:2;)
alert tcp any any -> any any (base64_decode:offset 2; base64_data; content:"world"; sid:3;)"#,
            BuildOptions::default(),
        );
        assert_eq!(r.loaded, 3, "{:?}", r.skipped);
        let mut tcx = ThreadCtx::default();
        let mut p = PacketInfo::test(b"k=aGVsbG8gd29ybGQ=");
        p.stream = true;
        e.inspect_stream(&mut tcx, &mut FlowDetect::default(), &p);
        assert_eq!(sids(&e, &mut tcx), vec![1, 2, 3]);
        // Not base64 after the marker: nothing decoded, no match.
        let mut p = PacketInfo::test(b"k=;;;;");
        p.stream = true;
        e.inspect_stream(&mut tcx, &mut FlowDetect::default(), &p);
        assert_eq!(sids(&e, &mut tcx), Vec::<u32>::new());
    }
}
