//! FTP control connections (commands, replies, passive/active data ports) and FTP data
//! connections (the file they carry).
//!
//! Mirrors Suricata 7.0.10's `app-layer-ftp.c`: a transaction per known command (the command
//! table below; unknown commands make none), completed by its first non-preliminary reply line
//! (`1yz ` keeps it open); reply lines with no open transaction make a command-less one (the
//! `220` banner). Each reply line is one entry of `reply` (its code in `completion_code`).
//! Transactions are logged once complete, at the end of the chunk that completed them, and the
//! rest at flow end with `reply_received: "no"`. RETR/STOR after PASV/EPSV/PORT/EPRT register
//! an expectation for the data connection (see [`crate::Expectations`]).
//!
//! Inspection buffers: [`FtpRecord::command`], [`FtpRecord::command_data`]; login outcome in
//! [`FtpRecord::user`] / [`FtpRecord::login`] (for brute-force detection, not logged).

use crate::{AppEvent, AppProto, Cx, FileInfo, FtpTransfer, Parser, Record};
use flow::Direction;
use std::collections::VecDeque;

/// Longest line kept (Suricata's `ftp_max_line_len`); longer lines are truncated.
pub const MAX_LINE: usize = 4096;
/// Open transactions kept per flow (Suricata's `ftp_config_maxtx`); older ones are logged.
pub const MAX_TX: usize = 1024;
/// Longest file name kept from RETR/STOR (Suricata's `SC_FILENAME_MAX` - 1).
const MAX_FILENAME: usize = 511;

/// Suricata's FTP command table (order matters for ties).
const COMMANDS: &[&str] = &[
    "PORT", "EPRT", "AUTH TLS", "PASV", "RETR", "EPSV", "STOR", "ABOR", "ACCT", "ALLO", "APPE", "CDUP",
    "CHMOD", "CWD", "DELE", "HELP", "IDLE", "LIST", "MAIL", "MDTM", "MKD", "MLFL", "MODE", "MRCP", "MRSQ",
    "MSAM", "MSND", "MSOM", "NLST", "NOOP", "PASS", "PWD", "QUIT", "REIN", "REST", "RMD", "RNFR", "RNTO",
    "SITE", "SIZE", "SMNT", "STAT", "STOU", "STRU", "SYST", "TYPE", "UMASK", "USER",
];

/// EVE `ftp` object: one command and its replies.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FtpRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_truncated: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub completion_code: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reply: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_port: Option<u16>,
    /// "active" / "passive" for PORT and EPRT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<&'static str>,
    pub reply_received: &'static str,
    pub reply_truncated: bool,
    /// The user name in effect (USER's argument, also on the PASS that follows it).
    #[serde(skip)]
    pub user: Option<String>,
    /// For PASS: `Some(true)` on a 2xx reply (230), `Some(false)` on a 5xx reply (530).
    #[serde(skip)]
    pub login: Option<bool>,
    /// The connection's state when the record was handed to detection, for `ftpbounce`: set
    /// when the last command parsed was PORT (Suricata's `state->command`).
    #[serde(skip)]
    pub port_state: Option<Box<PortState>>,
}

/// What Suricata's `ftpbounce` reads from the FTP state: the last PORT (or EPRT) line as it
/// came (`state->port_line`, without its end of line) and the flow's client address
/// (`f->src`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortState {
    pub port_line: Vec<u8>,
    pub client: std::net::IpAddr,
}

/// EVE `ftp_data` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct FtpDataRecord {
    pub filename: String,
    pub command: &'static str,
    /// The file travels to the server of the data flow (`file.name`, `filename` and `fileext`
    /// inspect that side only). Not logged.
    #[serde(skip)]
    pub file_to_server: bool,
}

#[derive(Debug)]
struct Tx {
    id: u64,
    rec: FtpRecord,
    done: bool,
    /// First line of the reply carries a code we look at for login.
    is_pass: bool,
}

