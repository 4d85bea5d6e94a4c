//! SMTP: HELO/EHLO, MAIL FROM, RCPT TO, the DATA phase (skipped to the lone `.`), STARTTLS.
//!
//! Mirrors Suricata 7.0.10's `app-layer-smtp.c` transaction rules: a transaction starts with the
//! first command after the previous one was logged (RSET and QUIT do not start one after a
//! completed transaction that is still held); it completes at the end of the message (`.`),
//! on the 250 reply to RSET, or on the 220 reply to STARTTLS, after which the flow switches to
//! TLS. The client enters DATA mode on the server's 354 (or at once when the server announced
//! PIPELINING). `helo` belongs to the session and is logged with every transaction.
//!
//! Inspection buffers: [`SmtpRecord::helo`], [`SmtpRecord::mail_from`], [`SmtpRecord::rcpt_to`].

use crate::{AppEvent, AppProto, Cx, Parser, Record};
use flow::Direction;
use std::collections::VecDeque;

pub mod mime;

/// Longest command or reply line kept (Suricata's `SMTP_LINE_BUFFER_LIMIT`); longer lines are
/// cut and the rest of the line skipped.
pub const MAX_LINE: usize = 4096;
/// Recipients kept per transaction; more are counted in [`SmtpParser::rcpt_dropped`].
pub const MAX_RCPT: usize = 256;
/// Commands waiting for their reply.
const MAX_PENDING: usize = 64;

/// EVE `smtp` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SmtpRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub helo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mail_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rcpt_to: Vec<String>,
    /// App-layer events of the transaction (names of [`EVENTS`], each once), for
    /// `app-layer-event:smtp.NAME`. Not logged.
    #[serde(skip)]
    pub events: Vec<&'static str>,
    /// The message's attachments (MIME parts with a file name), decoded: the `file.name` and
    /// `file.data` buffers. Not logged here.
    #[serde(skip)]
    pub files: Vec<SmtpFile>,
}

/// One attachment of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmtpFile {
    /// The name from `Content-Disposition: ...; filename=` or `Content-Type: ...; name=`.
    pub name: Vec<u8>,
    /// The decoded content (base64 and quoted-printable decoded), at most
    /// [`mime::MAX_FILE_DATA`] bytes; empty unless file data is kept
    /// ([`crate::AppConfig::smtp_file_data`]).
    pub data: Vec<u8>,
    /// Bytes beyond [`mime::MAX_FILE_DATA`] not kept.
    pub truncated: u64,
}

/// The app-layer events of Suricata 7.0.10's `app-layer-smtp.c` (`smtp_decoder_event_table`)
/// that this parser raises, by rule name (`app-layer-event:smtp.NAME`).
pub const EVENTS: &[&str] = &[EV_MIME_LONG_BOUNDARY];

const EV_MIME_LONG_BOUNDARY: &str = "mime_long_boundary";
/// Suricata's `BOUNDARY_BUF`: a boundary longer than this minus 2 is a MIME anomaly.
const BOUNDARY_BUF: usize = 256;
/// Bytes of the message's `Content-Type` value kept (folded lines included).
const MAX_CTYPE: usize = 4096;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    StartTls,
    Data,
    /// The end of a message (`.`), answered like a command.
    DataEnd,
    Rset,
    Other,
}

#[derive(Debug, Default)]
struct Tx {
    id: u64,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
    is_data: bool,
    done: bool,
    /// The message's top-level headers are over (or MIME decoding stopped).
    mime_hdr_done: bool,
    /// The first `Content-Type` value of the message headers (bounded).
    ctype: Option<Vec<u8>>,
    /// The last header line was that `Content-Type` (a folded line continues it).
    in_ctype: bool,
    events: Vec<&'static str>,
    /// MIME decoding of the message (from its first line).
    mime: Option<mime::Mime>,
}

impl Tx {
    fn event(&mut self, name: &'static str) {
        if !self.events.contains(&name) {
            self.events.push(name);
        }
    }

