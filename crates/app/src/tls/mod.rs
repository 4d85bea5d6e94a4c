//! TLS (and SSLv2 record framing) over TCP, following Suricata 7.0.10's `app-layer-ssl.c`.
//!
//! The parser reassembles records per direction from the stream (headers and bodies split
//! across segments, several records per segment), and handshake messages split across records.
//! It decodes ClientHello (SNI, versions, ciphers, extensions, groups, point formats, signature
//! algorithms, ALPN), ServerHello and Certificate (first certificate's fields, the chain), and
//! tracks ChangeCipherSpec / application data to know when the handshake is over. Application
//! data is skipped by record length without copying.
//!
//! One session is one transaction. Its [`TlsRecord`] is emitted once, as Suricata's logger
//! does: when the handshake is done (server certificate seen, or application data), else when
//! parsing fails or at [`Parser::on_close`]; and only if a server certificate was seen, the
//! session looks resumed (session ticket extension or matching session id), or the server
//! chose TLS 1.3 — otherwise nothing is logged (a lone ClientHello without session ticket).

mod cert;
mod ja;
mod record;

pub use cert::{decode as decode_cert, fingerprint as cert_fingerprint, format_timestamp, CertInfo};
pub use ja::{is_grease, ja3_hash, Ja4};
pub use record::{version_name, CertFields, Ja3Info, TlsRecord};

use crate::{AppEvent, Cx, Parser, Record};
use flow::Direction;
use ja::{Ja3Builder, Ja3Field};

/// Largest record body Suricata accepts (2^14 + 1024).
const RECORD_MAX_LEN: u32 = (1 << 14) + 1024;
/// Largest handshake message buffered across records (certificate chains included).
const HS_MAX_LEN: u32 = 256 * 1024;
/// Certificates kept per chain.
const MAX_CERTS: usize = 16;

const CT_CCS: u8 = 20;
const CT_ALERT: u8 = 21;
const CT_HANDSHAKE: u8 = 22;
const CT_APP: u8 = 23;
const CT_HEARTBEAT: u8 = 24;

const HS_HELLO_REQUEST: u8 = 0;
const HS_CLIENT_HELLO: u8 = 1;
const HS_SERVER_HELLO: u8 = 2;
const HS_NEW_SESSION_TICKET: u8 = 4;
const HS_CERTIFICATE: u8 = 11;
const HS_SERVER_KEY_EXCHANGE: u8 = 12;
const HS_CERTIFICATE_REQUEST: u8 = 13;
const HS_SERVER_HELLO_DONE: u8 = 14;
const HS_CERTIFICATE_VERIFY: u8 = 15;
const HS_CLIENT_KEY_EXCHANGE: u8 = 16;
const HS_FINISHED: u8 = 20;
const HS_CERTIFICATE_URL: u8 = 21;
const HS_CERTIFICATE_STATUS: u8 = 22;

const SSL_VERSION_2: u16 = 0x0200;
const TLS_VERSION_12: u16 = 0x0303;
const TLS_VERSION_13: u16 = 0x0304;
const TLS_VERSION_13_PRE_DRAFT16: u16 = 0x7f01;

// Session flags (the subset of Suricata's SSL_AL_FLAG_* that matters here).
const F_SERVER_CCS: u32 = 1 << 0;
const F_CLIENT_CCS: u32 = 1 << 1;
const F_CCS: u32 = 1 << 2;
const F_SSL_CLIENT_HS: u32 = 1 << 3;
const F_SSL_SERVER_HS: u32 = 1 << 4;
const F_CLIENT_HELLO: u32 = 1 << 9;
const F_SERVER_HELLO: u32 = 1 << 10;
const F_HB_INFLIGHT: u32 = 1 << 15;
const F_HB_CLIENT_INIT: u32 = 1 << 16;
const F_HB_SERVER_INIT: u32 = 1 << 17;
const F_HANDSHAKE_DONE: u32 = 1 << 18;
const F_SESSION_RESUMED: u32 = 1 << 20;
const F_CH_VERSION_EXT: u32 = 1 << 21;
const F_LOG_WITHOUT_CERT: u32 = 1 << 22;
const F_EARLY_DATA: u32 = 1 << 23;
const F_NEED_CLIENT_CERT: u32 = 1 << 26;
/// An application data record was seen: Suricata's `APP_LAYER_PARSER_NO_INSPECTION_PAYLOAD`
/// (with its default `encryption-handling`), after which the flow's payload is not inspected.
const F_NO_PAYLOAD_INSPECTION: u32 = 1 << 27;

/// The app-layer events of Suricata 7.0.10's `app-layer-ssl.c` (`tls_decoder_event_table`) that
/// this parser raises, by rule name (`app-layer-event:tls.NAME`). The others (heartbeat, SNI,
/// SSLv2 header, hello length events) are not raised, so rules naming them are not loaded.
pub const EVENTS: &[&str] = &[
    EV_INVALID_RECORD_VERSION,
    EV_INVALID_RECORD_TYPE,
    EV_INVALID_RECORD_LENGTH,
    EV_INVALID_HANDSHAKE_MESSAGE,
    EV_INVALID_SSL_RECORD,
    EV_TOO_MANY_RECORDS,
    EV_INVALID_CERTIFICATE,
    "certificate_invalid_length",
    "certificate_invalid_version",
    "certificate_invalid_serial",
    "certificate_invalid_algorithmidentifier",
    "certificate_invalid_x509name",
    "certificate_invalid_date",
    "certificate_invalid_extensions",
    "certificate_invalid_der",
];