/// Per-direction line assembly with Suricata's truncation rule.
#[derive(Debug, Default)]
struct Lines {
    buf: Vec<u8>,
    /// A truncated line was delivered; skip to its end of line.
    skipping: bool,
}

impl Lines {
    /// Splits `data` into lines (without delimiters), calling `f(line, truncated)`.
    fn feed(&mut self, mut data: &[u8], f: &mut dyn FnMut(&[u8], bool)) {
        while !data.is_empty() {
            let nl = memchr::memchr(b'\n', data);
            if self.skipping {
                match nl {
                    Some(p) => {
                        data = &data[p + 1..];
                        self.skipping = false;
                        continue;
                    }
                    None => return,
                }
            }
            match nl {
                Some(p) => {
                    let part = &data[..p];
                    data = &data[p + 1..];
                    if self.buf.is_empty() {
                        Self::deliver(part, f, &mut self.skipping);
                    } else {
                        let room = (MAX_LINE + 1).saturating_sub(self.buf.len());
                        self.buf.extend_from_slice(&part[..part.len().min(room)]);
                        let line = std::mem::take(&mut self.buf);
                        Self::deliver(&line, f, &mut self.skipping);
                    }
                    // a line truncated here already ended at its LF
                    self.skipping = false;
                }
                None => {
                    let room = (MAX_LINE + 1).saturating_sub(self.buf.len());
                    self.buf.extend_from_slice(&data[..data.len().min(room)]);
                    data = &[];
                    if self.buf.len() >= MAX_LINE {
                        let line = std::mem::take(&mut self.buf);
                        f(&line[..MAX_LINE], true);
                        self.skipping = true;
                    }
                }
            }
        }
    }

    fn deliver(line: &[u8], f: &mut dyn FnMut(&[u8], bool), skipping: &mut bool) {
        if line.len() >= MAX_LINE {
            f(&line[..MAX_LINE], true);
            *skipping = false;
        } else {
            f(line.strip_suffix(b"\r").unwrap_or(line), false);
        }
    }
}

/// Per-flow FTP control parser.
#[derive(Debug, Default)]
pub struct FtpParser {
    lines: [Lines; 2],
    txs: VecDeque<Tx>,
    next_id: u64,
    /// Last command parsed (Suricata's `state->command`).
    command: Option<&'static str>,
    port_line: Vec<u8>,
    dyn_port: u16,
    active: bool,
    user: Option<String>,
    upgrade: bool,
    upgrade_asked: bool,
    /// Transactions logged early because of [`MAX_TX`].
    pub tx_overflow: u64,
}

impl FtpParser {
    pub fn new() -> Self {
        Self::default()
    }

    fn new_tx(&mut self, rec: FtpRecord) -> &mut Tx {
        let id = self.next_id;
        self.next_id += 1;
        self.txs.push_back(Tx {
            id,
            rec,
            done: false,
            is_pass: false,
        });
        let last = self.txs.len() - 1;
        &mut self.txs[last]
    }