    /// One line of the message (Suricata's `MimeDecParseLine`, reduced to the top-level
    /// headers' boundary check of `ProcessMimeHeaders`).
    fn mime_line(&mut self, line: &[u8]) {
        if self.mime_hdr_done {
            return;
        }
        if line.is_empty() {
            self.mime_headers_end();
            return;
        }
        if matches!(line.first(), Some(b' ' | b'\t')) {
            if self.in_ctype {
                if let Some(v) = self.ctype.as_mut() {
                    let room = MAX_CTYPE.saturating_sub(v.len());
                    v.extend_from_slice(&line[..line.len().min(room)]);
                }
            }
            return;
        }
        self.in_ctype = false;
        let Some(colon) = memchr::memchr(b':', line) else {
            return;
        };
        let (name, value) = line.split_at(colon);
        if self.ctype.is_none() && name.eq_ignore_ascii_case(b"content-type") {
            let value = value.get(1..).unwrap_or_default();
            let start = value
                .iter()
                .position(|&c| c != b' ' && c != b'\t')
                .unwrap_or(value.len());
            let v = &value[start..];
            self.ctype = Some(v[..v.len().min(MAX_CTYPE)].to_vec());
            self.in_ctype = true;
        }
    }

    fn mime_headers_end(&mut self) {
        self.mime_hdr_done = true;
        let long = self
            .ctype
            .as_deref()
            .and_then(|v| mime_header_token_len(v, b"boundary"))
            .is_some_and(|l| l > BOUNDARY_BUF - 2);
        if long {
            self.event(EV_MIME_LONG_BOUNDARY);
        }
    }
}

/// Length of the value of `token` in a MIME header value (see [`mime_header_token`]).
fn mime_header_token_len(header: &[u8], token: &[u8]) -> Option<usize> {
    mime_header_token(header, token).map(|v| v.len())
}

