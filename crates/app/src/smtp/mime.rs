//! The MIME decoder of an SMTP message: finds the attachments and decodes their content, as
//! Suricata 7.0.10's `util-decode-mime.c` does for `SMTPProcessDataChunk`.
//!
//! Line driven (the DATA lines, delimiter removed; SMTP lines end in CRLF, so CRLF is what a
//! kept line end is). Entities sit on a stack: a `Content-Type` with a `boundary` starts
//! children, `message/...` an encapsulated message; `--boundary` lines of the nearest entity
//! defining one open a sibling or child, `--boundary--` closes. An entity whose
//! `Content-Disposition` has a `filename`, or whose `Content-Type` has a `name`, is an
//! attachment: a file whose data is its body, base64 (RFC 2045: other characters skipped) or
//! quoted-printable decoded when `Content-Transfer-Encoding` says so, plain text otherwise
//! (lines joined by CRLF, the line end before the closing boundary left out). Bounded: at
//! most [`MAX_FILES`] files per message and [`MAX_FILE_DATA`] bytes kept per file, header
//! values cut at [`MAX_HDR_VALUE`], entities nested [`MAX_DEPTH`] deep (deeper stops the
//! decoding, as a parse error stops Suricata's).

use super::SmtpFile;

/// Decoded bytes kept per file.
pub const MAX_FILE_DATA: usize = 1 << 20;
/// Files kept per message.
pub const MAX_FILES: usize = 64;
/// Nesting depth of entities.
pub const MAX_DEPTH: usize = 32;
/// Bytes of a header value kept (Suricata's default `header-value-depth`).
pub const MAX_HDR_VALUE: usize = 2000;
/// Suricata's default `app-layer.protocols.smtp.inspected-tracker.content-inspect-min-size`:
/// an attachment this big (decoded) asks for raw stream inspection with each new piece.
pub const CONTENT_INSPECT_MIN_SIZE: u64 = 32_768;
/// Suricata's `BOUNDARY_BUF`: a longer boundary is a parse error.
const BOUNDARY_BUF: usize = 256;
/// Suricata's `RS_MIME_MAX_TOKEN_LEN`: longer file names are cut.
const MAX_TOKEN: usize = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum St {
    HeaderReady,
    HeaderStarted,
    HeaderDone,
    BodyStarted,
    BodyEndBound,
    Failed,
}

#[derive(Debug, Default)]
struct Node {
    /// The boundary this entity defines for its children.
    bdef: Option<Vec<u8>>,
    is_encap: bool,
    base64: bool,
    qp: bool,
    /// Index in [`Mime::files`] when the entity is an attachment.
    file: Option<usize>,
    /// Decoded bytes of the attachment so far (kept or not).
    decoded: u64,
    /// `Content-Type`, `Content-Transfer-Encoding`, `Content-Disposition` values.
    ctype: Option<Vec<u8>>,
    cte: Option<Vec<u8>>,
    cdisp: Option<Vec<u8>>,
}

/// MIME decoding state of one message.
#[derive(Debug)]
pub struct Mime {
    stack: Vec<Node>,
    st: St,
    found_child: bool,
    hname: Vec<u8>,
    hval: Vec<u8>,
    /// Base64 characters not yet decoded (less than a quad).
    b64: Vec<u8>,
    /// Plain text: the previous line's end is written before the next line's data.
    held_eol: bool,
    keep_data: bool,
    pub files: Vec<SmtpFile>,
    /// Attachments beyond [`MAX_FILES`].
    pub files_dropped: u64,
    /// An attachment ended, or grew past [`CONTENT_INSPECT_MIN_SIZE`], since the parser last
    /// took this: `SMTPProcessDataChunk` triggers raw stream inspection (to server) then.
    pub raw_trigger: bool,
}

impl Mime {
    /// A decoder for one message; `keep_data` keeps the decoded content of attachments
    /// (only their names otherwise).
    pub fn new(keep_data: bool) -> Self {
        Mime {
            stack: vec![Node::default()],
            st: St::HeaderReady,
            found_child: false,
            hname: Vec::new(),
            hval: Vec::new(),
            b64: Vec::new(),
            held_eol: false,
            keep_data,
            files: Vec::new(),
            files_dropped: 0,
            raw_trigger: false,
        }
    }

    /// One line of the message, without its line end.
    pub fn line(&mut self, line: &[u8]) {
        match self.st {
            St::Failed => {}
            St::HeaderReady | St::HeaderStarted => self.headers(line),
            _ => self.body(line),
        }
    }

    /// The end of the message (`.`): the open body is complete.
    pub fn finish(&mut self) -> Vec<SmtpFile> {
        if matches!(self.st, St::BodyStarted | St::HeaderDone) {
            self.body_complete();
        }
        self.st = St::Failed;
        std::mem::take(&mut self.files)
    }