    fn request(&mut self, line: &[u8], truncated: bool, cx: &mut Cx<'_>) -> bool {
        let Some(cmd) = find_command(line) else {
            self.command = None;
            return true;
        };
        self.command = Some(cmd);
        let trimmed = trim_end(line);
        let data = if trimmed.len() > cmd.len() {
            Some(String::from_utf8_lossy(trimmed.get(cmd.len() + 1..).unwrap_or_default()).into_owned())
        } else {
            None
        };
        if cmd == "USER" {
            self.user = data.clone();
        }
        let user = self.user.clone();
        let tx = self.new_tx(FtpRecord {
            command: Some(cmd),
            command_truncated: data.as_ref().map(|_| truncated),
            command_data: data,
            reply_received: "no",
            user,
            ..Default::default()
        });
        tx.is_pass = cmd == "PASS";
        match cmd {
            "PORT" | "EPRT" => {
                self.port_line.clear();
                self.port_line
                    .extend_from_slice(&line[..line.len().min(MAX_LINE)]);
            }
            "RETR" | "STOR" => {
                if self.dyn_port == 0 || line.len() < 6 {
                    return false;
                }
                let to_client = (self.active && cmd == "STOR") || (!self.active && cmd == "RETR");
                let name = &line[5..line.len().min(5 + MAX_FILENAME)];
                let transfer = FtpTransfer {
                    parent_id: cx.flow.id,
                    filename: String::from_utf8_lossy(name).into_owned(),
                    command: cmd,
                    dir: if to_client {
                        Direction::ToClient
                    } else {
                        Direction::ToServer
                    },
                };
                let (a, b) = (cx.flow.client, cx.flow.server);
                cx.expect
                    .expect(a, b, self.dyn_port, transfer.dir, cx.ts, transfer);
                self.dyn_port = 0;
                self.active = false;
            }
            _ => {}
        }
        true
    }

    fn reply(&mut self, line: &[u8], truncated: bool, start: usize) {
        // Oldest open transaction from `start`, else the last one, else a new command-less one.
        let pos = (start..self.txs.len())
            .find(|&i| !self.txs[i].done)
            .or(self.txs.len().checked_sub(1));
        let pos = match pos {
            Some(p) if p >= start => p,
            _ => {
                self.new_tx(FtpRecord {
                    reply_received: "no",
                    ..Default::default()
                });
                self.txs.len() - 1
            }
        };
        let mut skip_line = false;
        let mut dyn_port = None;
        let mut mode = None;
        match self.command {
            Some("AUTH TLS") if line.starts_with(b"234 ") => self.upgrade = true,
            Some(c @ ("PORT" | "EPRT")) => {
                let p = if c == "PORT" {
                    parse_port(&self.port_line)
                } else {
                    parse_eprt(&self.port_line)
                };
                match p {
                    Some(p) => {
                        self.dyn_port = p;
                        self.active = true;
                        dyn_port = Some(p);
                        mode = Some("active");
                    }
                    None => skip_line = true,
                }
            }
            Some("PASV") if line.starts_with(b"227 ") => {
                if let Some(p) = parse_pasv(line) {
                    self.dyn_port = p;
                    self.active = false;
                    dyn_port = Some(p);
                }
            }
            Some("EPSV") if line.starts_with(b"229 ") => {
                if let Some(p) = parse_epsv(line) {
                    self.dyn_port = p;
                    self.active = false;
                    dyn_port = Some(p);
                }
            }
            _ => {}
        }
        let Some(tx) = self.txs.get_mut(pos) else { return };
        if let Some(p) = dyn_port {
            tx.rec.dynamic_port = Some(p);
        }
        if mode.is_some() {
            tx.rec.mode = mode;
        }
        if !skip_line {
            let l = trim_end(line);
            if !l.is_empty() {
                let has_code = l.len() >= 3 && l[..3].iter().all(u8::is_ascii_digit);
                if has_code {
                    tx.rec
                        .completion_code
                        .push(String::from_utf8_lossy(&l[..3]).into_owned());
                    if tx.is_pass && tx.rec.login.is_none() {
                        match l[0] {
                            b'2' => tx.rec.login = Some(true),
                            b'5' => tx.rec.login = Some(false),
                            _ => {}
                        }
                    }
                }
                let off = if has_code { 4 } else { 0 };
                if l.len() >= off {
                    tx.rec.reply.push(String::from_utf8_lossy(&l[off..]).into_owned());
                }
                if truncated {
                    tx.rec.reply_truncated = true;
                }
            }
            let ppr = line.len() >= 4
                && line[0] == b'1'
                && line[1..3].iter().all(u8::is_ascii_digit)
                && line[3].is_ascii_whitespace();
            if ppr {
                return;
            }
        }
        tx.done = true;
        tx.rec.reply_received = "yes";
    }