const EV_INVALID_RECORD_VERSION: &str = "invalid_record_version";
const EV_INVALID_RECORD_TYPE: &str = "invalid_record_type";
const EV_INVALID_RECORD_LENGTH: &str = "invalid_record_length";
const EV_INVALID_HANDSHAKE_MESSAGE: &str = "invalid_handshake_message";
const EV_INVALID_SSL_RECORD: &str = "invalid_ssl_record";
const EV_TOO_MANY_RECORDS: &str = "too_many_records_in_packet";
const EV_INVALID_CERTIFICATE: &str = "invalid_certificate";

/// Which fingerprints to compute and log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsConfig {
    /// Compute JA3/JA3S (Suricata: `ja3-fingerprints`, on when rules use ja3 keywords).
    pub ja3: bool,
    /// Compute JA4 (`ja4-fingerprints`).
    pub ja4: bool,
    /// Write `ja4` in the EVE record (`eve-log.tls.ja4`, off by default in 7.0).
    pub log_ja4: bool,
}

impl Default for TlsConfig {
    fn default() -> Self {
        TlsConfig {
            ja3: true,
            ja4: true,
            log_ja4: false,
        }
    }
}

/// Does this look like the start of a TLS (or SSL) stream, in either direction?
pub fn probe(data: &[u8]) -> bool {
    probe_to_server(data) || probe_to_client(data)
}

/// Suricata's to-server patterns: a handshake record header with version 3.0-3.3 (also the
/// odd `01 03 0x`), or an SSLv2-framed ClientHello announcing SSL 2/3 or TLS.
pub fn probe_to_server(data: &[u8]) -> bool {
    match data {
        [0x16 | 0x01, 0x03, 0..=3, ..] => true,
        [b0, _, 0x01, 0x00, 0x02, ..] | [b0, _, 0x01, 0x03, 0..=3, ..] => b0 & 0x80 != 0,
        _ => false,
    }
}

/// Suricata's to-client patterns: an alert, handshake or application record header.
pub fn probe_to_client(data: &[u8]) -> bool {
    matches!(data, [0x15..=0x17, 0x03, 0..=3, ..])
}

/// Counters of one TLS parser.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TlsStats {
    pub records: u64,
    /// Application data bytes skipped.
    pub app_bytes: u64,
    /// Handshake messages too large to buffer.
    pub hs_dropped: u64,
    /// Decoder anomalies seen (Suricata's app-layer events).
    pub anomalies: u64,
}

/// Per-direction state (Suricata's `SSLStateConnp`).
#[derive(Debug, Default)]
struct Side {
    // Record layer.
    hdr: [u8; 5],
    hdr_got: u8,
    /// Header complete, body in progress.
    in_body: bool,
    v2: bool,
    v2_hdr_len: u8,
    content_type: u8,
    record_length: u32,
    body_got: u32,
    /// Body of a non-application record split across calls.
    rec_buf: Vec<u8>,
    /// Suricata's `connp.version` (record, then hello, then supported_versions).
    version: u16,
    // Handshake message spanning records.
    hs_buf: Vec<u8>,
    hs_type: u8,
    hs_size: u32,
    hs_active: bool,
    hs_skip: u32,
    // Hello data.
    sni: Option<Vec<u8>>,
    session_id: Option<Vec<u8>>,
    ja3: Option<Ja3Builder>,
    ja3_hash: Option<String>,
    ja4: Option<Ja4>,
    // Certificates.
    cert: CertFields,
    certs: Vec<Vec<u8>>,
    certs_seen: bool,
}

impl Side {
    fn reset_record(&mut self) {
        self.hdr_got = 0;
        self.in_body = false;
        self.body_got = 0;
        self.record_length = 0;
        self.rec_buf.clear();
    }
}

/// The TLS parser of one flow.
#[derive(Debug, Default)]
pub struct TlsParser {
    cfg: TlsConfig,
    flags: u32,
    sides: [Side; 2],
    hb_record_len: u32,
    /// The logger ran (logged or decided not to).
    logged: bool,
    /// A parse error stopped the parser.
    failed: bool,
    /// From-protocol for STARTTLS.
    from_proto: Option<&'static str>,
    /// App-layer events raised (each once; at most `EVENTS.len()`).
    events: Vec<&'static str>,
    /// Per direction: a TLS record completed since [`Parser::take_raw_trigger`] last answered
    /// (Suricata's SSLv3 decoder triggers raw inspection on every complete record).
    raw_trigger: [bool; 2],
    pub stats: TlsStats,
}

/// Why parsing stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    #[error("tls: invalid record header")]
    RecordHeader,
    #[error("tls: invalid record type")]
    RecordType,
    #[error("tls: invalid record length")]
    RecordLength,
    #[error("tls: invalid record version")]
    RecordVersion,
    #[error("tls: invalid handshake message")]
    Handshake,
    #[error("tls: invalid heartbeat")]
    Heartbeat,
    #[error("tls: invalid SSLv2 record")]
    Sslv2,
    #[error("tls: too many records in one chunk")]
    TooManyRecords,
}

/// Suricata's `TLSVersionValid`.
fn version_valid(v: u16) -> bool {
    matches!(
        v,
        0x0300..=0x0304 | 0x7f01 | 0x7f10..=0x7f1c | 0xfb14..=0xfb17 | 0xfb1a
    )
}

/// A bounded cursor over a hello body, mirroring Suricata's `HAS_SPACE` checks.
struct Cur<'a> {
    d: &'a [u8],
    p: usize,
}