    fn fail(&mut self) {
        self.st = St::Failed;
    }

    fn top(&mut self) -> Option<&mut Node> {
        self.stack.last_mut()
    }

    /// Suricata's `FindMimeHeader` + the `HEADER_DONE` step of `ProcessMimeHeaders`.
    fn headers(&mut self, line: &[u8]) {
        if let Some(colon) = header_start(line) {
            if self.st == St::HeaderStarted {
                self.store_header();
            }
            self.hname = line.get(..colon).unwrap_or_default().to_vec();
            let v = line.get(colon + 1..).unwrap_or_default();
            let start = v.iter().position(|&c| c != b' ').unwrap_or(v.len());
            let v = v.get(start..).unwrap_or_default();
            self.hval = v.get(..v.len().min(MAX_HDR_VALUE)).unwrap_or_default().to_vec();
            self.st = St::HeaderStarted;
        } else if line.is_empty() {
            if self.st == St::HeaderStarted {
                self.store_header();
            }
            self.st = St::HeaderDone;
            self.headers_done();
        } else if self.st == St::HeaderStarted {
            let room = MAX_HDR_VALUE.saturating_sub(self.hval.len());
            self.hval
                .extend_from_slice(line.get(..line.len().min(room)).unwrap_or_default());
        } else {
            // A body without headers.
            self.st = St::BodyStarted;
            self.body_line(line);
        }
    }

