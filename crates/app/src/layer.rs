//! Per-flow app-layer state: protocol detection, then dispatch to the protocol's parser.
//!
//! Detection follows Suricata 7.0.10 (`app-layer.c` `TCPProtoDetect`, `AppLayerHandleUdp`):
//! - TCP: each direction buffers the start of its stream (bounded, [`DETECT_BUF_CAP`]) and runs
//!   the pattern engine, then the probing parsers, then the FTP-data expectations over it, until a
//!   protocol is found or both engines are *done* for that direction. The first direction that
//!   finds a protocol sets the flow's; the buffered bytes of both directions are then fed to its
//!   parser, earlier direction first. A direction that is done without a match while the other
//!   found one is fed anyway and marked `failed` (EVE `app_proto_tc: "failed"`, with the anomaly
//!   `APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION`). When both directions are done with no match,
//!   the flow is `failed`; a flow with data one way only stays unknown (no `app_proto`) unless
//!   that side passes 100000 bytes.
//! - UDP: the first datagram of each direction is probed once.
//!
//! [`Expectations`] holds the FTP data connections announced on control connections of this
//! worker; a new flow that matches one is labelled `ftp-data` and parsed as a file transfer.

use crate::detect::{self, Pm, Pp, IPPROTO_TCP, IPPROTO_UDP};
use crate::{Anomaly, AppEvent, AppProto, Cx, Parser, Record};
use flow::{Chunk, Direction};
use std::collections::VecDeque;
use std::net::IpAddr;
use wire::Timestamp;

/// Bytes of one direction kept while its protocol is unknown (later bytes are counted, not kept).
pub const DETECT_BUF_CAP: usize = 16 * 1024;
/// Suricata's minimum bail-out size for protocol detection (`TCPProtoDetectCheckBailConditions`).
const BAIL_LIMIT: u64 = 100_000;
/// After a protocol change request (STARTTLS), detection gives up past this many bytes.
const CHANGE_MAX_DEPTH: usize = 4096;

/// App-layer settings (from the config file / `--set app-layer.*`).
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub http: crate::http::HttpConfig,
    /// HTTP/2 parser settings.
    pub http2: crate::http2::Http2Config,
    /// Compute HASSH in SSH records (Suricata turns it on when a rule uses `ssh.hassh*`, or
    /// with `app-layer.protocols.ssh.hassh: yes`).
    pub ssh_hassh: bool,
    /// `stream.midstream`: a TCP direction whose start matches no pattern of its own is also
    /// searched with the other direction's patterns (Suricata's `AppLayerProtoDetectPMGetProto`).
    /// A match there on a flow picked up midstream reverses the flow (see
    /// [`AppLayer::set_tcp_midstream`], [`AppLayer::take_reversed`]).
    pub midstream: bool,
    /// Keep the decoded content of SMTP attachments for `file.data` (set when a rule uses it;
    /// names are always kept).
    pub smtp_file_data: bool,
    /// Hand SIP datagrams that do not parse to detection too, for their `frame:sip.pdu` (set
    /// when a rule uses `frame:`).
    pub sip_frames: bool,
    /// Keep the first bytes of SMB files for `file.data` (set when a rule uses it).
    pub smb_file_data: bool,
    /// Build SMB frame records for `frame:` (set when a rule uses `frame:`).
    pub smb_frames: bool,
    /// Protocols whose detection is disabled (bit = `AppProto as u32`). Suricata's default
    /// suricata.yaml disables modbus, dnp3, enip and pgsql.
    disabled: u64,
}

impl Default for AppConfig {
    fn default() -> Self {
        let mut cfg = AppConfig {
            http: Default::default(),
            http2: Default::default(),
            ssh_hassh: false,
            midstream: false,
            smtp_file_data: false,
            sip_frames: false,
            smb_file_data: false,
            smb_frames: false,
            disabled: 0,
        };
        for p in [AppProto::Modbus, AppProto::Dnp3, AppProto::Enip, AppProto::Pgsql] {
            cfg.set_enabled(p, false);
        }
        cfg
    }
}

impl AppConfig {
    /// Whether `proto` is detected (`app-layer.protocols.NAME.enabled`).
    pub fn is_enabled(&self, proto: AppProto) -> bool {
        self.disabled & (1u64 << (proto as u32 & 63)) == 0
    }
    pub fn set_enabled(&mut self, proto: AppProto, on: bool) {
        let bit = 1u64 << (proto as u32 & 63);
        if on {
            self.disabled &= !bit;
        } else {
            self.disabled |= bit;
        }
    }
}

/// Counters of the app layer of one worker (kept in [`Expectations::stats`], the one per-worker
/// object every call sees).
#[derive(Debug, Default, Clone)]
pub struct AppStats {
    /// Flows whose protocol was found (Suricata's `app_layer.flow.<proto>`).
    pub detected: u64,
    /// Flows whose detection failed (`app_layer.flow.failed_tcp` + `failed_udp`).
    pub failed: u64,
    /// Records produced by parsers (`app_layer.tx.*`).
    pub tx: u64,
    /// Bytes not kept in detection buffers (past [`DETECT_BUF_CAP`]).
    pub detect_buf_dropped: u64,
    pub expect_created: u64,
    pub expect_claimed: u64,
    /// Expectations removed unclaimed: timed out or pushed out by the caps.
    pub expect_dropped: u64,
    /// Files seen on FTP data connections.
    pub files: u64,
}

/// What an FTP control connection announced for a data connection.
#[derive(Debug, Clone)]
pub struct FtpTransfer {
    /// Flow id of the control connection (logged as `parent_id`).
    pub parent_id: u64,
    pub filename: String,
    /// "RETR" or "STOR".
    pub command: &'static str,
    /// Direction, within the data flow, in which the file travels.
    pub dir: Direction,
}

#[derive(Debug)]
struct Expectation {
    addrs: [IpAddr; 2],
    dport: u16,
    dir: Direction,
    ts: Timestamp,
    transfer: FtpTransfer,
}

/// Cross-flow expectations of one worker: FTP data connections announced by PASV/PORT/EPSV/EPRT,
/// claimed by the flow that opens them. Bounded: 10 per address pair (oldest dropped, as
/// Suricata's `EXPECTATION_MAX_LEVEL`), [`Expectations::MAX`] in all, 30 s lifetime.
#[derive(Debug, Default)]
pub struct Expectations {
    list: VecDeque<Expectation>,
    /// App-layer counters of this worker.
    pub stats: AppStats,
}

impl Expectations {
    pub const MAX: usize = 4096;
    const PER_PAIR: usize = 10;
    const TIMEOUT_US: i64 = 30_000_000;

