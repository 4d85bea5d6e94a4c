//! SIP over UDP as Suricata 7.0.10's `rust/src/sip` parses, inspects and logs it.
//!
//! Every datagram is one message: a request (to server) or a response (to client). A message
//! that parses is a transaction of its own (ids count parsed messages of both directions),
//! logged at once (EVE `sip`, from the sender's point of view). A datagram that does not
//! parse in its direction (a request sent to the client, a truncated message) makes no
//! transaction; it only has a `pdu` frame (see below).
//!
//! The parser is Suricata's nom parser rewritten by hand, its quirks kept since rules and logs
//! depend on them:
//! - the method is any run of letters, possibly empty (`" sip:x SIP/2.0"` is a request);
//! - the status code is any 3 bytes of valid UTF-8;
//! - a header value with a byte outside the allowed set makes the message "incomplete";
//! - the message must end its headers with an empty line; what follows is the body, whatever
//!   `Content-Length` says;
//! - the request (response) line logged and inspected is the longest run of "reason phrase"
//!   bytes at the start of the message (it stops at a `#` or `<` of the URI).
//!
//! Frames (`frame:sip.pdu`, `sip.request.line`, `sip.request.headers`, `sip.request.body`, and
//! the `response` ones), Suricata's `SIPFrameType`: the whole datagram; the first line with its
//! CRLF; the header lines with their CRLFs (not the empty line); the body, when not empty.
//!
//! Suricata 7 has no SIP over TCP, no header buffers (`sip.from`, `sip.to`, ... are 8.x), and
//! raises its two events (`incomplete_data`, `invalid_data`) on the previous transaction;
//! those events are not raised here.

use crate::{AppEvent, Cx, Parser, Record};
use flow::Direction;
use serde::ser::{SerializeMap, Serializer};
use std::ops::Range;

#[cfg(test)]
mod tests;

/// Why a message did not parse (nom's `Incomplete` and `Error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SipError {
    /// The message ends before it is complete (or has a byte a header value may not hold).
    Incomplete,
    /// The message is not SIP.
    Invalid,
}

type PResult<T> = Result<T, SipError>;

/// The first line of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// `METHOD URI VERSION`.
    Request {
        method: Range<usize>,
        uri: Range<usize>,
        version: Range<usize>,
    },
    /// `VERSION CODE REASON`.
    Response {
        version: Range<usize>,
        code: Range<usize>,
        reason: Range<usize>,
    },
}

/// Where the parts of a parsed message lie in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub start: StartLine,
    /// The first line with its CRLF.
    pub line_len: usize,
    /// The header lines, each with its CRLF, after the first line.
    pub headers_len: usize,
    /// Where the body starts (after the empty line); the body runs to the end.
    pub body_offset: usize,
}

// Character classes of RFC 3261 as Suricata's parser spells them.
fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!%'*+-._`~".contains(&b)
}
fn is_request_uri_char(b: u8) -> bool {
    is_token_char(b) || b"~#@:;=?+&$,/".contains(&b)
}
fn is_version_char(b: u8) -> bool {
    b.is_ascii_digit() || b == b'.'
}
fn is_reason_phrase(b: u8) -> bool {
    is_token_char(b) || b"$&(),/:;=?@[\\]^ ".contains(&b)
}
fn is_header_name(b: u8) -> bool {
    is_token_char(b)
}
fn is_header_value(b: u8) -> bool {
    is_token_char(b) || b"\"#$&(),/;:<=>?@[]{}()^|~\\\t\n\r ".contains(&b)
}
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// nom's streaming `take_while`: the run of `f` bytes from `at`; running into the end of the
/// input is incomplete.
fn take_while(i: &[u8], at: usize, f: fn(u8) -> bool) -> PResult<usize> {
    let rest = i.get(at..).unwrap_or_default();
    match rest.iter().position(|&b| !f(b)) {
        Some(n) => Ok(at + n),
        None => Err(SipError::Incomplete),
    }
}

/// nom's streaming `take_while1`: as [`take_while`], but an empty run is an error.
fn take_while1(i: &[u8], at: usize, f: fn(u8) -> bool) -> PResult<usize> {
    let end = take_while(i, at, f)?;
    if end == at {
        Err(SipError::Invalid)
    } else {
        Ok(end)
    }
}

/// nom's streaming `tag`.
fn tag(i: &[u8], at: usize, t: &[u8]) -> PResult<usize> {
    let rest = i.get(at..).unwrap_or_default();
    if rest.starts_with(t) {
        Ok(at + t.len())
    } else if t.starts_with(rest) {
        Err(SipError::Incomplete)
    } else {
        Err(SipError::Invalid)
    }
}

fn crlf(i: &[u8], at: usize) -> PResult<usize> {
    tag(i, at, b"\r\n")
}

fn space(i: &[u8], at: usize) -> PResult<usize> {
    tag(i, at, b" ")
}

/// `SIP/` and a run of digits and dots.
fn version(i: &[u8], at: usize) -> PResult<usize> {
    let at = tag(i, at, b"SIP/")?;
    take_while1(i, at, is_version_char)
}

