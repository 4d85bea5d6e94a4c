//! `detect`: the signature engine's matching half. It compiles the typed rule AST of the
//! `rules` crate into matchers (one file per keyword family in [`keywords`]) and runs them on
//! packets, reassembled TCP stream chunks and app-layer transactions.
//!
//! An [`Engine`] is built once from rule texts and `classification.config`, is immutable and
//! shared by `Arc` across workers. Every rule it cannot enforce exactly is reported in the
//! [`LoadReport`] (file, line, sid, keyword, reason) and left out — never loaded weaker.
//! Rules are grouped, once at load, by what they inspect (packets per IP protocol, direction
//! and TCP session state; stream chunks and mixed rules per direction; transactions per
//! protocol and side), so an inspection meets only rules that can apply to it. Each group has
//! a multi-pattern prefilter (module `mpm`) per buffer over each rule's fast pattern (the content
//! marked `fast_pattern`, else the longest), each distinct pattern once; candidates are
//! deduplicated with per-thread stamps, and the header check of the rules without a pattern
//! is cached per thread and header. Per flow, a [`FlowDetect`] keeps flowbits/flowints and
//! the stream data not yet inspected; per worker, a [`ThreadCtx`] keeps scratch space and the
//! alerts produced, which the caller drains and writes.
//!
//! ```
//! use detect::{Engine, FlowDetect, PacketInfo, RuleSource, ThreadCtx};
//! let src = RuleSource {
//!     name: "t.rules".into(),
//!     text: b"alert tcp any any -> any any (msg:\"x\"; flow:to_server; content:\"abc\"; sid:1;)".to_vec(),
//! };
//! let (engine, report) = Engine::build(&[src], &rules::Classifications::default());
//! assert_eq!(report.loaded, 1);
//! let mut tcx = ThreadCtx::default();
//! let mut fd = FlowDetect::default();
//! let mut pkt = PacketInfo::test(b"xxabcxx");
//! pkt.stream = true;
//! engine.inspect_stream(&mut tcx, &mut fd, &pkt);
//! assert_eq!(tcx.alerts.len(), 1);
//! ```

mod buffers;
mod engine;
mod input;
mod inspect;
pub mod keywords;
mod mpm;
mod raw;
mod threshold;
mod txprogress;
mod verdict;

pub use engine::{Engine, RuleMeta};
pub use input::PacketInfo;
pub use inspect::RawHit;
pub use keywords::bits::FlowVars;
pub use raw::{RawLimits, RawStream};
pub use txprogress::TxProgress;
pub use verdict::FlowAction;

use std::net::IpAddr;

/// Most alerts a worker may hold before it writes them (more are dropped and counted).
pub const MAX_ALERTS_PENDING: usize = 65_536;
/// Most stream bytes kept per direction awaiting inspection.
pub const MAX_STREAM_PENDING: usize = 65_536;
/// Most rules per direction whose payload part matched stream data not yet claimed by a
/// transaction (see [`FlowDetect::mixed`]).
pub const MAX_MIXED_PENDING: usize = 4096;
/// Suricata's `stream.reassembly.toserver-chunk-size` / `toclient-chunk-size` default: raw
/// stream data is inspected once this much is acknowledged and not yet inspected, or when the
/// app layer completes a transaction.
pub const RAW_CHUNK_SIZE: usize = 2560;
/// Most stream bytes kept per direction for the payload part of mixed rules.
pub const MAX_MIXED_BUF: usize = 65_536;

/// One rules file: its name (for reports) and text.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub name: String,
    pub text: Vec<u8>,
}