    /// Logs completed transactions (and the oldest ones beyond [`MAX_TX`]).
    fn flush(&mut self, cx: &mut Cx<'_>, all: bool) {
        let mut i = 0;
        while i < self.txs.len() {
            let over = self.txs.len() > MAX_TX;
            if self.txs[i].done || all || over {
                if let Some(mut tx) = self.txs.remove(i) {
                    if over && !tx.done && !all {
                        self.tx_overflow += 1;
                    }
                    if self.command == Some("PORT") {
                        tx.rec.port_state = Some(Box::new(PortState {
                            port_line: self.port_line.clone(),
                            client: cx.flow.client,
                        }));
                    }
                    cx.out.push(AppEvent {
                        ts: cx.ts,
                        dir: Direction::ToServer,
                        tx_id: Some(tx.id),
                        record: Record::Ftp(Box::new(tx.rec)),
                    });
                }
            } else {
                i += 1;
            }
        }
    }
}

impl Parser for FtpParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        let mut lines = std::mem::take(&mut self.lines[dir.index()]);
        let mut ok = true;
        match dir {
            Direction::ToServer => lines.feed(data, &mut |l, t| {
                if ok {
                    ok = self.request(l, t, cx);
                }
            }),
            Direction::ToClient => lines.feed(data, &mut |l, t| self.reply(l, t, 0)),
        }
        self.lines[dir.index()] = lines;
        self.flush(cx, false);
    }

    fn on_gap(&mut self, dir: Direction, _len: u32, _cx: &mut Cx<'_>) {
        self.lines[dir.index()] = Lines {
            buf: Vec::new(),
            skipping: true,
        };
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        self.flush(cx, true);
    }

    fn upgrade(&mut self) -> Option<AppProto> {
        if self.upgrade && !self.upgrade_asked {
            self.upgrade_asked = true;
            return Some(AppProto::Tls);
        }
        None
    }
}

fn trim_end(b: &[u8]) -> &[u8] {
    let mut n = b.len();
    while n > 0 && b[n - 1].is_ascii_whitespace() {
        n -= 1;
    }
    &b[..n]
}

/// The command named in a request line: the earliest match of a command name anywhere in the
/// line, case-insensitively (Suricata runs a multi-pattern search over the line).
fn find_command(line: &[u8]) -> Option<&'static str> {
    let mut best: Option<(usize, usize)> = None; // (end, table index)
    for (i, c) in COMMANDS.iter().enumerate() {
        let c = c.as_bytes();
        if line.len() < c.len() {
            continue;
        }
        if let Some(start) = line.windows(c.len()).position(|w| w.eq_ignore_ascii_case(c)) {
            let end = start + c.len();
            if best.is_none_or(|(e, _)| end < e) {
                best = Some((end, i));
            }
        }
    }
    best.and_then(|(_, i)| COMMANDS.get(i).copied())
}

fn numbers(b: &[u8]) -> impl Iterator<Item = Option<u32>> + '_ {
    b.split(|&c| c == b',').map(|n| {
        let n = trim_end(n);
        let n = n
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .map(|s| &n[s..])
            .unwrap_or_default();
        if n.is_empty() || n.len() > 5 || !n.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(n).ok()?.parse().ok()
    })
}

fn port_from(parts: &[Option<u32>]) -> Option<u16> {
    if parts.len() != 6 || parts.iter().any(|p| !matches!(p, Some(0..=255))) {
        return None;
    }
    let port = parts[4]? * 256 + parts[5]?;
    u16::try_from(port).ok().filter(|p| *p != 0)
}

/// `PORT h1,h2,h3,h4,p1,p2`.
fn parse_port(line: &[u8]) -> Option<u16> {
    let sp = memchr::memchr(b' ', line)?;
    let parts: Vec<_> = numbers(trim_end(&line[sp + 1..])).collect();
    port_from(&parts)
}

