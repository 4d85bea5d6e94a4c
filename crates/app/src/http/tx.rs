//! The HTTP transaction: the inspection buffers of one request/response pair, and its EVE
//! `http` object (Suricata 7's field order and presence rules, `extended: yes`).

use serde::ser::{SerializeMap, Serializer};
use std::borrow::Cow;

/// A byte range inside one of the transaction's buffers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize) -> Self {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
    pub(crate) fn get<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        buf.get(self.start as usize..self.end as usize)
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy)]
struct HeaderIdx {
    name: Span,
    value: Span,
}

/// The headers of one message, in order of first appearance, repeated names merged the way
/// libhtp merges them (`a, b`; `Content-Length` keeps its first value). Names and values live
/// in one arena, so there is no allocation per header.
#[derive(Debug, Clone, Default)]
pub struct Headers {
    arena: Vec<u8>,
    idx: Vec<HeaderIdx>,
    /// Headers dropped because a bound was reached.
    pub dropped: u32,
}

/// Most repetitions of one header libhtp merges (`HTP_MAX_HEADERS_REPETITIONS`).
const MAX_REPETITIONS: u32 = 64;

impl Headers {
    /// Number of (merged) headers.
    pub fn len(&self) -> usize {
        self.idx.len()
    }

    pub fn is_empty(&self) -> bool {
        self.idx.is_empty()
    }

    /// The value of header `name` (ASCII case-insensitive).
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        self.position(name)
            .and_then(|i| self.idx.get(i))
            .map(|h| h.value.get(&self.arena))
    }

    fn position(&self, name: &[u8]) -> Option<usize> {
        self.idx
            .iter()
            .position(|h| h.name.get(&self.arena).eq_ignore_ascii_case(name))
    }

    /// `(name, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.idx
            .iter()
            .map(|h| (h.name.get(&self.arena), h.value.get(&self.arena)))
    }

    /// Adds a header, merging a repeated name. `max_bytes` bounds the arena.
    pub(crate) fn add(&mut self, name: &[u8], value: &[u8], max_bytes: usize, reps: &mut u32) {
        if self.arena.len().saturating_add(name.len() + value.len() + 2) > max_bytes {
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        if let Some(i) = self.position(name) {
            if name.eq_ignore_ascii_case(b"content-length") {
                return;
            }
            if *reps >= MAX_REPETITIONS {
                self.dropped = self.dropped.saturating_add(1);
                return;
            }
            *reps += 1;
            let Some(h) = self.idx.get(i).copied() else {
                return;
            };
            // Re-append the merged value at the end of the arena (rare path).
            let start = self.arena.len();
            self.arena
                .extend_from_within(h.value.start as usize..h.value.end as usize);
            self.arena.extend_from_slice(b", ");
            self.arena.extend_from_slice(value);
            if let Some(slot) = self.idx.get_mut(i) {
                slot.value = Span::new(start, self.arena.len());
            }
            return;
        }
        let ns = self.arena.len();
        self.arena.extend_from_slice(name);
        let vs = self.arena.len();
        self.arena.extend_from_slice(value);
        self.idx.push(HeaderIdx {
            name: Span::new(ns, vs),
            value: Span::new(vs, self.arena.len()),
        });
    }

    /// Suricata's `http.header` block: `Name: value\r\n` per header, leaving out `skip`.
    pub fn write_block(&self, skip: Option<&[u8]>, out: &mut Vec<u8>) {
        for (n, v) in self.iter() {
            if skip.is_some_and(|s| n.eq_ignore_ascii_case(s)) {
                continue;
            }
            out.extend_from_slice(n);
            out.extend_from_slice(b": ");
            out.extend_from_slice(v);
            out.extend_from_slice(b"\r\n");
        }
    }

    /// Header names, as Suricata's `http.header_names`: `\r\n` + `Name\r\n`... + `\r\n`.
    pub fn write_names(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\r\n");
        for (n, _) in self.iter() {
            out.extend_from_slice(n);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"\r\n");
    }

    /// A copy without the arena's dead bytes, for snapshots.
    fn compact(&self) -> Headers {
        let mut h = Headers {
            dropped: self.dropped,
            ..Default::default()
        };
        let mut reps = 0;
        for (n, v) in self.iter() {
            h.add(n, v, usize::MAX, &mut reps);
        }
        h
    }
}