    fn store_header(&mut self) {
        let name = std::mem::take(&mut self.hname);
        let value = std::mem::take(&mut self.hval);
        let Some(top) = self.top() else { return };
        // The first of each kept header counts (Suricata's `MimeDecFindField`).
        let slot = if name.eq_ignore_ascii_case(b"content-type") {
            &mut top.ctype
        } else if name.eq_ignore_ascii_case(b"content-transfer-encoding") {
            &mut top.cte
        } else if name.eq_ignore_ascii_case(b"content-disposition") {
            &mut top.cdisp
        } else {
            return;
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }

    fn headers_done(&mut self) {
        let Some(top) = self.stack.last_mut() else {
            return self.fail();
        };
        if let Some(cte) = &top.cte {
            if find_ci(cte, b"base64") {
                top.base64 = true;
            } else if find_ci(cte, b"quoted-printable") {
                top.qp = true;
            }
        }
        let mut name = top
            .cdisp
            .as_deref()
            .and_then(|d| super::mime_header_token(d, b"filename"));
        let mut encap = false;
        if let Some(ct) = top.ctype.clone() {
            if let Some(b) = super::mime_header_token(&ct, b"boundary") {
                self.found_child = true;
                if b.len() > BOUNDARY_BUF - 2 {
                    return self.fail();
                }
                if let Some(top) = self.stack.last_mut() {
                    top.bdef = Some(b);
                }
            }
            if name.is_none() {
                name = super::mime_header_token(&ct, b"name");
            }
            let end = ct
                .iter()
                .position(|c| matches!(c, b' ' | b'\r' | b'\n' | b';'))
                .unwrap_or(ct.len());
            let short = ct.get(..end).unwrap_or_default();
            encap = find_ci(short, b"message/");
        }
        if let Some(mut n) = name {
            n.truncate(MAX_TOKEN);
            let file = if self.files.len() < MAX_FILES {
                self.files.push(SmtpFile {
                    name: n,
                    ..Default::default()
                });
                Some(self.files.len() - 1)
            } else {
                self.files_dropped = self.files_dropped.saturating_add(1);
                None
            };
            if let Some(top) = self.stack.last_mut() {
                top.file = file;
            }
        }
        if encap {
            if self.stack.len() >= MAX_DEPTH {
                return self.fail();
            }
            self.stack.push(Node {
                is_encap: true,
                ..Default::default()
            });
            self.st = St::HeaderReady;
        }
    }

    /// Suricata's `ProcessMimeBody`.
    fn body(&mut self, line: &[u8]) {
        if line.is_empty() {
            if self.st == St::BodyEndBound {
                return;
            }
            if self.st == St::HeaderDone && self.stack.last().is_some_and(|n| n.base64) {
                return;
            }
        }
        let skip_top = self.st == St::BodyEndBound || self.stack.last().is_some_and(|n| n.bdef.is_none());
        let n = self.stack.len();
        let from = if skip_top { n.saturating_sub(1) } else { n };
        let bdef = self
            .stack
            .get(..from)
            .unwrap_or_default()
            .iter()
            .rev()
            .find_map(|x| x.bdef.clone());
        let Some(bdef) = bdef else {
            self.st = St::BodyStarted;
            return self.body_line(line);
        };
        if line.starts_with(b"--") {
            let mut want = Vec::with_capacity(bdef.len() + 2);
            want.extend_from_slice(b"--");
            want.extend_from_slice(&bdef);
            if memchr::memmem::find(line, &want).is_some() {
                return self.boundary(line, bdef.len());
            }
        }
        self.st = St::BodyStarted;
        self.body_line(line);
    }

    /// Suricata's `ProcessMimeBoundary`.
    fn boundary(&mut self, line: &[u8], bdef_len: usize) {
        if self.st != St::BodyEndBound {
            self.body_complete();
        } else {
            self.st = St::HeaderReady;
        }
        let rest = line.get(bdef_len + 2..).unwrap_or_default();
        let top_encap_nobound = self.stack.last().is_some_and(|n| n.is_encap && n.bdef.is_none());
        if top_encap_nobound {
            let parent_nobound = match self.stack.len().checked_sub(2).and_then(|i| self.stack.get(i)) {
                Some(p) => p.bdef.is_none(),
                None => return self.fail(),
            };
            if parent_nobound {
                self.stack.pop();
            }
        }
        if rest.starts_with(b"--") {
            self.stack.pop();
            if self.stack.is_empty() {
                return self.fail();
            }
            if self.stack.last().is_some_and(|n| n.is_encap && n.bdef.is_some()) {
                self.stack.pop();
                if self.stack.is_empty() {
                    return self.fail();
                }
            }
            self.st = St::BodyEndBound;
        } else if self.found_child {
            if self.stack.len() >= MAX_DEPTH {
                return self.fail();
            }
            self.stack.push(Node::default());
            self.found_child = false;
        } else {
            if self.stack.len() < 2 {
                return self.fail();
            }
            self.stack.pop();
            self.stack.push(Node::default());
        }
        if self.st != St::BodyEndBound {
            self.st = St::HeaderReady;
        }
    }

    /// Suricata's `ProcessBodyComplete`: base64 left over decoded, the plain text's last line
    /// end dropped.
    fn body_complete(&mut self) {
        if !self.b64.is_empty() {
            let rest = std::mem::take(&mut self.b64);
            let mut out = [0u8; 3];
            let n = decode_quad(&rest, &mut out);
            self.data(out.get(..n).unwrap_or_default());
        }
        self.held_eol = false;
        if self.stack.last().is_some_and(|n| n.file.is_some()) {
            // The attachment's body ends (`body_end`).
            self.raw_trigger = true;
        }
    }

    /// Suricata's `ProcessBodyLine`.
    fn body_line(&mut self, line: &[u8]) {
        let Some(top) = self.stack.last() else { return };
        if top.base64 {
            let mut out = [0u8; 3];
            for &c in line {
                if !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=')) {
                    continue;
                }
                self.b64.push(c);
                if self.b64.len() == 4 {
                    let n = decode_quad(&self.b64, &mut out);
                    self.b64.clear();
                    self.data(out.get(..n).unwrap_or_default());
                }
            }
        } else if top.qp {
            if std::mem::take(&mut self.held_eol) {
                self.data(b"\r\n");
            }
            if line.is_empty() {
                self.held_eol = true;
                return;
            }
            let mut i = 0usize;
            let len = line.len();
            while let Some(&c) = line.get(i) {
                let remaining = len - i;
                if c != b'=' {
                    self.data(&[c]);
                    if remaining == 1 {
                        self.data(b"\r\n");
                    }
                    i += 1;
                    continue;
                }
                if remaining < 3 {
                    // A soft line break (`=` last), or an invalid escape: the `=` is dropped.
                    i += 1;
                    continue;
                }
                let hi = line.get(i + 1).copied().and_then(qp_hex);
                let lo = line.get(i + 2).copied().and_then(qp_hex);
                match (hi, lo) {
                    (Some(h), Some(l)) => {
                        self.data(&[(h << 4) | l]);
                        if remaining == 3 {
                            self.data(b"\r\n");
                        }
                        i += 3;
                    }
                    _ => i += 1,
                }
            }
        } else {
            if std::mem::take(&mut self.held_eol) {
                self.data(b"\r\n");
            }
            self.data(line);
            self.held_eol = true;
        }
    }

    /// Decoded body data of the top entity.
    fn data(&mut self, d: &[u8]) {
        if d.is_empty() {
            return;
        }
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        let Some(i) = top.file else {
            return;
        };
        top.decoded = top.decoded.saturating_add(d.len() as u64);
        if top.decoded >= CONTENT_INSPECT_MIN_SIZE {
            self.raw_trigger = true;
        }
        let Some(f) = self.files.get_mut(i) else { return };
        if !self.keep_data {
            return;
        }
        let room = MAX_FILE_DATA.saturating_sub(f.data.len());
        let take = room.min(d.len());
        f.data.extend_from_slice(d.get(..take).unwrap_or_default());
        f.truncated = f.truncated.saturating_add((d.len() - take) as u64);
    }
}