/// `EPRT |proto|addr|port|`.
fn parse_eprt(line: &[u8]) -> Option<u16> {
    let sp = memchr::memchr(b' ', line)?;
    let rest = trim_end(&line[sp + 1..]);
    let delim = *rest.first()?;
    let fields: Vec<&[u8]> = rest[1..].split(|&c| c == delim).collect();
    let port = fields.get(2)?;
    std::str::from_utf8(port)
        .ok()?
        .parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
}

/// `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)`.
fn parse_pasv(line: &[u8]) -> Option<u16> {
    let open = memchr::memchr(b'(', line);
    let inner = match open {
        Some(o) => {
            let close = memchr::memchr(b')', &line[o..])
                .map(|c| o + c)
                .unwrap_or(line.len());
            &line[o + 1..close]
        }
        None => {
            // some servers omit the parentheses: take the digits after the code
            let start = line.iter().skip(4).position(u8::is_ascii_digit).map(|p| p + 4)?;
            &line[start..]
        }
    };
    let parts: Vec<_> = numbers(inner).collect();
    port_from(&parts)
}

/// `229 Entering Extended Passive Mode (|||port|)`.
fn parse_epsv(line: &[u8]) -> Option<u16> {
    let o = memchr::memchr(b'(', line)?;
    let inner = &line[o + 1..];
    let close = memchr::memchr(b')', inner)?;
    let inner = &inner[..close];
    let delim = *inner.first()?;
    let fields: Vec<&[u8]> = inner[1..].split(|&c| c == delim).collect();
    let port = fields.get(2)?;
    std::str::from_utf8(port)
        .ok()?
        .parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
}

/// Parser of an FTP data connection: the file announced by the control connection.
#[derive(Debug)]
pub struct FtpDataParser {
    transfer: FtpTransfer,
    opened: bool,
    size: u64,
    gaps: bool,
    done: bool,
}

impl FtpDataParser {
    pub fn new(transfer: FtpTransfer) -> Self {
        FtpDataParser {
            transfer,
            opened: false,
            size: 0,
            gaps: false,
            done: false,
        }
    }

    /// The transfer this flow carries.
    pub fn transfer(&self) -> &FtpTransfer {
        &self.transfer
    }
}