    /// Registers a data connection between `a` and `b` to port `dport`, in which the file
    /// travels in `dir` (relative to the data flow).
    pub fn expect(
        &mut self,
        a: IpAddr,
        b: IpAddr,
        dport: u16,
        dir: Direction,
        ts: Timestamp,
        transfer: FtpTransfer,
    ) {
        let same_pair = |e: &Expectation| (e.addrs == [a, b]) || (e.addrs == [b, a]);
        if self.list.iter().filter(|e| same_pair(e)).count() >= Self::PER_PAIR {
            if let Some(pos) = self.list.iter().position(same_pair) {
                self.list.remove(pos);
                self.stats.expect_dropped += 1;
            }
        }
        if self.list.len() >= Self::MAX {
            self.list.pop_front();
            self.stats.expect_dropped += 1;
        }
        self.list.push_back(Expectation {
            addrs: [a, b],
            dport,
            dir,
            ts,
            transfer,
        });
        self.stats.expect_created += 1;
    }

    /// Number of pending expectations.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Claims the expectation matching a new flow whose data travels in `dir`; drops expired ones.
    fn claim(&mut self, flow: &crate::FlowInfo, dir: Direction, now: Timestamp) -> Option<FtpTransfer> {
        if self.list.is_empty() {
            return None;
        }
        let before = self.list.len();
        self.list
            .retain(|e| now.0.saturating_sub(e.ts.0) <= Self::TIMEOUT_US);
        self.stats.expect_dropped += (before - self.list.len()) as u64;
        let pos = self.list.iter().position(|e| {
            let pair = (e.addrs == [flow.client, flow.server]) || (e.addrs == [flow.server, flow.client]);
            pair && e.dport == flow.server_port && e.dir == dir
        })?;
        let e = self.list.remove(pos)?;
        self.stats.expect_claimed += 1;
        Some(e.transfer)
    }
}

/// Detection state of one flow, dropped once both directions are settled.
#[derive(Default)]
struct Detect {
    buf: [Vec<u8>; 2],
    /// Bytes seen per direction while detecting (kept or not).
    seen: [u64; 2],
    pm_done: [bool; 2],
    pp_done: [bool; 2],
    pe_done: [bool; 2],
    pp_failed: [u32; 2],
    /// Detection completed for the direction (found, failed, or gap at stream start).
    completed: [bool; 2],
    /// Direction that had data first, while nothing has been given to a parser.
    first_dir: Option<Direction>,
    /// Some data has been given to the parser.
    sent: bool,
    /// Detecting again after a protocol change request.
    change: bool,
    /// The last protocol found by [`AppLayer::run_engines`] matched a pattern of the other
    /// direction (Suricata's `reverse_flow`).
    reverse: bool,
}

impl Detect {
    /// Trades the two directions' detection state (the flow was reversed).
    fn swap_dirs(&mut self) {
        self.buf.swap(0, 1);
        self.seen.swap(0, 1);
        self.pm_done.swap(0, 1);
        self.pp_done.swap(0, 1);
        self.pe_done.swap(0, 1);
        self.pp_failed.swap(0, 1);
        self.completed.swap(0, 1);
        self.first_dir = self.first_dir.map(Direction::reverse);
    }
}

/// The app-layer state of one flow.
#[derive(Default)]
pub struct AppLayer {
    proto: Option<AppProto>,
    by_dir: [Option<AppProto>; 2],
    orig: Option<AppProto>,
    expected: Option<AppProto>,
    parent_id: Option<u64>,
    det: Option<Box<Detect>>,
    parser: Option<Box<dyn Parser>>,
    disabled: bool,
    /// A protocol change a parser asked for (STARTTLS, h2c), with the bytes of the chunk that
    /// already belong to the next protocol.
    change: Option<(AppProto, Vec<u8>)>,
    /// What the next parser takes over from the previous one (the h2c request).
    handoff: Option<crate::Handoff>,
    /// The TCP session was picked up midstream (not at a SYN/ACK): detection may reverse it.
    tcp_midstream: bool,
    /// Detection reversed the flow and the caller has not swapped it yet: directions given to
    /// [`AppLayer::on_tcp`] / [`AppLayer::on_eof`] are read the other way round until then.
    flip: bool,
    /// Per direction: how many times a parser asked for raw stream inspection (see
    /// [`AppLayer::raw_triggers`]).
    raw_triggers: [u32; 2],
}

fn idx(d: Direction) -> usize {
    d.index()
}

impl AppLayer {
    /// The flow's protocol, once detected (`Some(Failed)` when detection gave up).
    pub fn proto(&self) -> Option<AppProto> {
        self.proto
    }

    /// Protocols detected per direction (Suricata's `app_proto_ts` / `app_proto_tc`, logged when
    /// they differ from `app_proto`).
    pub fn proto_by_dir(&self) -> [Option<AppProto>; 2] {
        self.by_dir
    }

    /// The protocol before a change (STARTTLS, HTTP/2 upgrade): EVE `app_proto_orig`.
    pub fn proto_orig(&self) -> Option<AppProto> {
        self.orig
    }

    /// The protocol a change announced (EVE `app_proto_expected`, logged when it differs).
    pub fn proto_expected(&self) -> Option<AppProto> {
        self.expected
    }

    /// For an FTP data connection, the flow id of its control connection: EVE `parent_id` on
    /// every record of this flow.
    pub fn parent_id(&self) -> Option<u64> {
        self.parent_id
    }

    /// Tells detection whether the TCP session was picked up midstream without its SYN/ACK
    /// (Suricata's `STREAMTCP_FLAG_MIDSTREAM` without `..._SYNACK`): only then may detection
    /// reverse the flow. The caller sets it before feeding the session's data.
    pub fn set_tcp_midstream(&mut self, on: bool) {
        self.tcp_midstream = on;
    }

    /// Whether detection found that the flow runs the other way (Suricata's `FlowSwap` in
    /// `TCPProtoDetect`): the first data, taken as the client's, matched the server's patterns
    /// of a protocol on a flow picked up midstream. The data was parsed as the server's. Returns
    /// `true` once; the caller must then reverse the flow and its TCP session
    /// (`flow::Flow::swap_direction`) before feeding more. Until it does, directions passed in
    /// are read reversed, so chunks the same segment delivers afterwards are still right.
    pub fn take_reversed(&mut self) -> bool {
        std::mem::take(&mut self.flip)
    }

    /// Whether the parser asked that the flow's payload no longer be inspected (see
    /// [`crate::Parser::no_payload_inspection`]).
    pub fn no_payload_inspection(&self) -> bool {
        self.parser.as_ref().is_some_and(|p| p.no_payload_inspection())
    }