/// A rule that was not loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    pub file: String,
    pub line: usize,
    pub sid: Option<u32>,
    pub keyword: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)?;
        if let Some(s) = self.sid {
            write!(f, " sid {s}")?;
        }
        if let Some(k) = &self.keyword {
            write!(f, " keyword '{k}'")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What loading the rules did.
#[derive(Debug, Default, Clone)]
pub struct LoadReport {
    /// Rules parsed without error.
    pub parsed: usize,
    pub loaded: usize,
    pub skipped: Vec<Skip>,
}

impl LoadReport {
    /// Skipped rules counted by keyword, most first.
    pub fn by_keyword(&self) -> Vec<(String, usize)> {
        let mut m: hashbrown::HashMap<String, usize> = hashbrown::HashMap::new();
        for s in &self.skipped {
            *m.entry(s.keyword.clone().unwrap_or_else(|| "(rule)".into()))
                .or_default() += 1;
        }
        let mut v: Vec<_> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v
    }

    /// One line: loaded, skipped, and the main reasons.
    pub fn summary(&self) -> String {
        let top: Vec<String> = self
            .by_keyword()
            .iter()
            .take(12)
            .map(|(k, n)| format!("{k}: {n}"))
            .collect();
        if top.is_empty() {
            return format!("{} rules loaded, {} skipped", self.loaded, self.skipped.len());
        }
        format!(
            "{} rules loaded, {} skipped ({})",
            self.loaded,
            self.skipped.len(),
            top.join(", ")
        )
    }
}

/// An alert: which rule, and the packet (direction) it is reported on.
#[derive(Debug, Clone)]
pub struct Alert {
    /// Rule index, for [`Engine::meta`].
    pub rule: u32,
    pub ts: i64,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub proto: u8,
    pub to_server: bool,
    pub flow_id: Option<u64>,
    pub pcap_cnt: Option<u64>,
    pub tx_id: Option<u64>,
    pub app_proto: Option<app::AppProto>,
    /// Matched on reassembled stream data.
    pub stream: bool,
    /// Where each content / pcre matched (only with [`BuildOptions::explain`]; empty otherwise).
    pub explain: Vec<Explain>,
}

/// One matched `content` or `pcre` of an alert: the buffer it inspected and the matched range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explain {
    /// `content` or `pcre`.
    pub keyword: &'static str,
    /// The buffer's rule name (`http.uri`, `tcp.hdr`, ...; `payload` for packet data, `stream`
    /// for reassembled stream data).
    pub buffer: &'static str,
    /// Transforms applied to the buffer before inspection (`to_lowercase`, ...), in order.
    pub transforms: Vec<&'static str>,
    /// Offset of the match in the (transformed) buffer.
    pub offset: u32,
    pub length: u32,
}

/// How rules are loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    /// Inline (IPS) mode: `drop`/`reject` rules would have to act on packets, which this engine
    /// cannot do, so they are skipped. In IDS mode (the default) they alert like Suricata's.
    pub ips: bool,
    /// Record in each alert where its contents and pcres matched ([`Alert::explain`]).
    pub explain: bool,
}

/// Entries of [`FlowDetect::tx_alerted`] kept per flow.
pub const MAX_TX_ALERTED: usize = 4096;

/// Detection state of one flow.
#[derive(Debug, Default, Clone)]
pub struct FlowDetect {
    pub vars: FlowVars,
    /// Stream bytes per direction (to server, to client) acknowledged and not inspected yet;
    /// when they are is [`FlowDetect::raw_ready`]'s call (Suricata's raw stream timing).
    pub pending: [Vec<u8>; 2],
    /// Stream bytes dropped because the pending buffer was full.
    pub pending_dropped: u64,
    /// When [`FlowDetect::pending`] is inspected (module `raw`).
    pub raw: RawStream,
    /// Per direction (to server, to client), sorted: the rules mixing payload and app-layer
    /// keywords whose payload part matched a stream chunk of that direction inspected since the
    /// last transaction of the flow was inspected in it. Suricata checks that part on the raw
    /// stream chunk of the packet on which the transaction is inspected; a transaction's chunks
    /// are the ones inspected since the previous transaction's.
    pub mixed: [Vec<u32>; 2],
    /// Matches not recorded because [`MAX_MIXED_PENDING`] was reached.
    pub mixed_dropped: u64,
    /// Per direction: acknowledged stream data not yet inspected by the mixed rules, gathered
    /// into chunks as Suricata's raw reassembly does ([`RAW_CHUNK_SIZE`], or the data left when
    /// a transaction is inspected).
    pub mixed_buf: [Vec<u8>; 2],
    /// The app layer asked that this flow's payload no longer be inspected (encrypted TLS):
    /// stream data is not gathered any more and packets carry [`PacketInfo::no_payload`].
    pub no_payload: bool,
    /// Rules that alerted on the flow's open transaction (`app-layer-event` on TLS), once
    /// each: at most the ruleset's live rules.
    pub live_alerted: Vec<u32>,
    /// Rules that alerted on a side (`true` = to server) of a transaction the parser hands
    /// over more than once as it progresses (SMB): (transaction id, side, rule), once each.
    /// Bounded by [`MAX_TX_ALERTED`] (the oldest entries go first).
    pub tx_alerted: std::collections::VecDeque<(u64, bool, u32)>,
    /// What a matching `pass` or `drop` rule decided for the whole flow (Suricata's
    /// `FLOW_ACTION_PASS` / `FLOW_ACTION_DROP`): no more detection on it (see `verdict`).
    pub action: FlowAction,
    /// HTTP/1 transactions inspected as they progress: rules evaluated per transaction side,
    /// sides still to inspect (see [`TxProgress`]).
    pub txp: TxProgress,
}