/// Progress of one side of a transaction, in order (libhtp's `htp_tx_req_progress_t` /
/// `htp_tx_res_progress_t`, compared with `<` as Suricata compares them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Progress {
    #[default]
    NotStarted,
    Line,
    Headers,
    Body,
    Trailers,
    Complete,
}

/// One HTTP/1.x request/response pair.
///
/// All buffers are bytes as seen on the wire (or normalized/decoded where named so); raw copies
/// are bounded by [`super::HttpConfig`].
#[derive(Debug, Clone, Default)]
pub struct HttpTx {
    /// Per-flow transaction number, from 0.
    pub tx_id: u64,

    // ---- request ----
    request_line: Vec<u8>,
    method: Span,
    uri_raw: Span,
    protocol: Option<Span>,
    /// Raw URI when no request was seen (`/libhtp::request_uri_not_seen`).
    uri_override: Option<&'static [u8]>,
    /// Normalized URI (`http.uri`).
    pub uri: Vec<u8>,
    /// Normalized path (file names).
    pub path: Vec<u8>,
    /// Request headers (`http.request_header` pairs).
    pub request_headers: Headers,
    /// Raw request header block as received, terminating empty line included
    /// (`http.header.raw`), bounded.
    pub request_headers_raw: Vec<u8>,
    /// Suricata's normalized request header block (`http.header`, no `Cookie`).
    pub request_header_block: Vec<u8>,
    /// Hostname (from an absolute URI, else the Host header), as libhtp normalizes it.
    pub hostname: Option<Vec<u8>>,
    /// Port given with the hostname (URI or Host header).
    pub port: Option<u16>,
    /// Request body (dechunked, decompressed), up to the request body limit (`http.request_body`).
    pub request_body: Vec<u8>,
    /// Request body bytes seen (after dechunking/decompression), beyond the limit included.
    pub request_body_len: u64,
    /// Request message bytes on the wire.
    pub request_message_len: u64,
    pub request_progress: Progress,
    /// HTTP/0.9 request (no protocol, no headers).
    pub is_http09: bool,

    // ---- response ----
    response_line: Vec<u8>,
    res_protocol: Option<Span>,
    stat_code: Option<Span>,
    stat_msg: Option<Span>,
    /// Numeric status (100..=999), when valid.
    pub status: Option<u16>,
    /// Response headers.
    pub response_headers: Headers,
    /// Raw response header block (bounded).
    pub response_headers_raw: Vec<u8>,
    /// Suricata's normalized response header block (`http.header` to client, no `Set-Cookie`).
    pub response_header_block: Vec<u8>,
    /// Response body (dechunked, decompressed), up to the response body limit.
    pub response_body: Vec<u8>,
    /// Response body bytes seen after decompression.
    pub response_body_len: u64,
    /// Response message length as libhtp counts it (EVE `length`): body bytes on the wire,
    /// chunk framing included.
    pub response_message_len: u64,
    pub response_progress: Progress,
    /// 100-continue responses skipped.
    pub continue_seen: u32,

    // ---- conditions ----
    /// Bytes were lost in this transaction (stream gap).
    pub gap: bool,
    /// The parser gave up inside this transaction (garbage, limits).
    pub error: bool,
    /// Headers repeated and merged.
    pub(crate) req_reps: u32,
    pub(crate) res_reps: u32,
    /// App-layer events of the transaction (names of [`super::EVENTS`], each once), for
    /// `app-layer-event:http.NAME`. Not logged.
    pub events: Vec<&'static str>,
    /// The request / response as it came in the stream, first line through body (Suricata's
    /// `http1.request` / `http1.response` frames); empty unless `HttpConfig::frames`.
    pub request_frame: Vec<u8>,
    pub response_frame: Vec<u8>,
    /// Per direction (to server, to client): the parser worked on that side since detection
    /// last looked at the direction (Suricata's `updated_ts` / `updated_tc`).
    pub(crate) detect_updated: [bool; 2],
    /// Per direction: detection was handed the side complete (Suricata's
    /// `APP_LAYER_TX_INSPECTED_FLAG`); it is not handed over again.
    pub(crate) detect_inspected: [bool; 2],
}

/// EVE string from bytes, as Suricata's JsonBuilder does: UTF-8 as is, otherwise bytes >= 0x80
/// written as `\xHH`.
pub(crate) fn eve_str(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let mut out = String::with_capacity(b.len() * 2);
            for &c in b {
                if c < 0x80 {
                    out.push(char::from(c));
                } else {
                    out.push_str(&format!("\\x{c:02x}"));
                }
            }
            Cow::Owned(out)
        }
    }
}