    /// Per direction (to server, to client): how many times the parsers asked that the raw
    /// stream be inspected (see [`crate::Parser::take_raw_trigger`]); the count wraps. The
    /// directions are the flow's once the caller took [`AppLayer::take_reversed`].
    pub fn raw_triggers(&self) -> [u32; 2] {
        self.raw_triggers
    }

    /// App-layer events of the parser's open transaction (see [`crate::Parser::live_events`]).
    pub fn live_events(&self) -> &[&'static str] {
        self.parser.as_ref().map_or(&[], |p| p.live_events())
    }

    /// The parser's open transaction (see [`crate::Parser::live_record`]).
    pub fn live_record(&self) -> Option<crate::Record> {
        self.parser.as_ref().and_then(|p| p.live_record())
    }

    /// Feeds one in-order chunk of a TCP stream.
    pub fn on_tcp(&mut self, cfg: &AppConfig, dir: Direction, chunk: Chunk<'_>, cx: &mut Cx<'_>) {
        let dir = if self.flip { dir.reverse() } else { dir };
        self.tcp_chunk(cfg, dir, chunk, cx);
    }

    /// [`AppLayer::on_tcp`] with `dir` in the flow's current orientation.
    fn tcp_chunk(&mut self, cfg: &AppConfig, dir: Direction, chunk: Chunk<'_>, cx: &mut Cx<'_>) {
        if self.disabled {
            return;
        }
        let flip = self.flip;
        match chunk {
            Chunk::Gap(len) => self.tcp_gap(dir, len, cx),
            Chunk::Data([]) => {}
            Chunk::Data(data) => {
                if self.by_dir[idx(dir)].is_some() {
                    if self.det.as_ref().is_some_and(|d| !d.completed[idx(dir)]) {
                        self.flush_dir(dir, cx);
                    }
                    self.parse(dir, data, cx);
                    self.check_change(cfg, dir, cx);
                    return;
                }
                let det = self.det.get_or_insert_with(Default::default);
                let i = idx(dir);
                det.seen[i] = det.seen[i].saturating_add(data.len() as u64);
                let room = DETECT_BUF_CAP.saturating_sub(det.buf[i].len());
                let keep = data.len().min(room);
                det.buf[i].extend_from_slice(&data[..keep]);
                if det.first_dir.is_none() && !det.sent {
                    det.first_dir = Some(dir);
                }
                self.tcp_detect(cfg, dir, cx, true);
                // Detection may have reversed the flow: this chunk then came from the other side.
                let dir = if self.flip != flip { dir.reverse() } else { dir };
                let i = idx(dir);
                if keep < data.len() {
                    // What did not fit in the buffer follows the flushed bytes, or is lost.
                    let flushed = !self.disabled
                        && self.by_dir[i].is_some()
                        && self.det.as_ref().is_none_or(|d| d.completed[i]);
                    if flushed {
                        self.parse(dir, &data[keep..], cx);
                    } else {
                        cx.expect.stats.detect_buf_dropped += (data.len() - keep) as u64;
                    }
                }
                self.check_change(cfg, dir, cx);
            }
        }
    }

    fn tcp_gap(&mut self, dir: Direction, len: u32, cx: &mut Cx<'_>) {
        let i = idx(dir);
        if self.by_dir[i].is_none() {
            // A gap at the start of a stream: nothing more can be learnt from this direction.
            if let Some(det) = self.det.as_mut() {
                det.completed[i] = true;
            }
            match self.proto {
                None => {
                    self.fail(cx);
                    return;
                }
                Some(p) => self.by_dir[i] = Some(p),
            }
            if let Some(det) = self.det.as_mut() {
                det.buf[i] = Vec::new();
            }
            self.maybe_drop_detect();
        }
        if let Some(parser) = self.parser.as_mut() {
            parser.on_gap(dir, len, cx);
        }
    }

    /// One round of TCP detection for `dir` over its buffered bytes (`TCPProtoDetect`).
    fn tcp_detect(&mut self, cfg: &AppConfig, dir: Direction, cx: &mut Cx<'_>, may_trigger: bool) {
        let i = idx(dir);
        let other = dir.reverse();
        let oi = idx(other);
        let found = self.run_engines(cfg, IPPROTO_TCP, dir, cx);
        let Some(det) = self.det.as_mut() else { return };
        let reverse = std::mem::take(&mut det.reverse);
        if det.buf[i].is_empty() && found.is_none() {
            return;
        }
        if let Some(p) = found {
            if reverse && self.tcp_midstream && self.by_dir[oi].is_none() && self.proto.is_none() {
                // Suricata's `FlowSwap`: the data came from the server; detection goes on as
                // if it had been seen in the other direction.
                det.swap_dirs();
                self.flip = !self.flip;
                self.tcp_midstream = false;
                return self.tcp_detect_found(cfg, other, p, cx, may_trigger);
            }
            return self.tcp_detect_found(cfg, dir, p, cx, may_trigger);
        }
        // Nothing found in this direction.
        let Some(det) = self.det.as_ref() else { return };
        let (pm_i, pp_i) = (det.pm_done[i], det.pp_done[i]);
        match self.by_dir[oi] {
            Some(o) => {
                if pm_i && pp_i {
                    if o != AppProto::Failed {
                        self.anomaly(dir, "APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION", cx);
                        self.flush_dir(dir, cx);
                    }
                    self.by_dir[i] = Some(AppProto::Failed);
                    if let Some(det) = self.det.as_mut() {
                        det.completed[i] = true;
                        det.buf[i] = Vec::new();
                    }
                    self.maybe_drop_detect();
                }
            }
            None => {
                if det.change {
                    if det.buf[i].len() >= CHANGE_MAX_DEPTH {
                        self.fail(cx);
                    }
                    return;
                }
                let done = |d: usize| det.completed[d] || (det.pm_done[d] && det.pp_done[d]);
                let (ts, tc) = (det.seen[0], det.seen[1]);
                let bail = (done(0) && done(1))
                    || tc > 2 * BAIL_LIMIT
                    || ts > 2 * BAIL_LIMIT
                    || (det.pm_done[0] && det.pp_done[0] && ts > BAIL_LIMIT && tc == 0)
                    || (det.pm_done[1] && det.pp_done[1] && tc > BAIL_LIMIT && ts == 0);
                if bail {
                    self.fail(cx);
                }
            }
        }
    }