/// Suricata's `parse_header_value`: the end of the value (trailing blanks dropped; folded
/// lines kept) and where the parse goes on.
fn header_value(i: &[u8], at: usize) -> PResult<(usize, usize)> {
    let buf = i.get(at..).unwrap_or_default();
    let mut end_pos = 0usize;
    let mut trail = 0usize;
    let mut idx = 0usize;
    while let Some(&b) = buf.get(idx) {
        match b {
            b'\n' => {
                idx += 1;
                match buf.get(idx) {
                    None => return Err(SipError::Incomplete),
                    Some(b' ' | b'\t') => {
                        idx += 1;
                        continue;
                    }
                    Some(_) => return Ok((at + end_pos, at + end_pos + trail)),
                }
            }
            b' ' | b'\t' => trail += 1,
            b'\r' => {}
            b => {
                trail = 0;
                if !is_header_value(b) {
                    return Err(SipError::Incomplete);
                }
                end_pos = idx + 1;
            }
        }
        idx += 1;
    }
    Ok((i.len(), i.len()))
}

/// The header lines from `at` up to the empty line: where the empty line starts.
fn headers(i: &[u8], mut at: usize) -> PResult<usize> {
    loop {
        match crlf(i, at) {
            Ok(_) => return Ok(at),
            Err(SipError::Incomplete) => return Err(SipError::Incomplete),
            Err(SipError::Invalid) => {}
        }
        // `message_header`: name, blanks, ':', blanks, value, CRLF.
        let p = take_while(i, at, is_header_name)?;
        let p = take_while(i, p, is_space)?;
        let p = tag(i, p, b":")?;
        let p = take_while(i, p, is_space)?;
        let (_, p) = header_value(i, p)?;
        at = crlf(i, p)?;
    }
}

/// The empty line, the body offset.
fn finish(i: &[u8], line_len: usize) -> PResult<(usize, usize)> {
    let hdr_end = headers(i, line_len)?;
    let body = crlf(i, hdr_end)?;
    Ok((hdr_end - line_len, body))
}

/// Suricata's `sip_parse_request`.
pub fn parse_request(i: &[u8]) -> PResult<Layout> {
    let m_end = take_while(i, 0, |b| b.is_ascii_alphabetic())?;
    let u_start = space(i, m_end)?;
    let u_end = take_while1(i, u_start, is_request_uri_char)?;
    let v_start = space(i, u_end)?;
    let v_end = version(i, v_start)?;
    let line_len = crlf(i, v_end)?;
    let (headers_len, body_offset) = finish(i, line_len)?;
    Ok(Layout {
        start: StartLine::Request {
            method: 0..m_end,
            uri: u_start..u_end,
            version: v_start..v_end,
        },
        line_len,
        headers_len,
        body_offset,
    })
}

/// Suricata's `sip_parse_response`.
pub fn parse_response(i: &[u8]) -> PResult<Layout> {
    let v_end = version(i, 0)?;
    let c_start = space(i, v_end)?;
    let c_end = c_start + 3;
    let code = i.get(c_start..c_end).ok_or(SipError::Incomplete)?;
    if std::str::from_utf8(code).is_err() {
        return Err(SipError::Invalid);
    }
    let r_start = space(i, c_end)?;
    let r_end = take_while(i, r_start, is_reason_phrase)?;
    let line_len = crlf(i, r_end)?;
    let (headers_len, body_offset) = finish(i, line_len)?;
    Ok(Layout {
        start: StartLine::Response {
            version: 0..v_end,
            code: c_start..c_end,
            reason: r_start..r_end,
        },
        line_len,
        headers_len,
        body_offset,
    })
}

/// Suricata's `sip_take_line`: the run of reason-phrase bytes at the start (none when empty or
/// running to the end).
fn take_line(i: &[u8]) -> Option<Range<usize>> {
    take_while1(i, 0, is_reason_phrase).ok().map(|e| 0..e)
}

/// One SIP datagram as the app layer hands it to detection and EVE: a parsed request or
/// response (a transaction), or, with frames on, a datagram that did not parse (its `pdu`
/// frame only; not logged).
#[derive(Debug, Clone)]
pub struct SipRecord {
    /// The datagram (a UDP payload: under 64 KiB).
    pub msg: Vec<u8>,
    /// Sent to the server.
    pub to_server: bool,
    /// Where the parts lie; `None` when the datagram did not parse.
    pub layout: Option<Layout>,
    /// The request or response line (see [`take_line`]).
    pub line: Option<Range<usize>>,
}

impl SipRecord {
    fn part(&self, r: &Range<usize>) -> &[u8] {
        self.msg.get(r.clone()).unwrap_or_default()
    }

    /// Whether this is a transaction (logged); `false` for a datagram that did not parse.
    pub fn is_tx(&self) -> bool {
        self.layout.is_some()
    }

    /// Whether this is a request (`Some(false)`: a response; `None`: did not parse).
    pub fn is_request(&self) -> Option<bool> {
        self.layout
            .as_ref()
            .map(|l| matches!(l.start, StartLine::Request { .. }))
    }