const URI_NOT_SEEN: &[u8] = b"/libhtp::request_uri_not_seen";

impl HttpTx {
    /// Whether the request (`to_server`) or the response side is complete.
    pub fn side_complete(&self, to_server: bool) -> bool {
        let p = if to_server {
            self.request_progress
        } else {
            self.response_progress
        };
        p == Progress::Complete
    }

    /// Whether detection was already handed this side complete (by
    /// [`crate::Parser::inspect_open`]): its inspection is over.
    pub fn side_inspected(&self, to_server: bool) -> bool {
        self.detect_inspected
            .get(usize::from(!to_server))
            .copied()
            .unwrap_or(false)
    }

    /// Raises an app-layer event on the transaction (once).
    pub(crate) fn event(&mut self, name: &'static str) {
        if !self.events.contains(&name) {
            self.events.push(name);
        }
    }

    pub(crate) fn new(tx_id: u64) -> Self {
        HttpTx {
            tx_id,
            ..Default::default()
        }
    }

    /// A transaction for a response that matched no request, as libhtp makes one.
    pub(crate) fn new_unmatched(tx_id: u64) -> Self {
        let mut tx = HttpTx::new(tx_id);
        tx.uri_override = Some(URI_NOT_SEEN);
        tx.uri = URI_NOT_SEEN.to_vec();
        tx.path = URI_NOT_SEEN.to_vec();
        tx.request_progress = Progress::Complete;
        tx
    }

    pub(crate) fn set_request_line(
        &mut self,
        line: &[u8],
        method: (usize, usize),
        uri: Option<(usize, usize)>,
        protocol: Option<(usize, usize)>,
    ) {
        self.request_line.clear();
        self.request_line.extend_from_slice(line);
        self.method = Span::new(method.0, method.1);
        self.uri_raw = uri.map_or_else(Span::default, |(s, e)| Span::new(s, e));
        self.protocol = protocol.map(|(s, e)| Span::new(s, e));
    }

    pub(crate) fn set_response_line(
        &mut self,
        line: &[u8],
        protocol: Option<(usize, usize)>,
        code: Option<(usize, usize)>,
        msg: Option<(usize, usize)>,
    ) {
        self.response_line.clear();
        self.response_line.extend_from_slice(line);
        self.res_protocol = protocol.map(|(s, e)| Span::new(s, e));
        self.stat_code = code.map(|(s, e)| Span::new(s, e));
        self.stat_msg = msg.map(|(s, e)| Span::new(s, e));
    }