    /// `dir` found protocol `p` (the rest of `TCPProtoDetect`): the flow's protocol, the
    /// direction checks, then the buffered data to the parser (the other direction's first if
    /// it spoke first).
    fn tcp_detect_found(
        &mut self,
        cfg: &AppConfig,
        dir: Direction,
        p: AppProto,
        cx: &mut Cx<'_>,
        may_trigger: bool,
    ) {
        let i = idx(dir);
        let other = dir.reverse();
        let oi = idx(other);
        self.by_dir[i] = Some(p);
        let other_p = self.by_dir[oi];
        let flow_p = match other_p {
            Some(o) if o != p => {
                self.anomaly(dir, "APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS", cx);
                let det = self.det.as_ref().map(|d| d.sent).unwrap_or(false);
                if det || dir == Direction::ToServer {
                    o
                } else {
                    p
                }
            }
            _ => p,
        };
        let changed = self.proto.is_some_and(|old| old != flow_p);
        self.set_proto(flow_p, cfg, cx);
        if changed && self.expected.is_some_and(|e| e != flow_p) {
            self.anomaly(dir, "APPLAYER_UNEXPECTED_PROTOCOL", cx);
        }
        let Some(det) = self.det.as_mut() else { return };
        det.completed[i] = true;
        // TLS wants the client to speak first.
        let wrong_first = flow_p == AppProto::Tls && !det.sent && det.first_dir == Some(Direction::ToClient);
        let trigger =
            may_trigger && det.first_dir == Some(other) && !det.completed[oi] && !det.buf[oi].is_empty();
        if wrong_first {
            self.anomaly(dir, "APPLAYER_WRONG_DIRECTION_FIRST_DATA", cx);
            self.fail(cx);
            return;
        }
        // Data seen first in the other direction goes to the parser first.
        if trigger {
            self.tcp_detect(cfg, other, cx, false);
            if self.disabled {
                return;
            }
        }
        self.flush_dir(dir, cx);
    }

    /// Runs PM, PP and PE for `dir` over its buffer (`AppLayerProtoDetectGetProto`).
    fn run_engines(
        &mut self,
        cfg: &AppConfig,
        ipproto: u8,
        dir: Direction,
        cx: &mut Cx<'_>,
    ) -> Option<AppProto> {
        let i = idx(dir);
        let other_p = self.by_dir[idx(dir.reverse())].filter(|p| *p != AppProto::Failed);
        let det = self.det.as_mut()?;
        let enabled = |p: AppProto| cfg.is_enabled(p);
        let buf = det.buf[i].as_slice();
        if buf.is_empty() {
            return None;
        }
        if !det.pm_done[i] {
            let mut found = detect::pm(ipproto, dir, buf, &enabled);
            if let (Pm::None { done }, true) = (found, cfg.midstream && ipproto == IPPROTO_TCP) {
                // Midstream: the other direction's patterns too; done once both are.
                found = match detect::pm(ipproto, dir.reverse(), buf, &enabled) {
                    Pm::Found(p) => {
                        det.reverse = true;
                        Pm::Found(p)
                    }
                    Pm::None { done: other_done } => Pm::None {
                        done: done && other_done,
                    },
                };
            }
            match found {
                Pm::Found(p) => {
                    det.pm_done[i] = true;
                    // Let the other direction's probers run again.
                    let oi = idx(dir.reverse());
                    if det.pp_done[oi] && self.by_dir[oi].is_none() {
                        det.pp_done[oi] = false;
                    }
                    return Some(p);
                }
                Pm::None { done } => det.pm_done[i] = done,
            }
        }
        if !det.pp_done[i] {
            match detect::pp(
                ipproto,
                dir,
                cx.flow.server_port,
                other_p,
                buf,
                &mut det.pp_failed[i],
                &enabled,
            ) {
                Pp::Found(p) => return Some(p),
                Pp::None { done } => det.pp_done[i] |= done,
            }
        }
        if !det.pe_done[i] {
            det.pe_done[i] = true;
            if let Some(t) = cx.expect.claim(cx.flow, dir, cx.ts) {
                self.parent_id = Some(t.parent_id);
                self.parser = Some(Box::new(crate::ftp::FtpDataParser::new(t)));
                for d in &mut self.by_dir {
                    if d.is_none() {
                        *d = Some(AppProto::FtpData);
                    }
                }
                return Some(AppProto::FtpData);
            }
        }
        None
    }

    /// Sets the flow's protocol and creates its parser.
    fn set_proto(&mut self, p: AppProto, cfg: &AppConfig, cx: &mut Cx<'_>) {
        if self.proto == Some(p) && (self.parser.is_some() || p == AppProto::Failed) {
            return;
        }
        let first = self.proto.is_none();
        self.proto = Some(p);
        if first {
            cx.expect.stats.detected += 1;
        }
        if p == AppProto::FtpData && self.parser.is_some() {
            return;
        }
        self.parser = match (p, self.handoff.take()) {
            (AppProto::Http2, Some(crate::Handoff::H2c(req))) => Some(Box::new(
                crate::http2::Http2Parser::with_upgrade(&cfg.http2, &req),
            )),
            _ => new_parser(p, cfg, cx.flow.proto),
        };
    }

    /// Gives the buffered bytes of `dir` to the parser and ends detection there.
    fn flush_dir(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        let i = idx(dir);
        let Some(det) = self.det.as_mut() else { return };
        let buf = std::mem::take(&mut det.buf[i]);
        det.completed[i] = true;
        det.sent = true;
        if !buf.is_empty() {
            self.parse(dir, &buf, cx);
        }
        self.maybe_drop_detect();
    }

    fn maybe_drop_detect(&mut self) {
        if let Some(det) = self.det.as_ref() {
            if det.completed[0] && det.completed[1] && det.buf[0].is_empty() && det.buf[1].is_empty() {
                self.det = None;
            }
        }
    }

    fn parse(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if let Some(parser) = self.parser.as_mut() {
            let before = cx.out.len();
            parser.on_data(dir, data, cx);
            cx.expect.stats.tx += cx.out.len().saturating_sub(before) as u64;
            for (n, t) in self.raw_triggers.iter_mut().zip(parser.take_raw_trigger()) {
                if t {
                    *n = n.wrapping_add(1);
                }
            }
            if self.change.is_none() {
                if let Some(next) = parser.upgrade() {
                    let left = parser.upgrade_leftover().min(data.len());
                    let rest = data.get(data.len() - left..).unwrap_or_default().to_vec();
                    self.handoff = parser.handoff();
                    self.change = Some((next, rest));
                }
            }
        }
    }