impl<'a> Cur<'a> {
    fn has(&self, n: usize) -> bool {
        self.p.checked_add(n).is_some_and(|e| e <= self.d.len())
    }
    fn u8(&mut self) -> Option<u8> {
        let v = *self.d.get(self.p)?;
        self.p += 1;
        Some(v)
    }
    fn u16(&mut self) -> Option<u16> {
        let b = self.d.get(self.p..self.p + 2)?;
        self.p += 2;
        Some(u16::from_be_bytes([b[0], b[1]]))
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let b = self.d.get(self.p..self.p.checked_add(n)?)?;
        self.p += n;
        Some(b)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hello {
    Client,
    Server,
}

impl TlsParser {
    /// Parser with the default configuration (JA3 and JA4 computed, JA4 not logged).
    pub fn new() -> Self {
        Self::with_config(TlsConfig::default())
    }

    pub fn with_config(cfg: TlsConfig) -> Self {
        TlsParser {
            cfg,
            ..Default::default()
        }
    }

    /// Marks the session as started from another protocol (logged as `from_proto`).
    pub fn set_from_proto(&mut self, proto: &'static str) {
        self.from_proto = Some(proto);
    }

    /// Whether the handshake is over (Suricata's `TLS_HANDSHAKE_DONE`).
    pub fn handshake_done(&self) -> bool {
        self.flags & F_HANDSHAKE_DONE != 0
    }

    /// Whether the parser stopped on an error.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Whether encrypted data flows (ChangeCipherSpec or application data seen): callers may
    /// stop inspecting the payload.
    pub fn encrypted(&self) -> bool {
        self.flags & (F_CCS | F_HANDSHAKE_DONE) != 0
    }

    /// The session's record as it stands now.
    pub fn record(&self) -> TlsRecord {
        let c = &self.sides[0];
        let s = &self.sides[1];
        let ja3 = |side: &Side| -> Option<Ja3Info> {
            if side.ja3.is_none() && side.ja3_hash.is_none() {
                return None;
            }
            Some(Ja3Info {
                hash: side.ja3_hash.clone(),
                string: side.ja3.as_ref().map(|b| b.as_str().to_string()),
            })
        };
        let resumed = self.flags & F_SESSION_RESUMED != 0
            && !s.cert.present_any()
            && self.flags & F_SERVER_HELLO != 0
            && self.flags & F_LOG_WITHOUT_CERT == 0;
        TlsRecord {
            server_cert: s.cert.clone(),
            client_cert: c.cert.clone(),
            session_resumed: resumed,
            sni: c.sni.clone(),
            version: s.version,
            client_version: c.version,
            ja3: ja3(c),
            ja3s: ja3(s),
            ja4: c.ja4.as_ref().map(Ja4::hash),
            log_ja4: self.cfg.log_ja4,
            certs: s.certs.clone(),
            from_proto: self.from_proto,
            events: self.events.clone(),
        }
    }

    /// Suricata's `JsonTlsLogger` condition.
    fn loggable(&self) -> bool {
        let s = &self.sides[1].cert;
        (s.issuerdn.is_some() && s.subject.is_some())
            || self.flags & F_SESSION_RESUMED != 0
            || self.flags & F_LOG_WITHOUT_CERT != 0
    }

    /// Runs the logger once.
    fn log(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        if self.logged {
            return;
        }
        self.logged = true;
        if !self.loggable() {
            return;
        }
        cx.out.push(AppEvent {
            ts: cx.ts,
            dir,
            tx_id: Some(0),
            record: Record::Tls(Box::new(self.record())),
        });
    }

    fn anomaly(&mut self) {
        self.stats.anomalies += 1;
    }

    /// Raises an app-layer event (Suricata's `SSLSetEvent`) and counts the anomaly.
    fn event(&mut self, name: &'static str) {
        self.anomaly();
        self.mark(name);
    }

    /// Raises an app-layer event whose anomaly is counted by the failure that follows.
    fn mark(&mut self, name: &'static str) {
        if !self.events.contains(&name) {
            self.events.push(name);
        }
    }

    /// App-layer events raised so far (names of [`EVENTS`]).
    pub fn events(&self) -> &[&'static str] {
        &self.events
    }

    fn fail(&mut self, _e: TlsError) {
        self.failed = true;
        self.anomaly();
    }

    /// Feeds stream bytes of one direction (Suricata's `SSLDecode`).
    fn decode(&mut self, dir: Direction, data: &[u8]) -> Result<(), TlsError> {
        let d = dir.index();
        let max_records = (data.len() / 6).max(1) + 1;
        let mut counter = 0usize;
        let mut input = data;
        while !input.is_empty() {
            if counter > max_records {
                self.sides[d].reset_record();
                self.mark(EV_TOO_MANY_RECORDS);
                return Err(TlsError::TooManyRecords);
            }
            let side = &mut self.sides[d];
            if side.hdr_got == 0 && !side.in_body {
                // Only record starts count: every record is at least 6 bytes.
                counter += 1;
                if input[0] & 0xc0 != 0 {
                    side.version = SSL_VERSION_2;
                    side.v2 = true;
                } else {
                    if side.version == SSL_VERSION_2 {
                        side.version = 0;
                    }
                    side.v2 = false;
                }
            }
            let n = if self.sides[d].v2 {
                self.v2_step(dir, input)?
            } else {
                self.v3_step(dir, input)?
            };
            if n == 0 {
                break;
            }
            input = input.get(n..).unwrap_or_default();
        }
        Ok(())
    }

    /// One step of SSLv3/TLS record parsing; returns bytes consumed.
    fn v3_step(&mut self, dir: Direction, input: &[u8]) -> Result<usize, TlsError> {
        let d = dir.index();
        let mut parsed = 0;
        if !self.sides[d].in_body {
            let hello_seen = match dir {
                Direction::ToServer => self.flags & F_CLIENT_HELLO != 0,
                Direction::ToClient => self.flags & F_SERVER_HELLO != 0,
            };
            let side = &mut self.sides[d];
            let prev_version = side.version;
            let skip_version = hello_seen && side.version != 0;
            let got = usize::from(side.hdr_got);
            let n = (5 - got).min(input.len());
            side.hdr[got..got + n].copy_from_slice(&input[..n]);
            side.hdr_got += n as u8;
            parsed = n;
            if side.hdr_got < 5 {
                return Ok(parsed);
            }
            side.content_type = side.hdr[0];
            if !skip_version {
                side.version = u16::from_be_bytes([side.hdr[1], side.hdr[2]]);
            }
            side.record_length = u32::from(u16::from_be_bytes([side.hdr[3], side.hdr[4]]));
            side.in_body = true;
            side.body_got = 0;
            self.stats.records += 1;

            let known = matches!(
                side.content_type,
                CT_CCS | CT_ALERT | CT_HANDSHAKE | CT_APP | CT_HEARTBEAT
            );
            if !known {
                if prev_version == 0x0301 || prev_version == 0x0302 {
                    side.reset_record();
                    side.version = prev_version;
                    self.event(EV_INVALID_RECORD_TYPE);
                    return Ok(input.len());
                }
                self.mark(EV_INVALID_RECORD_TYPE);
                return Err(TlsError::RecordType);
            }
            if side.record_length == 0 {
                self.mark(EV_INVALID_RECORD_LENGTH);
                return Err(TlsError::RecordLength);
            }
            if !version_valid(side.version) {
                self.mark(EV_INVALID_RECORD_VERSION);
                return Err(TlsError::RecordVersion);
            }
            if side.record_length > RECORD_MAX_LEN {
                self.mark(EV_INVALID_RECORD_LENGTH);
                return Err(TlsError::RecordLength);
            }
        }

        let avail = input.get(parsed..).unwrap_or_default();
        let side = &mut self.sides[d];
        let need = side.record_length.saturating_sub(side.body_got) as usize;
        if side.content_type == CT_APP {
            let take = need.min(avail.len());
            if take == 0 {
                return Ok(parsed);
            }
            side.body_got += take as u32;
            let complete = side.body_got >= side.record_length;
            if complete {
                side.reset_record();
                self.raw_trigger[d] = true;
            }
            self.stats.app_bytes += take as u64;
            if !(self.flags & F_EARLY_DATA != 0 && self.flags & F_SERVER_HELLO == 0) {
                self.flags |= F_HANDSHAKE_DONE | F_NO_PAYLOAD_INSPECTION;
            }
            return Ok(parsed + take);
        }

        // Other records are processed whole: straight from the input when it holds the
        // whole body, else buffered (at most RECORD_MAX_LEN).
        if side.rec_buf.is_empty() && avail.len() >= need {
            let body = &avail[..need];
            let ct = side.content_type;
            let rl = side.record_length;
            self.process_record(dir, ct, rl, body)?;
            self.sides[d].reset_record();
            self.raw_trigger[d] = true;
            return Ok(parsed + need);
        }
        let take = need.min(avail.len());
        side.rec_buf.extend_from_slice(&avail[..take]);
        side.body_got += take as u32;
        if side.body_got < side.record_length {
            return Ok(parsed + take);
        }
        let body = std::mem::take(&mut side.rec_buf);
        let ct = side.content_type;
        let rl = side.record_length;
        let r = self.process_record(dir, ct, rl, &body);
        let side = &mut self.sides[d];
        side.reset_record();
        side.rec_buf = body;
        side.rec_buf.clear();
        if side.rec_buf.capacity() > 4096 {
            side.rec_buf = Vec::new();
        }
        r?;
        self.raw_trigger[d] = true;
        Ok(parsed + take)
    }

    fn process_record(&mut self, dir: Direction, ct: u8, rlen: u32, body: &[u8]) -> Result<(), TlsError> {
        match ct {
            CT_CCS => {
                self.flags |= F_CCS;
                self.flags |= match dir {
                    Direction::ToServer => F_CLIENT_CCS,
                    Direction::ToClient => F_SERVER_CCS,
                };
            }
            CT_HANDSHAKE => {
                if self.flags & F_CCS != 0 {
                    // TLS 1.3 middlebox compatibility: CCS before the second ClientHello.
                    let tls13_retry = self.flags & F_CLIENT_HELLO != 0
                        && self.sides[0].version > TLS_VERSION_12
                        && self.flags & F_SERVER_HELLO == 0;
                    if !tls13_retry {
                        return Ok(());
                    }
                }
                if rlen < 4 {
                    self.mark(EV_INVALID_SSL_RECORD);
                    return Err(TlsError::Handshake);
                }
                if let Err(e) = self.handshake_protocol(dir, body) {
                    self.mark(EV_INVALID_HANDSHAKE_MESSAGE);
                    return Err(e);
                }
            }
            CT_HEARTBEAT => self.heartbeat(dir, rlen, body)?,
            _ => {}
        }
        Ok(())
    }

    /// Suricata's `SSLv3ParseHeartbeatProtocol`, reduced to its verdicts.
    fn heartbeat(&mut self, dir: Direction, rlen: u32, body: &[u8]) -> Result<(), TlsError> {
        if body.len() < 3 {
            return Ok(());
        }
        let hb_type = body[0];
        let encrypted = self.flags & F_CCS != 0;
        if !(encrypted || hb_type == 1 || hb_type == 2) {
            return Err(TlsError::Heartbeat);
        }
        let server = dir == Direction::ToClient;
        if self.flags & F_HB_INFLIGHT == 0 {
            self.flags |= F_HB_INFLIGHT
                | if server {
                    F_HB_SERVER_INIT
                } else {
                    F_HB_CLIENT_INIT
                };
            if encrypted {
                self.hb_record_len = rlen;
                return Ok(());
            }
            let payload_len = u32::from(u16::from_be_bytes([body[1], body[2]]));
            if payload_len + 3 > rlen {
                return Err(TlsError::Heartbeat);
            }
            if rlen - payload_len - 3 < 16 {
                return Err(TlsError::Heartbeat);
            }
        } else if (server && self.flags & F_HB_SERVER_INIT != 0)
            || (!server && self.flags & F_HB_CLIENT_INIT != 0)
        {
            return Err(TlsError::Heartbeat);
        } else {
            self.flags &= !(F_HB_INFLIGHT | F_HB_SERVER_INIT | F_HB_CLIENT_INIT);
            if encrypted && self.hb_record_len > 0 && self.hb_record_len < rlen {
                self.hb_record_len = 0;
                return Err(TlsError::Heartbeat);
            }
            self.hb_record_len = 0;
        }
        Ok(())
    }

    /// Handshake messages of one record (Suricata's `SSLv3ParseHandshakeProtocol`).
    fn handshake_protocol(&mut self, dir: Direction, body: &[u8]) -> Result<(), TlsError> {
        let d = dir.index();
        let mut input = body;
        while !input.is_empty() {
            let side = &mut self.sides[d];
            if side.hs_active {
                if side.hs_skip > 0 {
                    // Message too big to keep: count it down without buffering.
                    let add = (side.hs_skip as usize).min(input.len());
                    side.hs_skip -= add as u32;
                    if side.hs_skip == 0 {
                        side.hs_active = false;
                    }
                    input = &input[add..];
                    continue;
                }
                let need = (side.hs_size as usize).saturating_sub(side.hs_buf.len());
                let add = need.min(input.len());
                side.hs_buf.extend_from_slice(&input[..add]);
                if side.hs_buf.len() >= side.hs_size as usize {
                    let mut msg = std::mem::take(&mut side.hs_buf);
                    let t = side.hs_type;
                    side.hs_active = false;
                    self.handshake_message(dir, t, &msg);
                    msg.clear();
                    if msg.capacity() <= 64 * 1024 {
                        self.sides[d].hs_buf = msg;
                    }
                }
                input = &input[add..];
                continue;
            }
            if input.len() < 4 {
                return Err(TlsError::Handshake);
            }
            let t = input[0];
            let len = u32::from_be_bytes([0, input[1], input[2], input[3]]);
            input = &input[4..];
            let supported = matches!(
                t,
                HS_CLIENT_HELLO
                    | HS_SERVER_HELLO
                    | HS_SERVER_KEY_EXCHANGE
                    | HS_CLIENT_KEY_EXCHANGE
                    | HS_CERTIFICATE
                    | HS_HELLO_REQUEST
                    | HS_CERTIFICATE_REQUEST
                    | HS_CERTIFICATE_VERIFY
                    | HS_FINISHED
                    | HS_CERTIFICATE_URL
                    | HS_CERTIFICATE_STATUS
                    | HS_NEW_SESSION_TICKET
                    | HS_SERVER_HELLO_DONE
            );
            if !supported {
                let skip = (len as usize).min(input.len());
                input = &input[skip..];
                let own_ccs = match dir {
                    Direction::ToServer => F_CLIENT_CCS,
                    Direction::ToClient => F_SERVER_CCS,
                };
                if self.flags & own_ccs == 0 {
                    self.event(EV_INVALID_HANDSHAKE_MESSAGE);
                }
                continue;
            }
            if len as usize > input.len() {
                let side = &mut self.sides[d];
                side.hs_active = true;
                side.hs_type = t;
                side.hs_size = len;
                side.hs_buf.clear();
                if len > HS_MAX_LEN {
                    side.hs_skip = len - input.len() as u32;
                    self.stats.hs_dropped += 1;
                } else {
                    side.hs_skip = 0;
                    side.hs_buf.reserve(len as usize);
                    side.hs_buf.extend_from_slice(input);
                }
                return Ok(());
            }
            let (msg, rest) = input.split_at(len as usize);
            self.handshake_message(dir, t, msg);
            input = rest;
        }
        Ok(())
    }

    /// One complete handshake message (Suricata's `SSLv3ParseHandshakeType`).
    fn handshake_message(&mut self, dir: Direction, t: u8, msg: &[u8]) {
        if msg.is_empty() {
            return;
        }
        match t {
            HS_CLIENT_HELLO => {
                self.hello(dir, Hello::Client, msg);
                self.flags |= F_CLIENT_HELLO;
            }
            HS_SERVER_HELLO => {
                self.hello(dir, Hello::Server, msg);
                self.flags |= F_SERVER_HELLO;
            }
            HS_CERTIFICATE => self.certificates(dir, msg),
            HS_CERTIFICATE_REQUEST if dir == Direction::ToClient => {
                self.flags |= F_NEED_CLIENT_CERT;
            }
            _ => {}
        }
    }

    /// Certificate message: the chain, and the first certificate's fields.
    fn certificates(&mut self, dir: Direction, msg: &[u8]) {
        let d = dir.index();
        let side = &mut self.sides[d];
        let Some(chain_len) = msg
            .get(..3)
            .map(|b| u32::from_be_bytes([0, b[0], b[1], b[2]]) as usize)
        else {
            return;
        };
        let Some(chain) = msg.get(3..3 + chain_len) else {
            self.stats.anomalies += 1;
            return;
        };
        if side.certs_seen {
            return;
        }
        side.certs_seen = true;
        let mut pos = 0;
        let mut n = 0;
        while pos < chain.len() {
            let Some(len) = chain
                .get(pos..pos + 3)
                .map(|b| u32::from_be_bytes([0, b[0], b[1], b[2]]) as usize)
            else {
                self.event(EV_INVALID_CERTIFICATE);
                return;
            };
            let Some(der) = chain.get(pos + 3..pos + 3 + len) else {
                self.event(EV_INVALID_CERTIFICATE);
                return;
            };
            pos += 3 + len;
            let first = n == 0;
            n += 1;
            let side = &mut self.sides[d];
            if first && !side.cert.present_any() && side.cert.serial.is_none() {
                match cert::decode(der) {
                    Some(ci) => {
                        side.cert = CertFields {
                            subject: Some(ci.subject),
                            issuerdn: Some(ci.issuer),
                            serial: Some(ci.serial),
                            fingerprint: Some(ci.fingerprint),
                            notbefore: Some(ci.not_before).filter(|&t| t != 0),
                            notafter: Some(ci.not_after).filter(|&t| t != 0),
                        };
                    }
                    None => {
                        let ev = cert::decode_error_event(der).unwrap_or(EV_INVALID_CERTIFICATE);
                        self.event(ev);
                        continue;
                    }
                }
            }
            if side.certs.len() < MAX_CERTS {
                side.certs.push(der.to_vec());
            }
        }
    }

    /// ClientHello / ServerHello (Suricata's `TLSDecodeHandshakeHello`).
    fn hello(&mut self, dir: Direction, kind: Hello, msg: &[u8]) {
        let d = dir.index();
        let cfg = self.cfg;
        if cfg.ja4 && kind == Hello::Client && self.sides[d].ja4.is_none() {
            self.sides[d].ja4 = Some(Ja4::new());
        }
        let mut c = Cur { d: msg, p: 0 };

        // Version.
        let Some(version) = c.u16() else {
            self.anomaly();
            return;
        };
        {
            let side = &mut self.sides[d];
            side.version = version;
            if kind == Hello::Client {
                if let Some(j) = side.ja4.as_mut() {
                    j.set_version(version);
                }
            }
        }
        if kind == Hello::Server && (version == TLS_VERSION_13 || version >> 8 == 0x7f) {
            self.flags |= F_LOG_WITHOUT_CERT;
        }
        {
            let side = &mut self.sides[d];
            if (0x7f01..0x7f10).contains(&side.version) || side.version == TLS_VERSION_13 {
                side.version = TLS_VERSION_13_PRE_DRAFT16;
            }
            if cfg.ja3 && side.ja3.is_none() {
                side.ja3 = Some(Ja3Builder::new(version));
            }
        }

        // Random.
        if c.take(32).is_none() {
            self.anomaly();
            return;
        }

        // Session id (absent in early TLS 1.3 draft server hellos).
        let no_sid = kind == Hello::Server && self.flags & F_LOG_WITHOUT_CERT != 0;
        if !no_sid {
            let Some(sid) = c.u8().and_then(|l| c.take(usize::from(l))) else {
                self.anomaly();
                return;
            };
            if !sid.is_empty() && self.sides[d].session_id.is_none() {
                self.sides[d].session_id = Some(sid.to_vec());
                if kind == Hello::Server {
                    if let (Some(a), Some(b)) = (&self.sides[0].session_id, &self.sides[1].session_id) {
                        if a == b {
                            self.flags |= F_SESSION_RESUMED;
                        }
                    }
                }
            }
        }

        // Cipher suites.
        if !c.has(2) {
            self.anomaly();
            return;
        }
        let suites_len = match kind {
            Hello::Server => 2,
            Hello::Client => usize::from(c.u16().unwrap_or(0)),
        };
        if !c.has(suites_len) || suites_len % 2 != 0 {
            self.anomaly();
            return;
        }
        {
            let side = &mut self.sides[d];
            let ja3_on = cfg.ja3 && side.ja3_hash.is_none();
            let mut field = Ja3Field::default();
            for _ in 0..suites_len / 2 {
                let cs = c.u16().unwrap_or(0);
                if is_grease(cs) {
                    continue;
                }
                if kind == Hello::Client {
                    if let Some(j) = side.ja4.as_mut() {
                        j.add_cipher(cs);
                    }
                }
                if ja3_on {
                    field.push(u32::from(cs));
                }
            }
            if ja3_on {
                if let Some(b) = side.ja3.as_mut() {
                    b.append(&field);
                }
            }
        }

        // Compression methods.
        if !no_sid {
            if !c.has(1) {
                self.anomaly();
                return;
            }
            let n = match kind {
                Hello::Server => 0,
                Hello::Client => usize::from(c.u8().unwrap_or(0)),
            };
            if kind == Hello::Server {
                c.p += 1;
            } else if c.take(n).is_none() {
                self.anomaly();
                return;
            }
        }

        // Extensions.
        let rest = c.d.get(c.p..).unwrap_or_default();
        let ok = self.hello_extensions(d, kind, rest);
        let side = &mut self.sides[d];
        if ok && cfg.ja3 && side.ja3_hash.is_none() {
            side.ja3_hash = side.ja3.as_ref().map(|b| ja3_hash(b.as_str()));
        }
    }

    /// Extensions block (Suricata's `TLSDecodeHSHelloExtensions`); `false` on a length error.
    fn hello_extensions(&mut self, d: usize, kind: Hello, data: &[u8]) -> bool {
        let cfg = self.cfg;
        let client = kind == Hello::Client;
        let ja3_on = cfg.ja3 && self.sides[d].ja3_hash.is_none();
        let mut f_ext = Ja3Field::default();
        let mut f_curves = Ja3Field::default();
        let mut f_pf = Ja3Field::default();
        let mut c = Cur { d: data, p: 0 };

        let append = |side: &mut Side, e: &Ja3Field, cu: &Ja3Field, pf: &Ja3Field| {
            if let Some(b) = side.ja3.as_mut() {
                b.append(e);
                if client {
                    b.append(cu);
                    b.append(pf);
                }
            }
        };

        if !c.has(2) {
            if ja3_on {
                append(&mut self.sides[d], &f_ext, &f_curves, &f_pf);
            }
            return true;
        }
        let ext_len = usize::from(c.u16().unwrap_or(0));
        if !c.has(ext_len) {
            self.anomaly();
            return false;
        }
        let mut processed = 0usize;
        'exts: while processed < ext_len {
            if !c.has(4) {
                self.anomaly();
                return false;
            }
            let et = c.u16().unwrap_or(0);
            let el = usize::from(c.u16().unwrap_or(0));
            let Some(ext) = c.d.get(c.p..c.p + el).filter(|_| c.has(el)) else {
                self.anomaly();
                return false;
            };
            let mut e = Cur { d: ext, p: 0 };
            // How far the input advances: Suricata uses the sub-parser's count for some
            // extensions, the extension length for others.
            let adv: usize = match et {
                0 => match self.ext_sni(d, &mut e) {
                    Some(n) => n,
                    None => break 'exts,
                },
                10 => {
                    // supported groups
                    if el == 0 {
                        0
                    } else {
                        let Some(l) = e.u16().map(usize::from).filter(|&l| e.has(l)) else {
                            self.anomaly();
                            break 'exts;
                        };
                        if client && ja3_on {
                            let mut done = 0;
                            while done < l {
                                let Some(g) = e.u16() else {
                                    self.anomaly();
                                    break 'exts;
                                };
                                if !is_grease(g) {
                                    f_curves.push(u32::from(g));
                                }
                                done += 2;
                            }
                        } else {
                            e.p += l;
                        }
                        e.p
                    }
                }
                11 => {
                    if el == 0 {
                        0
                    } else {
                        let Some(l) = e.u8().map(usize::from).filter(|&l| e.has(l)) else {
                            self.anomaly();
                            break 'exts;
                        };
                        let pfs = e.take(l).unwrap_or_default();
                        if client && ja3_on {
                            for &pf in pfs {
                                f_pf.push(u32::from(pf));
                            }
                        }
                        e.p
                    }
                }
                13 => {
                    if el == 0 {
                        0
                    } else {
                        let Some(l) = e.u16().map(usize::from).filter(|&l| l % 2 == 0 && e.has(l)) else {
                            self.anomaly();
                            break 'exts;
                        };
                        let algs = e.take(l).unwrap_or_default();
                        if client {
                            if let Some(j) = self.sides[d].ja4.as_mut() {
                                for p in algs.chunks_exact(2) {
                                    j.add_sigalg(u16::from_be_bytes([p[0], p[1]]));
                                }
                            }
                        }
                        e.p
                    }
                }
                16 => {
                    if el > 0 {
                        let Some(l) = e.u16().map(usize::from).filter(|&l| e.has(l)) else {
                            self.anomaly();
                            break 'exts;
                        };
                        if client {
                            if let Some(j) = self.sides[d].ja4.as_mut() {
                                // Walk the protocol list as Suricata does; only the first one
                                // is used.
                                let mut done = 0usize;
                                while done < l {
                                    let Some(pl) = e.u8().map(usize::from) else {
                                        self.stats.anomalies += 1;
                                        break 'exts;
                                    };
                                    done += 1;
                                    if !e.has(pl) {
                                        self.stats.anomalies += 1;
                                        break 'exts;
                                    }
                                    if done + pl > l {
                                        break;
                                    }
                                    let proto = e.take(pl).unwrap_or_default();
                                    if done == 1 {
                                        j.set_alpn(proto);
                                    }
                                    done += pl;
                                }
                            }
                        }
                    }
                    el
                }
                42 => {
                    if client {
                        self.flags |= F_EARLY_DATA;
                    }
                    el
                }
                43 => match self.ext_supported_versions(d, kind, &mut e, el) {
                    Some(n) => n,
                    None => break 'exts,
                },
                35 => {
                    if client {
                        self.flags |= F_SESSION_RESUMED;
                    }
                    el
                }
                _ => el,
            };
            c.p += adv;
            if ja3_on && !is_grease(et) {
                f_ext.push(u32::from(et));
            }
            if client && !is_grease(et) {
                if let Some(j) = self.sides[d].ja4.as_mut() {
                    j.add_extension(et);
                }
            }
            processed += el + 4;
        }
        if ja3_on {
            append(&mut self.sides[d], &f_ext, &f_curves, &f_pf);
        }
        true
    }

    /// SNI extension; `None` ends extension parsing (Suricata's `goto end`).
    fn ext_sni(&mut self, d: usize, e: &mut Cur<'_>) -> Option<usize> {
        if e.d.is_empty() {
            return Some(0);
        }
        if !e.has(2) {
            self.anomaly();
            return None;
        }
        e.p += 2;
        let Some(sni_type) = e.u8() else {
            self.anomaly();
            return None;
        };
        if sni_type != 0 {
            self.anomaly();
            return None;
        }
        let Some(sni_len) = e.u16().map(usize::from) else {
            self.anomaly();
            return None;
        };
        if !e.has(sni_len) || sni_len > 255 || sni_len == 0 {
            self.anomaly();
            return None;
        }
        let name = e.take(sni_len).unwrap_or_default();
        let side = &mut self.sides[d];
        if side.sni.is_some() {
            self.stats.anomalies += 1;
            return Some(e.p);
        }
        // Stored as a C string: cut at the first NUL.
        let end = memchr::memchr(0, name).unwrap_or(name.len());
        side.sni = Some(name[..end].to_vec());
        Some(e.p)
    }

    /// supported_versions extension.
    fn ext_supported_versions(&mut self, d: usize, kind: Hello, e: &mut Cur<'_>, el: usize) -> Option<usize> {
        if el == 0 {
            return Some(0);
        }
        match kind {
            Hello::Client => {
                let Some(l) = e.u8().map(usize::from).filter(|&l| l >= 2 && e.has(l)) else {
                    self.anomaly();
                    return None;
                };
                let list = e.take(l).unwrap_or_default();
                let side = &mut self.sides[d];
                for p in list.chunks_exact(2) {
                    let v = u16::from_be_bytes([p[0], p[1]]);
                    if version_valid(v) {
                        side.version = v;
                        if let Some(j) = side.ja4.as_mut() {
                            j.set_version(v);
                        }
                        break;
                    }
                }
                self.flags |= F_CH_VERSION_EXT;
                Some(e.p)
            }
            Hello::Server => {
                let Some(v) = e.u16() else {
                    self.anomaly();
                    return None;
                };
                if self.flags & F_CH_VERSION_EXT != 0 && v > TLS_VERSION_12 {
                    self.flags |= F_LOG_WITHOUT_CERT;
                }
                self.sides[d].version = v;
                Some(2)
            }
        }
    }

    /// One step of SSLv2 record parsing (framing, hello versions); returns bytes consumed.
    fn v2_step(&mut self, dir: Direction, input: &[u8]) -> Result<usize, TlsError> {
        let d = dir.index();
        let side = &mut self.sides[d];
        let mut parsed = 0;
        if !side.in_body {
            if side.hdr_got == 0 {
                side.v2_hdr_len = if input[0] & 0x80 != 0 { 2 } else { 3 };
            }
            // Header plus the message type byte.
            let want = usize::from(side.v2_hdr_len) + 1;
            let got = usize::from(side.hdr_got);
            let n = (want - got).min(input.len());
            side.hdr[got..got + n].copy_from_slice(&input[..n]);
            side.hdr_got += n as u8;
            parsed = n;
            if usize::from(side.hdr_got) < want {
                return Ok(parsed);
            }
            let (mask, mt) = if side.v2_hdr_len == 2 {
                (0x7f, side.hdr[2])
            } else {
                (0x3f, side.hdr[3])
            };
            side.record_length = u32::from(u16::from_be_bytes([side.hdr[0] & mask, side.hdr[1]]));
            side.content_type = mt;
            side.version = SSL_VERSION_2;
            side.in_body = true;
            // The message type byte counts as body.
            side.body_got = 1;
            self.stats.records += 1;
            if side.record_length == 0 {
                return Err(TlsError::Sslv2);
            }
        }
        let side = &mut self.sides[d];
        let avail = input.get(parsed..).unwrap_or_default();
        let need = side.record_length.saturating_sub(side.body_got) as usize;
        let take = need.min(avail.len());
        // Only the first bytes of a ClientHello matter: keep at most 6 of them.
        if side.rec_buf.len() < 6 {
            let keep = (6 - side.rec_buf.len()).min(take);
            side.rec_buf.extend_from_slice(&avail[..keep]);
        }
        side.body_got += take as u32;
        if side.body_got < side.record_length {
            return Ok(parsed + take);
        }
        let mt = side.content_type;
        let first = std::mem::take(&mut side.rec_buf);
        side.reset_record();
        match mt {
            1 => {
                // CLIENT-HELLO: version, then cipher-spec, session-id, challenge lengths.
                let Some(b) = first.get(..6) else {
                    return Err(TlsError::Sslv2);
                };
                self.sides[d].version = u16::from_be_bytes([b[0], b[1]]);
                self.flags |= F_CLIENT_HELLO | F_SSL_CLIENT_HS;
            }
            4 => self.flags |= F_SERVER_HELLO | F_SSL_SERVER_HS,
            _ => {}
        }
        Ok(parsed + take)
    }

    fn after_decode(&mut self, dir: Direction, result: Result<(), TlsError>, cx: &mut Cx<'_>) {
        if let Err(e) = result {
            self.fail(e);
            // Suricata sets EOF on both sides: the transaction is logged now.
            self.log(dir, cx);
            return;
        }
        let (c, s) = (&self.sides[0].cert, &self.sides[1].cert);
        if self.flags & F_NEED_CLIENT_CERT != 0 {
            if c.subject.is_some() && c.issuerdn.is_some() {
                self.flags |= F_HANDSHAKE_DONE;
            }
        } else if s.subject.is_some() && s.issuerdn.is_some() {
            self.flags |= F_HANDSHAKE_DONE;
        }
        if self.flags & F_HANDSHAKE_DONE != 0 {
            self.log(dir, cx);
        }
    }
}

impl CertFields {
    fn present_any(&self) -> bool {
        self.subject.is_some() || self.issuerdn.is_some()
    }
}

impl Parser for TlsParser {
    fn live_events(&self) -> &[&'static str] {
        &self.events
    }