    /// `http.request_line`.
    pub fn request_line(&self) -> &[u8] {
        &self.request_line
    }
    /// `http.method`.
    pub fn method(&self) -> &[u8] {
        self.method.get(&self.request_line)
    }
    /// `http.uri.raw`.
    pub fn uri_raw(&self) -> &[u8] {
        match self.uri_override {
            Some(u) => u,
            None => self.uri_raw.get(&self.request_line),
        }
    }
    /// Whether the request line had a URI.
    pub fn has_uri(&self) -> bool {
        self.uri_override.is_some() || self.uri_raw != Span::default()
    }
    /// `http.protocol` (request side).
    pub fn protocol(&self) -> Option<&[u8]> {
        self.protocol.map(|s| s.get(&self.request_line))
    }
    /// `http.host` (hostname as libhtp normalizes it).
    pub fn host(&self) -> Option<&[u8]> {
        self.hostname.as_deref()
    }
    /// `http.host.raw` (the Host header value).
    pub fn host_raw(&self) -> Option<&[u8]> {
        self.request_headers.get(b"host")
    }
    /// `http.user_agent`.
    pub fn user_agent(&self) -> Option<&[u8]> {
        self.request_headers.get(b"user-agent")
    }
    /// `http.cookie`.
    pub fn cookie(&self) -> Option<&[u8]> {
        self.request_headers.get(b"cookie")
    }
    /// `http.content_type` of the request.
    pub fn content_type(&self) -> Option<&[u8]> {
        self.request_headers.get(b"content-type")
    }
    /// `http.content_len` of the request.
    pub fn content_len(&self) -> Option<&[u8]> {
        self.request_headers.get(b"content-length")
    }
    /// `http.referer`.
    pub fn referer(&self) -> Option<&[u8]> {
        self.request_headers.get(b"referer")
    }
    /// `http.header_names` (to server).
    pub fn request_header_names(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.request_headers.write_names(&mut v);
        v
    }
    /// `http.start` (to server): request line, headers, empty line.
    pub fn request_start(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.request_line.len() + self.request_header_block.len() + 8);
        v.extend_from_slice(&self.request_line);
        v.extend_from_slice(b"\r\n");
        self.request_headers.write_block(None, &mut v);
        v.extend_from_slice(b"\r\n");
        v
    }

    /// `http.response_line`.
    pub fn response_line(&self) -> &[u8] {
        &self.response_line
    }
    /// Response protocol.
    pub fn response_protocol(&self) -> Option<&[u8]> {
        self.res_protocol.map(|s| s.get(&self.response_line))
    }
    /// `http.stat_code` (status text as sent).
    pub fn stat_code(&self) -> Option<&[u8]> {
        self.stat_code.map(|s| s.get(&self.response_line))
    }
    /// `http.stat_msg`.
    pub fn stat_msg(&self) -> Option<&[u8]> {
        self.stat_msg.map(|s| s.get(&self.response_line))
    }
    /// `http.location`.
    pub fn location(&self) -> Option<&[u8]> {
        self.response_headers.get(b"location")
    }
    /// `http.server`.
    pub fn server(&self) -> Option<&[u8]> {
        self.response_headers.get(b"server")
    }
    /// `http.content_type` of the response.
    pub fn response_content_type(&self) -> Option<&[u8]> {
        self.response_headers.get(b"content-type")
    }
    /// `http.header_names` (to client).
    pub fn response_header_names(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.response_headers.write_names(&mut v);
        v
    }
    /// `http.start` (to client).
    pub fn response_start(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.response_line.len() + self.response_header_block.len() + 8);
        v.extend_from_slice(&self.response_line);
        v.extend_from_slice(b"\r\n");
        self.response_headers.write_block(None, &mut v);
        v.extend_from_slice(b"\r\n");
        v
    }

    /// A copy carrying only what the EVE object needs (no bodies or raw blocks), used as the
    /// `fileinfo` parent.
    pub fn snapshot(&self) -> HttpTx {
        HttpTx {
            tx_id: self.tx_id,
            request_line: self.request_line.clone(),
            method: self.method,
            uri_raw: self.uri_raw,
            protocol: self.protocol,
            uri_override: self.uri_override,
            request_headers: self.request_headers.compact(),
            hostname: self.hostname.clone(),
            port: self.port,
            request_progress: self.request_progress,
            is_http09: self.is_http09,
            response_line: self.response_line.clone(),
            res_protocol: self.res_protocol,
            stat_code: self.stat_code,
            stat_msg: self.stat_msg,
            status: self.status,
            response_headers: self.response_headers.compact(),
            response_message_len: self.response_message_len,
            response_progress: self.response_progress,
            gap: self.gap,
            error: self.error,
            ..Default::default()
        }
    }
}

/// Content-Range parsing as Suricata's (`[unit] start-end/size|*` or `[unit] */size`).
fn parse_content_range(v: &[u8]) -> Option<(i64, i64, i64)> {
    let v = v.trim_ascii_start();
    let unit_end = v.iter().position(|&c| c == b' ').unwrap_or(v.len());
    let r = v.get(unit_end..)?.trim_ascii_start();
    let num = |s: &[u8]| -> Option<(i64, usize)> {
        let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        std::str::from_utf8(s.get(..n)?)
            .ok()?
            .parse()
            .ok()
            .map(|x| (x, n))
    };
    if r.first() == Some(&b'*') {
        if r.get(1) != Some(&b'/') {
            return None;
        }
        let (size, _) = num(r.get(2..)?)?;
        return Some((-1, -1, size));
    }
    let (start, n) = num(r)?;
    let r = r.get(n..)?;
    if r.first() != Some(&b'-') {
        return None;
    }
    let (end, n) = num(r.get(1..)?)?;
    let r = r.get(1 + n..)?;
    if r.first() != Some(&b'/') {
        return None;
    }
    let r = r.get(1..)?;
    let size = if r.first() == Some(&b'*') { -1 } else { num(r)?.0 };
    Some((start, end, size))
}

struct ContentRange<'a>(&'a [u8]);

impl serde::Serialize for ContentRange<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("raw", &eve_str(self.0))?;
        if let Some((start, end, size)) = parse_content_range(self.0) {
            if start >= 0 {
                m.serialize_entry("start", &start)?;
            }
            if end >= 0 {
                m.serialize_entry("end", &end)?;
            }
            if size >= 0 {
                m.serialize_entry("size", &size)?;
            }
        }
        m.end()
    }
}