/// The value of `token` in a MIME header value (`; name=value` pairs, values quoted or up to
/// `;`; RFC 2231 sections `name*0`, `name*1`... concatenated), as Suricata's
/// `mime_find_header_token` finds it; `None` when absent.
fn mime_header_token(header: &[u8], token: &[u8]) -> Option<Vec<u8>> {
    let semi = memchr::memchr(b';', header)?;
    let mut input = header.get(semi + 1..).unwrap_or_default();
    // Later duplicates replace earlier ones, as in Suricata's map.
    let mut pairs: Vec<(&[u8], &[u8])> = Vec::new();
    while !input.is_empty() {
        let ws = input
            .iter()
            .position(|&c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(input.len());
        let rest = &input[ws..];
        let Some(eq) = memchr::memchr(b'=', rest) else {
            break;
        };
        let name = &rest[..eq];
        let after = &rest[eq + 1..];
        let (value, consumed) = if after.first() == Some(&b'"') {
            match memchr::memchr(b'"', &after[1..]) {
                Some(q) => (&after[1..1 + q], q + 2),
                None => match memchr::memchr(b';', after) {
                    Some(p) => (&after[..p], p),
                    None => (after, after.len()),
                },
            }
        } else {
            match memchr::memchr(b';', after) {
                Some(p) => (&after[..p], p),
                None => (after, after.len()),
            }
        };
        let mut next = &after[consumed..];
        if next.first() == Some(&b';') {
            next = &next[1..];
        }
        match pairs.iter_mut().find(|(n, _)| *n == name) {
            Some(p) => p.1 = value,
            None => pairs.push((name, value)),
        }
        if next.len() == input.len() {
            break;
        }
        input = next;
    }
    let get = |n: &[u8]| pairs.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    if let Some(v) = get(token) {
        return Some(v.to_vec());
    }
    let mut total = Vec::new();
    let mut i = 0usize;
    loop {
        let mut key = token.to_vec();
        key.extend_from_slice(format!("*{i}").as_bytes());
        match get(&key) {
            Some(v) => {
                let room = MAX_CTYPE.saturating_sub(total.len());
                total.extend_from_slice(&v[..v.len().min(room)]);
            }
            None if i == 0 => return None,
            None => return Some(total),
        }
        i += 1;
    }
}

#[derive(Debug, Default)]
struct Lines {
    buf: Vec<u8>,
    skipping: bool,
}

impl Lines {
    fn feed(&mut self, mut data: &[u8], f: &mut dyn FnMut(&[u8])) {
        while !data.is_empty() {
            let nl = memchr::memchr(b'\n', data);
            match nl {
                Some(p) => {
                    let part = &data[..p];
                    data = &data[p + 1..];
                    if self.skipping {
                        self.skipping = false;
                        continue;
                    }
                    if self.buf.is_empty() {
                        f(part.strip_suffix(b"\r").unwrap_or(part));
                    } else {
                        let room = MAX_LINE.saturating_sub(self.buf.len());
                        self.buf.extend_from_slice(&part[..part.len().min(room)]);
                        let line = std::mem::take(&mut self.buf);
                        f(line.strip_suffix(b"\r").unwrap_or(&line));
                    }
                }
                None => {
                    if self.skipping {
                        return;
                    }
                    let room = MAX_LINE.saturating_sub(self.buf.len());
                    self.buf.extend_from_slice(&data[..data.len().min(room)]);
                    data = &[];
                    if self.buf.len() >= MAX_LINE {
                        let line = std::mem::take(&mut self.buf);
                        f(&line);
                        self.skipping = true;
                    }
                }
            }
        }
    }
}

/// Per-flow SMTP parser.
#[derive(Debug, Default)]
pub struct SmtpParser {
    lines: [Lines; 2],
    helo: Option<String>,
    tx: Option<Tx>,
    next_id: u64,
    pending: VecDeque<Cmd>,
    data_mode: bool,
    pipelining: bool,
    multiline: bool,
    first_reply_seen: bool,
    tls: bool,
    upgrade_asked: bool,
    /// Recipients beyond [`MAX_RCPT`].
    pub rcpt_dropped: u64,
    /// Anomalies (unmatched replies, invalid reply codes, too many pending commands).
    pub events: u32,
    /// Keep the decoded content of attachments (`file.data`), not only their names.
    keep_file_data: bool,
    /// The MIME decoder of a message already emitted asked for raw inspection
    /// ([`mime::Mime::raw_trigger`]).
    raw_trigger: bool,
}

fn starts_ci(line: &[u8], p: &[u8]) -> bool {
    line.len() >= p.len() && line[..p.len()].eq_ignore_ascii_case(p)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Argument after a `MAIL FROM`/`RCPT TO` prefix: skip `:` and spaces, keep the rest.
fn path_arg(rest: &[u8]) -> &[u8] {
    let rest = rest.strip_prefix(b":").unwrap_or(rest);
    let start = rest.iter().position(|&c| c != b' ').unwrap_or(rest.len());
    let rest = &rest[start..];
    let end = rest.iter().rposition(|&c| c != b' ').map(|p| p + 1).unwrap_or(0);
    &rest[..end]
}

impl SmtpParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// A parser that keeps the decoded content of attachments (a rule inspects `file.data`).
    pub fn with_file_data(keep: bool) -> Self {
        SmtpParser {
            keep_file_data: keep,
            ..Self::default()
        }
    }

    /// The session's HELO/EHLO argument.
    pub fn helo(&self) -> Option<&str> {
        self.helo.as_deref()
    }

    fn request(&mut self, line: &[u8]) {
        let no_new = !self.data_mode && (starts_ci(line, b"rset") || starts_ci(line, b"quit"));
        let need_new = match &self.tx {
            None => true,
            Some(t) => t.done && !no_new,
        };
        if need_new {
            let id = self.next_id;
            self.next_id += 1;
            self.tx = Some(Tx {
                id,
                ..Default::default()
            });
        }
        let Some(tx) = self.tx.as_mut() else { return };
        if self.data_mode {
            if line == b"." {
                self.data_mode = false;
                tx.done = true;
                self.push_cmd(Cmd::DataEnd);
            } else if tx.is_data {
                tx.mime_line(line);
                let keep = self.keep_file_data;
                tx.mime.get_or_insert_with(|| mime::Mime::new(keep)).line(line);
            }
            return;
        }
        let cmd = if starts_ci(line, b"starttls") {
            Cmd::StartTls
        } else if starts_ci(line, b"data") {
            if tx.is_data {
                self.events += 1;
                return;
            }
            tx.is_data = true;
            if self.pipelining {
                self.data_mode = true;
            }
            Cmd::Data
        } else if starts_ci(line, b"helo") || starts_ci(line, b"ehlo") {
            let arg = line.get(4..).unwrap_or_default();
            let start = arg.iter().position(|&c| c != b' ').unwrap_or(arg.len());
            self.helo = Some(text(&arg[start..]));
            Cmd::Other
        } else if starts_ci(line, b"mail from") {
            tx.mail_from = Some(text(path_arg(&line[9..])));
            Cmd::Other
        } else if starts_ci(line, b"rcpt to") {
            if tx.rcpt_to.len() < MAX_RCPT {
                tx.rcpt_to.push(text(path_arg(&line[7..])));
            } else {
                self.rcpt_dropped += 1;
            }
            Cmd::Other
        } else if starts_ci(line, b"rset") {
            Cmd::Rset
        } else {
            Cmd::Other
        };
        self.push_cmd(cmd);
    }

    fn push_cmd(&mut self, cmd: Cmd) {
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
            self.events += 1;
        }
        self.pending.push_back(cmd);
    }

    fn reply(&mut self, line: &[u8]) {
        if line.len() < 3 || !line[..3].iter().all(u8::is_ascii_digit) {
            self.events += 1;
            return;
        }
        let code = &line[..3];
        if line.len() >= 4 {
            if self.multiline {
                if line[3] != b'-' {
                    self.multiline = false;
                }
            } else if line[3] == b'-' {
                self.multiline = true;
            }
        } else {
            self.multiline = false;
        }
        if !self.first_reply_seen && self.pending.is_empty() {
            if !self.multiline {
                self.first_reply_seen = true;
            }
            return;
        }
        let Some(&cmd) = self.pending.front() else {
            return;
        };
        match cmd {
            Cmd::StartTls if code == b"220" => {
                self.data_mode = true;
                self.tls = true;
                if let Some(tx) = self.tx.as_mut() {
                    tx.done = true;
                }
            }
            Cmd::Data if code == b"354" => self.data_mode = true,
            Cmd::Data => {
                if self.pipelining {
                    self.data_mode = false;
                }
                self.events += 1;
            }
            Cmd::Rset if code == b"250" && !self.multiline => {
                if let Some(tx) = self.tx.as_mut() {
                    tx.done = true;
                }
            }
            _ => {}
        }
        if !self.multiline {
            self.pending.pop_front();
        } else if code == b"250" && line.len() == 14 && line[4..].eq_ignore_ascii_case(b"pipelining") {
            self.pipelining = true;
        }
    }

    fn emit(&mut self, cx: &mut Cx<'_>, all: bool) {
        let ready = self.tx.as_ref().is_some_and(|t| t.done || all);
        if !ready {
            return;
        }
        if let Some(mut tx) = self.tx.take() {
            let files = match tx.mime.take() {
                Some(mut m) => {
                    let files = m.finish();
                    self.raw_trigger |= m.raw_trigger;
                    files
                }
                None => Vec::new(),
            };
            let rec = SmtpRecord {
                helo: self.helo.clone(),
                mail_from: tx.mail_from,
                rcpt_to: tx.rcpt_to,
                events: tx.events,
                files,
            };
            cx.out.push(AppEvent {
                ts: cx.ts,
                dir: Direction::ToServer,
                tx_id: Some(tx.id),
                record: Record::Smtp(Box::new(rec)),
            });
        }
    }
}