    /// A parser asked for a protocol change (STARTTLS, h2c): detect again from the next bytes
    /// (those of the last chunk that follow the change first).
    fn check_change(&mut self, cfg: &AppConfig, dir: Direction, cx: &mut Cx<'_>) {
        let Some((next, rest)) = self.change.take() else {
            return;
        };
        if !cfg.is_enabled(next) {
            // As Suricata with HTTP/2 disabled: the HTTP/1 parser stays in tunnel mode.
            self.handoff = None;
            return;
        }
        self.orig = self.proto;
        self.expected = Some(next);
        self.by_dir = [None, None];
        self.parser = None;
        self.det = Some(Box::new(Detect {
            change: true,
            sent: true,
            ..Default::default()
        }));
        if !rest.is_empty() {
            self.tcp_chunk(cfg, dir, Chunk::Data(&rest), cx);
        }
    }

    /// Detection failed: no parser for this flow.
    fn fail(&mut self, cx: &mut Cx<'_>) {
        if self.proto.is_none() {
            cx.expect.stats.failed += 1;
        }
        self.proto = Some(AppProto::Failed);
        for d in &mut self.by_dir {
            if d.is_none() {
                *d = Some(AppProto::Failed);
            }
        }
        self.parser = None;
        self.det = None;
        self.disabled = true;
    }

    fn anomaly(&self, dir: Direction, event: &'static str, cx: &mut Cx<'_>) {
        // Suricata (IDS mode) handles stream data on the packet that acknowledges it, which
        // travels the other way.
        cx.out.push(AppEvent {
            ts: cx.ts,
            dir: dir.reverse(),
            tx_id: None,
            record: Record::Anomaly(Box::new(Anomaly {
                app_proto: self.proto.map(AppProto::name),
                kind: "applayer",
                event,
                layer: Some("proto_detect"),
            })),
        });
    }

    /// Feeds one UDP datagram's payload.
    pub fn on_udp(&mut self, cfg: &AppConfig, dir: Direction, payload: &[u8], cx: &mut Cx<'_>) {
        let i = idx(dir);
        let oi = idx(dir.reverse());
        if self.by_dir == [Some(AppProto::Failed), Some(AppProto::Failed)] {
            return;
        }
        if self.by_dir[i].is_some() {
            if !payload.is_empty() && !matches!(self.proto, None | Some(AppProto::Failed)) {
                self.parse(dir, payload, cx);
            }
            return;
        }
        let found = self.udp_detect(cfg, dir, payload, cx);
        let other = self.by_dir[oi];
        match found {
            None => match other {
                Some(o) => {
                    self.proto = Some(o);
                    self.by_dir[i] = Some(o);
                }
                None => self.by_dir[i] = Some(AppProto::Failed),
            },
            Some(p) => {
                self.by_dir[i] = Some(p);
                match other {
                    Some(o) if o != AppProto::Failed => {
                        if o != p {
                            self.anomaly(dir.reverse(), "APPLAYER_MISMATCH_PROTOCOL_BOTH_DIRECTIONS", cx);
                        }
                    }
                    _ => {
                        if self.proto == Some(AppProto::Failed) {
                            // counted as failed on the first datagram; now it is known
                            cx.expect.stats.failed = cx.expect.stats.failed.saturating_sub(1);
                            self.proto = None;
                        }
                        self.set_proto(p, cfg, cx);
                    }
                }
            }
        }
        if other.is_none() && self.proto.is_none() {
            self.proto = Some(AppProto::Failed);
            cx.expect.stats.failed += 1;
        }
        if !payload.is_empty() && !matches!(self.proto, None | Some(AppProto::Failed)) {
            self.parse(dir, payload, cx);
        }
    }

    fn udp_detect(
        &mut self,
        cfg: &AppConfig,
        dir: Direction,
        payload: &[u8],
        cx: &mut Cx<'_>,
    ) -> Option<AppProto> {
        let enabled = |p: AppProto| cfg.is_enabled(p);
        if let Pm::Found(p) = detect::pm(IPPROTO_UDP, dir, payload, &enabled) {
            return Some(p);
        }
        let other = self.by_dir[idx(dir.reverse())].filter(|p| *p != AppProto::Failed);
        let mut failed = 0u32;
        if let Pp::Found(p) = detect::pp(
            IPPROTO_UDP,
            dir,
            cx.flow.server_port,
            other,
            payload,
            &mut failed,
            &enabled,
        ) {
            return Some(p);
        }
        None
    }

    /// The flow ends: parsers flush open transactions.
    /// End of flow: direction `dir` has delivered everything (see [`crate::Parser::on_eof`]).
    pub fn on_eof(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        self.eof_dir(dir, cx);
    }

    /// A packet of direction `dir` was processed (see [`crate::Parser::on_packet`]).
    pub fn on_packet(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        let dir = if self.flip { dir.reverse() } else { dir };
        if let Some(parser) = self.parser.as_mut() {
            parser.on_packet(dir, cx);
        }
    }

    /// Detection's look at the parser's open transactions on a packet of direction `dir` (see
    /// [`crate::Parser::inspect_open`]).
    pub fn inspect_open(&mut self, dir: Direction, f: &mut dyn FnMut(&crate::Record)) {
        let dir = if self.flip { dir.reverse() } else { dir };
        if let Some(parser) = self.parser.as_mut() {
            parser.inspect_open(dir, f);
        }
    }

    fn eof_dir(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        let dir = if self.flip { dir.reverse() } else { dir };
        if let Some(parser) = self.parser.as_mut() {
            let before = cx.out.len();
            parser.on_eof(dir, cx);
            cx.expect.stats.tx += cx.out.len().saturating_sub(before) as u64;
        }
    }

    pub fn on_close(&mut self, cx: &mut Cx<'_>) {
        if let (Some(p), Some(det)) = (self.proto, self.det.as_ref()) {
            if p != AppProto::Failed {
                for i in 0..2 {
                    if self.by_dir[i].is_none() && !det.completed[i] {
                        self.by_dir[i] = Some(p);
                    }
                }
            }
        }
        self.det = None;
        if let Some(parser) = self.parser.as_mut() {
            let before = cx.out.len();
            parser.on_close(cx);
            cx.expect.stats.tx += cx.out.len().saturating_sub(before) as u64;
        }
    }
}