/// Leading decimal digits as `strtoul` reads them (0 when none).
fn strtoul(b: &[u8]) -> u64 {
    let b = b.trim_ascii_start();
    let b = b.strip_prefix(b"+").unwrap_or(b);
    let mut v: u64 = 0;
    for &c in b.iter().take_while(|c| c.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(u64::from(c - b'0'));
    }
    v
}

impl serde::Serialize for HttpTx {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(h) = &self.hostname {
            m.serialize_entry("hostname", &eve_str(h))?;
        }
        if let Some(p) = self.port {
            m.serialize_entry("http_port", &p)?;
        }
        if self.has_uri() {
            m.serialize_entry("url", &eve_str(self.uri_raw()))?;
        }
        // An empty User-Agent header is not logged (Suricata 7's libhtp output; detect-bsize-0).
        if let Some(ua) = self.user_agent().filter(|ua| !ua.is_empty()) {
            m.serialize_entry("http_user_agent", &eve_str(ua))?;
        }
        if let Some(x) = self.request_headers.get(b"x-forwarded-for") {
            m.serialize_entry("xff", &eve_str(x))?;
        }
        if let Some(ct) = self.response_headers.get(b"content-type") {
            let ct = eve_str(ct);
            let cut = ct.split(';').next().unwrap_or_default();
            m.serialize_entry("http_content_type", cut)?;
        }
        if let Some(cr) = self.response_headers.get(b"content-range") {
            m.serialize_entry("content_range", &ContentRange(cr))?;
        }
        if let Some(r) = self.referer() {
            m.serialize_entry("http_refer", &eve_str(r))?;
        }
        if !self.method().is_empty() || !self.request_line.is_empty() {
            m.serialize_entry("http_method", &eve_str(self.method()))?;
        }
        if let Some(p) = self.protocol() {
            m.serialize_entry("protocol", &eve_str(p))?;
        }
        if let Some(code) = self.stat_code() {
            m.serialize_entry("status", &strtoul(code))?;
            if let Some(loc) = self.location() {
                m.serialize_entry("redirect", &eve_str(loc))?;
            }
        }
        m.serialize_entry("length", &self.response_message_len)?;
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_merge_and_lookup() {
        let mut h = Headers::default();
        let mut reps = 0;
        h.add(b"Host", b"a", 1 << 20, &mut reps);
        h.add(b"Accept", b"x", 1 << 20, &mut reps);
        h.add(b"accept", b"y", 1 << 20, &mut reps);
        h.add(b"Content-Length", b"1", 1 << 20, &mut reps);
        h.add(b"content-length", b"2", 1 << 20, &mut reps);
        assert_eq!(h.len(), 3);
        assert_eq!(h.get(b"ACCEPT"), Some(&b"x, y"[..]));
        assert_eq!(h.get(b"content-length"), Some(&b"1"[..]));
        let mut blk = Vec::new();
        h.write_block(Some(b"host"), &mut blk);
        assert_eq!(blk, b"Accept: x, y\r\nContent-Length: 1\r\n");
        let mut names = Vec::new();
        h.write_names(&mut names);
        assert_eq!(names, b"\r\nHost\r\nAccept\r\nContent-Length\r\n\r\n");
        let c = h.compact();
        assert_eq!(c.get(b"accept"), Some(&b"x, y"[..]));
    }

    #[test]
    fn headers_bounded() {
        let mut h = Headers::default();
        let mut reps = 0;
        h.add(b"A", b"0123456789", 8, &mut reps);
        assert_eq!(h.len(), 0);
        assert_eq!(h.dropped, 1);
    }

    #[test]
    fn eve_strings() {
        assert_eq!(eve_str(b"abc"), "abc");
        assert_eq!(eve_str(b"a\xffb"), "a\\xffb");
    }

    #[test]
    fn content_range_forms() {
        assert_eq!(parse_content_range(b"bytes 0-99/1000"), Some((0, 99, 1000)));
        assert_eq!(parse_content_range(b"bytes 5-9/*"), Some((5, 9, -1)));
        assert_eq!(parse_content_range(b"bytes */77"), Some((-1, -1, 77)));
        assert_eq!(parse_content_range(b"bytes x"), None);
    }

    #[test]
    fn status_text() {
        assert_eq!(strtoul(b"200"), 200);
        assert_eq!(strtoul(b"abc"), 0);
        assert_eq!(strtoul(b"404x"), 404);
    }
}