impl FlowDetect {
    /// Adds in-order stream data of direction `dir` (0 = to server).
    pub fn push_stream(&mut self, dir: usize, data: &[u8]) {
        if self.no_payload || self.action != FlowAction::None {
            return;
        }
        let Some(p) = self.pending.get_mut(dir) else {
            return;
        };
        let room = MAX_STREAM_PENDING.saturating_sub(p.len());
        let take = room.min(data.len());
        p.extend_from_slice(data.get(..take).unwrap_or(&[]));
        self.pending_dropped += (data.len() - take) as u64;
    }

    /// Records that the payload part of mixed rule `rule` matched stream data of `dir`.
    pub(crate) fn mixed_hit(&mut self, dir: usize, rule: u32) {
        let Some(v) = self.mixed.get_mut(dir) else {
            return;
        };
        if let Err(pos) = v.binary_search(&rule) {
            if v.len() >= MAX_MIXED_PENDING {
                self.mixed_dropped += 1;
                return;
            }
            v.insert(pos, rule);
        }
    }
}

/// Per-worker scratch space and the alerts produced.
#[derive(Debug, Default)]
pub struct ThreadCtx {
    pub alerts: Vec<Alert>,
    pub alerts_dropped: u64,
    pub(crate) cand: Vec<u32>,
    pub(crate) vars: Vec<u64>,
    pub(crate) alerted: Vec<u32>,
    /// Per rule: the candidate collection that last took it (see `gen`).
    pub(crate) stamp: Vec<u32>,
    /// Per prefilter pattern: the candidate collection that last saw it.
    pub(crate) pstamp: Vec<u32>,
    /// Current candidate collection, so that nothing is cleared between collections.
    pub(crate) gen: u32,
    /// Per group and packet header: the group's always-checked rules whose header matches
    /// (the header check depends on nothing else, so a flow direction computes it once).
    pub(crate) hdr: hashbrown::HashMap<HdrKey, Vec<u32>>,
    /// The engine [`ThreadCtx::hdr`] was filled for (a reload empties it).
    pub(crate) hdr_engine: u64,
}

/// Most entries of [`ThreadCtx::hdr`]; it is emptied when full.
pub(crate) const MAX_HDR_CACHE: usize = 4096;

/// What a rule header check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct HdrKey {
    pub group: u32,
    pub proto: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    pub app: Option<app::AppProto>,
}

impl ThreadCtx {
    /// Starts a candidate collection over `rules` rules and `pats` patterns: returns its
    /// stamp, sizing the stamp arrays first (and resetting them when the counter wraps).
    pub(crate) fn next_gen(&mut self, rules: usize, pats: usize) -> u32 {
        if self.stamp.len() < rules {
            self.stamp.resize(rules, 0);
        }
        if self.pstamp.len() < pats {
            self.pstamp.resize(pats, 0);
        }
        self.gen = match self.gen.checked_add(1) {
            Some(g) => g,
            None => {
                self.stamp.iter_mut().for_each(|s| *s = 0);
                self.pstamp.iter_mut().for_each(|s| *s = 0);
                1
            }
        };
        self.gen
    }
}
