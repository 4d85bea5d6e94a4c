//! The HTTP/1.x connection parser: one state machine per direction over in-order stream bytes,
//! with a queue of transactions matched in order (keep-alive and pipelining).
//!
//! Behaviour follows libhtp 0.5 as Suricata 7 drives it: lines end at LF (a CR before it is
//! dropped), blank lines before a request/response line are skipped, headers may be folded,
//! repeated headers are merged; bodies are delimited by `Transfer-Encoding: chunked`, then
//! `Content-Length`, else (responses only) by the end of the stream; HEAD, 1xx, 204 and 304
//! responses have no body unless they carry framing headers; `100 Continue` is skipped; a 2xx
//! answer to CONNECT and a bare `101` turn the connection into an opaque tunnel.
//!
//! Bodies are dechunked, decompressed (gzip/deflate, bounded) and kept up to the configured
//! limits; each body is tracked as a file for `fileinfo`. A gap inside a body skips the lost
//! bytes; anywhere else it marks the transaction and the direction resynchronizes on the next
//! line that looks like a request/response line. Lines longer than `max_line`, too many
//! pending transactions or undecodable framing make the direction give up (stop parsing).

use super::decompress::{Coding, Decoder};
use super::tx::{eve_str, HttpTx, Progress};
use super::uri;
use super::HttpConfig;
use crate::{AppEvent, Cx, FileInfo, Parser, Record};
use flow::Direction;
use std::collections::VecDeque;

/// Suricata's `SC_FILENAME_MAX`.
const FILENAME_MAX: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    /// Waiting for a request/response line.
    Idle,
    Headers,
    BodyCl,
    ChunkLen,
    ChunkData,
    ChunkDataEnd,
    Trailers,
    /// Response body delimited by the end of the stream.
    BodyClose,
    /// After a CONNECT request: wait for the response before parsing more requests.
    ConnectWait,
    /// Opaque tunnel: ignore everything.
    Tunnel,
    /// After a gap: skip lines until one looks like a request/response line.
    Resync,
    /// Garbage or a limit: stop parsing this direction.
    GiveUp,
}

/// Per-direction parser state.
#[derive(Debug)]
struct Side {
    state: St,
    /// Partial line carried over between calls.
    line: Vec<u8>,
    /// Pending (possibly folded) header line.
    pending: Vec<u8>,
    has_pending: bool,
    headers: usize,
    /// Body bytes left (Content-Length or current chunk).
    left: u64,
    decoder: Option<Decoder>,
    /// Transaction this side is filling.
    tx: Option<u64>,
    /// Response lines taken as body (no status line seen).
    lines_as_body: bool,
    /// The bytes of the message in progress, when frames are kept.
    frame: super::frame::FrameCapture,
}

impl Side {
    fn new() -> Self {
        Side {
            state: St::Idle,
            line: Vec::new(),
            pending: Vec::new(),
            has_pending: false,
            headers: 0,
            left: 0,
            decoder: None,
            tx: None,
            lines_as_body: false,
            frame: Default::default(),
        }
    }

    fn reset_message(&mut self) {
        self.pending.clear();
        self.has_pending = false;
        self.headers = 0;
        self.left = 0;
        self.decoder = None;
        self.lines_as_body = false;
    }
}

/// Body-as-file tracking of one direction of a transaction.
#[derive(Debug, Clone, Copy, Default)]
struct FileTrack {
    wanted: bool,
    open: bool,
    logged: bool,
    size: u64,
    gaps: bool,
}

/// Parser-internal bookkeeping kept beside each transaction.
#[derive(Debug)]
struct Slot {
    tx: HttpTx,
    files: [FileTrack; 2],
    /// The response to a CONNECT request.
    connect: bool,
    head: bool,
}

/// Counters of one parser.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct HttpStats {
    pub tx: u64,
    pub gaps: u64,
    pub give_ups: u64,
    pub resyncs: u64,
    /// Bytes dropped from the pending CONNECT buffer.
    pub dropped_bytes: u64,
}

/// HTTP/1.x parser of one flow.
#[derive(Debug)]
pub struct HttpParser {
    cfg: HttpConfig,
    slots: VecDeque<Slot>,
    next_id: u64,
    /// Next transaction id the response side will answer.
    res_next: u64,
    req: Side,
    res: Side,
    /// Request bytes held while a CONNECT waits for its answer.
    held: Vec<u8>,
    /// The request of an `Upgrade: h2c` answered by `101`, until the app layer takes it.
    h2c: Option<crate::http2::UpgradeRequest>,
    /// The upgrade was announced (`upgrade()` answers once).
    h2c_announced: bool,
    /// Bytes of the chunk that carried the `101` left after it (they are HTTP/2).
    h2c_leftover: usize,
    /// While a chunk is parsed: how far into it the parser got (where a message that ends
    /// now ends, for its frame).
    frame_pos: Option<usize>,
    /// Per direction: a message completed since [`Parser::take_raw_trigger`] last answered.
    raw_trigger: [bool; 2],
    pub stats: HttpStats,
}

fn dir_idx(dir: Direction) -> usize {
    match dir {
        Direction::ToServer => 0,
        Direction::ToClient => 1,
    }
}

fn is_lws(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

/// libhtp's `htp_is_space`.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c)
}

/// `htp_chomp`: strips trailing CR/LF.
fn chomp(mut l: &[u8]) -> &[u8] {
    while let Some((&last, rest)) = l.split_last() {
        if last == b'\n' || last == b'\r' {
            l = rest;
        } else {
            break;
        }
    }
    l
}

/// An empty line (header terminator), or libhtp's `<LWS>LF`.
fn is_terminator(line: &[u8]) -> bool {
    chomp(line).is_empty() || (line.len() == 2 && is_lws(line[0]) && line[1] == b'\n')
}