/// The parser of a protocol (`None` for protocols we only label).
fn new_parser(p: AppProto, cfg: &AppConfig, ipproto: u8) -> Option<Box<dyn Parser>> {
    match p {
        AppProto::Http => Some(Box::new(crate::http::HttpParser::new(&cfg.http))),
        AppProto::Http2 if ipproto == IPPROTO_TCP => {
            Some(Box::new(crate::http2::Http2Parser::new(&cfg.http2)))
        }
        AppProto::Dns if ipproto == IPPROTO_TCP => Some(Box::new(crate::dns::DnsParser::new_tcp())),
        AppProto::Dns => Some(Box::new(crate::dns::DnsParser::new_udp())),
        AppProto::Tls => Some(Box::new(crate::tls::TlsParser::new())),
        AppProto::Dcerpc if ipproto == IPPROTO_TCP => Some(Box::new(crate::dcerpc::DcerpcParser::new())),
        AppProto::Smb if ipproto == IPPROTO_TCP => Some(Box::new(crate::smb::SmbParser::new(
            cfg.smb_file_data,
            cfg.smb_frames,
        ))),
        AppProto::Ssh => Some(Box::new(crate::ssh::SshParser::new(cfg.ssh_hassh))),
        AppProto::Snmp if ipproto == IPPROTO_UDP => Some(Box::new(crate::snmp::SnmpParser::new())),
        AppProto::Krb5 if ipproto == IPPROTO_TCP => Some(Box::new(crate::krb5::Krb5Parser::new_tcp())),
        AppProto::Krb5 => Some(Box::new(crate::krb5::Krb5Parser::new_udp())),
        AppProto::Ike if ipproto == IPPROTO_UDP => Some(Box::new(crate::ike::IkeParser::new())),
        AppProto::Quic if ipproto == IPPROTO_UDP => Some(Box::new(crate::quic::QuicParser::new())),
        AppProto::Sip if ipproto == IPPROTO_UDP => Some(Box::new(crate::sip::SipParser::new(cfg.sip_frames))),
        AppProto::Enip => Some(Box::new(crate::enip::EnipParser::new())),
        AppProto::Nfs if ipproto == IPPROTO_TCP => Some(Box::new(crate::nfs::NfsParser::new_tcp())),
        AppProto::Nfs => Some(Box::new(crate::nfs::NfsParser::new_udp())),
        AppProto::Ftp => Some(Box::new(crate::ftp::FtpParser::new())),
        AppProto::Smtp => Some(Box::new(crate::smtp::SmtpParser::with_file_data(
            cfg.smtp_file_data,
        ))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FlowInfo;

    const TS: Direction = Direction::ToServer;
    const TC: Direction = Direction::ToClient;

    struct Bench {
        flow: FlowInfo,
        expect: Expectations,
        out: Vec<AppEvent>,
        cfg: AppConfig,
        ts: Timestamp,
    }

    impl Bench {
        fn new(proto: u8, server_port: u16) -> Self {
            Bench {
                flow: FlowInfo {
                    id: 1000,
                    client: "192.168.77.10".parse().unwrap(),
                    server: "198.51.100.20".parse().unwrap(),
                    client_port: 40000,
                    server_port,
                    proto,
                },
                expect: Expectations::default(),
                out: Vec::new(),
                cfg: AppConfig::default(),
                ts: Timestamp(5_000_000),
            }
        }
        fn tcp(&mut self, app: &mut AppLayer, dir: Direction, data: &[u8]) {
            let mut cx = Cx {
                ts: self.ts,
                flow: &self.flow,
                out: &mut self.out,
                expect: &mut self.expect,
            };
            app.on_tcp(&self.cfg, dir, Chunk::Data(data), &mut cx);
        }
        fn gap(&mut self, app: &mut AppLayer, dir: Direction, len: u32) {
            let mut cx = Cx {
                ts: self.ts,
                flow: &self.flow,
                out: &mut self.out,
                expect: &mut self.expect,
            };
            app.on_tcp(&self.cfg, dir, Chunk::Gap(len), &mut cx);
        }
        fn udp(&mut self, app: &mut AppLayer, dir: Direction, data: &[u8]) {
            let mut cx = Cx {
                ts: self.ts,
                flow: &self.flow,
                out: &mut self.out,
                expect: &mut self.expect,
            };
            app.on_udp(&self.cfg, dir, data, &mut cx);
        }
        fn close(&mut self, app: &mut AppLayer) {
            let mut cx = Cx {
                ts: self.ts,
                flow: &self.flow,
                out: &mut self.out,
                expect: &mut self.expect,
            };
            app.on_close(&mut cx);
        }
        fn types(&self) -> Vec<&'static str> {
            self.out.iter().map(|e| e.record.event_type()).collect()
        }
    }

    use AppProto as A;

    #[test]
    fn ftp_banner_first_is_one_direction() {
        let mut b = Bench::new(6, 21);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TC, b"220 Welcome to the lab file service.\r\n");
        assert_eq!(app.proto(), None);
        b.tcp(&mut app, TS, b"USER alice\r\n");
        assert_eq!(app.proto(), Some(A::Ftp));
        assert_eq!(app.proto_by_dir(), [Some(A::Ftp), Some(A::Failed)]);
        assert_eq!(b.types(), vec!["anomaly", "ftp"]);
        let Record::Anomaly(a) = &b.out[0].record else {
            panic!()
        };
        assert_eq!(
            (a.event, a.app_proto, a.layer),
            (
                "APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION",
                Some("ftp"),
                Some("proto_detect")
            )
        );
        b.tcp(&mut app, TC, b"331 Please specify the password.\r\n");
        assert_eq!(b.types(), vec!["anomaly", "ftp", "ftp"]);
        let Record::Ftp(user) = &b.out[2].record else {
            panic!()
        };
        assert_eq!(
            (user.command, user.command_data.as_deref()),
            (Some("USER"), Some("alice"))
        );
        assert_eq!(user.completion_code, vec!["331".to_string()]);
        assert_eq!(b.expect.stats.detected, 1);
    }

    #[test]
    fn vsftpd_banner_detects_both_ways() {
        let mut b = Bench::new(6, 21);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TC, b"220 (vsFTPd 3.0.5)\r\n");
        assert_eq!(app.proto(), Some(A::Ftp));
        b.tcp(&mut app, TS, b"USER alice\r\n");
        assert_eq!(app.proto_by_dir(), [Some(A::Ftp), Some(A::Ftp)]);
    }

    #[test]
    fn ssh_and_http_both_ways() {
        let mut b = Bench::new(6, 22);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TC, b"SSH-2.0-OpenSSH_9.2p1\r\n");
        b.tcp(&mut app, TS, b"SSH-2.0-OpenSSH_9.2p1\r\n");
        assert_eq!(app.proto_by_dir(), [Some(A::Ssh), Some(A::Ssh)]);
        b.close(&mut app);
        assert_eq!(b.types(), vec!["ssh"]);

        let mut b = Bench::new(6, 8080);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TS, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(app.proto(), Some(A::Http));
        b.tcp(&mut app, TC, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(app.proto_by_dir(), [Some(A::Http), Some(A::Http)]);
    }

    #[test]
    fn midstream_response_first_reverses_the_flow() {
        // drop-protocol-change: the first data of a midstream pickup is the server's reply.
        let mut b = Bench::new(6, 58038);
        b.cfg.midstream = true;
        let mut app = AppLayer::default();
        app.set_tcp_midstream(true);
        b.tcp(
            &mut app,
            TS,
            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        );
        assert_eq!(app.proto(), Some(A::Http));
        assert_eq!(app.proto_by_dir(), [None, Some(A::Http)]);
        // Until the caller swaps the flow, directions are read reversed.
        b.tcp(&mut app, TC, b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(app.proto_by_dir(), [Some(A::Http), Some(A::Http)]);
        assert!(app.take_reversed());
        assert!(!app.take_reversed());
        b.tcp(&mut app, TC, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        let statuses: Vec<Option<u16>> = b
            .out
            .iter()
            .filter_map(|e| match &e.record {
                Record::Http(tx) => Some(tx.status),
                _ => None,
            })
            .collect();
        assert_eq!(statuses, vec![Some(404), Some(200)]);
        assert_eq!(b.out.first().map(|e| e.dir), Some(TC));
    }

    #[test]
    fn midstream_reverse_needs_the_setting_and_a_midstream_session() {
        let reply = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        // Without stream.midstream the to-client patterns are not tried on to-server data.
        let mut b = Bench::new(6, 58038);
        let mut app = AppLayer::default();
        app.set_tcp_midstream(true);
        b.tcp(&mut app, TS, reply);
        assert_eq!(app.proto(), None);
        assert!(!app.take_reversed());
        // With it, a session picked up at the SYN/ACK (or with its handshake) is detected but
        // not reversed.
        let mut b = Bench::new(6, 58038);
        b.cfg.midstream = true;
        let mut app = AppLayer::default();
        b.tcp(&mut app, TS, reply);
        assert_eq!(app.proto_by_dir(), [Some(A::Http), None]);
        assert!(!app.take_reversed());
        // Short data: not done yet, nothing decided.
        let mut b = Bench::new(6, 58038);
        b.cfg.midstream = true;
        let mut app = AppLayer::default();
        app.set_tcp_midstream(true);
        b.tcp(&mut app, TS, b"HT");
        assert_eq!(app.proto(), None);
        assert!(!app.take_reversed());
    }

    #[test]
    fn split_detection_bytes() {
        // "GET " arrives one byte at a time: detection waits for the full pattern.
        let mut b = Bench::new(6, 80);
        let mut app = AppLayer::default();
        for c in b"GET / HTTP/1.0\r\n\r\n" {
            b.tcp(&mut app, TS, &[*c]);
        }
        assert_eq!(app.proto(), Some(A::Http));
    }

    #[test]
    fn unknown_both_ways_fails() {
        // SIP over TCP: Suricata 7 has no TCP SIP detection.
        let mut b = Bench::new(6, 5060);
        let mut app = AppLayer::default();
        b.tcp(
            &mut app,
            TS,
            b"REGISTER sip:192.168.43.100;transport=TCP SIP/2.0\r\n",
        );
        assert_eq!(app.proto(), None);
        b.tcp(&mut app, TC, b"SIP/2.0 200 OK\r\nVia: x\r\n");
        assert_eq!(app.proto(), Some(A::Failed));
        assert_eq!(app.proto_by_dir(), [Some(A::Failed), Some(A::Failed)]);
        assert_eq!(b.expect.stats.failed, 1);
    }

    #[test]
    fn one_way_unknown_stays_unknown_until_bail() {
        let mut b = Bench::new(6, 9999);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TS, &[0x42; 50_000]);
        b.close(&mut app);
        assert_eq!(app.proto(), None);

        let mut app = AppLayer::default();
        for _ in 0..11 {
            b.tcp(&mut app, TS, &[0x42; 10_000]);
        }
        assert_eq!(app.proto(), Some(A::Failed));
        assert!(b.expect.stats.detect_buf_dropped > 0);
        // nothing seen at all: no app_proto
        let mut app = AppLayer::default();
        b.close(&mut app);
        assert_eq!(app.proto(), None);
    }

    #[test]
    fn short_data_is_not_done() {
        // 5 bytes that match nothing: patterns need more, so no verdict yet.
        let mut b = Bench::new(6, 9999);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TS, b"hello");
        b.tcp(&mut app, TC, b"hi");
        assert_eq!(app.proto(), None);
    }

    #[test]
    fn request_not_detected_response_is() {
        let mut b = Bench::new(6, 80);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TS, b"FOO /index.html HTTP/1.0\r\nHost: example\r\n\r\n");
        assert_eq!(app.proto(), None);
        b.tcp(&mut app, TC, b"HTTP/1.0 200 OK\r\n\r\n");
        assert_eq!(app.proto(), Some(A::Http));
        assert_eq!(app.proto_by_dir(), [Some(A::Failed), Some(A::Http)]);
    }

    #[test]
    fn gap_at_start_fails() {
        let mut b = Bench::new(6, 80);
        let mut app = AppLayer::default();
        b.gap(&mut app, TS, 100);
        assert_eq!(app.proto(), Some(A::Failed));
        b.tcp(&mut app, TS, b"GET / HTTP/1.0\r\n\r\n");
        assert_eq!(app.proto(), Some(A::Failed));
    }

    #[test]
    fn tls_server_first_is_wrong_direction() {
        let mut b = Bench::new(6, 443);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TC, b"\x16\x03\x03\x00\x10\x02\x00\x00\x0c");
        assert_eq!(app.proto(), Some(A::Failed));
        assert_eq!(b.types(), vec!["anomaly"]);
    }

    #[test]
    fn udp_first_datagram_each_way() {
        let query =
            b"\x79\x56\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x04mail\x08patriots\x02in\x00\x00\x01\x00\x01";
        let mut b = Bench::new(17, 53);
        let mut app = AppLayer::default();
        b.udp(&mut app, TS, query);
        assert_eq!(app.proto(), Some(A::Dns));
        b.udp(
            &mut app,
            TC,
            b"\x79\x56\x81\x80\x00\x01\x00\x00\x00\x00\x00\x00\x04mail\x08patriots\x02in\x00\x00\x01\x00\x01",
        );
        assert_eq!(app.proto_by_dir(), [Some(A::Dns), Some(A::Dns)]);

        // mDNS-like traffic on another port: failed
        let mut b = Bench::new(17, 5353);
        let mut app = AppLayer::default();
        b.udp(&mut app, TS, query);
        assert_eq!(app.proto(), Some(A::Failed));
        b.udp(&mut app, TC, query);
        assert_eq!(app.proto_by_dir(), [Some(A::Failed), Some(A::Failed)]);
        assert_eq!(b.expect.stats.failed, 1);

        // an empty datagram is probed too (and matches nothing), as in Suricata
        let mut app = AppLayer::default();
        b.udp(&mut app, TS, b"");
        assert_eq!(app.proto(), Some(A::Failed));
    }

    #[test]
    fn udp_dhcp_and_unknown_response_keeps_request_proto() {
        let mut dhcp = vec![1u8, 1, 6, 0];
        dhcp.resize(236, 0);
        dhcp.extend_from_slice(&[0x63, 0x82, 0x53, 0x63, 53, 1, 1, 255]);
        let mut b = Bench::new(17, 67);
        let mut app = AppLayer::default();
        b.udp(&mut app, TS, &dhcp);
        b.udp(&mut app, TC, b"junk");
        assert_eq!(app.proto(), Some(A::Dhcp));
        assert_eq!(app.proto_by_dir(), [Some(A::Dhcp), Some(A::Dhcp)]);
    }

    #[test]
    fn disabled_protocol_not_detected() {
        let mut b = Bench::new(6, 22);
        b.cfg.set_enabled(A::Ssh, false);
        assert!(!b.cfg.is_enabled(A::Ssh));
        assert!(!AppConfig::default().is_enabled(A::Enip));
        let mut app = AppLayer::default();
        b.tcp(&mut app, TS, b"SSH-2.0-OpenSSH_9.2p1\r\n");
        assert_eq!(app.proto(), None);
    }

    fn ftp_control(b: &mut Bench) -> AppLayer {
        let mut app = AppLayer::default();
        b.tcp(&mut app, TC, b"220 hi\r\n");
        b.tcp(&mut app, TS, b"USER carol\r\n");
        b.tcp(&mut app, TC, b"331 pw\r\n");
        b.tcp(&mut app, TS, b"EPSV\r\n");
        b.tcp(
            &mut app,
            TC,
            b"229 Entering Extended Passive Mode (|||40155|)\r\n",
        );
        b.tcp(&mut app, TS, b"RETR quarterly-report.csv\r\n");
        app
    }

    #[test]
    fn ftp_data_claims_expectation() {
        let mut b = Bench::new(6, 21);
        let _control = ftp_control(&mut b);
        assert_eq!(b.expect.len(), 1);
        b.out.clear();
        // the data connection: same addresses, server port = announced port
        let mut d = Bench::new(6, 40155);
        d.flow.id = 2000;
        std::mem::swap(&mut d.expect, &mut b.expect);
        let mut app = AppLayer::default();
        d.tcp(&mut app, TC, &[0x50; 20_000]);
        d.tcp(&mut app, TC, &[0x51; 7_368]);
        assert_eq!(app.proto(), Some(A::FtpData));
        assert_eq!(app.proto_by_dir(), [Some(A::FtpData), Some(A::FtpData)]);
        assert_eq!(app.parent_id(), Some(1000));
        assert!(d.expect.is_empty());
        d.close(&mut app);
        assert_eq!(d.types(), vec!["fileinfo", "ftp_data"]);
        let Record::FileInfo(f) = &d.out[0].record else {
            panic!()
        };
        assert_eq!((f.filename.as_str(), f.size), ("quarterly-report.csv", 27_368));
        assert_eq!(d.expect.stats.files, 1);
        assert_eq!(d.expect.stats.expect_claimed, 1);
    }

    #[test]
    fn expectation_expires_and_wrong_port_ignored() {
        let mut b = Bench::new(6, 21);
        let _control = ftp_control(&mut b);
        let mut d = Bench::new(6, 40156);
        std::mem::swap(&mut d.expect, &mut b.expect);
        let mut app = AppLayer::default();
        d.tcp(&mut app, TC, &[0x50; 100]);
        assert_eq!(app.proto(), None);
        let mut d2 = Bench::new(6, 40155);
        std::mem::swap(&mut d2.expect, &mut d.expect);
        d2.ts = Timestamp(d2.ts.0 + 31_000_000);
        let mut app = AppLayer::default();
        d2.tcp(&mut app, TC, &[0x50; 100]);
        assert_eq!(app.proto(), None);
        assert!(d2.expect.is_empty());
        assert_eq!(d2.expect.stats.expect_dropped, 1);
    }

    #[test]
    fn expectations_are_bounded() {
        let mut e = Expectations::default();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let c: IpAddr = "10.0.0.2".parse().unwrap();
        let t = FtpTransfer {
            parent_id: 1,
            filename: "x".into(),
            command: "RETR",
            dir: TC,
        };
        for port in 0..20u16 {
            e.expect(a, c, 1000 + port, TC, Timestamp(0), t.clone());
        }
        assert_eq!(e.len(), Expectations::PER_PAIR);
        assert_eq!(e.stats.expect_dropped, 10);
        for i in 0..5000u32 {
            let x = IpAddr::from(std::net::Ipv4Addr::from(i));
            e.expect(x, c, 1, TC, Timestamp(0), t.clone());
        }
        assert_eq!(e.len(), Expectations::MAX);
    }

    #[test]
    fn smtp_starttls_changes_to_tls() {
        let mut b = Bench::new(6, 25);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TC, b"220 mx ESMTP\r\n");
        b.tcp(&mut app, TS, b"EHLO client\r\n");
        assert_eq!(app.proto_by_dir(), [Some(A::Smtp), Some(A::Failed)]);
        b.tcp(&mut app, TC, b"250 mx\r\n");
        b.tcp(&mut app, TS, b"STARTTLS\r\n");
        b.tcp(&mut app, TC, b"220 go ahead\r\n");
        assert_eq!(app.proto_expected(), Some(A::Tls));
        b.tcp(&mut app, TS, b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00");
        assert_eq!(app.proto(), Some(A::Tls));
        assert_eq!(app.proto_orig(), Some(A::Smtp));
        assert!(b.types().contains(&"smtp"));
    }

    #[test]
    fn smb_and_dcerpc_by_content() {
        let mut smb = vec![0u8, 0, 0, 0x40];
        smb.extend_from_slice(b"\xfeSMB");
        smb.resize(68, 0);
        let mut b = Bench::new(6, 445);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TS, &smb);
        assert_eq!(app.proto(), Some(A::Smb));
        let mut dce = vec![5u8, 0, 11, 3, 0x10, 0, 0, 0];
        dce.resize(72, 0);
        let mut b = Bench::new(6, 49152);
        let mut app = AppLayer::default();
        b.tcp(&mut app, TS, &dce);
        assert_eq!(app.proto(), Some(A::Dcerpc));
    }
}