/// Position of the `:` when the line starts a header (`Name: value`, a name of printable
/// characters without spaces).
fn header_start(line: &[u8]) -> Option<usize> {
    let colon = memchr::memchr(b':', line)?;
    let name = line.get(..colon)?;
    (!name.is_empty() && name.iter().all(|c| c.is_ascii_graphic())).then_some(colon)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Suricata's `DecodeQPChar`: upper-case hex only.
fn qp_hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn b64_val(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Decodes up to 4 base64 characters (a short or padded quad gives fewer bytes); returns the
/// byte count written to `out`.
fn decode_quad(q: &[u8], out: &mut [u8; 3]) -> usize {
    let mut acc = 0u32;
    let mut n = 0usize;
    for &c in q.iter().take(4) {
        let Some(v) = b64_val(c) else { break };
        acc = (acc << 6) | v;
        n += 1;
    }
    let bytes = match n {
        4 => 3,
        3 => 2,
        2 => 1,
        _ => 0,
    };
    acc <<= 6 * (4 - n as u32);
    let b = acc.to_be_bytes();
    out.copy_from_slice(b.get(1..4).unwrap_or(&[0, 0, 0]));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(msg: &str) -> Vec<SmtpFile> {
        let mut m = Mime::new(true);
        for l in msg.split("\r\n") {
            m.line(l.as_bytes());
        }
        m.finish()
    }

    #[test]
    fn multipart_plain_attachment() {
        let f = run("Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nbody text\r\n--XX\r\nContent-Type: text/plain; name=\"J.txt\"\r\nContent-Disposition: attachment; filename=\"J.txt\"\r\n\r\nif was\r\nline two\r\n--XX--\r\n");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name, b"J.txt");
        assert_eq!(f[0].data, b"if was\r\nline two");
    }

    #[test]
    fn base64_and_qp_attachments() {
        let f = run("Content-Type: multipart/mixed; boundary=b1\r\n\r\npreamble\r\n--b1\r\nContent-Type: application/octet-stream; name=a.bin\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8g\r\nd29y bGQ=\r\n--b1\r\nContent-Disposition: attachment;\r\n filename=\"q.txt\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3Db=\r\nc\r\n=4x\r\n--b1--\r\n");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].name, b"a.bin");
        assert_eq!(f[0].data, b"hello world");
        assert_eq!(f[1].name, b"q.txt");
        assert_eq!(f[1].data, b"a=bc\r\n4x\r\n");
    }

    #[test]
    fn base64_remainder_is_decoded_at_the_end() {
        let f = run("Content-Type: text/plain; name=r\r\nContent-Transfer-Encoding: base64\r\n\r\naGk\r\n");
        assert_eq!(f[0].data, b"hi");
    }

    #[test]
    fn no_attachment_no_file_and_names_without_data() {
        assert!(run("Subject: x\r\n\r\nhello\r\n").is_empty());
        let mut m = Mime::new(false);
        for l in ["Content-Type: text/plain; name=n.txt", "", "data"] {
            m.line(l.as_bytes());
        }
        let f = m.finish();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].name, b"n.txt");
        assert!(f[0].data.is_empty());
    }

    #[test]
    fn malformed_input_stops_without_panicking() {
        // A closing boundary with nothing open, a long boundary, garbage base64.
        assert!(run("--x--\r\n\r\n--x\r\n").is_empty());
        let long = format!(
            "Content-Type: multipart/mixed; boundary={}\r\n\r\n--",
            "b".repeat(300)
        );
        assert!(run(&long).is_empty());
        let f = run("Content-Type: a; name=z\r\nContent-Transfer-Encoding: base64\r\n\r\n!!==@@A\r\n");
        assert_eq!(f[0].data, b"");
        let mut out = [0u8; 3];
        assert_eq!(decode_quad(b"", &mut out), 0);
        assert_eq!(decode_quad(b"QQ==", &mut out), 1);
        assert_eq!(out[0], b'A');
    }

    #[test]
    fn data_is_capped() {
        let mut m = Mime::new(true);
        m.line(b"Content-Type: text/plain; name=big");
        m.line(b"");
        let chunk = vec![b'a'; 4000];
        for _ in 0..300 {
            m.line(&chunk);
        }
        let f = m.finish();
        assert_eq!(f[0].data.len(), MAX_FILE_DATA);
        assert_eq!(f[0].truncated, 300 * 4002 - 2 - MAX_FILE_DATA as u64);
    }
}