/// ASCII case-insensitive substring test.
fn contains_nocase(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// `htp_header_has_token` (comma-separated list, case-insensitive; `token` is lowercase),
/// libhtp 0.5.x's state machine: leading [`is_space`] skipped, a token matching `token` then
/// only spaces up to `,` or the end.
pub(super) fn has_token(v: &[u8], token: &[u8]) -> bool {
    // 0: in a token, 1: waiting for the next `,`, 2: token matched.
    let (mut state, mut off) = (0u8, 0usize);
    for &c in v {
        match state {
            0 => {
                if off == 0 && is_space(c) {
                    continue;
                }
                if token.get(off) == Some(&c.to_ascii_lowercase()) {
                    off += 1;
                    if off == token.len() {
                        state = 2;
                    }
                    continue;
                }
                off = 0;
                state = if c == b',' { 0 } else { 1 };
            }
            1 => {
                if c == b',' {
                    state = 0;
                }
            }
            _ => {
                if c == b',' {
                    return true;
                }
                if !is_space(c) {
                    off = 0;
                    state = 1;
                }
            }
        }
    }
    state == 2
}

/// `htp_parse_content_length`: junk before the digits tolerated, junk after ignored.
fn parse_content_length(v: &[u8]) -> Option<u64> {
    let start = v.iter().position(|c| c.is_ascii_digit())?;
    let digits = v.get(start..)?;
    let n = digits.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut r: u64 = 0;
    for &d in digits.get(..n)? {
        r = r.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(r)
}

/// Chunk length line, as `htp_parse_chunked_length`: `Ok(None)` for an empty line.
fn parse_chunk_len(line: &[u8]) -> Result<Option<u64>, ()> {
    let l = line
        .iter()
        .position(|&c| !matches!(c, b'\r' | b'\n' | b' ' | b'\t' | 0x0b | 0x0c))
        .and_then(|p| line.get(p..))
        .unwrap_or_default();
    if l.is_empty() {
        return Ok(None);
    }
    let n = l.iter().take_while(|c| c.is_ascii_hexdigit()).count();
    if n == 0 {
        return Err(());
    }
    let mut r: u64 = 0;
    for &c in l.get(..n).unwrap_or_default() {
        let d = (c as char).to_digit(16).ok_or(())?;
        r = r.checked_mul(16).ok_or(())?.checked_add(u64::from(d)).ok_or(())?;
        if r > i32::MAX as u64 {
            return Err(());
        }
    }
    Ok(Some(r))
}

/// `htp_treat_response_line_as_body`: not starting (after spaces/NULs) with `HTTP`.
fn response_line_is_body(line: &[u8]) -> bool {
    let p = line
        .iter()
        .position(|&c| !(is_space(c) || c == 0))
        .unwrap_or(line.len());
    match line.get(p..p + 4) {
        Some(h) => !h.eq_ignore_ascii_case(b"http"),
        None => true,
    }
}

/// For resynchronization: `METHOD SP ... HTTP/` with an upper-case token method.
fn looks_like_request_line(line: &[u8]) -> bool {
    let l = chomp(line);
    let m = l.iter().take_while(|c| c.is_ascii_uppercase()).count();
    (3..=16).contains(&m)
        && l.get(m) == Some(&b' ')
        && memchr::memmem::rfind(l, b" HTTP/").is_some_and(|p| p > m)
}

/// Splits a request line like libhtp's generic parser (IDS personality: leading whitespace
/// ignored). Returns (method, uri, protocol) as ranges of `l`.
#[allow(clippy::type_complexity)]
fn split_request_line(l: &[u8]) -> ((usize, usize), Option<(usize, usize)>, Option<(usize, usize)>) {
    let len = l.len();
    let at = |i: usize| l.get(i).copied().unwrap_or(0);
    let mut pos = 0;
    while pos < len && is_space(at(pos)) {
        pos += 1;
    }
    let mstart = pos;
    while pos < len && !is_space(at(pos)) {
        pos += 1;
    }
    let method = (mstart, pos);
    while pos < len && at(pos).is_ascii_whitespace() {
        pos += 1;
    }
    if pos == len {
        return (method, None, None);
    }
    let start = pos;
    let mut bad = false;
    while pos < len && at(pos) != b' ' {
        if is_space(at(pos)) {
            bad = true;
        }
        pos += 1;
    }
    if bad && pos == len {
        pos = start;
        while pos < len && !is_space(at(pos)) {
            pos += 1;
        }
    }
    let uri = (start, pos);
    while pos < len && is_space(at(pos)) {
        pos += 1;
    }
    if pos == len {
        return (method, Some(uri), None);
    }
    (method, Some(uri), Some((pos, len)))
}

/// Splits a status line: (protocol, status, message).
#[allow(clippy::type_complexity)]
fn split_response_line(
    l: &[u8],
) -> (
    Option<(usize, usize)>,
    Option<(usize, usize)>,
    Option<(usize, usize)>,
) {
    let len = l.len();
    let at = |i: usize| l.get(i).copied().unwrap_or(0);
    let mut pos = 0;
    while pos < len && is_space(at(pos)) {
        pos += 1;
    }
    let start = pos;
    while pos < len && !is_space(at(pos)) {
        pos += 1;
    }
    if pos == start {
        return (None, None, None);
    }
    let proto = Some((start, pos));
    while pos < len && is_space(at(pos)) {
        pos += 1;
    }
    let start = pos;
    while pos < len && !is_space(at(pos)) {
        pos += 1;
    }
    if pos == start {
        return (proto, None, None);
    }
    let code = Some((start, pos));
    while pos < len && at(pos).is_ascii_whitespace() {
        pos += 1;
    }
    if pos == len {
        return (proto, code, None);
    }
    (proto, code, Some((pos, len)))
}

/// Splits a header line into (name, value) as libhtp's generic header parser does.
fn split_header(line: &[u8]) -> (&[u8], &[u8]) {
    let l = chomp(line);
    let colon = l.iter().position(|&c| c == b':' || c == 0);
    match colon {
        Some(c) if l.get(c) == Some(&b':') => {
            let mut name = l.get(..c).unwrap_or_default();
            while let Some((&last, rest)) = name.split_last() {
                if is_space(last) {
                    name = rest;
                } else {
                    break;
                }
            }
            let value = l.get(c + 1..).unwrap_or_default();
            let vs = value.iter().position(|&c| !is_lws(c)).unwrap_or(value.len());
            let mut value = value.get(vs..).unwrap_or_default();
            while value.len() > 1 && value.last().is_some_and(|&c| is_lws(c)) {
                value = value.get(..value.len() - 1).unwrap_or_default();
            }
            (name, value)
        }
        _ => (&[], l),
    }
}

impl HttpParser {
    pub fn new(cfg: &HttpConfig) -> Self {
        HttpParser {
            cfg: cfg.clone(),
            slots: VecDeque::new(),
            next_id: 0,
            res_next: 0,
            req: Side::new(),
            res: Side::new(),
            held: Vec::new(),
            h2c: None,
            h2c_announced: false,
            h2c_leftover: 0,
            frame_pos: None,
            raw_trigger: [false; 2],
            stats: HttpStats::default(),
        }
    }

    /// Transactions not yet emitted.
    pub fn open_transactions(&self) -> impl Iterator<Item = &HttpTx> {
        self.slots.iter().map(|s| &s.tx)
    }

    fn slot_mut(&mut self, id: u64) -> Option<&mut Slot> {
        let first = self.slots.front()?.tx.tx_id;
        let i = usize::try_from(id.checked_sub(first)?).ok()?;
        self.slots.get_mut(i)
    }

    fn side(&mut self, dir: Direction) -> &mut Side {
        match dir {
            Direction::ToServer => &mut self.req,
            Direction::ToClient => &mut self.res,
        }
    }

    fn give_up(&mut self, dir: Direction) {
        self.stats.give_ups += 1;
        let id = self.side(dir).tx;
        if let Some(id) = id {
            if let Some(s) = self.slot_mut(id) {
                s.tx.error = true;
            }
        }
        let side = self.side(dir);
        side.state = St::GiveUp;
        side.line = Vec::new();
        side.pending = Vec::new();
        side.decoder = None;
    }

    // ------------------------------------------------------------------ data entry

    /// Marks the side `dir` of transaction `id` as worked on (for [`Parser::inspect_open`]).
    fn touch(&mut self, dir: Direction, id: u64) {
        if let Some(s) = self.slot_mut(id) {
            if let Some(u) = s.tx.detect_updated.get_mut(dir_idx(dir)) {
                *u = true;
            }
        }
    }

    /// Marks the transaction `dir` is filling as worked on.
    fn touch_current(&mut self, dir: Direction) {
        if let Some(id) = self.side(dir).tx {
            self.touch(dir, id);
        }
    }

    fn feed(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        // A transaction worked on is the side's current one at some point: at the start, at
        // the end, or when its message completes (`message_done`).
        self.touch_current(dir);
        self.feed_data(dir, data, cx);
        self.touch_current(dir);
    }

    fn feed_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        let max_line = self.cfg.max_line;
        let mut pos = 0usize;
        while pos < data.len() {
            let state = self.side(dir).state;
            match state {
                St::Tunnel if dir == Direction::ToClient && self.h2c.is_some() && !self.h2c_announced => {
                    self.h2c_leftover = data.len() - pos;
                    return;
                }
                St::GiveUp | St::Tunnel => return,
                St::ConnectWait => {
                    let rest = data.get(pos..).unwrap_or_default();
                    let room = self.cfg.max_line.saturating_sub(self.held.len());
                    let take = rest.len().min(room);
                    self.held.extend_from_slice(rest.get(..take).unwrap_or_default());
                    self.stats.dropped_bytes += (rest.len() - take) as u64;
                    return;
                }
                St::BodyCl | St::ChunkData => {
                    let rest = data.get(pos..).unwrap_or_default();
                    let left = self.side(dir).left;
                    let n = usize::try_from(left).unwrap_or(usize::MAX).min(rest.len());
                    self.body_wire(dir, rest.get(..n).unwrap_or_default(), cx);
                    pos += n;
                    self.frame_pos = Some(pos);
                    let side = self.side(dir);
                    side.left -= n as u64;
                    if side.left == 0 {
                        if state == St::BodyCl {
                            self.message_done(dir, cx);
                        } else {
                            self.side(dir).state = St::ChunkDataEnd;
                        }
                    }
                }
                St::ChunkDataEnd => {
                    let rest = data.get(pos..).unwrap_or_default();
                    let (n, found) = match memchr::memchr(b'\n', rest) {
                        Some(i) => (i + 1, true),
                        None => (rest.len(), false),
                    };
                    self.count_framing(dir, n);
                    pos += n;
                    if found {
                        self.side(dir).state = St::ChunkLen;
                    }
                }
                St::BodyClose => {
                    let rest = data.get(pos..).unwrap_or_default();
                    self.body_wire(dir, rest, cx);
                    return;
                }
                St::Idle | St::Headers | St::ChunkLen | St::Trailers | St::Resync => {
                    let rest = data.get(pos..).unwrap_or_default();
                    match memchr::memchr(b'\n', rest) {
                        None => {
                            let side = self.side(dir);
                            if side.line.len().saturating_add(rest.len()) > max_line {
                                if state == St::Resync {
                                    side.line.clear();
                                } else {
                                    self.give_up(dir);
                                }
                                return;
                            }
                            side.line.extend_from_slice(rest);
                            return;
                        }
                        Some(i) => {
                            let seg = rest.get(..=i).unwrap_or_default();
                            pos += i + 1;
                            self.frame_pos = Some(pos);
                            let after = data.get(pos..).unwrap_or_default();
                            let side = self.side(dir);
                            if side.line.is_empty() {
                                if seg.len() > self.cfg.max_line && state != St::Resync {
                                    self.give_up(dir);
                                    return;
                                }
                                self.on_line(dir, seg, after, cx);
                            } else {
                                let mut buf = std::mem::take(&mut side.line);
                                if buf.len().saturating_add(seg.len()) > self.cfg.max_line {
                                    if state == St::Resync {
                                        continue;
                                    }
                                    self.give_up(dir);
                                    return;
                                }
                                buf.extend_from_slice(seg);
                                self.on_line(dir, &buf, after, cx);
                                buf.clear();
                                let side = self.side(dir);
                                if side.line.is_empty() && side.state != St::GiveUp {
                                    side.line = buf;
                                }
                            }
                        }
                    }
                }
            }
        }
        if dir == Direction::ToClient && self.res.lines_as_body && self.res.state == St::Idle {
            // libhtp: lines taken as body end the response when the data runs out.
            self.message_done(Direction::ToClient, cx);
        }
    }

    fn on_line(&mut self, dir: Direction, line: &[u8], after: &[u8], cx: &mut Cx<'_>) {
        match self.side(dir).state {
            St::Resync => {
                let ok = match dir {
                    Direction::ToServer => looks_like_request_line(line),
                    Direction::ToClient => chomp(line)
                        .get(..5)
                        .is_some_and(|p| p.eq_ignore_ascii_case(b"HTTP/")),
                };
                if ok {
                    self.stats.resyncs += 1;
                    self.side(dir).state = St::Idle;
                    self.on_line(dir, line, after, cx);
                }
            }
            St::Idle => match dir {
                Direction::ToServer => self.request_line(line, after, cx),
                Direction::ToClient => self.response_line(line, after, cx),
            },
            St::Headers | St::Trailers => self.header_line(dir, line, after, cx),
            St::ChunkLen => {
                self.count_framing(dir, line.len());
                match parse_chunk_len(line) {
                    Ok(None) => {}
                    Ok(Some(0)) => {
                        let side = self.side(dir);
                        side.state = St::Trailers;
                        side.pending.clear();
                        side.has_pending = false;
                    }
                    Ok(Some(n)) => {
                        let side = self.side(dir);
                        side.left = n;
                        side.state = St::ChunkData;
                    }
                    Err(()) => {
                        if dir == Direction::ToClient {
                            // libhtp: not chunked after all; the rest is body until close.
                            self.res.state = St::BodyClose;
                            if let Some(id) = self.res.tx {
                                if let Some(s) = self.slot_mut(id) {
                                    s.tx.response_message_len =
                                        s.tx.response_message_len.saturating_sub(line.len() as u64);
                                }
                            }
                            self.body_wire(dir, line, cx);
                        } else {
                            self.give_up(dir);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn count_framing(&mut self, dir: Direction, n: usize) {
        if dir == Direction::ToClient {
            if let Some(id) = self.res.tx {
                if let Some(s) = self.slot_mut(id) {
                    s.tx.response_message_len = s.tx.response_message_len.saturating_add(n as u64);
                }
            }
        }
    }

    // ------------------------------------------------------------------ requests

    fn request_line(&mut self, line: &[u8], after: &[u8], cx: &mut Cx<'_>) {
        let l = chomp(line);
        if l.iter().all(|&c| is_space(c)) {
            return; // ignorable line before a request
        }
        if self.slots.len() >= self.cfg.max_tx {
            self.give_up(Direction::ToServer);
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        let mut tx = HttpTx::new(id);
        let (method, uri_r, proto) = split_request_line(l);
        tx.set_request_line(l, method, uri_r, proto);
        let is_connect = tx.method() == b"CONNECT";
        if let Some((s, e)) = uri_r {
            let raw = l.get(s..e).unwrap_or_default();
            if is_connect {
                let (h, p) = uri::parse_hostport(raw);
                tx.hostname = h.map(|mut h| {
                    h.make_ascii_lowercase();
                    h
                });
                tx.port = p;
            } else {
                let parsed = uri::parse_uri(raw);
                let mut out = Vec::with_capacity(raw.len());
                let n = uri::normalize(&parsed, &mut out);
                tx.uri = out;
                tx.path = n.path;
                tx.hostname = n.hostname;
                tx.port = n.port;
            }
        }
        let head = tx.method() == b"HEAD";
        tx.request_progress = Progress::Headers;
        let mut http09 = false;
        if proto.is_none() {
            // libhtp: missing protocol is HTTP/0.9 unless more data follows right away.
            http09 = after.iter().all(|&c| is_space(c));
        }
        self.slots.push_back(Slot {
            tx,
            files: [FileTrack::default(); 2],
            connect: is_connect,
            head,
        });
        self.req.reset_message();
        self.req.tx = Some(id);
        if http09 {
            if let Some(s) = self.slot_mut(id) {
                s.tx.is_http09 = true;
            }
            self.message_done(Direction::ToServer, cx);
        } else {
            self.req.state = St::Headers;
        }
    }

    // ------------------------------------------------------------------ responses

    fn response_line(&mut self, line: &[u8], after: &[u8], cx: &mut Cx<'_>) {
        let l = chomp(line);
        if self.res.tx.is_none() {
            if l.iter().all(|&c| is_space(c)) {
                return;
            }
            // Pick the next transaction, or make one for a response without request.
            let id = self.res_next;
            let exists = self.slots.iter().any(|s| s.tx.tx_id == id);
            if !exists {
                if self.slots.len() >= self.cfg.max_tx {
                    self.give_up(Direction::ToClient);
                    return;
                }
                let nid = self.next_id;
                self.next_id += 1;
                self.slots.push_back(Slot {
                    tx: HttpTx::new_unmatched(nid),
                    files: [FileTrack::default(); 2],
                    connect: false,
                    head: false,
                });
                self.res_next = nid + 1;
                self.res.tx = Some(nid);
            } else {
                self.res_next = id + 1;
                self.res.tx = Some(id);
            }
            self.res.reset_message();
            if let Some(id) = self.res.tx {
                if let Some(s) = self.slot_mut(id) {
                    s.tx.response_progress = Progress::Line;
                }
            }
        }
        let Some(id) = self.res.tx else { return };
        if l.iter().all(|&c| is_space(c)) {
            return;
        }
        if response_line_is_body(l) {
            if after.first() == Some(&b'H') || l.len() <= 2 {
                return;
            }
            self.res.lines_as_body = true;
            self.body_data(Direction::ToClient, id, line, cx);
            if let Some(s) = self.slot_mut(id) {
                s.tx.response_message_len = s.tx.response_message_len.saturating_add(line.len() as u64);
            }
            return;
        }
        self.res.lines_as_body = false;
        let Some(s) = self.slot_mut(id) else { return };
        let (p, c, m) = split_response_line(l);
        s.tx.set_response_line(l, p, c, m);
        s.tx.status =
            s.tx.stat_code()
                .and_then(uri::parse_int_ws)
                .filter(|v| (100..=999).contains(v))
                .and_then(|v| u16::try_from(v).ok());
        s.tx.response_progress = Progress::Headers;
        self.res.state = St::Headers;
    }

    // ------------------------------------------------------------------ headers

    fn header_line(&mut self, dir: Direction, line: &[u8], after: &[u8], cx: &mut Cx<'_>) {
        let Some(id) = self.side(dir).tx else {
            self.give_up(dir);
            return;
        };
        let max_raw = self.cfg.max_header_bytes;
        if let Some(s) = self.slot_mut(id) {
            let raw = match dir {
                Direction::ToServer => &mut s.tx.request_headers_raw,
                Direction::ToClient => &mut s.tx.response_headers_raw,
            };
            let room = max_raw.saturating_sub(raw.len());
            raw.extend_from_slice(line.get(..room.min(line.len())).unwrap_or_default());
        }
        if is_terminator(line) {
            self.flush_header(dir, id);
            if self.side(dir).state == St::Trailers {
                self.message_done(dir, cx);
            } else {
                self.headers_done(dir, id, cx);
            }
            return;
        }
        let l = chomp(line);
        let max_line = self.cfg.max_line;
        let folded = l.first().is_some_and(|&c| is_lws(c) || c == 0);
        let side = self.side(dir);
        if folded {
            if side.has_pending {
                if side.pending.len() < max_line {
                    side.pending.extend_from_slice(l);
                }
            } else {
                let t = l.iter().position(|&c| !(is_lws(c) || c == 0)).unwrap_or(l.len());
                side.pending.clear();
                side.pending.extend_from_slice(l.get(t..).unwrap_or_default());
                side.has_pending = true;
            }
        } else {
            self.flush_header(dir, id);
            let side = self.side(dir);
            side.pending.clear();
            side.pending.extend_from_slice(l);
            side.has_pending = true;
            // libhtp's response side takes a header line at once unless the byte after it
            // (when there is one in this chunk) folds it; a later folded line is then a header
            // of its own. (The request side waits for the next byte.)
            if dir == Direction::ToClient && after.first().is_none_or(|&c| !(is_lws(c) || c == 0)) {
                self.flush_header(dir, id);
            }
        }
    }

    fn flush_header(&mut self, dir: Direction, id: u64) {
        let side = match dir {
            Direction::ToServer => &mut self.req,
            Direction::ToClient => &mut self.res,
        };
        if !side.has_pending {
            return;
        }
        side.has_pending = false;
        side.headers += 1;
        let over = side.headers > self.cfg.max_headers;
        let pending = std::mem::take(&mut side.pending);
        let max = self.cfg.max_header_bytes;
        if let Some(s) = self.slot_mut(id) {
            let (name, value) = split_header(&pending);
            let (h, reps) = match dir {
                Direction::ToServer => (&mut s.tx.request_headers, &mut s.tx.req_reps),
                Direction::ToClient => (&mut s.tx.response_headers, &mut s.tx.res_reps),
            };
            if over {
                h.dropped = h.dropped.saturating_add(1);
            } else {
                h.add(name, value, max, reps);
            }
        }
        let side = self.side(dir);
        if side.pending.is_empty() {
            side.pending = pending;
            side.pending.clear();
        }
    }

    fn headers_done(&mut self, dir: Direction, id: u64, cx: &mut Cx<'_>) {
        match dir {
            Direction::ToServer => self.request_headers_done(id, cx),
            Direction::ToClient => self.response_headers_done(id, cx),
        }
    }

    fn request_headers_done(&mut self, id: u64, cx: &mut Cx<'_>) {
        let (bomb_limit, bomb_ratio) = (self.cfg.decompress_bomb_limit, self.cfg.decompress_bomb_ratio);
        let Some(s) = self.slot_mut(id) else { return };
        let tx = &mut s.tx;
        if super::invalid_request_te(tx.request_headers.get(b"transfer-encoding"), tx.protocol()) {
            tx.event(super::EV_INVALID_TE_REQUEST);
        }
        if tx
            .request_headers
            .get(b"authorization")
            .is_some_and(super::auth_unrecognized)
        {
            tx.event(super::EV_AUTH_UNRECOGNIZED);
        }
        let mut block = Vec::new();
        tx.request_headers.write_block(Some(b"cookie"), &mut block);
        tx.request_header_block = block;
        // Hostname: the URI's, else the Host header's.
        if tx.hostname.is_none() {
            if let Some(h) = tx.request_headers.get(b"host") {
                let (host, port) = uri::parse_hostport(h);
                if host.is_some() {
                    tx.hostname = host;
                    tx.port = port;
                }
            }
        }
        let method = tx.method();
        let file_wanted = (method == b"PUT"
            || (method == b"POST"
                && !tx
                    .request_headers
                    .get(b"content-type")
                    .is_some_and(|ct| contains_nocase(ct, b"multipart/form-data"))))
            && !tx.path.is_empty();
        s.files[0].wanted = file_wanted;
        let connect = s.connect;
        let decoder =
            s.tx.request_headers
                .get(b"content-encoding")
                .and_then(Coding::from_header)
                .map(|c| Decoder::new(c, bomb_limit, bomb_ratio));
        let te =
            s.tx.request_headers
                .get(b"transfer-encoding")
                .map(|v| has_token(v, b"chunked"));
        let cl =
            s.tx.request_headers
                .get(b"content-length")
                .map(parse_content_length);
        s.tx.request_progress = Progress::Body;
        self.req.decoder = decoder;
        match (te, cl) {
            (Some(true), _) => self.req.state = St::ChunkLen,
            (Some(false), _) | (None, Some(None)) => {
                // Invalid Transfer-Encoding or Content-Length: libhtp stops here.
                if let Some(s) = self.slot_mut(id) {
                    s.tx.error = true;
                }
                // libhtp errors out before its request complete callback, so Suricata does
                // not ask for raw stream inspection here.
                let raw = self.raw_trigger;
                self.message_done(Direction::ToServer, cx);
                self.raw_trigger = raw;
                self.give_up(Direction::ToServer);
                return;
            }
            (None, Some(Some(n))) if n > 0 => {
                self.req.left = n;
                self.req.state = St::BodyCl;
            }
            _ => self.message_done(Direction::ToServer, cx),
        }
        if connect && self.req.state == St::Idle {
            self.req.state = St::ConnectWait;
        }
    }

    fn response_headers_done(&mut self, id: u64, cx: &mut Cx<'_>) {
        let (bomb_limit, bomb_ratio) = (self.cfg.decompress_bomb_limit, self.cfg.decompress_bomb_ratio);
        let h2c_ok = self.cfg.h2c_upgrade;
        let Some(s) = self.slot_mut(id) else { return };
        let status = s.tx.status.unwrap_or(0);
        // libhtp: "chunked" anywhere in the value, case-insensitively.
        let te =
            s.tx.response_headers
                .get(b"transfer-encoding")
                .map(|v| contains_nocase(v, b"chunked"));
        let cl =
            s.tx.response_headers
                .get(b"content-length")
                .map(parse_content_length);
        let connect = s.connect;
        let head = s.head;
        if connect && (200..300).contains(&status) {
            self.tunnel(id, cx);
            return;
        }
        if status == 101 && te.is_none() && cl.is_none() {
            if h2c_ok && s.tx.response_headers.get(b"upgrade") == Some(&b"h2c"[..]) {
                let tx = &s.tx;
                let seen = !tx.method().is_empty();
                let req = crate::http2::UpgradeRequest {
                    method: seen.then(|| tx.method().to_vec()),
                    uri: (seen && tx.has_uri()).then(|| tx.uri_raw().to_vec()),
                    headers: tx
                        .request_headers
                        .iter()
                        .map(|(n, v)| (n.to_vec(), v.to_vec()))
                        .collect(),
                };
                self.h2c = Some(req);
            }
            self.tunnel(id, cx);
            return;
        }
        if status == 100 && te.is_none() && !matches!(cl, Some(Some(n)) if n > 0) {
            // Interim response: forget it, expect the real one.
            let tx = &mut s.tx;
            tx.response_headers = Default::default();
            tx.response_headers_raw.clear();
            tx.res_reps = 0;
            tx.continue_seen += 1;
            tx.response_progress = Progress::Line;
            self.res.reset_message();
            self.res.state = St::Idle;
            return;
        }
        if s.tx
            .response_headers
            .get(b"content-encoding")
            .is_some_and(super::too_many_encoding_layers)
        {
            s.tx.event(super::EV_TOO_MANY_ENCODING_LAYERS);
        }
        let mut block = Vec::new();
        s.tx.response_headers.write_block(Some(b"set-cookie"), &mut block);
        s.tx.response_header_block = block;
        s.files[1].wanted = true;
        s.tx.response_progress = Progress::Body;
        let no_body = head
            || (((100..200).contains(&status) || status == 204 || status == 304)
                && te.is_none()
                && cl.is_none());
        if no_body {
            self.message_done(Direction::ToClient, cx);
            self.after_connect_failure(connect, cx);
            return;
        }
        self.res.decoder =
            s.tx.response_headers
                .get(b"content-encoding")
                .and_then(Coding::from_header)
                .map(|c| Decoder::new(c, bomb_limit, bomb_ratio));
        if te == Some(true) {
            self.res.state = St::ChunkLen;
        } else if let Some(cl) = cl {
            match cl {
                None => {
                    if let Some(s) = self.slot_mut(id) {
                        s.tx.error = true;
                    }
                    self.message_done(Direction::ToClient, cx);
                    self.give_up(Direction::ToClient);
                }
                Some(0) => self.message_done(Direction::ToClient, cx),
                Some(n) => {
                    self.res.left = n;
                    self.res.state = St::BodyCl;
                }
            }
        } else {
            self.res.state = St::BodyClose;
        }
        self.after_connect_failure(connect, cx);
    }

    /// A refused CONNECT: parse the requests held meanwhile.
    fn after_connect_failure(&mut self, connect: bool, cx: &mut Cx<'_>) {
        if connect && self.req.state == St::ConnectWait {
            self.req.state = St::Idle;
            let held = std::mem::take(&mut self.held);
            self.feed(Direction::ToServer, &held, cx);
        }
    }

    fn tunnel(&mut self, id: u64, cx: &mut Cx<'_>) {
        if let Some(s) = self.slot_mut(id) {
            s.tx.response_progress = Progress::Complete;
        }
        self.res.tx = None;
        self.req.state = St::Tunnel;
        self.res.state = St::Tunnel;
        self.held = Vec::new();
        self.emit_ready(Direction::ToClient, cx);
    }

    // ------------------------------------------------------------------ bodies

    /// Body bytes as on the wire (dechunked already), before decompression.
    fn body_wire(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        let Some(id) = self.side(dir).tx else { return };
        if let Some(s) = self.slot_mut(id) {
            match dir {
                Direction::ToServer => {
                    s.tx.request_message_len = s.tx.request_message_len.saturating_add(data.len() as u64)
                }
                Direction::ToClient => {
                    s.tx.response_message_len = s.tx.response_message_len.saturating_add(data.len() as u64)
                }
            }
        }
        self.body_data(dir, id, data, cx);
    }

    /// Feeds body bytes through the decoder (if any) into the transaction.
    fn body_data(&mut self, dir: Direction, id: u64, data: &[u8], cx: &mut Cx<'_>) {
        if data.is_empty() {
            return;
        }
        let limit = self.cfg.body_limit(dir);
        let first = match self.slots.front() {
            Some(s) => s.tx.tx_id,
            None => return,
        };
        let Some(idx) = id.checked_sub(first).and_then(|i| usize::try_from(i).ok()) else {
            return;
        };
        let side = match dir {
            Direction::ToServer => &mut self.req,
            Direction::ToClient => &mut self.res,
        };
        let Some(slot) = self.slots.get_mut(idx) else {
            return;
        };
        let mut truncate = false;
        match side.decoder.as_mut() {
            Some(d) => d.feed(data, &mut |b| store_body(slot, dir, b, limit, &mut truncate)),
            None => {
                store_body(slot, dir, data, limit, &mut truncate);
            }
        }
        if truncate {
            let d = dir_idx(dir);
            if let Some(slot) = self.slots.get_mut(idx) {
                if let Some(f) = slot.files.get_mut(d) {
                    if f.open && !f.logged {
                        f.logged = true;
                        let ev = file_event(slot, dir, "TRUNCATED", cx);
                        cx.out.push(ev);
                    }
                }
            }
        }
    }

    /// The current message of `dir` is complete.
    fn message_done(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        let id = self.side(dir).tx;
        // Flush a decoder's buffered bytes.
        if let Some(mut d) = self.side(dir).decoder.take() {
            if let Some(id) = id {
                let limit = self.cfg.body_limit(dir);
                if let Some(slot) = self.slot_mut(id) {
                    let mut t = false;
                    d.finish(&mut |b| store_body(slot, dir, b, limit, &mut t));
                }
            }
        }
        let frames = self.cfg.frames;
        let frame_pos = self.frame_pos;
        let side = self.side(dir);
        side.reset_message();
        side.tx = None;
        if side.state != St::GiveUp && side.state != St::Tunnel {
            side.state = St::Idle;
        }
        let frame = if frames { side.frame.end(frame_pos) } else { None };
        if let Some(id) = id {
            self.touch(dir, id);
            // libhtp's request / response complete callbacks ask for raw inspection.
            if let Some(t) = self.raw_trigger.get_mut(dir_idx(dir)) {
                *t = true;
            }
            if let Some(s) = self.slot_mut(id) {
                match dir {
                    Direction::ToServer => s.tx.request_progress = Progress::Complete,
                    Direction::ToClient => s.tx.response_progress = Progress::Complete,
                }
                if let Some(f) = frame {
                    match dir {
                        Direction::ToServer => s.tx.request_frame = f,
                        Direction::ToClient => s.tx.response_frame = f,
                    }
                }
            }
        }
        self.emit_ready(dir, cx);
    }

    /// Emits completed transactions from the front of the queue.
    fn emit_ready(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        while let Some(front) = self.slots.front() {
            let done = front.tx.request_progress == Progress::Complete
                && front.tx.response_progress == Progress::Complete;
            if !done {
                break;
            }
            if let Some(slot) = self.slots.pop_front() {
                self.emit(slot, dir, false, cx);
            }
        }
    }

    /// Emits one transaction: request file, http record, response file.
    fn emit(&mut self, mut slot: Slot, dir: Direction, closing: bool, cx: &mut Cx<'_>) {
        self.stats.tx += 1;
        let mut evs: [Option<AppEvent>; 2] = [None, None];
        for (d, fdir) in [(0usize, Direction::ToServer), (1, Direction::ToClient)] {
            let complete = match fdir {
                Direction::ToServer => slot.tx.request_progress == Progress::Complete,
                Direction::ToClient => slot.tx.response_progress == Progress::Complete,
            };
            let Some(f) = slot.files.get_mut(d) else { continue };
            if f.open && !f.logged {
                f.logged = true;
                let state = if f.gaps || (closing && !complete) {
                    "TRUNCATED"
                } else {
                    "CLOSED"
                };
                if let Some(e) = evs.get_mut(d) {
                    *e = Some(file_event(&slot, fdir, state, cx));
                }
            }
        }
        let [req_ev, res_ev] = evs;
        if let Some(e) = req_ev {
            cx.out.push(e);
        }
        let tx_id = slot.tx.tx_id;
        cx.out.push(AppEvent {
            ts: cx.ts,
            dir,
            tx_id: Some(tx_id),
            record: Record::Http(Box::new(slot.tx)),
        });
        if let Some(e) = res_ev {
            cx.out.push(e);
        }
    }

    fn on_gap_dir(&mut self, dir: Direction, len: u32, cx: &mut Cx<'_>) {
        self.stats.gaps += 1;
        self.touch_current(dir);
        let len = u64::from(len);
        let state = self.side(dir).state;
        let id = self.side(dir).tx;
        let mark = |p: &mut Self, id: Option<u64>| {
            if let Some(id) = id {
                if let Some(s) = p.slot_mut(id) {
                    s.tx.gap = true;
                    if let Some(f) = s.files.get_mut(dir_idx(dir)) {
                        f.gaps = true;
                    }
                }
            }
        };
        match state {
            St::GiveUp | St::Tunnel => {}
            St::ConnectWait => {
                self.held.clear();
            }
            St::BodyClose => {
                mark(self, id);
                if let Some(d) = self.side(dir).decoder.as_mut() {
                    d.stop();
                }
                self.count_framing(dir, usize::try_from(len).unwrap_or(usize::MAX));
            }
            St::BodyCl | St::ChunkData => {
                mark(self, id);
                if let Some(d) = self.side(dir).decoder.as_mut() {
                    d.stop();
                }
                let left = self.side(dir).left;
                let skipped = len.min(left);
                self.count_framing(dir, usize::try_from(skipped).unwrap_or(usize::MAX));
                if len < left {
                    self.side(dir).left = left - len;
                } else if len == left && state == St::BodyCl {
                    self.message_done(dir, cx);
                } else if len == left {
                    self.side(dir).left = 0;
                    self.side(dir).state = St::ChunkDataEnd;
                } else {
                    // The gap runs past the body: we cannot tell where the next message starts.
                    self.message_done(dir, cx);
                    self.side(dir).state = St::Resync;
                }
            }
            _ => {
                mark(self, id);
                if id.is_some() {
                    self.message_done(dir, cx);
                }
                let side = self.side(dir);
                side.line.clear();
                side.reset_message();
                if side.state != St::GiveUp {
                    side.state = St::Resync;
                }
            }
        }
    }

    fn close(&mut self, cx: &mut Cx<'_>) {
        // Response headers cut off by the end of the stream: libhtp has processed every
        // complete header line (it does not wait for a folded continuation when no byte
        // follows), and on close goes to `RES_FINALIZE`, completing the response.
        if matches!(self.res.state, St::Headers | St::Trailers) {
            if let Some(id) = self.res.tx {
                self.flush_header(Direction::ToClient, id);
                // `http_header` reads libhtp's header table, whatever the progress.
                if let Some(s) = self.slot_mut(id) {
                    if s.tx.response_header_block.is_empty() {
                        let mut block = Vec::new();
                        s.tx.response_headers.write_block(Some(b"set-cookie"), &mut block);
                        s.tx.response_header_block = block;
                    }
                }
                self.message_done(Direction::ToClient, cx);
            }
        }
        // A body delimited by the end of the stream is complete now.
        if self.res.state == St::BodyClose || (self.res.lines_as_body && self.res.state == St::Idle) {
            self.message_done(Direction::ToClient, cx);
        }
        if self.req.state == St::ConnectWait {
            self.req.state = St::Idle;
        }
        while let Some(slot) = self.slots.pop_front() {
            self.emit(slot, Direction::ToClient, true, cx);
        }
    }
}

/// Appends decoded body bytes to the transaction, within the limit; tracks the file.
fn store_body(slot: &mut Slot, dir: Direction, b: &[u8], limit: usize, truncate: &mut bool) -> bool {
    let d = dir_idx(dir);
    let (body, seen) = match dir {
        Direction::ToServer => (&mut slot.tx.request_body, &mut slot.tx.request_body_len),
        Direction::ToClient => (&mut slot.tx.response_body, &mut slot.tx.response_body_len),
    };
    *seen = seen.saturating_add(b.len() as u64);
    let stored = body.len();
    if stored < limit {
        let take = b.len().min(limit - stored);
        body.extend_from_slice(b.get(..take).unwrap_or_default());
        if let Some(f) = slot.files.get_mut(d) {
            if f.wanted && !f.logged {
                f.open = true;
                f.size = f.size.saturating_add(take as u64);
            }
        }
        true
    } else {
        if slot.files.get(d).is_some_and(|f| f.open && !f.logged) {
            *truncate = true;
        }
        false
    }
}

fn file_event(slot: &Slot, dir: Direction, state: &'static str, cx: &Cx<'_>) -> AppEvent {
    let f = slot.files.get(dir_idx(dir)).copied().unwrap_or_default();
    let name = slot
        .tx
        .path
        .get(..slot.tx.path.len().min(FILENAME_MAX))
        .unwrap_or_default();
    AppEvent {
        ts: cx.ts,
        dir,
        tx_id: Some(slot.tx.tx_id),
        record: Record::FileInfo(Box::new(FileInfo {
            parent: Some(Box::new(Record::Http(Box::new(slot.tx.snapshot())))),
            filename: eve_str(name).into_owned(),
            gaps: f.gaps,
            state,
            stored: false,
            size: f.size,
            tx_id: slot.tx.tx_id,
        })),
    }
}

impl Parser for HttpParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.cfg.frames {
            self.side(dir).frame.chunk(data);
        }
        self.frame_pos = Some(0);
        self.feed(dir, data, cx);
        self.frame_pos = None;
    }

    fn on_gap(&mut self, dir: Direction, len: u32, cx: &mut Cx<'_>) {
        self.side(dir).frame.gap();
        self.on_gap_dir(dir, len, cx);
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        self.close(cx);
    }

    fn upgrade(&mut self) -> Option<crate::AppProto> {
        if self.h2c.is_some() && !self.h2c_announced {
            self.h2c_announced = true;
            return Some(crate::AppProto::Http2);
        }
        None
    }

    fn upgrade_leftover(&mut self) -> usize {
        std::mem::take(&mut self.h2c_leftover)
    }

    fn handoff(&mut self) -> Option<crate::Handoff> {
        self.h2c.take().map(crate::Handoff::H2c)
    }

    fn take_raw_trigger(&mut self) -> [bool; 2] {
        std::mem::take(&mut self.raw_trigger)
    }

    fn inspect_open(&mut self, dir: Direction, f: &mut dyn FnMut(&Record)) {
        let d = dir_idx(dir);
        let to_server = dir == Direction::ToServer;
        for slot in self.slots.iter_mut() {
            let tx = &mut slot.tx;
            let Some(updated) = tx.detect_updated.get_mut(d) else {
                continue;
            };
            let due = std::mem::take(updated) || tx.side_complete(to_server);
            if !due || tx.side_inspected(to_server) {
                continue;
            }
            if tx.side_complete(to_server) {
                if let Some(i) = tx.detect_inspected.get_mut(d) {
                    *i = true;
                }
            }
            // Lent to detection as a record without copying its buffers.
            let rec = Record::Http(Box::new(std::mem::take(tx)));
            f(&rec);
            if let Record::Http(b) = rec {
                *tx = *b;
            }
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn request_line_split() {
        let l = b"GET /a b HTTP/1.1";
        let (m, u, p) = split_request_line(l);
        assert_eq!(&l[m.0..m.1], b"GET");
        let u = u.unwrap_or_default();
        assert_eq!(&l[u.0..u.1], b"/a");
        let p = p.unwrap_or_default();
        assert_eq!(&l[p.0..p.1], b"b HTTP/1.1");
        let l = b"  GET\t/x";
        let (m, u, p) = split_request_line(l);
        assert_eq!(&l[m.0..m.1], b"GET");
        let u = u.unwrap_or_default();
        assert_eq!(&l[u.0..u.1], b"/x");
        assert!(p.is_none());
    }

    #[test]
    fn header_split() {
        assert_eq!(split_header(b"Host:  a b \r\n"), (&b"Host"[..], &b"a b"[..]));
        assert_eq!(split_header(b"Name :v\n"), (&b"Name"[..], &b"v"[..]));
        assert_eq!(split_header(b"novalue\r\n"), (&b""[..], &b"novalue"[..]));
        assert_eq!(split_header(b"X:\r\n"), (&b"X"[..], &b""[..]));
    }

    #[test]
    fn chunk_lengths() {
        assert_eq!(parse_chunk_len(b"1a\r\n"), Ok(Some(26)));
        assert_eq!(parse_chunk_len(b"  A;ext=1\r\n"), Ok(Some(10)));
        assert_eq!(parse_chunk_len(b"\r\n"), Ok(None));
        assert_eq!(parse_chunk_len(b"zz\r\n"), Err(()));
        assert_eq!(parse_chunk_len(b"ffffffffff\r\n"), Err(()));
    }

    #[test]
    fn content_length_values() {
        assert_eq!(parse_content_length(b" 12 "), Some(12));
        assert_eq!(parse_content_length(b"x5"), Some(5));
        assert_eq!(parse_content_length(b"abc"), None);
        assert_eq!(parse_content_length(b"99999999999999999999999"), None);
    }

    #[test]
    fn tokens_and_lines() {
        assert!(has_token(b"gzip, Chunked", b"chunked"));
        assert!(!has_token(b"chunkedx", b"chunked"));
        // libhtp's walk: spaces (incl. VT) around a token, junk waits for the next comma.
        assert!(has_token(b" \x0bchunked\x0b ", b"chunked"));
        assert!(has_token(b"chunk,chunked", b"chunked"));
        assert!(!has_token(b"x chunked, y", b"chunked"));
        assert!(has_token(b"chunked x, chunked", b"chunked"));
        assert!(!has_token(b"chunked x", b"chunked"));
        assert!(!has_token(b"chun ked", b"chunked"));
        assert!(!has_token(b"", b"chunked"));
        assert!(!has_token(b"cchunked", b"chunked"));
        assert!(has_token(b"gzip,,CHUNKED,", b"chunked"));
        assert!(response_line_is_body(b"<html>"));
        assert!(!response_line_is_body(b"  http/1.0 200"));
        assert!(looks_like_request_line(b"GET /x HTTP/1.1\r\n"));
        assert!(!looks_like_request_line(b"binary junk HTTP/1.1"));
        assert!(is_terminator(b"\r\n"));
        assert!(is_terminator(b" \n"));
        assert!(!is_terminator(b"a\r\n"));
    }
}