impl Parser for FtpDataParser {
    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if dir != self.transfer.dir || data.is_empty() || self.done {
            return;
        }
        if !self.opened {
            self.opened = true;
            cx.expect.stats.files += 1;
        }
        self.size = self.size.saturating_add(data.len() as u64);
    }

    fn on_gap(&mut self, dir: Direction, len: u32, _cx: &mut Cx<'_>) {
        if dir == self.transfer.dir && self.opened {
            self.gaps = true;
            self.size = self.size.saturating_add(u64::from(len));
        }
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        if !self.opened || self.done {
            return;
        }
        self.done = true;
        let file = FileInfo {
            parent: None,
            filename: self.transfer.filename.clone(),
            gaps: self.gaps,
            state: "CLOSED",
            stored: false,
            size: self.size,
            tx_id: 0,
        };
        cx.out.push(AppEvent {
            ts: cx.ts,
            dir: self.transfer.dir,
            tx_id: Some(0),
            record: Record::FileInfo(Box::new(file)),
        });
        let rec = FtpDataRecord {
            filename: self.transfer.filename.clone(),
            command: self.transfer.command,
            file_to_server: self.transfer.dir == Direction::ToServer,
        };
        cx.out.push(AppEvent {
            ts: cx.ts,
            dir: Direction::ToServer,
            tx_id: Some(0),
            record: Record::FtpData(Box::new(rec)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests_util::Harness;

    fn ftp_json(e: &AppEvent) -> String {
        match &e.record {
            Record::Ftp(r) => serde_json::to_string(&**r).unwrap(),
            other => panic!("not ftp: {other:?}"),
        }
    }

    const SERVER: &[u8] = b"220 Welcome to the lab file service.\r\n";

    #[test]
    fn banner_and_login() {
        let mut h = Harness::new();
        let mut p = FtpParser::new();
        h.feed(&mut p, Direction::ToClient, SERVER);
        h.feed(&mut p, Direction::ToServer, b"USER carol\r\n");
        h.feed(
            &mut p,
            Direction::ToClient,
            b"331 Please specify the password.\r\n",
        );
        h.feed(&mut p, Direction::ToServer, b"PASS Tulip-Sunrise-42\r\n");
        h.feed(&mut p, Direction::ToClient, b"230 Login successful.\r\n");
        h.feed(&mut p, Direction::ToServer, b"PWD\r\n");
        h.feed(
            &mut p,
            Direction::ToClient,
            b"257 \"/home/carol\" is the current directory\r\n",
        );
        assert_eq!(h.out.len(), 4);
        assert_eq!(
            ftp_json(&h.out[0]),
            r#"{"completion_code":["220"],"reply":["Welcome to the lab file service."],"reply_received":"yes","reply_truncated":false}"#
        );
        assert_eq!(
            ftp_json(&h.out[1]),
            r#"{"command":"USER","command_data":"carol","command_truncated":false,"completion_code":["331"],"reply":["Please specify the password."],"reply_received":"yes","reply_truncated":false}"#
        );
        assert_eq!(
            ftp_json(&h.out[3]),
            r#"{"command":"PWD","completion_code":["257"],"reply":["\"/home/carol\" is the current directory"],"reply_received":"yes","reply_truncated":false}"#
        );
        let Record::Ftp(pass) = &h.out[2].record else {
            panic!()
        };
        assert_eq!(pass.login, Some(true));
        assert_eq!(pass.user.as_deref(), Some("carol"));
        assert_eq!(
            h.out.iter().map(|e| e.tx_id).collect::<Vec<_>>(),
            vec![Some(0), Some(1), Some(2), Some(3)]
        );
    }

    #[test]
    fn failed_login_and_unreplied_at_close() {
        let mut h = Harness::new();
        let mut p = FtpParser::new();
        h.feed(&mut p, Direction::ToServer, b"USER alice\r\nPASS wrong\r\n");
        h.feed(
            &mut p,
            Direction::ToClient,
            b"331 Please specify the password.\r\n530 Login incorrect.\r\n",
        );
        h.feed(&mut p, Direction::ToServer, b"QUIT\r\n");
        h.close(&mut p);
        assert_eq!(h.out.len(), 3);
        let Record::Ftp(pass) = &h.out[1].record else {
            panic!()
        };
        assert_eq!(pass.login, Some(false));
        assert_eq!(
            ftp_json(&h.out[2]),
            r#"{"command":"QUIT","reply_received":"no","reply_truncated":false}"#
        );
    }

    #[test]
    fn retr_with_preliminary_reply_and_epsv_expectation() {
        let mut h = Harness::new();
        let mut p = FtpParser::new();
        h.feed(&mut p, Direction::ToServer, b"EPSV\r\n");
        h.feed(
            &mut p,
            Direction::ToClient,
            b"229 Entering Extended Passive Mode (|||40155|)\r\n",
        );
        h.feed(&mut p, Direction::ToServer, b"RETR quarterly-report.csv\r\n");
        assert_eq!(h.expect.len(), 1);
        h.feed(
            &mut p,
            Direction::ToClient,
            b"150 Opening BINARY mode data connection for quarterly-report.csv (27368 bytes).\r\n",
        );
        assert_eq!(h.out.len(), 1);
        h.feed(&mut p, Direction::ToClient, b"226 Transfer complete.\r\n");
        assert_eq!(
            ftp_json(&h.out[0]),
            r#"{"command":"EPSV","completion_code":["229"],"reply":["Entering Extended Passive Mode (|||40155|)"],"dynamic_port":40155,"reply_received":"yes","reply_truncated":false}"#
        );
        assert_eq!(
            ftp_json(&h.out[1]),
            r#"{"command":"RETR","command_data":"quarterly-report.csv","command_truncated":false,"completion_code":["150","226"],"reply":["Opening BINARY mode data connection for quarterly-report.csv (27368 bytes).","Transfer complete."],"reply_received":"yes","reply_truncated":false}"#
        );
    }

    #[test]
    fn port_is_active_mode() {
        let mut h = Harness::new();
        let mut p = FtpParser::new();
        h.feed(&mut p, Direction::ToServer, b"PORT 192,168,77,10,156,64\r\n");
        h.feed(&mut p, Direction::ToClient, b"200 PORT command successful.\r\n");
        let Record::Ftp(r) = &h.out[0].record else {
            panic!()
        };
        assert_eq!(r.dynamic_port, Some(40000));
        assert_eq!(r.mode, Some("active"));
        assert_eq!(
            parse_pasv(b"227 Entering Passive Mode (10,0,0,1,4,1)."),
            Some(1025)
        );
        assert_eq!(parse_eprt(b"EPRT |2|::1|5282|"), Some(5282));
        assert_eq!(parse_port(b"PORT 1,2,3,4,300,1"), None);
        assert_eq!(parse_epsv(b"229 (|||0|)"), None);
    }

    #[test]
    fn port_state_for_ftpbounce() {
        let mut h = Harness::new();
        let mut p = FtpParser::new();
        h.feed(&mut p, Direction::ToServer, b"USER a\r\n");
        h.feed(&mut p, Direction::ToClient, b"331 ok\r\n");
        h.feed(&mut p, Direction::ToServer, b"PORT 10,0,0,9,4,1\r\n");
        h.feed(&mut p, Direction::ToClient, b"200 ok\r\n");
        // Pipelined: the PORT reply comes once NOOP is the last command.
        h.feed(&mut p, Direction::ToServer, b"PORT 1,2,3,4,4,1\r\nNOOP\r\n");
        h.feed(&mut p, Direction::ToClient, b"200 ok\r\n200 ok\r\n");
        let states: Vec<_> = h
            .out
            .iter()
            .map(|e| match &e.record {
                Record::Ftp(r) => r.port_state.as_ref().map(|s| s.port_line.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(states, [None, Some(b"PORT 10,0,0,9,4,1".to_vec()), None, None]);
        let Record::Ftp(r) = &h.out[1].record else {
            panic!()
        };
        assert_eq!(r.port_state.as_ref().map(|s| s.client), Some(h.flow.client));
        // Not logged.
        assert!(!serde_json::to_string(&**r).unwrap().contains("port_state"));
    }

    #[test]
    fn multiline_reply_and_unknown_command() {
        let mut h = Harness::new();
        let mut p = FtpParser::new();
        h.feed(&mut p, Direction::ToServer, b"FEAT\r\n");
        h.feed(
            &mut p,
            Direction::ToClient,
            b"211-Features:\r\n EPRT\r\n UTF8\r\n211 End\r\n",
        );
        assert_eq!(h.out.len(), 1);
        assert_eq!(
            ftp_json(&h.out[0]),
            r#"{"completion_code":["211","211"],"reply":["Features:"," EPRT"," UTF8","End"],"reply_received":"yes","reply_truncated":false}"#
        );
    }

    #[test]
    fn command_found_anywhere_and_case_insensitive() {
        assert_eq!(find_command(b"user bob"), Some("USER"));
        assert_eq!(find_command(b"XPWD"), Some("PWD"));
        assert_eq!(find_command(b"AUTH TLS"), Some("AUTH TLS"));
        assert_eq!(find_command(b"OPTS UTF8 ON"), None);
        assert_eq!(find_command(b""), None);
    }

    #[test]
    fn split_at_every_byte() {
        let exchange: &[(Direction, &[u8])] = &[
            (Direction::ToClient, b"220 hello there\r\n"),
            (Direction::ToServer, b"USER carol\r\n"),
            (Direction::ToClient, b"331 pw\r\n"),
            (Direction::ToServer, b"PASS x\r\n"),
            (Direction::ToClient, b"230 ok\r\n"),
            (Direction::ToServer, b"EPSV\r\n"),
            (
                Direction::ToClient,
                b"229 Entering Extended Passive Mode (|||4000|)\r\n",
            ),
            (Direction::ToServer, b"RETR a.txt\r\n"),
            (Direction::ToClient, b"150 go\r\n226 done\r\n"),
            (Direction::ToServer, b"QUIT\r\n"),
            (Direction::ToClient, b"221 bye\r\n"),
        ];
        let run = |cut: usize| {
            let mut h = Harness::new();
            let mut p = FtpParser::new();
            for (d, m) in exchange {
                let (a, b) = m.split_at(cut.min(m.len()));
                h.feed(&mut p, *d, a);
                h.feed(&mut p, *d, b);
            }
            h.close(&mut p);
            (h.out.iter().map(ftp_json).collect::<Vec<_>>(), h.expect.len())
        };
        let whole = run(0);
        assert_eq!(whole.0.len(), 6);
        assert_eq!(whole.1, 1);
        assert_eq!(
            whole.0[0],
            r#"{"completion_code":["220"],"reply":["hello there"],"reply_received":"yes","reply_truncated":false}"#
        );
        // (a multi-line reply split across chunks makes two records, as in Suricata, where the
        // first line completes the transaction and it is logged and freed before the next)
        for cut in 1..48 {
            assert_eq!(run(cut), whole, "cut {cut}");
        }
    }

    #[test]
    fn long_line_truncated() {
        let mut h = Harness::new();
        let mut p = FtpParser::new();
        let mut line = b"USER ".to_vec();
        line.extend(std::iter::repeat_n(b'a', 5000));
        line.extend_from_slice(b"\r\nNOOP\r\n");
        h.feed(&mut p, Direction::ToServer, &line);
        h.close(&mut p);
        assert_eq!(h.out.len(), 2);
        let Record::Ftp(r) = &h.out[0].record else {
            panic!()
        };
        assert_eq!(r.command_truncated, Some(true));
        assert_eq!(r.command_data.as_ref().map(String::len), Some(MAX_LINE - 5));
        let Record::Ftp(r) = &h.out[1].record else {
            panic!()
        };
        assert_eq!(r.command, Some("NOOP"));
    }

    #[test]
    fn data_parser_logs_file_and_record() {
        let mut h = Harness::new();
        let t = FtpTransfer {
            parent_id: 7,
            filename: "f.csv".into(),
            command: "RETR",
            dir: Direction::ToClient,
        };
        let mut p = FtpDataParser::new(t);
        h.feed(&mut p, Direction::ToServer, b"ignored");
        h.feed(&mut p, Direction::ToClient, &[1u8; 1000]);
        h.feed(&mut p, Direction::ToClient, &[2u8; 368]);
        h.close(&mut p);
        assert_eq!(h.out.len(), 2);
        let Record::FileInfo(f) = &h.out[0].record else {
            panic!()
        };
        assert_eq!(
            (f.filename.as_str(), f.size, f.state, f.gaps),
            ("f.csv", 1368, "CLOSED", false)
        );
        assert_eq!(h.out[0].dir, Direction::ToClient);
        let Record::FtpData(d) = &h.out[1].record else {
            panic!()
        };
        assert_eq!(
            serde_json::to_string(&**d).unwrap(),
            r#"{"filename":"f.csv","command":"RETR"}"#
        );
        assert_eq!(h.expect.stats.files, 1);
    }
}