impl Parser for SmtpParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.tls {
            return;
        }
        let mut lines = std::mem::take(&mut self.lines[dir.index()]);
        match dir {
            Direction::ToServer => lines.feed(data, &mut |l| {
                if !self.tls {
                    self.request(l)
                }
            }),
            Direction::ToClient => lines.feed(data, &mut |l| {
                if !self.tls {
                    self.reply(l)
                }
            }),
        }
        self.lines[dir.index()] = lines;
        self.emit(cx, false);
    }

    fn on_gap(&mut self, dir: Direction, _len: u32, _cx: &mut Cx<'_>) {
        self.lines[dir.index()] = Lines {
            buf: Vec::new(),
            skipping: true,
        };
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        self.emit(cx, true);
    }

    fn take_raw_trigger(&mut self) -> [bool; 2] {
        let open = self
            .tx
            .as_mut()
            .and_then(|t| t.mime.as_mut())
            .is_some_and(|m| std::mem::take(&mut m.raw_trigger));
        let emitted = std::mem::take(&mut self.raw_trigger);
        [open || emitted, false]
    }

    fn upgrade(&mut self) -> Option<AppProto> {
        if self.tls && !self.upgrade_asked {
            self.upgrade_asked = true;
            return Some(AppProto::Tls);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests_util::Harness;

    fn json(e: &AppEvent) -> String {
        match &e.record {
            Record::Smtp(r) => serde_json::to_string(&**r).unwrap(),
            other => panic!("not smtp: {other:?}"),
        }
    }

    const SERVER: &[&[u8]] = &[
        b"220-mx ESMTP\r\n220 welcome\r\n",
        b"250-mx Hello GP\r\n250-SIZE 52428800\r\n250 HELP\r\n",
        b"250 OK\r\n",
        b"250 Accepted\r\n",
        b"354 Enter message\r\n",
        b"250 OK id=1\r\n",
        b"221 bye\r\n",
    ];
    const CLIENT: &[&[u8]] = &[
        b"EHLO GP\r\n",
        b"MAIL FROM: <a@b.in>\r\n",
        b"RCPT TO: <c@d.in>\r\n",
        b"DATA\r\n",
        b"From: a\r\nTo: c\r\n\r\nMAIL FROM: <evil>\r\n..dot\r\n.\r\n",
        b"QUIT\r\n",
    ];

    fn run(split: usize) -> Vec<String> {
        let mut h = Harness::new();
        let mut p = SmtpParser::new();
        let feed = |h: &mut Harness, p: &mut SmtpParser, d: Direction, b: &[u8]| {
            let cut = split.min(b.len());
            h.feed(p, d, &b[..cut]);
            h.feed(p, d, &b[cut..]);
        };
        feed(&mut h, &mut p, Direction::ToClient, SERVER[0]);
        for (c, s) in CLIENT.iter().zip(&SERVER[1..]) {
            feed(&mut h, &mut p, Direction::ToServer, c);
            feed(&mut h, &mut p, Direction::ToClient, s);
        }
        h.close(&mut p);
        h.out.iter().map(json).collect()
    }

    #[test]
    fn session_like_suricata() {
        let out = run(0);
        assert_eq!(
            out,
            vec![
                r#"{"helo":"GP","mail_from":"<a@b.in>","rcpt_to":["<c@d.in>"]}"#.to_string(),
                r#"{"helo":"GP"}"#.to_string(),
            ]
        );
    }

    /// bug-1449-01's message: a top-level boundary of 447 bytes.
    fn long_boundary_session(boundary_len: usize) -> Vec<Vec<&'static str>> {
        let mut h = Harness::new();
        let mut p = SmtpParser::new();
        let mut msg = b"Content-Type: multipart/mixed;\r\n boundary=\"".to_vec();
        msg.extend(std::iter::repeat_n(b'A', boundary_len));
        msg.extend_from_slice(b"\"\r\n\r\npreamble\r\n--boundary\r\n\r\ntext\r\n.\r\n");
        h.feed(&mut p, Direction::ToClient, b"220 bug.server\r\n");
        h.feed(&mut p, Direction::ToServer, b"EHLO bug.client\r\n");
        h.feed(&mut p, Direction::ToClient, b"250 OK\r\n");
        h.feed(&mut p, Direction::ToServer, b"DATA\r\n");
        h.feed(&mut p, Direction::ToClient, b"354 OK\r\n");
        h.feed(&mut p, Direction::ToServer, &msg);
        h.feed(&mut p, Direction::ToClient, b"250 OK\r\n");
        h.close(&mut p);
        h.out
            .iter()
            .map(|e| match &e.record {
                Record::Smtp(r) => r.events.clone(),
                other => panic!("not smtp: {other:?}"),
            })
            .collect()
    }

    #[test]
    fn long_mime_boundary_event() {
        assert_eq!(long_boundary_session(447), vec![vec!["mime_long_boundary"]]);
        // Suricata's limit: BOUNDARY_BUF - 2 = 254 bytes are fine, 255 are not.
        assert_eq!(long_boundary_session(254), vec![Vec::<&str>::new()]);
        assert_eq!(long_boundary_session(255), vec![vec!["mime_long_boundary"]]);
        // The event is not logged.
        let r = SmtpRecord {
            events: vec![EV_MIME_LONG_BOUNDARY],
            ..Default::default()
        };
        assert_eq!(serde_json::to_string(&r).unwrap(), "{}");
    }

    #[test]
    fn header_token_like_suricata() {
        assert_eq!(
            mime_header_token_len(b"multipart/mixed; boundary=abc", b"boundary"),
            Some(3)
        );
        assert_eq!(
            mime_header_token_len(b"multipart/mixed; boundary=\"a;b\"", b"boundary"),
            Some(3)
        );
        assert_eq!(
            mime_header_token_len(b"m; a=1; boundary=xy; c=2", b"boundary"),
            Some(2)
        );
        // RFC 2231 sections are concatenated.
        assert_eq!(
            mime_header_token_len(b"m; boundary*0=ab; boundary*1=cde", b"boundary"),
            Some(5)
        );
        // No parameters, no `=`, or another token: absent.
        assert_eq!(mime_header_token_len(b"multipart/mixed", b"boundary"), None);
        assert_eq!(mime_header_token_len(b"m; boundary", b"boundary"), None);
        assert_eq!(mime_header_token_len(b"m; charset=x", b"boundary"), None);
        // Unclosed quote: the value runs to the end, quote included.
        assert_eq!(mime_header_token_len(b"m; boundary=\"abc", b"boundary"), Some(4));
    }

    #[test]
    fn split_at_every_byte() {
        let whole = run(0);
        for cut in 1..60 {
            assert_eq!(run(cut), whole, "cut {cut}");
        }
    }

    #[test]
    fn starttls_stops_and_upgrades() {
        let mut h = Harness::new();
        let mut p = SmtpParser::new();
        h.feed(&mut p, Direction::ToClient, b"220 hi\r\n");
        h.feed(&mut p, Direction::ToServer, b"EHLO x\r\nSTARTTLS\r\n");
        assert_eq!(p.upgrade(), None);
        h.feed(&mut p, Direction::ToClient, b"250 hello\r\n220 go ahead\r\n");
        assert_eq!(p.upgrade(), Some(AppProto::Tls));
        assert_eq!(p.upgrade(), None);
        h.feed(&mut p, Direction::ToServer, b"\x16\x03\x01\x00\x05hello\r\n");
        h.close(&mut p);
        assert_eq!(
            h.out.iter().map(json).collect::<Vec<_>>(),
            vec![r#"{"helo":"x"}"#.to_string()]
        );
    }

    #[test]
    fn rset_completes_and_garbage_is_harmless() {
        let mut h = Harness::new();
        let mut p = SmtpParser::new();
        h.feed(&mut p, Direction::ToClient, b"220 hi\r\n");
        h.feed(
            &mut p,
            Direction::ToServer,
            b"HELO a\r\nMAIL FROM:<x@y>\r\nRSET\r\n",
        );
        h.feed(&mut p, Direction::ToClient, b"250 a\r\n250 b\r\n250 c\r\n");
        assert_eq!(h.out.len(), 1);
        assert_eq!(json(&h.out[0]), r#"{"helo":"a","mail_from":"<x@y>"}"#);
        h.feed(&mut p, Direction::ToClient, b"\xff\xfe\r\nxx\r\n");
        let long = vec![b'A'; 10_000];
        h.feed(&mut p, Direction::ToServer, &long);
        h.feed(&mut p, Direction::ToServer, b"\r\n");
        assert!(p.events >= 2);
    }
}