    fn live_record(&self) -> Option<Record> {
        Some(Record::Tls(Box::new(self.record())))
    }

    fn no_payload_inspection(&self) -> bool {
        self.flags & F_NO_PAYLOAD_INSPECTION != 0
    }

    fn take_raw_trigger(&mut self) -> [bool; 2] {
        std::mem::take(&mut self.raw_trigger)
    }

    fn on_data(&mut self, dir: Direction, data: &[u8], cx: &mut Cx<'_>) {
        if self.failed || data.is_empty() {
            return;
        }
        // Application data records are walked by length (no copy, no allocation); other
        // records are decoded.
        let r = self.decode(dir, data);
        self.after_decode(dir, r, cx);
    }

    fn on_gap(&mut self, dir: Direction, len: u32, cx: &mut Cx<'_>) {
        if self.failed || len == 0 {
            return;
        }
        // Record framing is lost and Suricata's TLS parser takes no gaps: the app layer stops
        // for the flow; the transaction is still logged when the flow ends.
        let _ = (dir, cx);
        self.fail(TlsError::RecordHeader);
    }

    fn on_close(&mut self, cx: &mut Cx<'_>) {
        // Suricata's STATE_FINISHED: the logger runs even for an incomplete handshake.
        self.log(Direction::ToServer, cx);
    }

    fn on_eof(&mut self, dir: Direction, cx: &mut Cx<'_>) {
        // Suricata's flow-timeout pseudo packet for the to-server side marks the session done and
        // runs the logger before any unacknowledged to-client data is parsed.
        if dir == Direction::ToServer {
            self.log(Direction::ToServer, cx);
        }
    }
}

#[cfg(test)]
mod tests;