    fn request(&self) -> Option<(&Range<usize>, &Range<usize>, &Range<usize>)> {
        match self.layout.as_ref().map(|l| &l.start) {
            Some(StartLine::Request { method, uri, version }) => Some((method, uri, version)),
            _ => None,
        }
    }

    fn response(&self) -> Option<(&Range<usize>, &Range<usize>, &Range<usize>)> {
        match self.layout.as_ref().map(|l| &l.start) {
            Some(StartLine::Response {
                version,
                code,
                reason,
            }) => Some((version, code, reason)),
            _ => None,
        }
    }

    /// `sip.method` (may be empty: Suricata then has no buffer).
    pub fn method(&self) -> Option<&[u8]> {
        self.request().map(|(m, _, _)| self.part(m))
    }
    /// `sip.uri`.
    pub fn uri(&self) -> Option<&[u8]> {
        self.request().map(|(_, u, _)| self.part(u))
    }
    /// `sip.protocol` of the request (to server) or response (to client).
    pub fn version(&self, to_server: bool) -> Option<&[u8]> {
        if to_server {
            self.request().map(|(_, _, v)| self.part(v))
        } else {
            self.response().map(|(v, _, _)| self.part(v))
        }
    }
    /// `sip.stat_code`.
    pub fn code(&self) -> Option<&[u8]> {
        self.response().map(|(_, c, _)| self.part(c))
    }
    /// `sip.stat_msg`.
    pub fn reason(&self) -> Option<&[u8]> {
        self.response().map(|(_, _, r)| self.part(r))
    }
    /// `sip.request_line` / `sip.response_line` (whichever this message has).
    pub fn line(&self) -> Option<&[u8]> {
        self.line.as_ref().map(|r| self.part(r))
    }

    /// Frame `kind` (`pdu`, `request.line`, `response.body`, ...; Suricata's names) of this
    /// datagram: `None` when it has no such frame.
    pub fn frame(&self, kind: &str) -> Option<&[u8]> {
        if kind == "pdu" {
            return Some(&self.msg);
        }
        let l = self.layout.as_ref()?;
        let (side, part) = kind.split_once('.')?;
        let req = matches!(l.start, StartLine::Request { .. });
        match side {
            "request" if req => {}
            "response" if !req => {}
            _ => return None,
        }
        let r = match part {
            "line" => 0..l.line_len,
            "headers" => l.line_len..l.line_len.saturating_add(l.headers_len),
            "body" if l.body_offset < self.msg.len() => l.body_offset..self.msg.len(),
            _ => return None,
        };
        self.msg.get(r)
    }
}

/// The frame names of Suricata 7's `SIPFrameType`.
pub const FRAMES: &[&str] = &[
    "pdu",
    "request.line",
    "response.line",
    "request.headers",
    "response.headers",
    "request.body",
    "response.body",
];

fn text(b: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(b)
}

/// EVE `sip` object (`rs_sip_log_json`).
impl serde::Serialize for SipRecord {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some((method, uri, version)) = self.request() {
            m.serialize_entry("method", &text(self.part(method)))?;
            m.serialize_entry("uri", &text(self.part(uri)))?;
            m.serialize_entry("version", &text(self.part(version)))?;
            if let Some(l) = self.line() {
                m.serialize_entry("request_line", &text(l))?;
            }
        }
        if let Some((version, code, reason)) = self.response() {
            m.serialize_entry("version", &text(self.part(version)))?;
            m.serialize_entry("code", &text(self.part(code)))?;
            m.serialize_entry("reason", &text(self.part(reason)))?;
            if let Some(l) = self.line() {
                m.serialize_entry("response_line", &text(l))?;
            }
        }
        m.end()
    }
}

/// The SIP/UDP parser of one flow.
#[derive(Debug, Default)]
pub struct SipParser {
    /// Transactions made so far (the next one's id).
    tx_count: u64,
    /// Also hand datagrams that did not parse to detection (a rule uses `frame:`).
    frames: bool,
}

impl SipParser {
    /// `frames`: datagrams that do not parse still get a record, for their `pdu` frame.
    pub fn new(frames: bool) -> Self {
        SipParser { tx_count: 0, frames }
    }
}

impl Parser for SipParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if data.is_empty() {
            return;
        }
        let to_server = dir == Direction::ToServer;
        let parsed = if to_server {
            parse_request(data)
        } else {
            parse_response(data)
        };
        let layout = parsed.ok();
        let tx_id = if layout.is_some() {
            let id = self.tx_count;
            self.tx_count = self.tx_count.saturating_add(1);
            Some(id)
        } else if self.frames {
            None
        } else {
            return;
        };
        let line = layout.as_ref().and_then(|_| take_line(data));
        cx.out.push(AppEvent {
            ts: cx.ts,
            dir,
            tx_id,
            record: Record::Sip(Box::new(SipRecord {
                msg: data.to_vec(),
                to_server,
                layout,
                line,
            })),
        });
    }
}
